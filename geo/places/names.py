"""Lookup keys of place names, shared by the gazetteer's index build and its lookups."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_FOLD = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ı": "i", "æ": "ae", "œ": "oe",
                       "þ": "th", "ð": "d", "ə": "a"})
_APOSTROPHES = re.compile(r"['`´ʼʻʹ’‘]")
_SEPARATORS = re.compile(r"[\s\-‐‑–—_/,.()\"“”]+")
# Abbreviations expanded only as the first word, where they are unambiguous in place names
# ('St. Louis' -> 'saint louis'; a trailing 'St.' is a street and is left alone).
_LEADING_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}


@lru_cache(maxsize=1 << 16)  # every mention is normalised a few times per article
def normalize(name: str) -> str:
    """Lookup key of a name: casefolded, no diacritics or apostrophes, hyphens as spaces,
    no leading article ('the Gaza Strip' == 'Gaza Strip'), leading St./Mt./Ft. spelt out."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold().translate(_FOLD)
    s = _APOSTROPHES.sub("", s)
    words = _SEPARATORS.sub(" ", s).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    if len(words) > 1 and words[0] in _LEADING_ABBREVIATIONS:
        words[0] = _LEADING_ABBREVIATIONS[words[0]]
    return " ".join(words)


def is_latin(name: str) -> bool:
    """Only Latin-script names are useful for English text; other scripts bloat the index."""
    return all(ord(c) < 0x250 or unicodedata.combining(c) or c in "ʼʻ’" for c in name)


def is_code(name: str) -> bool:
    """GeoNames alternate names include IATA/ICAO codes ('AXM' for Armenia, Colombia)."""
    return name.isupper() and len(name.replace(".", "")) <= 4
