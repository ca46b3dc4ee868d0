"""The folium map: markers per kind, escaping of article text, legend, no CDN, assets."""
from __future__ import annotations

import importlib
import json
import math
import os
import re
from dataclasses import dataclass
from importlib import resources

import pandas as pd
import pytest

from geo.records import MAP_COLUMNS
from geo.render import assets
from geo.render.areas import AREA_COLORS, area_breaks, area_color, area_layer
from geo.render.basemap import NAMED_REGION_LINE, ensure_static_basemap, named_region_outlines
from geo.render.escaping import safe_url
from geo.render.legend import legend_html
from geo.render.mapitems import (CLUSTER_KINDS, SPREAD_MAX_PX, _country_level, coarse_flags,
                                 frame_rows, map_items, may_cluster, spread, view_bounds)
from geo.render.markers import CLUSTER_PX, MarkerLayer, markers_js, write_static_popups
from geo.render.page import build_map, map_css
from geo.render.popups import (aggregate_tooltip, casualty_aggregate_popup, casualty_popup,
                               claim_aggregate_popup, claim_popup, commonest_place_name,
                               QUOTE_CONTEXT_CHARS, highlight_sentence, place_popup,
                               tooltip_text)
from geo.render.styles import (MIXED_OUTLINE, OUTCOME_COLORS, aggregate_casualty_style,
                               casualty_radius, casualty_style, radius_for_count)
from geo.report.labels import PartyNames, figure_phrase

RENDER_MODULES = [importlib.import_module(f"geo.render.{name}")
                  for name in ("areas", "assets", "basemap", "escaping", "exports", "legend",
                               "mapitems", "markers", "page", "popups", "styles")]

HOSTILE_TITLE = "<script>alert(1)</script>"
HOSTILE_PLACE = "<img src=x onerror=alert(2)>"
HOSTILE_CLAIM = "`${alert(3)}` </script><script>alert(4)</script>"
# folium/branca compile rendered scripts as Jinja templates: this would run on the server
HOSTILE_JINJA = "X{{ cycler.__init__.__globals__.os.getcwd() }}{% if 1 %}IFX{% endif %}{# c"


@dataclass
class FakeParty:
    id: str
    name: str
    color: str


class FakeParties:
    """Stands in for geo.parties.PartyTable: get(), color(), iteration."""

    def __init__(self, parties):
        self._parties = {p.id: p for p in parties}

    def get(self, pid):
        return self._parties.get(pid)

    def color(self, pid):
        party = self._parties.get(pid)
        return party.color if party else "#999999"

    def __iter__(self):
        return iter(self._parties.values())


def fake_parties() -> FakeParties:
    return FakeParties([FakeParty("armenia", "Armenia", "#d62728"),
                        FakeParty("azerbaijan", "Azerbaijan", "#1f77b4"),
                        FakeParty("turkey", "Turkey", "#9467bd"),
                        FakeParty("russia", "Russia", "#2ca02c"),
                        FakeParty("georgia", "Georgia", "#8c564b")])


def tiny_basemap() -> dict:
    """Two boxes roughly where Armenia and Azerbaijan are (the real outlines come from
    geo.places.regions; tests must not depend on data/boundaries.gpkg)."""
    def box(name, iso, w, s, e, n):
        ring = [[w, s], [e, s], [e, n], [w, n], [w, s]]
        return {"type": "Feature", "properties": {"name": name, "iso_a2": iso, "pop": 1},
                "geometry": {"type": "Polygon", "coordinates": [ring]}}
    return {"type": "FeatureCollection", "features": [
        box("Armenia", "AM", 43.45, 38.84, 46.63, 41.30),
        box("Azerbaijan", "AZ", 44.77, 38.39, 50.37, 41.91)]}


def _row(**values) -> dict:
    row = dict.fromkeys(MAP_COLUMNS)
    row.update({"article_id": "a1", "title": "Putin and Macron call for a total cessation",
                "source": "VG", "url": "https://www.vg.no/nyheter/x", "article_date": "2020-09-30",
                "date": "2020-09-30"})
    row.update(values)
    return row


def map_frame() -> pd.DataFrame:
    """Items modelled on the seed article (tests/fixtures/000_6b9e2fcaa4d74d82.gold.json):
    4 place rows (2 mentions of Stepanakert), 4 casualty figures (one without coordinates),
    3 claims."""
    rows = [
        _row(kind="place", place="Stepanakert", lat=39.8177, lon=46.7528, precision="city",
             country_code="AZ", sentence="Shelling hit Stepanakert on Sunday.", start=10, end=21),
        _row(kind="place", place="Stepanakert", lat=39.8177, lon=46.7528, precision="city",
             country_code="AZ", sentence="Sirens sounded in Stepanakert.", start=90, end=101),
        _row(kind="place", place="Yerevan", lat=40.1811, lon=44.5136, precision="city",
             country_code="AM", sentence="Yerevan said the attack was repelled.", start=200, end=207),
        _row(kind="place", place="Hadrut", lat=39.52, lon=47.0312, precision="city",
             country_code="AZ", admin1="Xocavand", sentence="Fighting near Hadrut.", start=300,
             end=306),
        _row(kind="casualty", party="armenia", reported_by="armenia", outcome="killed",
             count_best=100, qualifier="approximate", victim="official", lat=39.85, lon=46.75,
             place="Nagorno-Karabakh", country_code="AZ",
             sentence="Around 100 officials and several civilians have been killed.",
             start=400, end=420),
        _row(kind="casualty", party="armenia", reported_by="armenia", outcome="killed",
             count_best=None, qualifier="vague", vague_word="several", victim="civilian",
             lat=39.85, lon=46.75, place="Nagorno-Karabakh", country_code="AZ",
             sentence="Around 100 officials and several civilians have been killed.",
             start=425, end=441),
        _row(kind="casualty", party="azerbaijan", reported_by="azerbaijan", outcome="killed",
             count_best=14, qualifier="exact", victim="civilian", lat=40.4093, lon=49.8671,
             place="Baku", country_code="AZ", sentence="Azerbaijan says 14 civilians were killed.",
             start=500, end=513),
        _row(kind="casualty", party="azerbaijan", reported_by="azerbaijan", outcome="wounded",
             count_best=46, qualifier="at_least", victim="civilian", lat=None, lon=None,
             sentence="At least 46 were wounded.", start=520, end=531),
        _row(kind="claim", party="armenia", claimant="armenia", stance="accusation",
             target="turkey", claim_text="a Turkish F-16 jet shot down a SU-25 jet",
             lat=40.1811, lon=44.5136, place="Armenia", country_code="AM",
             sentence="Armenia claimed that a Turkish F-16 jet shot down a SU-25 jet.",
             start=600, end=660),
        _row(kind="claim", party="turkey", claimant="turkey", stance="denial", target="armenia",
             claim_text="Turkey has denied it", lat=39.9334, lon=32.8597, place="Ankara",
             country_code="TR", sentence="Turkey has denied it.", start=700, end=720),
        _row(kind="claim", party="russia", claimant="russia", stance="call",
             claim_text="a total cessation of hostilities", lat=55.7558, lon=37.6173,
             country_code="RU", sentence="Putin and Macron call for a total cessation.",
             start=800, end=830),
    ]
    return pd.DataFrame(rows, columns=list(MAP_COLUMNS))


