"""The real dashboard in headless Chromium, with every non-local request blocked.

Starts ``streamlit run app.py`` on an empty store with ``--sample`` (so the bundled sample is ingested into it) and
drives it as an analyst would: the map and its legend, the party and date filters (and the
URL that carries them), the timeline and its span selection, the highlighted article, an
upload, and every export - each downloaded and checked with the library that reads it.
"""
from __future__ import annotations

import io
import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser import (MAP_FRAME, browser_page, click_biggest, download, new_page,
                           streamlit_server, wait_for_map, wait_until)

pytestmark = pytest.mark.browser


def _marker_classes(frame) -> list[str]:
    # places and casualties are SVG paths, claims are speech-bubble div icons
    return frame.locator(".geo-marker").evaluate_all(
        "els => els.map(e => e.getAttribute('class'))")


def _map_classes_now(page):
    """The map's marker classes, or None when its frame is redrawn while read (read again)."""
    try:
        return _marker_classes(page.frame_locator(MAP_FRAME))
    except Exception:  # noqa: BLE001 - a redrawn frame destroys the execution context
        return None


def _wait_for(page, condition, what: str, tries: int = 120):
    """Poll ``condition()`` (every 0.5 s, up to a minute) until it returns something true."""
    return wait_until(page, condition, what, tries)


