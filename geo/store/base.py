"""The store's interface (``Store``, what the commands and the dashboard use) and its errors.
One article is one transaction: ``add()`` writes the article and all its items or nothing.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Iterable, Optional, Sequence

import pandas as pd

from geo.records import Extraction


class StoreError(Exception):
    """The store could not do what was asked; the database is left as it was."""


class SchemaVersionError(StoreError):
    pass


class Store(ABC):
    """What the commands and the dashboard need from a store."""

    @abstractmethod
    def add(self, extraction: Extraction) -> str:
        """'ok' or 'duplicate' (same article id already stored: nothing changes)."""

    @abstractmethod
    def has(self, article_id: str) -> bool: ...

    @abstractmethod
    def delete(self, article_id: str) -> bool: ...

    @abstractmethod
    def query(self, kinds: Optional[Iterable[str]] = None, *, date_from: Optional[str] = None,
              date_to: Optional[str] = None, include_undated: bool = True,
              parties: Iterable[str] = (), bbox: Optional[Sequence[float]] = None
              ) -> pd.DataFrame:
        """Every stored item of ``kinds`` (None: all) as ``records.MAP_COLUMNS`` rows, the
        user's corrections applied. Unfiltered by default: the views filter the frame. The
        keywords push the date, party and map-extent filters down into the database
        (``geo.store.items_sql.map_items_query`` says how), for stores too large to read whole."""

    @abstractmethod
    def articles(self) -> pd.DataFrame: ...

    @abstractmethod
    def article(self, article_id: str) -> Optional[dict]: ...

    @abstractmethod
    def get_extraction(self, article_id: str) -> Optional[Extraction]: ...

    @abstractmethod
    def parties_in_use(self, known: Optional[Iterable[str]] = None) -> list[str]: ...

    @abstractmethod
    def date_range(self) -> tuple[Optional[str], Optional[str]]: ...

    @abstractmethod
    def signatures(self, article_ids: Optional[Iterable[str]] = None) -> dict[str, str]:
        """Article id -> rewrite signature (``geo.fingerprints``)."""

    # a user's corrections, applied by ``query`` (see ``SQLiteStore``)
    @abstractmethod
    def correct_place(self, name: str, *, lat: float, lon: float,
                      resolved_name: Optional[str] = None, precision: str = "city",
                      country_code: Optional[str] = None, admin1: Optional[str] = None,
                      article_id: Optional[str] = None) -> int: ...

    @abstractmethod
    def correct_party(self, kind: str, item_id: int, party: Optional[str]) -> int: ...

    @abstractmethod
    def corrections(self) -> pd.DataFrame: ...

    @abstractmethod
    def remove_correction(self, correction_id: str) -> bool: ...

    @abstractmethod
    def version(self) -> int:
        """A number that changes whenever the stored content does (cache key)."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
