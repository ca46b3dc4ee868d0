"""The PostgreSQL + PostGIS store (psycopg 3): ``geo.store.base.Store`` on a server that several
analysts and ingest workers share. Same tables, answers and dtypes as ``SQLiteStore`` (the SQL
and row building are shared: ``geo.store.items_sql``, ``geo.store.rows``); places, figures and
claims also carry a ``geometry(Point, 4326)`` with a GIST index (``geo.store.pg_schema``).

One connection in autocommit mode, guarded by a lock (Streamlit shares one store across
threads); every write is one explicit transaction, so an article is stored whole or not at all,
and readers on other connections never see half of one."""
from __future__ import annotations

import threading
import warnings
from functools import partial
from itertools import groupby
from typing import Any, Optional

import pandas as pd

from geo.records import Article, Extraction
from geo.store.base import Added, StoreError
from geo.store.connection import ConnectionStore
from geo.store.pg_schema import PG_SCHEMA, POSTGIS_EXTENSION
from geo.store.rows import (ARTICLE_INSERT_SQL, BUMP_SQL, CORRECTIONS_SQL, FIND_SAME_SQL,
                            ITEM_TABLES, PARTY_FIX_UPSERT_SQL, PLACE_FIX_INSERT_SQL,
                            article_items_sql, article_values, article_view, backfill,
                            checked_place_fix, fix_table, identity_answer, item_inserts,
                            party_table, same_params, utc_now)
from geo.store.schema import SCHEMA_VERSION, insert_sql, migration_steps

try:  # the SQLite store works without it
    import psycopg
    from psycopg import sql as pgsql
    from psycopg.conninfo import conninfo_to_dict, make_conninfo
    from psycopg.rows import dict_row
except ImportError:  # pragma: no cover - requirements.txt installs it
    psycopg = None

CONNECT_TIMEOUT_S = 5
# Held while the schema is created or migrated, so two processes opening a new database at
# once do not both create it.
SCHEMA_LOCK_KEY = 0x67656F5F73746F72  # "geo_stor"
# Held by ``add`` on an article's content hash, then on its id (two-key advisory locks: a key
# space apart from the schema lock's).
IDENTITY_LOCK_CLASS = 0x67656F69  # "geoi"
INSTALL_HINT = ("install PostGIS on the server (Debian: postgresql-15-postgis-3, which "
                "scripts/install.sh installs)")

_pg_insert = partial(insert_sql, mark="%s")


def pg_sql(sql: str) -> str:
    """Shared SQL written with ``?`` placeholders (``geo.store.rows``) in psycopg's ``%s``."""
    return sql.replace("?", "%s")


def one_line(err: BaseException) -> str:
    return " ".join(str(err).split())


def pg_conninfo(url: str) -> str:
    """A ``postgresql://`` / ``postgres://`` / SQLAlchemy-style ``postgresql+driver://`` URL as
    libpq connection info."""
    scheme, sep, rest = url.partition("://")
    if sep and scheme.startswith("postgresql+"):
        url = "postgresql://" + rest
    return url


def server_label(conninfo: str) -> str:
    """host:port/database of ``conninfo``, without user or password (for messages)."""
    try:
        info = conninfo_to_dict(conninfo)
    except Exception:  # noqa: BLE001 - a malformed URL is reported by connect()
        return "the PostgreSQL server"
    host = info.get("host") or "localhost"
    port = f":{info['port']}" if info.get("port") else ""
    return f"{host}{port}/{info.get('dbname') or info.get('user') or ''}"


