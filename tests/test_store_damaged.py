"""Damaged, foreign and read-only stores (issue 16, item 8): the store is checked before
anything is written. A damaged SQLite file and another application's file are refused with one
clear ``StoreError`` and left byte for byte as they were; a read-only store opens read-only,
reads, and refuses every write at once."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

import geo.store.sqlite_file
from geo.store import StoreError, open_store
from geo.store.sqlite_file import opening
from tests.test_store import make_extraction

AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
ROOT_WRITES = "running as root: chmod does not stop root writing (the read_only flag is tested)"


def filled_store(path: Path, n: int = 40) -> Path:
    with open_store(path) as s:
        for i in range(n):
            s.add(make_extraction(f"a{i}"))
    return path


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# ---------------------------------------------------------------- damaged files


@pytest.mark.parametrize("content", [
    os.urandom(8192),
    b"SQLite format 3\x00" + b"\x01" * 5000,  # a header and nothing sane after it
    b"this is not a database, just text " * 50,
], ids=["random", "bad-header", "text"])
def test_a_file_that_is_no_store_is_refused_and_left_alone(tmp_path, content):
    path = tmp_path / "geo.sqlite"
    path.write_bytes(content)
    with pytest.raises(StoreError, match="damaged or not a SQLite database") as err:
        open_store(path)
    message = str(err.value)
    assert "restore a backup" in message and "geo ingest" in message and "\n" not in message
    assert files_of(tmp_path) == {"geo.sqlite": content}  # no byte written, no -wal beside


def test_a_truncated_store_is_refused_on_open(tmp_path):
    path = filled_store(tmp_path / "geo.sqlite")
    data = path.read_bytes()
    assert len(data) > 4 * 4096
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(StoreError, match=r"damaged .*truncated"):
        open_store(path)
    assert files_of(tmp_path) == {"geo.sqlite": data[: len(data) // 2]}


def test_a_damaged_page_is_found_before_the_first_write(tmp_path):
    path = filled_store(tmp_path / "geo.sqlite")
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    last = len(data) - page  # the last page: items of the last articles, not the schema
    data[last:last + page] = os.urandom(page)
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="damaged") as err:
        with open_store(path) as s:  # the schema page is intact: it may open
            s.add(make_extraction("new"))
    assert "nothing was written" in str(err.value)
    assert path.read_bytes() == bytes(data)


# ---------------------------------------------------------------- another application's file


@pytest.mark.parametrize("tables", [
    ["CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)"],
    # its own version table, but not our articles
    ["CREATE TABLE schema_version (version INTEGER)", "CREATE TABLE notes (body TEXT)"],
], ids=["other-tables", "other-version-table"])
def test_another_applications_sqlite_file_is_refused(tmp_path, tables):
    path = tmp_path / "app.sqlite"
    conn = sqlite3.connect(path)
    for sql in tables:
        conn.execute(sql)
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="is not a conflict-map store") as err:
        open_store(path)
    assert "another application's tables" in str(err.value)
    assert path.read_bytes() == before
    conn = sqlite3.connect(path)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    assert "articles" not in names and "places" not in names


def test_an_empty_file_is_a_new_store(tmp_path):
    path = tmp_path / "new.sqlite"
    path.touch()
    with open_store(path) as s:
        assert s.add(make_extraction()) == "ok"


# ---------------------------------------------------------------- read-only stores


def test_a_store_opened_read_only_reads_and_refuses_writes_at_once(tmp_path):
    path = filled_store(tmp_path / "geo.sqlite", n=2)
    before = files_of(tmp_path)
    with open_store(path, read_only=True) as s:
        assert s.read_only and len(s) == 2 and len(s.query()) == 6
        assert s.has("a1") and s.find_same(make_extraction("a1").article) == "a1"
        with pytest.raises(StoreError, match="read-only") as err:
            s.check_writable()  # what the ingest asks before extracting anything
        assert "\n" not in str(err.value) and str(path) in str(err.value)
        for write in (lambda: s.add(make_extraction("new")), lambda: s.delete("a1"),
                      lambda: s.correct_place("Hadrut", lat=1, lon=2)):
            with pytest.raises(StoreError, match="read-only"):
                write()
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            s._conn.execute("DELETE FROM articles")  # SQLite itself refuses too
    assert files_of(tmp_path)["geo.sqlite"] == before["geo.sqlite"]
    with open_store(path) as s:  # still a working store
        assert len(s) == 2 and not s.read_only


def test_read_only_needs_an_existing_store_of_this_version(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        open_store(tmp_path / "none.sqlite", read_only=True)
    assert not (tmp_path / "none.sqlite").exists()
    path = filled_store(tmp_path / "old.sqlite", n=1)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE schema_version SET version = 4")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="open it once writable"):
        open_store(path, read_only=True)


def _not_writable(monkeypatch, *paths: Path) -> None:
    """``os.access`` says ``paths`` may not be written (as it does for a user who may not):
    chmod cannot show it to root."""
    real = os.access
    denied = {str(p) for p in paths}
    monkeypatch.setattr(geo.store.sqlite_file.os, "access",
                        lambda p, mode: (False if mode == os.W_OK and str(p) in denied
                                         else real(p, mode)))


def test_a_read_only_folder_opens_the_store_immutable(tmp_path, monkeypatch):
    path = filled_store(tmp_path / "geo.sqlite", n=2)
    _not_writable(monkeypatch, tmp_path)
    way = opening(str(path))
    assert way.read_only and way.target.endswith("?mode=ro&immutable=1")
    assert "its folder is read-only" in way.reason
    with open_store(path) as s:  # WAL's -shm cannot be made there: immutable, and it reads
        assert s.read_only and len(s.query()) == 6
        with pytest.raises(StoreError, match="folder is read-only"):
            s.add(make_extraction("new"))
    # a -wal beside it (a writer at work): read with mode=ro, which sees its changes
    (tmp_path / "geo.sqlite-wal").write_bytes(b"x")
    assert opening(str(path)).target.endswith("?mode=ro")


def test_a_read_only_file_opens_read_only(tmp_path, monkeypatch):
    path = filled_store(tmp_path / "geo.sqlite", n=2)
    _not_writable(monkeypatch, path)
    with open_store(path) as s:
        assert s.read_only and len(s.query()) == 6
        with pytest.raises(StoreError, match="the file is read-only"):
            s.add(make_extraction("new"))


@pytest.mark.skipif(AS_ROOT, reason=ROOT_WRITES)
def test_chmod_read_only_file_and_folder(tmp_path):
    folder = tmp_path / "store"
    folder.mkdir()
    path = filled_store(folder / "geo.sqlite", n=2)
    path.chmod(0o444)
    try:
        with open_store(path) as s:
            assert s.read_only and len(s.query()) == 6
            with pytest.raises(StoreError, match="the file is read-only"):
                s.add(make_extraction("new"))
        path.chmod(0o644)
        folder.chmod(0o555)
        with open_store(path) as s:
            assert s.read_only and len(s.query()) == 6
            with pytest.raises(StoreError, match="folder is read-only"):
                s.add(make_extraction("new"))
    finally:
        folder.chmod(0o755)
        path.chmod(0o644)


# ---------------------------------------------------------------- PostGIS


def test_postgis_read_only(postgis_url):
    with open_store(postgis_url) as s:
        s.add(make_extraction())
    with open_store(postgis_url, read_only=True) as s:
        assert s.read_only and len(s.query()) == 3
        with pytest.raises(StoreError, match="opened read-only"):
            s.add(make_extraction("new"))
        with pytest.raises(StoreError, match="read-only"):
            s.correct_place("Hadrut", lat=1, lon=2)
        import psycopg

        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            s._conn.execute("DELETE FROM articles")
    with open_store(postgis_url) as s:
        assert len(s) == 1


def test_postgis_schema_of_another_application_is_refused(postgis_url):
    from tests.conftest import admin_connection

    schema = postgis_url.split("search_path%3D")[1].split(",")[0]
    dbname = postgis_url.split("/")[-1].split("?")[0]
    with admin_connection(dbname) as conn:
        conn.execute(f'CREATE TABLE "{schema}".articles (id INTEGER, body TEXT)')
    with pytest.raises(StoreError, match="is not a conflict-map store"):
        open_store(postgis_url)
    with admin_connection(dbname) as conn:
        tables = {r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (schema,))}
    assert tables == {"articles"}
