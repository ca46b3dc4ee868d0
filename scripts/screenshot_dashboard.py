"""Screenshots of the dashboard's main views in headless Chromium, network blocked.

    python scripts/screenshot_dashboard.py [--db PATH] [--out-dir docs]

With no --db, a new store is made from the bundled sample (data/samples/) and the Donbas demo
feed (data/demo/), so the map, timeline and tables have something to show. Writes:

- dashboard.png   the map with its legend, layer control and province shading
- popup.png       a casualty marker's popup (quote, reporter, sources, article)
- timeline.png    casualties and claims per day, per party
- side-by-side.png each reporter's figures for one province
- article.png     an article with its places, figures and claims highlighted
- export.png      the PNG export of the same view (title with the filter summary)
- tolls.png       the Tolls tab on the day-by-day coverage of tests/fixtures/tolls/ (articles
                  of our own making) with the sample article
- karabakh-1366x768.png  that Karabakh coverage's map in a 1366x768 window
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from tests.browser import (MAP_FRAME, browser_page, click_biggest, download,  # noqa: E402
                           streamlit_server, wait_for_map)


def build_store(db: Path) -> None:
    for folder in ("data/samples", "data/demo"):
        subprocess.run([sys.executable, "-m", "geo", "ingest", folder, "--db", str(db),
                        "--quiet"], cwd=PROJECT, check=True, stdout=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="existing store (default: sample + demo feed)")
    parser.add_argument("--out-dir", default="docs")
    parser.add_argument("--view", default="?from=2014-07-01&to=2015-02-28",
                        help="query string of the view to shoot (the dashboard's URL)")
    args = parser.parse_args()
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(args.db) if args.db else Path(tmp) / "store.sqlite"
        if not args.db:
            build_store(db)
        t0 = time.perf_counter()
        with streamlit_server(db) as url, browser_page(1400, 1000) as page:
            page.set_default_timeout(60_000)
            page.goto(f"{url}/{args.view}")
            frame = wait_for_map(page)
            print(f"markers on the map {time.perf_counter() - t0:.1f} s after the server start")
            frame.locator(".leaflet-geo-basemap-pane path").first.wait_for(state="attached")
            page.wait_for_timeout(1000)
            page.screenshot(path=str(out / "dashboard.png"))

            # the popup of the biggest casualty circle placed at a town (a DOM click: a
            # pointer click may land on a smaller circle drawn over it)
            # closer first, on the figures placed at a town: the popup opens in view
            frame.locator(".leaflet-container").evaluate("""el => {
                const map = window[Object.keys(window).find(k => /^map_[0-9a-f]+$/.test(k))];
                map.setView([49.3, 37.8], 7, {animate: false});  // Donetsk in the lower half
            }""")
            page.wait_for_timeout(500)
            click_biggest(frame, "path.geo-casualty:not(.geo-coarse)")
            frame.locator(".geo-popup").wait_for()
            page.wait_for_timeout(500)
            page.locator(MAP_FRAME).screenshot(path=str(out / "popup.png"))

            print("popup", flush=True)
            chart = page.locator('[data-testid="stVegaLiteChart"]').first
            chart.scroll_into_view_if_needed()
            chart.locator("svg, canvas").first.wait_for()
            page.wait_for_timeout(800)
            chart.screenshot(path=str(out / "timeline.png"))

            print("timeline", flush=True)
            download(page, "Map as PNG", out / "export.png")

            print("export", flush=True)
            page.get_by_role("tab", name="Side by side").click()
            page.get_by_text("Where").first.wait_for()
            page.wait_for_timeout(1500)
            page.screenshot(path=str(out / "side-by-side.png"))

            print("side by side", flush=True)
            page.get_by_role("tab", name="Articles").click()
            page.locator(".geo-article").wait_for()
            # the sample article: places, figures and claims of both sides
            page.get_by_text("Read an article").wait_for()
            page.locator('[data-testid="stSelectbox"]').filter(
                has_text="Read an article").click()
            page.keyboard.type("Putin and Macron")
            page.keyboard.press("Enter")
            page.get_by_text("DEMANDS STOP").first.wait_for()
            page.get_by_text("Correct a place or a party").click()
            page.locator(".geo-article").scroll_into_view_if_needed()
            page.wait_for_timeout(800)
            page.screenshot(path=str(out / "article.png"))
        shoot_tolls(Path(tmp) / "tolls.sqlite", out)
    print(f"wrote {', '.join(sorted(p.name for p in out.glob('*.png')))} in {out}")
    return 0


def shoot_tolls(db: Path, out: Path) -> None:
    subprocess.run([sys.executable, "-m", "geo", "ingest", "tests/fixtures/tolls/coverage.jsonl",
                    "data/samples", "--db", str(db), "--quiet"], cwd=PROJECT, check=True,
                   stdout=subprocess.DEVNULL)
    with streamlit_server(db) as url, browser_page(1400, 1900) as page:
        page.set_default_timeout(60_000)
        page.goto(url)
        wait_for_map(page)
        page.get_by_role("tab", name="Tolls").click()
        page.get_by_text("Armenia: killed", exact=True).wait_for()
        page.wait_for_timeout(1500)
        page.screenshot(path=str(out / "tolls.png"))
    # the Karabakh coverage as a laptop shows it: the map must read without zooming
    with streamlit_server(db) as url, browser_page(1366, 768) as page:
        page.set_default_timeout(60_000)
        page.goto(url)
        frame = wait_for_map(page)
        frame.locator(".geo-label-text").first.wait_for(state="attached")
        page.locator(MAP_FRAME).scroll_into_view_if_needed()
        page.wait_for_timeout(1500)
        page.screenshot(path=str(out / "karabakh-1366x768.png"))


if __name__ == "__main__":
    sys.exit(main())
