"""The SQLite store (stdlib ``sqlite3``), the default implementation of ``geo.store.base.Store``
(``geo.store.postgis`` is the server one; what both write and read alike is in
``geo.store.rows``). WAL mode and a busy timeout, because the dashboard reads while ``ingest`` writes; one
``BEGIN IMMEDIATE`` transaction per article."""
from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Optional

import pandas as pd

from geo.records import Article, Extraction
from geo.store.base import Added, StoreError
from geo.store.connection import ConnectionStore
from geo.store.rows import (ARTICLE_INSERT_SQL, BUMP_SQL, CORRECTIONS_SQL, FIND_SAME_SQL,
                            ITEM_TABLES, PARTY_FIX_UPSERT_SQL, PLACE_FIX_INSERT_SQL,
                            STORED_EXTRA, article_items_sql, article_values, article_view,
                            backfill, checked_place_fix, fix_table, identity_answer,
                            item_inserts, party_table, same_params, utc_now)
from geo.store.schema import SCHEMA_VERSION, STORE_SCHEMA, insert_sql, migration_steps
from geo.store.sqlite_file import check_header, check_tables, open_error, opening, quick_check

BUSY_TIMEOUT_MS = 10_000


class SQLiteStore(ConnectionStore):
    def __init__(self, path: str, read_only: bool = False):
        """Open (create, migrate) the store at ``path``. A damaged file or another
        application's SQLite file is refused (``StoreError``) and left as it was; a store the
        user may not write, or ``read_only``, is opened read-only (``geo.store.sqlite_file``)."""
        self.path = self.label = path
        check_header(path)
        way = opening(path, read_only)
        self.read_only, self.read_only_reason = way.read_only, way.reason
        self._checked = path == ":memory:"  # quick_check done (before the first write)
        if path != ":memory:" and not way.read_only:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves (one transaction per article).
            # check_same_thread=False + a lock: Streamlit shares one cached store across threads.
            self._conn = sqlite3.connect(way.target, isolation_level=None, uri=way.uri,
                                         check_same_thread=False,
                                         timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as err:
            raise StoreError(f"cannot open database {path}: {err}") from err
        self._lock = threading.RLock()
        self._conn.row_factory = sqlite3.Row
        try:
            check_tables(self._conn, path)
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if self.read_only:
                self.journal_mode = self._conn.execute("PRAGMA journal_mode").fetchone()[0]
                self._check_read_only_schema()
            else:
                self.journal_mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                # Power loss: FULL syncs the log at every commit, so an article reported
                # stored survives it (NORMAL could lose the last ones); one sync per article
                # is nothing beside its extraction.
                self._conn.execute("PRAGMA synchronous = FULL")
                self._init_schema()
        except sqlite3.Error as err:
            self._conn.close()
            raise open_error(path, err) from err
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
        self._check_version(version)
        if version is not None:  # a migration writes: check the file first
            self._check_before_write()
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
                    for stmt in migration_steps(version, self._columns):
                        self._conn.execute(stmt)
                    backfill(lambda sql, params: self._conn.execute(sql, params).fetchall(),
                             version)
                    self._conn.execute("INSERT INTO schema_version (version) VALUES (?)",
                                       (SCHEMA_VERSION,))
                self._check_version(version)
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def _columns(self, table: str) -> list[str]:
        return [r[1] for r in self._conn.execute(f"PRAGMA table_info({table})")]

    def _check_before_write(self) -> None:
        """Refuse a write to a read-only store; check the file once before the first write."""
        self.check_writable()
        if not self._checked:
            with self._lock:
                quick_check(self._conn, self.path)
            self._checked = True

    @property
    def schema_version(self) -> int:
        return self._conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]

    # -- writing --------------------------------------------------------------------------

    def add(self, extraction: Extraction) -> Added:
        """See ``Store.add``: "ok", "renamed" (stored under a derived id) or "duplicate"."""
        a = extraction.article
        if not a.id:
            raise StoreError("article has no id")
        self._check_before_write()
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as err:
                raise StoreError(f"cannot start a write transaction: {err}") from err
            try:
                same, binned = self._same_row(a)
                answer = identity_answer(a, same, self._has, binned)
                if answer == "duplicate":
                    self._conn.execute("ROLLBACK")
                    return answer
                self._conn.execute(ARTICLE_INSERT_SQL, article_values(a, answer.article_id))
                for sql, values in item_inserts(extraction, insert_sql, answer.article_id):
                    self._conn.execute(sql, values)
                self._bump()
                self._conn.execute("COMMIT")
            except BaseException as err:
                # Never leave a half-written article behind.
                self._conn.execute("ROLLBACK")
                if isinstance(err, (sqlite3.Error, TypeError, ValueError)):
                    raise StoreError(f"could not store article {a.id}: {err}") from err
                raise
        return answer

    def _same_row(self, article: Article) -> tuple:
        """(the stored copy's id or None, whether it is in the bin)."""
        row = self._conn.execute(FIND_SAME_SQL, same_params(article)).fetchone()
        return (None, False) if row is None else (row[0], row[1] is not None)

    def find_same(self, article: Article) -> Optional[str]:
        """See ``Store.find_same``: the stored copy's id (in the bin or not), or None."""
        with self._lock:
            return self._same_row(article)[0]

    def delete(self, article_id: str) -> bool:
        """Remove an article and its items (ON DELETE CASCADE). True when it existed."""
        cur = self._write("DELETE FROM articles WHERE id = ?", (article_id,),
                          f"could not delete article {article_id}")
        return cur.rowcount > 0

    def _transaction(self, work, failure: str):
        """See ``ConnectionStore._transaction``: one ``BEGIN IMMEDIATE`` transaction."""
        self._check_before_write()
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                result, changed = work(self._conn.execute)
                if changed:
                    self._bump()
                self._conn.execute("COMMIT")
            except BaseException as err:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                if isinstance(err, sqlite3.Error):
                    raise StoreError(f"{failure}: {err}") from err
                raise
        return result

    def _write(self, sql: str, params: tuple,
               failure: str = "could not save the correction") -> sqlite3.Cursor:
        """One statement in its own transaction; the change counter moves only when a row
        changed."""
        self._check_before_write()
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
        name, lat, lon = checked_place_fix(name, lat, lon, precision)
        if article_id is not None and not self.has(article_id):
            raise StoreError(f"no article {article_id!r} in the store")
        return self._write(
            PLACE_FIX_INSERT_SQL,
            (name, name, article_id, lat, lon, resolved_name or name, precision,
             country_code, admin1, utc_now())).lastrowid

    def correct_party(self, kind: str, item_id: int, party: Optional[str]) -> int:
        """Set the party of one item (``item_id`` from ``query``): a casualty figure's
        victims' party, or a claim's claimant. None means "no party". Returns the fix's id."""
        table = party_table(kind)
        with self._lock:
            row = self._conn.execute(f"SELECT article_id, idx FROM {table} WHERE rowid = ?",
                                     (int(item_id),)).fetchone()
        if row is None:
            raise StoreError(f"no {kind} with item id {item_id}")
        self._write(PARTY_FIX_UPSERT_SQL,
                    (kind, row["article_id"], row["idx"], party or None, utc_now()))
        with self._lock:
            return self._conn.execute(
                "SELECT id FROM party_fixes WHERE kind = ? AND article_id = ? AND idx = ?",
                (kind, row["article_id"], row["idx"])).fetchone()[0]

    def corrections(self) -> pd.DataFrame:
        """Every correction, newest first: id ('place:N' / 'party:N'), what and where."""
        with self._lock:
            return pd.read_sql_query(CORRECTIONS_SQL, self._conn)

    def remove_correction(self, correction_id: str) -> bool:
        """Undo one correction (an id from ``corrections()``). True when it existed."""
        table, number = fix_table(correction_id)
        return self._write(f"DELETE FROM {table} WHERE id = ?", (number,)).rowcount > 0

    def _bump(self) -> None:
        self._conn.execute(BUMP_SQL)

    # -- reading (the rest is ``ConnectionStore``'s) ---------------------------------------

    def _frame(self, sql: str, params: Optional[tuple] = None) -> pd.DataFrame:
        with self._lock:
            return pd.read_sql_query(sql, self._conn, params=params)

    def article(self, article_id: str) -> Optional[dict]:
        """The article with its text, boilerplate spans and items (for the highlighted view);
        None when it is not stored."""
        with self._lock:
            row = self._conn.execute("SELECT * FROM articles WHERE id = ?",
                                     (article_id,)).fetchone()
            if row is None:
                return None
            items = {table: [dict(zip(cols + STORED_EXTRA, r)) for r in self._conn.execute(
                         article_items_sql(table, cols), (article_id,)).fetchall()]
                     for table, cols, *_ in ITEM_TABLES}
        return article_view(dict(row), items)


__all__ = ["SQLiteStore"]
