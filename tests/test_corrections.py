"""A user's corrections of places and parties: stored apart, shown by ``query``, undoable."""
import pytest

from geo.store import StoreError, open_store

from tests.test_store import make_extraction, shown


@pytest.fixture
def store(store_url):  # each test runs on SQLite and on PostGIS (tests/conftest.py)
    with open_store(store_url) as s:
        s.add(make_extraction("a1"))
        s.add(make_extraction("a2"))
        yield s


def _rows(store, kind, article_id=None):
    frame = store.query(kinds=[kind])
    return frame if article_id is None else frame[frame["article_id"] == article_id]


def test_query_gives_item_ids_and_precision_of_the_figures_place(store):
    frame = store.query()
    assert frame["item_id"].notna().all()
    # item ids are unique within a kind
    assert not frame.duplicated(["kind", "item_id"]).any()


def test_place_fix_in_one_article(store):
    version = store.version()
    store.correct_place("Hadrut", lat=39.51, lon=46.99, resolved_name="Hadrut (town)",
                        precision="point", country_code="AZ", article_id="a1")
    assert store.version() > version  # the dashboard's caches see it
    a1 = _rows(store, "place", "a1").iloc[0]
    a2 = _rows(store, "place", "a2").iloc[0]
    assert (a1["lat"], a1["lon"], a1["place"], a1["precision"]) == \
        (39.51, 46.99, "Hadrut (town)", "point")
    assert (a2["lat"], a2["lon"], a2["place"]) == (39.52, 47.03, "Hadrut")  # untouched


def test_place_fix_everywhere_moves_figures_too_and_applies_to_later_articles(store):
    store.correct_place("azerbaijan", lat=40.4, lon=49.9, precision="country",
                        country_code="AZ")  # case-insensitive: figures say "Azerbaijan"
    figures = _rows(store, "casualty")
    assert set(zip(figures["lat"], figures["lon"])) == {(40.4, 49.9)}
    assert set(figures["precision"]) == {"country"}
    store.add(make_extraction("a3"))
    later = _rows(store, "casualty", "a3").iloc[0]
    assert (later["lat"], later["lon"]) == (40.4, 49.9)


def test_an_articles_own_fix_wins_over_the_global_one(store):
    store.correct_place("Hadrut", lat=1.0, lon=2.0)
    store.correct_place("Hadrut", lat=3.0, lon=4.0, article_id="a2")
    assert tuple(_rows(store, "place", "a1").iloc[0][["lat", "lon"]]) == (1.0, 2.0)
    assert tuple(_rows(store, "place", "a2").iloc[0][["lat", "lon"]]) == (3.0, 4.0)


def test_a_fix_puts_an_unresolved_mention_on_the_map(store):
    assert "Armenia" not in set(_rows(store, "place")["place"])
    store.correct_place("Armenia", lat=40.07, lon=45.04, precision="country",
                        country_code="AM", article_id="a1")
    placed = _rows(store, "place", "a1")
    assert "Armenia" in set(placed["place"])


def test_remove_a_place_fix_restores_the_extractors_answer(store):
    store.correct_place("Hadrut", lat=1.0, lon=2.0)
    fixes = store.corrections()
    assert list(fixes["kind"]) == ["place"]
    assert store.remove_correction(fixes["id"].iloc[0])
    assert tuple(_rows(store, "place", "a1").iloc[0][["lat", "lon"]]) == (39.52, 47.03)
    assert not store.remove_correction(fixes["id"].iloc[0])  # already gone


def test_party_fix_changes_the_party_and_the_party_filter(store):
    row = _rows(store, "casualty", "a1").iloc[0]
    assert row["party"] == "Azerbaijan"
    store.correct_party("casualty", int(row["item_id"]), "armenia")
    fixed = _rows(store, "casualty", "a1").iloc[0]
    assert fixed["party"] == "armenia"
    assert _rows(store, "casualty", "a2").iloc[0]["party"] == "Azerbaijan"
    # the filter sees the corrected party
    assert "a1" in set(shown(store, parties={"armenia"}, kinds=["casualty"])["article_id"])
    # a second fix of the same item replaces the first
    store.correct_party("casualty", int(row["item_id"]), "turkey")
    assert _rows(store, "casualty", "a1").iloc[0]["party"] == "turkey"
    assert len(store.corrections()) == 1


def test_party_fix_of_a_claim_sets_its_claimant(store):
    row = _rows(store, "claim", "a2").iloc[0]
    store.correct_party("claim", int(row["item_id"]), "azerbaijan")
    fixed = _rows(store, "claim", "a2").iloc[0]
    assert (fixed["party"], fixed["claimant"]) == ("azerbaijan", "azerbaijan")


def test_corrections_are_checked(store):
    with pytest.raises(ValueError):
        store.correct_place("", lat=1, lon=2)
    with pytest.raises(ValueError):
        store.correct_place("Hadrut", lat=91, lon=2)
    with pytest.raises(ValueError):
        store.correct_place("Hadrut", lat=1, lon=2, precision="street")
    with pytest.raises(StoreError):
        store.correct_place("Hadrut", lat=1, lon=2, article_id="nope")
    with pytest.raises(ValueError):
        store.correct_party("place", 1, "armenia")
    with pytest.raises(StoreError):
        store.correct_party("casualty", 10_000, "armenia")
    with pytest.raises(ValueError):
        store.remove_correction("other:1")
    assert store.corrections().empty


def test_deleting_an_article_drops_its_fixes(store):
    row = _rows(store, "casualty", "a1").iloc[0]
    store.correct_party("casualty", int(row["item_id"]), "armenia")
    store.correct_place("Hadrut", lat=1, lon=2, article_id="a1")
    store.delete("a1")
    assert store.corrections().empty


def test_figures_carry_their_kind(tmp_path):
    ex = make_extraction("k1")
    ex.casualties[0].figure_kind = "cumulative"
    with open_store(tmp_path / "k.sqlite") as s:
        s.add(ex)
        assert s.query(kinds=["casualty"]).iloc[0]["figure_kind"] == "cumulative"
        assert s.get_extraction("k1").casualties[0].figure_kind == "cumulative"
