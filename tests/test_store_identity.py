"""An article's identity is its content and source (issue 16, items 4 and 5), on both backends:
the same text under another id or file name is a duplicate and changes nothing; another text
under a stored id is kept under a derived id, and ``add`` says so. The ingest loop is not used
here (``ingest_by_content`` is what it does with ``Store.find_same``)."""
from __future__ import annotations

import pickle
import sqlite3
from dataclasses import replace

import pandas as pd
import pytest

from geo.fingerprints import content_hash
from geo.read import read_articles
from geo.report import read_items, tolls_as_of, tolls_frame
from geo.store import Added, open_store
from geo.store.schema import SCHEMA_VERSION
from tests.conftest import FIXTURES
from tests.test_store import make_extraction

COVERAGE = FIXTURES / "tolls" / "coverage.jsonl"


def other_text(ex, text):
    """``ex`` with another article text (its items kept)."""
    return replace(ex, article=replace(ex.article, text=text))


# ---------------------------------------------------------------- find_same and add


def test_the_same_text_under_another_id_is_found_and_is_a_duplicate(store):
    first = make_extraction("a1")
    assert store.add(first) == "ok"
    version, frame = store.version(), store.query()
    copy = replace(first.article, id="copy", path="/elsewhere/copy.txt", title="Other")
    assert store.find_same(copy) == "a1"
    # re-wrapped, CRLF: the hash is of the normalised text
    rewrapped = replace(copy, text=copy.text.replace(" ", "\r\n", 3))
    assert store.find_same(rewrapped) == "a1"
    answer = store.add(replace(first, article=rewrapped))
    assert answer == "duplicate" and isinstance(answer, Added)
    assert answer.article_id == "a1" and "a1" in answer.reason
    assert store.version() == version and len(store) == 1 and not store.has("copy")
    pd.testing.assert_frame_equal(store.query(), frame)


def test_source_is_part_of_the_identity_and_none_matches_any(store):
    store.add(make_extraction("a1"))  # source VG
    article = make_extraction("a1").article
    assert store.find_same(replace(article, id="x", source="Other outlet")) is None
    assert store.find_same(replace(article, id="x", source=None)) == "a1"  # sidecar lost
    assert store.find_same(replace(article, id="x", text="Another text")) is None


def test_another_text_under_a_stored_id_is_kept_under_a_derived_id(store):
    assert store.add(make_extraction("a1")) == "ok"
    changed = other_text(make_extraction("a1"), make_extraction("a1").article.text + " More.")
    answer = store.add(changed)
    derived = f"a1~{content_hash(changed.article.text)[:8]}"
    assert answer == "renamed" and answer.article_id == derived
    assert "a1" in answer.reason and derived in answer.reason
    assert store.has("a1") and store.has(derived) and len(store) == 2
    assert store.article(derived)["text"] == changed.article.text
    stored = store.get_extraction(derived)
    assert stored.article.id == derived and stored.places == changed.places
    assert set(store.query()["article_id"]) == {"a1", derived}
    # the caller's extraction is not changed
    assert changed.article.id == "a1"
    # the renamed text again, under either id: a duplicate of the derived id
    assert store.add(changed) == "duplicate"
    assert store.find_same(replace(changed.article, id="zzz")) == derived
    # a third text under the id: another derived id, all three kept
    third = store.add(other_text(make_extraction("a1"), "A third text."))
    assert third == "renamed" and third.article_id not in ("a1", derived)
    assert len(store) == 3


def test_same_text_of_another_source_under_a_stored_id_is_renamed(store):
    store.add(make_extraction("a1"))
    ex = make_extraction("a1")
    other = replace(ex, article=replace(ex.article, source="Other outlet"))
    answer = store.add(other)
    assert answer == "renamed" and answer.article_id.startswith("a1~")
    # the same derived id taken by another text: a suffix
    again = replace(ex, article=replace(ex.article, source="Third outlet"))
    assert store.add(again).article_id == answer.article_id + "-2"


def test_added_survives_pickling():
    answer = Added("renamed", "a1~0123abcd", "why")
    back = pickle.loads(pickle.dumps(answer))
    assert back == "renamed" and (back.article_id, back.reason) == ("a1~0123abcd", "why")


# ---------------------------------------------------------------- re-ingesting changes nothing