def _connect(conninfo: str, label: str) -> Any:
    try:
        return psycopg.connect(conninfo, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
    except psycopg.OperationalError as err:
        if "does not exist" in str(err) and "database" in str(err):
            return _create_database(conninfo, label)
        raise StoreError(f"cannot connect to PostgreSQL at {label}: {one_line(err)} "
                         "(is the server running? check --db / $GEO_DB)") from err
    except psycopg.Error as err:
        raise StoreError(f"cannot connect to PostgreSQL at {label}: {one_line(err)}") from err


def _create_database(conninfo: str, label: str) -> Any:
    """A database that does not exist yet is created, as SQLite creates its file."""
    dbname = conninfo_to_dict(conninfo).get("dbname")
    try:
        with psycopg.connect(make_conninfo(conninfo, dbname="postgres"), autocommit=True,
                             connect_timeout=CONNECT_TIMEOUT_S) as admin:
            admin.execute(pgsql.SQL("CREATE DATABASE {}").format(pgsql.Identifier(dbname)))
        return psycopg.connect(conninfo, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S)
    except psycopg.Error as err:
        raise StoreError(f"database {label} does not exist and could not be created "
                         f"({one_line(err)}): create it with createdb, or use an existing "
                         "database") from err


class PostGISStore(ConnectionStore):
    EMPTY_WORDS = "not a conflict-map store yet"

    def __init__(self, url: str, read_only: bool = False):
        """Connect, and create or migrate the schema; ``read_only``: every transaction of
        this connection is READ ONLY, nothing is created or migrated, writes raise
        ``StoreError``."""
        if psycopg is None:
            raise StoreError("the PostGIS store needs psycopg: pip install -r requirements.txt")
        self.url = pg_conninfo(url)
        self.label = server_label(self.url)
        self.read_only = read_only
        self.read_only_reason = (f"database {self.label} was opened read-only: nothing can be "
                                 "stored or corrected in it") if read_only else ""
        self._lock = threading.RLock()
        self._conn = _connect(self.url, self.label)
        try:
            if read_only:
                self._conn.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
                self._check_read_only_schema()
            else:
                self._init_schema()
        except psycopg.Error as err:
            self._conn.close()
            raise StoreError(f"cannot open database {self.label}: {one_line(err)}") from err
        except BaseException:
            self._conn.close()
            raise

    def __repr__(self) -> str:
        return f"PostGISStore({self.label!r})"

    # -- schema ---------------------------------------------------------------------------

    def _current_version(self) -> Optional[int]:
        if self._conn.execute("SELECT to_regclass('schema_version')").fetchone()[0] is None:
            return None  # a new database
        return self._conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]

    def _check_not_foreign(self) -> None:
        """A schema without our version table but with tables of our names is another
        application's: refused, never written into."""
        names = ("articles", "places", "casualties", "claims", "counters", "place_fixes",
                 "party_fixes")
        found = [n for n in names
                 if self._conn.execute("SELECT to_regclass(%s)", (n,)).fetchone()[0]]
        if found:
            raise StoreError(
                f"database {self.label} is not a conflict-map store: it has tables named "
                f"{', '.join(found)} but no schema_version; nothing was changed in it: use "
                "another database (or schema, with options=-csearch_path=...)")

    def _init_schema(self) -> None:
        version = self._current_version()
        if version == SCHEMA_VERSION:
            return  # the usual case: no lock taken just to open the store
        self._check_version(version)
        with self._lock, self._conn.transaction():
            self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_KEY,))
            version = self._current_version()  # another process may have done it meanwhile
            self._check_version(version)
            if version == SCHEMA_VERSION:
                return
            if version is None:
                self._check_not_foreign()
            self._ensure_postgis()
            self._conn.execute(PG_SCHEMA)
            if version is not None:  # an older database: migrate it in place
                for stmt in migration_steps(version, self._columns):
                    self._conn.execute(stmt)
                backfill(self._rows, version)
            self._conn.execute("INSERT INTO schema_version (version) VALUES (%s)",
                               (SCHEMA_VERSION,))

    def _columns(self, table: str) -> list[str]:
        return [r[0] for r in self._conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
            " AND table_schema = current_schema()", (table,))]

    def _ensure_postgis(self) -> None:
        if self._conn.execute("SELECT 1 FROM pg_extension WHERE extname = %s",
                              (POSTGIS_EXTENSION,)).fetchone():
            return
        if not self._conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = %s",
                                  (POSTGIS_EXTENSION,)).fetchone():
            raise StoreError(f"PostGIS is missing on the PostgreSQL server of {self.label}: "
                             f"{INSTALL_HINT}, then open the store again")
        try:
            with self._conn.transaction():  # a savepoint: the error is ours to report
                self._conn.execute(pgsql.SQL("CREATE EXTENSION IF NOT EXISTS {}").format(
                    pgsql.Identifier(POSTGIS_EXTENSION)))
        except psycopg.Error as err:
            raise StoreError(f"cannot enable PostGIS in database {self.label} "
                             f"({one_line(err)}): ask a superuser to run "
                             f"CREATE EXTENSION {POSTGIS_EXTENSION} in it") from err

    def _rows(self, sql: str, params: tuple = ()) -> list:
        """Shared SQL (``?``) run on this connection: its rows (none for an UPDATE)."""
        cur = self._conn.execute(pg_sql(sql), params)
        return cur.fetchall() if cur.description else []

    @property
    def schema_version(self) -> int:
        with self._lock:
            return self._conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]

    # -- writing --------------------------------------------------------------------------

    def add(self, extraction: Extraction) -> Added:
        """See ``Store.add``: "ok", "renamed" (stored under a derived id) or "duplicate".
        Writers of one text, or of one id, take turns (advisory locks on both, in that
        order): two workers never store one text twice, nor lose one of two texts of one id."""
        a = extraction.article
        if not a.id:
            raise StoreError("article has no id")
        self.check_writable()
        params = same_params(a)
        with self._lock:
            try:
                with self._conn.transaction(), self._conn.cursor() as cur:
                    for key in (params[0], a.id):
                        cur.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                                    (IDENTITY_LOCK_CLASS, key))
                    row = cur.execute(pg_sql(FIND_SAME_SQL), params).fetchone()
                    answer = identity_answer(a, row and row[0], self._has,
                                             bool(row and row[1] is not None))
                    if answer == "duplicate":
                        return answer
                    # ON CONFLICT: a derived id another text took meanwhile (8 hex alike)
                    cur.execute(pg_sql(ARTICLE_INSERT_SQL) + " ON CONFLICT (id) DO NOTHING",
                                article_values(a, answer.article_id))
                    if cur.rowcount == 0:
                        raise StoreError(f"could not store article {a.id}: another writer "
                                         f"took id {answer.article_id} meanwhile; try again")
                    for sql, rows in groupby(item_inserts(extraction, _pg_insert,
                                                          answer.article_id),
                                             key=lambda statement: statement[0]):
                        cur.executemany(sql, [values for _, values in rows])
                    cur.execute(BUMP_SQL)
            except (psycopg.Error, TypeError, ValueError) as err:
                # the transaction is rolled back: never a half-written article
                raise StoreError(f"could not store article {a.id}: {one_line(err)}") from err
        return answer

    def find_same(self, article: Article) -> Optional[str]:
        """See ``Store.find_same``: the stored copy's id, or None."""
        with self._lock:
            row = self._conn.execute(pg_sql(FIND_SAME_SQL), same_params(article)).fetchone()
        return None if row is None else row[0]

    def delete(self, article_id: str) -> bool:
        """Remove an article and its items (ON DELETE CASCADE). True when it existed."""
        return self._write("DELETE FROM articles WHERE id = %s", (article_id,),
                           f"could not delete article {article_id}") > 0

    def _transaction(self, work, failure: str) -> Any:
        """See ``ConnectionStore._transaction``: one transaction on this connection."""
        self.check_writable()
        with self._lock:
            try:
                with self._conn.transaction():
                    result, changed = work(
                        lambda sql, params=(): self._conn.execute(pg_sql(sql), params))
                    if changed:
                        self._conn.execute(BUMP_SQL)
            except psycopg.Error as err:
                raise StoreError(f"{failure}: {one_line(err)}") from err
        return result

    def _write(self, sql: str, params: tuple, failure: str = "could not save the correction",
               returning: bool = False) -> Any:
        """One statement in its own transaction; the change counter moves only when a row
        changed. Returns the row count, or with ``returning`` the first value returned."""
        self.check_writable()
        with self._lock:
            try:
                with self._conn.transaction():
                    cur = self._conn.execute(sql, params)
                    result = cur.fetchone()[0] if returning else cur.rowcount
                    if cur.rowcount > 0:
                        self._conn.execute(BUMP_SQL)
            except psycopg.Error as err:
                raise StoreError(f"{failure}: {one_line(err)}") from err
        return result

    # -- corrections ----------------------------------------------------------------------

    def correct_place(self, name: str, *, lat: float, lon: float,
                      resolved_name: Optional[str] = None, precision: str = "city",
                      country_code: Optional[str] = None, admin1: Optional[str] = None,
                      article_id: Optional[str] = None) -> int:
        """As ``SQLiteStore.correct_place``: every mention of ``name`` in one article or, with
        ``article_id`` None, in every article, placed at (lat, lon). Returns the fix's id."""
        name, lat, lon = checked_place_fix(name, lat, lon, precision)
        if article_id is not None and not self.has(article_id):
            raise StoreError(f"no article {article_id!r} in the store")
        return self._write(
            pg_sql(PLACE_FIX_INSERT_SQL) + " RETURNING id",
            (name, name, article_id, lat, lon, resolved_name or name, precision,
             country_code, admin1, utc_now()), returning=True)

    def correct_party(self, kind: str, item_id: int, party: Optional[str]) -> int:
        """As ``SQLiteStore.correct_party``: one figure's victims' party or one claim's
        claimant (``item_id`` from ``query``). Returns the fix's id."""
        table = party_table(kind)
        with self._lock:
            row = self._conn.execute(f"SELECT article_id, idx FROM {table} WHERE rowid = %s",
                                     (int(item_id),)).fetchone()
        if row is None:
            raise StoreError(f"no {kind} with item id {item_id}")
        return self._write(pg_sql(PARTY_FIX_UPSERT_SQL) + " RETURNING id",
                           (kind, row[0], row[1], party or None, utc_now()), returning=True)

    def corrections(self) -> pd.DataFrame:
        """Every correction, newest first: id ('place:N' / 'party:N'), what and where."""
        return self._frame(CORRECTIONS_SQL)

    def remove_correction(self, correction_id: str) -> bool:
        """Undo one correction (an id from ``corrections()``). True when it existed."""
        table, number = fix_table(correction_id)
        return self._write(f"DELETE FROM {table} WHERE id = %s", (number,)) > 0

    # -- reading --------------------------------------------------------------------------

    _sql = staticmethod(pg_sql)

    def _frame(self, sql: str, params: Optional[tuple] = None) -> pd.DataFrame:
        """``sql``'s rows as pandas reads them from SQLite (same conversion, same dtypes)."""
        with self._lock, warnings.catch_warnings():
            warnings.filterwarnings("ignore", "pandas only supports SQLAlchemy", UserWarning)
            try:
                return pd.read_sql_query(sql, self._conn, params=params)
            except psycopg.Error as err:
                raise StoreError(f"could not read the store {self.label}: "
                                 f"{one_line(err)}") from err

    def article(self, article_id: str) -> Optional[dict]:
        """The article with its text, boilerplate spans and items; None when not stored."""
        with self._lock, self._conn.cursor(row_factory=dict_row) as cur:
            row = cur.execute("SELECT * FROM articles WHERE id = %s", (article_id,)).fetchone()
            if row is None:
                return None
            items = {table: cur.execute(pg_sql(article_items_sql(table, cols)),
                                        (article_id,)).fetchall()
                     for table, cols, *_ in ITEM_TABLES}
        return article_view(row, items)


__all__ = ["PostGISStore"]
