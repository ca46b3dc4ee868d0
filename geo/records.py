"""The records that flow through the pipeline.

Every stage passes these dataclasses on; ``Extraction.to_json()`` is the serialised form that
``python -m geo extract`` prints (see ``geo/extract.schema.json``, the stable contract).
All ``start``/``end`` offsets index ``Article.text``, the original text as read from the input.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Optional

KINDS = ("place", "casualty", "claim")  # the kinds of map items (MAP_COLUMNS "kind")
PRECISIONS = ("point", "city", "admin2", "admin1", "region", "country", "unresolved")
OUTCOMES = ("killed", "wounded", "missing", "captured", "displaced")
QUALIFIERS = ("exact", "approximate", "at_least", "at_most", "range", "vague")
VICTIMS = ("civilian", "military", "official", "unknown")
STANCES = ("claim", "denial", "accusation", "demand", "call", "statement")
# What a figure counts, from its wording: a running total ("so far", "the toll rose to"), an
# addition to an earlier figure ("two more"), the losses of one incident, or a past war's toll
# ("in the 1990s war"), which never enters a current toll (see ``geo.report.tolls``).
FIGURE_KINDS = ("cumulative", "incremental", "incident", "historical")
# ACLED's top-level event types (ACLED Codebook 2023, section 2), for the event a figure counts
# the losses of; None when its sentence gives no cue (``geo.events.event_types``).
EVENT_TYPES = ("battles", "explosions", "violence_against_civilians", "protests", "riots",
               "strategic_developments")


@dataclass
class Article:
    id: str
    text: str
    title: Optional[str] = None
    date: Optional[str] = None  # YYYY-MM-DD
    source: Optional[str] = None
    url: Optional[str] = None
    path: Optional[str] = None
    # Spans of ``text`` that are boilerplate (ads, teasers, photo credits, the title line):
    # nothing is extracted from them, but offsets still index the original text.
    boilerplate: list[tuple[int, int]] = field(default_factory=list)

    def is_boilerplate(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.boilerplate)

    def meta(self, with_text: bool = False) -> dict:
        out = {"id": self.id, "title": self.title, "date": self.date, "source": self.source,
               "url": self.url, "path": self.path}
        if with_text:
            out["text"] = self.text
        return out


@dataclass
class Place:
    """One toponym mention and what it resolved to."""
    name: str  # surface text == article.text[start:end]
    start: int
    end: int
    lat: Optional[float] = None
    lon: Optional[float] = None
    precision: str = "unresolved"
    country_code: Optional[str] = None  # ISO 3166-1 alpha-2
    admin1: Optional[str] = None
    resolved_name: Optional[str] = None
    gazetteer_id: Optional[str] = None  # e.g. "geonames:828336", "curated:nagorno-karabakh"
    confidence: float = 0.0
    region: Optional[str] = None  # named region the point falls in (e.g. "Nagorno-Karabakh")
    sentence: str = ""  # the sentence of the mention, for popups and provenance
    sentence_start: Optional[int] = None

    @property
    def resolved(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass
class Casualty:
    outcome: str  # one of OUTCOMES
    count_best: Optional[int]
    qualifier: str  # one of QUALIFIERS
    victim: str  # one of VICTIMS
    party: Optional[str]  # party id of the victims
    # who gives the figure: a party id when the speaker names a party, else the source phrase
    # without its determiner ("activists", "army spokesman"); ``reported_by_text`` below
    # keeps the speaker phrase as written
    reported_by: Optional[str]
    start: int  # span of the figure's phrase in article.text
    end: int
    count_low: Optional[int] = None
    count_high: Optional[int] = None
    vague_word: Optional[str] = None
    sentence: str = ""
    sentence_start: Optional[int] = None
    place: Optional[str] = None
    lat: Optional[float] = None
    lon: Optional[float] = None
    date: Optional[str] = None
    reported_by_text: Optional[str] = None  # the speaker phrase as written ("DPR defence
    # ministry", "local officials"); set whenever there is a speaker
    figure_kind: Optional[str] = None  # one of FIGURE_KINDS
    # who inflicted the outcome, kept apart from the victims' side and the reporter: a party
    # id when the attacker names one ("Russian airstrikes"), and the attacker's phrase as
    # written ("Russian airstrikes", "gunmen") whenever the sentence names an attacker
    actor: Optional[str] = None
    actor_text: Optional[str] = None
    event_type: Optional[str] = None  # one of EVENT_TYPES, None when the sentence gives no cue


@dataclass
class Claim:
    claimant: Optional[str]  # party id of the speaker
    stance: str  # one of STANCES
    target: Optional[str]  # party id the claim is about
    text: str  # the claim as written (sentence or clause)
    start: int
    end: int
    place: Optional[str] = None
    lat: Optional[float] = None
    lon: Optional[float] = None
    date: Optional[str] = None
    sentence: str = ""
    sentence_start: Optional[int] = None


@dataclass
class Extraction:
    article: Article
    places: list[Place] = field(default_factory=list)
    casualties: list[Casualty] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)

    def to_json(self, with_text: bool = False) -> dict:
        return {
            "article": self.article.meta(with_text=with_text),
            "places": [asdict(p) for p in self.places],
            "casualties": [asdict(c) for c in self.casualties],
            "claims": [asdict(c) for c in self.claims],
        }


# Columns of the frame that ``Store.query()`` returns and the map/exports consume: one row per
# map item (a resolved place mention, a casualty figure or a claim), with its provenance.
MAP_COLUMNS = (
    "kind",  # "place" | "casualty" | "claim"
    "item_id",  # the item's row id within its kind (for corrections), with article_id: provenance
    "article_id", "title", "source", "url", "article_date",
    "date",  # the item's own date (event date for figures/claims, article date for places)
    "lat", "lon", "place", "precision", "country_code", "admin1",
    "party",  # party id the item is coloured and filtered by: victims' party / claimant / None
    "reported_by",  # party id of the source when it names one, else the source phrase
    "reported_by_text",  # the source phrase as written (casualties only)
    "outcome", "count_best", "count_low", "count_high", "qualifier", "victim", "vague_word",
    "figure_kind",
    "actor",  # party id of who inflicted a figure's outcome, when named (casualties only)
    "actor_text",  # the attacker's phrase as written (casualties only)
    "event_type",  # ACLED's event type of a figure (``EVENT_TYPES``), None: unspecified
    "stance", "claimant", "target", "claim_text",
    "sentence", "sentence_start", "start", "end",  # provenance: the sentence, its offset and
    # the item's span, all in the article text
)
