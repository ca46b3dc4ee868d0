"""Issue 14, point 4: place labels on the offline basemap (geo/render/labels.py): which label
shows at which zoom, no two overlapping at one zoom, a bounded page, names as inert text."""
from __future__ import annotations

import json
import re

import pandas as pd

from geo.places import Candidate, normalize
from geo.records import MAP_COLUMNS
from geo.render import basemap as basemap_module
from geo.render.basemap import Basemap, ensure_static_basemap, labels_url
from geo.render.labels import (LABEL_KINDS, MAX_LABEL_ZOOM, MAX_TOWNS, Label,
                               label_box, label_rows, map_labels, mercator, rows_js, shown_at,
                               thin, world_labels)
from geo.render.page import build_map
from tests.test_mapview import fake_parties, tiny_basemap


def city(name, lat, lon, population, cc="SY", gid=None, alternate=False, feature="city"):
    return Candidate(gazetteer_id=gid or f"geonames:{name}", name=name, lat=lat, lon=lon,
                     feature=feature, country_code=cc, population=population,
                     alternate=alternate)


class FakeGazetteer:
    """Stands in for geo.places.Gazetteer: two countries, their capitals, a few towns."""

    def __init__(self, towns=()):
        self.stamp = "fake-1"
        self.countries = {"SY": city("Syria", 35.0, 38.5, 17_000_000, feature="country"),
                          "BR": city("Brazil", -10.8, -52.9, 200_000_000, cc="BR",
                                     feature="country")}
        self.cities = [
            city("Damascus", 33.51, 36.29, 1_569_394),
            city("Aleppo", 36.20, 37.16, 2_098_210),
            city("Homs", 34.72, 36.73, 775_404),
            city("Saraqib", 35.86, 36.80, 32_000),
            city("Kafranbel", 35.61, 36.56, 45_652),
            city("Tiny", 35.30, 37.90, 600),
            city("Brasília", -15.78, -47.93, 2_207_718, cc="BR"),
            city("Sobral", -3.69, -40.35, 188_233, cc="BR"),
            # an alternate name of Aleppo must not give a second label
            city("Halab", 36.20, 37.16, 2_098_210, gid="geonames:Aleppo", alternate=True),
            *towns]

    def country(self, code):
        return self.countries.get(code)

    def candidates(self, name):
        return [c for c in self.cities if normalize(c.name) == normalize(name)]

    def city_names(self, min_population):
        return sorted({c.name for c in self.cities
                       if c.population >= min_population and not c.alternate})

    def in_country(self, code):
        return [(c.name.lower(), c) for c in self.cities if c.country_code == code]


def _names(rows, zoom):
    return set(shown_at(rows, zoom))


# --- which labels at which zoom ----------------------------------------------------------------

def test_country_names_first_then_capitals_and_cities_then_towns():
    labels = map_labels(FakeGazetteer(), ["SY"])
    rows = labels.world + labels.local
    assert _names(rows, 2) == {"Syria", "Brazil"}  # the world view: countries only
    assert {"Damascus", "Brasília"} <= _names(rows, 3)
    assert {"Damascus", "Aleppo", "Homs", "Brasília"} <= _names(rows, 6)
    assert "Saraqib" not in _names(rows, 6) and "Saraqib" in _names(rows, 9)
    assert "Tiny" not in _names(rows, 10) and "Tiny" in _names(rows, 12)
    assert "Syria" not in _names(rows, 9)  # a country's name goes once its towns show
    # fractional zooms (the map snaps to quarters) read the zoom below
    assert _names(rows, 9.75) == _names(rows, 9)
    assert _names(rows, 18) == _names(rows, MAX_LABEL_ZOOM)


def test_the_world_layer_holds_only_the_big_names_and_towns_only_for_the_items_countries():
    gaz = FakeGazetteer()
    world = {lb.name: lb.kind for lb in world_labels(gaz)}
    assert world == {"Syria": "country", "Brazil": "country", "Damascus": "capital",
                     "Brasília": "capital", "Aleppo": "major", "Homs": "city"}
    labels = map_labels(gaz, ["SY"])
    local = {row[2] for row in labels.local}
    assert {"Saraqib", "Kafranbel"} <= local and "Sobral" not in local
    assert not local & {row[2] for row in labels.world}  # each place labelled once
    assert map_labels(gaz, []).local is None
    assert map_labels(gaz, ["SY"], world=False).world is None  # the page fetches it


