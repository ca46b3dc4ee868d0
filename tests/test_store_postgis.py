"""What only the PostgreSQL + PostGIS store has: geometry and its spatial index, the server's
failures said in one line, migration, isolation between connections, and the same answers as
SQLite. The shared suite (``tests/test_store.py``, ``tests/test_corrections.py``) runs on both
backends; these tests skip without a server (and fail in CI, see ``tests/conftest.py``)."""
from __future__ import annotations

import threading

import pandas as pd
import pytest

from geo.store import StoreError, open_store
from geo.store.schema import SCHEMA_VERSION
from tests.conftest import admin_connection, database_url, drop_database, random_name
from tests.test_store import make_extraction


@pytest.fixture
def pg(postgis_url):
    with open_store(postgis_url) as s:
        yield s


def test_open_store_gives_the_postgis_store(postgis_url, monkeypatch):
    from geo.store.postgis import PostGISStore

    monkeypatch.setenv("GEO_DB", postgis_url)
    with open_store() as s:  # $GEO_DB, as the dashboard and the CLI read it
        assert isinstance(s, PostGISStore) and s.schema_version == SCHEMA_VERSION
    sqlalchemy_style = postgis_url.replace("postgresql://", "postgresql+psycopg://")
    with open_store(sqlalchemy_style) as s:
        assert isinstance(s, PostGISStore)


def test_places_have_point_geometry_with_a_spatial_index(pg):
    pg.add(make_extraction())
    columns = pg._conn.execute(
        "SELECT f_table_name, type, srid FROM geometry_columns"
        " WHERE f_table_schema = current_schema() ORDER BY f_table_name").fetchall()
    assert columns == [("casualties", "POINT", 4326), ("claims", "POINT", 4326),
                       ("places", "POINT", 4326)]
    indexes = {name: sql for name, sql in pg._conn.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()")}
    for table in ("places", "casualties", "claims"):
        assert "USING gist (geom)" in indexes[f"{table}_geom"], indexes[f"{table}_geom"]
    # the geometry follows lon/lat; unresolved mentions have none
    rows = pg._conn.execute("SELECT name, ST_X(geom), ST_Y(geom) FROM places ORDER BY idx"
                            ).fetchall()
    assert rows == [("Hadrut", 47.03, 39.52), ("Armenia", None, None)]
    inside = pg._conn.execute(
        "SELECT count(*) FROM places WHERE geom && ST_MakeEnvelope(47, 39, 48, 40, 4326)"
    ).fetchone()[0]
    assert inside == 1
    pg._conn.execute("SET enable_seqscan = off")  # on 2 rows the planner would scan anyway
    plan = "\n".join(r[0] for r in pg._conn.execute(
        "EXPLAIN SELECT 1 FROM places WHERE geom && ST_MakeEnvelope(47, 39, 48, 40, 4326)"))
    pg._conn.execute("RESET enable_seqscan")
    assert "places_geom" in plan


def test_a_new_database_is_created_with_postgis():
    name = random_name()
    try:
        with open_store(database_url(name)) as s:  # like a new SQLite file
            assert s.schema_version == SCHEMA_VERSION and s.add(make_extraction()) == "ok"
            assert s._conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'"
                                   ).fetchone()
        with open_store(database_url(name)) as s:
            assert s.has("a1")
    finally:
        drop_database(name)


def test_missing_postgis_is_one_line_that_says_what_to_do(postgis_url, monkeypatch):
    import geo.store.postgis

    # a server without the extension: ask for one no server has
    monkeypatch.setattr(geo.store.postgis, "POSTGIS_EXTENSION", "postgis_not_installed")
    with pytest.raises(StoreError, match="PostGIS is missing") as err:
        open_store(postgis_url)
    assert "postgresql-15-postgis-3" in str(err.value) and "\n" not in str(err.value)
    assert "secret" not in str(err.value)
    # nothing was created
    monkeypatch.undo()
    with admin_connection() as conn:
        assert conn.execute("SELECT 1").fetchone()
    with open_store(postgis_url) as s:
        assert s.query().empty


def test_an_older_schema_is_migrated(postgis_url):
    with open_store(postgis_url) as s:
        s.add(make_extraction("old"))
        # what a version-3 database lacked
        s._conn.execute("ALTER TABLE casualties DROP COLUMN figure_kind")
        s._conn.execute("ALTER TABLE articles DROP COLUMN signature")
        s._conn.execute("ALTER TABLE articles DROP COLUMN binned_at")  # version 7's bin
        for table in ("places", "casualties", "claims"):  # (tests/test_store_sentences.py)
            s._conn.execute(f"ALTER TABLE {table} DROP COLUMN sentence_len")
        s._conn.execute("DELETE FROM schema_version")
        s._conn.execute("INSERT INTO schema_version (version) VALUES (3)")
    with open_store(postgis_url) as s:
        assert s.schema_version == SCHEMA_VERSION
        assert s.get_extraction("old").casualties[0].figure_kind is None
        assert s.article("old")["signature"]  # computed for the articles stored before
        assert s.signatures(["old"])["old"] == s.article("old")["signature"]
        assert s.add(make_extraction("new")) == "ok"
    with open_store(postgis_url) as s:  # reopening migrates nothing twice
        assert s._conn.execute("SELECT COUNT(*) FROM schema_version WHERE version = %s",
                               (SCHEMA_VERSION,)).fetchone()[0] == 1


