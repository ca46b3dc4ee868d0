"""The pipeline around the extractors: the opt-in online fallback for unresolved places."""
from __future__ import annotations

from geopy.location import Location

from geo.pipeline import _fallback_geocoder, geocode_unresolved
from geo.records import Place
from geo.places import load_regions


class FakeGeocoder:
    """A geopy-style geocoder that answers from a dict and records its queries."""

    def __init__(self, answers):
        self.answers, self.queries = answers, []

    def geocode(self, query, exactly_one=True):
        self.queries.append(query)
        hit = self.answers.get(query)
        return None if hit is None else Location(hit[0], (hit[1], hit[2]), {"osm_id": 42})


def test_only_unresolved_places_are_sent_once_per_name_and_joined():
    places = [Place("Kyiv", 0, 4, 50.45, 30.52, "city", "UA"),
              Place("Pisky", 10, 15), Place("Pisky", 30, 35), Place("Nowhere", 40, 47)]
    geocoder = FakeGeocoder({"Pisky": ("Pisky, Donetsk Oblast", 48.10, 37.63)})
    geocode_unresolved(places, geocoder, load_regions())
    assert geocoder.queries == ["Pisky", "Nowhere"]
    for pisky in places[1:3]:
        assert (pisky.lat, pisky.lon, pisky.precision) == (48.10, 37.63, "point")
        assert pisky.country_code == "UA" and pisky.region == "Donbas"
        assert pisky.gazetteer_id == "online:42"
    assert places[3].precision == "unresolved" and places[3].lat is None
    assert places[0].precision == "city"


def test_extraction_stays_offline_unless_a_service_is_configured(monkeypatch):
    monkeypatch.delenv("GEO_GEOCODER", raising=False)
    assert _fallback_geocoder() is None
    monkeypatch.setenv("GEO_GEOCODER", "offline")
    assert _fallback_geocoder() is None


def test_ingest_if_empty_seeds_once(tmp_path):
    from geo.pipeline import ingest_if_empty
    from geo.store import open_store

    folder = tmp_path / "samples"
    folder.mkdir()
    (folder / "a.txt").write_text("Clashes in Donetsk\n\nShelling killed 3 civilians in Donetsk.\n")

    loaded = []

    def factory():
        from geo.pipeline import default_extractor
        loaded.append(1)
        return default_extractor()

    with open_store(str(tmp_path / "s.sqlite")) as store:
        assert [r.status for r in ingest_if_empty(store, folder, factory)] == ["ok"]
        assert ingest_if_empty(store, folder, factory) == []  # not empty any more
        assert ingest_if_empty(store, tmp_path / "missing", factory) == []
    assert loaded == [1]  # the extractor was built only when there was work


def test_places_carry_their_sentence_cut_at_line_breaks():
    from geo.nlp import load_base
    from geo.pipeline import attach_sentences

    text = "Shelling in Donetsk\n  Two civilians died in Horlivka on Monday. Kyiv denied it."
    doc = load_base()(text)
    places = [Place("Donetsk", text.index("Donetsk"), text.index("Donetsk") + 7),
              Place("Horlivka", text.index("Horlivka"), text.index("Horlivka") + 8)]
    attach_sentences(places, doc)
    assert places[0].sentence == "Shelling in Donetsk" and places[0].sentence_start == 0
    assert places[1].sentence == "Two civilians died in Horlivka on Monday."
    start = places[1].sentence_start
    assert text[start:start + len(places[1].sentence)] == places[1].sentence
