"""From one Article to one Extraction: places, casualty figures and claims.

``extract`` touches no store and no network; ``ingest`` is ``extract`` plus one store
transaction per article. The heavy objects (spaCy pipeline, gazetteer, boundaries, party
table) load once per process through ``default_extractor()``.

``Extractor.extract_many`` is the batch path: the texts go through ``nlp.pipe`` a batch at a
time (the model's matrix work shared by the batch), the rest article by article, each
article's outcome in input order; it gives exactly what ``extract`` gives article by article.
``ingest`` uses it; ``geo.parallel`` runs it on a Dask cluster and stores the results through
the same writer (``store_outcomes``), so every path stores the same rows in the same order.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import deque
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from threading import RLock
from typing import Iterable, Iterator, Optional, Union

from geo.records import Article, Extraction, Place

# Articles per nlp.pipe call: enough for the model's batched matrix work, small enough that a
# batch of parsed docs (the memory held at once) stays a few MB.
BATCH_SIZE = 16
# Every kind of rule fires on this text (a figure of each kind, a quotation, a source, a
# denial, an accusation, parties, places), so ``Extractor.warm_up`` builds all their matchers.
WARM_UP_TEXT = (
    "Shelling kills 12 civilians in Donetsk, officials say\n\n"
    "KYIV, March 1 (Reuters) - Russian shelling killed 12 civilians and wounded at least 30 "
    "people in Donetsk and Kharkiv on Monday, according to Ukraine's military. "
    "\"Three soldiers were killed,\" the Interior Ministry said. Dozens of fighters died. "
    "The death toll has risen to 1,500 since the war began in 2014, the UN said. "
    "Some 30,000 people died in the war of the early 1990s. Two drones were downed. "
    "Moscow denied the attack and accused Kyiv of staging it, and the rebels demanded talks. "
    "A police officer was shot dead; the sixth journalist to be killed this year.")

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
    _warm: bool = field(default=False, init=False, repr=False, compare=False)
    _lock: RLock = field(default_factory=RLock, init=False, repr=False, compare=False)

    def extract(self, article: Article) -> Extraction:
        self.check_length(article)
        with self._lock:
            return self.finish(article, self.nlp(article.text))

    def extract_many(self, articles: Iterable[Article], batch_size: int = BATCH_SIZE,
                     ) -> Iterator[tuple[Article, Union[Extraction, Exception]]]:
        """``(article, Extraction or the exception it raised)`` for each article, in input order.

        The same result as ``extract`` per article: the texts of ``batch_size`` articles go
        through ``nlp.pipe`` together, then places and events are found doc by doc. At most one
        batch is held at a time (``articles`` may be an endless stream). If the batch's parse
        fails, its articles are parsed one by one, so only the article at fault fails."""
        it = iter(articles)
        while batch := list(islice(it, max(1, batch_size))):
            yield from zip(batch, self._batch(batch))

    def _batch(self, batch: list[Article]) -> list[Union[Extraction, Exception]]:
        """The batch's results, computed in a spaCy memory zone: the strings and lexemes it
        adds to the shared vocabulary (every new name, number and typo of a news stream) are
        freed when the zone closes, so memory stays flat over an endless stream. Nothing
        spaCy made leaves the zone (an Extraction holds plain Python values), and the lock
        keeps other threads' parsing out of it (a zone is process-wide)."""
        self.warm_up()
        with self._lock, self.nlp.memory_zone():
            fits = [a for a in batch if len(a.text) <= self.nlp.max_length]
            try:
                docs = dict(zip(map(id, fits), self.nlp.pipe([a.text for a in fits],
                                                             batch_size=len(fits) or 1)))
            except Exception:  # noqa: BLE001 - parse the batch article by article instead
                docs = {}
            results: list[Union[Extraction, Exception]] = []
            for article in batch:
                try:
                    self.check_length(article)
                    doc = docs.get(id(article))
                    results.append(self.finish(article, self.nlp(article.text) if doc is None
                                               else doc))
                except Exception as err:  # one bad article must not stop the batch
                    results.append(err)
            return results

    def warm_up(self) -> None:
        """Extract ``WARM_UP_TEXT`` once, outside any memory zone, so that the matchers the
        rules build on first use (and the labels they look up by hash) are built with lasting
        strings, never with a zone's transient ones."""
        with self._lock:
            if self._warm:
                return
            title = WARM_UP_TEXT.split("\n")[0]
            self.finish(Article(id="warm-up", text=WARM_UP_TEXT, title=title, date="2022-03-01"),
                        self.nlp(WARM_UP_TEXT))
            self._warm = True

    def check_length(self, article: Article) -> None:
        if len(article.text) > self.nlp.max_length:
            raise ExtractionError(
                f"text too long for the NLP pipeline ({len(article.text):,} characters > "
                f"{self.nlp.max_length:,})")

    def finish(self, article: Article, doc) -> Extraction:
        """Places, figures and claims of ``article`` from its parsed ``doc``."""
        from geo.events import extract_events
        from geo.places import find_places

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
    from geo.nlp import doc_text  # spaCy is imported only where a text is parsed

    text = doc_text(doc)
    sent_starts = [sent.start_char for sent in doc.sents]  # once: Span.sent walks the sentence
    sent_ends = [sent.end_char for sent in doc.sents]
    cut_out: dict[tuple[int, int], tuple[str, int]] = {}  # one string per line of a sentence
    for place in places:
        k = bisect_right(sent_starts, place.start) - 1
        if k < 0 or not place.start < sent_ends[k]:
            continue
        start, end = sent_starts[k], sent_ends[k]
        start = max(start, text.rfind("\n", start, place.start) + 1)
        cut = text.find("\n", place.end, end)
        end = cut if cut != -1 else end
        if (start, end) not in cut_out:
            piece = text[start:end]
            cut_out[start, end] = (piece.strip(), start + len(piece) - len(piece.lstrip()))
        place.sentence, place.sentence_start = cut_out[start, end]


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
    status: str  # "ok" | "renamed" | "duplicate" | "error"
    reason: str = ""
    title: Optional[str] = None
    counts: tuple[int, int, int] = (0, 0, 0)  # places, casualties, claims


