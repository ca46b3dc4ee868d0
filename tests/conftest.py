"""Shared fixtures. Tests never read the development folder beside the project: fixtures
live in tests/fixtures/."""
from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SEED_NAME = "000_6b9e2fcaa4d74d82"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return FIXTURES / f"{SEED_NAME}.txt"


@pytest.fixture(scope="session")
def seed_text(seed_path) -> str:
    return seed_path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def gold() -> dict:
    return json.loads((FIXTURES / f"{SEED_NAME}.gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def gazetteer():
    """The offline gazetteer index (built on first use)."""
    from geo.places import load_gazetteer

    return load_gazetteer()


@pytest.fixture(scope="session")
def nlp(gazetteer):
    """The place pipeline: spaCy's model plus the gazetteer phrase matcher."""
    from geo.places import load_place_pipeline

    return load_place_pipeline(gazetteer)


# --- the store's backends: every test that takes ``store`` / ``store_url`` runs on both -------

# The PostgreSQL server the PostGIS tests use (a superuser, to create a database and PostGIS).
PG_ADMIN_URL = os.environ.get("GEO_TEST_POSTGRES",
                              "postgresql://postgres@127.0.0.1:5432/postgres")


def _postgis_problem() -> str:
    """Why the PostGIS tests cannot run here, or ''."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install -r requirements.txt)"
    try:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
            found = conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'"
                                 ).fetchone()
    except psycopg.Error as err:
        return (f"no PostgreSQL server reachable at {PG_ADMIN_URL.split('@')[-1]} "
                f"({' '.join(str(err).split())}); set GEO_TEST_POSTGRES to a server's URL")
    if not found:
        return ("PostGIS is not installed on the PostgreSQL server at "
                f"{PG_ADMIN_URL.split('@')[-1]}: run scripts/install.sh "
                "(Debian's postgresql-15-postgis-3)")
    return ""


def admin_connection(dbname: str = None):
    """An autocommit connection to the test server (to ``dbname``, default the admin one)."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    url = make_conninfo(PG_ADMIN_URL, dbname=dbname) if dbname else PG_ADMIN_URL
    return psycopg.connect(url, autocommit=True, connect_timeout=5)


def database_url(dbname: str, query: str = "") -> str:
    """The test server's URL for database ``dbname`` (``GEO_TEST_POSTGRES`` is a URL)."""
    parts = urlsplit(PG_ADMIN_URL)
    return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, query, ""))


def drop_database(name: str) -> None:
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def random_name() -> str:
    return f"geo_test_{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def postgis_database():
    """A database with PostGIS for this session (``geo_test_<random>``), dropped at the end, as
    its name. Without a server or PostGIS the PostGIS tests skip, saying why; in CI (``$CI``
    set) they fail instead: CI must test both backends."""
    problem = _postgis_problem()
    if problem:
        message = f"PostGIS store tests cannot run: {problem}"
        if os.environ.get("CI"):
            pytest.fail(message + " ($CI is set: the PostGIS tests must run in CI)")
        pytest.skip(message)
    name = random_name()
    with admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        with admin_connection(name) as conn:
            conn.execute("CREATE EXTENSION postgis")
        yield name
    finally:
        drop_database(name)


@pytest.fixture
def postgis_url(postgis_database):
    """A store URL of its own: a fresh schema (``geo_test_<random>``) of the session's
    database, first on the search path, dropped after the test."""
    schema = random_name()
    with admin_connection(postgis_database) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    yield database_url(postgis_database, f"options=-csearch_path%3D{schema},public")
    with admin_connection(postgis_database) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgis"])
def store_url(request, tmp_path):
    """Where a new, empty store is: a SQLite file, or a PostGIS schema of its own."""
    if request.param == "sqlite":
        return str(tmp_path / "geo.sqlite")
    return request.getfixturevalue("postgis_url")


@pytest.fixture
def store(store_url):
    """An open, empty store, on each backend in turn."""
    from geo.store import open_store

    with open_store(store_url) as s:
        yield s