def hostile_frame() -> pd.DataFrame:
    frame = map_frame()
    frame["title"] = HOSTILE_TITLE
    frame["url"] = "javascript:alert(5)"
    frame.loc[frame["kind"] == "place", "place"] = HOSTILE_PLACE
    frame.loc[frame["kind"] == "claim", "claim_text"] = HOSTILE_CLAIM
    frame.loc[frame["kind"] == "casualty", "sentence"] = HOSTILE_PLACE + " 14 killed"
    frame["source"] = HOSTILE_JINJA
    frame.loc[frame["kind"] == "casualty", "reported_by"] = HOSTILE_JINJA
    return frame


def render(frame=None, **kwargs) -> str:
    kwargs.setdefault("parties", fake_parties())
    kwargs.setdefault("basemap", tiny_basemap())
    fmap = build_map(map_frame() if frame is None else frame, **kwargs)
    return fmap.get_root().render()


def markers(page: str) -> list[dict]:
    """The marker records a page draws (each MarkerLayer's JSON, decoded), layer by layer."""
    found = re.findall(r'window\.geoMarkerData\["\w+"\] = ("(?:[^"\\]|\\.)*");', page)
    return [m for text in found for m in json.loads(json.loads(text))["markers"]]


def marker_kinds(page: str) -> list[str]:
    return [re.match(r"geo-marker geo-(\w+) ", m["className"]).group(1) for m in markers(page)]


def marker_classes(page: str) -> list[str]:
    return [m["className"] for m in markers(page)]


# --- markers ------------------------------------------------------------------------------------

def test_markers_by_kind():
    kinds = marker_kinds(render())
    # places: Stepanakert (2 mentions -> 1 marker), Yerevan, Hadrut; casualties: the two
    # Armenian figures at one spot make one marker, Baku another, the one without
    # coordinates is left out
    assert kinds.count("place") == 3
    assert kinds.count("casualty") == 2
    assert kinds.count("claim") == 3


def test_one_marker_per_place_mention_when_asked():
    assert marker_kinds(render(group_places=False)).count("place") == 4


def test_marker_classes_carry_the_party():
    classes = marker_classes(render())
    assert "geo-marker geo-casualty party-azerbaijan outcome-killed" in classes
    assert "geo-marker geo-claim party-russia" in classes
    assert "geo-marker geo-place party-none" in classes


def test_markers_grouped_per_party_for_the_layer_control():
    fmap = build_map(map_frame(), parties=fake_parties(), basemap=False)
    import folium
    groups = [c.layer_name for c in fmap._children.values()
              if isinstance(c, MarkerLayer)]
    assert groups == ["Places", "Armenia", "Azerbaijan", "Russia", "Turkey"]
    assert any(isinstance(c, folium.LayerControl) for c in fmap._children.values())


def _figure(party, count, **values) -> dict:
    values = {"kind": "casualty", "party": party, "reported_by": party, "outcome": "killed",
              "count_best": count, "count_low": count, "count_high": count, "qualifier": "exact",
              "victim": "civilian", "lat": 48.0230, "lon": 37.8022, "place": "Donetsk",
              "country_code": "UA", **values}
    return _row(**values)


def _frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(MAP_COLUMNS))


def test_colocated_figures_of_one_party_make_one_marker_sized_by_their_sum():
    frame = _frame([
        _figure("armenia", 14, article_id="old", date="2020-09-28", sentence="Old: 14 died."),
        _figure("armenia", 36, article_id="new", date="2020-10-02", sentence="New: 36 died.",
                lat=48.02301, lon=37.80221),  # the same spot to 4 decimals
    ])
    page = render(frame)
    assert marker_kinds(page) == ["casualty"]
    # area of the one circle = 14 + 36 = 50 (the single figures would be 10.0 and 13.6 px)
    assert markers(page)[0]["radius"] == 15.3 and radius_for_count(50) == 15.3
    popup = casualty_aggregate_popup(
        map_items(frame_rows(frame))[0][0].rows, PartyNames(fake_parties()))
    assert "2 casualty figures at Donetsk" in popup and "Total: 50 killed" in popup
    assert popup.index("New: 36 died.") < popup.index("Old: 14 died.")  # newest first
    assert "<b>Armenia says:</b> 36 civilians killed" in popup
    tooltip = aggregate_tooltip("casualty", frame.to_dict("records"),
                                PartyNames(fake_parties()))
    assert tooltip == "Donetsk: 2 figures, 50 killed (victims&#x27; side: Armenia)"
    assert markers(page)[0]["n"] == 2  # the element's data-items


def test_colocated_figures_of_different_parties_stay_apart_within_the_bound():
    frame = _frame([_figure("armenia", 14), _figure("azerbaijan", 3), _figure("armenia", 2),
                    _row(kind="place", place="Donetsk", lat=48.023, lon=37.8022,
                         precision="city", sentence="Shelling in Donetsk.")])
    items, _ = map_items(frame_rows(frame))
    assert sorted((i.kind, i.party, len(i.rows)) for i in items) == [
        ("casualty", "armenia", 2), ("casualty", "azerbaijan", 1), ("place", None, 1)]
    spread(items)
    # the true spot is kept: only screen offsets, applied by Leaflet at every zoom
    assert {(i.lat, i.lon) for i in items} == {(48.023, 37.8022)}
    by_kind = {(i.kind, i.party): i.offset_px for i in items}
    assert by_kind[("place", None)] == (0, 0)
    armenia, azerbaijan = by_kind[("casualty", "armenia")], by_kind[("casualty", "azerbaijan")]
    assert armenia != azerbaijan and (0, 0) not in (armenia, azerbaijan)
    assert all(math.hypot(*i.offset_px) <= SPREAD_MAX_PX for i in items)
    assert all(i.offset_of == 3 for i in items)
    page = render(frame)
    assert marker_kinds(page).count("casualty") == 2
    assert {(m["dx"], m["dy"]) for m in markers(page)
            if "party-armenia" in m["className"]} == {armenia}


@pytest.mark.parametrize("n_parties", [2, 5, 12, 13, 40])
def test_spreading_is_bounded_and_deterministic(n_parties):
    rows = [_figure(f"p{k}", k + 1) for k in range(n_parties)]
    rows += [_row(kind="claim", party=f"p{k}", claimant=f"p{k}", claim_text="x", lat=48.023,
                  lon=37.8022) for k in range(3)]
    items, _ = map_items(rows)
    spread(items)
    offsets = [i.offset_px for i in items]
    assert len(set(offsets)) == len(offsets)  # every marker has its own place
    assert max(math.hypot(*o) for o in offsets) <= SPREAD_MAX_PX
    assert {(i.lat, i.lon) for i in items} == {(48.023, 37.8022)}
    again, _ = map_items(list(reversed(rows)))
    spread(again)
    assert ({(i.kind, i.party): i.offset_px for i in items}
            == {(i.kind, i.party): i.offset_px for i in again})


