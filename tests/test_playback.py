"""Issue 14, points 3 and 2 (map side): time playback on the map and the event types' badges.

What the page carries for them (the per-row days, counts and event types of each marker, the
control and its code, the key's event-type section) is checked here; tests/
test_playback_browser.py plays it in Chromium."""
from __future__ import annotations

import json
import re
from datetime import date

import pandas as pd
import pytest

from geo.records import EVENT_TYPES, MAP_COLUMNS
from geo.render import exports
from geo.render.assets import external_resources
from geo.render.legend import EVENT_GLYPHS, LegendControl, event_glyph_html, legend_html
from geo.render.markers import event_glyphs_js, markers_js, playback_keys
from geo.render.mapitems import frame_rows, map_items
from geo.render.page import build_map, content_security_policy
from geo.render.playback import PlaybackControl, default_step, playback_js, row_day
from geo.report import EVENT_TYPE_LABELS
from tests.test_mapview import _figure, _row, fake_parties, markers, render, tiny_basemap

HOSTILE = "<img src=x onerror=alert(1)>"


def _day(text: str) -> int:
    return (date.fromisoformat(text) - date(1970, 1, 1)).days


def _frame(rows) -> pd.DataFrame:
    """A map frame with the columns the rows have beyond MAP_COLUMNS (event_type, actor)."""
    extra = sorted({k for r in rows for k in r} - set(MAP_COLUMNS))
    return pd.DataFrame(rows, columns=list(MAP_COLUMNS) + extra)


def played_frame() -> pd.DataFrame:
    """Three days at Donetsk (one marker holding two of them), one at Luhansk, an undated
    claim, a place mention."""
    return _frame([
        _figure("armenia", 10, date="2020-10-01", event_type="battles"),
        _figure("armenia", 30, date="2020-10-03", event_type="explosions"),
        _figure("armenia", 5, date="2020-10-03", event_type="explosions",
                qualifier="vague", count_best=None),
        _figure("azerbaijan", 4, date="2020-10-02", lat=48.57, lon=39.31, place="Luhansk"),
        _row(kind="claim", party="russia", claimant="russia", stance="call", lat=48.3,
             lon=38.0, claim_text="a ceasefire", date=None, article_date=None),
        _row(kind="place", place="Donetsk", lat=48.023, lon=37.8022, precision="city",
             date="2020-10-01"),
    ])


# --- the days each marker carries -------------------------------------------------------------

@pytest.mark.parametrize("row, expected", [
    ({"date": "2020-10-01", "article_date": "2020-10-05"}, _day("2020-10-01")),
    ({"date": None, "article_date": "2020-10-05"}, _day("2020-10-05")),  # when it was reported
    ({"date": "2020-10-01T12:00:00", "article_date": None}, _day("2020-10-01")),
    ({"date": "soon", "article_date": None}, None),
    ({"date": None, "article_date": None}, None),
    ({}, None),
])
def test_a_row_is_played_on_its_date_else_its_articles(row, expected):
    assert row_day(row) == expected


def test_each_marker_carries_the_day_count_and_event_type_of_each_of_its_rows():
    records = markers(render(played_frame()))
    donetsk = next(m for m in records if "party-armenia" in m["className"])
    assert donetsk["n"] == 3
    # in the marker's rows' order (newest first), one entry per row
    assert sorted(donetsk["d"]) == sorted([_day("2020-10-01"), _day("2020-10-03"),
                                           _day("2020-10-03")])
    by_day = dict(zip(donetsk["d"], zip(donetsk["k"], donetsk["v"], donetsk["e"])))
    assert by_day[_day("2020-10-01")] == (10, 0, EVENT_TYPES.index("battles"))
    # a vague figure counts its low bound in a sum (styles.aggregate_casualty_style)
    assert sorted(zip(donetsk["k"], donetsk["v"])) == [(5, 1), (10, 0), (30, 0)]
    claim = next(m for m in records if "geo-claim" in m["className"])
    assert "d" not in claim  # undated: never shown during playback
    luhansk = next(m for m in records if "party-azerbaijan" in m["className"])
    assert luhansk["d"] == [_day("2020-10-02")]
    assert "e" not in luhansk and "k" not in luhansk  # one row, no event type: nothing more


def test_a_map_frame_without_the_event_type_column_draws_no_badge():
    frame = played_frame().drop(columns=["event_type"])
    page = render(frame)
    assert all("e" not in m for m in markers(page))
    assert "Event type" not in page


def test_an_unknown_event_type_is_ignored_and_never_reaches_the_page():
    frame = _frame([_figure("armenia", 3, event_type=HOSTILE)])
    page = render(frame)
    assert HOSTILE not in page and "onerror=alert" not in page
    assert "e" not in markers(page)[0]


