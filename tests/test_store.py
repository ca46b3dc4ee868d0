"""geo.store: resolution of the database, transactions, round trips, map queries. Every test
that takes ``store`` or ``store_url`` (``tests/conftest.py``) runs on SQLite and on PostGIS;
``tests/test_store_postgis.py`` holds what only the server store has."""
from __future__ import annotations

import sqlite3
from dataclasses import fields, replace
from pathlib import Path

import pandas as pd
import pytest

from geo.config import DATA_DIR
from geo.records import MAP_COLUMNS, Article, Casualty, Claim, Extraction, Place
from geo.report import Filters, filter_frame, load_items
from geo.store import SchemaVersionError, StoreError, open_store, resolve_db
from geo.store.schema import (
    CASUALTY_COLUMNS, CLAIM_COLUMNS, PLACE_COLUMNS, SCHEMA_VERSION, STORE_SCHEMA,
)
from geo.store.sqlite import SQLiteStore

TEXT = ("Azerbaijani authorities say 14 civilians were killed. Armenia claimed that a Turkish "
        "jet shot down a plane near Hadrut.")


def make_extraction(id="a1", date="2020-09-30", casualty_date=None, party="Azerbaijan",
                    claimant="Armenia", target="Turkey", reported_by=None,
                    reported_by_text="Azerbaijani authorities", actor=None, actor_text=None,
                    event_type=None) -> Extraction:
    # each id its own text: an article's identity is its content (the same text under two ids
    # is one article, see tests/test_store_identity.py); the items lie in TEXT
    article = Article(id=id, text=f"{TEXT} ({id})", title=f"Title {id}", date=date, source="VG",
                      url=f"https://example.org/{id}", path=f"/tmp/{id}.txt",
                      boilerplate=[(0, 3), (10, 12)])
    return Extraction(
        article=article,
        places=[
            Place("Hadrut", 116, 122, 39.52, 47.03, "city", "AZ", "Xocavand", "Hadrut",
                  "geonames:1", 0.9, "Nagorno-Karabakh"),
            Place("Armenia", 55, 62),  # unresolved: kept in the article, not on the map
        ],
        casualties=[Casualty("killed", 14, "exact", "civilian", party,
                             party if reported_by is None else reported_by, 28, 39,
                             sentence=TEXT[:54], sentence_start=0, place="Azerbaijan",
                             lat=40.1, lon=47.5, date=casualty_date,
                             reported_by_text=reported_by_text, actor=actor,
                             actor_text=actor_text, event_type=event_type)],
        claims=[Claim(claimant, "accusation", target, TEXT[55:], 55, len(TEXT),
                      sentence=TEXT[55:], sentence_start=55)],
    )


def shown(store, include_undated=False, **filters):
    """The items a view shows of ``store`` under ``filters``: the store reads every item, the
    one filter engine (``filter_frame``) decides. Undated items drop out of a date range unless
    asked for."""
    return filter_frame(load_items(store), Filters(include_undated=include_undated, **filters))


@pytest.fixture
def sqlite_store(tmp_path):
    with open_store(tmp_path / "geo.sqlite") as s:
        yield s


def count_rows(store, table: str) -> int:
    return store._conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


# ---------------------------------------------------------------- where the database is


def test_resolve_default(monkeypatch):
    monkeypatch.delenv("GEO_DB", raising=False)
    assert resolve_db() == str(DATA_DIR / "geo.sqlite")


def test_resolve_env_honoured(monkeypatch, tmp_path):
    monkeypatch.setenv("GEO_DB", str(tmp_path / "env.sqlite"))
    assert resolve_db() == str(tmp_path / "env.sqlite")
    assert resolve_db(tmp_path / "arg.sqlite") == str(tmp_path / "arg.sqlite")  # argument wins
    with open_store() as s:
        assert s.path == str(tmp_path / "env.sqlite")
    assert (tmp_path / "env.sqlite").exists()


@pytest.mark.parametrize("given,expected", [
    ("sqlite:///rel/geo.sqlite", "rel/geo.sqlite"),
    ("sqlite:////abs/geo.sqlite", "/abs/geo.sqlite"),
    (":memory:", ":memory:"),
    ("sqlite://", ":memory:"),
    ("postgresql://u@h/db", "postgresql://u@h/db"),
])
def test_resolve_urls(given, expected):
    assert resolve_db(given) == expected


