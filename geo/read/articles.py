"""Reading articles: files, folders, uploads and pasted text -> ``Article`` records.

Metadata comes from the file itself, a sidecar or a manifest (``geo.read.metadata``) and, last,
the ``date``/``source`` arguments. A batch never stops on one bad input: ``read_articles``
yields an ``ArticleError`` for it and goes on. Binary, empty, huge, mis-encoded and hostile
inputs each give a clear per-file reason, and any unexpected parser failure is caught per file
too ("unexpected TypeError: ..."), never per batch.

Size limits: ``DEFAULT_MAX_BYTES`` (5 MB) for a single-article file (.txt, .md, .html) and one
``.jsonl`` line; ``DEFAULT_MAX_FEED_BYTES`` (200 MB) for a whole ``.json``/``.jsonl`` file,
which may hold many small articles; ``MAX_CHARS`` (``geo.read.assemble``) for any article's
text, per article, so one long item of a feed does not reject its neighbours. A ``.jsonl`` feed
is read line by line and a line past its limit is skipped unread (``bounded_lines``), so
reading one, from a folder or an upload saved to a file (``read_upload_file``), holds one line
at a time whatever the file's size.
"""
from __future__ import annotations

import errno
import io
import logging
import os
import stat
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator, Optional, Union

from geo.read.assemble import make_article
from geo.read.decoding import decode_bytes
from geo.read.errors import ArticleError, ArticleReadError, too_large, unexpected_reason
from geo.read.formats import PARSERS, parse_jsonl_lines
from geo.read.metadata import MetaLookup, is_meta_file
from geo.records import Article

log = logging.getLogger("geo.read")

DEFAULT_MAX_BYTES = 5 * 1024 * 1024  # a single-article file, or one line of a .jsonl feed
DEFAULT_MAX_FEED_BYTES = 200 * 1024 * 1024  # a whole .json/.jsonl file of many articles
FEED_SUFFIXES = (".json", ".jsonl")
SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl")


def read_text_article(text: Union[str, bytes], title: Optional[str] = None, date: Any = None,
                      source: Optional[str] = None, id: Optional[str] = None,
                      url: Optional[str] = None) -> Article:
    """Text pasted into the dashboard. Arguments win; a title line in the text is used when
    ``title`` is not given. Raises ``ArticleReadError`` (empty, binary, undecodable)."""
    if isinstance(text, bytes):
        text = decode_bytes(text)
    if not text.strip():
        raise ArticleReadError("empty")
    meta = {"id": id, "title": title, "date": date, "source": source, "url": url}
    return make_article(text, meta=meta, title_from_text=True)  # warns on an unreadable date


def _suffix(name: str) -> str:
    return Path(name).suffix.lower()


def _file_limit(suffix: str, max_bytes: int, max_feed_bytes: int) -> int:
    """Size limit of a whole file: feeds (.json/.jsonl) may hold many articles."""
    return max(max_bytes, max_feed_bytes) if suffix in FEED_SUFFIXES else max_bytes


def _guarded(name: str, items: Iterable) -> Iterator:
    """``items``, with any exception turned into one ArticleError for ``name``: no parser bug
    (or input we did not foresee) can stop a batch."""
    try:
        yield from items
    except ArticleReadError as err:
        yield ArticleError(name, err.reason)
    except Exception as err:  # noqa: BLE001 - per-file catch-all, by design
        log.debug("%s: unexpected error", name, exc_info=True)
        yield ArticleError(name, unexpected_reason(err))


def _parse(data: bytes, name: str, meta: dict, fallback: dict, max_bytes: int,
           max_feed_bytes: int = DEFAULT_MAX_FEED_BYTES) -> Iterator:
    """Bytes of one input -> Article | ArticleError items; never raises (but GeneratorExit)."""
    suffix = _suffix(name)
    parser = PARSERS.get(suffix)
    if parser is None and suffix != ".jsonl":
        yield ArticleError(name, f"unsupported file type {suffix or '(no extension)'!r}")
        return
    limit = _file_limit(suffix, max_bytes, max_feed_bytes)
    if len(data) > limit:
        yield ArticleError(name, too_large(len(data), limit))
        return
    if suffix == ".jsonl":
        yield from _guarded(name, parse_jsonl_lines(io.BytesIO(data), name, fallback, max_bytes))
    else:
        yield from _guarded(name, _lazy(parser, data, name, meta, fallback))


def _lazy(parser, *args) -> Iterator:
    """Call ``parser`` only when iterated, i.e. inside ``_guarded``'s try block."""
    yield from parser(*args)


def read_upload(name: str, data: bytes, date: Any = None, source: Optional[str] = None,
                max_bytes: int = DEFAULT_MAX_BYTES, max_feed_bytes: int = DEFAULT_MAX_FEED_BYTES,
                ) -> Iterator[Union[Article, ArticleError]]:
    """A file uploaded in the dashboard: dispatch on the name's extension (no sidecar lookup)."""
    fallback = {"date": date, "source": source}
    yield from _parse(data, name, {}, fallback, max_bytes, max_feed_bytes)


