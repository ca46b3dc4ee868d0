"""The SQLite store (stdlib ``sqlite3``): the one implementation of ``geo.store.base.Store``
so far. WAL mode and a busy timeout, because the dashboard reads while ``ingest`` writes; one
``BEGIN IMMEDIATE`` transaction per article."""
from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Optional

import pandas as pd

from geo.fingerprints import content_hash, text_signature
from geo.store.base import SchemaVersionError, Store, StoreError
from geo.records import KINDS, MAP_COLUMNS, PRECISIONS, Article, Casualty, Claim, Extraction, Place

SCHEMA_VERSION = 4
# Statements that bring a database of version N-1 to version N (``_init_schema`` runs them;
# new tables come from ``_SCHEMA`` itself, which runs first).
_MIGRATIONS: dict[int, tuple[str, ...]] = {
    2: ("ALTER TABLE casualties ADD COLUMN reported_by_text TEXT",),
    3: ("ALTER TABLE places ADD COLUMN sentence TEXT",
        "ALTER TABLE places ADD COLUMN sentence_start INTEGER"),
    4: ("ALTER TABLE casualties ADD COLUMN figure_kind TEXT",
        "ALTER TABLE articles ADD COLUMN signature TEXT"),
}
BUSY_TIMEOUT_MS = 10_000

