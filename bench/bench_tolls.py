"""Time report consolidation and tolls on N synthetic casualty figures (medians).

    python bench/bench_tolls.py [--figures 10000] [--repeat 5]

The figures are random but shaped like a war's coverage: two parties, three reporters, four
places, a year of dates, every kind of figure, three articles per outlet story.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.report import tolls as T  # noqa: E402
from geo.records import MAP_COLUMNS  # noqa: E402


def figures(n: int, seed: int = 0) -> pd.DataFrame:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        day = f"2020-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        row = dict.fromkeys(MAP_COLUMNS)
        row.update(kind="casualty", item_id=i, article_id=f"a{i // 3}", article_date=day,
                   date=day, source=rng.choice(["Wire", "Daily", "Monitor", None]),
                   party=rng.choice(["armenia", "azerbaijan"]),
                   reported_by=rng.choice(["armenia", "azerbaijan", None]),
                   victim=rng.choice(["civilian", "military"]), outcome="killed",
                   count_best=rng.randint(1, 30), qualifier="exact",
                   figure_kind=rng.choice(["incident", "incident", "cumulative", "incremental"]),
                   place=rng.choice(["Tartar", "Ganja", "Stepanakert", "Martuni"]),
                   sentence="...", start=i, end=i + 3)
        rows.append(row)
    return pd.DataFrame(rows, columns=list(MAP_COLUMNS))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    frame = figures(args.figures)
    steps = {"consolidate": lambda: T.to_reports(frame),
             "consolidate + tolls": lambda: T.tolls(T.to_reports(frame)),
             "consolidated_items (map rows)": lambda: T.consolidated_items(frame)}
    print(f"{args.figures} figures, median of {args.repeat} runs")
    for name, step in steps.items():
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            step()
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        print(f"  {name:32s} {median * 1000:7.0f} ms  ({args.figures / median:,.0f} figures/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
