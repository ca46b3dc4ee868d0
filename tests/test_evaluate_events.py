"""The UCDP evaluation runs on a small sample (tests/fixtures/ucdp_sample.jsonl: 30 UCDP GED
Ukraine events, CC BY 4.0, copied from shared/corpora/ucdp-ged-ukraine.events.jsonl)."""
from __future__ import annotations

from pathlib import Path

from geo.evaluate import events as ev
from geo.parties import load_parties
from tests.events_support import nlp

SAMPLE = Path(__file__).parent / "fixtures" / "ucdp_sample.jsonl"


def test_run_and_score_the_sample():
    parties = load_parties()
    results = ev.run(str(SAMPLE), nlp=nlp(), parties=parties)
    assert len(results) == 30
    s = ev.score(results, parties)
    assert s["events_with_figure"] >= 15
    assert s["category_agreement_named"] >= 0.8
    assert s["party_agreement"] >= 0.9
    assert 0.0 <= s["killed_exact"] <= s["killed_within_20pct"] <= 1.0


def test_headline_total_sums_figures_but_not_vague_words():
    from geo.records import Casualty

    def c(n, q="exact", w=None):
        return Casualty("killed", n, q, "unknown", None, None, 0, 1, count_low=n, vague_word=w)

    assert ev.headline_total([c(3), c(2)]) == 5
    assert ev.headline_total([c(None, "vague", "dozens")]) is None


def test_allowed_sides():
    parties = load_parties()
    r = ev.EventResult("x", [], {"side_a": 1, "side_b": 2}, "DPR")
    assert ev.allowed_sides(r, parties) == {"ukraine", "russia"}


def test_admin1_names_of_ucdp_and_natural_earth_agree():
    from geo.places import load_regions

    regions = load_regions()
    key = lambda name: ev.admin1_key(name, regions)  # noqa: E731
    assert key("Donetsk oblast") == key("Donets'k") == key("Donetsk Oblast") is not None
    assert key("Luhansk oblast") == key("Luhans'k")
    assert key("Kiev Special Republican city") == key("Kiev City") != key("Kiev")
    assert key("Donetsk oblast") != key("Luhansk oblast")
    assert ev.admin1_key(None, regions) is None


def test_places_are_scored_against_the_ucdp_points():
    parties = load_parties()
    results = ev.run(str(SAMPLE), nlp=nlp(), parties=parties, places=True)
    assert all(len(r.figures) == len(r.figure_places) for r in results)
    p = ev.place_score(results)
    assert p["figures"] == ev.score(results, parties)["figures"]
    assert p["no_place"] + p["with_place"] == p["figures"]
    assert p["scored_50km"] <= p["scored_161km"] <= p["with_place"]
    assert 0.0 <= p["within_50km"] <= 1.0 and 0.0 <= p["within_161km"] <= 1.0
    # a figure that got coordinates has the Place it was put at
    placed = [(c, pl) for r in results for (_, c), pl in zip(r.figures, r.figure_places)
              if c.lat is not None]
    assert placed and all(pl is not None and (pl.lat, pl.lon) == (c.lat, c.lon)
                          for c, pl in placed)
