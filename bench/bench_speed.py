"""Ingest speed, side by side in one run: spaCy alone, the serial path, batched, Dask workers.

    python bench/bench_speed.py [--corpus FILE.jsonl] [--limit N] [--repeat R]
                                [--modes pipe,serial,batched,dask1,dask2]

Each mode runs in a fresh process (``--run MODE``), into a fresh SQLite store, over the same
articles read with ``geo.read.read_articles`` (a stream: never the list of all articles), and
the modes take turns (pipe, serial, batched, dask1, dask2, then again), so a machine whose
speed drifts slows them all alike. Measured per run: the wall time of the work (articles
through extraction into the store) and of the whole process (model, gazetteer and cluster
start-up included); printed: medians over the R repeats, ratios and the digest of the stored
extractions (every mode must store the same thing).

* ``pipe``: spaCy's small model alone, ``nlp.pipe`` over the texts, one process, every
  component it ships with enabled (the baseline the issue names; nothing stored);
* ``serial``: the per-article path as it was before issue 15: ``nlp(text)`` per article, then
  places and events, ``store.add`` per article;
* ``batched``: ``geo.pipeline.ingest`` (``nlp.pipe`` in batches of 16), one process;
* ``daskN``: ``geo.parallel.ingest_parallel`` on a LocalCluster of N worker processes.

The last line extrapolates the measured 1 -> 2 worker scaling to 16 cores (Amdahl's law with
the serial fraction that scaling implies): an estimate, not a measurement.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "fakes-syria.articles.jsonl"
MODES = ["pipe", "serial", "batched", "dask1", "dask2"]


def _articles(corpus: str, limit: int):
    from geo.read import read_articles

    return islice(read_articles([corpus]), limit)


def _digest(store, ids: list[str], dump: str = "") -> str:
    """Hash of the stored extractions, in input order (the text and ingest time left out);
    with ``dump``, the records are written there too (one JSON line each) to compare."""
    h = hashlib.sha256()
    out = open(dump, "w", encoding="utf-8") if dump else None
    for article_id in ids:
        extraction = store.get_extraction(article_id)
        record = extraction.to_json(with_text=False) if extraction else None
        line = json.dumps(record, sort_keys=True, default=str)
        h.update(line.encode())
        if out:
            out.write(line + "\n")
    if out:
        out.close()
    return h.hexdigest()[:16]


def run_mode(mode: str, corpus: str, limit: int, dump: str = "") -> dict:
    """One run of ``mode`` in this process: timings and the stored digest, as a dict."""
    t_start = time.perf_counter()
    if mode == "pipe":
        import spacy

        from geo.nlp import MODEL

        nlp = spacy.load(MODEL)  # all its components, no gazetteer matcher
        ready = time.perf_counter()
        n = sum(1 for _ in nlp.pipe(a.text for a in _articles(corpus, limit)
                                    if hasattr(a, "text")))
        done = time.perf_counter()
        return {"mode": mode, "n": n, "work": done - ready, "total": done - t_start,
                "digest": "-"}

    from geo.store import open_store

    with tempfile.TemporaryDirectory() as tmp, open_store(str(Path(tmp) / "s.sqlite")) as store:
        if mode == "serial":
            from geo.pipeline import default_extractor

            extractor = default_extractor()
            ready = time.perf_counter()
            statuses = []
            for a in _articles(corpus, limit):
                if not hasattr(a, "text") or store.has(a.id):
                    continue
                try:
                    statuses.append(store.add(extractor.extract(a)))
                except Exception:  # noqa: BLE001 - counted as not ok
                    statuses.append("error")
        elif mode == "batched":
            from geo.pipeline import default_extractor, ingest

            extractor = default_extractor()
            ready = time.perf_counter()
            statuses = [r.status for r in ingest(_articles(corpus, limit), store, extractor)]
        elif mode.startswith("dask"):
            from geo.parallel import dask_client, ingest_parallel, warm_up

            with dask_client(workers=int(mode[4:])) as client:
                client.run(warm_up)  # the workers' start-up, outside the work timed
                ready = time.perf_counter()
                statuses = [r.status for r in ingest_parallel(_articles(corpus, limit), store,
                                                              client=client)]
                done = time.perf_counter()
        else:
            raise SystemExit(f"unknown mode {mode!r}")
        if not mode.startswith("dask"):
            done = time.perf_counter()
        ids = [a.id for a in _articles(corpus, limit) if hasattr(a, "text")]
        digest = _digest(store, ids, dump and f"{dump}/{mode}.jsonl")
    return {"mode": mode, "n": statuses.count("ok"), "work": done - ready,
            "total": done - t_start, "digest": digest}


def _child(mode: str, corpus: str, limit: int, dump: str = "") -> dict:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, __file__, "--run", mode, "--corpus", corpus,
                          "--limit", str(limit)] + (["--dump", dump] if dump else []),
                         capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        raise SystemExit(f"{mode} failed:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process"] = time.perf_counter() - t0  # whole process, imports included
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    parser.add_argument("--limit", type=int, default=10**9, help="first N articles")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--dump", default="",
                        help="folder: write each mode's stored extractions there (MODE.jsonl)")
    parser.add_argument("--run", help=argparse.SUPPRESS)  # one mode, in this process
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run_mode(args.run, args.corpus, args.limit, args.dump)))
        return 0

    modes = args.modes.split(",")
    runs: dict[str, list[dict]] = {m: [] for m in modes}
    print(f"corpus {args.corpus}, limit {args.limit}, {args.repeat} repeats, modes in turn; "
          f"{os.cpu_count()} CPUs, load average at start {os.getloadavg()[0]:.2f}", flush=True)
    for r in range(args.repeat):
        for mode in modes:
            result = _child(mode, args.corpus, args.limit, args.dump)
            runs[mode].append(result)
            print(f"  repeat {r + 1} {mode:8} {result['n']} articles, work {result['work']:.1f} s, "
                  f"process {result['process']:.1f} s, digest {result['digest']}, load "
                  f"{os.getloadavg()[0]:.2f}", flush=True)

    def rate(mode: str, key: str = "work") -> float:
        return statistics.median(r["n"] / r[key] for r in runs[mode])

    print(f"\nmedians over {args.repeat} runs (articles/s; work = after start-up, process = "
          f"whole command)")
    for mode in modes:
        print(f"  {mode:8} work {rate(mode):6.2f}/s   process {rate(mode, 'process'):6.2f}/s   "
              f"digest {sorted({r['digest'] for r in runs[mode]})}")
    digests = {r["digest"] for m in modes if m != "pipe" for r in runs[m]}
    print(f"  identical stores across modes: {'yes' if len(digests) <= 1 else 'NO'}")
    base = "serial" if "serial" in runs else None
    for mode in modes:
        if base and mode not in (base, "pipe"):
            ratios = [b["n"] / b["work"] / (a["n"] / a["work"])
                      for a, b in zip(runs[base], runs[mode])]
            print(f"  {mode} / serial: {statistics.median(ratios):.2f}x (pairwise median; "
                  f"process {rate(mode, 'process') / rate(base, 'process'):.2f}x)")
        if "pipe" in runs and mode != "pipe":
            print(f"  {mode} / nlp.pipe alone: {rate(mode) / rate('pipe'):.2f}x "
                  f"(process {rate(mode, 'process') / rate('pipe', 'process'):.2f}x)")
    if "dask1" in runs and "dask2" in runs:
        speedup = statistics.median(b["n"] / b["work"] / (a["n"] / a["work"])
                                    for a, b in zip(runs["dask1"], runs["dask2"]))
        # Amdahl: speedup(2) = 1 / (s + (1 - s) / 2)  =>  s = 2 / speedup - 1
        serial_part = min(max(2 / speedup - 1, 0.0), 1.0)
        at16 = 1 / (serial_part + (1 - serial_part) / 16)
        print(f"  dask 1 -> 2 workers: {speedup:.2f}x; 16 cores (extrapolated with Amdahl's "
              f"law, serial part {serial_part:.1%}, not measured): about {at16:.1f}x one "
              f"worker, {at16 * rate('dask1'):.0f} articles/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
