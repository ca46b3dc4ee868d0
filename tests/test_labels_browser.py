"""Issue 14, point 4, in headless Chromium: an exported map names countries at world zoom and
shows a town's name once the user zooms in on it; labels lie under the markers and take no
clicks."""
from __future__ import annotations

import pandas as pd
import pytest

from geo.records import MAP_COLUMNS
from geo.render import exports
from geo.render.basemap import Basemap
from geo.render.labels import map_labels
from tests.browser import browser_page
from tests.test_labels import FakeGazetteer
from tests.test_mapview import fake_parties, tiny_basemap

pytestmark = [pytest.mark.browser]

SARAQIB = (35.86, 36.80)
MAP = "(() => { for (const k in window) { const v = window[k]; " \
      "if (v instanceof L.Map) return v; } })()"


def _frame() -> pd.DataFrame:
    rows = []
    for k, (name, lat, lon) in enumerate([("Aleppo", 36.20, 37.16), ("Damascus", 33.51, 36.29),
                                          ("Deir ez-Zor", 35.34, 40.14)]):
        row = dict.fromkeys(MAP_COLUMNS)
        row.update(kind="place", place=name, lat=lat, lon=lon, precision="city",
                   country_code="SY", article_id="a", title="t", sentence=f"In {name}.",
                   start=k, end=k + 1)
        rows.append(row)
    return pd.DataFrame(rows, columns=list(MAP_COLUMNS))


def _labels(page) -> set[str]:
    return set(page.locator(".geo-label-text").all_text_contents())


def _zoom(page) -> float:
    return page.evaluate(f"() => {MAP}.getZoom()")


def test_zooming_in_brings_a_towns_name_that_the_world_view_leaves_out(tmp_path):
    path = tmp_path / "map.html"
    labels = map_labels(FakeGazetteer(), ["SY"])
    exports.export_html(_frame(), path, title="Syria", parties=fake_parties(),
                        basemap=Basemap(countries=tiny_basemap(), labels=labels))
    errors = []
    with browser_page(1366, 768) as page:
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.goto(path.as_uri())
        page.wait_for_selector(".geo-label", state="attached", timeout=30_000)
        # the user looks at the world around Saraqib...
        page.evaluate(f"([lat, lon]) => {{ {MAP}.setView([lat, lon], 2, {{animate: false}}); }}",
                      list(SARAQIB))
        page.wait_for_function("() => document.querySelector('.geo-label-country')")
        world = _labels(page)
        assert "Syria" in world and "Saraqib" not in world and "Aleppo" not in world
        # ... then zooms in with the + button, one step at a time
        for _ in range(7):
            before = _zoom(page)
            page.locator(".leaflet-control-zoom-in").click()
            page.wait_for_function(f"z => {MAP}.getZoom() > z", arg=before)
            page.wait_for_timeout(300)  # the zoom animation ends, labels refresh
        assert _zoom(page) >= 9
        close = _labels(page)
        assert "Saraqib" in close and "Syria" not in close

        town = page.locator(".geo-label-text", has_text="Saraqib")
        box = town.bounding_box()
        assert box and box["width"] > 20 and box["height"] > 8  # drawn, readable size
        style = town.evaluate("e => getComputedStyle(e).textShadow")
        assert "255, 255, 255" in style  # a halo
        # under the markers (overlay 400, markers 600) and never the target of a click
        assert page.evaluate(f"() => +{MAP}.getPane('geo-labels').style.zIndex") < 400
        hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('.geo-label')",
                            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
        assert hit is None
        attribution = page.locator(".leaflet-control-attribution").inner_text()
        assert "GeoNames" in attribution and "CC BY 4.0" in attribution
    assert errors == []