def _pick_in_sidebar(page, label: str, typed: str, option: str, url_part: str) -> None:
    """Pick ``option`` in the sidebar's multiselect ``label`` until the URL carries
    ``url_part``: under load the widget may still be loading when the first pick lands."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
        has_text=label)
    for _ in range(4):
        box.click()
        page.keyboard.type(typed)
        try:
            page.get_by_role("option", name=option).first.click(timeout=15_000)
        except Exception:  # noqa: BLE001 - the list was redrawn under us: pick again
            pass
        page.keyboard.press("Escape")
        if any(url_part in page.url or page.wait_for_timeout(500) for _ in range(20)):
            break
    _wait_for(page, lambda: url_part in page.url, f"{url_part} in the URL")


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    return tmp_path_factory.mktemp("app") / "store.sqlite"


@pytest.fixture(scope="module")
def app_url(store_path):
    with streamlit_server(store_path) as url:
        yield url


@pytest.fixture(scope="module")
def dashboard(app_url):
    with browser_page() as page:
        page.goto(app_url)
        yield page


@pytest.fixture(scope="module")
def exports(app_url, dashboard):
    """A session with the default filters for the downloads (other tests filter theirs)."""
    page = new_page(dashboard.context.browser)
    page.goto(app_url)
    _map(page)
    yield page
    page.context.close()


@pytest.fixture
def fresh(dashboard):
    """A page in a new Streamlit session (default filters), closed afterwards."""
    page = new_page(dashboard.context.browser)
    yield page
    page.context.close()


def _map(page):
    frame = wait_for_map(page)
    frame.locator("path.geo-casualty").first.wait_for(timeout=60_000)
    return frame


def test_map_renders_the_sample_with_markers_and_legend(dashboard, tmp_path_factory):
    frame = _map(dashboard)
    classes = _marker_classes(frame)
    kinds = {k for c in classes for k in ("geo-place", "geo-casualty", "geo-claim") if k in c}
    assert kinds == {"geo-place", "geo-casualty", "geo-claim"}, classes
    assert sum("geo-casualty" in c for c in classes) >= 3
    # casualties carry their outcome (outline), country-level points are marked coarse
    assert all(re.search(r"outcome-\w+", c) for c in classes if "geo-casualty" in c)
    assert any("geo-coarse" in c for c in classes)
    # the offline basemap: the world's outlines, fetched from Streamlit's static route
    frame.locator(".leaflet-geo-basemap-pane path").first.wait_for(state="attached",
                                                                    timeout=30_000)
    assert frame.locator(".leaflet-geo-basemap-pane path").count() >= 100  # ~240 countries
    legend = frame.locator(".geo-legend").inner_text()
    assert "Azerbaijan" in legend and "Armenia" in legend and "killed" in legend
    # the key starts unfolded, and no two parties in it share a colour
    assert frame.locator(".geo-legend.geo-collapsed").count() == 0
    swatches = frame.locator(".geo-parties .geo-dot").evaluate_all(
        "els => els.map(e => getComputedStyle(e).backgroundColor)")
    assert len(swatches) >= 2 and len(set(swatches)) == len(swatches), swatches
    # per-party layers in the layer control
    layers = frame.locator(".leaflet-control-layers-overlays").inner_text()
    assert "Armenia" in layers and "Azerbaijan" in layers and "Places" in layers
    dashboard.screenshot(path=str(tmp_path_factory.getbasetemp() / "dashboard.png"))


def test_party_filter_keeps_only_that_partys_items_and_goes_into_the_url(dashboard):
    frame = _map(dashboard)
    before = _marker_classes(frame)
    sidebar = dashboard.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Parties", exact=True).wait_for()
    # the view is shareable: the filter is in the URL
    _pick_in_sidebar(dashboard, "Parties", "Azerbaijan", "Azerbaijan", "party=azerbaijan")

    def filtered():
        classes = _map_classes_now(dashboard)
        if classes is None:
            return None
        casualties = [c for c in classes if "geo-casualty" in c]
        return classes if casualties and len(classes) < len(before) else None

    after = _wait_for(dashboard, filtered, f"the party filter to change the map: {before}")
    casualties = [c for c in after if "geo-casualty" in c]
    assert all("party-azerbaijan" in c for c in casualties), casualties


def test_a_shared_link_opens_the_same_view(app_url, store_path, fresh):
    from geo.store import open_store

    fresh.goto(app_url)
    _map(fresh)  # the sample is in the store once a map is drawn
    with open_store(store_path) as store:
        items = store.query()
    figures = items[items["kind"].ne("place") & items["date"].notna()]
    day = figures["date"].min()  # the first day with a figure or claim
    expected = set(figures.loc[figures["date"].eq(day), "party"].fillna("none"))
    place_days = set(items.loc[items["kind"].eq("place"), "date"].dropna())
    fresh.goto(f"{app_url}/?from={day}&to={day}&undated=0")
    frame = _map(fresh)

    def that_day_only():
        classes = _marker_classes(frame)
        parties = {re.search(r"party-(\S+)", c).group(1) for c in classes if "geo-place" not in c}
        places = any("geo-place" in c for c in classes)
        return classes if (classes and parties <= expected
                           and (day in place_days or not places)) else None
    try:
        _wait_for(fresh, that_day_only, "the date filter", tries=60)
    except pytest.fail.Exception:
        raise AssertionError(f"{day} {expected}: {_marker_classes(frame)}") from None
    slider = fresh.locator('[data-testid="stSidebar"] [data-testid="stSlider"]')
    assert day in slider.inner_text()


def test_search_text_from_a_shared_link_is_shown_as_text_not_markdown(app_url, fresh):
    """Issue 16: an image tag in the URL's search text must not make the reader's browser
    fetch the URL it names."""
    from urllib.parse import quote

    payload = "![beacon](http://127.0.0.1:9/beacon.png) **bold** :red[x]"
    fetched = []
    fresh.on("request", lambda request: fetched.append(request.url))
    fresh.goto(f"{app_url}/?q={quote(payload)}")
    caption = fresh.get_by_text("Showing:", exact=False).first
    _wait_for(fresh, lambda: "beacon" in caption.inner_text(), "the search in the caption")
    assert payload in caption.inner_text()
    fresh.wait_for_timeout(1000)
    assert not any(url.startswith("http://127.0.0.1:9/") for url in fetched)
    assert fresh.locator("img[src*='beacon']").count() == 0


def test_the_timeline_renders_and_a_dragged_span_narrows_the_dates(app_url, store_path, fresh):
    from geo.store import open_store

    fresh.goto(app_url)
    _map(fresh)
    chart = fresh.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    canvas = chart.locator("svg, canvas").first
    canvas.wait_for()
    # bars were drawn: vega marks the casualties and the claims
    assert chart.locator("g.mark-rect path, g.mark-rect").count() > 0 or \
        chart.locator("canvas").count() == 1
    box = canvas.bounding_box()
    y = box["y"] + 60  # inside the casualties chart
    fresh.mouse.move(box["x"] + 80, y)
    fresh.mouse.down()
    fresh.mouse.move(box["x"] + 250, y, steps=8)
    fresh.mouse.up()
    _wait_for(fresh, lambda: "from=" in fresh.url and "to=" in fresh.url,
              "the span to reach the date filter")
    query = parse_qs(urlparse(fresh.url).query)
    with open_store(store_path) as store:
        first, last = store.date_range()
    assert first <= query["from"][0] <= query["to"][0] <= last, (first, last, query)


def test_the_article_view_highlights_places_figures_and_claims(dashboard):
    dashboard.get_by_role("tab", name="Articles").click()
    article = dashboard.locator(".geo-article")
    article.wait_for(timeout=60_000)
    # the sample: 37 place mentions, 4 figures, 12 claims (overlapping spans merge)
    assert article.locator("mark.geo-place").count() >= 15
    assert article.locator("mark.geo-casualty").count() >= 1
    assert article.locator("mark.geo-claim").count() >= 3
    places = article.locator("mark.geo-place").all_inner_texts()
    assert "Nagorno-Karabakh" in places and "Armenia" in places
    dashboard.get_by_role("tab", name="Map").click()


def test_a_place_is_corrected_from_the_article_view_and_undone(app_url, store_path, fresh):
    from geo.store import open_store

    fresh.goto(app_url)
    _map(fresh)
    fresh.get_by_role("tab", name="Articles").click()
    fresh.get_by_text("Correct a place or a party").click()
    button = fresh.get_by_role("button", name="Correct the place")
    button.wait_for(timeout=60_000)  # the gazetteer proposed coordinates for the name
    button.click()
    fresh.get_by_text("Corrections made").wait_for(timeout=60_000)
    with open_store(store_path) as store:
        done = store.corrections()
    assert len(done) == 1 and done.loc[0, "kind"] == "place"
    # by default a correction is this article's only, never every article naming the place
    assert done.loc[0, "article_id"] is not None and str(done.loc[0, "article_id"]) != "nan"
    fresh.get_by_role("button", name="Remove it").click()
    _wait_for(fresh, lambda: fresh.get_by_text("Corrections made").count() == 0,
              "the correction to be undone")
    with open_store(store_path) as store:
        assert store.corrections().empty


def test_uploading_an_undated_article_shows_it_on_the_map(app_url, fresh, tmp_path):
    article = tmp_path / "mariupol.txt"
    article.write_text("Shelling hits Mariupol\n\nShelling killed four civilians in Mariupol "
                       "on Sunday, Ukrainian officials said.\n", encoding="utf-8")
    fresh.goto(app_url)
    frame = _map(fresh)
    before = _marker_classes(frame)
    fresh.locator('[data-testid="stSidebar"] input[type="file"]').set_input_files(str(article))
    fresh.get_by_role("button", name="Ingest", exact=True).click()
    fresh.get_by_text("Last upload").wait_for(timeout=60_000)
    after = _wait_for(fresh, lambda: (lambda a: a if len(a) > len(before) else None)(
        _marker_classes(fresh.frame_locator(MAP_FRAME))), "the new article's markers")
    # Ukraine reports it; the victims' side is not stated: an unattributed figure
    new = [c for c in after if "geo-casualty" in c and "party-none" in c]
    assert new, after
    # the uploader is emptied: pressing again cannot ingest the file twice (the old button
    # stays on screen until the rerun has finished)
    _wait_for(fresh, lambda: fresh.get_by_role("button", name="Ingest", exact=True).count() == 0,
              "the emptied uploader")


def test_a_popup_shows_the_quote_reporter_and_article(exports):
    frame = exports.frame_locator(MAP_FRAME)
    # popups are fetched after the first paint; a DOM click opens the biggest circle's
    frame.locator("path.geo-casualty").first.wait_for()
    click_biggest(frame)
    popup = frame.locator(".geo-popup")
    popup.locator("blockquote mark").first.wait_for(timeout=30_000)  # the quote, figure marked
    text = popup.inner_text()
    assert "Victims' side" in text and "article " in text and "chars " in text
    assert re.search(r"says:|according to|Reported:", text), text
    exports.keyboard.press("Escape")


def test_a_later_file_and_pasted_text_are_ingested_and_shown(app_url, store_path, fresh,
                                                            tmp_path):
    from geo.store import open_store

    # dated after everything in the store: a range that was "all dates" must grow with it
    article = tmp_path / "kharkiv.md"
    article.write_text("---\ntitle: Strike on Kharkiv\ndate: 2021-03-01\nsource: Test wire\n---\n"
                       "A missile strike killed seven civilians in Kharkiv, Ukrainian officials "
                       "said.\n", encoding="utf-8")
    fresh.goto(app_url)
    frame = _map(fresh)
    before = _marker_classes(frame)
    sidebar = fresh.locator('[data-testid="stSidebar"]')
    sidebar.locator('input[type="file"]').set_input_files(str(article))
    sidebar.locator("textarea").fill("Shelling in Odesa\n\nShelling killed two soldiers in "
                                     "Odesa on Monday, the army said.")
    sidebar.locator("textarea").press("Control+Enter")  # commit the text area
    fresh.get_by_role("button", name="Ingest", exact=True).click()
    fresh.get_by_text("Last upload").wait_for(timeout=60_000)
    _wait_for(fresh, lambda: len(_marker_classes(fresh.frame_locator(MAP_FRAME))) > len(before),
              "the new articles' markers")
    with open_store(store_path) as store:
        titles = set(store.articles()["title"])
    assert {"Strike on Kharkiv", "Shelling in Odesa"} <= titles
    # still "all dates": the 2021 article is inside the range, not cut off at the old end
    assert "to=" not in fresh.url and "from=" not in fresh.url
    assert "2021-03-01" in fresh.locator('[data-testid="stSidebar"] [data-testid="stSlider"]'
                                         ).inner_text()


# --- exports: each one downloaded and opened with what reads it -------------------------------

def test_html_export_renders_its_markers_with_no_network(exports, tmp_path):
    path = download(exports, "Map as HTML", tmp_path / "export.html")
    html = path.read_text(encoding="utf-8")
    assert not re.search(r'<script[^>]+src="https?://', html)
    # a policy that forbids remote scripts, and a title that states the period shown
    assert re.search(r'<meta http-equiv="Content-Security-Policy" content="default-src '
                     r"&#x27;none&#x27;; script-src &#x27;unsafe-inline&#x27;;", html)
    assert not re.search(r'<link[^>]+href="https?://', html)
    page = new_page(exports.context.browser)
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(path.as_uri())
        page.locator(".geo-marker").first.wait_for(timeout=30_000)
        assert page.locator("path.geo-casualty").count() >= 3
        title = page.locator(".geo-title").inner_text()
        assert "Conflict map" in title and "2020" in title and "Exported" in title
        assert "Azerbaijan" in page.locator(".geo-legend").inner_text()
    finally:
        page.context.close()
    assert all(not u.startswith(("http://", "https://")) for u in requests), requests


def test_png_export_shows_markers_and_the_legend(exports, tmp_path):
    from PIL import Image

    data = download(exports, "Map as PNG", tmp_path / "map.png").read_bytes()
    image = Image.open(io.BytesIO(data)).convert("RGB")
    assert image.size == (1200, 800)
    # the legend box: near-white, in the bottom-right corner (the land is cream, not white)
    corner = image.crop((image.width - 200, image.height - 160, image.width - 20,
                         image.height - 40)).get_flattened_data()
    assert sum(1 for p in corner if min(p) >= 248) / len(corner) > 0.4
    # markers in the victims' and claimants' colours (data/parties.csv), legend left out
    left = list(image.crop((0, 0, image.width - 260, image.height)).get_flattened_data())

    def pixels_of(rgb, tol=30):
        return sum(1 for p in left if all(abs(a - b) <= tol for a, b in zip(p, rgb)))
    assert pixels_of((0x00, 0x9E, 0x73)) >= 30  # Azerbaijan
    assert pixels_of((0xE6, 0x9F, 0x00)) >= 30  # Armenia


def test_table_exports_load_in_geopandas_and_pyogrio(exports, tmp_path):
    import geopandas as gpd
    import pandas as pd
    import pyogrio

    csv = pd.read_csv(download(exports, "Data as CSV", tmp_path / "items.csv"))
    assert {"kind", "lat", "lon", "sentence", "article_id"} <= set(csv.columns)
    geojson = gpd.read_file(download(exports, "Data as GeoJSON", tmp_path / "items.geojson"))
    assert len(geojson) == len(csv) and geojson.crs.to_epsg() == 4326
    gpkg = download(exports, "Data as GeoPackage", tmp_path / "items.gpkg")
    info = pyogrio.read_info(gpkg)
    assert info["features"] == len(csv) and info["geometry_type"] == "Point"
    frame = pyogrio.read_dataframe(gpkg)
    assert set(frame["kind"]) == set(csv["kind"])


# --- tolls: a store of day-by-day coverage of our own making ----------------------------------

def test_the_tolls_tab_shows_each_sides_toll_per_reporter(dashboard, tmp_path_factory):
    from pathlib import Path

    from geo.read import read_articles
    from geo.pipeline import ingest
    from geo.store import open_store

    fixtures = Path(__file__).parent / "fixtures"
    db = tmp_path_factory.mktemp("tolls") / "store.sqlite"
    with open_store(db) as store:
        results = list(ingest(read_articles([fixtures / "tolls" / "coverage.jsonl",
                                             fixtures / "000_6b9e2fcaa4d74d82.txt"],
                                            date="2020-09-30"), store))
    assert {r.status for r in results} == {"ok"}
    # the module's browser (one Playwright per process), a page of its own
    page = new_page(dashboard.context.browser, 1400, 1600)
    with streamlit_server(db) as url:
        page.goto(url)
        wait_for_map(page)
        page.get_by_role("tab", name="Tolls").click()
        # one chart per victims' side, its name above it, biggest toll first
        page.get_by_text("Nagorno-Karabakh authorities: killed").wait_for(timeout=60_000)
        page.get_by_text("Armenia: killed", exact=True).wait_for(timeout=60_000)
        charts = page.locator('[data-testid="stVegaLiteChart"]')
        _wait_for(page, lambda: charts.count() >= 3, "a chart per side")
        # the legend names each reporter's line
        page.get_by_text("Armenia reports: military").first.wait_for(timeout=60_000)
        # the table of tolls sits below the charts
        page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=60_000)
    page.context.close()


# --- clusters: a party's nearby markers grouped when zoomed out ---------------------------------

_LEAFLET_MAP = "Object.values(window).find(v => v instanceof L.Map)"


def test_zoomed_out_a_partys_nearby_figures_cluster_in_its_colour_and_split_on_click(
        app_url, fresh, tmp_path):
    from geo.parties import load_parties

    # three Ukrainian figures in three Donbas towns 20-40 km apart: one party, one kind
    article = tmp_path / "donbas.md"
    article.write_text(
        "---\ntitle: Shelling hits Donbas towns\ndate: 2020-10-01\nsource: Test wire\n---\n"
        "Shelling killed four Ukrainian soldiers in Kramatorsk on Sunday, Ukraine's defence "
        "ministry said. Another strike killed three Ukrainian soldiers in Sloviansk, the "
        "ministry said. Shelling also killed five Ukrainian soldiers in Bakhmut, the ministry "
        "said.\n", encoding="utf-8")
    fresh.goto(app_url)
    _map(fresh)
    # Ukraine's figures already on the map (other tests' uploads, far from Donbas), zoomed out
    fresh.frame_locator(MAP_FRAME).locator(".leaflet-container").evaluate(
        f"el => {_LEAFLET_MAP}.setZoom(3, {{animate: false}})")
    fresh.wait_for_timeout(500)
    alone_before = fresh.frame_locator(MAP_FRAME).locator(
        "path.geo-casualty.party-ukraine").count()
    fresh.locator('[data-testid="stSidebar"] input[type="file"]').set_input_files(str(article))
    fresh.get_by_role("button", name="Ingest", exact=True).click()
    fresh.get_by_text("Last upload").wait_for(timeout=60_000)
    ukraine = ".geo-cluster.party-ukraine, path.geo-casualty.party-ukraine"
    _wait_for(fresh, lambda: fresh.frame_locator(MAP_FRAME).locator(ukraine).count(),
              "Ukraine's figures on the map")
    frame = fresh.frame_locator(MAP_FRAME)
    leaflet = frame.locator(".leaflet-container")
    leaflet.evaluate(f"el => {_LEAFLET_MAP}.setZoom(3, {{animate: false}})")

    # zoomed out: one circle in Ukraine's colour standing for the three markers, numbered
    cluster = frame.locator("path.geo-cluster-casualty.party-ukraine")
    _wait_for(fresh, lambda: cluster.count() == 1, "Ukraine's cluster")
    color = load_parties().color("ukraine")
    assert cluster.get_attribute("fill").lower() == color.lower()
    assert cluster.get_attribute("data-markers") == "3"
    assert cluster.get_attribute("data-items") == "3"
    # the three Donbas figures are all in the cluster: no new marker of Ukraine stands alone
    assert frame.locator("path.geo-casualty.party-ukraine").count() == alone_before
    assert "3" in frame.locator(".geo-cluster-label").all_inner_texts()
    # other parties keep their own colours: no cluster mixes two parties
    fills = frame.locator("path.geo-cluster").evaluate_all(
        "els => els.map(e => [e.getAttribute('class'), e.getAttribute('fill')])")
    by_party: dict = {}
    for classes, fill in fills:
        pid = re.search(r"party-(\S+)", classes).group(1)
        if pid != "none":
            by_party.setdefault(pid, set()).add(fill.lower())
    # one colour per party, and (issue 14) no two parties on the map share one
    assert all(len(f) == 1 for f in by_party.values()), by_party
    assert len({next(iter(f)) for f in by_party.values()}) == len(by_party), by_party
    # explained in the key (collapsed when many parties are on the map: its text is there)
    assert "click a group to zoom in" in frame.locator(".geo-legend").text_content()
    cluster.hover(force=True)  # the tooltip says what it groups
    tip = frame.locator(".leaflet-tooltip").last
    tip.wait_for()
    assert "3 markers grouped" in tip.inner_text() and "12 killed" in tip.inner_text()

    # turning the party off in the layer control removes its cluster
    frame.locator(".leaflet-control-layers").hover()
    toggle = frame.locator(".leaflet-control-layers-overlays label",
                           has_text="Ukraine").locator("input")
    toggle.uncheck()
    assert cluster.count() == 0
    toggle.check()
    _wait_for(fresh, lambda: cluster.count() == 1, "the cluster back with its layer")

    # a click zooms to the cluster's bounds: the three figures are drawn apart again
    zoom = leaflet.evaluate(f"el => {_LEAFLET_MAP}.getZoom()")
    cluster.evaluate("""el => {
        const r = el.getBoundingClientRect();
        el.dispatchEvent(new MouseEvent("click", {bubbles: true,
            clientX: r.x + r.width / 2, clientY: r.y + r.height / 2}));
    }""")
    _wait_for(fresh, lambda: frame.locator("path.geo-casualty.party-ukraine").count()
              >= 3 + alone_before, "the cluster to split")
    assert cluster.count() == 0
    assert leaflet.evaluate(f"el => {_LEAFLET_MAP}.getZoom()") > zoom


@pytest.mark.parametrize("damage", ["not a database", "newer schema"])
def test_a_damaged_or_newer_store_is_explained_not_a_traceback(tmp_path, damage, dashboard):
    """Issue 13: the page showed 'database disk image is malformed' or SchemaVersionError as a
    Python traceback."""
    import sqlite3

    from geo.store import open_store

    db = tmp_path / "store.sqlite"
    if damage == "not a database":
        db.write_bytes(b"SQLite format 3\x00" + b"\x01" * 5000)
        expected = "damaged or is not a store"
    else:
        open_store(db).close()
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE schema_version SET version = 99")
        expected = "newer version of this project"
    # a page in the module's browser (a second sync Playwright in one process fails)
    page = new_page(dashboard.context.browser)
    try:
        with streamlit_server(db) as url:
            page.goto(url)
            page.get_by_text(expected, exact=False).first.wait_for(timeout=60_000)
            body = page.locator("body").inner_text()
            assert "cannot be read" in body and "Traceback" not in body
            assert not page.locator('[data-testid="stException"]').count()
    finally:
        page.context.close()


def test_with_a_password_a_viewer_gets_no_upload_form_until_signed_in(store_path, dashboard,
                                                                      monkeypatch):
    """Issue 13: with GEO_PASSWORD set, a viewer sees the map but no upload form; the form
    appears once the password is given, and only in that session."""
    monkeypatch.setenv("GEO_PASSWORD", "correct horse battery")
    monkeypatch.delenv("GEO_PASSWORD_HASH", raising=False)
    page = new_page(dashboard.context.browser)
    other = None
    try:
        with streamlit_server(store_path) as url:  # the module's store, already ingested
            page.goto(url)
            _map(page)  # viewers still get the map
            sidebar = page.locator('[data-testid="stSidebar"]')
            sidebar.get_by_text("Viewing only").wait_for(timeout=60_000)
            assert sidebar.locator('input[type="file"]').count() == 0
            assert page.get_by_role("button", name="Ingest", exact=True).count() == 0
            password = sidebar.locator('input[type="password"]')
            password.fill("wrong password")
            sidebar.get_by_role("button", name="Sign in").click()
            sidebar.get_by_text("Wrong password").wait_for(timeout=30_000)
            assert sidebar.locator('input[type="file"]').count() == 0
            password.fill("correct horse battery")
            sidebar.get_by_role("button", name="Sign in").click()
            sidebar.locator('input[type="file"]').wait_for(state="attached", timeout=30_000)
            assert "correct horse" not in page.url
            # another session (another reader) is still a viewer
            other = new_page(dashboard.context.browser)
            other.goto(url)
            other_sidebar = other.locator('[data-testid="stSidebar"]')
            other_sidebar.get_by_text("Viewing only").wait_for(timeout=60_000)
            assert other_sidebar.locator('input[type="file"]').count() == 0
    finally:
        page.context.close()
        if other is not None:
            other.context.close()


def _choose_in(page, box, text: str, button) -> None:
    """Pick the option ``text`` of a Streamlit multiselect or selectbox until ``button``
    (disabled while nothing is chosen) is enabled: under load the widget may still be loading
    its options or rerunning when the first pick lands."""
    for _ in range(4):
        box.click()
        page.keyboard.type(text)
        option = page.get_by_role("option", name=text).first
        try:
            option.wait_for(timeout=15_000)
            option.click()
        except Exception:  # noqa: BLE001 - the list was redrawn under us: pick again
            pass
        page.keyboard.press("Escape")
        for _ in range(20):
            if button.is_enabled():
                return
            page.wait_for_timeout(500)
    pytest.fail(f"could not choose {text!r}")


def test_an_article_moved_to_the_bin_leaves_the_page_and_is_restored(dashboard, tmp_path):
    """Issue 14: select an article in the Articles tab, "Move to bin": it leaves the list and
    the counts; the bin's expander brings it back."""
    from geo.store import open_store
    from tests.test_store import make_extraction

    db = tmp_path / "bin.sqlite"
    with open_store(db) as store:
        for article_id in ("a1", "a2"):
            store.add(make_extraction(article_id))
    page = new_page(dashboard.context.browser)
    try:
        with streamlit_server(db) as url:
            page.goto(url)
            page.get_by_role("tab", name="Articles").click()
            box = page.locator('[data-testid="stMultiSelect"]').filter(
                has_text="Articles to delete")
            box.wait_for(timeout=60_000)
            move = page.get_by_role("button", name="Move to bin")
            _choose_in(page, box, "Title a1", move)
            move.click()
            page.get_by_text("Bin (1 article(s))").wait_for(timeout=60_000)
            with open_store(db) as store:
                assert list(store.binned()["id"]) == ["a1"] and len(store) == 1
            page.get_by_text("Bin (1 article(s))").click()
            restore = page.locator('[data-testid="stMultiSelect"]').filter(
                has_text="Articles to restore")
            restore.wait_for(timeout=60_000)
            button = page.get_by_role("button", name="Restore", exact=True)
            _choose_in(page, restore, "Title a1", button)
            button.click()
            _wait_for(page, lambda: page.get_by_text("Bin (1 article(s))").count() == 0,
                      "the bin to be emptied by the restore")
            with open_store(db) as store:
                assert store.binned().empty and len(store) == 2
    finally:
        page.context.close()


