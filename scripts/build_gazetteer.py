"""Build the offline gazetteer index (data/gazetteer.sqlite) and print its size and timings.

    python scripts/build_gazetteer.py [--out PATH]

``geo.places.load_gazetteer()`` does the same automatically when the index is missing or
stale; run this by hand after editing data/curated_places.csv or data/boundaries.gpkg.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.places import Gazetteer, build_gazetteer  # noqa: E402
from geo.places.index import DEFAULT_PATH  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH, help="index path")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    path = build_gazetteer(args.out)
    built = time.perf_counter() - t0
    t0 = time.perf_counter()
    gaz = Gazetteer(path)
    loaded = time.perf_counter() - t0
    with_b = dict(gaz._db().execute("SELECT key, value FROM meta")).get("with_boundaries")
    print(f"{path}: {len(gaz):,} entries, {path.stat().st_size / 1e6:.1f} MB, "
          f"built in {built:.1f} s, opened in {loaded:.2f} s, boundaries: {with_b}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
