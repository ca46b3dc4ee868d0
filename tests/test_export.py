"""Exports: standalone HTML (offline), CSV (formula guard), GeoJSON and GeoPackage (round
trip), PNG (browser)."""
from __future__ import annotations

import os

import json
import re

import pandas as pd
import pytest

from geo.render import assets, exports
from geo.records import MAP_COLUMNS
from tests.test_mapview import (HOSTILE_JINJA, HOSTILE_TITLE, fake_parties, hostile_frame, map_frame,
                                tiny_basemap)

MAP_KW = {"parties": fake_parties(), "basemap": tiny_basemap()}


# --- HTML -----------------------------------------------------------------------------------------

def test_export_html_is_standalone(tmp_path):
    out = tmp_path / "map.html"
    page = exports.export_html(map_frame(), out, **MAP_KW)
    assert out.read_text(encoding="utf-8") == page
    assert assets.external_resources(page) == []
    assert not re.search(r"""<(script|link)\b[^>]*(src|href)=["']?https?:""", page, re.I)
    js, _ = assets.inline_assets()
    assert js[:200] in page  # Leaflet itself is in the file
    assert "<title>Conflict map</title>" in page


def test_export_html_with_online_tiles_adds_only_the_tile_url():
    page = exports.export_html(map_frame(), None, online_tiles=True, **MAP_KW)
    assert assets.external_resources(page) == []
    hosts = set(re.findall(r"https?://([a-z0-9.{}-]+)/", page))
    assert any("openstreetmap.org" in h for h in hosts)


def test_export_html_escapes_hostile_text():
    page = exports.export_html(hostile_frame(), None, **MAP_KW)
    assert HOSTILE_TITLE not in page and "<img src=x" not in page


def test_export_html_refuses_asset_mode():
    with pytest.raises(TypeError, match="inlines"):
        exports.export_html(map_frame(), None, asset_mode="cdn")


# --- CSV ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"),
    ("+1", "'+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tcmd", "'\tcmd"),
    ("Baku", "Baku"), (None, None), (-46.5, -46.5),
    ("  =1+1", "'  =1+1"), ("\uff1dSUM(A1)", "'\uff1dSUM(A1)"), ("\u3000@x", "'\u3000@x"),
    ("", ""), ("   ", "   "),
])
def test_guard_formula(value, expected):
    assert exports.guard_formula(value) == expected


def test_export_csv_guards_text_but_not_numbers(tmp_path):
    frame = map_frame()
    frame.loc[0, "title"] = "=cmd|' /C calc'!A0"
    frame.loc[1, "sentence"] = "@SUM(1+1)"
    frame.loc[2, "lon"] = -70.25  # a negative number stays a number
    out = exports.export_csv(frame, tmp_path / "items.csv")
    back = pd.read_csv(out)
    assert list(back.columns[:len(MAP_COLUMNS)]) == list(MAP_COLUMNS)  # the contract's order
    assert back.loc[0, "title"] == "'=cmd|' /C calc'!A0"
    assert back.loc[1, "sentence"] == "'@SUM(1+1)"
    assert back.loc[2, "lon"] == -70.25
    assert len(back) == len(frame)


# --- GeoJSON --------------------------------------------------------------------------------------

def test_export_geojson_round_trips(tmp_path):
    import geopandas as gpd

    frame = map_frame()
    out = exports.export_geojson(frame, tmp_path / "items.geojson")
    raw = json.loads(out.read_text(encoding="utf-8"))
    assert raw["type"] == "FeatureCollection" and len(raw["features"]) == len(frame)
    nulls = [f for f in raw["features"] if f["geometry"] is None]
    assert len(nulls) == 1 and nulls[0]["properties"]["outcome"] == "wounded"
    baku = next(f for f in raw["features"] if f["properties"]["place"] == "Baku")
    assert baku["geometry"] == {"type": "Point", "coordinates": [49.8671, 40.4093]}

    back = gpd.read_file(out)
    assert back.crs.to_epsg() == 4326
    assert len(back) == len(frame)
    assert back["geometry"].isna().sum() + back["geometry"].is_empty.sum() == 1
    assert list(back["kind"]) == list(frame["kind"])
    assert list(back["title"]) == list(frame["title"])


# --- dispatch -------------------------------------------------------------------------------------

def test_export_geopackage_opens_with_pyogrio(tmp_path):
    import pyogrio

    frame = hostile_frame()
    path = exports.export(frame, "gpkg", tmp_path / "items.gpkg")
    info = pyogrio.read_info(path, layer=exports.GPKG_LAYER)
    assert info["geometry_type"] == "Point" and info["features"] == len(frame)
    assert info["crs"] == "EPSG:4326"
    back = pyogrio.read_dataframe(path)
    assert list(back["title"]) == list(frame["title"])  # text as written, no guard needed
    mapped = back.geometry.notna()
    assert mapped.sum() == frame["lat"].notna().sum()
    # written again: replaced, not a second layer or appended rows
    exports.export(frame.head(2), "gpkg", path)
    assert pyogrio.read_info(path)["features"] == 2 and len(pyogrio.list_layers(path)) == 1


@pytest.mark.parametrize("fmt", ["csv", "geojson", "gpkg", "html"])
def test_export_dispatch(fmt, tmp_path):
    kwargs = MAP_KW if fmt == "html" else {}
    out = exports.export(map_frame(), fmt, tmp_path / f"items.{fmt}", **kwargs)
    assert out.is_file() and out.stat().st_size > 100


