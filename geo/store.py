"""The store: extractions in SQLite (stdlib ``sqlite3``), behind a small interface.

``open_store()`` picks the database (argument, else ``$GEO_DB``, else ``DATA_DIR/geo.sqlite``);
``Store`` is the interface the commands and the dashboard use, ``SQLiteStore`` the one
implementation so far. A PostGIS class can come later behind the same methods and tests.

One article is one transaction: ``add()`` writes the article and all its items or nothing.
The dashboard reads while ``ingest`` writes, hence WAL mode and a busy timeout.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from abc import ABC, abstractmethod
from dataclasses import fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Optional, Union

import pandas as pd

from . import DATA_DIR
from .articles import content_hash
from .rewrites import text_signature
from .records import MAP_COLUMNS, PRECISIONS, Article, Casualty, Claim, Extraction, Place

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
DEFAULT_DB_NAME = "geo.sqlite"
ENV_VAR = "GEO_DB"
KINDS = ("place", "casualty", "claim")
BUSY_TIMEOUT_MS = 10_000


class StoreError(Exception):
    """The store could not do what was asked; the database is left as it was."""


class SchemaVersionError(StoreError):
    pass


# --------------------------------------------------------------------------------------------
# Where the database is


def resolve_db(url_or_path: Union[str, os.PathLike, None] = None) -> str:
    """The database location every command and the dashboard use.

    Order: the argument, else ``$GEO_DB``, else ``DATA_DIR/geo.sqlite``. A plain path or a
    ``sqlite:///relative`` / ``sqlite:////absolute`` URL gives a file path; ``:memory:`` and
    ``sqlite://`` give ``:memory:``; ``postgresql://`` URLs are returned unchanged.
    """
    value = url_or_path if url_or_path not in (None, "") else os.environ.get(ENV_VAR) or None
    if value is None:
        return str(DATA_DIR / DEFAULT_DB_NAME)
    value = os.fspath(value)
    if value in (":memory:", "sqlite://", "sqlite:///:memory:"):
        return ":memory:"
    if value.startswith("sqlite:///"):
        return str(Path(value[len("sqlite:///"):]).expanduser())
    if value.startswith(("postgresql://", "postgres://", "postgresql+")):
        return value
    if "://" in value:
        scheme = value.split("://", 1)[0]
        raise ValueError(f"unsupported database URL scheme {scheme!r}: expected a path, "
                         "sqlite:///path or postgresql://...")
    return str(Path(value).expanduser())


def open_store(url_or_path: Union[str, os.PathLike, None] = None) -> "Store":
    location = resolve_db(url_or_path)
    if location.startswith(("postgresql", "postgres://")):
        raise NotImplementedError(
            "PostGIS store not implemented yet: use a SQLite path or sqlite:///path "
            f"(got {location.split('@')[-1]!r})")
    return SQLiteStore(location)


# --------------------------------------------------------------------------------------------
# The interface


class Store(ABC):
    """What the commands and the dashboard need from a store."""

    @abstractmethod
    def add(self, extraction: Extraction) -> str:
        """'ok' or 'duplicate' (same article id already stored: nothing changes)."""

    @abstractmethod
    def has(self, article_id: str) -> bool: ...

    @abstractmethod
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
                from .parties import load_parties

                known = {p.id for p in load_parties()}
            known = set(known)
            ids |= {s for s in extra if s in known}
        return sorted(ids)

    def signatures(self, article_ids: Optional[Iterable[str]] = None) -> dict[str, str]:
        """Article id -> rewrite signature (``geo.rewrites``), for all or the given articles."""
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


__all__ = ["Store", "SQLiteStore", "StoreError", "SchemaVersionError", "open_store",
           "resolve_db", "SCHEMA_VERSION", "KINDS"]
