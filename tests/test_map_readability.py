"""Issue 14, readability and clean exports: a colour per party unique on a map, markers at a
country's centre point spread apart and said to be country-level, chart axes with the year
and no repeated tick, the exports' title (period, export date), attribution, empty
selections, the Content-Security-Policy of the pages, and the PNG as a clean figure."""
from __future__ import annotations

import itertools
import json
import math
import re
from datetime import date
from html.parser import HTMLParser

import pandas as pd
import pytest

from geo.render import exports
from geo.render.mapitems import COARSE_SPREAD_MAX_PX, map_items, marker_radius_px, spread
from geo.render.page import content_security_policy
from geo.report.charts import time_axis, timeline_chart, timeline_data, tolls_charts, value_scale
from geo.report.labels import (MIN_COLOR_DISTANCE, UNATTRIBUTED_COLOR, PartyNames,
                               color_distance, distinct_colors, party_weights)
from tests.test_mapview import (FakeParties, FakeParty, _figure, _frame, _row, fake_parties,
                                marker_classes,
                                map_frame, markers, render, tiny_basemap)

MAP_KW = {"parties": fake_parties(), "basemap": tiny_basemap()}


# --- a colour per party -------------------------------------------------------------------------

def _same_colour_table(n: int, color: str = "#E69F00") -> FakeParties:
    return FakeParties([FakeParty(f"p{k:02d}", f"Party {k}", color) for k in range(n)])


@pytest.mark.parametrize("n", [2, 4, 12, 30, 45])
def test_parties_shown_together_never_share_a_colour(n):
    # the worst case: every party of the table has the same orange
    colors = distinct_colors({f"p{k:02d}": 1 for k in range(n)}, _same_colour_table(n))
    assert len(colors) == n and len(set(colors.values())) == n
    assert all(re.fullmatch(r"#[0-9a-fA-F]{6}", c) for c in colors.values())
    if n <= 30:  # and far enough apart to be told apart on a map, grey of "unattributed" too
        values = list(colors.values()) + [UNATTRIBUTED_COLOR]
        assert min(color_distance(a, b) for a, b in itertools.combinations(values, 2)) \
            >= MIN_COLOR_DISTANCE


def test_a_thousand_parties_still_get_six_digit_colours():
    # a store of 1,000 FA-KES and UCDP articles names ~700 claimants: the candidates run out
    from geo.report.labels import _unused

    taken = {f"#{0x101010 + k * 0x010203:06X}" for k in range(600)}
    assert re.fullmatch(r"#[0-9A-F]{6}", _unused(taken))
    colors = distinct_colors({f"p{k:04d}": 1 for k in range(1000)}, _same_colour_table(0))
    assert len(set(colors.values())) == 1000
    assert all(re.fullmatch(r"#[0-9a-fA-F]{6}", c) for c in colors.values())


def test_the_real_party_table_gives_thirty_parties_thirty_colours():
    from geo.parties import load_parties

    table = load_parties()
    pids = [p.id for p in table][:30] + ["ukraine", "israel", "syria", "hamas"]
    colors = distinct_colors({pid: 1 for pid in pids}, table)
    assert len(set(colors.values())) == len(colors) == len(set(pids))


def test_the_assignment_is_deterministic_and_keeps_the_tables_colours_first():
    table = FakeParties([FakeParty("ukraine", "Ukraine", "#0072B2"),
                         FakeParty("israel", "Israel", "#0072B2"),
                         FakeParty("armenia", "Armenia", "#E69F00"),
                         FakeParty("azerbaijan", "Azerbaijan", "#009E73")])
    weights = {"israel": 1, "ukraine": 9, "armenia": 3, "azerbaijan": 2}
    first = distinct_colors(weights, table)
    assert first == distinct_colors(dict(reversed(list(weights.items()))), table)
    # the party with more items keeps the colour they share; a party moved aside never takes
    # the colour of another one shown (Azerbaijan keeps its green)
    assert first["ukraine"] == "#0072B2" and first["israel"] != "#0072B2"
    assert first["armenia"] == "#E69F00" and first["azerbaijan"] == "#009E73"


