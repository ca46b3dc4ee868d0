"""Time the pipeline: start-up (model, gazetteer, boundaries, parties) and extraction per article.

    python bench/bench_pipeline.py [--corpus FILE.jsonl] [--limit N] [--repeat R]

Prints medians (and the ratio of cold start to one article). With no corpus it times the
bundled sample article. Writes nothing; copy the numbers into bench/README.md.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.config import DATA_DIR  # noqa: E402
from geo.records import Article  # noqa: E402


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus")
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from geo.places import load_gazetteer, load_place_pipeline, load_regions
    from geo.nlp import load_base
    from geo.parties import load_parties
    from geo.pipeline import Extractor

    _, t_model = _timed(load_base)
    gazetteer, t_gaz = _timed(load_gazetteer)
    regions, t_regions = _timed(load_regions)
    def parties_ready():
        table = load_parties()
        table.match("the Kremlin")  # its phrase matchers are built on first use: count them here
        return table

    parties, t_parties = _timed(parties_ready)
    nlp, t_pipe = _timed(lambda: load_place_pipeline(gazetteer))
    extractor = Extractor(nlp=nlp, gazetteer=gazetteer, regions=regions, parties=parties)
    print(f"start-up: model {t_model:.2f}s, gazetteer {t_gaz:.2f}s, boundaries {t_regions:.2f}s, "
          f"parties {t_parties:.2f}s, place pipeline {t_pipe:.2f}s")

    if args.corpus:
        with open(args.corpus, encoding="utf-8") as fh:
            records = [json.loads(line) for line, _ in zip(fh, range(args.limit))]
        articles = [Article(id=r["id"], text=r["text"], title=r.get("title")) for r in records]
    else:
        path = DATA_DIR / "samples" / "000_6b9e2fcaa4d74d82.txt"
        articles = [Article(id="seed", text=path.read_text(encoding="utf-8"))]

    extractor.extract(articles[0])  # warm caches
    per_article = []
    for _ in range(args.repeat):
        for article in articles:
            _, dt = _timed(lambda: extractor.extract(article))
            per_article.append(dt)
    chars = statistics.median(len(a.text) for a in articles)
    med = statistics.median(per_article)
    startup = t_model + t_gaz + t_regions + t_parties + t_pipe
    print(f"articles: {len(articles)} x {args.repeat}; median length {chars:.0f} chars")
    print(f"extract: median {med * 1000:.1f} ms/article, {1 / med:.1f} articles/s")
    print(f"ratio start-up / one article: {startup / med:.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
