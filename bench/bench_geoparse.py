"""Time the geoparser's parts: gazetteer index build and load, and resolution alone.

    python bench/bench_geoparse.py [--corpus FILE.jsonl] [--limit N] [--repeat R] [--build-repeat B]

* build: ``geo.places.index.build_gazetteer`` into a temporary file (what
  ``scripts/build_gazetteer.py`` and a stale index run), median of B builds;
* load: opening the built index (``Gazetteer(path)``) plus a first lookup, median of R; and
  building the phrase matcher over its non-town names (once per process), median of B;
* resolution: ``geo.places.resolve.resolve_mentions`` on the corpus's gold spans, article by article,
  with the gazetteer in memory (a first pass fills its lookup cache; the timed passes reuse
  it), median toponyms/s over R passes. Recognition (spaCy) is timed by
  ``python -m geo.evaluate geoparse`` and ``bench/bench_pipeline.py``.

With no corpus the resolution step runs on a few built-in sentences. Writes nothing; copy the
numbers into bench/geoparse.md.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "lgl.toponyms.jsonl"
SENTENCES = [
    "Shelling hit Donetsk and Mariupol, while Kyiv and Kharkiv reported drones.",
    "The Armenian-controlled town of Hadrut lies south of Stepanakert in Nagorno-Karabakh.",
    "Police in Athens, Clarke County, said the road to Atlanta, Georgia was closed.",
]


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def _documents(corpus: Path | None, limit: int) -> list[tuple[str, list[tuple[int, int]]]]:
    if corpus is None:
        import re

        from geo.places import load_gazetteer

        gaz = load_gazetteer()
        docs = []
        for s in SENTENCES:
            spans = [(m.start(), m.end()) for m in re.finditer(r"[A-Z][\w-]+(?: County)?", s)
                     if gaz.knows(m.group())]
            docs.append((s, spans))
        return docs
    docs = []
    with open(corpus, encoding="utf-8") as fh:
        for line, _ in zip(fh, range(limit)):
            r = json.loads(line)
            spans = [(t["start"], t["end"]) for t in r.get("toponyms", [])
                     if t.get("end", 0) > t.get("start", 0)]
            docs.append((r["text"], spans))
    return docs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS) if DEFAULT_CORPUS.exists() else "",
                        help="toponym corpus (JSONL); '' for the built-in sentences")
    parser.add_argument("--limit", type=int, default=10_000, help="first N articles")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--build-repeat", type=int, default=3)
    args = parser.parse_args()

    from geo.places import Gazetteer, build_gazetteer, gold_mentions, load_gazetteer, resolve_mentions

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gazetteer.sqlite"
        builds = [_timed(lambda: build_gazetteer(path))[1] for _ in range(args.build_repeat)]
        loads = []
        for _ in range(args.repeat):
            gaz, dt = _timed(lambda: Gazetteer(path).candidates("Kyiv"))
            loads.append(dt)
    print(f"index build: median {statistics.median(builds):.1f} s ({args.build_repeat} builds)")
    print(f"index load: median {statistics.median(loads) * 1000:.0f} ms (open + first lookup)")

    gazetteer = load_gazetteer()
    from spacy.lang.en import English

    from geo.places import GazetteerPlaceMatcher

    matchers = [_timed(lambda: GazetteerPlaceMatcher(English(), gazetteer=gazetteer))[1]
                for _ in range(args.build_repeat)]
    print(f"phrase matcher (countries, admin-1/2, regions, curated): median "
          f"{statistics.median(matchers):.2f} s to build")
    corpus = Path(args.corpus) if args.corpus else None
    docs = _documents(corpus, args.limit)
    prepared = [gold_mentions(text, spans) for text, spans in docs]
    toponyms = sum(len(m) for m in prepared)
    for mentions in prepared:  # warm the lookup cache: the gazetteer in memory
        resolve_mentions(mentions, gazetteer)
    rates = []
    for _ in range(args.repeat):
        _, dt = _timed(lambda: [resolve_mentions(m, gazetteer) for m in prepared])
        rates.append(toponyms / dt)
    source = corpus.name if corpus else "built-in sentences"
    print(f"resolution: {source}, {len(docs)} articles, {toponyms} toponyms; median "
          f"{statistics.median(rates):,.0f} toponyms/s, "
          f"{statistics.median(rates) * len(docs) / max(toponyms, 1):,.0f} articles/s "
          f"({args.repeat} passes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
