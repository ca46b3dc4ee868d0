"""Each sentence is stored once (issue 16, item 1, the storage half), on both backends: an
item whose sentence is a piece of its article's text stores only its length, and ``query()``,
``article()`` and ``get_extraction()`` give the same values as when every row held its
sentence. ``bench/bench_store_size.py`` measures what it saves."""
from __future__ import annotations

from dataclasses import replace

import pandas as pd

from geo.records import Article, Extraction, Place
from geo.store import open_store
from geo.store.schema import SCHEMA_VERSION
from tests.test_store import make_extraction

ITEM_TABLES = ("places", "casualties", "claims")


def listing(n: int = 300) -> Extraction:
    """One sentence that names ``n`` places (the shape that made the store quadratic)."""
    names = [f"Village{i:03d}" for i in range(n)]
    head = "Title line\nShelling hit "
    text = head + ", ".join(names) + ". Calm elsewhere."
    sentence = text[len("Title line\n"):text.index(" Calm")]
    places, pos = [], len(head)
    for name in names:
        places.append(Place(name, pos, pos + len(name), lat=48.0, lon=37.0, precision="city",
                            sentence=sentence, sentence_start=len("Title line\n")))
        pos += len(name) + 2
    return Extraction(article=Article(id="list", text=text, source="Bench"), places=places)


def stored_sentences(store, table):
    rows = store._conn.execute(
        f"SELECT sentence, sentence_len FROM {table} ORDER BY article_id, idx").fetchall()
    return [tuple(r) for r in rows]


def test_a_sentence_of_the_text_is_stored_once_and_read_back_whole(store):
    ex = listing()
    store.add(ex)
    sentence = ex.places[0].sentence
    assert stored_sentences(store, "places") == [(None, len(sentence))] * len(ex.places)
    frame = store.query()
    assert list(frame["sentence"]) == [sentence] * len(ex.places)
    assert frame["sentence"].map(id).nunique() == 1  # one string shared by the rows
    assert list(frame["sentence_start"]) == [11] * len(ex.places)
    assert store.get_extraction("list") == ex
    assert store.article("list")["places"][5]["sentence"] == sentence
    assert "sentence_len" not in store.article("list")["places"][5]


def test_a_sentence_that_is_not_in_the_text_is_kept_as_it_is(store):
    ex = make_extraction()
    ex.claims[0] = replace(ex.claims[0], sentence="  a sentence cleaned up  ")
    ex.casualties[0] = replace(ex.casualties[0], sentence_start=None)
    store.add(ex)
    assert stored_sentences(store, "claims") == [("  a sentence cleaned up  ", None)]
    assert stored_sentences(store, "casualties") == [(ex.casualties[0].sentence, None)]
    assert store.get_extraction("a1") == ex
    frame = store.query(kinds=["claim", "casualty"]).set_index("kind")
    assert frame.loc["claim", "sentence"] == "  a sentence cleaned up  "
    assert frame.loc["casualty", "sentence"] == ex.casualties[0].sentence


def test_a_version_5_store_moves_its_sentences_into_the_text(store_url):
    with open_store(store_url) as s:
        s.add(make_extraction("a1"))
        s.add(listing())
        before = s.query()
        # as version 5 stored them: every row its sentence, no sentence_len
        for table in ITEM_TABLES:
            s._conn.execute(f"UPDATE {table} SET sentence = (SELECT substr(a.text, "
                            f"sentence_start + 1, sentence_len) FROM articles a"
                            f" WHERE a.id = article_id) WHERE sentence_len IS NOT NULL")
            s._conn.execute(f"ALTER TABLE {table} DROP COLUMN sentence_len")
        s._conn.execute("UPDATE schema_version SET version = 5")
        assert s._conn.execute("SELECT COUNT(*) FROM places WHERE sentence IS NOT NULL"
                               " AND sentence_start IS NOT NULL").fetchone()[0] == 300
    with open_store(store_url) as s:
        assert s.schema_version == SCHEMA_VERSION
        assert s._conn.execute("SELECT COUNT(*) FROM places WHERE sentence IS NOT NULL"
                               " AND sentence_start IS NOT NULL").fetchone()[0] == 0
        assert set(stored_sentences(s, "claims")) == {(None, len(make_extraction().claims[0]
                                                                .sentence))}
        pd.testing.assert_frame_equal(s.query(), before)
        assert s.get_extraction("list") == listing()
        assert s.get_extraction("a1") == make_extraction("a1")