def test_an_unreachable_server_is_one_clear_line():
    with pytest.raises(StoreError, match="cannot connect to PostgreSQL at 127.0.0.1:1/db") as err:
        open_store("postgresql://user:secret@127.0.0.1:1/db")
    message = str(err.value)
    assert "\n" not in message and "secret" not in message
    assert "is the server running?" in message


def test_unknown_scheme():
    with pytest.raises(ValueError, match="unsupported database URL scheme 'mysql'"):
        resolve_db("mysql://host/db")


def test_wal_foreign_keys_busy_timeout(sqlite_store):
    conn = sqlite3.connect(sqlite_store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # persistent per file
    conn.close()
    assert sqlite_store._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert sqlite_store._conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0
    # power loss: each commit synced to disk (FULL = 2), so a stored article survives it
    assert sqlite_store._conn.execute("PRAGMA synchronous").fetchone()[0] == 2


def test_postgis_commits_are_durable(postgis_url):
    # power loss: the server syncs each commit before it returns (PostgreSQL's defaults, which
    # the store relies on and does not change)
    with open_store(postgis_url) as store:
        settings = {name: store._conn.execute(f"SHOW {name}").fetchone()[0]
                    for name in ("fsync", "synchronous_commit", "full_page_writes")}
    assert settings == {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}


def test_schema_version(store_url):
    with open_store(store_url) as s:
        assert s.schema_version == SCHEMA_VERSION == 9
        s._conn.execute("INSERT INTO schema_version (version) VALUES (99)")
    with pytest.raises(SchemaVersionError, match="newer than this code"):
        open_store(store_url)


def test_version_1_database_is_migrated(tmp_path):
    # a database written before casualties had reported_by_text and places their sentence
    path = tmp_path / "v1.sqlite"
    conn = sqlite3.connect(path)
    v1 = STORE_SCHEMA.replace(" sentence_len INTEGER,", "").replace("    sentence_len INTEGER,\n", "")
    assert "sentence_len INTEGER" not in v1
    v1 = v1.replace("reported_by_text TEXT, ", "").replace(
        "confidence REAL,\n    sentence TEXT, sentence_start INTEGER,", "confidence REAL,")
    v1 = v1.replace("    figure_kind TEXT,\n", "").replace(
        "ingested_at TEXT NOT NULL,\n    signature TEXT,", "ingested_at TEXT NOT NULL --")
    v1 = v1.replace("\n    binned_at TEXT", "\n")
    v1 = v1.replace("    actor TEXT, actor_text TEXT, event_type TEXT,\n", "")
    assert v1.count("sentence TEXT") == 2  # only casualties and claims had one
    assert "figure_kind" not in v1 and "signature TEXT" not in v1 and "binned_at" not in v1
    assert "event_type" not in v1
    conn.executescript(v1)
    conn.execute("INSERT INTO schema_version (version) VALUES (1)")
    conn.execute("INSERT INTO articles (id, text, ingested_at) VALUES ('old', 'x', 'now')")
    conn.execute("INSERT INTO casualties (article_id, idx, outcome, reported_by, \"start\", "
                 "\"end\", sentence, sentence_start) "
                 "VALUES ('old', 0, 'killed', 'activists', 0, 1, 'x', 0)")
    conn.commit()
    conn.close()
    with open_store(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        old = s.get_extraction("old").casualties[0]
        assert (old.reported_by, old.reported_by_text) == ("activists", None)
        assert old.figure_kind is None and old.sentence == "x"
        assert (old.actor, old.actor_text, old.event_type) == (None, None, None)
        # the rewrite signature is computed for articles stored before it existed
        assert s.article("old")["signature"]
        assert s.add(make_extraction()) == "ok"
        assert s.get_extraction("a1").casualties[0].reported_by_text == \
            "Azerbaijani authorities"
    with open_store(path) as s:  # reopening migrates nothing twice
        assert s.schema_version == SCHEMA_VERSION


def test_not_a_database(tmp_path):
    bad = tmp_path / "notes.sqlite"
    bad.write_text("this is not a database, just text " * 50)
    with pytest.raises(StoreError, match="cannot open database"):
        open_store(bad)


def test_version_changes_with_content(store):
    v0 = store.version()
    store.add(make_extraction())
    v1 = store.version()
    store.add(make_extraction())  # duplicate: nothing changed
    assert store.version() == v1 > v0
    store.delete("a1")
    assert store.version() > v1
    store.delete("a1")  # nothing to delete
    assert store.version() == v1 + 1


def test_reopen_takes_no_write_lock(tmp_path):
    path = tmp_path / "busy.sqlite"
    open_store(path).close()
    with open_store(path) as writer:
        writer._conn.execute("BEGIN IMMEDIATE")  # a long ingest holds the write lock
        with open_store(path) as reader:  # the dashboard can still open and read
            assert reader.query().empty
        writer._conn.execute("ROLLBACK")


@pytest.mark.parametrize("cls,cols", [(Place, PLACE_COLUMNS), (Casualty, CASUALTY_COLUMNS),
                                      (Claim, CLAIM_COLUMNS)])
def test_every_record_field_is_stored(cls, cols):
    # A field added to records.py must get a column here, or round trips would drop it.
    assert set(cols) == {f.name for f in fields(cls)}


# ---------------------------------------------------------------- writing


def test_round_trip(store):
    ex = make_extraction()
    assert store.add(ex) == "ok"
    assert store.has("a1") and len(store) == 1
    assert store.get_extraction("a1") == ex


def test_duplicate_changes_nothing(store):
    ex = make_extraction()
    assert store.add(ex) == "ok"
    changed = make_extraction()
    changed.article.title = "Other title"
    changed.places = []
    assert store.add(changed) == "duplicate"
    assert store.get_extraction("a1") == ex


def test_failed_insert_rolls_back(store):
    ex = make_extraction()
    ex.claims[0].target = {"not": "bindable"}  # fails after the article, places and casualties
    with pytest.raises(StoreError, match="could not store article a1"):
        store.add(ex)
    assert not store.has("a1")
    for table in ("articles", "places", "casualties", "claims"):
        assert count_rows(store, table) == 0
    assert store.add(make_extraction()) == "ok"  # the store is still usable


class Exploding:
    """A figure that fails while ``add`` reads it: after the article and its places."""

    def __getattr__(self, name):
        raise RuntimeError("extractor bug")


def test_a_failure_in_the_middle_of_add_leaves_nothing_of_the_article(store):
    store.add(make_extraction("before"))
    version = store.version()
    ex = make_extraction("a1")
    ex.casualties.append(Exploding())  # the first figure is written, then this fails
    with pytest.raises(RuntimeError, match="extractor bug"):
        store.add(ex)
    assert not store.has("a1") and store.article("a1") is None
    for table in ("articles", "places", "casualties", "claims"):
        assert store._conn.execute(
            f"SELECT COUNT(*) FROM {table} WHERE {'id' if table == 'articles' else 'article_id'}"
            " = 'a1'").fetchone()[0] == 0
    assert store.version() == version and len(store) == 1
    assert set(store.query()["article_id"]) == {"before"}
    assert store.add(make_extraction("a1")) == "ok"  # no transaction left open
    assert store.get_extraction("a1") == make_extraction("a1")


def test_delete_cascades(store):
    store.add(make_extraction())
    assert store.delete("a1") is True
    assert store.delete("a1") is False
    assert store.query().empty
    for table in ("places", "casualties", "claims"):
        assert count_rows(store, table) == 0


def test_missing_article(store):
    assert store.article("nope") is None
    assert store.get_extraction("nope") is None


# ---------------------------------------------------------------- reading


def test_query_columns_exact(store):
    assert MAP_COLUMNS[MAP_COLUMNS.index("reported_by") + 1] == "reported_by_text"
    assert tuple(store.query().columns) == MAP_COLUMNS  # empty store too
    store.add(make_extraction())
    frame = store.query()
    assert tuple(frame.columns) == MAP_COLUMNS
    assert sorted(frame["kind"]) == ["casualty", "claim", "place"]  # unresolved place left out


def test_query_row_contents(store):
    store.add(make_extraction(casualty_date="2020-09-29"))
    rows = {r["kind"]: r for r in store.query().to_dict("records")}
    place, cas, claim = rows["place"], rows["casualty"], rows["claim"]
    assert (place["place"], place["party"], place["date"], place["lat"]) == (
        "Hadrut", None, "2020-09-30", 39.52)
    assert (cas["party"], cas["reported_by"], cas["count_best"], cas["date"],
            cas["article_date"]) == ("Azerbaijan", "Azerbaijan", 14, "2020-09-29", "2020-09-30")
    assert cas["reported_by_text"] == "Azerbaijani authorities"
    assert (cas["actor"], cas["actor_text"], cas["event_type"]) == (None, None, None)
    assert place["reported_by_text"] is None and claim["reported_by_text"] is None
    assert (claim["party"], claim["claimant"], claim["target"], claim["stance"]) == (
        "Armenia", "Armenia", "Turkey", "accusation")
    assert pd.isna(claim["lat"])  # rows without coordinates are still returned
    assert claim["claim_text"] == TEXT[55:] and claim["start"] == 55
    assert place["title"] == "Title a1" and place["url"] == "https://example.org/a1"


def test_actor_and_event_type_round_trip(store):
    store.add(make_extraction(actor="Armenia", actor_text="Armenian shelling",
                              event_type="explosions"))
    cas = store.query(kinds=["casualty"]).to_dict("records")[0]
    assert (cas["actor"], cas["actor_text"], cas["event_type"]) == (
        "Armenia", "Armenian shelling", "explosions")
    assert cas["party"] == "Azerbaijan"  # the victims' side stays apart from the actor
    stored = store.get_extraction("a1").casualties[0]
    assert (stored.actor, stored.event_type) == ("Armenia", "explosions")


@pytest.fixture
def filled(store):
    store.add(make_extraction("a1", "2020-09-28", party="Azerbaijan", claimant="Armenia",
                              target="Turkey"))
    store.add(make_extraction("a2", "2020-10-05", party="Armenia", claimant="Russia",
                              target="Azerbaijan"))
    store.add(make_extraction("a3", None, party="Ukraine", claimant="Ukraine", target=None))
    return store


@pytest.mark.parametrize("kwargs,expected", [
    ({}, {"a1", "a2", "a3"}),
    ({"date_from": "2020-10-01"}, {"a2"}),
    ({"date_to": "2020-09-30"}, {"a1"}),
    ({"date_from": "2020-09-28", "date_to": "2020-10-05"}, {"a1", "a2"}),
    ({"parties": ["Turkey"]}, {"a1"}),  # as a claim's target
    ({"parties": ["Azerbaijan"]}, {"a1", "a2"}),  # victims in a1, target in a2
    ({"parties": ["Ukraine"], "date_from": "2020-01-01"}, set()),  # undated drops out
    ({"date_from": "2020-10-01", "include_undated": True}, {"a2", "a3"}),  # unless asked for
    ({"date_to": "2020-09-30", "include_undated": True}, {"a1", "a3"}),
    ({"parties": ["Nobody"]}, set()),
    ({"parties": []}, {"a1", "a2", "a3"}),  # empty = no filter
])
def test_query_filters(filled, kwargs, expected):
    assert set(shown(filled, **kwargs)["article_id"]) == expected


def test_party_filter_rows(filled):
    frame = shown(filled, parties={"Turkey"})
    # a1's claim targets Turkey and its places come along; its casualty (victims: Azerbaijan)
    # does not involve Turkey
    assert sorted(frame["kind"]) == ["claim", "place"]


@pytest.mark.parametrize("kinds,expected", [
    (["place"], {"place"}),
    (["casualty", "claim"], {"casualty", "claim"}),
    ("claim", {"claim"}),
])
def test_query_kinds(filled, kinds, expected):
    assert set(filled.query(kinds=kinds)["kind"]) == expected


def test_query_bad_kind(filled):
    with pytest.raises(ValueError, match="unknown kind"):
        filled.query(kinds=["event"])


def test_articles_and_summary(filled):
    frame = filled.articles()
    assert list(frame.columns) == ["id", "title", "date", "source", "url", "n_places",
                                   "n_casualties", "n_claims"]
    row = frame.set_index("id").loc["a1"]
    assert (row["n_places"], row["n_casualties"], row["n_claims"]) == (2, 1, 1)
    assert filled.parties_in_use() == ["Armenia", "Azerbaijan", "Russia", "Turkey", "Ukraine"]
    assert filled.date_range() == ("2020-09-28", "2020-10-05")


def test_parties_in_use_leaves_out_free_text_sources(store):
    store.add(make_extraction("a1", party=None, claimant="armenia", target=None,
                              reported_by="activists", reported_by_text="local activists"))
    store.add(make_extraction("a2", party="ukraine", claimant="armenia", target=None,
                              reported_by="dpr", reported_by_text="DPR defence ministry"))
    store.add(make_extraction("a3", party="azerbaijan", claimant="armenia", target=None,
                              reported_by="army spokesman"))
    # "activists" and "army spokesman" are no parties; "dpr" is one (default party table)
    assert store.parties_in_use() == ["armenia", "azerbaijan", "dpr", "ukraine"]
    # a caller's own table decides which sources are parties
    assert store.parties_in_use(known={"activists"}) == ["activists", "armenia",
                                                         "azerbaijan", "ukraine"]
    assert store.parties_in_use(known=set()) == ["armenia", "azerbaijan", "ukraine"]
    # the party filter still finds a figure by its source
    assert set(shown(store, parties=["dpr"], kinds=["casualty"])["article_id"]) == {"a2"}


def test_article_view(filled):
    view = filled.article("a1")
    assert view["text"] == f"{TEXT} (a1)"
    assert view["boilerplate"] == [(0, 3), (10, 12)]
    assert [p["name"] for p in view["places"]] == ["Hadrut", "Armenia"]
    assert view["casualties"][0]["count_best"] == 14
    assert view["ingested_at"] and view["content_hash"]


def test_empty_store_summaries(store):
    assert store.articles().empty
    assert store.parties_in_use() == []
    assert store.date_range() == (None, None)


def test_sql_injection_is_inert(filled):
    evil = "x') OR 1=1 --"
    assert shown(filled, parties=[evil]).empty
    assert filled.article(evil) is None
    assert len(filled) == 3


def test_reader_sees_committed_data_while_open(store_url):
    # The dashboard keeps a store open while ingest writes through another connection.
    with open_store(store_url) as reader, open_store(store_url) as writer:
        assert reader.query().empty
        writer.add(make_extraction())
        assert reader.has("a1") and len(reader.query()) == 3


def test_is_sqlite_store(tmp_path):
    assert isinstance(open_store(tmp_path / "x.sqlite"), SQLiteStore)
    nested = tmp_path / "new" / "dir" / "x.sqlite"
    open_store(nested).close()
    assert Path(nested).exists()


# ---------------------------------------------------------------- filters pushed down


@pytest.fixture
def spread(filled):
    # a figure dated three weeks before its article: the party filter brings the article's
    # places along even where the date filter drops the figure itself
    filled.add(make_extraction("a4", "2020-10-02", casualty_date="2020-09-10",
                               party="Azerbaijan", claimant="Russia", target=None))
    return filled


def _keys(frame):
    return sorted(zip(frame["kind"], frame["article_id"], frame["start"].astype(int)))


PUSHED = [
    dict(date_from="2020-10-01"),
    dict(date_to="2020-09-30", include_undated=False),
    dict(date_from="2020-09-28", date_to="2020-10-05"),
    dict(parties=("Turkey",)),
    dict(parties=("Azerbaijan",), kinds=("place",)),
    dict(parties=("Nobody",)),
    dict(parties=("Azerbaijan",), date_from="2020-10-01"),
    dict(parties=("Russia", "Ukraine"), date_to="2020-10-01", kinds=("claim", "place")),
]


@pytest.mark.parametrize("case", PUSHED, ids=lambda c: ",".join(f"{k}={v}" for k, v in c.items()))
def test_filters_pushed_down_give_the_rows_filter_frame_gives(spread, case):
    filters = Filters(**case)
    alone = filter_frame(load_items(spread), filters)
    pushed = spread.query(filters.kinds, date_from=filters.date_from, date_to=filters.date_to,
                          include_undated=filters.include_undated, parties=filters.parties)
    assert tuple(pushed.columns) == MAP_COLUMNS
    assert _keys(pushed) == _keys(alone)
    # then the one filter engine, for the filters not pushed down (outcomes, precision,
    # search): dates and kinds may run again, the party filter may not once pushed down (the
    # frame no longer holds the out-of-range figures that brought their article's places along)
    again = replace(filters, parties=()) if filters.parties else filters
    assert _keys(filter_frame(load_items_from(pushed), again)) == _keys(alone)
    if not filters.parties:
        assert _keys(filter_frame(load_items_from(pushed), filters)) == _keys(alone)


def load_items_from(frame):
    from geo.report.items import with_precision

    return with_precision(frame)


@pytest.mark.parametrize("bbox", [(47.0, 39.0, 48.0, 39.6), (46.0, 39.0, 48.0, 41.0),
                                  (170.0, -10.0, -170.0, 10.0), (47.2, 39.9, 47.8, 40.2)])
def test_map_extent_pushed_down(spread, bbox):
    west, south, east, north = bbox
    every = spread.query()
    lon_in = every["lon"].between(west, east) if west <= east else (
        (every["lon"] >= west) | (every["lon"] <= east))
    expected = every[every["lat"].between(south, north) & lon_in]
    assert _keys(spread.query(bbox=bbox)) == _keys(expected)


def test_pushed_down_dates_are_checked(store):
    with pytest.raises(ValueError):
        store.query(date_from="last week")