def test_a_lone_marker_is_not_moved():
    items, _ = map_items(frame_rows(map_frame()))
    spread(items)
    baku = next(i for i in items if i.row.get("place") == "Baku")
    assert baku.offset_px == (0, 0) and baku.offset_of == 1
    karabakh = next(i for i in items if i.row.get("place") == "Nagorno-Karabakh")
    assert len(karabakh.rows) == 2 and karabakh.offset_of == 1  # aggregated, alone at its spot


def test_the_seed_frame_still_has_every_kind_of_marker_near_its_spot():
    page = render()
    assert set(marker_kinds(page)) == {"place", "casualty", "claim"}
    items, _ = map_items(frame_rows(map_frame()))
    spread(items)
    # Yerevan: a place and an Armenian claim share the spot; the claim moves a few pixels
    yerevan = [i for i in items if (i.lat, i.lon) == (40.1811, 44.5136)]
    assert sorted(i.kind for i in yerevan) == ["claim", "place"]
    assert all(0 < math.hypot(*i.offset_px) <= SPREAD_MAX_PX
               for i in yerevan if i.kind == "claim")


def test_no_aggregation_when_asked():
    items, _ = map_items(frame_rows(map_frame()), aggregate=False)
    assert sum(i.kind == "casualty" for i in items) == 3


@pytest.mark.parametrize("counts, qualifiers, radius, dashed", [
    ([14, 36], ["exact", "exact"], 15.3, False),
    ([None, None], ["vague", "vague"], 6.0, True),            # no number at all
    ([(12, None), (3, None)], ["vague", "vague"], 10.2, True),  # dozens + several: low bounds
    ([40, (10, None)], ["exact", "vague"], 15.3, False),       # 40 + 10 (vague, low bound)
    ([(5, 10)], ["range"], 7.6, False),                         # a range counts its low bound
])
def test_aggregate_circle_size_and_dashes(counts, qualifiers, radius, dashed):
    rows = []
    for count, qualifier in zip(counts, qualifiers):
        low, high = count if isinstance(count, tuple) else (count, count)
        best = None if qualifier in ("vague", "range") else low
        rows.append({"count_best": best, "count_low": low, "count_high": high,
                     "qualifier": qualifier, "outcome": "killed"})
    style = aggregate_casualty_style(rows, "#123456")
    assert style["radius"] == radius
    assert bool(style["dash_array"]) is dashed


def test_aggregate_popup_lists_the_newest_and_counts_the_rest():
    rows = [_figure("armenia", 1, article_id=f"a{k:02d}", date=f"2020-10-{k + 1:02d}",
                    sentence=f"Report {k:02d}.") for k in range(25)]
    popup = casualty_aggregate_popup(frame_rows(_frame(rows)),
                                     PartyNames(fake_parties()))
    assert "25 casualty figures" in popup and "Total: 25 killed" in popup
    assert "Report 24." in popup and "Report 05." in popup and "Report 04." not in popup
    assert popup.index("Report 24.") < popup.index("Report 05.")
    assert "and 5 more" in popup
    claims = [_row(kind="claim", party="turkey", claimant="turkey", stance="denial",
                   claim_text=f"claim {k}", date=f"2020-10-{k + 1:02d}", lat=1.0, lon=2.0,
                   place="Ankara") for k in range(3)]
    popup = claim_aggregate_popup(claims, PartyNames(fake_parties()))
    assert popup.startswith("<b>3 claims by Turkey at Ankara</b>")
    assert popup.index("claim 2") < popup.index("claim 0") and "Place:" not in popup
    page = render(_frame(claims))
    assert r"\u003e3\u003c/div\u003e" in page  # the bubble shows how many claims it stands for


@pytest.mark.parametrize("row, expected", [
    ({"count_best": 1, "qualifier": "exact"}, 5.6),
    ({"count_best": 100, "qualifier": "approximate"}, 20.0),
    ({"count_best": 10**6, "qualifier": "exact"}, 30.0),
    ({"count_best": None, "qualifier": "vague"}, 6.0),
])
def test_casualty_radius_is_sqrt_scaled_and_capped(row, expected):
    assert casualty_radius(row) == expected


def test_vague_figures_are_dashed():
    style = casualty_style({"qualifier": "vague", "outcome": "killed"}, "#123456")
    assert style["dash_array"] and style["radius"] == 6.0


# --- escaping -------------------------------------------------------------------------------------

def test_article_text_is_never_evaluated_as_a_template():
    frame = hostile_frame()
    frame.loc[frame["kind"] == "casualty", "party"] = "{{ 7*7 }}"  # an unknown party id
    page = render(frame)
    assert "X" + os.getcwd() not in page  # what the template would have produced
    assert r"X\u007b\u007b cycler" in page and r"\u007b% endif %\u007d\u007b# c" in page
    assert r"\u0026#123;\u0026#123; 7*7 \u0026#125;\u0026#125;" in page  # layer control name


def test_inline_leaflet_is_not_parsed_as_a_template():
    page = render(asset_mode="inline")
    assert assets.inline_assets()[0] in page


def test_hostile_article_text_never_reaches_the_page_raw():
    page = render(hostile_frame())
    for raw in (HOSTILE_TITLE, HOSTILE_PLACE, "<script>alert(4)", "<img src=x"):
        assert raw not in page
    assert "javascript:alert(5)" not in page
    # escaped HTML, then JSON-escaped for the <script>: "&lt;script&gt;" as \u0026lt;...
    assert r"\u0026lt;script\u0026gt;alert(1)\u0026lt;/script\u0026gt;" in page
    assert r"\u0026lt;img src=x onerror=alert(2)\u0026gt;" in page
    # no JS template literal in sight: `${...}` stays inert text
    assert "$(`" not in page


@pytest.mark.parametrize("kind", ["casualty", "claim", "place"])
def test_popups_escape_every_article_string(kind):
    names = PartyNames(fake_parties())
    rows = [r for r in frame_rows(hostile_frame()) if r["kind"] == kind]
    if kind == "casualty":
        popups = [casualty_popup(rows[0], names),
                  casualty_aggregate_popup(rows, names)]
    elif kind == "claim":
        popups = [claim_popup(rows[0], names), claim_aggregate_popup(rows, names)]
    else:
        popups = [place_popup(rows)]
    for popup in popups:
        assert "<script" not in popup and "<img" not in popup and "javascript:" not in popup
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in popup
    for tooltip in (tooltip_text(kind, rows[0], names),
                    aggregate_tooltip(kind, rows, names)):
        assert "<" not in tooltip


