"""Reading articles: files, folders, uploads and pasted text -> ``Article`` records.

Formats: ``.txt`` (first line = title), ``.md`` (YAML front matter), ``.html``/``.htm``
(trafilatura, offline), ``.json`` (one object or a list), ``.jsonl`` (one object per line).
Metadata comes from the file itself, a ``NAME.meta.json`` sidecar, a ``manifest.csv`` in the same
folder (columns ``file,id,title,date,source,url``) and, last, the ``date``/``source`` arguments.

A batch never stops on one bad input: ``read_articles`` yields an ``ArticleError`` for it and goes
on. Binary, empty, huge, mis-encoded and hostile inputs each give a clear per-file reason, and any
unexpected parser failure is caught per file too ("unexpected TypeError: ..."), never per batch.

Limits and hostile input:
- ``MAX_CHARS`` (1,000,000, what the NLP pipeline accepts): a longer article is refused at read
  time ("too long (N characters > 1,000,000)"), per article, so one long item of a feed does not
  reject its neighbours;
- ``DEFAULT_MAX_BYTES`` (5 MB): size of a single-article file (.txt, .md, .html) and of one
  ``.jsonl`` line; ``DEFAULT_MAX_FEED_BYTES`` (200 MB): size of a whole ``.json``/``.jsonl``
  file, which may hold many small articles (``.jsonl`` is streamed line by line);
- JSON nested too deeply for the parser is an error of that file/line, not a crash;
- lone surrogates (``"\\ud800"`` escapes in JSON) cannot be stored or hashed: they are replaced
  with U+FFFD, one character for one, so offsets are unchanged, and a warning names the file;
- YAML front matter may not use aliases (``*name``, ``<<: *name``): an alias bomb of a few
  hundred bytes expands to gigabytes, so such front matter is refused; front matter is capped at
  ``MAX_FRONT_MATTER_CHARS``;
- metadata fields (id, title, date, source, url) must be strings, numbers or dates; a list or a
  mapping is dropped with a warning (an id then falls back to the content hash), never
  stringified;
- a broken ``NAME.meta.json`` sidecar is ignored with a warning naming it; the article is read
  without that metadata;
- a date before 1900-01-01 or after tomorrow ("9999-12-31") is dropped with a warning, like an
  unreadable one: it would otherwise stretch the dashboard's date range for everyone;
- a JSON item whose ``text``/``body`` is not a string (a list, a number) is an error of that
  item ("text is not a string"), distinct from one with no text field at all.
Warnings (legacy encodings, unreadable dates, dropped fields) name the file they are about. ``Article.text`` is stored exactly as decoded (offsets index it); lines to ignore are marked as
``Article.boilerplate`` spans by the line rules in ``BOILERPLATE_RULES``.

Boilerplate decisions:
- the headline line is content (places in titles count); only its " – VG" publisher suffix is
  boilerplate, and a suffix that names a speaker ("- Defense Ministry") is never split off;
- photo captions are content, only the credit ("Photo: NAME / AGENCY") is boilerplate: captions
  carry places (the seed's Hadrut appears only in one);
- after an "also read"/"read more" marker, the short lines without sentence-final punctuation
  that follow are teaser headlines, up to the first real paragraph;
- every rule works on one line at a time and skips lines longer than its ``max_len``, so a
  paragraph that merely mentions a newsletter or a sponsor is never dropped.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Union

from geo.fingerprints import content_hash
from geo.records import Article

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 5 * 1024 * 1024  # a single-article file, or one line of a .jsonl feed
DEFAULT_MAX_FEED_BYTES = 200 * 1024 * 1024  # a whole .json/.jsonl file of many articles
# Longest article text, in characters: spaCy's default ``nlp.max_length``, which the pipeline
# enforces; refusing longer texts here reports them at read time rather than after ingest starts.
MAX_CHARS = 1_000_000
MAX_FRONT_MATTER_CHARS = 64 * 1024
MAX_SIDECAR_BYTES = 1024 * 1024
FEED_SUFFIXES = (".json", ".jsonl")
SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl")
MANIFEST = "manifest.csv"
SIDECAR = ".meta.json"
META_FIELDS = ("id", "title", "date", "source", "url")
TEXT_FIELDS = ("text", "body")  # first one present wins

PathLike = Union[str, Path]


# --------------------------------------------------------------------------------------------
# Errors


class ArticleReadError(Exception):
    """One input could not be read; ``reason`` is short and meant for the user."""

    def __init__(self, reason: str, path: Optional[str] = None):
        super().__init__(f"{path}: {reason}" if path else reason)
        self.reason = reason
        self.path = path


@dataclass
class ArticleError:
    """What a batch yields in place of an article it could not read."""
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


# --------------------------------------------------------------------------------------------
# Small helpers: ids, dates, decoding




_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_surrogates(text: str, where: Optional[str] = None, what: str = "text") -> str:
    """Lone surrogates (from JSON ``\\ud800`` escapes) -> U+FFFD, one for one: the length and
    every offset stay the same, and the text can be encoded, hashed and stored."""
    if not _SURROGATE.search(text):
        return text
    log.warning("%s: invalid Unicode (lone surrogate) in %s replaced with U+FFFD",
                where or "input", what)
    return _SURROGATE.sub("\ufffd", text)


def article_id(text: str) -> str:
    """Content-derived id (16 hex chars) so ingesting the same text twice is a no-op."""
    return content_hash(text)[:16]


_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_DEFAULTS = (dt.datetime(2000, 1, 1), dt.datetime(2001, 2, 2))


def normalize_date(value: Any) -> Optional[str]:
    """``YYYY-MM-DD`` or None. Accepts dates, ISO strings/datetimes and written dates
    ('30 September 2020', 'Sep 30, 2020'). Incomplete dates ('September 2020') give None rather
    than a made-up day."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)) or not isinstance(value, str):
        return None  # bare numbers are ambiguous (year? epoch?): refuse rather than guess
    s = value.strip()
    if not s or len(s) > 64:
        return None
    m = _ISO_DATE.match(s)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return None
    try:
        from dateutil import parser as dparser
    except ImportError:  # pragma: no cover - dateutil ships with pandas
        return None
    try:
        # Parse twice with different defaults: a field the string lacks shows up as a difference.
        a, b = (dparser.parse(s, default=d) for d in _DEFAULTS)
    except (ValueError, OverflowError, TypeError):
        return None
    if a.date() != b.date():
        return None
    return a.date().isoformat()


