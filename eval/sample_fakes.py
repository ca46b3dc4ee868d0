"""Draw the FA-KES gold sample: 100 articles, stratified by outlet, with a fixed seed.

    python eval/sample_fakes.py ../shared/corpora/fakes-syria.articles.jsonl

writes eval/gold/articles.jsonl (the sampled articles, whole: FA-KES is CC BY 4.0) with a
`split` field: 70 "dev" (rules may be tuned on them) and 30 "test" (held aside, never tuned on).
Allocation per outlet is proportional to its share of the corpus (largest remainder, at least
one article each); the split is drawn per outlet too, so both splits span the outlets.
"""
from __future__ import annotations

import json
import random
import sys
from collections import defaultdict
from pathlib import Path

SEED = 20261203
SAMPLE = 100
TEST = 30
OUT = Path(__file__).parent / "gold" / "articles.jsonl"


def allocate(sizes: dict[str, int], total: int) -> dict[str, int]:
    """Proportional allocation with at least one per stratum, largest remainders first."""
    n = sum(sizes.values())
    quota = {k: max(1.0, total * v / n) for k, v in sizes.items()}
    alloc = {k: int(q) for k, q in quota.items()}
    order = sorted(sizes, key=lambda k: (quota[k] - alloc[k], k), reverse=True)
    i = 0
    while sum(alloc.values()) < total:
        alloc[order[i % len(order)]] += 1
        i += 1
    while sum(alloc.values()) > total:  # the minimum of one pushed us over: trim the largest
        k = max(alloc, key=lambda k: (alloc[k], k))
        alloc[k] -= 1
    return alloc


def main(path: str) -> None:
    rng = random.Random(SEED)
    by_outlet: dict[str, list[dict]] = defaultdict(list)
    for line in open(path, encoding="utf-8"):
        rec = json.loads(line)
        by_outlet[rec["source"]].append(rec)
    alloc = allocate({k: len(v) for k, v in by_outlet.items()}, SAMPLE)
    picked: list[dict] = []
    for outlet in sorted(by_outlet):
        picked += rng.sample(sorted(by_outlet[outlet], key=lambda r: r["id"]), alloc[outlet])
    # The test split: 30 of the 100, every outlet in proportion, drawn with the same seed.
    test_alloc = allocate({k: alloc[k] for k in alloc}, TEST)
    test_ids: set[str] = set()
    for outlet in sorted(alloc):
        ids = sorted(r["id"] for r in picked if r["source"] == outlet)
        test_ids.update(rng.sample(ids, min(test_alloc[outlet], len(ids))))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as out:
        for rec in sorted(picked, key=lambda r: r["id"]):
            rec = dict(rec, split="test" if rec["id"] in test_ids else "dev")
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"{len(picked)} articles ({len(test_ids)} test) -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpora/fakes-syria.articles.jsonl")