def test_the_map_and_the_timeline_of_one_frame_colour_parties_alike():
    rows = [_figure(f"p{k:02d}", k + 1, lat=40 + k * 0.2, date="2020-10-01") for k in range(8)]
    frame = _frame(rows)
    table = _same_colour_table(8)
    page = render(frame, parties=table)
    layers = {m["className"].split("party-")[1].split()[0]: m for m in markers(page)}
    assert len(layers) == 8
    legend = json.loads(re.search(r'div\.innerHTML = ("(?:[^"\\]|\\.)*");', page).group(1))
    legend_colors = re.findall(
        r"background:(#[0-9a-fA-F]{6});opacity:1(?:\.0)?;border:1\.5px solid \1", legend)
    assert len(set(legend_colors)) == 8  # the map key: eight swatches, eight colours
    casualties, _ = timeline_data(frame, table)
    names = PartyNames(table).shown(frame)
    assert dict(zip(casualties["party"], casualties["color"])) == {
        names.name(f"p{k:02d}"): names.color(f"p{k:02d}") for k in range(8)}
    assert set(legend_colors) == set(casualties["color"])


def test_party_weights_count_victims_sides_and_claimants():
    frame = _frame([_figure("a", 1), _figure("a", 2),
                    _row(kind="claim", party=None, claimant="b", claim_text="x", lat=1, lon=1),
                    _row(kind="place", place="X", lat=1, lon=1)])
    assert party_weights(frame) == {"a": 2, "b": 1}
    assert party_weights(None) == {} and party_weights(frame.iloc[:0]) == {}


# --- markers at a country's centre point ---------------------------------------------------------

def _country_pile(n: int) -> pd.DataFrame:
    """n parties' figures and claims placed only at Syria's centre point."""
    at = {"lat": 35.0, "lon": 38.5, "place": "Syria", "precision": "country",
          "country_code": "SY"}
    rows = [_row(kind="place", sentence="In Syria.", **at)]
    rows += [_figure(f"p{k}", 10 * (k + 1), **at) for k in range(n)]
    rows += [_row(kind="claim", party=f"p{k}", claimant=f"p{k}", claim_text="x", **at)
             for k in range(n)]
    return _frame(rows)


@pytest.mark.parametrize("n", [3, 6, 10])
def test_markers_at_a_country_point_spread_so_that_each_can_be_clicked(n):
    items, _ = map_items(_country_pile(n).to_dict("records"))
    spread(items)
    ring = [it for it in items if it.offset_px != (0, 0)]
    assert len(ring) == 2 * n  # every figure and claim moved off the point, the place kept
    assert {(it.lat, it.lon) for it in items} == {(35.0, 38.5)}  # never moved on the map
    assert all(math.hypot(*it.offset_px) <= COARSE_SPREAD_MAX_PX for it in ring)
    # each marker's centre lies outside every other marker's disc: a click there is its own
    for a, b in itertools.combinations(ring, 2):
        d = math.dist(a.offset_px, b.offset_px)
        assert d >= min(marker_radius_px(a), marker_radius_px(b)), (a.party, b.party)
    again, _ = map_items(list(reversed(_country_pile(n).to_dict("records"))))
    spread(again)
    assert sorted(it.offset_px for it in again) == sorted(it.offset_px for it in items)


def test_a_country_level_popup_and_tooltip_say_so():
    page = render(_country_pile(2), parties=FakeParties([FakeParty("p0", "<b>P0</b>", "#123456"),
                                                         FakeParty("p1", "P1", "#654321")]))
    coarse = [m for m in markers(page) if "geo-coarse" in m["className"]]
    assert len(coarse) == 5  # the place, two figures, two claims
    for m in coarse:
        assert "Country-level (Syria):" in m["popup"] and "centre point" in m["popup"]
        assert m["tooltip"].endswith("(country-level)")
    assert "<b>P0</b>" not in page  # party names stay escaped
    fine = render()  # the seed: towns are not country-level
    assert not any("Country-level" in m["popup"] for m in markers(fine)
                   if "geo-coarse" not in m["className"])


# --- chart axes ----------------------------------------------------------------------------------

@pytest.mark.parametrize("first, last, interval", [
    ("2020-10-01", "2020-10-01", "day"), ("2020-09-27", "2020-10-05", "day"),
    ("2020-09-01", "2020-10-20", "week"), ("2014-05-01", "2015-02-01", "month"),
    ("2014-01-22", "2020-10-01", "year")])
