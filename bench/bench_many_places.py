"""Time and peak memory of extracting one article that names N places (issue 16, item 1).

The hostile shape of the issue: one sentence listing every village shelled (its article named
7,996 places), plus an ordinary casualty sentence. The names are real towns of one country
from the gazetteer, so the whole pipeline runs (NER, phrase matcher, resolution, boundary join,
casualty rules), each N in its own process (peak memory is the process's maximum resident set).

    python bench/bench_many_places.py [--places 1000 2000 4000 8000] [--distinct N] [--code DIR ...]

``--code DIR`` runs the same article against another checkout of the project (a worktree of
an older commit, say: ``git worktree add /tmp/before REV``), so two versions are measured in
one run; each checkout uses this checkout's gazetteer index (``GEO_GAZETTEER``).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from statistics import median

HERE = Path(__file__).resolve().parent.parent
COUNTRY = "UA"


def article_text(n: int, names: list[str]) -> str:
    listed = ", ".join(names[i % len(names)] for i in range(n))
    return ("Shelling across the east\n\n"
            f"Overnight shelling hit {listed}.\n\n"
            "Officials said three soldiers were killed and five civilians wounded.")


def town_names(limit: int = 10_000) -> list[str]:
    """Distinct one-word town names of ``COUNTRY``, biggest first."""
    import sqlite3

    from geo.config import gazetteer_path
    from geo.places import load_gazetteer

    load_gazetteer()  # builds the index when it is missing
    with sqlite3.connect(gazetteer_path()) as con:
        rows = con.execute("select name from entries where country_code = ? and feature = 'city'"
                           " order by population desc", (COUNTRY,)).fetchall()
    seen, out = set(), []
    for (name,) in rows:
        if name.isalpha() and name[:1].isupper() and name not in seen:
            seen.add(name)
            out.append(name)
    return out[:limit]


def child(n: int, names_file: str) -> None:
    """Runs in a fresh process: extract the article once (after a warm-up), print JSON."""
    import resource
    import time

    from geo.pipeline import default_extractor
    from geo.records import Article

    names = json.loads(Path(names_file).read_text())
    extractor = default_extractor()
    extractor.extract(Article(id="warm", text="Two soldiers were killed in Kyiv.", title="w"))
    base_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    text = article_text(n, names)
    start = time.perf_counter()
    out = extractor.extract(Article(id=f"many-{n}", text=text, title="Shelling",
                                    date="2022-03-01", source="Bench"))
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"places": len(out.places), "figures": len(out.casualties),
                      "seconds": seconds, "peak_mb": peak_mb, "extra_mb": peak_mb - base_mb,
                      "chars": len(text)}))


def run(code: Path, n: int, names_file: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(code),
               GEO_GAZETTEER=os.environ.get("GEO_GAZETTEER", str(HERE / "data" / "gazetteer.sqlite")))
    res = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", str(n),
                          "--names", names_file], env=env, cwd=code, capture_output=True,
                         text=True, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--places", type=int, nargs="+", default=[1000, 2000, 4000, 8000])
    ap.add_argument("--code", type=Path, nargs="*", default=[],
                    help="other checkouts to measure beside this one")
    ap.add_argument("--repeat", type=int, default=1, help="runs per cell (median)")
    ap.add_argument("--distinct", type=int, default=10_000,
                    help="cycle through this many distinct names (the biggest towns first)")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--names", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        child(args.child, args.names)
        return
    sys.path.insert(0, str(HERE))
    names_file = Path(os.environ.get("TMPDIR", "/tmp")) / "bench_many_places.names.json"
    names_file.write_text(json.dumps(town_names()[:args.distinct]))
    codes = [*args.code, HERE]
    print(f"one sentence of N {COUNTRY} town names ({len(json.loads(names_file.read_text()))} "
          "distinct, repeated past that); seconds, peak RSS and its growth"
          " during one extract() after a warm-up")
    print(f"{'places':>7} {'chars':>8}  " + "  ".join(
        f"{c.name[:14]:>14}: s / peak MB / +MB / found" for c in codes) + "  time ratio")
    for n in args.places:
        cells = []
        for code in codes:
            runs = [run(code, n, str(names_file)) for _ in range(args.repeat)]
            cells.append({"seconds": median(r["seconds"] for r in runs),
                          "peak_mb": median(r["peak_mb"] for r in runs),
                          "extra_mb": median(r["extra_mb"] for r in runs),
                          "places": runs[0]["places"], "chars": runs[0]["chars"]})
        ratio = cells[0]["seconds"] / cells[-1]["seconds"] if len(cells) > 1 else 1.0
        print(f"{n:>7} {cells[-1]['chars']:>8}  " + "  ".join(
            f"{c['seconds']:>17.2f} / {c['peak_mb']:>7.0f} / {c['extra_mb']:>3.0f} / {c['places']:>5}"
            for c in cells)
            + f"  {ratio:>5.1f}x")


if __name__ == "__main__":
    main()
