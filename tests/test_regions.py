"""Tests for geo/places/regions.py against the committed data/boundaries.gpkg."""
import csv
import math

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString, Point

from geo.config import DATA_DIR
from geo.places.regions import ascii_fold, load_regions, match_admin1, name_key, split_names

NAMED_CSV = DATA_DIR / "named_regions.csv"


def _members():
    with open(NAMED_CSV, newline="", encoding="utf-8") as fh:
        return [(row["id"], member, row["country_code"])
                for row in csv.DictReader(fh) for member in split_names(row["members"])]


def _km(lat1, lon1, lat2, lon2):
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def regions():
    return load_regions()


@pytest.mark.parametrize("lat, lon, country, admin1, region", [
    (39.52, 47.0312, "AZ", "Xocavand", "Nagorno-Karabakh"),  # Hadrut
    (55.7522, 37.6156, "RU", "Moskva", None),                 # Moscow
    (50.45, 30.52, "UA", "Kiev City", None),                  # Kyiv
    (48.0, 37.8, "UA", "Donets'k", "Donbas"),                 # Donetsk
    (44.6, 33.52, "UA", "Sevastopol", "Crimea"),              # ISO 3166: Crimea is UA
    (31.52, 34.45, "PS", "Gaza Strip", "Gaza Strip"),         # Gaza City
    (36.19, 44.01, "IQ", "Arbil", "Kurdistan Region"),        # Erbil
    (13.63, 25.35, "SD", "North Darfur", "Darfur"),           # El Fasher
    (40.0, -40.0, None, None, None),                          # open Atlantic
])
def test_join_known_places(regions, lat, lon, country, admin1, region):
    row = regions.join_latlon([lat], [lon]).iloc[0]
    assert (row["country_code"], row["admin1"], row["region"]) == (country, admin1, region)


@pytest.mark.parametrize("lat, lon, country", [
    (46.45, 30.82, "UA"),  # ~5 km off Odesa in the Black Sea
    (35.87, 14.56, "MT"),  # just off Valletta
])
def test_point_just_off_coast_gets_nearest_country(regions, lat, lon, country):
    assert not regions.countries_frame().intersects(Point(lon, lat)).any()  # really in the sea
    assert regions.join_latlon([lat], [lon]).iloc[0]["country_code"] == country


def test_point_far_offshore_stays_unmatched(regions):
    assert regions.join_latlon([46.2], [31.2]).iloc[0]["country_code"] is None  # ~45 km out


def test_join_keeps_index_order_and_missing_geometries(regions):
    points = gpd.GeoDataFrame({"label": ["moscow", "none", "empty", "hadrut"]},
                              geometry=[Point(37.6156, 55.7522), None, Point(), Point(47.0312, 39.52)],
                              index=[10, 3, 3, 7], crs="EPSG:4326")
    out = regions.join(points)
    assert list(out.index) == [10, 3, 3, 7] and list(out["label"]) == list(points["label"])
    assert out["country_code"].tolist() == ["RU", None, None, "AZ"]
    assert out["region"].tolist() == [None, None, None, "Nagorno-Karabakh"]
    assert "country_code" not in points.columns  # input untouched


def test_join_latlon_nan_and_length(regions):
    out = regions.join_latlon([np.nan, 55.75], [10.0, 37.62])
    assert out["country_code"].tolist() == [None, "RU"]
    with pytest.raises(ValueError, match="differ in length"):
        regions.join_latlon([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="out of range"):
        regions.join_latlon([95.0], [1.0])


@pytest.mark.parametrize("crs, match", [
    ("EPSG:3857", "got CRS EPSG:3857, expected EPSG:4326"),
    (None, "got CRS None, expected EPSG:4326"),
])
def test_join_rejects_wrong_crs(regions, crs, match):
    points = gpd.GeoDataFrame(geometry=[Point(0, 0)], crs=crs)
    with pytest.raises(ValueError, match=match):
        regions.join(points)


def test_join_rejects_non_points(regions):
    points = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1, 1)])], crs="EPSG:4326")
    with pytest.raises(ValueError, match="Point geometries"):
        regions.join(points)
    with pytest.raises(TypeError, match="GeoDataFrame"):
        regions.join([Point(0, 0)])