def test_popup_reads_like_a_report():
    names = PartyNames(fake_parties())
    rows = frame_rows(map_frame())
    baku = next(r for r in rows if r.get("place") == "Baku")
    popup = casualty_popup(baku, names)
    assert "<b>Azerbaijan says:</b> 14 civilians killed" in popup
    assert 'href="https://www.vg.no/nyheter/x"' in popup and 'rel="noopener noreferrer"' in popup
    claim = next(r for r in rows if r.get("claimant") == "turkey")
    assert "<b>Turkey denies:</b>" in claim_popup(claim, names)


def test_party_names_in_layer_control_and_legend_are_escaped():
    parties = FakeParties([FakeParty("x", "<b onmouseover=alert(1)>X</b>", "#123456")])
    frame = map_frame().assign(party="x", claimant="x")
    page = render(frame, parties=parties)
    assert "<b onmouseover" not in page


def test_a_bad_party_colour_falls_back_to_a_hex_colour():
    parties = FakeParties([FakeParty("x", "X", "red;background:url(//evil)")])
    color = PartyNames(parties).color("x")
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", color)


@pytest.mark.parametrize("pid", ["wagner-group", "x", "{{ 7*7 }}", "ελλάδα"])
def test_an_unknown_party_gets_the_party_tables_colour(pid):
    from geo import parties

    table = parties.PartyTable([])
    assert table.get(pid) is None
    expected = table.color(pid)  # what the PartyTable (tables, filters) shows
    assert expected == parties.fallback_color(pid)
    assert PartyNames(None).color(pid) == expected  # no table at all
    assert PartyNames(table).color(pid) == expected
    bad = FakeParties([FakeParty(pid, "X", "not a colour")])
    assert PartyNames(bad).color(pid) == expected  # a bad colour in the table
    from geo.report import labels

    assert labels.fallback_color is parties.fallback_color  # no colour scheme of its own
    assert not any(hasattr(module, "_hsl_to_hex") for module in RENDER_MODULES)


def test_aggregate_place_name_helper_is_not_called_main_place():
    # events.main_place is an event's main Place; this one is the commonest name of some rows
    assert not any(hasattr(module, "main_place") for module in RENDER_MODULES)
    rows = [{"place": "Donetsk"}, {"place": "Avdiivka"}, {"place": "Donetsk"}, {"place": None}]
    assert commonest_place_name(rows) == "Donetsk"
    assert commonest_place_name([{"place": " "}]) is None


@pytest.mark.parametrize("sentence, start, end, s0, needle, expected", [
    ("Azerbaijan says 14 civilians died.", 116, 128, 100, None,
     "Azerbaijan says <mark>14 civilians</mark> died."),
    ("<b>14</b> killed", 0, 9, 0, None, "<mark>&lt;b&gt;14&lt;/b&gt;</mark> killed"),
    ("Shelling hit Stepanakert.", 5, 9, None, "stepanakert", "Shelling hit <mark>Stepanakert</mark>."),
    ("Out of range <x>", 500, 600, 0, None, "Out of range &lt;x&gt;"),
    (None, 1, 2, 0, None, ""),
])
def test_highlight_sentence(sentence, start, end, s0, needle, expected):
    assert highlight_sentence(sentence, start, end, s0, needle) == expected


def test_highlight_sentence_quotes_a_window_of_a_huge_sentence():
    # a sentence listing 8,000 villages: each popup quotes its own name and some context,
    # not the whole 100 KB sentence
    names = [f"Village{i:04d}" for i in range(8000)]
    sentence = "Shelling hit " + ", ".join(names) + "."
    start = sentence.index("Village4000")
    out = highlight_sentence(sentence, 1000 + start, 1000 + start + 11, 1000)
    assert "<mark>Village4000</mark>" in out
    assert out.startswith("… ") and out.endswith(" …")
    assert len(out) < 2 * QUOTE_CONTEXT_CHARS + 40
    assert "Village3980" in out and "Village4020" in out  # context on both sides, whole words
    assert not highlight_sentence(sentence).endswith(".")  # unmarked: its start, clipped
    assert highlight_sentence(sentence).startswith("Shelling hit Village0000")


@pytest.mark.parametrize("row, expected", [
    ({"count_best": 14, "qualifier": "exact", "victim": "civilian", "outcome": "killed"},
     "14 civilians killed"),
    ({"count_best": 1, "qualifier": "exact", "victim": "military", "outcome": "wounded"},
     "1 soldier wounded"),
    ({"count_best": 100, "qualifier": "approximate", "victim": "official", "outcome": "killed"},
     "about 100 officials killed"),
    ({"count_low": 10, "count_high": 20, "qualifier": "range", "victim": "unknown",
      "outcome": "missing"}, "10\u201320 people missing"),
    ({"qualifier": "vague", "vague_word": "dozens", "victim": "civilian", "outcome": "killed"},
     "dozens of civilians killed"),
    ({"count_best": float("nan"), "qualifier": "vague", "victim": None, "outcome": "killed"},
     "an unknown number of people killed"),
])
def test_figure_phrase(row, expected):
    assert figure_phrase(row) == expected


@pytest.mark.parametrize("url, ok", [
    ("https://www.vg.no/a", True), ("http://example.org/x?a=1&b=2", True),
    ("javascript:alert(1)", False), ("data:text/html,<script>", False), ("//evil.org", False),
    ("", False), (None, False), (float("nan"), False),
])
def test_safe_url(url, ok):
    assert (safe_url(url) is not None) is ok


# --- legend ---------------------------------------------------------------------------------------

def legend_content(page: str) -> str:
    """The legend's HTML as the page carries it (a JSON string literal)."""
    return re.search(r'div\.innerHTML = ("(?:[^"\\]|\\.)*");\s*var head', page).group(1)


def legend_starts_collapsed(page: str) -> bool:
    return {"show(true);": True, "show(false);": False}[
        re.search(r"show\((?:true|false)\);", page).group(0)]


def layer_control_collapsed(page: str) -> bool:
    return re.search(r'"collapsed": (true|false)', page).group(1) == "true"


def test_legend_lists_the_parties_present_only():
    page = render()
    legend = legend_content(page)
    for name in ("Armenia", "Azerbaijan", "Turkey", "Russia"):
        assert name in legend
    assert "Georgia" not in legend
    assert "1 item without coordinates not shown" in legend
    assert "claim" in legend and "casualty figure" in legend and "place mentioned" in legend
    assert "one marker per party and spot" in legend  # the two Armenian figures: one circle
    assert "drawn apart around it" in legend  # Yerevan: a place and a claim share the spot


def test_legend_html_escapes_names():
    out = legend_html([("<i>X</i>", "#123456")], {"casualty"})
    assert "&lt;i&gt;X&lt;/i&gt;" in out and "<i>" not in out


