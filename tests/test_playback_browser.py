"""Issue 14, point 3: time playback clicked as a user would, in headless Chromium - in an
exported HTML file opened from disk and in the dashboard's map - with every non-local request
blocked. Markers appear and disappear with the period, a marker holding rows of several days
shrinks to those shown, undated items are counted in the control, and reset draws the map as
it was."""
from __future__ import annotations

import re

import pytest

from tests.browser import browser_page, new_page, streamlit_server, wait_for_map, wait_until
from tests.test_mapview import fake_parties, tiny_basemap
from tests.test_playback import played_frame

pytestmark = pytest.mark.browser


def _markers(scope) -> list[str]:
    """The class and data-items of each marker drawn ("<classes>|<items>")."""
    return scope.locator(".geo-marker").evaluate_all(
        "els => els.map(e => e.getAttribute('class') + '|' + e.getAttribute('data-items'))")


def _party(markers: list[str], party: str) -> list[str]:
    return [m for m in markers if f"party-{party} " in m]


def _items(markers: list[str], party: str) -> list[str]:
    """The data-items of the party's markers."""
    return [m.split("|")[1] for m in _party(markers, party)]


def _width(scope, selector: str) -> float:
    return scope.locator(selector).first.evaluate("e => e.getBBox().width")


def _wait_for(page, condition, what: str, tries: int = 120):
    return wait_until(page, condition, what, tries, every_ms=250)


@pytest.fixture(scope="module")
def browser():
    with browser_page() as page:
        yield page.context.browser


@pytest.fixture
def exported(browser, tmp_path):
    """The HTML export of ``played_frame`` opened from disk at 1366x768."""
    from geo.render import exports

    path = tmp_path / "map.html"
    exports.export_html(played_frame(), path, parties=fake_parties(), basemap=tiny_basemap())
    page = new_page(browser, 1366, 768)
    page.goto(path.as_uri())
    page.locator(".geo-playback").wait_for(timeout=30_000)
    page.locator(".geo-marker").first.wait_for(timeout=30_000)
    yield page
    page.context.close()


def test_stepping_by_day_shows_everything_up_to_each_day(exported):
    page = exported
    box = page.locator(".geo-playback")
    before = _markers(page)
    assert len(before) == 4, before  # a place, two casualty markers, an undated claim
    assert _items(before, "armenia") == ["3"]
    assert box.get_attribute("data-state") == "off"
    assert "1 item without a date not shown during playback" in box.inner_text()
    full = _width(page, "path.party-armenia")

    page.get_by_role("button", name="Step forward").click()
    assert page.locator(".geo-playback-label").inner_text() == "Up to 1 Oct 2020"
    assert box.get_attribute("data-state") == "paused"
    shown = _markers(page)
    # 1 Oct: the place and one of the Armenian marker's three figures; Luhansk's figure
    # (2 Oct) and the undated claim are hidden
    assert _items(shown, "armenia") == ["1"]
    assert not _party(shown, "azerbaijan") and not _party(shown, "russia")
    assert any("geo-place" in m for m in shown)
    assert _width(page, "path.party-armenia") < full  # sized by the figures shown
    assert page.locator(".geo-glyph-icon .geo-glyph-battles").count() == 1  # its figure's event type

    page.get_by_role("button", name="Step forward").click()
    assert page.locator(".geo-playback-label").inner_text() == "Up to 2 Oct 2020"
    assert len(_party(_markers(page), "azerbaijan")) == 1


def test_the_period_view_shows_only_the_current_step_and_the_popup_says_so(exported):
    page = exported
    page.locator("select.geo-mode").select_option("period")
    page.get_by_role("button", name="Step forward").click()
    page.get_by_role("button", name="Step forward").click()
    assert page.locator(".geo-playback-label").inner_text() == "2 Oct 2020"
    shown = _markers(page)
    assert _items(shown, "azerbaijan") == ["1"]
    assert not _party(shown, "armenia") and not any("geo-place" in m for m in shown)

    page.get_by_role("button", name="Step forward").click()
    assert page.locator(".geo-playback-label").inner_text() == "3 Oct 2020"
    shown = _markers(page)
    assert _items(shown, "armenia") == ["2"]
    assert not _party(shown, "azerbaijan")
    assert page.locator(".geo-glyph-icon .geo-glyph-explosions").count() == 1
    assert page.locator(".geo-glyph-icon .geo-glyph-battles").count() == 0
    page.locator("path.party-armenia").dispatch_event("mouseover")
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for(timeout=10_000)
    assert tooltip.inner_text().endswith("2 of 3 in the period shown")
    page.locator("path.party-armenia").dispatch_event("click")
    note = page.locator(".leaflet-popup-content .geo-playback-note")
    note.wait_for(timeout=10_000)
    assert note.inner_text() == ("2 of 3 items fall in 3 Oct 2020; the list covers every "
                                 "date.")


