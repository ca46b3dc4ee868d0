"""Building an ``Article`` from decoded text and its metadata: ids, the title line, the
boilerplate spans, and the longest text accepted."""
from __future__ import annotations

from typing import Optional

from geo.fingerprints import content_hash
from geo.read.boilerplate import find_boilerplate, merge_spans
from geo.read.decoding import replace_surrogates
from geo.read.errors import ArticleReadError
from geo.read.metadata import clean_meta
from geo.read.titles import find_title_line
from geo.records import Article

# Longest article text, in characters: spaCy's default ``nlp.max_length``, which the pipeline
# enforces; refusing longer texts here reports them at read time rather than after ingest starts.
MAX_CHARS = 1_000_000


def article_id(text: str) -> str:
    """Content-derived id (16 hex chars) so ingesting the same text twice is a no-op."""
    return content_hash(text)[:16]


def _first(*values: Optional[str]) -> Optional[str]:
    return next((v for v in values if v), None)


def make_article(text: str, *, meta: Optional[dict] = None, path: Optional[str] = None,
                 title_from_text: bool = False, fallback: Optional[dict] = None) -> Article:
    """Assemble an Article: ``meta`` wins over what the text says, ``fallback`` comes last.

    ``title_from_text``: the first line is a headline (plain text); its " – VG" suffix becomes
    the source (unless metadata gives one) and is marked as boilerplate.
    """
    if not text.strip():
        raise ArticleReadError("empty", path)
    if len(text) > MAX_CHARS:
        raise ArticleReadError(f"too long ({len(text):,} characters > {MAX_CHARS:,})", path)
    where = path or "pasted text"
    text = replace_surrogates(text, where)
    meta = clean_meta(meta or {}, where)
    fallback = clean_meta(fallback or {}, where)
    boiler = [(h.start, h.end) for h in find_boilerplate(text)]
    title = source = None
    if title_from_text:
        line = find_title_line(text, known_source=_first(meta.get("source"), fallback.get("source")))
        if line is not None:
            title, source = line.title, line.source
            if line.suffix_span:
                boiler.append(line.suffix_span)
    return Article(
        id=_first(meta.get("id"), fallback.get("id")) or article_id(text),
        text=text,
        title=_first(meta.get("title"), title, fallback.get("title")),
        date=_first(meta.get("date"), fallback.get("date")),
        source=_first(meta.get("source"), source, fallback.get("source")),
        url=_first(meta.get("url"), fallback.get("url")),
        path=path,
        boilerplate=merge_spans(boiler),
    )
