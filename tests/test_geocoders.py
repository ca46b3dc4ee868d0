"""Online geocoders are opt-in: their cache and rate limit are tested with a fake service."""
from __future__ import annotations

import pytest
from geopy.location import Location

import geopy.extra.rate_limiter as rate_limiter
from geo.places import GeocodeCache, OfflineGeocoder, geocoder_from_env, online_geocoder


class FakeService:
    """Stands in for a geopy geocoder: counts calls, never touches the network."""

    def __init__(self):
        self.calls = []

    def geocode(self, query, exactly_one=True, **kwargs):
        self.calls.append(query)
        if query == "nowhere":
            return None
        loc = Location(f"{query}, Somewhere", (10.0, 20.0), {"place_id": len(self.calls)})
        return loc if exactly_one else [loc]


@pytest.fixture
def sleeps(monkeypatch):
    slept = []
    monkeypatch.setattr(rate_limiter, "sleep", slept.append)
    return slept


def test_cache_answers_repeats_without_calling(tmp_path, sleeps):
    fake = FakeService()
    geocoder = online_geocoder("fake", geocoder=fake, cache=tmp_path / "cache.sqlite")
    first = geocoder.geocode("Hadrut")
    again = geocoder.geocode("  hadrut ")
    assert fake.calls == ["Hadrut"]
    assert (again.latitude, again.longitude, again.raw) == (10.0, 20.0, {"place_id": 1})
    assert first.address == again.address


def test_misses_are_cached_too(tmp_path, sleeps):
    fake = FakeService()
    geocoder = online_geocoder("fake", geocoder=fake, cache=tmp_path / "c.sqlite")
    assert geocoder.geocode("nowhere") is None
    assert geocoder.geocode("nowhere") is None
    assert fake.calls == ["nowhere"]


def test_cache_persists_across_instances(tmp_path, sleeps):
    path = tmp_path / "c.sqlite"
    online_geocoder("fake", geocoder=FakeService(), cache=path).geocode("Goris")
    fake = FakeService()
    assert online_geocoder("fake", geocoder=fake, cache=path).geocode("Goris") is not None
    assert fake.calls == []
    assert len(GeocodeCache(path)) == 1


def test_rate_limit_waits_between_calls(tmp_path, sleeps):
    geocoder = online_geocoder("fake", geocoder=FakeService(), cache=tmp_path / "c.sqlite")
    geocoder.geocode("A")
    geocoder.geocode("B")
    assert sleeps and 0 < sleeps[-1] <= 1.0


def test_exactly_one_false_round_trips(tmp_path, sleeps):
    geocoder = online_geocoder("fake", geocoder=FakeService(), cache=tmp_path / "c.sqlite")
    geocoder.geocode("A", exactly_one=False)
    cached = geocoder.geocode("A", exactly_one=False)
    assert isinstance(cached, list) and cached[0].raw == {"place_id": 1}


def test_too_fast_is_refused(tmp_path):
    with pytest.raises(ValueError, match="min_delay_seconds"):
        online_geocoder("fake", geocoder=FakeService(), cache=tmp_path / "c.sqlite",
                        min_delay_seconds=0.1)


def test_offline_is_the_default():
    assert isinstance(geocoder_from_env({}), OfflineGeocoder)
    assert isinstance(geocoder_from_env({"GEO_GEOCODER": "offline"}), OfflineGeocoder)


class DownService(FakeService):
    """A service that times out: geopy raises GeocoderTimedOut."""

    def geocode(self, query, exactly_one=True, **kwargs):
        from geopy.exc import GeocoderTimedOut

        self.calls.append(query)
        raise GeocoderTimedOut("timed out")


def test_failures_are_raised_and_not_cached(tmp_path, sleeps):
    from geopy.exc import GeocoderTimedOut

    down = DownService()
    geocoder = online_geocoder("fake", geocoder=down, cache=tmp_path / "c.sqlite")
    with pytest.raises(GeocoderTimedOut):
        geocoder.geocode("Pisky")
    assert len(geocoder.cache) == 0  # a later call asks the service again
    up = online_geocoder("fake", geocoder=FakeService(), cache=tmp_path / "c.sqlite")
    assert up.geocode("Pisky").latitude == 10.0


def test_a_failing_service_leaves_places_unresolved(tmp_path, sleeps):
    from geo.pipeline import geocode_unresolved
    from geo.records import Place
    from geo.places import load_regions

    places = [Place("Pisky", 0, 5)]
    geocoder = online_geocoder("fake", geocoder=DownService(), cache=tmp_path / "c.sqlite")
    geocode_unresolved(places, geocoder, load_regions())
    assert places[0].precision == "unresolved" and places[0].lat is None


def test_cached_online_answers_join_the_gazetteer(tmp_path, sleeps, monkeypatch):
    from geo.places import (Gazetteer, gold_mentions, learned_candidates, load_gazetteer,
                            resolve_mentions)

    cache = tmp_path / "c.sqlite"
    geocoder = online_geocoder("fake", geocoder=FakeService(), cache=cache)
    geocoder.geocode("Zzyzxville")  # an opted-in lookup, answered and cached
    geocoder.geocode("nowhere")  # a miss: cached, but teaches the gazetteer nothing
    learned = learned_candidates(geocoder.cache)
    assert set(learned) == {"zzyzxville"}
    c = learned["zzyzxville"][0]
    assert (c.lat, c.lon, c.feature) == (10.0, 20.0, "city")
    assert c.gazetteer_id.startswith("online:fake:") and "cached answer" in c.source

    gazetteer = Gazetteer(load_gazetteer().path, learned=learned)
    assert gazetteer.knows("Zzyzxville") and not load_gazetteer().knows("Zzyzxville")
    text = "Floods hit Zzyzxville on Monday."
    start = text.index("Zzyzxville")
    (place,) = resolve_mentions(gold_mentions(text, [(start, start + 10)]), gazetteer)
    assert (place.lat, place.lon) == (10.0, 20.0) and place.gazetteer_id == c.gazetteer_id


def test_learned_answers_only_for_users_who_opted_in(tmp_path, sleeps, monkeypatch):
    from geo.places import learned_from_env

    cache = tmp_path / "c.sqlite"
    online_geocoder("fake", geocoder=FakeService(), cache=cache).geocode("Zzyzxville")
    monkeypatch.setenv("GEO_GEOCODE_CACHE", str(cache))
    monkeypatch.delenv("GEO_GEOCODER", raising=False)
    assert learned_from_env() == {}
    monkeypatch.setenv("GEO_GEOCODER", "nominatim")
    assert set(learned_from_env()) == {"zzyzxville"}


def test_learned_answers_join_a_gazetteer_only_when_passed(tmp_path, sleeps):
    from geo.places import learned_candidates, load_gazetteer

    geocoder = online_geocoder("fake", geocoder=FakeService(), cache=tmp_path / "c.sqlite")
    geocoder.geocode("Zzyzxville")
    learned = load_gazetteer(learned=learned_candidates(geocoder.cache))
    assert learned.knows("Zzyzxville") and learned is not load_gazetteer()
    assert not load_gazetteer().knows("Zzyzxville")


def test_the_default_gazetteer_is_the_shared_one_for_offline_users(monkeypatch):
    from geo.places import default_gazetteer, load_gazetteer

    monkeypatch.delenv("GEO_GEOCODER", raising=False)
    assert default_gazetteer() is load_gazetteer()