def test_towns_near_the_items_come_first_when_their_positions_are_known():
    far = city("Faraway", 32.5, 41.5, 800)  # ~500 km from Saraqib
    gaz = FakeGazetteer(towns=[far])
    assert "Faraway" in {row[2] for row in map_labels(gaz, ["SY"]).local}
    local = {row[2] for row in map_labels(gaz, ["SY"], near=[(35.86, 36.80)]).local}
    assert "Faraway" not in local and {"Tiny", "Saraqib", "Kafranbel"} <= local


def test_labels_never_overlap_at_a_zoom():
    # a dense cluster of towns: at each zoom the labels shown do not overlap
    towns = [city(f"Town{k:02d}", 35.0 + (k % 6) * 0.03, 37.0 + (k // 6) * 0.05, 20_000 + k)
             for k in range(36)]
    labels = [lb for lb in (Label(c.name, c.lat, c.lon, "town", c.population, c.gazetteer_id)
                            for c in towns)]
    masks = thin(labels)
    for z in range(MAX_LABEL_ZOOM + 1):
        scale = 256 * 2 ** z
        boxes = [label_box(lb, *(v * scale for v in mercator(lb.lat, lb.lon)))
                 for lb, m in zip(labels, masks) if m >> z & 1]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), z
    shown = [sum(m >> z & 1 for m in masks) for z in range(7, MAX_LABEL_ZOOM + 1)]
    assert shown[0] < shown[-1] == 36  # thinned when zoomed out, all of them close in
    assert shown == sorted(shown)


def test_a_capital_keeps_its_place_before_a_country_name_and_a_bigger_city():
    capital = Label("Beirut", 33.89, 35.50, "capital", 1_900_000, "b")
    country = Label("Lebanon", 33.9, 35.6, "country", 6_000_000, "lb")
    bigger = Label("Bigcity", 33.9, 35.55, "city", 5_000_000, "c")
    masks = thin([country, bigger, capital])
    assert all(masks[2] >> z & 1 for z in capital.zooms())
    assert not masks[1] >> 5 & 1 and not masks[0] >> 5 & 1


# --- the page ----------------------------------------------------------------------------------

def _frame(cc="SY"):
    row = dict.fromkeys(MAP_COLUMNS)
    row.update(kind="place", place="Saraqib", lat=35.86, lon=36.80, precision="city",
               country_code=cc, article_id="a", title="t", sentence="In Saraqib.", start=0,
               end=7)
    return pd.DataFrame([row], columns=list(MAP_COLUMNS))


def _page(labels, **kwargs) -> str:
    return build_map(_frame(), parties=fake_parties(),
                     basemap=Basemap(countries=tiny_basemap(), labels=labels),
                     **kwargs).get_root().render()


def _inline_rows(page: str) -> list:
    found = re.findall(r'geoLabelData \|\| \{\}\)\["\w+"\] = (\[.*?\]);</script>', page)
    return [row for text in found for row in json.loads(text)]


def test_the_page_carries_the_labels_under_the_markers_and_credits_geonames():
    labels = map_labels(FakeGazetteer(), ["SY"])
    page = _page(labels)
    rows = _inline_rows(page)
    assert sorted(map(tuple, rows)) == sorted(map(tuple, labels.world + labels.local))
    assert "geoLabels(" in page and "GeoNames" in page and "CC BY 4.0" in page
    assert re.search(r"interactive: false", page) and 'pointerEvents = "none"' in page
    assert "geoLabels(" not in build_map(_frame(), parties=fake_parties(), basemap=False
                                         ).get_root().render()


def test_a_hostile_name_reaches_the_page_as_inert_text():
    evil = "</script><script>alert(1)</script>{{7*7}}&amp;"
    gaz = FakeGazetteer(towns=[city(evil, 35.5, 36.5, 50_000)])
    page = _page(map_labels(gaz, ["SY"]))
    assert "<script>alert(1)" not in page and "\\u003c/script\\u003e" in page
    assert evil in {row[2] for row in _inline_rows(page)}  # decoded back to the same text
    code = page.split("window.geoLabels = ")[1].split("})();")[0]
    assert "textContent" in code and "innerHTML" not in code


def test_the_dashboard_fetches_the_world_layer_from_a_static_file(tmp_path, monkeypatch):
    gaz = FakeGazetteer()
    urls = ensure_static_basemap(static_dir=tmp_path, gazetteer=gaz)
    written = tmp_path / "basemap" / "labels.json"
    assert json.loads(written.read_text(encoding="utf-8")) == map_labels(gaz).world
    mtime = written.stat().st_mtime_ns
    ensure_static_basemap(static_dir=tmp_path, gazetteer=gaz)
    assert written.stat().st_mtime_ns == mtime  # written once while the gazetteer is the same
    if urls:  # the boundaries are there: the page fetches the labels beside the outlines
        assert labels_url(urls["countries_geojson"]) == "/app/static/basemap/labels.json"
    monkeypatch.setattr(basemap_module, "load_map_labels",
                        lambda codes, world=True, near=None: map_labels(gaz, codes, world, near))
    from geo.render import assets
    page = build_map(_frame(), parties=fake_parties(), basemap=None, asset_mode="static",
                     static_urls={**assets.static_urls(),
                                  "countries_geojson": "/app/static/basemap/countries.json"}
                     ).get_root().render()
    assert '"url": "/app/static/basemap/labels.json"' in page
    assert ".addTo(map).bringToBack()" in page  # fetched outlines go under the provinces
    assert {row[2] for row in _inline_rows(page)} == {row[2] for row in map_labels(gaz, ["SY"]).local}


def test_rows_are_compact():
    rows = label_rows([Label("Aleppo", 36.201245, 37.161171, "city", 2_000_000, "x")], [1 << 5])
    assert rows == [[36.201, 37.161, "Aleppo", LABEL_KINDS.index("city"), 32]]
    assert label_rows([Label("Hidden", 1, 1, "town")], [0]) == []


# --- size bound, on the real gazetteer ------------------------------------------------------------

def test_the_labels_of_a_map_stay_small(gazetteer):
    labels = map_labels(gazetteer, ["SY"])
    world, local = len(rows_js(labels.world).encode()), len(rows_js(labels.local).encode())
    assert world < 70_000 and local < 20_000, (world, local)
    names = {row[2] for row in labels.world}
    assert {"Damascus", "Aleppo", "Syria", "Moscow", "Baku"} <= names
    assert "Saraqib" not in names and "Saraqib" in {row[2] for row in labels.local}
    # a country of 20,000 towns is bounded too, and so are the sample's seven countries
    sample = map_labels(gazetteer, ["AZ", "AM", "RU", "TR", "SY", "LY", "SE"], world=False)
    assert len(sample.local) <= MAX_TOWNS and len(rows_js(sample.local).encode()) < 75_000
    us = map_labels(gazetteer, ["US"], world=False).local
    assert len(us) <= MAX_TOWNS and len(rows_js(us).encode()) < 75_000


def test_world_view_shows_countries_and_a_closer_view_the_towns(gazetteer):
    labels = map_labels(gazetteer, ["SY"])
    rows = labels.world + labels.local
    at2 = _names(rows, 2)
    assert {"Russia", "China", "Brazil"} <= at2 and len(at2) < 80
    assert "Saraqib" not in _names(rows, 7) and "Saraqib" in _names(rows, 9)
    syria = [r for r in rows if 32 < r[0] < 37.5 and 35.5 < r[1] < 42.5]
    assert {"Damascus", "Aleppo", "Homs"} <= _names(syria, 6)
    assert 10 <= len(_names(syria, 7)) <= 60  # readable at the country's zoom


def test_a_capital_stays_once_shown(gazetteer):
    # towns make way for a capital when zooming in, never the other way round
    labels = map_labels(gazetteer, ["SY"])
    rows = labels.world + labels.local
    assert all("Damascus" in _names(rows, z) for z in range(6, MAX_LABEL_ZOOM + 1))
