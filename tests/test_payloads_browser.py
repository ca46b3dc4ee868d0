"""Issue 13, item 4: script payloads in every field a page shows never run in a real browser.

A store holds articles whose every free-text field (title, source, URL, text, place names and
their gazetteer names, sentences, reporters as written, vague words, claim texts, party ids the
table does not know) carries payloads of eleven kinds. Each payload, if it ran, would write
``PWNED-<kind>`` to the console and request ``/pwned-<kind>``. Chromium opens every tab of the
dashboard, the map's popups and tooltips, the article view, the HTML export and the page the
PNG snapshot is taken of; a console and a request listener on every frame must see nothing,
and no link may carry ``javascript:``.
"""
from __future__ import annotations

import re

import pytest

from geo.records import Article, Casualty, Claim, Extraction, Place
from tests.browser import (browser_page, download, new_page, streamlit_server,
                           wait_for_map)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BEACON = "http://127.0.0.1:9/pwned-"


def _run(kind: str) -> str:
    return f"console.log('PWNED-{kind}');fetch('{BEACON}{kind}')"


PAYLOADS = {
    "script": f"<script>{_run('script')}</script>",
    "img": f'<img src=x onerror="{_run("img")}">',
    "close": f"</script><script>{_run('close')}</script>",
    "attr": f'"><svg onload="{_run("attr")}">',
    "quote": f"' onmouseover='{_run('quote')}' x='",
    "template": "{{constructor.constructor(\"" + _run("template") + "\")()}}",
    "iframe": f'<iframe srcdoc="<script>{_run("iframe")}</script>"></iframe>',
    "markdown": f"[click](javascript:{_run('markdown')})",
    "href": f'<a href="javascript:{_run("href")}">link</a>',
    "style": f"<style>@import '{BEACON}style';</style>",
    "json": f'"}}]</script><script>{_run("json")}</script>',
}
ALL = " ".join(PAYLOADS.values())


def _hostile_extraction(k: int, lat: float, lon: float) -> Extraction:
    """One article with payloads in every field, its items at (lat, lon)."""
    kinds = list(PAYLOADS)
    head = f"Shelling near {PAYLOADS[kinds[k % len(kinds)]]} "
    text = f"{head}killed 12 soldiers, {ALL} said. {PAYLOADS['attr']} denied it."
    p_start = len("Shelling near ")
    p_end = p_start + len(PAYLOADS[kinds[k % len(kinds)]])
    sentence = text.split(" said.")[0] + " said."
    article = Article(id=f"hostile-{k}", text=text, title=f"T{k} {ALL}", date=f"2022-03-{k + 1:02d}",
                      source=PAYLOADS["markdown"] + PAYLOADS["img"],
                      url=f"javascript:{_run('url')}")
    place = Place(text[p_start:p_end], p_start, p_end, lat=lat, lon=lon, precision="city",
                  country_code="UA", admin1=PAYLOADS["script"], resolved_name=PAYLOADS["img"],
                  gazetteer_id=f"geonames:{900000 + k}", confidence=0.9,
                  region=PAYLOADS["template"], sentence=sentence, sentence_start=0)
    figure_at = text.index("killed 12")
    casualty = Casualty(outcome="killed", count_best=12, qualifier="exact", victim="military",
                        party=PAYLOADS["quote"], reported_by=PAYLOADS["close"],
                        start=figure_at, end=figure_at + len("killed 12 soldiers"),
                        count_low=12, count_high=12, vague_word=PAYLOADS["href"],
                        sentence=sentence, sentence_start=0, place=PAYLOADS["attr"], lat=lat,
                        lon=lon, date=article.date, reported_by_text=PAYLOADS["json"],
                        figure_kind="incident")
    denial_at = text.index(PAYLOADS["attr"] + " denied")
    claim = Claim(claimant=PAYLOADS["iframe"], stance="denial", target=PAYLOADS["style"],
                  text=text[denial_at:], start=denial_at, end=len(text), place=PAYLOADS["img"],
                  lat=lat + 0.01, lon=lon + 0.01, date=article.date,
                  sentence=text[denial_at:], sentence_start=denial_at)
    return Extraction(article=article, places=[place], casualties=[casualty], claims=[claim])


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory):
    from geo.store import open_store

    db = tmp_path_factory.mktemp("payloads") / "hostile.sqlite"
    with open_store(str(db)) as store:
        for k, (lat, lon) in enumerate([(48.0, 37.8), (50.45, 30.52), (49.99, 36.23)]):
            store.add(_hostile_extraction(k, lat, lon))
    return db