def test_playback_keys_follow_the_items_rows():
    rows = frame_rows(played_frame())
    items, _ = map_items(rows)
    [place] = [it for it in items if it.kind == "place"]
    assert playback_keys(place) == {"d": [_day("2020-10-01")]}


# --- the control ------------------------------------------------------------------------------

def test_the_page_carries_the_control_after_the_markers():
    page = render(played_frame())
    assert page.count("window.geoPlayback = function") == 1
    call = re.search(r"geoPlayback\(map_\w+, (\{.*?\})\);", page)
    assert call and '"step": "day"' in call.group(1) and '"mode": "cumulative"' in call.group(1)
    assert page.index("geoMarkersStart(map_") < call.start()  # it reads the markers' days


@pytest.mark.parametrize("kwargs", [{"snapshot": True}, {"playback": False}])
def test_no_control_on_a_snapshot_or_when_not_asked(kwargs):
    page = render(played_frame(), **kwargs)
    assert "geoPlayback(map_" not in page


def test_no_control_when_no_item_has_a_date():
    frame = played_frame().assign(date=None, article_date=None)
    page = render(frame)
    assert "geoPlayback(map_" not in page
    assert all("d" not in m for m in markers(page))


@pytest.mark.parametrize("days, step", [
    ([0, 10, None], "day"), ([0, 62], "day"), ([0, 63], "week"), ([5, 700], "week"),
    ([0, 800], "month"), ([None], "day"), ([], "day"),
])
def test_the_control_starts_with_a_step_that_gives_a_few_dozen_steps(days, step):
    assert default_step(days) == step


def test_the_control_checks_its_options():
    with pytest.raises(ValueError, match="step"):
        PlaybackControl(step="year")
    with pytest.raises(ValueError, match="mode"):
        PlaybackControl(mode="sum")


def test_the_controls_code_uses_no_inline_handler_and_no_html_from_data():
    source = playback_js()
    assert "innerHTML" not in source and "insertAdjacentHTML" not in source
    assert "addEventListener" in source
    assert not re.search(r"\bon[a-z]+\s*=", source.replace("control.onAdd =", "")
                         .replace("control.onRemove =", ""))
    page = render(played_frame())
    # no inline handler anywhere in the markup (the CSP is strict about what loads)
    assert not re.search(r"<[^>]+\son(click|change|input|load|error)\s*=", page)
    assert "default-src 'none'" in content_security_policy("inline")


def test_markers_js_exposes_the_window_to_the_control():
    source = markers_js()
    assert "window.geoMarkersWindow = function" in source
    assert "window.geoMarkersDays = function" in source
    # no new place writes HTML: popups escaped in Python only
    assert re.findall(r"innerHTML = ([^;]+);", source) == ["m.popup", "all[m.popupIndex]"]


def test_the_html_export_plays_offline(tmp_path):
    path = tmp_path / "map.html"
    exports.export_html(played_frame(), path, parties=fake_parties(), basemap=tiny_basemap())
    page = path.read_text(encoding="utf-8")
    assert "window.geoPlayback = function" in page and "geoPlayback(map_" in page
    assert external_resources(page) == []


# --- the event types' badges ------------------------------------------------------------------

def test_each_event_type_has_its_own_glyph_and_name():
    assert set(EVENT_GLYPHS) == set(EVENT_TYPES) == set(EVENT_TYPE_LABELS)
    assert len(set(EVENT_GLYPHS.values())) == len(EVENT_TYPES)
    for event_type in EVENT_TYPES:
        badge = event_glyph_html(event_type)
        assert f"geo-glyph-{event_type}" in badge and "<svg" in badge
        assert f'title="{EVENT_TYPE_LABELS[event_type]}"' in badge


def test_the_key_lists_the_event_types_shown_with_their_glyph():
    key = legend_html([("Armenia", "#d62728")], {"casualty"},
                      event_types_present={"explosions", "battles", "nonsense"})
    section = key[key.index("Event type"):]
    assert section.index("Battles") < section.index("Explosions/Remote violence")
    assert "geo-glyph-battles" in section and "geo-glyph-explosions" in section
    assert "Protests" not in section and "nonsense" not in key
    assert "Event type" not in legend_html([("Armenia", "#d62728")], {"casualty"})


def test_the_map_key_shows_the_types_of_the_figures_drawn():
    fmap = build_map(played_frame(), parties=fake_parties(), basemap=False)
    [key] = [c for c in fmap._children.values() if isinstance(c, LegendControl)]
    section = json.loads(key.content_js)  # a JSON string literal
    section = section[section.index("Event type"):]
    assert "Battles" in section and "Explosions/Remote violence" in section
    assert "Riots" not in section and "Protests" not in section


def test_the_glyphs_reach_the_page_as_constant_data_before_the_marker_code():
    page = render(played_frame())
    assert page.count(event_glyphs_js()) == 1
    assert page.index(event_glyphs_js()) < page.index(markers_js())
