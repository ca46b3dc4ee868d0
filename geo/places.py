"""Toponyms in an article: find the mentions, resolve them with the article's context.

Mentions come from two sources, merged longest-first:

* the statistical NER (GPE, LOC, FAC); its ORG/NORP/PERSON spans count only when the gazetteer
  knows the name and it is no known organisation, agency or demonym (the small model labels
  'Nagorno-Karabakh' ORG and 'Hadrut' NORP);
* a PhraseMatcher over the gazetteer's countries, continents, admin-1 units, named regions and
  curated rows (not its 200k towns, which would match ordinary words), so multiword and
  hyphenated names ('Nagorno-Karabakh', 'Gaza Strip') come out as one span.

Resolution ranks each name's gazetteer candidates by feature, population and the article's
context (countries and admin-1 units it names), one sense per name per article.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from geo.gazetteer import (Candidate, Context, Gazetteer, confidence, load_gazetteer, normalize,
                           rank)
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


@dataclass
class Mention:
    start: int  # character offsets in doc.text
    end: int
    text: str
    source: str  # 'ner' | 'phrase' | 'mislabel'
    label: str = ""
    after: str = ""  # the few characters that follow ('Paris, Texas': ', ')


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
            for v in variants:
                (exact if _is_acronym(v) else lower).append(nlp.make_doc(v))
        self.lower.add("PLACE", lower)
        self.exact.add("PLACE", exact)

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[self.spans_key] = self.match(doc)
        return doc

    def match(self, doc: Doc) -> list[Span]:
        spans = [Span(doc, s, e, label="PLACE") for _, s, e in self.lower(doc)]
        # A case-insensitive hit must look like a name in the text ('turkey' the bird is not).
        spans = [s for s in spans if s.text[:1].isupper()]
        spans += [Span(doc, s, e, label="PLACE") for _, s, e in self.exact(doc)]
        return filter_spans(spans)


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
                 "savanes", "maritime"}


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
    for ent in doc.ents:
        span = _trim(ent)
        if span is None or _is_stop(span.text):
            continue
        if ent.label_ in PLACE_LABELS:
            if ent.label_ == "FAC" and not gazetteer.knows(span.text):
                continue  # roads, buildings, bridges: not on a country-scale map
            found.append((2, span, "ner"))
        elif ent.label_ in MISLABELS and _plausible_mislabel(span, gazetteer):
            found.append((0, span, "mislabel"))
    for span in phrase:
        if _is_stop(span.text) or not _proper(span):
            continue
        if any(e.start <= span.start and span.end <= e.end and len(_trim(e) or e) > len(span)
               for e in names):
            continue  # part of a longer name: an organisation, a title, a person
        found.append((1, span, "phrase"))

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
        out.append(Mention(s, e, doc.text[s:e], source, span.label_, doc.text[e:e + 4]))
    return sorted(out, key=lambda m: m.start)


def _trim(span: Span) -> Optional[Span]:
    """Drop a leading determiner and trailing possessive/punctuation from an entity span."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].lower_ in ("the", "a", "an") or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].lower_ in ("'s", "’s", "'")):
        end -= 1
    return Span(doc, start, end, label=span.label_) if end > start else None


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


def _lookup(gazetteer: Gazetteer, text: str) -> list[Candidate]:
    cands = gazetteer.candidates(text)
    if not cands:
        stripped = _GENERIC.sub("", _DETERMINER.sub("", text)).strip()
        if stripped and stripped != text:
            cands = gazetteer.candidates(stripped)
    return cands


_CONTAINED = re.compile(r"^\s*,\s*$")


def _contained_by(a: Mention, b: Mention) -> bool:
    gap = b.start - a.end
    return 0 < gap <= len(a.after) and bool(_CONTAINED.match(a.after[:gap]))


def resolve_mentions(mentions: list[Mention], gazetteer: Gazetteer) -> list[Place]:
    """One sense per name per article, ranked with the other names as context."""
    keys = [normalize(m.text) for m in mentions]
    by_key = {k: _lookup(gazetteer, m.text) for k, m in zip(keys, mentions)}

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
        if top.feature == "admin1" or (top.feature == "city" and conf >= 0.6):
            admin1 = [top.admin1_code] * counts[k]
        contrib[k] = (countries, admin1)

    # 'Paris, Texas' / 'Hadrut, Azerbaijan': the name after the comma contains the one before;
    # it counts as much as three mentions elsewhere in the article.
    containers: dict[str, list[str]] = {}
    for a, b in zip(mentions, mentions[1:]):
        if _contained_by(a, b) and normalize(b.text) in first:
            containers.setdefault(normalize(a.text), []).append(normalize(b.text))

    # Pass 2: rank each name with what the *other* names say.
    chosen: dict[str, tuple[Candidate, float]] = {}
    for k, cands in by_key.items():
        if not cands:
            continue
        countries = [c for kk, (cs, _) in contrib.items() if kk != k for c in cs]
        admin1 = [a for kk, (_, a1) in contrib.items() if kk != k for a in a1]
        for kk in containers.get(k, ()):
            top = first[kk][0][1]
            countries += [top.country_code] * 3
            if top.feature == "admin1":
                admin1 += [top.admin1_code] * 3
        ctx = Context.of(countries, admin1)
        ranked = rank(cands, ctx)
        chosen[k] = (ranked[0][1], confidence(ranked))

    places = []
    for k, m in zip(keys, mentions):
        place = Place(name=m.text, start=m.start, end=m.end)
        if k in chosen:
            c, conf = chosen[k]
            # A name the NER did not call a place is less certain.
            conf = conf * (0.8 if m.source == "mislabel" else 1.0)
            place.lat, place.lon = c.lat, c.lon
            place.precision = c.precision
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
        from geo.regions import load_regions

        return load_regions()
    except (ImportError, FileNotFoundError, OSError):
        return None


def find_places(doc: Doc, article: Article, gazetteer: Optional[Gazetteer] = None,
                regions=None) -> list[Place]:
    """Every toponym mention of ``article`` in reading order, resolved where possible.

    ``doc`` is the pipeline's output for ``article.text``; offsets index ``article.text``.
    Unresolved mentions are kept with precision 'unresolved'.
    """
    if doc.text != article.text:
        raise ValueError("got a doc of different text, expected nlp(article.text)")
    gazetteer = gazetteer or load_gazetteer()
    mentions = find_mentions(doc, article, gazetteer)
    places = resolve_mentions(mentions, gazetteer)
    _join_regions(places, regions if regions is not None else _default_regions())
    return places
