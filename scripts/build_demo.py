"""Build the optional demo feed data/demo/ucdp-ukraine-2014-2015.jsonl from UCDP GED.

    python scripts/build_demo.py [UCDP_EVENTS_JSONL] [--out data/demo/ucdp-ukraine-2014-2015.jsonl]

Input: the UCDP GED Ukraine events (CC BY 4.0, Uppsala Conflict Data Program) as JSONL records
with ``id``, ``date``, ``headlines`` and ``source`` (the project's development corpus,
``shared/corpora/ucdp-ged-ukraine.events.jsonl``). Output: one article per event of 2014-2015
whose headlines are real headlines (five words or more): its text is the headlines, one per
line; UCDP's own coordinates and death counts are left out, so the demo shows what the
extractor reads from the text alone. Events whose headlines repeat an earlier event's are
skipped (UCDP attaches one report to several events). Wire markup ("UPDATE 1-") is dropped.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.evaluate.events import WIRE_PREFIX  # noqa: E402  "UPDATE 1-" is wire markup, not text
DEFAULT_INPUT = ROOT.parent / "shared" / "corpora" / "ucdp-ged-ukraine.events.jsonl"
DEFAULT_OUTPUT = ROOT / "data" / "demo" / "ucdp-ukraine-2014-2015.jsonl"


def demo_articles(records):
    seen = set()
    for rec in records:
        if not rec["date"].startswith(("2014", "2015")):
            continue
        headlines = [WIRE_PREFIX.sub("", h).strip() for h in rec.get("headlines") or []
                     if len(h.split()) >= 5]
        key = tuple(sorted(set(headlines)))
        if not headlines or key in seen:
            continue
        seen.add(key)
        agencies = dict.fromkeys(a.strip() for a in (rec.get("source") or "").split(";") if a.strip())
        yield {"id": rec["id"], "title": headlines[0], "text": "\n".join(dict.fromkeys(headlines)),
               "date": rec["date"], "source": f"UCDP GED ({'; '.join(agencies) or 'n/a'})",
               "url": None}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", nargs="?", type=Path, default=DEFAULT_INPUT)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    with args.input.open(encoding="utf-8") as fh:
        articles = list(demo_articles(json.loads(line) for line in fh))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        for article in articles:
            out.write(json.dumps(article, ensure_ascii=False) + "\n")
    print(f"wrote {args.out}: {len(articles)} articles, {args.out.stat().st_size / 1e3:.0f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