def test_export_rejects_unknown_format_and_options(tmp_path):
    with pytest.raises(ValueError, match="fmt"):
        exports.export(map_frame(), "xlsx", tmp_path / "x.xlsx")
    with pytest.raises(TypeError, match="no options"):
        exports.export(map_frame(), "csv", tmp_path / "x.csv", online_tiles=True)


def test_missing_chromium_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("GEO_CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setattr(exports, "CHROMIUM_CANDIDATES", ("/nonexistent/chromium",))
    monkeypatch.setattr(exports.shutil, "which", lambda name: None)
    with pytest.raises(exports.BrowserNotFound, match="Chromium not found"):
        exports.export_png("<html></html>", "/tmp/never.png")


# --- in a real browser, network blocked -------------------------------------------------------------

def _chromium_or_skip() -> str:
    if os.environ.get("CI"):  # CI installs Chromium: there the PNG checks must run, not skip
        return exports.find_chromium()
    pytest.importorskip("playwright.sync_api")
    try:
        return exports.find_chromium()
    except exports.BrowserNotFound as err:
        pytest.skip(str(err))


@pytest.mark.browser
def test_standalone_html_renders_offline_and_snapshots(tmp_path):
    from PIL import Image
    from playwright.sync_api import sync_playwright

    chromium = _chromium_or_skip()
    page_path = tmp_path / "map.html"
    exports.export_html(hostile_frame(), page_path, **MAP_KW)

    remote, errors, dialogs = [], [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True,
                                     args=exports.CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 700})
            page.on("pageerror", lambda err: errors.append(str(err)))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

            def block(route):
                remote.append(route.request.url)
                route.abort()
            page.route(lambda url: url.startswith(("http://", "https://")), block)
            page.goto(page_path.as_uri())
            exports.wait_for_map(page)

            count = lambda sel: page.locator(sel).count()  # noqa: E731
            assert count("path.geo-place") == 3
            # the two Armenian figures at one spot are one marker standing for both
            assert count("path.geo-casualty") == 2
            assert count('path.geo-casualty.party-armenia[data-items="2"]') == 1
            assert count(".geo-claim") == 3
            assert count("path.party-azerbaijan") == 1
            assert count(".leaflet-overlay-pane path.leaflet-interactive") >= 5
            assert "Armenia" in page.locator(".geo-legend").inner_text()
            assert page.locator(".leaflet-control-layers").count() == 1

            # open a casualty popup: the hostile title shows as text, no element is created
            page.locator("path.party-azerbaijan").click(force=True)
            popup = page.locator(".leaflet-popup-content")
            popup.wait_for()
            assert HOSTILE_TITLE in popup.inner_text()
            # a reporter that is no party: "according to ..."; shown as text, not run
            assert "according to " + HOSTILE_JINJA + ":" in popup.inner_text()
            assert popup.locator("img, script").count() == 0
            assert popup.locator("a[href^='javascript']").count() == 0
        finally:
            browser.close()
    assert remote == [], remote
    assert errors == [] and dialogs == []

    png = exports.export_png(page_path, tmp_path / "map.png", width=900, height=600)
    assert png.stat().st_size > 10_000
    with Image.open(png) as img:
        assert img.size == (900, 600)
        colors = img.convert("RGB").getcolors(maxcolors=1_000_000)
        assert len(colors) > 50  # outlines, markers, legend: far from a blank page


@pytest.mark.parametrize("fmt, head", [("csv", b"kind,"), ("geojson", b"{"), ("html", b"<!DOCTYPE")])
def test_export_bytes(fmt, head):
    data = exports.export_bytes(map_frame(), fmt, **({"basemap": False} if fmt == "html" else {}))
    assert data.lstrip().upper().startswith(head.upper())


@pytest.mark.parametrize("fmt", ["csv", "html"])
def test_an_export_to_a_fifo_is_refused_before_anything_is_written(tmp_path, fmt):
    # issue 16.9: opening a FIFO for writing blocks until a reader comes: refused instead
    import os

    from geo.render.exports import export

    fifo = tmp_path / "out"
    os.mkfifo(fifo)
    frame = pd.DataFrame([{"kind": "place", "lat": 48.0, "lon": 37.8, "place": "Donetsk",
                           "article_id": "a"}])
    with pytest.raises(OSError, match="it is a FIFO, expected a regular file"):
        export(frame, fmt, fifo)


def test_exported_rows_quote_a_window_of_a_huge_sentence(tmp_path):
    """A sentence listing thousands of villages is written once per row as its quote around
    the row's span (300 characters either side), not whole: an 8,000-place article made a
    689 MB CSV. Short sentences are written whole."""
    import pandas as pd

    from geo.records import MAP_COLUMNS

    names = [f"Village{i:04d}" for i in range(3000)]
    sentence = "Shelling hit " + ", ".join(names) + "."
    rows = []
    for i in (0, 1500, 2999):
        at = sentence.index(names[i])
        row = dict.fromkeys(MAP_COLUMNS)
        row.update(kind="place", place=names[i], lat=48.0, lon=37.0, sentence=sentence,
                   sentence_start=100, start=100 + at, end=100 + at + len(names[i]),
                   article_id="a")
        rows.append(row)
    short = dict(rows[0], sentence="Shelling hit Donetsk.", start=113, end=120)
    frame = pd.DataFrame(rows + [short], columns=list(MAP_COLUMNS))
    out = pd.read_csv(exports.export_csv(frame, tmp_path / "x.csv"))
    quotes = list(out["sentence"])
    assert all(len(q) < 700 for q in quotes)
    assert all(name in q for name, q in zip(("Village0000", "Village1500", "Village2999"), quotes))
    assert quotes[1].startswith("… ") and quotes[1].endswith(" …")
    assert quotes[3] == "Shelling hit Donetsk."
