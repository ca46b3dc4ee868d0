"""What the two SQL backends do alike: ``Store`` over one DB-API connection (``self._conn``)
guarded by one re-entrant lock (``self._lock``), with the shared SQL of ``geo.store.rows`` and
``geo.store.items_sql``. A backend sets both in its ``__init__`` and supplies ``_frame`` (a
query's rows as a frame) and, when its placeholders are not ``?``, ``_sql``."""
from __future__ import annotations

from typing import Iterable, Optional, Sequence

import pandas as pd

from geo.records import Extraction
from geo.store.base import Store
from geo.store.items_sql import (TEXTS_BATCH, map_items_query, texts_sql, typed, valid_kinds,
                                 with_sentences)
from geo.store.rows import (ARTICLES_SQL, DATE_RANGE_SQL, HAS_SQL, PARTIES_SQL, SOURCES_SQL,
                            VERSION_SQL, extraction_of, parties_of, wanted_signatures)


class ConnectionStore(Store):
    @staticmethod
    def _sql(sql: str) -> str:
        """The shared SQL (written with ``?`` placeholders) as this backend's driver takes it."""
        return sql

    def _frame(self, sql: str, params: Optional[tuple] = None) -> pd.DataFrame:
        raise NotImplementedError

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
            return self._conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

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
        claimants, targets, and the sources (``reported_by``) that are parties.

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
            rows = self._conn.execute("SELECT id, signature FROM articles").fetchall()
        return wanted_signatures(rows, article_ids)

    def date_range(self) -> tuple[Optional[str], Optional[str]]:
        """Earliest and latest date over articles and items; (None, None) when nothing is dated."""
        with self._lock:
            lo, hi = self._conn.execute(DATE_RANGE_SQL).fetchone()
        return lo, hi

    def close(self) -> None:
        with self._lock:
            self._conn.close()


__all__ = ["ConnectionStore"]
