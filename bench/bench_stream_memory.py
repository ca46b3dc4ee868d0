"""Memory over a long stream of articles (issue 15: memory stays flat over 100,000 articles).

Feeds ``N`` articles through the batched path (``geo.pipeline.ingest`` into a new SQLite store,
or ``Extractor.extract_many`` alone with ``--no-store``) as a generator, and prints the process's
resident memory every ``--every`` articles. The articles are the 652 real FA-KES texts, cycled,
each made new (another id and a closing line with words never seen before, as a news stream
brings new names), so nothing is skipped as a duplicate and the spaCy string store sees new
strings all along.

    python bench/bench_stream_memory.py [--articles 3000] [--every 250] [--no-store]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from itertools import cycle, islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "fakes-syria.articles.jsonl"


def rss_mb() -> float:
    """The resident set now (not the peak): /proc/self/statm's second field."""
    import os

    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def stream(n: int):
    from geo.records import Article

    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]
    for k, row in enumerate(islice(cycle(rows), n)):
        novel = " ".join(f"Qx{k}w{j}" for j in range(5))  # five strings no vocabulary holds
        yield Article(id=f"stream-{k}", text=f"{row['text']}\n\nFiled by {novel}.",
                      title=row.get("title") or "", date=row.get("date"), source="stream")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=3000)
    ap.add_argument("--every", type=int, default=250)
    ap.add_argument("--no-store", action="store_true", help="extraction only")
    args = ap.parse_args()

    from geo.pipeline import default_extractor, ingest
    from geo.store import open_store

    extractor = default_extractor()
    start = time.perf_counter()
    print(f"{'articles':>8} {'RSS MB':>8} {'strings':>9} {'art/s':>6}")
    print(f"{0:>8} {rss_mb():>8.0f} {len(extractor.nlp.vocab.strings):>9} {'':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        if args.no_store:
            results = extractor.extract_many(stream(args.articles))
            store = None
        else:
            store = open_store(str(Path(tmp) / "stream.sqlite"))
            results = ingest(stream(args.articles), store, extractor)
        for k, _ in enumerate(results, start=1):
            if k % args.every == 0:
                rate = k / (time.perf_counter() - start)
                print(f"{k:>8} {rss_mb():>8.0f} {len(extractor.nlp.vocab.strings):>9} "
                      f"{rate:>6.1f}", flush=True)
        if store is not None:
            store.close()


if __name__ == "__main__":
    main()