def test_time_axes_carry_the_year_and_never_repeat_a_tick(first, last, interval):
    axis = time_axis(first, last)
    assert axis["axis"]["tickCount"]["interval"] == interval
    assert "%Y" in axis["axis"]["format"]  # months and days with their year
    lo, hi = (pd.Timestamp(d) for d in axis["scale"]["domain"])
    assert hi > lo  # one day alone still has a width
    # ticks no closer than the unit the labels show: two ticks never read the same
    fmt = axis["axis"]["format"]
    shown_unit = "day" if "%d" in fmt or "%-d" in fmt else "month" if "%b" in fmt else "year"
    order = ["day", "week", "month", "year"]
    assert order.index(interval) >= order.index(shown_unit)


def test_no_point_is_drawn_above_its_value_axis():
    scale = value_scale(330_000)
    assert scale["domain"][0] == 0 and scale["domain"][1] > 330_000 * 1.05
    assert value_scale(None)["domain"] == [0, 1.0]


def test_the_charts_use_these_axes():
    frame = _frame([_figure("armenia", 14, date="2020-09-28"), _figure("azerbaijan", 3,
                                                                        date="2020-10-02")])
    spec = timeline_chart(frame, fake_parties()).to_dict()
    x = spec["vconcat"][0]["encoding"]["x"]
    assert x["axis"]["tickCount"] == {"interval": "day", "step": 1}
    assert "%Y" in x["axis"]["format"]
    y = spec["vconcat"][0]["encoding"]["y"]
    assert y["scale"]["domain"][1] > 14
    assert tolls_charts([], fake_parties()) == []  # no toll: no chart, no empty axis


# --- exports: title, attribution, empty selections, CSP -----------------------------------------

def test_an_export_states_the_period_and_its_date_and_credits_the_basemap():
    page = exports.export_html(map_frame(), None, **MAP_KW)  # all dates: the data's own
    assert "30 Sep 2020" in page and f"Exported {date.today().isoformat()}" in page
    assert "Boundaries: Natural Earth" in page
    chosen = exports.export_html(map_frame(), None, period=("2020-09-01", "2020-10-15"),
                                 **MAP_KW)
    assert "1 Sep 2020 \\u2013 15 Oct 2020" in chosen
    frame = map_frame()
    frame.loc[0, "date"] = "2020-09-27"
    assert exports.period_text(frame) == "27 Sep 2020 \u2013 30 Sep 2020"
    assert exports.period_text(frame.assign(date=None, article_date=None)) == "undated items"


@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_an_empty_selection_exports_nothing_and_says_so(fmt, tmp_path):
    out = tmp_path / f"x.{fmt}"
    with pytest.raises(exports.NothingToExport, match="nothing to export"):
        exports.export(map_frame().iloc[:0], fmt, out)
    assert not out.exists()


def test_a_map_of_items_without_coordinates_is_not_exported(tmp_path):
    frame = map_frame().assign(lat=None, lon=None)
    assert exports.mappable(frame) == 0 and exports.mappable(map_frame()) > 0
    with pytest.raises(exports.NothingToExport):
        exports.export(frame, "html", tmp_path / "x.html", **MAP_KW)


class _Meta(HTMLParser):
    def __init__(self):
        super().__init__()
        self.csp, self.first_script_at = [], None
        self.order = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.order.append(tag)
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == \
                "content-security-policy":
            self.csp.append((len(self.order), attrs.get("content") or ""))
        if tag == "script" and self.first_script_at is None:
            self.first_script_at = len(self.order)


def _policy(page: str) -> tuple[dict, _Meta]:
    parser = _Meta()
    parser.feed(page)
    assert len(parser.csp) == 1, parser.csp
    directives = {}
    for part in parser.csp[0][1].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives, parser