def test_legend_has_a_toggle_header_and_a_scrolling_body():
    out = legend_html([("Armenia", "#123456")], {"casualty"}, unmapped=2)
    head, body = out.split('<div class="geo-legend-body">')
    assert 'class="geo-legend-head" role="button" tabindex="0"' in head
    assert "Map key" in head and "\u25be" in head
    # every line of the key is in the body, the last one included
    assert body.startswith('<div class="geo-legend-inner">')
    assert "Armenia" in body and body.endswith("2 items without coordinates not shown</div>"
                                               "</div></div>")
    # the scroller has no padding of its own (its bottom padding is what got cut off): the
    # inner element carries it; collapsed hides the body only
    css = map_css()
    scroller = re.search(r"\.geo-legend-body \{([^}]*)\}", css).group(1)
    assert "max-height" in scroller and "overflow-y: auto" in scroller
    assert "padding" not in scroller
    assert re.search(r"\.geo-legend-inner \{[^}]*padding", css)
    assert ".geo-legend.geo-collapsed .geo-legend-body { display: none; }" in css
    assert not re.search(r"\.geo-legend \{[^}]*(max-height|overflow)", css)


def _party_frame(n: int) -> pd.DataFrame:
    return _frame([_figure(f"p{k}", k + 1, lat=40.0 + k * 0.1, lon=45.0) for k in range(n)]
                  + [_row(kind="place", place="Hadrut", lat=39.52, lon=47.0312,
                          precision="city")])


def test_the_legend_starts_unfolded_the_layer_control_collapses_with_many_parties():
    page = render()  # the seed: 4 parties
    assert not legend_starts_collapsed(page) and not layer_control_collapsed(page)
    for n, collapsed in ((4, False), (5, False), (6, True), (20, True)):
        page = render(_party_frame(n))
        assert not legend_starts_collapsed(page), n  # issue 14: the key is never hidden
        assert layer_control_collapsed(page) is collapsed, n
        legend = legend_content(page)
        assert all(f"P{k}" in legend.upper() for k in range(n))
        # many parties: laid out in two columns in a snapshot (map.css), scrolled otherwise
        assert ("geo-parties-many" in legend) is (n > 16), n
    # the toggle: click and Enter/Space on the header flip the class, the arrow, aria-expanded
    assert 'L.DomEvent.on(head, "click keydown"' in page
    assert 'L.DomUtil.addClass(div, "geo-collapsed")' in page
    assert 'head.setAttribute("aria-expanded"' in page


def test_hostile_party_names_stay_escaped_in_a_long_legend():
    hostile = [FakeParty(f"p{k}", f"<img src=x onerror=alert({k})>{{{{ 7*7 }}}}", "#123456")
               for k in range(8)]
    page = render(_party_frame(8), parties=FakeParties(hostile))
    assert "<img src=x" not in page and "{{ 7*7 }}" not in page
    assert r"\u0026lt;img src=x onerror=alert(3)\u0026gt;" in legend_content(page)


# --- framing --------------------------------------------------------------------------------------

def _country(name, code, lat, lon, **values) -> dict:
    return _row(kind="place", place=name, precision="country", country_code=code, lat=lat,
                lon=lon, **values)


RUSSIA = (61.66038, 99.06041)  # the label points the geocoder gives countries
USA = (39.52803, -99.14985)
UKRAINE = (48.99759, 31.38607)
DONETSK = (48.0230, 37.8022)


def _bounds(rows) -> list:
    items, _ = map_items(frame_rows(_frame(rows)))
    return view_bounds(items)


def _inside(bounds, lat, lon) -> bool:
    (s, w), (n, e) = bounds
    return s <= lat <= n and w <= lon <= e


def test_far_off_country_points_are_drawn_but_do_not_frame_the_view():
    rows = [_figure("ukraine", 3, lat=DONETSK[0], lon=DONETSK[1]),
            _row(kind="place", place="Donetsk", precision="city", country_code="UA",
                 lat=DONETSK[0], lon=DONETSK[1]),
            _row(kind="place", place="Kharkiv", precision="city", country_code="UA",
                 lat=49.9935, lon=36.2304),
            _country("Russia", "RU", *RUSSIA),
            _country("United States", "US", *USA),
            # a figure and a claim geocoded to Russia: at its label point, no precision column
            _figure("russia", 5, place="Russia", lat=RUSSIA[0], lon=RUSSIA[1]),
            _row(kind="claim", party="usa", claimant="usa", claim_text="x", place="United States",
                 lat=USA[0], lon=USA[1])]
    bounds = _bounds(rows)
    assert _inside(bounds, *DONETSK) and _inside(bounds, 49.9935, 36.2304)
    assert not _inside(bounds, *RUSSIA) and not _inside(bounds, *USA)
    assert bounds[1][1] - bounds[0][1] < 10  # Donbas-sized, not half the world
    page = render(_frame(rows))
    assert marker_kinds(page).count("place") == 4  # still drawn
    # drawn as country-level points: hollow, dotted (geo-coarse)
    assert "geo-marker geo-casualty party-russia outcome-killed geo-coarse" in marker_classes(page)
    # 'usa' is no party of the table: its claim goes with the unattributed ones
    assert "geo-marker geo-claim party-none geo-coarse" in marker_classes(page)
    fit = re.search(r"fitBounds\((\[\[.*?\]\])", page).group(1)
    assert "99.06" not in fit and "-99.14" not in fit


def test_a_country_point_near_the_other_items_still_frames_the_view():
    # Ukraine's own label point is next to Donetsk: its figures stay in view
    rows = [_figure("ukraine", 3, lat=DONETSK[0], lon=DONETSK[1]),
            _country("Ukraine", "UA", *UKRAINE), _country("Russia", "RU", *RUSSIA),
            _figure("ukraine", 30, place="Ukraine", lat=UKRAINE[0], lon=UKRAINE[1])]
    bounds = _bounds(rows)
    assert _inside(bounds, *UKRAINE) and _inside(bounds, *DONETSK)
    assert not _inside(bounds, *RUSSIA)


def test_country_points_frame_the_view_when_nothing_else_is_left():
    rows = [_country("Russia", "RU", *RUSSIA), _country("Ukraine", "UA", *UKRAINE),
            _figure("ukraine", 30, place="Ukraine", lat=UKRAINE[0], lon=UKRAINE[1])]
    bounds = _bounds(rows)
    assert _inside(bounds, *RUSSIA) and _inside(bounds, *UKRAINE)
    assert _bounds([_country("United States", "US", *USA)]) == [
        [USA[0] - 1, USA[1] - 1], [USA[0] + 1, USA[1] + 1]]


