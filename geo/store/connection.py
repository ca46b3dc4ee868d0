"""What the two SQL backends do alike: ``Store`` over one DB-API connection (``self._conn``)
guarded by one re-entrant lock (``self._lock``), with the shared SQL of ``geo.store.rows`` and
``geo.store.items_sql``. A backend sets both in its ``__init__`` and supplies ``_frame`` (a
query's rows as a frame) and, when its placeholders are not ``?``, ``_sql``."""
from __future__ import annotations

from typing import Any, Callable, Iterable, Optional, Sequence

import pandas as pd

from geo.records import Extraction
from geo.store.base import SchemaVersionError, Store
from geo.store.schema import SCHEMA_VERSION
from geo.store.items_sql import (TEXTS_BATCH, map_items_query, texts_sql, typed, valid_kinds,
                                 with_sentences)
from geo.store.base import StoreError
from geo.store.rows import (ARTICLES_SQL, BIN_SQL, BIN_UPDATE_SQL, CONFLICT_FIX_UPSERT_SQL,
                            CONFLICT_FIXES_SQL, DATE_RANGE_SQL, EMPTY_BIN_SQL, HAS_SQL, LIVE,
                            PARTIES_SQL, RESTORE_UPDATE_SQL, SOURCES_SQL, VERSION_SQL,
                            bin_marks, checked_conflict, extraction_of, parties_of, utc_now,
                            wanted_signatures)

# ``work(execute)`` for ``_transaction``: runs its statements through ``execute(sql, params)``
# (shared SQL, ``?`` marks; returns the cursor) and returns (its answer, whether it changed
# anything).
Work = Callable[[Callable[..., Any]], tuple[Any, bool]]