def test_with_no_store_named_the_demo_store_is_shown_and_labelled(dashboard, tmp_path):
    """Issue 14: with no --db and no $GEO_DB, the page shows the demo store (the bundled
    sample), says so, and writes nothing into the user's own store."""
    import os
    import subprocess
    import sys
    import time
    import urllib.request

    from geo.config import PROJECT_DIR, gazetteer_path
    from tests.browser import free_port

    env = {**os.environ, "GEO_HOME": str(tmp_path), "GEO_GAZETTEER": str(gazetteer_path())}
    env.pop("GEO_DB", None)
    port = free_port()
    # as a first start: no --db (tests.browser.streamlit_server always names one)
    with open(tmp_path / "streamlit.log", "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--browser.gatherUsageStats", "false"],
            cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    page = new_page(dashboard.context.browser)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(240):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        page.goto(url)
        page.get_by_text("Conflict map \u2014 demo").wait_for(timeout=180_000)
        page.get_by_text("Demo store").wait_for(timeout=60_000)
        _map(page)
        assert (tmp_path / "demo.sqlite").exists() and not (tmp_path / "geo.sqlite").exists()
    finally:
        page.context.close()
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.browser
def test_an_article_is_moved_to_another_conflict_filtered_and_undone(app_url, store_path,
                                                                     fresh):
    """Issue 14: the conflict of an article, corrected in the Articles tab, picked in the
    sidebar (and the URL), and the correction undone."""
    from geo.store import open_store

    fresh.goto(app_url)
    _map(fresh)
    fresh.get_by_role("tab", name="Articles").click()
    summary = fresh.locator('[data-testid="stExpander"] summary').filter(has_text="Conflict:")
    summary.wait_for(timeout=120_000)  # the tab reads the article first
    summary.click()
    box = fresh.locator('[data-testid="stSelectbox"]').filter(has_text="Conflict of this article")
    box.wait_for(timeout=60_000)
    move = fresh.get_by_role("button", name="Move to this conflict")
    _choose_in(fresh, box, "Yemeni civil war", move)
    move.click()
    fresh.get_by_text("Conflict: Yemeni civil war").wait_for(timeout=60_000)
    with open_store(store_path) as store:
        done = store.corrections()
        moved = next(iter(store.conflict_fixes()))
    assert list(done["kind"]) == ["conflict"] and list(done["conflict"]) == ["yemen"]
    # the sidebar offers the conflict now in the store; picking it goes into the URL
    sidebar = fresh.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("button", name="Yemeni civil war").click()
    _wait_for(fresh, lambda: "conflict=yemen" in fresh.url, "the conflict in the URL")
    fresh.get_by_text("Showing: Yemeni civil war").wait_for(timeout=60_000)
    # the one article moved there (the metrics may be redrawn a moment after the caption)
    _wait_for(fresh, lambda: fresh.get_by_test_id("stMetricValue").first.inner_text().strip()
              == "1", "the count of the conflict's articles")
    fresh.get_by_text("Correct a place or a party").click()
    fresh.get_by_role("button", name="Remove it").click()

    def undone():
        with open_store(store_path) as store:
            return not store.conflict_fixes()
    _wait_for(fresh, undone, "the undo")
    assert moved


