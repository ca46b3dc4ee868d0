"""The spaCy component: a PhraseMatcher over the gazetteer's countries, continents, admin-1
units, named regions and curated rows (not its 200k towns, which would match ordinary words),
plus big cities by their own name, so multiword and hyphenated names ('Nagorno-Karabakh',
'Gaza Strip') come out as one span in ``doc.spans[SPANS_KEY]``."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from spacy.lang.en import English
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from geo.nlp import load_base
from geo.places.gazetteer import Gazetteer, load_gazetteer
from geo.places.names import normalize
from geo.places.words import COMMON_WORDS, STOP_NAMES

SPANS_KEY = "gazetteer_places"


class GazetteerPlaceMatcher:
    """Puts gazetteer phrase matches (countries, admin-1, regions, curated) into
    ``doc.spans[spans_key]``. Names match case-insensitively; all-caps names ('US', 'UAE')
    only as written, so 'us' the pronoun never matches."""

    def __init__(self, nlp: Language, name: str = "gazetteer_places", *,
                 gazetteer: Gazetteer, spans_key: str = SPANS_KEY):
        self.name = name
        self.spans_key = spans_key
        self.gazetteer = gazetteer
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
        if len(key) >= 4 and key not in STOP_NAMES and key not in COMMON_WORDS:
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
        if len(key) < 3 or key in STOP_NAMES or key in COMMON_WORDS:
            continue
        out.append(n)
    return out


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
    return add_place_component(load_base(), gazetteer)


@lru_cache(maxsize=4)
def matcher_for(vocab, gazetteer: Gazetteer) -> GazetteerPlaceMatcher:
    """The component's matcher for a doc made by a pipeline without it."""
    # Patterns must be tokenised with the doc's own vocab; a bare English tokenizer suffices.
    return GazetteerPlaceMatcher(English(vocab=vocab), gazetteer=gazetteer)

