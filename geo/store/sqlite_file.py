"""Checks on a SQLite store file before ``SQLiteStore`` uses it (issue 16, item 8): a damaged
file is refused with what to do and never written; another application's SQLite file is
refused and never gets our tables; a store the user may not write (file or folder) is opened
read-only, so reading works and the first write fails at once with one clear message.

Read-only opening: ``mode=ro`` when only the file is read-only (SQLite still creates its WAL
index, ``-shm``, beside it). A read-only folder cannot hold a new ``-shm``: then the file is
opened ``immutable=1`` (SQLite reads it without locks, trusting that nobody writes it
meanwhile), unless a ``-wal`` file is there (a writer is at work, or crashed), whose changes
only ``mode=ro`` sees.
"""
from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from geo.store.base import StoreError

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_BYTES = 100
# The tables every conflict-map store has had since version 1.
OWN_TABLES = frozenset({"schema_version", "articles"})
REBUILD_HINT = ("restore a backup, or rebuild the store from the articles with "
                "`python -m geo ingest FOLDER --db NEW.sqlite`")


@dataclass(frozen=True)
class Opening:
    """How to open a store file: ``target`` for ``sqlite3.connect`` (a URI when ``uri``)."""
    target: str
    uri: bool = False
    read_only: bool = False
    reason: str = ""  # why it is read-only, for the message a write gets


def damaged(path: str, detail: str, doing: str = "cannot open database") -> StoreError:
    return StoreError(f"{doing} {path}: it is damaged or not a SQLite database "
                      f"({detail}); nothing was written to it: {REBUILD_HINT}")


def open_error(path: str, err: sqlite3.Error,
               doing: str = "cannot open database") -> StoreError:
    """The ``StoreError`` of an error SQLite gave while opening ``path``: ``damaged`` for a
    corrupt file or one that is no database, else the error as it is (a lock, the disk)."""
    if getattr(err, "sqlite_errorname", "").startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return damaged(path, str(err), doing)
    return StoreError(f"{doing} {path}: {err}")


def check_header(path: str) -> None:
    """``StoreError`` (``damaged``) unless ``path`` is missing, empty (a new database) or starts
    with a SQLite header whose page count fits the file (a truncated copy does not)."""
    try:
        size = os.path.getsize(path)
        if size == 0:
            return
        with open(path, "rb") as f:
            head = f.read(HEADER_BYTES)
    except FileNotFoundError:
        return
    except OSError as err:
        raise StoreError(f"cannot open database {path}: {err.strerror or err}") from err
    if len(head) < HEADER_BYTES or not head.startswith(SQLITE_MAGIC):
        raise damaged(path, "no SQLite header")
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    # the header's page count is valid when its "version valid for" matches the change counter
    if head[92:96] == head[24:28] and pages * page_size > size:
        raise damaged(path, f"truncated: {size:,} bytes of {pages * page_size:,}")


def opening(path: str, read_only: bool = False) -> Opening:
    """How to open the store at ``path``: read-write, or read-only when asked or when the file
    or its folder may not be written (``os.access``: root may write anything, so only an
    explicit ``read_only`` makes root's store read-only)."""
    if path == ":memory:":
        if read_only:
            raise StoreError("an in-memory store cannot be opened read-only")
        return Opening(path)
    file = Path(path)
    folder = next((f for f in file.absolute().parents if f.exists()), file.parent)
    folder_ro = not os.access(folder, os.W_OK)  # a folder to make: the one it goes in
    file_ro = file.exists() and not os.access(file, os.W_OK)
    if not (read_only or folder_ro or file_ro):
        return Opening(path)
    if not file.exists():
        raise StoreError(f"cannot open database {path}: it does not exist"
                         + (" and its folder is read-only" if folder_ro else
                            " (a read-only store must exist)"))
    if read_only:
        reason = "it was opened read-only"
    else:
        reason = "the file is read-only" if file_ro else "its folder is read-only"
    reason = f"database {path} is read-only ({reason}): nothing can be stored or corrected in it"
    wal = Path(f"{path}-wal")
    immutable = folder_ro and not (wal.exists() and wal.stat().st_size > 0)
    target = ("file:" + quote(str(file.resolve())) + "?mode=ro"
              + ("&immutable=1" if immutable else ""))
    return Opening(target, uri=True, read_only=True, reason=reason)


def check_tables(conn: sqlite3.Connection, path: str) -> None:
    """``StoreError`` when ``path`` is unreadable (damaged) or holds another application's
    tables (it has tables, but not ours); nothing is written either way."""
    try:
        tables = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.Error as err:
        raise open_error(path, err) from err
    if tables and not OWN_TABLES <= tables:
        shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
        raise StoreError(f"database {path} is not a conflict-map store: it holds another "
                         f"application's tables ({shown}); nothing was changed in it: choose "
                         "another file with --db or $GEO_DB")


def quick_check(conn: sqlite3.Connection, path: str) -> None:
    """SQLite's ``PRAGMA quick_check`` (reads every page: ~0.3 s per 65 MB), ``damaged`` when
    it finds a fault. ``SQLiteStore`` runs it once, before its first write."""
    doing = "refusing to write to database"
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check(3)")]
    except sqlite3.Error as err:
        raise open_error(path, err, doing) from err
    if rows != ["ok"]:
        raise damaged(path, "; ".join(" ".join(str(r).split()) for r in rows), doing)


__all__ = ["Opening", "check_header", "check_tables", "damaged", "open_error", "opening",
           "quick_check"]
