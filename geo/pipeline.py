"""From one Article to one Extraction: places, casualty figures and claims.

``extract`` touches no store and no network; ``ingest`` is ``extract`` plus one store
transaction per article. The heavy objects (spaCy pipeline, gazetteer, boundaries, party
table) load once per process through ``default_extractor()``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Iterator, Optional

from geo.records import Article, Extraction, Place


class ExtractionError(Exception):
    """An article could not be processed; the batch goes on without it."""


@dataclass
class Extractor:
    nlp: object
    gazetteer: object
    regions: object
    parties: object
    # Opt-in online geopy geocoder (GEO_GEOCODER=nominatim...) asked only for the mentions the
    # offline gazetteer left unresolved; None (the default) keeps extraction offline.
    fallback_geocoder: object = None

    def extract(self, article: Article) -> Extraction:
        from geo.events import extract_events
        from geo.places import find_places

        if len(article.text) > self.nlp.max_length:
            raise ExtractionError(
                f"text too long for the NLP pipeline ({len(article.text):,} characters > "
                f"{self.nlp.max_length:,})")
        doc = self.nlp(article.text)
        places = find_places(doc, article, gazetteer=self.gazetteer, regions=self.regions,
                             parties=self.parties)
        attach_sentences(places, doc)
        if self.fallback_geocoder is not None:
            geocode_unresolved(places, self.fallback_geocoder, self.regions)
        casualties, claims = extract_events(doc, article, places, parties=self.parties)
        return Extraction(article=article, places=places, casualties=casualties, claims=claims)


def attach_sentences(places: list[Place], doc) -> None:
    """Give each place the sentence it was mentioned in (provenance for its popup).

    The parser's sentence is cut at line breaks: a title line and a caption are never one
    sentence with the paragraph that follows."""
    text = doc.text
    for place in places:
        span = doc.char_span(place.start, place.end, alignment_mode="expand")
        if span is None:
            continue
        start, end = span.sent.start_char, span.sent.end_char
        start = max(start, text.rfind("\n", start, place.start) + 1)
        cut = text.find("\n", place.end, end)
        end = cut if cut != -1 else end
        place.sentence, place.sentence_start = text[start:end].strip(), start
        place.sentence_start += len(text[start:end]) - len(text[start:end].lstrip())


def geocode_unresolved(places: list[Place], geocoder, regions) -> None:
    """Resolve the still-unresolved places with ``geocoder`` (a geopy-style geocoder), in place.

    One query per distinct name; the point gets its country/admin-1 from the boundary join."""
    from geopy.exc import GeopyError

    from geo.places import tag_places

    answers = {}
    for place in places:
        if place.resolved or place.name in answers:
            continue
        try:
            answers[place.name] = geocoder.geocode(place.name, exactly_one=True)
        except GeopyError:  # service down or refusing: the place stays unresolved
            answers[place.name] = None
    found = [p for p in places if not p.resolved and answers.get(p.name) is not None]
    if not found:
        return
    for place in found:
        location = answers[place.name]
        place.lat, place.lon = location.latitude, location.longitude
        place.precision, place.confidence = "point", 0.5
        place.resolved_name = location.address
        raw = getattr(location, "raw", None) or {}
        ident = raw.get("osm_id") or raw.get("place_id") or raw.get("id")
        place.gazetteer_id = f"online:{ident}" if ident is not None else "online"
    tag_places(found, regions)


def _fallback_geocoder():
    from geo.config import geocoder_service
    from geo.places import geocoder_from_env

    return geocoder_from_env() if geocoder_service() else None


@lru_cache(maxsize=1)
def default_extractor() -> Extractor:
    from geo.parties import load_parties
    from geo.places import default_gazetteer, load_place_pipeline, load_regions

    gazetteer = default_gazetteer()
    return Extractor(nlp=load_place_pipeline(gazetteer), gazetteer=gazetteer,
                     regions=load_regions(), parties=load_parties(),
                     fallback_geocoder=_fallback_geocoder())


def extract(article: Article, extractor: Optional[Extractor] = None) -> Extraction:
    return (extractor or default_extractor()).extract(article)


@dataclass
class IngestResult:
    """One line of the ingest summary."""
    path: str
    article_id: Optional[str]
    status: str  # "ok" | "duplicate" | "error"
    reason: str = ""
    title: Optional[str] = None
    counts: tuple[int, int, int] = (0, 0, 0)  # places, casualties, claims


def ingest(items: Iterable, store, extractor: Optional[Extractor] = None) -> Iterator[IngestResult]:
    """Extract and store each article; errors are reported per item and never stop the batch.

    ``items`` yields Article or ArticleError (from ``geo.read.articles.read_articles``).
    """
    from geo.read import ArticleError

    for item in items:
        if isinstance(item, ArticleError):
            yield IngestResult(path=str(item.path), article_id=None, status="error",
                               reason=item.reason)
            continue
        path = str(item.path or item.id)
        if store.has(item.id):
            yield IngestResult(path, item.id, "duplicate", "already in the store", item.title)
            continue
        try:
            extraction = extract(item, extractor)
            status = store.add(extraction)
        except Exception as err:  # one bad article must not stop the batch
            yield IngestResult(path, item.id, "error", f"{type(err).__name__}: {err}", item.title)
            continue
        yield IngestResult(path, item.id, status, "", item.title,
                           (len(extraction.places), len(extraction.casualties),
                            len(extraction.claims)))


def ingest_if_empty(store, folder, extractor_factory=default_extractor) -> list[IngestResult]:
    """Ingest the articles under ``folder`` when the store holds none (the dashboard's first
    start on the bundled sample); otherwise do nothing. The extractor loads only if needed."""
    from pathlib import Path

    from geo.read import read_articles

    if len(store) or not Path(folder).exists():
        return []
    return list(ingest(read_articles([folder]), store, extractor_factory()))
