"""Format parsers: the bytes of one input -> a list of Article | ArticleError, with no file
system access.

``.txt`` (first line = title), ``.md``/``.markdown`` (YAML front matter), ``.html``/``.htm``
(trafilatura, offline), ``.json`` (one object or a list), ``.jsonl`` (one object per line,
streamed). In a file of many articles each item fails on its own ("item 2: ...", "line 5:
..."). JSON nested too deeply for the parser is an error of that file or line, not a crash; a
JSON item whose ``text``/``body`` is not a string is an error of that item ("text is not a
string"). YAML front matter may not use aliases (an alias bomb of a few hundred bytes expands
to gigabytes) and is capped at ``MAX_FRONT_MATTER_CHARS``.
"""
from __future__ import annotations

import json
import logging
from typing import Any, BinaryIO, Iterator, Optional

import frontmatter
import yaml
from frontmatter.default_handlers import YAMLHandler

from geo.read.assemble import make_article
from geo.read.decoding import decode_bytes
from geo.read.errors import ArticleError, ArticleReadError, too_large, unexpected_reason
from geo.read.metadata import META_FIELDS, own_fields, usable_value

log = logging.getLogger("geo.read")

MAX_FRONT_MATTER_CHARS = 64 * 1024
TEXT_FIELDS = ("text", "body")  # first one present wins


def _parse_txt(data: bytes, name: str, meta: dict, fallback: dict) -> list:
    return [make_article(decode_bytes(data, name), meta=meta, path=name, title_from_text=True,
                         fallback=fallback)]


class _FrontMatterAlias(Exception):
    pass