def read_upload_file(name: str, file: Union[str, Path, BinaryIO], date: Any = None,
                     source: Optional[str] = None, max_bytes: int = DEFAULT_MAX_BYTES,
                     max_feed_bytes: int = DEFAULT_MAX_FEED_BYTES,
                     ) -> Iterator[Union[Article, ArticleError]]:
    """An upload saved to a file (a path, or a seekable binary file object), read as
    ``read_upload`` reads its bytes but lazily: a ``.jsonl`` feed line by line, so memory is
    bounded by one line (``max_bytes``) whatever the file's size; other formats are read up to
    their size limit. ``name`` is the upload's own name, a label only: its extension picks
    the format and it never becomes a path."""
    if isinstance(file, (str, os.PathLike)):
        try:
            fh = open(file, "rb")
        except OSError as err:
            yield ArticleError(name, f"cannot read: {err.strerror or err}")
            return
        with fh:
            yield from read_upload_file(name, fh, date, source, max_bytes, max_feed_bytes)
        return
    suffix = _suffix(name)
    if suffix not in SUFFIXES:
        yield ArticleError(name, f"unsupported file type {suffix or '(no extension)'!r}")
        return
    fallback = {"date": date, "source": source}
    limit = _file_limit(suffix, max_bytes, max_feed_bytes)
    start = file.tell()
    size = file.seek(0, os.SEEK_END) - start
    file.seek(start)
    if size > limit:  # checked before reading: a huge file is never loaded
        yield ArticleError(name, too_large(size, limit))
    elif suffix == ".jsonl":
        yield from _guarded(name, parse_jsonl_lines(file, name, fallback, max_bytes))
    else:
        yield from _parse(file.read(limit + 1), name, {}, fallback, max_bytes, max_feed_bytes)


# --------------------------------------------------------------------------------------------
# Files and folders


def _walk(root: Path, follow_links: bool = False) -> Iterator[Union[Path, ArticleError]]:
    """The files under ``root`` in path order, and an error for each entry that is not read:
    a folder that cannot be listed, and a symbolic link (a link in a folder may point anywhere
    on the machine: it is read only when the user asks, ``follow_links``). Hidden files and
    sidecars are skipped quietly, as documented."""
    found: list[Path] = []
    errors: list[ArticleError] = []

    def unlistable(err: OSError) -> None:
        errors.append(ArticleError(str(err.filename or root),
                                   f"cannot read folder: {err.strerror or err}"))

    for folder, subfolders, files in os.walk(root, onerror=unlistable, followlinks=follow_links):
        here = Path(folder)
        subfolders[:] = [n for n in subfolders if not n.startswith(".")]
        file_names = set(files)  # a set: a folder of 100,000 files is not walked in O(n^2)
        for name in subfolders + files:
            path = here / name
            is_file = name in file_names
            if is_file and (name.startswith(".") or is_meta_file(path)):
                continue
            if path.is_symlink() and not follow_links:
                errors.append(ArticleError(str(path), _LINK_NOT_FOLLOWED))
            elif is_file:
                found.append(path)
    yield from sorted(found + errors, key=lambda x: str(x if isinstance(x, Path) else x.path))


_SYSTEM_TREES = ("/proc", "/sys", "/dev")


def _not_a_regular_file(mode: int) -> Optional[str]:
    """Why a file of this ``st_mode`` is refused (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    kind = ("a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a folder"
            if stat.S_ISDIR(mode) else "not a regular file")
    return f"not a regular file ({kind})" if kind.startswith("a ") else kind


def _not_an_article_file(path: Path) -> Optional[str]:
    """Why ``path`` is refused by its type (None for a regular file): a FIFO or a device would
    block or never end, and /proc-like files are the machine's own data."""
    resolved = str(path.resolve())
    if any(resolved == t or resolved.startswith(t + "/") for t in _SYSTEM_TREES):
        return f"a system file ({resolved}), not an article"
    return _not_a_regular_file(path.stat().st_mode)


_LINK_NOT_FOLLOWED = "symbolic link not followed (--follow-links reads what links point to)"


