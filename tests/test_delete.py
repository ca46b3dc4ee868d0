"""Deleting articles through the bin (issue 14, item 5): on both backends (the ``store`` and
``store_url`` fixtures), a binned article leaves every view, toll and export, keeps its id,
comes back whole with ``restore``, and is gone for good only when the bin is emptied."""
from __future__ import annotations

import sqlite3

import pytest

from geo.pipeline import BatchStage, store_outcomes
from geo.report import read_items, tolls_as_of
from geo.store import StoreError, open_store
from geo.store.schema import SCHEMA_VERSION, STORE_SCHEMA
from tests.test_store import count_rows, make_extraction


def _filled(store, *ids):
    for article_id in ids:
        assert store.add(make_extraction(article_id)) == "ok"
    return store


def test_a_binned_article_leaves_every_view_and_comes_back_whole(store):
    _filled(store, "a1", "a2")
    before = {"items": store.query(), "articles": store.articles(),
              "dates": store.date_range(), "parties": store.parties_in_use(),
              "signatures": store.signatures()}
    kept = make_extraction("a2")
    version = store.version()
    assert store.bin(["a1", "missing", "a1"]) == ["a1"]
    assert store.version() != version
    assert set(store.query()["article_id"]) == {"a2"}
    assert list(store.articles()["id"]) == ["a2"] and len(store) == 1
    assert set(store.signatures()) == {"a2"}
    binned = store.binned()
    assert list(binned["id"]) == ["a1"] and binned["binned_at"].notna().all()
    assert binned["n_casualties"].tolist() == [1]
    # the id stays taken, the article readable (for the bin's list), its rows all there
    assert store.has("a1") and store.article("a1")["binned_at"]
    assert count_rows(store, "casualties") == 2
    assert store.bin(["a1"]) == []  # already in the bin: nothing moves, nothing changes
    assert store.get_extraction("a2") == kept

    assert store.restore(["a1", "a2"]) == ["a1"]
    assert store.binned().empty
    for key, value in before.items():
        now = {"items": store.query(), "articles": store.articles(),
               "dates": store.date_range(), "parties": store.parties_in_use(),
               "signatures": store.signatures()}[key]
        if hasattr(value, "equals"):
            assert now.drop(columns=[], errors="ignore").equals(value), key
        else:
            assert now == value, key


def test_the_date_range_and_parties_forget_a_binned_article(store):
    early = make_extraction("early", date="2019-01-01", party="Armenia", claimant="Russia",
                            target="Georgia")
    assert store.add(early) == "ok"
    _filled(store, "late")
    assert store.date_range()[0] == "2019-01-01" and "Georgia" in store.parties_in_use()
    store.bin(["early"])
    assert store.date_range() == ("2020-09-30", "2020-09-30")
    assert "Georgia" not in store.parties_in_use() and "Russia" not in store.parties_in_use()


def test_a_binned_article_leaves_the_tolls(store):
    _filled(store, "a1", "a2")
    assert tolls_as_of(read_items(store), None)
    store.bin(["a1", "a2"])
    assert tolls_as_of(read_items(store), None) == []
    assert read_items(store).items.empty


def test_emptying_the_bin_deletes_for_good(store):
    _filled(store, "a1", "a2", "a3")
    store.correct_place("Hadrut", lat=1.0, lon=2.0, article_id="a1")
    store.bin(["a1", "a2"])
    assert store.empty_bin(["a2", "a3"]) == 1  # a3 is not in the bin: kept
    assert not store.has("a2") and store.has("a1") and store.has("a3")
    assert store.empty_bin() == 1
    assert not store.has("a1") and store.binned().empty
    assert count_rows(store, "places") == 2 and count_rows(store, "place_fixes") == 0
    assert store.empty_bin() == 0 and store.restore(["a1"]) == []


def test_the_text_of_a_binned_article_is_not_stored_again_and_says_so(store):
    _filled(store, "a1")
    store.bin(["a1"])
    again = make_extraction("a1")
    again.article.id = "other-name"
    answer = store.add(again)
    assert answer == "duplicate" and answer.article_id == "a1"
    assert "in the bin" in answer.reason and "geo restore a1" in answer.reason
    assert store.find_same(again.article) == "a1"
    assert len(store) == 0 and list(store.binned()["id"]) == ["a1"]
    # another text under the binned id: the binned article keeps its id, both are kept
    other = make_extraction("x")
    other.article.id = "a1"
    assert store.add(other) == "renamed"


def test_the_ingest_skips_a_binned_text(store):
    _filled(store, "a1")
    store.bin(["a1"])
    results = list(store_outcomes([make_extraction("a1").article], store, BatchStage()))
    assert [r.status for r in results] == ["duplicate"] and results[0].article_id == "a1"
    assert len(store) == 0


def test_bin_and_restore_are_one_transaction(store):
    _filled(store, "a1", "a2")
    original = store._transaction

    def failing(work, failure):
        def broken(execute):
            work(execute)
            raise StoreError("disk full")  # after the update, before the commit
        return original(broken, failure)
    store._transaction = failing
    with pytest.raises(StoreError):
        store.bin(["a1", "a2"])
    store._transaction = original
    assert store.binned().empty and len(store) == 2


def test_a_read_only_store_refuses_the_bin(tmp_path):
    path = tmp_path / "geo.sqlite"
    with open_store(path) as store:
        _filled(store, "a1")
    with open_store(path, read_only=True) as store:
        with pytest.raises(StoreError, match="read-only"):
            store.bin(["a1"])
        with pytest.raises(StoreError, match="read-only"):
            store.empty_bin()


def test_a_version_6_store_is_migrated_with_an_empty_bin(tmp_path):
    path = tmp_path / "v6.sqlite"
    v6 = STORE_SCHEMA.replace(
        "signature TEXT,  -- MinHash of the text's shingles: finds rewrites (geo.report.tolls)\n"
        "    binned_at TEXT", "signature TEXT")
    assert "binned_at" not in v6
    with sqlite3.connect(path) as conn:
        conn.executescript(v6)
        conn.execute("INSERT INTO schema_version (version) VALUES (6)")
        conn.execute("INSERT INTO articles (id, text, ingested_at) VALUES ('old', 'x', 'now')")
    conn.close()
    with open_store(path) as store:
        assert store.schema_version == SCHEMA_VERSION == 9
        assert list(store.articles()["id"]) == ["old"] and store.binned().empty
        assert store.bin(["old"]) == ["old"] and len(store) == 0
