"""Where the database is, and opening it: ``--db``, else ``$GEO_DB``, else the default file
(``geo.config``). A path or ``sqlite://`` URL opens a ``SQLiteStore``, a ``postgresql://`` URL a
``PostGISStore`` (``geo.store.postgis``, imported only then)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Union

from geo import config
from geo.store.base import Store, StoreError
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
    if is_server_url(value):
        return value
    if "://" in value:
        scheme = value.split("://", 1)[0]
        raise ValueError(f"unsupported database URL scheme {scheme!r}: expected a path, "
                         "sqlite:///path or postgresql://...")
    return str(Path(value).expanduser())


def open_store(url_or_path: Union[str, os.PathLike, None] = None, *,
               read_only: bool = False, create: bool = True) -> Store:
    """The store at ``url_or_path`` (see ``resolve_db``), opened (and created or migrated):
    SQLite for a path, PostgreSQL + PostGIS for a ``postgresql://USER@HOST[:PORT]/DB`` URL
    (the database is created when it does not exist; ``StoreError`` with what to do when the
    server cannot be reached or has no PostGIS). A damaged SQLite file, or another
    application's, is refused with ``StoreError``.

    ``read_only``: read it as it is (nothing created or migrated; every write raises
    ``StoreError``, ``Store.check_writable`` says so before any work). A SQLite store whose
    file or folder the user may not write is opened read-only anyway.

    ``create=False``: a SQLite file that does not exist is a ``StoreError``, not a new store
    (for commands that only change what is stored)."""
    location = resolve_db(url_or_path)
    if not create and location != ":memory:" and not is_server_url(location) \
            and not Path(location).exists():
        raise StoreError(f"no store at {location} (choose one with --db or $GEO_DB)")
    if is_server_url(location):
        from geo.store.postgis import PostGISStore

        return PostGISStore(location, read_only=read_only)
    return SQLiteStore(location, read_only=read_only)


def is_server_url(location: str) -> bool:
    """Whether a resolved location names a PostgreSQL server rather than a SQLite file."""
    return location.startswith(("postgresql://", "postgres://", "postgresql+"))