def test_a_figure_sharing_a_spot_with_a_city_is_not_country_level():
    # the same coordinates resolved once as a country and once as a city: the city wins
    rows = [_row(kind="place", place="Baku", precision="city", country_code="AZ",
                 lat=40.4093, lon=49.8671),
            _country("Azerbaijan", "AZ", 40.4093, 49.8671),
            _figure("azerbaijan", 14, lat=40.4093, lon=49.8671),
            _row(kind="place", place="Stepanakert", precision="city", lat=39.8177, lon=46.7528)]
    items, _ = map_items(frame_rows(_frame(rows)))
    levels = {(it.kind, it.row.get("place")): c
              for it, c in zip(items, _country_level(items))}
    assert levels == {("place", "Baku"): False, ("place", "Azerbaijan"): True,
                      ("casualty", "Donetsk"): False, ("place", "Stepanakert"): False}


# --- offline page ---------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["static", "inline"])
def test_no_external_script_or_stylesheet(mode):
    page = render(asset_mode=mode)
    assert assets.external_resources(page) == []
    for cdn in ("jquery", "bootstrap", "awesome-markers", "fontawesome", "cdn.jsdelivr", "cdnjs"):
        assert cdn not in page.lower()
    assert "openstreetmap" not in page.lower()


def test_static_mode_points_at_streamlit_static_route():
    page = render(asset_mode="static", static_urls=assets.static_urls())
    assert '<script src="/app/static/vendor/leaflet/leaflet.js"></script>' in page
    assert 'href="/app/static/vendor/leaflet/leaflet.css"' in page


def test_cdn_mode_loads_leaflet_only():
    urls = assets.external_resources(render(asset_mode="cdn"))
    assert len(urls) == 2 and all("leaflet@" in u for u in urls)


def test_online_tiles_only_on_request():
    page = render(asset_mode="inline", online_tiles=True)
    assert "tile.openstreetmap.org" in page
    assert assets.external_resources(page) == []


def test_folium_defaults_are_left_untouched():
    import folium
    render()
    assert any("jquery" in url for _, url in folium.Map.default_js)


def test_basemap_outlines_are_drawn_slim_and_inert():
    page = render()
    assert "L.geoJson" in page and '"interactive": false' in page
    assert '"iso_a2": "am"' in page and '"pop"' not in page and '"name"' not in page
    assert "L.geoJson" not in render(basemap=False)


def test_empty_frame_gives_a_world_map():
    empty = pd.DataFrame(columns=list(MAP_COLUMNS))
    page = render(empty)
    assert marker_kinds(page) == [] and "fitBounds" not in page
    assert "L.map" in page


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError, match="asset_mode"):
        build_map(map_frame(), asset_mode="bogus", basemap=False)
    with pytest.raises(ValueError, match="lacks columns"):
        build_map(pd.DataFrame({"kind": ["place"]}), basemap=False)


# --- assets ---------------------------------------------------------------------------------------

def test_ensure_static_assets_copies_leaflet(tmp_path):
    urls = assets.ensure_static_assets(tmp_path)
    assert urls == {"leaflet_js": "/app/static/vendor/leaflet/leaflet.js",
                    "leaflet_css": "/app/static/vendor/leaflet/leaflet.css"}
    for url in urls.values():
        assert (tmp_path / url.removeprefix("/app/static/")).stat().st_size > 1000
    assert (tmp_path / "vendor/leaflet/images/layers.png").is_file()
    assert assets.ensure_static_assets(tmp_path) == urls  # idempotent


def test_inline_assets_are_self_contained():
    js, css = assets.inline_assets()
    assert "L.map" in js or "createMap" in js or "Leaflet" in js
    assert "</script" not in js.lower()
    assert "url(images/" not in css and "data:image/png;base64," in css


class FakeRegions:
    """Stands in for geo.places.regions.Regions: records which outlines the map asks for."""

    def __init__(self):
        self.calls = []

    def basemap_geojson(self, level="countries", country_codes=None):
        self.calls.append((level, tuple(country_codes) if country_codes else None))
        return tiny_basemap()


def test_outlines_come_from_regions_with_admin1_for_countries_present():
    regions = FakeRegions()
    page = render(basemap=None, regions=regions)
    assert regions.calls == [("countries", None), ("admin1", ("AM", "AZ", "RU", "TR"))]
    assert page.count("L.geoJson") == 2


def test_missing_boundaries_still_give_a_map(monkeypatch):
    import geo.render.basemap

    def no_file(*_a, **_k):
        raise FileNotFoundError("data/boundaries.gpkg not found")
    # the bundled boundaries, as the basemap loads them when given no regions
    monkeypatch.setattr(geo.render.basemap, "load_regions", no_file)
    page = render(basemap=None)
    assert "L.geoJson" not in page and len(marker_kinds(page)) == 8


def test_named_regions_mentioned_are_outlined_from_the_real_boundaries():
    from geo.places.regions import load_regions

    row = dict.fromkeys(MAP_COLUMNS)
    row.update(kind="place", place="Artsakh", precision="region", lat=39.85, lon=46.75,
               country_code="AZ", article_id="a", title="t")
    outlines = named_region_outlines(load_regions(), ["Artsakh", "Nagorno-Karabakh",
                                                      "Atlantis"])
    assert len(outlines["features"]) == 1  # one region under two names; unknown names skipped
    page = build_map(pd.DataFrame([row], columns=list(MAP_COLUMNS)),
                     parties=fake_parties(), regions=load_regions()
                     ).get_root().render()
    assert page.count("L.geoJson") == 3  # countries, provinces, the named region
    assert NAMED_REGION_LINE in page


def test_static_basemap_is_written_once_and_fetched_by_the_page(tmp_path):
    from geo.places.regions import load_regions

    urls = ensure_static_basemap(load_regions(), static_dir=tmp_path)
    assert urls == {"countries_geojson": "/app/static/basemap/countries.json"}
    written = tmp_path / "basemap" / "countries.json"
    countries = json.loads(written.read_text())
    assert len(countries["features"]) > 200
    mtime = written.stat().st_mtime_ns
    assert ensure_static_basemap(load_regions(), static_dir=tmp_path) == urls
    assert written.stat().st_mtime_ns == mtime  # not rewritten while the boundaries are unchanged

    page = render(basemap=None, regions=load_regions(), asset_mode="static",
                  static_urls={**assets.static_urls(), **urls})
    assert 'fetch("/app/static/basemap/countries.json")' in page
    assert page.count("L.geoJson") == 1  # only the provinces of the countries present inline


# --- outcome outlines, coarse locations, provinces, title ----------------------------------------

def test_figures_of_one_party_at_one_spot_split_by_outcome_and_outlined_by_it():
    frame = _frame([_figure("armenia", 14), _figure("armenia", 3, outcome="wounded"),
                    _figure("armenia", 2)])
    items, _ = map_items(frame_rows(frame))
    assert sorted((i.row["outcome"], len(i.rows)) for i in items) == [("killed", 2),
                                                                        ("wounded", 1)]
    styles = {i.row["outcome"]: aggregate_casualty_style(i.rows, "#E69F00")
              for i in items}
    assert styles["killed"]["color"] == OUTCOME_COLORS["killed"]
    assert styles["wounded"]["color"] == OUTCOME_COLORS["wounded"]
    assert {s["fill_color"] for s in styles.values()} == {"#E69F00"}  # fill = victims' party
    page = render(frame)
    assert "geo-marker geo-casualty party-armenia outcome-wounded" in marker_classes(page)
    legend = legend_html([("Armenia", "#E69F00")], {"casualty"},
                         outcomes_present={"killed", "wounded"})
    assert "Outline = outcome" in legend and "wounded" in legend and "captured" not in legend


