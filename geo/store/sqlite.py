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
from geo.parties import load_parties
from geo.records import PRECISIONS, Article, Casualty, Claim, Extraction, Place
from geo.store.base import SchemaVersionError, Store, StoreError
from geo.store.items_sql import map_items_sql, typed, valid_kinds
from geo.store.schema import (CASUALTY_COLUMNS, CLAIM_COLUMNS, MIGRATIONS, PLACE_COLUMNS,
                              SCHEMA_VERSION, STORE_SCHEMA, insert_sql)

BUSY_TIMEOUT_MS = 10_000


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _row_values(obj: Any, cols: tuple[str, ...]) -> list:
    return [getattr(obj, c) for c in cols]


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
                for stmt in STORE_SCHEMA.split(";"):
                    if stmt.strip():
                        self._conn.execute(stmt)
                row = self._conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
                version = row[0]
                if version is None:
                    self._conn.execute("INSERT INTO schema_version (version) VALUES (?)",
                                       (SCHEMA_VERSION,))
                elif version < SCHEMA_VERSION:  # an older database: migrate it in place
                    for step in range(version + 1, SCHEMA_VERSION + 1):
                        for stmt in MIGRATIONS.get(step, ()):
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
                for table, cols, items in (("places", PLACE_COLUMNS, extraction.places),
                                           ("casualties", CASUALTY_COLUMNS, extraction.casualties),
                                           ("claims", CLAIM_COLUMNS, extraction.claims)):
                    sql = insert_sql(table, cols)
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

    def query(self, kinds: Optional[Iterable[str]] = None) -> pd.DataFrame:
        """Every stored item of ``kinds`` ('place', 'casualty', 'claim'; None: all) as a frame
        with exactly ``MAP_COLUMNS``: resolved place mentions, casualty figures and claims
        (with or without coordinates), with their article's provenance and the user's
        corrections applied. No filter: ``geo.report.filters.filter_frame`` decides what a
        view shows."""
        sql = map_items_sql(valid_kinds(kinds))
        with self._lock:
            frame = pd.read_sql_query(sql, self._conn)
        return typed(frame)

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
        names = ", ".join(f'"{c}"' for c in cols)
        rows = self._conn.execute(
            f"SELECT {names} FROM {table} WHERE article_id = ? ORDER BY idx",
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
            out["places"] = self._items("places", PLACE_COLUMNS, article_id)
            out["casualties"] = self._items("casualties", CASUALTY_COLUMNS, article_id)
            out["claims"] = self._items("claims", CLAIM_COLUMNS, article_id)
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


__all__ = ["SQLiteStore"]
