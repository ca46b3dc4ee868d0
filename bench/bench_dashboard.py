"""How long the dashboard takes to open: from `streamlit run` to markers on the map.

    python bench/bench_dashboard.py [--repeat 3]

Each run starts a new Streamlit server and a new headless Chromium (network blocked), and
times process start -> server healthy -> map markers drawn. Two cases: the first start on an
empty store (the sample is ingested: loads spaCy and the gazetteer) and a start on a store that
already holds the sample. Prints medians; copy them into bench/README.md.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser import browser_page, streamlit_server, wait_for_map  # noqa: E402

def open_once(db: Path) -> tuple[float, float]:
    t0 = time.perf_counter()
    with streamlit_server(db) as url:
        healthy = time.perf_counter() - t0
        with browser_page() as page:
            page.goto(url)
            wait_for_map(page)
            return healthy, time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        first, again = [], []
        for i in range(args.repeat):
            db = Path(tmp) / f"store{i}.sqlite"
            first.append(open_once(db))   # empty store: ingests the sample
            again.append(open_once(db))   # the same store, sample already there
    for label, runs in (("first start (ingests the sample)", first),
                        ("later start (store holds the sample)", again)):
        print(f"{label}: server healthy {statistics.median(r[0] for r in runs):.1f} s, "
              f"markers on the map {statistics.median(r[1] for r in runs):.1f} s "
              f"(median of {len(runs)}; all: {', '.join(f'{r[1]:.1f}' for r in runs)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
