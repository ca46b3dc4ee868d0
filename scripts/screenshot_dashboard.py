"""Screenshot the dashboard on the bundled sample in headless Chromium, network blocked.

    python scripts/screenshot_dashboard.py [--out docs/dashboard.png]

Also prints how long the dashboard took from process start to markers on the map.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser import browser_page, streamlit_server, wait_for_map  # noqa: E402

def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="docs/dashboard.png")
    parser.add_argument("--db", help="existing store (default: a new one, sample ingested)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(args.db) if args.db else Path(tmp) / "store.sqlite"
        t0 = time.perf_counter()
        with streamlit_server(db) as url:
            t_server = time.perf_counter() - t0
            with browser_page(1400, 1000) as page:
                page.goto(url)
                wait_for_map(page)
                t_map = time.perf_counter() - t0
                page.wait_for_timeout(1500)  # let tiles of the basemap settle
                page.screenshot(path=args.out, full_page=False)
    print(f"server up after {t_server:.1f}s; markers on the map after {t_map:.1f}s "
          f"({'first run: includes ingesting the sample' if not args.db else 'existing store'})")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