@pytest.fixture(scope="module")
def coverage():
    """The coverage articles (with their ids, sources, dates) and their extractions."""
    from geo.pipeline import default_extractor

    extractor = default_extractor()
    articles = list(read_articles([COVERAGE]))
    return [extractor.extract(a) for a in articles]


def ingest_by_content(extractions, store):
    """What the ingest does per article with ``find_same`` (before extracting) and ``add``:
    (status, stored id) of each."""
    out = []
    for ex in extractions:
        same = store.find_same(ex.article)
        if same is not None:
            out.append(("duplicate", same))
            continue
        answer = store.add(ex)
        out.append((str(answer), answer.article_id))
    return out


def state(store):
    items = read_items(store)
    return store.query(), store.articles(), tolls_frame(tolls_as_of(items))


def test_reingesting_copies_under_other_names_and_ids_changes_nothing(store, coverage):
    first = ingest_by_content(coverage, store)
    assert [s for s, _ in first] == ["ok"] * len(coverage)
    version, before = store.version(), state(store)
    assert not before[2].empty  # there are tolls to change
    copies = []
    for i, ex in enumerate(coverage):
        article = replace(ex.article, id=f"copy-{i}", path=f"/elsewhere/renamed-{i}.json",
                          title=f"copy {i}")
        if i % 3 == 1:  # read without its metadata: no source, no date
            article = replace(article, source=None, date=None)
        if i % 3 == 2:  # line endings changed by a copy
            article = replace(article, text=article.text.replace("\n", "\r\n"))
        copies.append(replace(ex, article=article))
    again = ingest_by_content(copies, store)
    assert again == [("duplicate", ex.article.id) for ex in coverage]
    # and ``add`` alone (two writers racing past find_same) says the same
    assert [store.add(ex) for ex in copies] == ["duplicate"] * len(copies)
    assert store.version() == version
    for one, other in zip(before, state(store)):
        pd.testing.assert_frame_equal(one, other)


# ---------------------------------------------------------------- migration


def test_a_version_4_sqlite_store_gets_its_content_hashes(tmp_path):
    path = tmp_path / "v4.sqlite"
    with open_store(path) as s:
        s.add(make_extraction("old"))
        s.add(make_extraction("other"))
    conn = sqlite3.connect(path)
    for table in ("places", "casualties", "claims"):  # what version 6 added
        conn.execute(f"ALTER TABLE {table} DROP COLUMN sentence_len")
    conn.execute("ALTER TABLE articles DROP COLUMN binned_at")  # what version 7 added
    conn.execute("DROP INDEX articles_content")
    conn.execute("UPDATE articles SET content_hash = NULL WHERE id = 'old'")
    conn.execute("UPDATE articles SET content_hash = 'stale' WHERE id = 'other'")
    conn.execute("UPDATE schema_version SET version = 4")
    conn.commit()
    conn.close()
    with open_store(path) as s:
        assert s.schema_version == SCHEMA_VERSION
        for article_id in ("old", "other"):
            text = s.article(article_id)["text"]
            assert s.article(article_id)["content_hash"] == content_hash(text)
        assert s.find_same(replace(make_extraction("old").article, id="x")) == "old"
        assert s.add(make_extraction("other")) == "duplicate"
        assert s._conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles_content'"
                               ).fetchone()


def test_a_version_4_postgis_store_gets_its_content_hashes(postgis_url):
    with open_store(postgis_url) as s:
        s.add(make_extraction("old"))
        for table in ("places", "casualties", "claims"):  # what version 6 added
            s._conn.execute(f"ALTER TABLE {table} DROP COLUMN sentence_len")
        s._conn.execute("ALTER TABLE articles DROP COLUMN binned_at")  # what version 7 added
        s._conn.execute("DROP INDEX articles_content")
        s._conn.execute("UPDATE articles SET content_hash = NULL")
        s._conn.execute("UPDATE schema_version SET version = 4")
    with open_store(postgis_url) as s:
        assert s.schema_version == SCHEMA_VERSION
        assert s.article("old")["content_hash"] == content_hash(s.article("old")["text"])
        assert s.add(replace(make_extraction("old"), article=replace(
            make_extraction("old").article, id="new-id"))) == "duplicate"
        assert s._conn.execute("SELECT to_regclass('articles_content')").fetchone()[0]