def failure_reason(err: BaseException) -> str:
    """The one-line reason an article failed, as the ingest summary prints it."""
    return f"{type(err).__name__}: {err}"


# What an extraction stage gives back for each article it was given, in order: the Extraction,
# or the reason it failed (a string: it crosses process boundaries as it is).
Outcome = Union[Extraction, str]
Outcomes = list[tuple[Article, Outcome]]

# Results held back behind articles still being extracted (reading errors, duplicates); past
# this many the stage is drained, so a long run of them never piles up in memory.
MAX_WAITING = 256


class BatchStage:
    """The in-process extraction stage: articles are parsed ``batch_size`` at a time."""

    def __init__(self, extractor: Optional[Extractor] = None, batch_size: int = BATCH_SIZE):
        self.extractor, self.batch_size = extractor, max(1, batch_size)
        self.buffer: list[Article] = []

    def put(self, article: Article) -> Outcomes:
        """Take ``article``; return the outcomes finished meanwhile (in input order)."""
        self.buffer.append(article)
        return self.drain() if len(self.buffer) >= self.batch_size else []

    def drain(self) -> Outcomes:
        """Finish every article taken; their outcomes in input order."""
        batch, self.buffer = self.buffer, []
        if not batch:
            return []
        if self.extractor is None:  # loads on the first article, never for none
            self.extractor = default_extractor()
        return [(article, result if isinstance(result, Extraction) else failure_reason(result))
                for article, result in self.extractor.extract_many(batch, len(batch))]


def ingest(items: Iterable, store, extractor: Optional[Extractor] = None,
           batch_size: int = BATCH_SIZE) -> Iterator[IngestResult]:
    """Extract and store each article; errors are reported per item and never stop the batch.

    ``items`` yields Article or ArticleError (from ``geo.read.articles.read_articles``).
    Articles are parsed ``batch_size`` at a time (``Extractor.extract_many``); each is stored
    in its own transaction, in input order. The extractor loads on the first article to
    extract (``default_extractor()`` when none is given)."""
    return store_outcomes(items, store, BatchStage(extractor, batch_size))


def store_outcomes(items: Iterable, store, stage) -> Iterator[IngestResult]:
    """The one writer: ``items`` (Article | ArticleError) in, one IngestResult per item out, in
    input order. Reading errors and articles already stored skip ``stage`` (an object with
    ``put(article)`` and ``drain()``, both returning finished ``(article, outcome)`` pairs in
    the order given); the others are stored as their outcomes come back, one transaction
    each, in input order: the store ends as a serial run leaves it. A duplicate within the
    input is caught when it is written, after its twin."""
    from geo.read import ArticleError

    waiting: deque = deque()  # [item, IngestResult or None] in input order, not yet reported
    in_flight: deque = deque()  # the entries of ``waiting`` given to the stage

    def settle(outcomes: Outcomes) -> None:
        for article, outcome in outcomes:
            entry = in_flight.popleft()
            if entry[0] is not article:
                raise RuntimeError("the extraction stage returned articles out of order")
            entry[:] = [None, _write(article, outcome, store)]

    store.check_writable()  # a read-only store: one StoreError before anything is extracted
    for item in items:
        if isinstance(item, ArticleError):
            waiting.append([None, IngestResult(path=str(item.path), article_id=None,
                                               status="error", reason=item.reason)])
        elif (same := store.find_same(item)) is not None:
            # identity is the content: the same text under any id or file name is stored once
            waiting.append([None, IngestResult(str(item.path or item.id), same, "duplicate",
                                               f"same text as stored article {same}",
                                               item.title)])
        else:
            entry = [item, None]
            waiting.append(entry)
            in_flight.append(entry)
            settle(stage.put(item))
        if len(waiting) > MAX_WAITING and in_flight:
            settle(stage.drain())
        while waiting and waiting[0][1] is not None:
            yield waiting.popleft()[1]
    settle(stage.drain())
    while waiting:
        yield waiting.popleft()[1]


def _write(article: Article, outcome: Outcome, store) -> IngestResult:
    path = str(article.path or article.id)
    if isinstance(outcome, str):
        return IngestResult(path, article.id, "error", outcome, article.title)
    try:  # add() tells a duplicate (same text) and a renamed id collision (other text) itself
        status = store.add(outcome)
    except Exception as err:  # one bad article must not stop the batch
        return IngestResult(path, article.id, "error", failure_reason(err), article.title)
    counts = (0, 0, 0) if status == "duplicate" else \
        (len(outcome.places), len(outcome.casualties), len(outcome.claims))
    return IngestResult(path, getattr(status, "article_id", None) or article.id, str(status),
                        getattr(status, "reason", "") or "", article.title, counts)


def ingest_if_empty(store, folder, extractor_factory=default_extractor) -> list[IngestResult]:
    """Ingest the articles under ``folder`` when the store holds none (the dashboard's first
    start on the bundled sample); otherwise do nothing. The extractor loads only if needed."""
    from pathlib import Path

    from geo.read import read_articles

    if len(store) or not Path(folder).exists():
        return []
    return list(ingest(read_articles([folder]), store, extractor_factory()))