def test_reset_draws_the_map_as_it_was_and_the_slider_scrubs(exported):
    page = exported
    before = sorted(_markers(page))
    full = _width(page, "path.party-armenia")
    control = [page.locator(".geo-playback")]
    picture = page.screenshot(mask=control)
    page.locator(".geo-scrub").fill("1")  # the slider: the second day
    assert page.locator(".geo-playback-label").inner_text() == "Up to 2 Oct 2020"
    assert sorted(_markers(page)) != before
    page.get_by_role("button", name="Stop and show all dates").click()
    assert page.locator(".geo-playback").get_attribute("data-state") == "off"
    assert sorted(_markers(page)) == before
    assert _width(page, "path.party-armenia") == full
    assert page.screenshot(mask=control) == picture  # pixel for pixel, but the control
    assert page.locator(".geo-playback-label").inner_text().startswith("All dates: 1 ")


def test_play_runs_through_the_days_and_pauses_at_the_last(exported):
    page = exported
    page.locator("select.geo-speed").select_option("400")
    page.get_by_role("button", name="Play").click()
    box = page.locator(".geo-playback")
    assert box.get_attribute("data-state") == "playing"
    seen = set()

    def at_the_end():
        seen.add(page.locator(".geo-playback-label").inner_text())
        return box.get_attribute("data-state") == "paused"
    _wait_for(page, at_the_end, "playback to reach the last day")
    assert page.locator(".geo-playback-label").inner_text() == "Up to 3 Oct 2020"
    assert "Up to 1 Oct 2020" in seen or "Up to 2 Oct 2020" in seen
    assert page.get_by_role("button", name="Play").is_visible()  # no longer "Pause"
    # every dated item is in view again; the undated claim is not
    assert len(_markers(page)) == 3


def test_weeks_group_the_days(exported):
    page = exported
    page.locator("select.geo-step").select_option("week")
    page.get_by_role("button", name="Step forward").click()
    # 1-3 Oct 2020 fall in the week from Monday 28 Sep
    assert page.locator(".geo-playback-label").inner_text() == "Up to 4 Oct 2020"
    assert "step 1 of 1 (28 Sep \u2013 4 Oct 2020)" in page.locator(".geo-playback").inner_text()
    assert len(_markers(page)) == 3


# --- the dashboard ----------------------------------------------------------------------------

def test_the_dashboards_map_plays_too(browser, tmp_path):
    db = tmp_path / "store.sqlite"
    with streamlit_server(db) as url:
        page = new_page(browser, 1366, 768)
        try:
            page.goto(url)
            frame = wait_for_map(page)
            frame.locator(".geo-playback").wait_for(timeout=60_000)
            frame.locator("path.geo-casualty").first.wait_for(timeout=60_000)
            before = sorted(_markers(frame))
            label = frame.locator(".geo-playback-label")
            assert label.inner_text() == "All dates: 29 \u2013 30 Sep 2020"
            frame.get_by_role("button", name="Step forward").click()
            assert label.inner_text() == "Up to 29 Sep 2020"
            first_day = _markers(frame)
            # the sample's figures of 29 September only: fewer markers, fewer items
            assert 0 < len(first_day) < len(before), (first_day, before)
            items = sum(int(m.split("|")[1]) for m in first_day)
            assert items < sum(int(m.split("|")[1]) for m in before)
            page.screenshot(path=str(tmp_path / "dashboard-playback.png"))
            frame.get_by_role("button", name="Step forward").click()
            assert label.inner_text() == "Up to 30 Sep 2020"
            frame.get_by_role("button", name="Stop and show all dates").click()
            assert sorted(_markers(frame)) == before
            assert re.match(r"All dates", label.inner_text())
        finally:
            page.context.close()