def _open_regular(path: Path, follow: bool):
    """``path`` opened for reading, checked on the open file itself: a file swapped for a link
    (when links are not followed) or for a FIFO/device between the folder walk and the read
    is refused, never read or waited on (O_NOFOLLOW, O_NONBLOCK, then fstat)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as err:
        if err.errno == errno.ELOOP and not follow:
            raise ArticleReadError(_LINK_NOT_FOLLOWED) from None
        raise
    try:
        refused = _not_a_regular_file(os.fstat(fd).st_mode)
    except OSError:
        os.close(fd)
        raise
    if refused:
        os.close(fd)
        raise ArticleReadError(refused)
    return os.fdopen(fd, "rb")


def has_article_files(path: Union[str, Path]) -> bool:
    """Whether ``path`` is, or is a folder holding, at least one file of a supported type
    (stops at the first one found; sidecars, manifests and hidden files do not count)."""
    path = Path(path)
    if path.is_dir():
        return any(isinstance(f, Path) and _suffix(f.name) in SUFFIXES for f in _walk(path))
    return path.exists()


def _read_file(path: Path, lookup: MetaLookup, fallback: dict, max_bytes: int,
               max_feed_bytes: int, follow: bool = True) -> Iterator:
    """The items of one file. ``follow``: whether ``path`` may be a symbolic link (a path the
    user named) or not (a file found in a folder without ``--follow-links``)."""
    name = str(path)
    suffix = _suffix(name)
    if suffix not in SUFFIXES:
        yield ArticleError(name, f"unsupported file type {suffix or '(no extension)'!r}")
        return
    try:
        if not follow and path.is_symlink():  # replaced by a link since the folder walk
            yield ArticleError(name, _LINK_NOT_FOLLOWED)
            return
        refused = _not_an_article_file(path)
        if refused:
            yield ArticleError(name, refused)
            return
        meta = lookup.get(path)
        limit = _file_limit(suffix, max_bytes, max_feed_bytes)
        with _open_regular(path, follow) as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > limit:  # checked before reading: a huge file is never loaded
                yield ArticleError(name, too_large(size, limit))
                return
            if suffix == ".jsonl":  # a feed: streamed, max_bytes applies per line
                yield from parse_jsonl_lines(fh, name, fallback, max_bytes)
                return
            data = fh.read(limit + 1)  # the file may have grown since fstat()
        if len(data) > limit:
            yield ArticleError(name, too_large(len(data), limit))
            return
    except ArticleReadError as err:
        yield ArticleError(name, err.reason)
        return
    except OSError as err:
        yield ArticleError(name, f"cannot read: {err.strerror or err}")
        return
    yield from _parse(data, name, meta, fallback, max_bytes, max_feed_bytes)


def read_articles(paths: Union[str, Path, Iterable[Union[str, Path]]], date: Any = None,
                  source: Optional[str] = None, max_bytes: int = DEFAULT_MAX_BYTES,
                  max_feed_bytes: int = DEFAULT_MAX_FEED_BYTES, follow_links: bool = False,
                  ) -> Iterator[Union[Article, ArticleError]]:
    """Articles from files and folders (walked recursively, sorted; hidden files, sidecars and
    manifests skipped). ``date``/``source`` fill in what no metadata gives. Each unreadable
    input yields an ``ArticleError`` and the batch goes on.

    ``max_bytes`` limits a single-article file and one ``.jsonl`` line, ``max_feed_bytes`` a
    whole ``.json``/``.jsonl`` file; any article is limited to ``MAX_CHARS`` characters.
    Links inside folders are reported, not read, unless ``follow_links`` (a path named
    explicitly is read even if it is a link: the user asked for it)."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    if max_bytes <= 0 or max_feed_bytes <= 0:
        raise ValueError(f"size limits must be positive, got {max_bytes}, {max_feed_bytes}")
    fallback = {"date": date, "source": source}
    lookup = MetaLookup()
    for p in paths:
        p = Path(p)
        try:
            if p.is_dir():
                files: Iterable[Union[Path, ArticleError]] = _walk(p, follow_links)
            elif p.exists():
                files = [p]
            elif p.is_symlink():
                yield ArticleError(str(p), "symbolic link to nothing (dangling, or a loop)")
                continue
            else:
                yield ArticleError(str(p), "no such file or directory")
                continue
            for f in files:
                if isinstance(f, ArticleError):
                    yield f
                    continue
                # a path named by the user is read even if it is a link; one found in a folder
                # only with follow_links
                follow = follow_links or f is p
                yield from _guarded(str(f), _read_file(f, lookup, fallback, max_bytes,
                                                       max_feed_bytes, follow))
                while lookup.errors:
                    yield lookup.errors.pop(0)
        except OSError as err:  # e.g. a folder that cannot be listed
            yield ArticleError(str(p), f"cannot read: {err.strerror or err}")


def read_article(path: Union[str, Path], date: Any = None, source: Optional[str] = None,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """One file holding one article; raises ``ArticleReadError`` instead of yielding errors."""
    items = list(read_articles([path], date=date, source=source, max_bytes=max_bytes))
    for item in items:
        if isinstance(item, ArticleError):
            raise ArticleReadError(item.reason, item.path)
    if len(items) != 1:
        raise ArticleReadError(f"expected one article, found {len(items)}", str(path))
    return items[0]


def estimate_articles(paths: list[str]) -> Optional[int]:
    """About how many articles ``paths`` hold, for the progress bar's ETA: one per file (a
    sidecar counts too), one per line of a ``.jsonl`` feed (counted, not parsed). None when
    it cannot tell."""
    total = 0
    try:
        for path in map(Path, paths):
            files = ([Path(d) / n for d, _, names in os.walk(path) for n in names
                      if not n.startswith(".")] if path.is_dir() else
                     [path] if path.is_file() else [])
            for f in files:
                if f.suffix.lower() == ".jsonl":
                    with open(f, "rb") as fh:
                        total += sum(1 for line in fh if line.strip())
                else:
                    total += 1
    except OSError:
        return None
    return total or None