EARLIEST_DATE = dt.date(1900, 1, 1)


def plausible_date(iso: Optional[str], today: Optional[dt.date] = None) -> bool:
    """Whether a ``YYYY-MM-DD`` date can be an article's: from 1900-01-01 to tomorrow (one
    day of slack for time zones). A date like 9999-12-31 would otherwise set the dashboard's
    date range for everyone."""
    if not iso:
        return False
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return False
    latest = (today or dt.date.today()) + dt.timedelta(days=1)
    return EARLIEST_DATE <= day <= latest


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    # Control characters other than tab/newline/CR/formfeed: text has next to none.
    ctrl = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return ctrl > max(4, len(sample) // 50)


def _utf16_without_bom(data: bytes) -> Optional[str]:
    """'utf-16-le'/'utf-16-be' when the start of ``data`` looks like BOM-less UTF-16 text: NULs
    at nearly every other position (the high bytes of ASCII/Latin-1 characters), almost none at
    the others, and those other bytes text rather than control codes."""
    sample = data[:8192]
    n = len(sample) - len(sample) % 2
    if n < 8:
        return None
    even, odd = sample[0:n:2], sample[1:n:2]
    half = n // 2
    even_nul, odd_nul = even.count(0) / half, odd.count(0) / half
    if odd_nul >= 0.6 and even_nul <= 0.05:
        encoding, low = "utf-16-le", even
    elif even_nul >= 0.6 and odd_nul <= 0.05:
        encoding, low = "utf-16-be", odd
    else:
        return None
    ctrl = sum(1 for byte in low if byte < 32 and byte not in (9, 10, 12, 13))
    return encoding if ctrl <= max(2, half // 50) else None


def decode_bytes(data: bytes, name: Optional[str] = None) -> str:
    """UTF-8 (BOM stripped); UTF-16 with a BOM, or without one when it is plainly UTF-16 text
    (NULs at alternate positions); else charset_normalizer's guess when it is confident; else
    ``ArticleReadError``. Raises for binary and empty input too. ``name`` is used in warnings."""
    where = name or "input"
    if not data.strip():
        raise ArticleReadError("empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 has NULs, so check before binary
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise ArticleReadError(f"not valid UTF-16: {err.reason}") from err
    encoding = _utf16_without_bom(data)
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as err:
            raise ArticleReadError(
                f"looks like UTF-16 without a byte order mark, but does not decode as {encoding} "
                f"({err.reason})") from err
        log.warning("%s: no byte order mark: decoded as %s", where, encoding)
        return text
    if _looks_binary(data):
        raise ArticleReadError("binary file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        utf8_err = err
    try:
        from charset_normalizer import from_bytes
    except ImportError:
        from_bytes = None
    if from_bytes is not None:
        matches = from_bytes(data)
        best = matches.best()
        if best is not None and best.chaos < 0.2:
            # On short texts Latin code pages tie (cp1250 vs cp1252 both decode "café" cleanly);
            # break ties towards cp1252, by far the commonest legacy encoding of news text.
            tie = next((m for m in matches if m.encoding == "cp1252" and m.chaos <= best.chaos),
                       None)
            chosen = tie or best
            log.warning("%s: not UTF-8: decoded as %s", where, chosen.encoding)
            return str(chosen)
    raise ArticleReadError(
        f"not valid UTF-8/undecodable (byte 0x{data[utf8_err.start]:02x} at offset {utf8_err.start})"
    ) from utf8_err


# --------------------------------------------------------------------------------------------
# Boilerplate: a table of named line rules


@dataclass(frozen=True)
class LineRule:
    """One boilerplate rule, applied to each stripped line of the text.

    ``whole_line``: the span is the whole line (``pattern`` must match somewhere in it);
    otherwise the span is the match's group ``b`` (e.g. only the photo credit of a caption).
    Lines longer than ``max_len`` are real paragraphs and never match, which keeps phrases such
    as "sponsored" or "newsletter" inside news sentences safe.
    """
    name: str
    pattern: re.Pattern
    whole_line: bool = True
    max_len: int = 120
    doc: str = ""


@dataclass(frozen=True)
class BoilerplateHit:
    rule: str
    start: int
    end: int


_I = re.IGNORECASE
# A credit/copyright notice starts a line, follows a sentence end, or sits in parentheses.
_AFTER_SENTENCE = r"(?:^|(?<=[.!?…\"”’)\]]\s))"
_CREDIT_LABEL = (r"(?:photo(?:graph)?s?|foto|images?|pictures?|illustration|graphics?|video"
                 r"|(?:photo |image )?credits?|image source)")
_SOCIAL = (r"(?:share|tweet|e-?mail|print|whatsapp|facebook|twitter|x|linkedin|reddit|messenger"
           r"|telegram|pinterest|copy link|comments?(?: \(\d+\))?)")

TEASER_MARKER = LineRule(
    "teaser_marker",
    re.compile(r"^(?:also read|read also|read more|more reading|related(?: articles?| stories"
               r"| coverage| content| links| news)?|see also|more on (?:this|the) (?:story|topic)"
               r"|you (?:may|might) also (?:like|be interested in)|recommended(?: for you| reading)?"
               r"|most read|les også|lees ook|lesen sie auch)\s*:?$", _I),
    max_len=40,
    doc="a line that only announces links to other articles; the short headline lines right "
        "after it are marked too (teaser_headline)",
)

BOILERPLATE_RULES: tuple[LineRule, ...] = (
    LineRule(
        "ad_marker",
        re.compile(r"^\[?\s*(?:ad(?:[_ -]?\d+)?|ads|advert(?:isement)?s?|annonse|anzeige"
                   r"|sponsored(?: content)?|paid content)\s*\]?$", _I),
        max_len=40,
        doc="ad slot placeholders: [ad_1], [advertisement], ADVERTISEMENT",
    ),
    LineRule(
        "photo_credit",
        re.compile(_AFTER_SENTENCE + r"(?P<b>" + _CREDIT_LABEL + r"\s*:\s*\S.{0,78}?)\s*$", _I),
        whole_line=False, max_len=400,
        doc="'Photo: NAME / AGENCY' closing a line or a caption; only the credit is marked, "
            "the caption keeps its places (the seed's Hadrut is only in a caption)",
    ),
    LineRule(
        "photo_by",
        re.compile(_AFTER_SENTENCE + r"(?P<b>(?i:(?:staff |file |courtesy |submitted |contributed )?"
                   r"(?:photo(?:graph)?s?|images?|pictures?))\s+by\s+"
                   r"[A-Z][^.!?]{0,60}?)\s*$"),
        whole_line=False, max_len=400,
        doc="'Photo by Jane Doe/Getty Images', 'Staff photo by ...' closing a line",
    ),
    LineRule(
        "paren_credit",
        re.compile(r"(?P<b>\((?:[^()\n]{0,40}\s)?(?:photo(?:graph)?s?|foto|images?|pictures?|credits?)"
                   r"\b[^()\n]{0,60}\))", _I),
        whole_line=False, max_len=10_000,
        doc="a short parenthesis naming a photo: '(Photo: AP)', '(AP Photo/Jane Doe)', "
            "'(Associated Press file photo)', anywhere in a line",
    ),
    LineRule(
        "copyright",
        re.compile(_AFTER_SENTENCE + r"(?P<b>(?:©|copyright\s*(?:©|\(c\)|\d{4})).{0,80}?)\s*$", _I),
        whole_line=False, max_len=400,
        doc="'© 2020 Reuters', 'Copyright 2009 ...' closing a line",
    ),
    LineRule(
        "rights_reserved",
        re.compile(r"\ball rights reserved\.?$", _I),
        doc="a short line ending 'All rights reserved'",
    ),
    TEASER_MARKER,
    LineRule(
        "teaser_inline",
        re.compile(r"^(?:also read|read also|read more|related|see also|more on this story)"
                   r"\s*[:|»>]\s*\S", _I),
        max_len=200,
        doc="'Read more: <headline>' on one line",
    ),
    LineRule(
        "commerce",
        re.compile(r"\b(?:discount|coupon|promo|voucher|rabatt)[ -]?codes?\b"
                   r"|\b(?:business|commercial|paid|advertising)\s+(?:collaboration|partnership"
                   r"|cooperation)\b|\bsponsored\s+(?:content|post|article)\b|^sponsored by\b[^.!?]*$"
                   r"|\baffiliate\s+links?\b|\bwe (?:may )?(?:earn|receive) (?:a )?(?:small )?"
                   r"(?:commission|fee)\b|\badvertiser content\b", _I),
        doc="discount codes, affiliate and 'a business collaboration with' lines",
    ),
    LineRule(
        "newsletter",
        re.compile(r"\b(?:sign up|subscribe|register)\b.{0,60}\bnewsletters?\b"
                   r"|\bnewsletters?\b.{0,40}\b(?:sign up|subscribe|inbox)\b"
                   r"|^get (?:our|the) .{0,40}newsletter", _I),
        max_len=160,
        doc="newsletter sign-up prompts",
    ),
    LineRule(
        "cookie",
        re.compile(r"\b(?:we|this (?:site|website)) uses? cookies\b|\bcookie (?:policy|settings"
                   r"|preferences|consent)\b|\baccept (?:all )?cookies\b", _I),
        max_len=200,
        doc="cookie banners",
    ),
    LineRule(
        "share",
        re.compile(r"^(?:share(?: this(?: article| story| page| post)?| on \w+)?|follow us(?: on .{1,40})?"
                   r"|click here to .{1,50}|" + _SOCIAL + r")(?:\s*[|/·•,]\s*" + _SOCIAL + r")*\s*:?$",
                   _I),
        max_len=80,
        doc="share/follow/social button rows",
    ),
)

# A teaser headline: short, no sentence-final punctuation (closing quotes/brackets ignored).
_TEASER_MAX_LEN = 120
_TEASER_MAX_LINES = 6
_SENTENCE_END = re.compile(r"[.!;:,]$")


def _is_teaser_line(line: str) -> bool:
    return (len(line) <= _TEASER_MAX_LEN
            and not _SENTENCE_END.search(line.rstrip("\"'”’»)]"))
            and not line.startswith(("–", "—", "-", "“", '"')))  # dialogue/quote paragraphs


def _lines(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, stripped line) for every line; blank lines give ''."""
    pos = 0
    for raw in text.split("\n"):
        body = raw.rstrip("\r")
        stripped = body.strip()
        start = pos + (len(body) - len(body.lstrip()))
        yield start, start + len(stripped), stripped
        pos += len(raw) + 1


def find_boilerplate(text: str, rules: Iterable[LineRule] = BOILERPLATE_RULES) -> list[BoilerplateHit]:
    """Every rule hit, with the rule's name (for tests and for measuring rules on corpora)."""
    hits: list[BoilerplateHit] = []
    rules = tuple(rules)
    in_teaser = 0  # teaser headlines still allowed after a marker line
    for start, end, line in _lines(text):
        if not line:
            continue
        if in_teaser and _is_teaser_line(line) and not any(
                r.name != TEASER_MARKER.name and r.pattern.search(line) for r in rules):
            hits.append(BoilerplateHit("teaser_headline", start, end))
            in_teaser -= 1
            continue
        in_teaser = 0
        for rule in rules:
            if len(line) > rule.max_len:
                continue
            m = rule.pattern.search(line)
            if not m:
                continue
            if rule.whole_line:
                hits.append(BoilerplateHit(rule.name, start, end))
            else:
                hits.append(BoilerplateHit(rule.name, start + m.start("b"), start + m.end("b")))
            if rule is TEASER_MARKER:
                in_teaser = _TEASER_MAX_LINES
    return hits


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def boilerplate_spans(text: str) -> list[tuple[int, int]]:
    return merge_spans((h.start, h.end) for h in find_boilerplate(text))


# --------------------------------------------------------------------------------------------
# Title line and its " – VG" source suffix

_TITLE_MAX_LEN = 200
_SUFFIX = re.compile(r"^(?P<title>.*\S)\s+(?P<sep>[–—|]|-{1,2}|::)\s+(?P<src>\S.{0,39})$")
_SOURCE_SMALL_WORDS = {"of", "the", "and", "de", "la", "le", "der", "die", "&", "for", "on"}
# Wire headlines end with who *says* it ("... killed - Defense Ministry"): that is attribution,
# which the casualty extractor needs, not the publisher. Such suffixes are never split off.
_ATTRIBUTION = re.compile(
    r"\b(?:ministry|minister|office|council|police|army|forces?|command|governor|mayor|spokes\w*"
    r"|officials?|authorit(?:y|ies)|government|military|republic|prosecutors?|service|department"
    r"|committee|headquarters|hq|staff|militia|president|sources?|says?|said|statement|report|witnesses?"
    r"|residents?|monitors?|mission|osce|un|nato)\b", re.IGNORECASE)


def _looks_like_source(src: str, sep: str) -> bool:
    words = src.split()
    if _ATTRIBUTION.search(src) or (re.search(r"\d", src) and "." not in src):
        return False  # a speaker, or a date/number, not a publisher
    if not words or len(words) > (3 if sep.startswith("-") else 5) or src[-1] in ".!?,;:":
        return False
    for i, w in enumerate(words):
        if "." in w.strip(".") or w[0].isupper() or w[0].isdigit():
            continue
        if i > 0 and w.lower() in _SOURCE_SMALL_WORDS:
            continue
        return False
    return True


@dataclass
class TitleLine:
    title: str
    start: int  # span of the title line in the text
    end: int
    source: Optional[str] = None
    suffix_span: Optional[tuple[int, int]] = None  # span of "– VG", boilerplate


def split_title(line: str, known_source: Optional[str] = None) -> tuple[str, Optional[str], Optional[int]]:
    """'Headline – VG' -> ('Headline', 'VG', index of the separator); no suffix -> (line, None, None).
    With ``known_source`` only that name is split off. Without it, a suffix is split off when it
    looks like a short name (<= 40 chars, capitalised words or a domain; <= 3 words after a
    hyphen) and names no speaker ('- Defense Ministry'), so 'Armenia - Azerbaijan clashes' and
    wire headlines' attributions stay whole."""
    m = _SUFFIX.match(line)
    if not m:
        return line, None, None
    src = m["src"].strip()
    if known_source:
        # The publisher is known: a different suffix is attribution ("- Kiev"), keep it.
        if src.casefold() != known_source.strip().casefold():
            return line, None, None
    elif not _looks_like_source(src, m["sep"]):
        return line, None, None
    return m["title"], src, m.start("sep")


def find_title_line(text: str, known_source: Optional[str] = None) -> Optional[TitleLine]:
    """The first non-empty line, when it is short and more text follows (else no title line)."""
    lines = ((s, e, l) for s, e, l in _lines(text) if l)
    first = next(lines, None)
    if first is None or next(lines, None) is None:
        return None
    start, end, line = first
    if len(line) > _TITLE_MAX_LEN:
        return None
    heading = re.match(r"#{1,6}\s+", line)  # a Markdown heading: the title is after the hashes
    if heading:
        start, line = start + heading.end(), line[heading.end():]
    title, source, sep_at = split_title(line, known_source)
    suffix = (start + sep_at, end) if sep_at is not None else None
    return TitleLine(title, start, end, source, suffix)


# --------------------------------------------------------------------------------------------
# Building an Article


_META_TYPES = (str, int, float, dt.date)  # dt.datetime is a dt.date


def _usable(value: Any) -> bool:
    """A metadata value worth keeping: text (not blank), a number or a date."""
    if isinstance(value, str):
        return bool(value.strip())
    return isinstance(value, _META_TYPES) and not isinstance(value, bool)


def _own_fields(fields: dict, where: str) -> dict:
    """A file's own metadata fields that can be used; the others are dropped with a warning
    (so that, say, a list title does not hide the sidecar's title)."""
    out = {}
    for key, value in fields.items():
        if _usable(value):
            out[key] = value
        elif value is not None and not isinstance(value, str):
            log.warning("%s: %s of type %s ignored (expected text, a number or a date)",
                        where, key, type(value).__name__)
    return out


def _clean_meta(meta: dict, where: Optional[str] = None) -> dict:
    """Keep the known metadata fields, as strings; dates normalised (bad date -> None).

    Only strings, numbers and dates are accepted: a list or a mapping (a JSON title that is a
    list, a YAML field built from aliases...) is dropped with a warning, never stringified."""
    where = where or "input"
    out: dict[str, Optional[str]] = {}
    for key in META_FIELDS:
        value = meta.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if not _usable(value):
            log.warning("%s: %s of type %s ignored (expected text, a number or a date)",
                        where, key, type(value).__name__)
            continue
        if key == "date":
            day = normalize_date(value)
            shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
            if day is None:
                log.warning("%s: unreadable date %s ignored", where, shown)
            elif not plausible_date(day):
                log.warning("%s: implausible date %s ignored (expected %s to tomorrow)",
                            where, shown, EARLIEST_DATE.isoformat())
                day = None
            out[key] = day
        else:
            text = value.strip() if isinstance(value, str) else str(value)
            out[key] = replace_surrogates(text, where, key)
    return out


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
    meta = _clean_meta(meta or {}, where)
    fallback = _clean_meta(fallback or {}, where)
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


# --------------------------------------------------------------------------------------------
# Format parsers: bytes -> list of (article | error), no file system access


def _parse_txt(data: bytes, name: str, meta: dict, fallback: dict) -> list:
    return [make_article(decode_bytes(data, name), meta=meta, path=name, title_from_text=True,
                         fallback=fallback)]


class _FrontMatterAlias(Exception):
    pass


def _front_matter_handler():
    """A python-frontmatter YAML handler whose loader refuses aliases (so an alias bomb is never
    expanded) and front matter longer than ``MAX_FRONT_MATTER_CHARS``."""
    import yaml
    from frontmatter.default_handlers import YAMLHandler

    class NoAliasLoader(yaml.SafeLoader):
        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                raise _FrontMatterAlias()
            return super().compose_node(parent, index)

    class Handler(YAMLHandler):
        def load(self, fm: str, **kwargs: object) -> Any:
            if len(fm) > MAX_FRONT_MATTER_CHARS:
                raise ArticleReadError(f"front matter too long ({len(fm):,} characters > "
                                       f"{MAX_FRONT_MATTER_CHARS:,})")
            return yaml.load(fm, Loader=NoAliasLoader)

    return Handler()


def _parse_md(data: bytes, name: str, meta: dict, fallback: dict) -> list:
    import frontmatter
    import yaml

    text = decode_bytes(data, name)
    handler = _front_matter_handler()
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
    fm = _own_fields({k: post.metadata.get(k) for k in META_FIELDS}, name)
    has_title = _usable(fm.get("title")) or _usable(meta.get("title"))
    return [make_article(body, meta={**meta, **fm}, path=name,
                         title_from_text=not has_title, fallback=fallback)]


def _parse_html(data: bytes, name: str, meta: dict, fallback: dict) -> list:
    try:
        import trafilatura
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
    own = _own_fields({k: obj.get(k) for k in META_FIELDS}, f"{name} {where}")
    # For a file holding many articles the sidecar/manifest only fill gaps.
    return make_article(text, meta={**meta, **own}, path=name, fallback=fallback)


def _unexpected(err: BaseException) -> str:
    """The reason given for an error no parser anticipated (kept short)."""
    if isinstance(err, RecursionError):
        return "nested too deeply"
    if isinstance(err, MemoryError):
        return "out of memory"
    detail = str(err)
    if len(detail) > 200:
        detail = detail[:197] + "..."
    return f"unexpected {type(err).__name__}: {detail}"


def _item_or_error(obj: Any, name: str, where: str, meta: dict, fallback: dict):
    """One article of a multi-article file; its failure is an error of that item only."""
    try:
        return _article_from_obj(obj, name, where, meta, fallback)
    except ArticleReadError as err:
        return ArticleError(name, f"{where}: {err.reason}")
    except Exception as err:  # noqa: BLE001 - the other items go on
        log.debug("%s %s: unexpected error", name, where, exc_info=True)
        return ArticleError(name, f"{where}: {_unexpected(err)}")


def _parse_json(data: bytes, name: str, meta: dict, fallback: dict) -> list:
    text = decode_bytes(data, name)
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as err:
        raise ArticleReadError(f"invalid JSON at line {err.lineno}: {err.msg}") from err
    except RecursionError:
        raise ArticleReadError("invalid JSON: nested too deeply") from None
    if isinstance(obj, list):
        if not obj:
            raise ArticleReadError("empty")
        return [_item_or_error(o, name, f"item {i}", {}, fallback) for i, o in enumerate(obj)]
    return [_item_or_error(obj, name, "object", meta, fallback)]


def _parse_jsonl_lines(lines: Iterable[bytes], name: str, fallback: dict, max_bytes: int) -> Iterator:
    seen = False
    for lineno, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        seen = True
        if len(raw) > max_bytes:
            yield ArticleError(name, f"line {lineno}: {_too_large(len(raw), max_bytes)}")
            continue
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


_PARSERS = {
    ".txt": _parse_txt, ".md": _parse_md, ".markdown": _parse_md, ".html": _parse_html,
    ".htm": _parse_html, ".json": _parse_json,
}


def _too_large(n: int, limit: int) -> str:
    return f"too large ({n / 2**20:.1f} MB > limit {limit / 2**20:.1f} MB)"


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
        yield ArticleError(name, _unexpected(err))


def _parse(data: bytes, name: str, meta: dict, fallback: dict, max_bytes: int,
           max_feed_bytes: int = DEFAULT_MAX_FEED_BYTES) -> Iterator:
    """Bytes of one input -> Article | ArticleError items; never raises (but GeneratorExit)."""
    suffix = _suffix(name)
    parser = _PARSERS.get(suffix)
    if parser is None and suffix != ".jsonl":
        yield ArticleError(name, f"unsupported file type {suffix or '(no extension)'!r}")
        return
    limit = _file_limit(suffix, max_bytes, max_feed_bytes)
    if len(data) > limit:
        yield ArticleError(name, _too_large(len(data), limit))
        return
    if suffix == ".jsonl":
        yield from _guarded(name, _parse_jsonl_lines(io.BytesIO(data), name, fallback, max_bytes))
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


# --------------------------------------------------------------------------------------------
# Files and folders


def _is_meta_file(path: Path) -> bool:
    return path.name.endswith(SIDECAR) or path.name == MANIFEST


def _walk(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).parts
        if any(part.startswith(".") for part in rel) or not path.is_file() or _is_meta_file(path):
            continue
        yield path


def has_article_files(path: PathLike) -> bool:
    """Whether ``path`` is, or is a folder holding, at least one file of a supported type
    (stops at the first one found; sidecars, manifests and hidden files do not count)."""
    path = Path(path)
    if path.is_dir():
        return any(_suffix(f.name) in SUFFIXES for f in _walk(path))
    return path.exists()


class _MetaLookup:
    """Sidecar and manifest metadata, with each folder's manifest read once."""

    def __init__(self) -> None:
        self._manifests: dict[Path, dict[str, dict]] = {}
        self.errors: list[ArticleError] = []

    def _manifest(self, folder: Path) -> dict[str, dict]:
        if folder not in self._manifests:
            rows: dict[str, dict] = {}
            path = folder / MANIFEST
            if path.is_file():
                try:
                    with path.open(newline="", encoding="utf-8-sig") as fh:
                        for row in csv.DictReader(fh):
                            key = (row.get("file") or "").strip()
                            if key:
                                rows[key] = row
                except (OSError, UnicodeDecodeError, csv.Error) as err:
                    self.errors.append(ArticleError(str(path), f"unreadable manifest: {err}"))
            self._manifests[folder] = rows
        return self._manifests[folder]

    @staticmethod
    def _sidecar(sidecar: Path) -> dict:
        """The sidecar's fields; a broken sidecar is ignored with a warning naming it, so the
        article is still read (without that metadata) rather than rejected."""
        try:
            size = sidecar.stat().st_size
            if size > MAX_SIDECAR_BYTES:
                raise ValueError(_too_large(size, MAX_SIDECAR_BYTES))
            side = json.loads(sidecar.read_text(encoding="utf-8-sig"))
            if not isinstance(side, dict):
                raise ValueError(f"expected a JSON object, got {type(side).__name__}")
        except RecursionError:
            reason = "nested too deeply"
        except (OSError, UnicodeDecodeError, ValueError) as err:  # JSONDecodeError is a ValueError
            reason = str(err)
        else:
            return side
        log.warning("%s: invalid metadata sidecar ignored: %s", sidecar, reason)
        return {}

    def get(self, path: Path) -> dict:
        """Sidecar fields over manifest fields."""
        rows = self._manifest(path.parent)
        meta = dict(rows.get(path.name) or rows.get(path.stem) or {})
        for sidecar in (path.with_name(path.stem + SIDECAR), path.with_name(path.name + SIDECAR)):
            if sidecar.is_file():
                side = self._sidecar(sidecar)
                meta.update({k: v for k, v in side.items() if v is not None})
                break
        return {k: v for k, v in meta.items() if k in META_FIELDS}


def _read_file(path: Path, lookup: _MetaLookup, fallback: dict, max_bytes: int,
               max_feed_bytes: int) -> Iterator:
    name = str(path)
    suffix = _suffix(name)
    if suffix not in SUFFIXES:
        yield ArticleError(name, f"unsupported file type {suffix or '(no extension)'!r}")
        return
    try:
        if not path.is_file():  # a FIFO or a device would block or never end
            yield ArticleError(name, "not a regular file")
            return
        meta = lookup.get(path)
        size = path.stat().st_size
        limit = _file_limit(suffix, max_bytes, max_feed_bytes)
        if size > limit:  # checked before reading: a huge file is never loaded
            yield ArticleError(name, _too_large(size, limit))
            return
        if suffix == ".jsonl":  # a feed: streamed, max_bytes applies per line
            with path.open("rb") as fh:
                yield from _parse_jsonl_lines(fh, name, fallback, max_bytes)
            return
        with path.open("rb") as fh:
            data = fh.read(limit + 1)  # the file may have grown since stat()
        if len(data) > limit:
            yield ArticleError(name, _too_large(len(data), limit))
            return
    except OSError as err:
        yield ArticleError(name, f"cannot read: {err.strerror or err}")
        return
    yield from _parse(data, name, meta, fallback, max_bytes, max_feed_bytes)


def read_articles(paths: Union[PathLike, Iterable[PathLike]], date: Any = None,
                  source: Optional[str] = None, max_bytes: int = DEFAULT_MAX_BYTES,
                  max_feed_bytes: int = DEFAULT_MAX_FEED_BYTES,
                  ) -> Iterator[Union[Article, ArticleError]]:
    """Articles from files and folders (walked recursively, sorted; hidden files, sidecars and
    manifests skipped). ``date``/``source`` fill in what no metadata gives. Each unreadable
    input yields an ``ArticleError`` and the batch goes on.

    ``max_bytes`` limits a single-article file and one ``.jsonl`` line, ``max_feed_bytes`` a
    whole ``.json``/``.jsonl`` file; any article is limited to ``MAX_CHARS`` characters."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    if max_bytes <= 0 or max_feed_bytes <= 0:
        raise ValueError(f"size limits must be positive, got {max_bytes}, {max_feed_bytes}")
    fallback = {"date": date, "source": source}
    lookup = _MetaLookup()
    for p in paths:
        p = Path(p)
        try:
            if p.is_dir():
                files: Iterable[Path] = _walk(p)
            elif p.exists():
                files = [p]
            else:
                yield ArticleError(str(p), "no such file or directory")
                continue
            for f in files:
                yield from _guarded(str(f), _read_file(f, lookup, fallback, max_bytes,
                                                       max_feed_bytes))
                while lookup.errors:
                    yield lookup.errors.pop(0)
        except OSError as err:  # e.g. a folder that cannot be listed
            yield ArticleError(str(p), f"cannot read: {err.strerror or err}")


def read_article(path: PathLike, date: Any = None, source: Optional[str] = None,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """One file holding one article; raises ``ArticleReadError`` instead of yielding errors."""
    items = list(read_articles([path], date=date, source=source, max_bytes=max_bytes))
    for item in items:
        if isinstance(item, ArticleError):
            raise ArticleReadError(item.reason, item.path)
    if len(items) != 1:
        raise ArticleReadError(f"expected one article, found {len(items)}", str(path))
    return items[0]