def test_country_and_region_level_items_are_drawn_hollow_and_dotted():
    frame = _frame([
        _figure("ukraine", 30, place="Ukraine", lat=48.998, lon=31.386, precision="country"),
        _figure("ukraine", 3, precision="city"),
        _row(kind="claim", party="russia", claimant="russia", claim_text="x", lat=48.0,
             lon=38.0, place="Donbas", precision="region"),
        _row(kind="place", place="Ukraine", precision="country", lat=48.998, lon=31.386)])
    items, _ = map_items(frame_rows(frame))
    flags = {(i.kind, i.row["place"]): f for i, f in zip(items, coarse_flags(items))}
    assert flags == {("casualty", "Ukraine"): True, ("casualty", "Donetsk"): False,
                     ("claim", "Donbas"): True, ("place", "Ukraine"): True}
    coarse = aggregate_casualty_style(frame.iloc[:1].to_dict("records"), "#0072B2",
                                      coarse=True)
    fine = aggregate_casualty_style(frame.iloc[1:2].to_dict("records"), "#0072B2")
    assert coarse["dash_array"] and not fine["dash_array"]
    assert coarse["fill_opacity"] < fine["fill_opacity"]
    page = render(frame)
    classes = marker_classes(page)
    assert "geo-marker geo-casualty party-ukraine outcome-killed geo-coarse" in classes
    assert "geo-marker geo-claim party-russia geo-coarse" in classes
    assert "placed at a country or region only" in page  # explained in the legend


def test_popups_say_how_precisely_an_item_is_located_and_how_many_sources():
    row = _figure("ukraine", 3, precision="city", n_sources=3, n_articles=4)
    popup = casualty_popup(row, PartyNames(fake_parties()))
    assert "at Donetsk (town)" in popup
    assert "Reported by 3 independent sources, 4 articles" in popup
    claim = _row(kind="claim", claimant="russia", claim_text="x", place="Ukraine",
                 precision="country")
    assert "Place: Ukraine (country only)" in claim_popup(claim, PartyNames())


def _areas(labels_totals):
    import geopandas as gpd
    from shapely.geometry import box

    return gpd.GeoDataFrame(
        {"label": [l for l, _ in labels_totals], "total": [t for _, t in labels_totals],
         "n_figures": [1] * len(labels_totals), "detail": ["Ukraine: 1"] * len(labels_totals)},
        geometry=[box(k, 0, k + 1, 1) for k in range(len(labels_totals))], crs="EPSG:4326")


def test_province_layer_shades_only_units_with_figures_and_escapes_names():
    areas = _areas([(HOSTILE_PLACE, 4), (HOSTILE_JINJA, 120), ("Empty", 0)])
    layer, legend = area_layer(areas)
    data = json.loads(json.loads(layer.data_js))
    assert len(data["features"]) == 2  # no grey unit: one with no figure is not drawn
    assert {f["properties"]["fill"] for f in data["features"]} <= set(AREA_COLORS)
    page = render(_frame([_figure("ukraine", 3)]), areas=areas)
    assert HOSTILE_PLACE not in page and "<img" not in page.split("<body>")[1]
    assert "X" + os.getcwd() not in page and "Casualties per province" in page
    assert [label for label, _ in legend.bins][-1].endswith("120")


def test_area_breaks_are_increasing_whole_numbers():
    breaks = area_breaks([1, 2, 3, 50, 1000, 0])  # quantiles; zeros are no figure
    assert breaks == sorted(set(breaks)) and breaks[-1] == 1000 and len(breaks) == 5
    assert all(isinstance(b, int) for b in breaks)
    assert area_breaks([7]) == [7] and area_breaks([]) == []
    assert area_color(1, [2, 3, 50, 1000]) == AREA_COLORS[1]
    assert area_color(999, [2, 3, 50, 1000]) == AREA_COLORS[-1]


def test_title_box_is_escaped_and_opens_the_legend():
    many = _frame([_figure(f"p{k}", k + 1, lon=37.0 + k) for k in range(10)])
    page = render(many, title=HOSTILE_TITLE, subtitle=HOSTILE_JINJA)
    assert "geo-title" in page and HOSTILE_TITLE not in page
    assert "X" + os.getcwd() not in page and r"\u007b% if 1 %\u007dIFX" in page
    assert "show(false)" in page  # the key starts open, even with many parties
    assert "show(false)" in render(many)


def test_popups_can_travel_apart_from_the_page(tmp_path):
    stored = []

    def store(popups):
        stored.append(write_static_popups(popups, static_dir=tmp_path))
        return stored[-1]
    frame = hostile_frame()
    page = render(frame, store_popups=store)
    assert len(stored) == 1 and stored[0].startswith("/app/static/popups/")
    assert f'fetch("{stored[0]}")' in page
    records = markers(page)
    assert records and all("popup" not in m and "popupIndex" in m for m in records)
    popups = json.loads((tmp_path / "popups" / stored[0].rsplit("/", 1)[1]).read_text())
    assert len(popups) == len(records)
    assert all("<script>" not in p for p in popups)  # escaped as in the page
    # content-addressed: the same view writes no second file
    render(frame, store_popups=store)
    assert stored[0] == stored[1] and len(list((tmp_path / "popups").glob("*.json"))) == 1


# --- clusters (drawn in the page by geo/render/markers.js) -------------------------------------------------

def _layer_data(page: str) -> list[dict]:
    """Each MarkerLayer's whole JSON (layer info, styles, markers), in page order."""
    found = re.findall(r'window\.geoMarkerData\["\w+"\] = ("(?:[^"\\]|\\.)*");', page)
    return [json.loads(json.loads(text)) for text in found]


def test_marker_records_carry_what_a_cluster_adds_up():
    frame = _frame([_figure("armenia", 14), _figure("armenia", 3),  # one marker: 17
                    _figure("armenia", None, qualifier="vague", vague_word="dozens",
                            outcome="wounded"),
                    _figure("armenia", 5, outcome="wounded", lat=48.5, lon=38.0),
                    _figure("ukraine", 30, place="Ukraine", lat=48.998, lon=31.386,
                            precision="country")])
    layers = {d["layer"]["name"]: d for d in _layer_data(render(frame))}
    records = layers["Armenia"]["markers"]
    by_key = {(r["o"], r["lat"]): r for r in records}
    assert by_key[("killed", 48.023)]["c"] == 17
    assert by_key[("wounded", 48.023)]["c"] is None  # vague, no number: adds nothing
    assert by_key[("wounded", 48.5)]["c"] == 5
    # the two markers at Donetsk share a spot id (clustered together or not at all); the
    # lone marker has none; only the country-level one is fixed (never clustered)
    assert by_key[("killed", 48.023)]["spot"] == by_key[("wounded", 48.023)]["spot"]
    assert "spot" not in by_key[("wounded", 48.5)]
    assert not any(r.get("fixed") for r in records)
    assert [r.get("fixed") for r in layers["ukraine"]["markers"]] == [1]
    assert layers["Armenia"]["layer"] == {"name": "Armenia", "color": "#d62728",
                                          "slug": "armenia", "places": False}


