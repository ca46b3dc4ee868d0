"""Where the database is, and opening it: ``--db``, else ``$GEO_DB``, else the default file
(``geo.config``); SQLite today (``SQLiteStore``), ``postgresql://`` recognised and refused."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Union

from geo import config
from geo.store.base import Store
from geo.store.sqlite import SQLiteStore


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


def open_store(url_or_path: Union[str, os.PathLike, None] = None) -> Store:
    """The store at ``url_or_path`` (see ``resolve_db``), opened (and created or migrated)."""
    location = resolve_db(url_or_path)
    if location.startswith(("postgresql", "postgres://")):
        raise NotImplementedError(
            "PostGIS store not implemented yet: use a SQLite path or sqlite:///path "
            f"(got {location.split('@')[-1]!r})")
    return SQLiteStore(location)