class _NoAliasLoader(yaml.SafeLoader):
    """Refuses aliases, so an alias bomb is never expanded. A timestamp that is no date
    (``date: 2020-13-01``, ``0000-00-00``) stays a string, which the metadata check drops
    with a warning, instead of failing the whole file."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise _FrontMatterAlias()
        return super().compose_node(parent, index)

    def construct_lenient_timestamp(self, node):
        try:
            return self.construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)


_NoAliasLoader.add_constructor("tag:yaml.org,2002:timestamp",
                               _NoAliasLoader.construct_lenient_timestamp)


class _FrontMatterHandler(YAMLHandler):
    """python-frontmatter's YAML handler with ``_NoAliasLoader``, refusing front matter longer
    than ``MAX_FRONT_MATTER_CHARS``."""

    def load(self, fm: str, **kwargs: object) -> Any:
        if len(fm) > MAX_FRONT_MATTER_CHARS:
            raise ArticleReadError(f"front matter too long ({len(fm):,} characters > "
                                   f"{MAX_FRONT_MATTER_CHARS:,})")
        return yaml.load(fm, Loader=_NoAliasLoader)


def _parse_md(data: bytes, name: str, meta: dict, fallback: dict) -> list:
    text = decode_bytes(data, name)
    handler = _FrontMatterHandler()
    try:
        # Our handler only when the text starts with a YAML block, like frontmatter's own
        # detection (a '---' rule further down is Markdown, not front matter).
        post = frontmatter.loads(text, handler=handler if handler.detect(text) else None)
    except _FrontMatterAlias:
        raise ArticleReadError("YAML aliases (*name) are not allowed in front matter") from None
    except yaml.YAMLError as err:
        raise ArticleReadError(f"invalid YAML front matter: {str(err).splitlines()[0]}") from err
    except RecursionError:
        raise ArticleReadError("invalid front matter: nested too deeply") from None
    # The stored text is the body; offsets index it, nothing outside it is recorded.
    body = post.content
    fm = own_fields({k: post.metadata.get(k) for k in META_FIELDS}, name)
    has_title = usable_value(fm.get("title")) or usable_value(meta.get("title"))
    return [make_article(body, meta={**meta, **fm}, path=name,
                         title_from_text=not has_title, fallback=fallback)]


def _parse_html(data: bytes, name: str, meta: dict, fallback: dict) -> list:
    try:
        import trafilatura  # heavy (lxml): loaded with the first HTML file only
    except ImportError as err:  # e.g. lxml_html_clean missing
        raise ArticleReadError(f"HTML support unavailable ({err})") from err
    html = decode_bytes(data, name)
    doc = trafilatura.bare_extraction(html, favor_precision=True, with_metadata=True,
                                      include_comments=False, include_tables=False)
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise ArticleReadError("no article text found in HTML")
    found = {"title": doc.title, "date": doc.date, "source": doc.sitename, "url": doc.url}
    merged = {**{k: v for k, v in found.items() if v}, **meta}  # sidecar/manifest win
    article = make_article(text, meta=merged, path=name, fallback=fallback)
    return [article]


def _article_from_obj(obj: Any, name: str, where: str, meta: dict, fallback: dict):
    if not isinstance(obj, dict):
        return ArticleError(name, f"{where}: expected an object, got {type(obj).__name__}")
    text = next((obj[k] for k in TEXT_FIELDS if isinstance(obj.get(k), str)), None)
    if text is None:
        present = next((k for k in TEXT_FIELDS if obj.get(k) is not None), None)
        if present is not None:  # a list, a number, an object...
            return ArticleError(name, f"{where}: {present} is not a string")
        return ArticleError(name, f"{where}: no text field (expected one of {', '.join(TEXT_FIELDS)})")
    if not text.strip():
        return ArticleError(name, f"{where}: empty")
    own = own_fields({k: obj.get(k) for k in META_FIELDS}, f"{name} {where}")
    # For a file holding many articles the sidecar/manifest only fill gaps.
    return make_article(text, meta={**meta, **own}, path=name, fallback=fallback)


def _item_or_error(obj: Any, name: str, where: str, meta: dict, fallback: dict):
    """One article of a multi-article file; its failure is an error of that item only."""
    try:
        return _article_from_obj(obj, name, where, meta, fallback)
    except ArticleReadError as err:
        return ArticleError(name, f"{where}: {err.reason}")
    except Exception as err:  # noqa: BLE001 - the other items go on
        log.debug("%s %s: unexpected error", name, where, exc_info=True)
        return ArticleError(name, f"{where}: {unexpected_reason(err)}")


def _parse_json(data: bytes, name: str, meta: dict, fallback: dict) -> Iterator:
    text = decode_bytes(data, name)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as err:
        raise ArticleReadError(f"invalid JSON at line {err.lineno}: {err.msg}") from err
    except RecursionError:
        raise ArticleReadError("invalid JSON: nested too deeply") from None
    del text
    if isinstance(obj, list):
        if not obj:
            raise ArticleReadError("empty")
        # one article at a time: each item is let go once its article is made, so the parsed
        # file and all its articles are never held together
        for i in range(len(obj)):
            item, obj[i] = obj[i], None
            yield _item_or_error(item, name, f"item {i}", {}, fallback)
        return
    yield _item_or_error(obj, name, "object", meta, fallback)


def bounded_lines(fh: BinaryIO, max_bytes: int) -> Iterator[tuple[Optional[bytes], int]]:
    """The lines of the binary file ``fh`` as ``(line, length)``; a line longer than
    ``max_bytes`` (its newline included) comes as ``(None, length)`` and is skipped in chunks,
    never held whole: memory stays bounded by ``max_bytes`` whatever the file holds."""
    while True:
        line = fh.readline(max_bytes + 1)
        if not line:
            return
        if len(line) <= max_bytes:
            yield line, len(line)
            continue
        length = len(line)
        while not line.endswith(b"\n"):
            line = fh.readline(_SKIP_CHUNK)
            if not line:
                break
            length += len(line)
        yield None, length


_SKIP_CHUNK = 1 << 20


def parse_jsonl_lines(fh: BinaryIO, name: str, fallback: dict, max_bytes: int) -> Iterator:
    """The articles of a JSONL feed read from ``fh``, one line at a time (``max_bytes`` per
    line): each bad line is an error of that line, and the feed goes on."""
    seen = False
    for lineno, (raw, length) in enumerate(bounded_lines(fh, max_bytes), 1):
        if raw is None:
            seen = True
            yield ArticleError(name, f"line {lineno}: {too_large(length, max_bytes)}")
            continue
        if not raw.strip():
            continue
        seen = True
        try:
            obj = json.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            yield ArticleError(name, f"line {lineno}: not valid UTF-8/undecodable")
            continue
        except json.JSONDecodeError as err:
            yield ArticleError(name, f"invalid JSON at line {lineno}: {err.msg}")
            continue
        except RecursionError:
            yield ArticleError(name, f"invalid JSON at line {lineno}: nested too deeply")
            continue
        yield _item_or_error(obj, name, f"line {lineno}", {}, fallback)
    if not seen:
        yield ArticleError(name, "empty")


# .jsonl is not here: a feed is streamed line by line (``parse_jsonl_lines``).
PARSERS = {
    ".txt": _parse_txt, ".md": _parse_md, ".markdown": _parse_md, ".html": _parse_html,
    ".htm": _parse_html, ".json": _parse_json,
}