def test_a_hostile_party_name_reaches_the_cluster_code_as_json_text_only():
    parties = FakeParties([FakeParty("evil", HOSTILE_TITLE + HOSTILE_JINJA, "#123456")])
    frame = _frame([_figure("evil", 4), _figure("evil", 6, lat=49.0, lon=38.5)])
    page = render(frame, parties=parties)
    assert HOSTILE_TITLE not in page and "X" + os.getcwd() not in page
    [data] = _layer_data(page)
    assert data["layer"]["name"] == HOSTILE_TITLE + HOSTILE_JINJA  # decoded: plain text
    # the page code writes innerHTML only from popups escaped in Python; names and
    # tooltips of clusters go in as textContent
    assigned = re.findall(r"innerHTML = ([^;]+);", markers_js())
    assert assigned == ["m.popup", "all[m.popupIndex]"], assigned
    assert "textContent = line" in markers_js()
    with pytest.raises(ValueError):
        MarkerLayer("x", [], color="red;background:url(x)")


def test_the_page_draws_and_clusters_markers_once_the_view_is_set():
    page = render()
    assert page.count("window.geoMarkersStart = function") == 1  # the code once per page
    assert page.count("geoMarkerLayer(map_") == 5  # one call per layer
    start = page.index("geoMarkersStart(map_")
    assert page.index(".fitBounds(") < start  # clusters are made for the fitted zoom
    assert f"var CLUSTER_PX = {CLUSTER_PX};" in page
    assert 'var CLUSTER_KINDS = ["casualty", "claim"];' in page


def test_the_legend_explains_clusters_only_when_there_can_be_some():
    near = _frame([_figure("armenia", 4), _figure("armenia", 6, lat=48.3, lon=38.1)])
    page = render(near)
    assert "click a group to zoom in" in page and "mixed outcomes" in page
    items, _ = map_items(frame_rows(near))
    assert may_cluster(items)
    # one spot per party and kind (two outcomes at one spot, two parties): nothing to group
    apart = _frame([_figure("armenia", 4), _figure("armenia", 2, outcome="wounded"),
                    _figure("azerbaijan", 6, lat=48.3, lon=38.1)])
    items, _ = map_items(frame_rows(apart))
    assert not may_cluster(items)
    assert "click a group to zoom" not in render(apart)
    # country-level points are never grouped with towns
    coarse = _frame([_figure("ukraine", 30, place="Ukraine", lat=48.998, lon=31.386,
                             precision="country"), _figure("ukraine", 3, precision="city")])
    items, _ = map_items(frame_rows(coarse))
    assert not may_cluster(items)


# --- the page's own files: markers.js and map.css ---------------------------------------------

def package_file(name: str) -> str:
    return resources.files("geo.render").joinpath(name).read_text(encoding="utf-8")


def test_markers_js_is_a_package_file_and_what_the_page_embeds():
    source = package_file("markers.js")
    assert "window.geoMarkerLayer = function" in source
    assert "window.geoMarkersStart = function" in source
    # only the constants it shares with Python are filled in, each from the Python side
    placeholders = ("__CLUSTER_PX__", "__MIXED_OUTLINE__", "__CLUSTER_KINDS__")
    assert all(source.count(name) == 1 for name in placeholders)
    assert markers_js() == (source.replace("__CLUSTER_PX__", str(CLUSTER_PX))
                            .replace("__MIXED_OUTLINE__", MIXED_OUTLINE)
                            .replace("__CLUSTER_KINDS__", json.dumps(list(CLUSTER_KINDS))))
    assert not any(name in markers_js() for name in placeholders)
    page = render()
    assert f"<script>{markers_js()}</script>" in page  # as is: never compiled as a template
    assert page.count(markers_js()) == 1


def test_map_css_is_a_package_file_and_names_the_python_colours():
    source = package_file("map.css")
    assert map_css() == source
    assert f"<style>\n{source}</style>" in render()
    # the legend's cluster key is outlined like a cluster of mixed outcomes (markers.js)
    key = re.search(r"\.geo-cluster-key \{([^}]*)\}", source).group(1)
    assert f"solid {MIXED_OUTLINE};" in key


def test_a_figure_popup_names_the_actor_apart_from_victims_and_reporter():
    names = PartyNames(fake_parties())
    row = _figure("armenia", 12, reported_by="armenia", actor="azerbaijan",
                  actor_text="Azerbaijani <b>shelling</b>", event_type="explosions")
    popup = casualty_popup(row, names)
    assert ("<b>Azerbaijani &lt;b&gt;shelling&lt;/b&gt; killed 12 of Armenia&#x27;s "
            "civilians</b>, according to Armenia") in popup
    assert "Event: Explosions/Remote violence" in popup
    assert "Victims&#x27; side: Armenia" in popup or "Victims' side: Armenia" in popup
    # no actor in the text: the reporter's phrasing as before, no invented actor
    plain = casualty_popup(_figure("armenia", 3), names)
    assert "Armenia says:</b> 3 civilians killed" in plain and "Event:" not in plain
    # the acting party alone is named by the party table
    by_party = casualty_popup(_figure("armenia", 2, actor="azerbaijan", reported_by=None), names)
    assert "<b>Azerbaijan killed 2 of Armenia&#x27;s civilians</b>" in by_party


def test_the_view_opens_on_the_war_not_on_a_far_off_statement():
    # twelve figures around Karabakh, one claim made in Paris, one in Washington
    rows = [_figure("armenia", 3, lat=39.8 + k * 0.05, lon=46.7 + k * 0.05, place=f"T{k}")
            for k in range(12)]
    rows += [_row(kind="claim", claimant="russia", lat=48.8566, lon=2.3522, place="Paris",
                  precision="city", claim_text="x"),
             _row(kind="claim", claimant="turkey", lat=38.895, lon=-77.036, place="Washington",
                  precision="city", claim_text="y")]
    items, _ = map_items(rows)
    (s, w), (n, e) = view_bounds(items)
    assert 38.5 < s and n < 41.5 and 45.5 < w and e < 48.5  # Karabakh, not Paris or Washington
    assert len(items) == 14  # both statements are still drawn
    # a small map frames everything it has
    few, _ = map_items(rows[:3] + rows[-2:])
    (s, w), (n, e) = view_bounds(few)
    assert w < -77 and e > 46