@pytest.mark.parametrize("alias", ["Artsakh", "artsakh", "Nagorno Karabakh", "Mountainous Karabakh",
                                   "nagorno-karabakh"])
def test_named_region_alias_lookup(regions, alias):
    geom = regions.named_region(alias)
    assert geom is not None and geom.equals(regions.named_region("Nagorno-Karabakh"))


def test_named_region_unknown_is_none(regions):
    assert regions.named_region("Atlantis") is None


def test_nagorno_karabakh_centroid(regions):
    frame = regions.named_regions_frame().set_index("name")
    row = frame.loc["Nagorno-Karabakh"]
    assert _km(row["lat"], row["lon"], 39.85, 46.75) < 60
    assert {"id", "aliases", "country_code", "geometry"} <= set(frame.columns)


@pytest.mark.parametrize("region_id, member, country_code", _members())
def test_named_region_members_exist_in_admin1(regions, region_id, member, country_code):
    hits = match_admin1(regions.admin1_frame(), member, country_code)
    assert len(hits) >= 1, f"{region_id}: {member!r} not in admin1 ({country_code})"


def test_gazetteer_frames(regions):
    admin1 = regions.admin1_frame()
    assert {"adm1_code", "name", "name_alt", "iso_a2", "country", "lat", "lon"} <= set(admin1.columns)
    assert admin1["adm1_code"].is_unique and admin1["name"].map(str.isascii).all()
    countries = regions.countries_frame().set_index("iso_a2")
    assert {"FR", "NO", "XK", "AZ", "AM", "PS"} <= set(countries.index)
    assert _km(countries.loc["NO", "lat"], countries.loc["NO", "lon"], 64.5, 12.0) < 400  # not Svalbard


@pytest.mark.parametrize("level, codes", [("countries", None), ("admin1", ["AZ", "am"])])
def test_basemap_geojson(regions, level, codes):
    fc = regions.basemap_geojson(level, country_codes=codes)
    assert fc["type"] == "FeatureCollection" and fc["features"]
    assert all({"name", "iso_a2"} <= set(f["properties"]) for f in fc["features"])
    if codes:
        assert {f["properties"]["iso_a2"] for f in fc["features"]} == {"AZ", "AM"}
    assert regions.basemap_geojson(level, country_codes=codes) is fc  # cached


def test_basemap_geojson_rejects_bad_level(regions):
    with pytest.raises(ValueError, match="level must be one of"):
        regions.basemap_geojson("admin2")


@pytest.mark.parametrize("text, folded, key", [
    ("Xocavənd", "Xocavand", "xocavand"),
    ("Donets'k", "Donets'k", "donetsk"),
    ("Nagorno-Karabakh", "Nagorno-Karabakh", "nagorno karabakh"),
])
def test_name_normalisation(text, folded, key):
    assert ascii_fold(text) == folded and name_key(text) == key


def test_load_regions_is_cached():
    assert load_regions() is load_regions()


def test_tag_places_follows_the_precision_of_each_place(regions):
    from geo.places.regions import tag_places
    from geo.records import Place

    town = Place("Hadrut", 0, 6, 39.52, 47.0312, "city", None)
    country = Place("Azerbaijan", 10, 20, 39.52, 47.0312, "country", "AZ")
    unit = Place("Donetsk region", 30, 44, 48.0, 37.8, "admin1", "UA", admin1="Donetsk Oblast")
    unresolved = Place("Nowhere", 50, 57)
    tag_places([town, country, unit, unresolved], regions)
    assert (town.country_code, town.admin1, town.region) == ("AZ", "Xocavand", "Nagorno-Karabakh")
    assert (country.admin1, country.region) == (None, None)  # a centroid says nothing finer
    assert (unit.admin1, unit.region) == ("Donetsk Oblast", "Donbas")  # the gazetteer's unit stays
    assert unresolved.country_code is None and unresolved.region is None


def test_bundled_regions_are_the_loaded_boundaries():
    from geo.places.regions import bundled_regions

    assert bundled_regions() is load_regions()