class ConnectionStore(Store):
    @staticmethod
    def _sql(sql: str) -> str:
        """The shared SQL (written with ``?`` placeholders) as this backend's driver takes it."""
        return sql

    def _frame(self, sql: str, params: Optional[tuple] = None) -> pd.DataFrame:
        raise NotImplementedError

    def _transaction(self, work: Work, failure: str) -> Any:
        """Run ``work`` in one write transaction (the change counter moves when it changed
        something); ``StoreError`` starting with ``failure`` when the database refuses."""
        raise NotImplementedError

    # what the error messages call this store, and an empty database of it
    label: str = "the store"
    EMPTY_WORDS = "empty"

    def _current_version(self) -> Optional[int]:
        raise NotImplementedError

    def _check_version(self, version: Optional[int]) -> None:
        if version is not None and version > SCHEMA_VERSION:
            raise SchemaVersionError(
                f"database {self.label} has schema version {version}, newer than this "
                f"code's {SCHEMA_VERSION}: upgrade the code")

    def _check_read_only_schema(self) -> None:
        """A read-only store is read as it is: it must be of this code's schema."""
        version = self._current_version()
        self._check_version(version)
        if version != SCHEMA_VERSION:
            raise StoreError(
                f"{self.read_only_reason}; it is " + (
                    self.EMPTY_WORDS if version is None else f"of schema version {version}, "
                    f"older than this code's {SCHEMA_VERSION}") + ": open it once writable to "
                "create or migrate it")

    def version(self) -> int:
        with self._lock:
            return self._conn.execute(VERSION_SQL).fetchone()[0]

    def _has(self, article_id: str) -> bool:
        return self._conn.execute(self._sql(HAS_SQL), (article_id,)).fetchone() is not None

    def has(self, article_id: str) -> bool:
        with self._lock:
            return self._has(article_id)

    def __len__(self) -> int:
        with self._lock:
            return self._conn.execute(f"SELECT COUNT(*) FROM articles WHERE {LIVE}").fetchone()[0]

    def query(self, kinds: Optional[Iterable[str]] = None, *, date_from: Optional[str] = None,
              date_to: Optional[str] = None, include_undated: bool = True,
              parties: Iterable[str] = (), bbox: Optional[Sequence[float]] = None
              ) -> pd.DataFrame:
        """Every stored item of ``kinds`` ('place', 'casualty', 'claim'; None: all) as a frame
        with exactly ``MAP_COLUMNS``: resolved place mentions, casualty figures and claims
        (with or without coordinates), with their article's provenance and the user's
        corrections applied. No filter: ``geo.report.filters.filter_frame`` decides what a
        view shows; the keywords push filters down (``map_items_query``)."""
        sql, params = map_items_query(valid_kinds(kinds), date_from=date_from, date_to=date_to,
                                      include_undated=include_undated, parties=parties,
                                      bbox=bbox)
        return typed(with_sentences(self._frame(self._sql(sql), tuple(params)), self._texts))

    def _texts(self, article_ids: list[str]) -> dict[str, str]:
        out = {}
        with self._lock:
            for i in range(0, len(article_ids), TEXTS_BATCH):
                ids = article_ids[i:i + TEXTS_BATCH]
                out.update((r[0], r[1]) for r in
                           self._conn.execute(self._sql(texts_sql(len(ids))), ids).fetchall())
        return out

    def articles(self) -> pd.DataFrame:
        return self._frame(ARTICLES_SQL)

    def get_extraction(self, article_id: str) -> Optional[Extraction]:
        return extraction_of(self.article(article_id))

    def parties_in_use(self, known: Optional[Iterable[str]] = None) -> list[str]:
        """The party ids the stored items name, for the party filter: victims' parties,
        actors, claimants, targets, and the sources (``reported_by``) that are parties.

        ``reported_by`` holds a party id or, when the source names no party, a free-text
        phrase ("activists", "local officials"): such a value counts only if it is in
        ``known`` (party ids; default: the ids of ``geo.parties.load_parties()``) or is used
        as a party elsewhere (a victims' party, claimant or target).
        """
        with self._lock:
            ids = [r[0] for r in self._conn.execute(PARTIES_SQL)]
            sources = [r[0] for r in self._conn.execute(SOURCES_SQL)]
        return parties_of(ids, sources, known)

    def signatures(self, article_ids: Optional[Iterable[str]] = None) -> dict[str, str]:
        """Article id -> rewrite signature (``geo.fingerprints``), for all or the given articles."""
        with self._lock:
            rows = self._conn.execute(f"SELECT id, signature FROM articles WHERE {LIVE}").fetchall()
        return wanted_signatures(rows, article_ids)

    def date_range(self) -> tuple[Optional[str], Optional[str]]:
        """Earliest and latest date over articles and items; (None, None) when nothing is dated."""
        with self._lock:
            lo, hi = self._conn.execute(DATE_RANGE_SQL).fetchone()
        return lo, hi

    # -- a conflict correction (the others are each backend's) ----------------------------

    def correct_conflict(self, article_id: str, conflict: str) -> int:
        """Put one article (and so its items) in ``conflict`` (an id of
        ``data/conflicts.csv``, or "other"), whatever ``geo.report.conflicts`` assigns it;
        a second correction of the article replaces the first. Returns the fix's id."""
        conflict = checked_conflict(conflict)

        def work(execute):
            if execute(HAS_SQL, (article_id,)).fetchone() is None:
                raise StoreError(f"no article {article_id!r} in the store")
            execute(CONFLICT_FIX_UPSERT_SQL, (article_id, conflict, utc_now()))
            row = execute("SELECT id FROM conflict_fixes WHERE article_id = ?",
                          (article_id,)).fetchone()
            return row[0], True
        return self._transaction(work, "could not save the correction")

    def conflict_fixes(self) -> dict[str, str]:
        """Article id -> the conflict a user put it in."""
        with self._lock:
            rows = self._conn.execute(CONFLICT_FIXES_SQL).fetchall()
        return {r[0]: r[1] for r in rows}

    # -- the bin ------------------------------------------------------------------------------

    def bin(self, article_ids: Iterable[str]) -> list[str]:
        """Move articles (with their places, figures, claims and corrections) to the bin, in
        one transaction: no view, toll or export reads them until they are restored. Returns
        the ids moved (those stored and not in the bin already), in the order given."""
        return self._bin_update(BIN_UPDATE_SQL, article_ids, (utc_now(),),
                                "could not move the articles to the bin")

    def restore(self, article_ids: Iterable[str]) -> list[str]:
        """Bring articles back from the bin, in one transaction: the ids restored."""
        return self._bin_update(RESTORE_UPDATE_SQL, article_ids, (),
                                "could not restore the articles")

    def _bin_update(self, sql: str, article_ids: Iterable[str], first: tuple,
                    failure: str) -> list[str]:
        ids = list(dict.fromkeys(str(i) for i in article_ids))
        if not ids:
            return []

        def work(execute):
            done = {r[0] for r in execute(sql.format(bin_marks(ids)) + " RETURNING id",
                                          (*first, *ids)).fetchall()}
            return [i for i in ids if i in done], bool(done)
        return self._transaction(work, failure)

    def binned(self) -> pd.DataFrame:
        """The articles in the bin, most recently binned first: the ``articles()`` columns
        and ``binned_at``."""
        return self._frame(BIN_SQL)

    def empty_bin(self, article_ids: Optional[Iterable[str]] = None) -> int:
        """Delete for good the articles in the bin (all, or those of ``article_ids``), with
        their items and corrections, in one transaction. Returns how many."""
        ids = None if article_ids is None else list(dict.fromkeys(map(str, article_ids)))
        if ids == []:
            return 0
        sql = EMPTY_BIN_SQL + ("" if ids is None else f" AND id IN ({bin_marks(ids)})")

        def work(execute):
            n = execute(sql, tuple(ids or ())).rowcount
            return n, n > 0
        return self._transaction(work, "could not empty the bin")

    def close(self) -> None:
        with self._lock:
            self._conn.close()


__all__ = ["ConnectionStore"]