@pytest.mark.parametrize("tiles", [False, True])
def test_the_exported_page_has_a_csp_that_forbids_remote_scripts(tiles):
    page = exports.export_html(map_frame(), None, online_tiles=tiles, **MAP_KW)
    csp, parser = _policy(page)
    assert parser.csp[0][0] < parser.first_script_at  # before any script it governs
    assert csp["default-src"] == ["'none'"]
    assert csp["script-src"] == ["'unsafe-inline'"]  # inlined only: no host, no 'self'
    assert csp["connect-src"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    remote_images = [s for s in csp["img-src"] if s.startswith("https:")]
    assert bool(remote_images) is tiles
    assert all("openstreetmap.org" in s for s in remote_images)


def test_the_dashboards_map_page_allows_only_its_own_server():
    csp = content_security_policy("static")
    assert "script-src 'unsafe-inline' 'self';" in csp and "connect-src 'self'" in csp
    assert "http" not in csp
    page = render(asset_mode="static", static_urls={"leaflet_js": "/app/static/l.js",
                                                    "leaflet_css": "/app/static/l.css"})
    directives, _ = _policy(page)
    assert directives["script-src"] == ["'unsafe-inline'", "'self'"]


# --- the PNG: a clean figure ---------------------------------------------------------------------

@pytest.mark.browser
def test_the_png_is_a_figure_with_no_buttons_and_the_whole_key(tmp_path):
    from PIL import Image
    from playwright.sync_api import sync_playwright

    try:
        chromium = exports.find_chromium()
    except exports.BrowserNotFound as err:
        pytest.skip(str(err))
    rows = [_figure(f"p{k:02d}", k + 1, lat=40 + k * 0.3, lon=45.0) for k in range(24)]
    frame = _frame(rows)
    table = _same_colour_table(24)
    png = exports.export(frame, "png", tmp_path / "map.png", parties=table,
                         basemap=tiny_basemap(), width=1200, height=800)
    with Image.open(png) as img:
        assert img.size == (1200, 800)
    page_path = tmp_path / "snapshot.html"
    page_path.write_text(exports.export_html(frame, None, snapshot=True, parties=table,
                                             basemap=tiny_basemap()), encoding="utf-8")
    violations = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True,
                                     args=exports.CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            page.on("console", lambda m: violations.append(m.text)
                    if "Content Security Policy" in m.text else None)
            page.goto(page_path.as_uri())
            exports.wait_for_map(page)
            assert not page.locator(".leaflet-control-zoom").is_visible()
            assert not page.locator(".leaflet-control-layers").is_visible()
            assert page.locator(".leaflet-control-scale").is_visible()
            assert "Natural Earth" in page.locator(".leaflet-control-attribution").inner_text()
            title = page.locator(".geo-title").inner_text()
            assert "Exported " + date.today().isoformat() in title and "2020" in title
            # every party in the key, none cut off (no scrolling in a picture)
            body = page.locator(".geo-legend-body")
            assert body.evaluate("e => e.scrollHeight <= e.clientHeight + 1")
            box = page.locator(".geo-legend").bounding_box()
            assert box["y"] >= 0 and box["y"] + box["height"] <= 800
            assert page.locator(".geo-parties .geo-key").count() == 24
            assert page.locator("path.geo-casualty").count() >= 1
        finally:
            browser.close()
    assert violations == []  # the page runs whole under its own policy


def test_claims_by_sources_the_table_does_not_know_share_the_unattributed_layer():
    """Claimants may be phrases from the article ('activists', 'a military source'): they go
    with the unattributed claims, in no layer or legend entry of their own, and each popup
    still names its source."""
    sources = ["activists", "a military source", "witnesses", "state media"]
    rows = [_row(kind="claim", party=None, claimant=who, stance="claim", lat=36.2 + k / 10,
                 lon=37.1, sentence=f"Shelling hit the town, {who} said.", start=k * 50,
                 end=k * 50 + 30, claim_text="Shelling hit the town")
            for k, who in enumerate(sources)]
    rows.append(_row(kind="claim", party="armenia", claimant="armenia", stance="accusation",
                     lat=40.18, lon=44.51, sentence="Armenia accused Baku.", start=400, end=420,
                     claim_text="Armenia accused Baku"))
    page = render(_frame(rows))
    overlays = re.search(r"overlays :\s*\{(.*?)\}", page, re.S).group(1)
    assert re.findall(r'"([^"]+)" :', overlays) == ["Armenia", "Unattributed"]
    assert len([c for c in marker_classes(page) if "geo-claim" in c]) == 5
    names = PartyNames(fake_parties()).shown(_frame(rows))
    assert set(names.colors) == {"armenia"}  # only the table's parties take a colour