@pytest.fixture(scope="module")
def watched(hostile_store):
    """A page on the hostile store, with what every frame logs and requests recorded."""
    with streamlit_server(hostile_store) as url, browser_page() as page:
        seen: list[str] = []
        page.on("console", lambda msg: seen.append(f"console: {msg.text}"))
        page.on("request", lambda req: seen.append(f"request: {req.url}"))
        page.on("dialog", lambda d: (seen.append(f"dialog: {d.message}"), d.dismiss()))
        page.goto(url)
        yield page, seen


def _pwned(seen: list[str]) -> list[str]:
    return [s for s in seen if "pwned" in s.lower()]


def _no_javascript_links(page) -> None:
    for frame in page.frames:
        hrefs = frame.locator("a[href]").evaluate_all("els => els.map(e => e.href)")
        assert not [h for h in hrefs if h.strip().lower().startswith("javascript:")], hrefs


def test_the_map_popups_and_tooltips_run_no_payload(watched):
    page, seen = watched
    frame = wait_for_map(page)
    markers = frame.locator(".geo-marker")
    assert markers.count() >= 3
    for i in range(markers.count()):
        # hover (tooltip) and click (popup) each marker, with DOM events at its centre
        markers.nth(i).evaluate("""el => {
            const r = el.getBoundingClientRect();
            for (const type of ["mouseover", "click"]) {
                el.dispatchEvent(new MouseEvent(type, {bubbles: true,
                    clientX: r.x + r.width / 2, clientY: r.y + r.height / 2}));
            }
        }""")
        page.wait_for_timeout(300)
    frame.locator(".leaflet-popup-content").first.wait_for(timeout=30_000)
    # the payloads are on screen, as text
    popup_text = frame.locator(".leaflet-popup-content").first.inner_text()
    assert "PWNED" in popup_text or "pwned" in popup_text, popup_text
    page.wait_for_timeout(1000)
    assert _pwned(seen) == []
    _no_javascript_links(page)


@pytest.mark.parametrize("tab", ["Tolls", "Side by side", "Figures per party", "Claims",
                                 "Articles", "Parties"])
def test_every_tab_shows_the_payloads_as_text(watched, tab):
    page, seen = watched
    page.get_by_role("tab", name=tab).click()
    page.wait_for_timeout(2500)  # the tab's tables and charts drawn
    if tab == "Articles":
        page.locator(".geo-article").first.wait_for(timeout=60_000)
        assert "onerror" in page.locator(".geo-article").first.inner_text()
    assert _pwned(seen) == []
    _no_javascript_links(page)
    page.get_by_role("tab", name="Map").click()


def test_the_html_export_runs_no_payload(watched, tmp_path):
    page, seen = watched
    page.get_by_role("tab", name="Map").click()
    wait_for_map(page)
    path = download(page, "Map as HTML", tmp_path / "export.html")
    html = path.read_text(encoding="utf-8")
    assert "<script>console.log('PWNED" not in html
    assert not re.search(r"<img src=x onerror", html)
    _open_file_and_watch(page.context.browser, path, click_markers=True)


def _open_file_and_watch(browser, path, click_markers: bool = False) -> None:
    """Open an exported page from disk in a new page with console and request listeners
    (clicking each marker's popup open when asked): no payload runs, no javascript: link."""
    opened = new_page(browser)
    seen: list[str] = []
    opened.on("console", lambda msg: seen.append(msg.text))
    opened.on("request", lambda req: seen.append(req.url))
    try:
        opened.goto(path.as_uri())
        opened.locator(".geo-marker").first.wait_for(timeout=30_000)
        markers = opened.locator(".geo-marker")
        for i in range(markers.count() if click_markers else 0):
            markers.nth(i).dispatch_event("click")
            opened.wait_for_timeout(200)
        opened.wait_for_timeout(1000)
        assert _pwned(seen) == []
        _no_javascript_links(opened)
    finally:
        opened.context.close()


def test_the_png_export_page_runs_no_payload(watched, hostile_store, tmp_path):
    """The page the PNG snapshot is taken of (the export in snapshot mode: no buttons, the key
    unfolded) opened in Chromium with the same listeners."""
    from geo.parties import load_parties
    from geo.places import load_regions
    from geo.render import exports
    from geo.report import read_items
    from geo.store import open_store

    page, _ = watched
    with open_store(str(hostile_store)) as store:
        frame = read_items(store, load_regions()).items
    html = exports.export_html(frame, None, snapshot=True, parties=load_parties())
    path = tmp_path / "snapshot.html"
    path.write_text(html, encoding="utf-8")
    _open_file_and_watch(page.context.browser, path)