def test_readers_never_see_half_an_article_and_are_not_blocked(postgis_url):
    with open_store(postgis_url) as writer, open_store(postgis_url) as reader:
        with writer._conn.transaction():  # an ingest in the middle of one article
            writer._conn.execute("INSERT INTO articles (id, text, ingested_at)"
                                 " VALUES ('half', 'x', 'now')")
            with open_store(postgis_url) as late:  # the dashboard opens meanwhile
                assert late.query().empty and not late.has("half")
            assert not reader.has("half") and reader.articles().empty
        assert reader.has("half")


def test_two_writers_store_one_article_once(postgis_url):
    results = []
    stores = [open_store(postgis_url) for _ in range(2)]
    try:
        threads = [threading.Thread(target=lambda s=s: results.append(s.add(make_extraction())))
                   for s in stores]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results) == ["duplicate", "ok"]
        assert len(stores[0]) == 1 and len(stores[0].query()) == 3
    finally:
        for s in stores:
            s.close()


def _race(postgis_url, extractions):
    """``add`` of each extraction, each from its own store (connection), all at once."""
    stores = [open_store(postgis_url) for _ in extractions]
    start = threading.Barrier(len(stores))
    results = {}

    def write(i):
        start.wait()
        results[i] = stores[i].add(extractions[i])

    try:
        threads = [threading.Thread(target=write, args=(i,)) for i in range(len(stores))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return [results[i] for i in range(len(stores))], stores[0].articles()
    finally:
        for s in stores:
            s.close()


def test_two_writers_of_one_text_under_two_ids_store_it_once(postgis_url):
    for round_ in range(3):
        ex = make_extraction(f"r{round_}")
        copy = make_extraction(f"r{round_}")
        copy.article.id = f"copy-{round_}"
        results, articles = _race(postgis_url, [ex, copy])
        assert sorted(results) == ["duplicate", "ok"]
        assert len(articles) == round_ + 1


def test_two_writers_of_two_texts_under_one_id_keep_both(postgis_url):
    ex, other = make_extraction("same"), make_extraction("same")
    other.article.text += " Another paragraph."
    results, articles = _race(postgis_url, [ex, other])
    assert sorted(results) == ["ok", "renamed"] and len(articles) == 2
    renamed = next(r for r in results if r == "renamed")
    assert set(articles["id"]) == {"same", renamed.article_id}


def _fill(store):
    store.add(make_extraction("b2", "2020-10-05", party="Armenia", claimant="Russia",
                              target="Azerbaijan"))
    store.add(make_extraction("A1", "2020-09-28"))
    store.add(make_extraction("a3", None, party="Ukraine", claimant="Ukraine", target=None))
    store.correct_place("Hadrut", lat=39.5, lon=47.0, article_id="b2")
    store.correct_place("armenia", lat=40.07, lon=45.04, precision="country",
                        resolved_name="Armenia")
    casualty = store.query(kinds=["casualty"]).set_index("article_id").loc["A1"]
    store.correct_party("casualty", int(casualty["item_id"]), "russia")


def test_both_backends_give_the_same_frames(tmp_path, postgis_url):
    with open_store(tmp_path / "geo.sqlite") as lite, open_store(postgis_url) as pg:
        for store in (lite, pg):
            _fill(store)
        for kinds in (None, ["claim", "place"], ["casualty"], ["claim", "casualty", "place"]):
            pd.testing.assert_frame_equal(lite.query(kinds), pg.query(kinds))
        pd.testing.assert_frame_equal(lite.articles(), pg.articles())
        # newest first: the same order when made in the same second (not always so here)
        fixes = [s.corrections().drop(columns="created_at").sort_values("id", ignore_index=True)
                 for s in (lite, pg)]
        pd.testing.assert_frame_equal(*fixes)
        assert lite.parties_in_use() == pg.parties_in_use()
        assert lite.date_range() == pg.date_range()
        assert lite.signatures() == pg.signatures()
        for article_id in ("A1", "b2", "a3"):
            one, other = lite.article(article_id), pg.article(article_id)
            assert one.pop("ingested_at") and other.pop("ingested_at")
            assert one == other
    with open_store(tmp_path / "empty.sqlite") as lite, open_store(postgis_url) as pg:
        for article_id in ("A1", "b2", "a3"):
            pg.delete(article_id)
        pd.testing.assert_frame_equal(lite.query(), pg.query())
        pd.testing.assert_frame_equal(lite.articles(), pg.articles())


def test_the_cli_exports_from_a_postgis_store(postgis_url, tmp_path):
    from geo.cli import main
    from tests.test_cli import _small_store

    _small_store(postgis_url)
    out = tmp_path / "items.csv"
    assert main(["export", "--format", "csv", "--out", str(out), "--db", postgis_url,
                 "--party", "russia"]) == 0
    exported = pd.read_csv(out)
    assert set(zip(exported["kind"], exported["article_id"])) == {("casualty", "b"),
                                                                 ("claim", "b"),
                                                                 ("place", "b")}


def test_the_cli_says_when_the_server_is_down(tmp_path, capsys):
    from geo.cli import main

    code = main(["export", "--format", "csv", "--out", str(tmp_path / "x.csv"),
                 "--db", "postgresql://postgres@127.0.0.1:1/geo"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith("error: cannot connect to PostgreSQL at 127.0.0.1:1/geo")
    assert len(err.splitlines()) == 1
