"""The store's interface (``Store``, what the commands and the dashboard use) and its errors.
One article is one transaction: ``add()`` writes the article and all its items or nothing.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Iterable, Optional, Sequence

import pandas as pd

from geo.records import Article, Extraction


class StoreError(Exception):
    """The store could not do what was asked; the database is left as it was."""


class SchemaVersionError(StoreError):
    pass


class Added(str):
    """``Store.add``'s answer: the status, a string ("ok", "renamed" or "duplicate", compared as
    before), with ``article_id``: the id the article is stored under ("renamed": a derived id,
    ``<id>~<8 hex of its content hash>``, because its id holds another text) or, for a
    duplicate, the id of the stored copy; ``reason`` says so in words for the ingest summary."""

    article_id: str
    reason: str

    def __new__(cls, status: str, article_id: str, reason: str = "") -> "Added":
        added = super().__new__(cls, status)
        added.article_id, added.reason = article_id, reason
        return added

    def __reduce__(self):  # crosses process boundaries (geo.parallel) as it is
        return (Added, (str(self), self.article_id, self.reason))


class Store(ABC):
    """What the commands and the dashboard need from a store."""

    # Set by an implementation opened read-only (``open_store(..., read_only=True)``, or a
    # file or folder it may not write): reading works, every write raises ``StoreError``.
    read_only: bool = False
    read_only_reason: str = ""

    @abstractmethod
    def add(self, extraction: Extraction) -> Added:
        """Store the article and its items in one transaction. An article's identity is its
        content (``geo.fingerprints.content_hash`` of the text) and its source:

        * "duplicate": the same text (of the same source, or where either has none) is
          stored already, under any id: nothing changes (``article_id``: the stored copy's);
        * "renamed": the article's id holds another text: it is stored under a derived id
          (``<id>~<8 hex of its hash>``, ``article_id``), the other article is kept;
        * "ok": stored under its own id.

        A read-only store raises ``StoreError`` at once."""

    @abstractmethod
    def find_same(self, article: Article) -> Optional[str]:
        """The id of the stored article with the same content as ``article`` (``add`` would
        call it a duplicate), whatever its id or file name; None when there is none. The
        ingest asks before extracting."""

    def check_writable(self) -> None:
        """``StoreError`` when the store was opened read-only (say it before any work)."""
        if self.read_only:
            raise StoreError(self.read_only_reason or "the store is open read-only")

    @abstractmethod
    def has(self, article_id: str) -> bool: ...

    @abstractmethod
    def delete(self, article_id: str) -> bool:
        """Delete an article and its items for good (no bin). True when it existed."""

    # The bin: a user's delete is recoverable until the bin is emptied. A binned article is
    # out of every view, toll and export (``query``, ``articles``, ``date_range``,
    # ``parties_in_use``, ``signatures``, ``len``), keeps its id (``has``, ``article``), and
    # its text is not stored again (``add`` answers "duplicate", saying it is in the bin).
    @abstractmethod
    def bin(self, article_ids: Iterable[str]) -> list[str]:
        """Move articles to the bin (one transaction); the ids moved."""

    @abstractmethod
    def restore(self, article_ids: Iterable[str]) -> list[str]:
        """Bring articles back from the bin (one transaction); the ids restored."""

    @abstractmethod
    def binned(self) -> pd.DataFrame:
        """The articles in the bin (``articles()``'s columns and ``binned_at``)."""

    @abstractmethod
    def empty_bin(self, article_ids: Optional[Iterable[str]] = None) -> int:
        """Delete the binned articles (all, or those given) for good; how many."""

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
    def correct_conflict(self, article_id: str, conflict: str) -> int:
        """Move one article to another conflict (``geo.report.conflicts``); the fix's id."""

    @abstractmethod
    def conflict_fixes(self) -> dict[str, str]:
        """Article id -> the conflict a user put it in."""

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