def test_the_event_type_filter_keeps_only_that_types_figures_and_goes_into_the_url(
        app_url, fresh):
    fresh.goto(app_url)
    frame = _map(fresh)
    before = [c for c in _marker_classes(frame) if "geo-casualty" in c]
    sidebar = fresh.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Event type", exact=True).wait_for()
    _pick_in_sidebar(fresh, "Event type", "Explosions", "Explosions/Remote violence",
                     "event=explosions")

    def filtered():
        classes = _map_classes_now(fresh)
        if classes is None:
            return None
        casualties = [c for c in classes if "geo-casualty" in c]
        return casualties if casualties and len(casualties) < len(before) else None

    # the sample's one figure typed from its sentence ("a Turkish F-16 jet shot down a SU-25
    # jet"): the others, whose sentences give no cue, leave the map
    _wait_for(fresh, filtered, f"the event type filter to change the map: {before}")


def test_the_acted_by_filter_keeps_the_figures_of_that_actor(app_url, store_path, fresh):
    """Issue 14: who acted, kept apart from the victims' side, picked in the sidebar."""
    from geo.records import Article, Casualty, Extraction
    from geo.store import open_store

    text = "Turkish drones killed three Armenian soldiers near Hadrut on Wednesday."
    figure = Casualty("killed", 3, "exact", "military", "armenia", "armenia", 15, 44,
                      count_low=3, count_high=3, sentence=text, sentence_start=0,
                      place="Hadrut", lat=39.52, lon=47.03, date="2020-09-30", actor="turkey",
                      actor_text="Turkish drones", event_type="explosions")
    fresh.goto(app_url)
    _map(fresh)  # the sample is in the store once a map is drawn
    with open_store(store_path) as store:
        store.add(Extraction(Article(id="acted-by", text=text, title="Drones over Hadrut",
                                     date="2020-09-30", source="Test wire"),
                             casualties=[figure]))
    fresh.goto(app_url)
    _map(fresh)
    figures = fresh.get_by_test_id("stMetric").filter(has_text="Casualty figures")

    def shown() -> int:
        return int(figures.get_by_test_id("stMetricValue").inner_text().strip())
    before = _wait_for(fresh, lambda: shown() >= 2 and shown(), "the figures' count")
    sidebar = fresh.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Acted by", exact=True).wait_for()
    _pick_in_sidebar(fresh, "Acted by", "Turkey", "Turkey", "actor=turkey")

    # the one figure Turkey's drones inflicted; the sample's others name no actor
    _wait_for(fresh, lambda: shown() == 1, f"the actor filter ({before} figures before)")

    def victims_colour_only():  # the marker is coloured by the victims' side, not the actor
        classes = [c for c in _map_classes_now(fresh) or () if "geo-casualty" in c]
        return classes if classes and all("party-armenia" in c for c in classes) else None
    _wait_for(fresh, victims_colour_only, "the map to show that figure only")