# --------------------------------------------------------------------------------------------
# SQLite

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
-- "changes" goes up with every add/delete: a cheap cache key for the dashboard.
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO counters (name, value) VALUES ('changes', 0);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    title TEXT, date TEXT, source TEXT, url TEXT, path TEXT,
    text TEXT NOT NULL,
    boilerplate TEXT NOT NULL DEFAULT '[]',  -- JSON [[start, end], ...]
    content_hash TEXT,
    ingested_at TEXT NOT NULL,
    signature TEXT  -- MinHash of the text's shingles: finds rewrites (geo.report.tolls)
);
CREATE TABLE IF NOT EXISTS places (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    name TEXT NOT NULL, "start" INTEGER NOT NULL, "end" INTEGER NOT NULL,
    lat REAL, lon REAL, precision TEXT, country_code TEXT, admin1 TEXT, region TEXT,
    resolved_name TEXT, gazetteer_id TEXT, confidence REAL,
    sentence TEXT, sentence_start INTEGER,
    PRIMARY KEY (article_id, idx)
);
CREATE TABLE IF NOT EXISTS casualties (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    outcome TEXT NOT NULL, count_best INTEGER, count_low INTEGER, count_high INTEGER,
    qualifier TEXT, vague_word TEXT, victim TEXT, party TEXT, reported_by TEXT,
    reported_by_text TEXT, place TEXT, lat REAL, lon REAL, date TEXT,
    sentence TEXT, sentence_start INTEGER, "start" INTEGER NOT NULL, "end" INTEGER NOT NULL,
    figure_kind TEXT,
    PRIMARY KEY (article_id, idx)
);
CREATE TABLE IF NOT EXISTS claims (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    claimant TEXT, stance TEXT NOT NULL, target TEXT, text TEXT NOT NULL,
    place TEXT, lat REAL, lon REAL, date TEXT,
    sentence TEXT, sentence_start INTEGER, "start" INTEGER NOT NULL, "end" INTEGER NOT NULL,
    PRIMARY KEY (article_id, idx)
);
-- A user's corrections, kept apart from what the extractor found (which stays as it was):
-- ``query`` shows the corrected values. A place fix applies to one name in one article, or in
-- every article (article_id NULL, and then an article's own fix wins over it).
CREATE TABLE IF NOT EXISTS place_fixes (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL, name_key TEXT NOT NULL,
    article_id TEXT REFERENCES articles(id) ON DELETE CASCADE,
    lat REAL NOT NULL, lon REAL NOT NULL, resolved_name TEXT, precision TEXT,
    country_code TEXT, admin1 TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS place_fixes_name ON place_fixes(name_key);
CREATE TABLE IF NOT EXISTS party_fixes (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,  -- 'casualty' (the victims' party) or 'claim' (the claimant)
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    party TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (kind, article_id, idx)
);
CREATE INDEX IF NOT EXISTS articles_date ON articles(date);
CREATE INDEX IF NOT EXISTS places_article ON places(article_id);
CREATE INDEX IF NOT EXISTS casualties_article ON casualties(article_id);
CREATE INDEX IF NOT EXISTS casualties_date ON casualties(date);
CREATE INDEX IF NOT EXISTS casualties_party ON casualties(party);
CREATE INDEX IF NOT EXISTS claims_article ON claims(article_id);
CREATE INDEX IF NOT EXISTS claims_date ON claims(date);
CREATE INDEX IF NOT EXISTS claims_party ON claims(claimant);
"""

_PLACE_COLS = ("name", "start", "end", "lat", "lon", "precision", "country_code", "admin1",
               "region", "resolved_name", "gazetteer_id", "confidence", "sentence",
               "sentence_start")
_CASUALTY_COLS = ("outcome", "count_best", "count_low", "count_high", "qualifier", "vague_word",
                  "victim", "party", "reported_by", "reported_by_text", "place", "lat", "lon",
                  "date", "sentence", "sentence_start", "start", "end", "figure_kind")
_CLAIM_COLS = ("claimant", "stance", "target", "text", "place", "lat", "lon", "date", "sentence",
               "sentence_start", "start", "end")


def _insert_sql(table: str, cols: tuple[str, ...]) -> str:
    names = ", ".join(f'"{c}"' for c in ("article_id", "idx") + cols)
    marks = ", ".join("?" for _ in range(len(cols) + 2))
    return f"INSERT INTO {table} ({names}) VALUES ({marks})"


def _select_cols(cols: tuple[str, ...]) -> str:
    return ", ".join(f'"{c}"' for c in cols)


# One SELECT per kind, each shaped to MAP_COLUMNS. Places have no party and no own date: their
# date is the article's. {where} takes the filters built in ``query``. User corrections are
# joined in: ``f`` is the place fix that applies (the article's own, else the global one), ``pf``
# a party fix. Figures and claims take the precision of the place mention they are placed at.
_ARTICLE_COLS = "a.id AS article_id, a.title, a.source, a.url, a.date AS article_date"


def _place_fix(name_sql: str, article_sql: str) -> str:
    return f"""LEFT JOIN place_fixes f ON f.id = (
            SELECT x.id FROM place_fixes x WHERE x.name_key IN ({name_sql})
            AND (x.article_id IS NULL OR x.article_id = {article_sql})
            ORDER BY x.article_id IS NULL, x.id DESC LIMIT 1)"""


def _party_fix(kind: str, alias: str) -> str:
    return (f"LEFT JOIN party_fixes pf ON pf.kind = '{kind}' "
            f"AND pf.article_id = {alias}.article_id AND pf.idx = {alias}.idx")


def _mention(column: str, alias: str) -> str:
    """A figure's or claim's place attribute, from the place mention it is placed at."""
    return (f"(SELECT p.{column} FROM places p WHERE p.article_id = {alias}.article_id "
            f"AND COALESCE(p.resolved_name, p.name) = {alias}.place LIMIT 1)")


def _located(alias: str) -> str:
    """lat, lon, place, precision, country_code, admin1 of a figure or claim, fixes applied."""
    return f"""
               CASE WHEN f.id IS NULL THEN {alias}.lat ELSE f.lat END AS lat,
               CASE WHEN f.id IS NULL THEN {alias}.lon ELSE f.lon END AS lon,
               COALESCE(f.resolved_name, {alias}.place) AS place,
               CASE WHEN f.id IS NULL THEN {_mention('precision', alias)}
                    ELSE f.precision END AS precision,
               CASE WHEN f.id IS NULL THEN {_mention('country_code', alias)}
                    ELSE f.country_code END AS country_code,
               CASE WHEN f.id IS NULL THEN {_mention('admin1', alias)}
                    ELSE f.admin1 END AS admin1"""


_MAP_SELECTS = {
    "place": f"""
        SELECT 'place' AS kind, p.rowid AS item_id, {_ARTICLE_COLS}, a.date AS date,
               COALESCE(f.lat, p.lat) AS lat, COALESCE(f.lon, p.lon) AS lon,
               COALESCE(f.resolved_name, p.resolved_name, p.name) AS place,
               CASE WHEN f.id IS NULL THEN p.precision ELSE f.precision END AS precision,
               CASE WHEN f.id IS NULL THEN p.country_code ELSE f.country_code END
                   AS country_code,
               CASE WHEN f.id IS NULL THEN p.admin1 ELSE f.admin1 END AS admin1,
               NULL AS party, NULL AS reported_by, NULL AS reported_by_text,
               NULL AS outcome, NULL AS count_best, NULL AS count_low, NULL AS count_high,
               NULL AS qualifier, NULL AS victim, NULL AS vague_word, NULL AS figure_kind,
               NULL AS stance, NULL AS claimant, NULL AS target, NULL AS claim_text,
               p.sentence, p.sentence_start, p."start" AS "start", p."end" AS "end"
        FROM places p JOIN articles a ON a.id = p.article_id
        {_place_fix("lower(p.name), lower(COALESCE(p.resolved_name, p.name))", "p.article_id")}
        WHERE COALESCE(f.lat, p.lat) IS NOT NULL AND COALESCE(f.lon, p.lon) IS NOT NULL
        {{where}}""",
    "casualty": f"""
        SELECT 'casualty' AS kind, c.rowid AS item_id, {_ARTICLE_COLS},
               COALESCE(c.date, a.date) AS date, {_located("c")},
               CASE WHEN pf.id IS NULL THEN c.party ELSE pf.party END AS party,
               c.reported_by, c.reported_by_text,
               c.outcome, c.count_best, c.count_low, c.count_high,
               c.qualifier, c.victim, c.vague_word, c.figure_kind,
               NULL AS stance, NULL AS claimant, NULL AS target, NULL AS claim_text,
               c.sentence, c.sentence_start, c."start" AS "start", c."end" AS "end"
        FROM casualties c JOIN articles a ON a.id = c.article_id
        {_place_fix("lower(c.place)", "c.article_id")}
        {_party_fix("casualty", "c")}
        WHERE 1 = 1 {{where}}""",
    "claim": f"""
        SELECT 'claim' AS kind, k.rowid AS item_id, {_ARTICLE_COLS},
               COALESCE(k.date, a.date) AS date, {_located("k")},
               CASE WHEN pf.id IS NULL THEN k.claimant ELSE pf.party END AS party,
               NULL AS reported_by, NULL AS reported_by_text,
               NULL AS outcome, NULL AS count_best, NULL AS count_low, NULL AS count_high,
               NULL AS qualifier, NULL AS victim, NULL AS vague_word, NULL AS figure_kind,
               k.stance, CASE WHEN pf.id IS NULL THEN k.claimant ELSE pf.party END AS claimant,
               k.target, k.text AS claim_text,
               k.sentence, k.sentence_start, k."start" AS "start", k."end" AS "end"
        FROM claims k JOIN articles a ON a.id = k.article_id
        {_place_fix("lower(k.place)", "k.article_id")}
        {_party_fix("claim", "k")}
        WHERE 1 = 1 {{where}}""",
}
# Per kind: the item's date expression and the columns a party filter looks at.
_DATE_EXPR = {"place": "a.date", "casualty": "COALESCE(c.date, a.date)",
              "claim": "COALESCE(k.date, a.date)"}
_PARTY_COLS = {"casualty": ("CASE WHEN pf.id IS NULL THEN c.party ELSE pf.party END",
                            "c.reported_by"),
               "claim": ("CASE WHEN pf.id IS NULL THEN k.claimant ELSE pf.party END",
                         "k.target")}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# Stable dtypes whatever the rows: floats for coordinates, nullable ints for counts and offsets,
# and None (not NaN) for missing text, so the map, tables and exports see one shape.
_MAP_DTYPES = {"item_id": "Int64", "lat": "float64", "lon": "float64", "count_best": "Int64",
               "count_low": "Int64", "count_high": "Int64", "sentence_start": "Int64",
               "start": "Int64", "end": "Int64"}


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for col in frame.columns:
        if col in _MAP_DTYPES:
            frame[col] = pd.to_numeric(frame[col]).astype(_MAP_DTYPES[col])
        else:
            values = frame[col].astype(object)
            frame[col] = values.where(values.notna(), None)
    return frame


def _row_values(obj: Any, cols: tuple[str, ...]) -> list:
    return [getattr(obj, c) for c in cols]


def _validate_kinds(kinds: Optional[Iterable[str]]) -> tuple[str, ...]:
    if not kinds:
        return KINDS
    if isinstance(kinds, str):
        kinds = [kinds]
    kinds = tuple(dict.fromkeys(kinds))
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise ValueError(f"unknown kind(s) {bad}: expected a subset of {list(KINDS)}")
    return kinds


class SQLiteStore(Store):
    def __init__(self, path: str):
        self.path = path
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves (one transaction per article).
            # check_same_thread=False + a lock: Streamlit shares one cached store across threads.
            self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False,
                                         timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as err:
            raise StoreError(f"cannot open database {path}: {err}") from err
        self._lock = threading.RLock()
        self._conn.row_factory = sqlite3.Row
        try:
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self.journal_mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            self._conn.execute("PRAGMA synchronous = NORMAL")  # safe with WAL, much faster
            self._init_schema()
        except sqlite3.Error as err:
            self._conn.close()
            raise StoreError(f"cannot open database {path}: {err}") from err
        except BaseException:
            self._conn.close()
            raise

    def __repr__(self) -> str:
        return f"SQLiteStore({self.path!r})"

    # -- schema ---------------------------------------------------------------------------

    def _current_version(self) -> Optional[int]:
        try:
            return self._conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
        except sqlite3.OperationalError:  # no such table: a new database
            return None

    def _init_schema(self) -> None:
        version = self._current_version()
        if version == SCHEMA_VERSION:
            return  # the usual case: no write lock taken just to open the store
        if version is not None and version > SCHEMA_VERSION:
            raise SchemaVersionError(
                f"database {self.path} has schema version {version}, newer than this "
                f"code's {SCHEMA_VERSION}: upgrade the code")
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                for stmt in _SCHEMA.split(";"):
                    if stmt.strip():
                        self._conn.execute(stmt)
                row = self._conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
                version = row[0]
                if version is None:
                    self._conn.execute("INSERT INTO schema_version (version) VALUES (?)",
                                       (SCHEMA_VERSION,))
                elif version < SCHEMA_VERSION:  # an older database: migrate it in place
                    for step in range(version + 1, SCHEMA_VERSION + 1):
                        for stmt in _MIGRATIONS.get(step, ()):
                            self._conn.execute(stmt)
                    self._backfill_signatures()
                    self._conn.execute("INSERT INTO schema_version (version) VALUES (?)",
                                       (SCHEMA_VERSION,))
                elif version > SCHEMA_VERSION:
                    raise SchemaVersionError(
                        f"database {self.path} has schema version {version}, newer than this "
                        f"code's {SCHEMA_VERSION}: upgrade the code")
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def _backfill_signatures(self) -> None:
        rows = self._conn.execute(
            "SELECT id, text, boilerplate FROM articles WHERE signature IS NULL").fetchall()
        for row in rows:
            spans = [tuple(span) for span in json.loads(row["boilerplate"] or "[]")]
            self._conn.execute("UPDATE articles SET signature = ? WHERE id = ?",
                               (text_signature(row["text"], spans), row["id"]))

    @property
    def schema_version(self) -> int:
        return self._conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]

    # -- writing --------------------------------------------------------------------------

    def add(self, extraction: Extraction) -> str:
        a = extraction.article
        if not a.id:
            raise StoreError("article has no id")
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as err:
                raise StoreError(f"cannot start a write transaction: {err}") from err
            try:
                if self._has(a.id):
                    self._conn.execute("ROLLBACK")
                    return "duplicate"
                self._conn.execute(
                    "INSERT INTO articles (id, title, date, source, url, path, text, boilerplate,"
                    " content_hash, ingested_at, signature)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (a.id, a.title, a.date, a.source, a.url, a.path, a.text,
                     json.dumps([list(s) for s in a.boilerplate]), content_hash(a.text), _now(),
                     text_signature(a.text, a.boilerplate)))
                for table, cols, items in (("places", _PLACE_COLS, extraction.places),
                                           ("casualties", _CASUALTY_COLS, extraction.casualties),
                                           ("claims", _CLAIM_COLS, extraction.claims)):
                    sql = _insert_sql(table, cols)
                    for idx, item in enumerate(items):
                        self._conn.execute(sql, [a.id, idx, *_row_values(item, cols)])
                self._bump()
                self._conn.execute("COMMIT")
            except BaseException as err:
                # Never leave a half-written article behind.
                self._conn.execute("ROLLBACK")
                if isinstance(err, (sqlite3.Error, TypeError, ValueError)):
                    raise StoreError(f"could not store article {a.id}: {err}") from err
                raise
        return "ok"

    def delete(self, article_id: str) -> bool:
        """Remove an article and its items (ON DELETE CASCADE). True when it existed."""
        cur = self._write("DELETE FROM articles WHERE id = ?", (article_id,),
                          f"could not delete article {article_id}")
        return cur.rowcount > 0

    def _write(self, sql: str, params: tuple,
               failure: str = "could not save the correction") -> sqlite3.Cursor:
        """One statement in its own transaction; the change counter moves only when a row
        changed."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                cur = self._conn.execute(sql, params)
                if cur.rowcount > 0:
                    self._bump()
                self._conn.execute("COMMIT")
            except sqlite3.Error as err:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise StoreError(f"{failure}: {err}") from err
            return cur

    # -- corrections ----------------------------------------------------------------------

    def correct_place(self, name: str, *, lat: float, lon: float,
                      resolved_name: Optional[str] = None, precision: str = "city",
                      country_code: Optional[str] = None, admin1: Optional[str] = None,
                      article_id: Optional[str] = None) -> int:
        """Place every mention of ``name`` (as written or as resolved; case-insensitive) at
        (lat, lon), in one article or, with ``article_id`` None, in every article, now and
        later. Figures and claims placed at that name move with it. Returns the fix's id."""
        name = (name or "").strip()
        if not name:
            raise ValueError("a place correction needs the name it corrects")
        lat, lon = float(lat), float(lon)
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"({lat}, {lon}) is not a latitude/longitude")
        if precision not in PRECISIONS:
            raise ValueError(f"precision {precision!r}: expected one of {list(PRECISIONS)}")
        if article_id is not None and not self.has(article_id):
            raise StoreError(f"no article {article_id!r} in the store")
        return self._write(
            "INSERT INTO place_fixes (name, name_key, article_id, lat, lon, resolved_name,"
            " precision, country_code, admin1, created_at)"
            " VALUES (?, lower(?), ?, ?, ?, ?, ?, ?, ?, ?)",
            (name, name, article_id, lat, lon, resolved_name or name, precision,
             country_code, admin1, _now())).lastrowid

    def correct_party(self, kind: str, item_id: int, party: Optional[str]) -> int:
        """Set the party of one item (``item_id`` from ``query``): a casualty figure's
        victims' party, or a claim's claimant. None means "no party". Returns the fix's id."""
        table = {"casualty": "casualties", "claim": "claims"}.get(kind)
        if table is None:
            raise ValueError(f"party corrections apply to 'casualty' or 'claim', not {kind!r}")
        with self._lock:
            row = self._conn.execute(f"SELECT article_id, idx FROM {table} WHERE rowid = ?",
                                     (int(item_id),)).fetchone()
        if row is None:
            raise StoreError(f"no {kind} with item id {item_id}")
        self._write("INSERT INTO party_fixes (kind, article_id, idx, party, created_at)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, article_id, idx)"
                    " DO UPDATE SET party = excluded.party, created_at = excluded.created_at",
                    (kind, row["article_id"], row["idx"], party or None, _now()))
        with self._lock:
            return self._conn.execute(
                "SELECT id FROM party_fixes WHERE kind = ? AND article_id = ? AND idx = ?",
                (kind, row["article_id"], row["idx"])).fetchone()[0]

    def corrections(self) -> pd.DataFrame:
        """Every correction, newest first: id ('place:N' / 'party:N'), what and where."""
        sql = """
            SELECT 'place:' || id AS id, 'place' AS kind, name, article_id,
                   NULL AS item_kind, NULL AS item_idx, lat, lon, resolved_name, precision,
                   country_code, admin1, NULL AS party, created_at
            FROM place_fixes
            UNION ALL
            SELECT 'party:' || id, 'party', NULL, article_id, kind, idx, NULL, NULL, NULL,
                   NULL, NULL, NULL, party, created_at
            FROM party_fixes
            ORDER BY created_at DESC, id DESC"""
        with self._lock:
            return pd.read_sql_query(sql, self._conn)

    def remove_correction(self, correction_id: str) -> bool:
        """Undo one correction (an id from ``corrections()``). True when it existed."""
        kind, _, number = str(correction_id).partition(":")
        table = {"place": "place_fixes", "party": "party_fixes"}.get(kind)
        if table is None or not number.isdigit():
            raise ValueError(f"correction id {correction_id!r}: expected 'place:N' or 'party:N'")
        return self._write(f"DELETE FROM {table} WHERE id = ?", (int(number),)).rowcount > 0

    def _bump(self) -> None:
        self._conn.execute("UPDATE counters SET value = value + 1 WHERE name = 'changes'")

    def version(self) -> int:
        with self._lock:
            return self._conn.execute(
                "SELECT value FROM counters WHERE name = 'changes'").fetchone()[0]

    # -- reading --------------------------------------------------------------------------

    def _has(self, article_id: str) -> bool:
        return self._conn.execute("SELECT 1 FROM articles WHERE id = ?",
                                  (article_id,)).fetchone() is not None

    def has(self, article_id: str) -> bool:
        with self._lock:
            return self._has(article_id)

    def __len__(self) -> int:
        with self._lock:
            return self._conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def query(self, date_from: Optional[str] = None, date_to: Optional[str] = None,
              parties: Optional[Iterable[str]] = None,
              kinds: Optional[Iterable[str]] = None,
              include_undated: bool = False) -> pd.DataFrame:
        """Map items as a frame with exactly ``MAP_COLUMNS``: resolved place mentions, casualty
        figures and claims (with or without coordinates), with their article's provenance.

        Filters (None or empty = no filter): ``date_from``/``date_to`` (inclusive, YYYY-MM-DD)
        on the item's ``date``; undated items drop out when a date filter is set unless
        ``include_undated`` (an article with no known date is not "outside" any range);
        ``parties``: casualties whose party or reported_by, claims whose claimant or target is
        in the set, and places of the articles that have such a casualty or claim (places
        carry no party of their own); ``kinds``: subset of 'place', 'casualty', 'claim'.
        """
        kinds = _validate_kinds(kinds)
        if isinstance(parties, str):
            parties = [parties]
        parties = sorted({p for p in parties or () if p})
        parts, params = [], []
        for kind in kinds:
            where, args, dated = [], [], []
            if date_from:
                dated.append(f"{_DATE_EXPR[kind]} >= ?")
                args.append(str(date_from)[:10])
            if date_to:
                dated.append(f"{_DATE_EXPR[kind]} <= ?")
                args.append(str(date_to)[:10])
            if dated:
                undated = f" OR {_DATE_EXPR[kind]} IS NULL" if include_undated else ""
                where.append(f"(({' AND '.join(dated)}){undated})")
            if parties:
                marks = ", ".join("?" for _ in parties)
                if kind == "place":
                    where.append(
                        f"a.id IN (SELECT article_id FROM casualties WHERE party IN ({marks})"
                        f" OR reported_by IN ({marks}) UNION SELECT article_id FROM claims"
                        f" WHERE claimant IN ({marks}) OR target IN ({marks}))")
                    args.extend(parties * 4)
                else:
                    where.append("(" + " OR ".join(f"{c} IN ({marks})"
                                                  for c in _PARTY_COLS[kind]) + ")")
                    args.extend(parties * len(_PARTY_COLS[kind]))
            clause = "".join(f" AND {w}" for w in where)
            parts.append(_MAP_SELECTS[kind].format(where=clause))
            params.extend(args)
        sql = (" UNION ALL ".join(parts)
               + ' ORDER BY article_date, article_id, kind, "start"')
        with self._lock:
            frame = pd.read_sql_query(sql, self._conn, params=params)
        return _typed(frame.reindex(columns=list(MAP_COLUMNS)))

    def articles(self) -> pd.DataFrame:
        sql = """
            SELECT a.id, a.title, a.date, a.source, a.url,
                   (SELECT COUNT(*) FROM places p WHERE p.article_id = a.id) AS n_places,
                   (SELECT COUNT(*) FROM casualties c WHERE c.article_id = a.id) AS n_casualties,
                   (SELECT COUNT(*) FROM claims k WHERE k.article_id = a.id) AS n_claims
            FROM articles a ORDER BY a.date, a.id"""
        with self._lock:
            return pd.read_sql_query(sql, self._conn)

    def _items(self, table: str, cols: tuple[str, ...], article_id: str) -> list[dict]:
        rows = self._conn.execute(
            f"SELECT {_select_cols(cols)} FROM {table} WHERE article_id = ? ORDER BY idx",
            (article_id,)).fetchall()
        return [dict(zip(cols, row)) for row in rows]

    def article(self, article_id: str) -> Optional[dict]:
        """The article with its text, boilerplate spans and items (for the highlighted view);
        None when it is not stored."""
        with self._lock:
            row = self._conn.execute("SELECT * FROM articles WHERE id = ?",
                                     (article_id,)).fetchone()
            if row is None:
                return None
            out = dict(row)
            out["boilerplate"] = [tuple(s) for s in json.loads(out["boilerplate"] or "[]")]
            out["places"] = self._items("places", _PLACE_COLS, article_id)
            out["casualties"] = self._items("casualties", _CASUALTY_COLS, article_id)
            out["claims"] = self._items("claims", _CLAIM_COLS, article_id)
        return out

    def get_extraction(self, article_id: str) -> Optional[Extraction]:
        d = self.article(article_id)
        if d is None:
            return None
        names = {f.name for f in fields(Article)}
        article = Article(**{k: v for k, v in d.items() if k in names})
        return Extraction(
            article=article,
            places=[Place(**p) for p in d["places"]],
            casualties=[Casualty(**c) for c in d["casualties"]],
            claims=[Claim(**c) for c in d["claims"]],
        )

    def parties_in_use(self, known: Optional[Iterable[str]] = None) -> list[str]:
        """The party ids the stored items name, for the party filter: victims' parties,
        claimants, targets, and the sources (``reported_by``) that are parties.

        ``reported_by`` holds a party id or, when the source names no party, a free-text
        phrase ("activists", "local officials"): such a value counts only if it is in
        ``known`` (party ids; default: the ids of ``geo.parties.load_parties()``) or is used
        as a party elsewhere (a victims' party, claimant or target).
        """
        sql = """
            SELECT party FROM casualties UNION SELECT claimant FROM claims
            UNION SELECT target FROM claims"""
        with self._lock:
            ids = {r[0] for r in self._conn.execute(sql) if r[0]}
            sources = {r[0] for r in self._conn.execute(
                "SELECT DISTINCT reported_by FROM casualties") if r[0]}
        extra = sources - ids
        if extra:
            if known is None:
                from geo.parties import load_parties

                known = {p.id for p in load_parties()}
            known = set(known)
            ids |= {s for s in extra if s in known}
        return sorted(ids)

    def signatures(self, article_ids: Optional[Iterable[str]] = None) -> dict[str, str]:
        """Article id -> rewrite signature (``geo.fingerprints``), for all or the given articles."""
        with self._lock:
            rows = self._conn.execute("SELECT id, signature FROM articles").fetchall()
        wanted = set(article_ids) if article_ids is not None else None
        return {r[0]: r[1] for r in rows if r[1] and (wanted is None or r[0] in wanted)}

    def date_range(self) -> tuple[Optional[str], Optional[str]]:
        """Earliest and latest date over articles and items; (None, None) when nothing is dated."""
        sql = """
            SELECT MIN(d), MAX(d) FROM (
                SELECT date AS d FROM articles UNION ALL SELECT date FROM casualties
                UNION ALL SELECT date FROM claims) WHERE d IS NOT NULL"""
        with self._lock:
            lo, hi = self._conn.execute(sql).fetchone()
        return lo, hi

    def close(self) -> None:
        with self._lock:
            self._conn.close()


__all__ = ["SQLiteStore", "SCHEMA_VERSION"]
