"""The headline line of a plain-text article and its publisher suffix ("Headline – VG").

The headline line is content (places in titles count); only its " – VG" publisher suffix is
boilerplate, and a suffix that names a speaker ("- Defense Ministry") is never split off.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from geo.read.boilerplate import text_lines

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
    lines = ((s, e, l) for s, e, l in text_lines(text) if l)
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
