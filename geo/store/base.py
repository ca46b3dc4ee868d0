"""The store's interface and where the database is.

``Store`` is what the commands and the dashboard use; ``open_store()`` picks the database
(``--db``, else ``$GEO_DB``, else the default file; see ``geo.config``) and its implementation:
``geo.store.sqlite.SQLiteStore`` today. One article is one transaction: ``add()`` writes the
article and all its items or nothing.
"""
from __future__ import annotations

import os
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, Iterable, Optional, Union

import pandas as pd

from geo import config
from geo.records import Extraction

class StoreError(Exception):
    """The store could not do what was asked; the database is left as it was."""


class SchemaVersionError(StoreError):
    pass


# --------------------------------------------------------------------------------------------
# Where the database is


def resolve_db(url_or_path: Union[str, os.PathLike, None] = None) -> str:
    """The database location every command and the dashboard use.

    Order: the argument, else ``$GEO_DB``, else ``geo.config.state_dir()/geo.sqlite``. A plain path or a
    ``sqlite:///relative`` / ``sqlite:////absolute`` URL gives a file path; ``:memory:`` and
    ``sqlite://`` give ``:memory:``; ``postgresql://`` URLs are returned unchanged.
    """
    value = config.db_location(None if url_or_path in (None, "") else os.fspath(url_or_path))
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
    from geo.store.sqlite import SQLiteStore  # the implementation imports this interface

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
    def delete(self, article_id: str) -> bool: ...

    @abstractmethod
    def query(self, date_from: Optional[str] = None, date_to: Optional[str] = None,
              parties: Optional[Iterable[str]] = None,
              kinds: Optional[Iterable[str]] = None,
              include_undated: bool = False) -> pd.DataFrame: ...

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
