"""Command line: ``python -m geo ingest|extract|export ...``.

A thin layer: it parses arguments and calls ``geo.pipeline``, ``geo.store`` and ``geo.export``.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Optional

DATE_HELP = "publication date YYYY-MM-DD for inputs that carry none"


def _date(value: str) -> str:
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"got {value!r}, expected a date YYYY-MM-DD") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def db_option(p):
        p.add_argument("--db", help="store path or URL (default: $GEO_DB, else data/geo.sqlite)")

    def input_options(p):
        p.add_argument("paths", nargs="+", help="article files or folders")
        p.add_argument("--date", type=_date, help=DATE_HELP)
        p.add_argument("--source", help="source name for inputs that carry none")

    p = sub.add_parser("ingest", help="extract articles and add them to the store")
    input_options(p)
    db_option(p)
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = sub.add_parser("extract", help="print one JSON line per article (the stable contract)")
    input_options(p)
    p.add_argument("--with-text", action="store_true", help="include the article text")

    p = sub.add_parser("export", help="export the stored items (filtered) to a file")
    db_option(p)
    p.add_argument("--format", required=True, choices=["html", "png", "csv", "geojson"])
    p.add_argument("--out", required=True, help="output file")
    p.add_argument("--from", dest="date_from", type=_date)
    p.add_argument("--to", dest="date_to", type=_date)
    p.add_argument("--party", action="append", help="party id (repeatable)")
    return parser


def cmd_ingest(args) -> int:
    from tqdm import tqdm

    from geo.articles import read_articles
    from geo.pipeline import ingest
    from geo.store import open_store

    items = list(read_articles(args.paths, date=args.date, source=args.source))
    counts = {"ok": 0, "duplicate": 0, "error": 0}
    with open_store(args.db) as store:
        results = ingest(items, store)
        for result in tqdm(results, total=len(items), unit="article", disable=args.quiet,
                           file=sys.stderr):
            counts[result.status] = counts.get(result.status, 0) + 1
            if result.status == "ok":
                n_places, n_cas, n_claims = result.counts
                line = (f"ok         {result.path}  [{result.article_id}] {n_places} places, "
                        f"{n_cas} casualty figures, {n_claims} claims")
            elif result.status == "duplicate":
                line = f"duplicate  {result.path}  [{result.article_id}] skipped: {result.reason}"
            else:
                line = f"error      {result.path}  {result.reason}"
            tqdm.write(line, file=sys.stdout)
    print(f"{counts['ok']} ok, {counts['duplicate']} duplicate, {counts['error']} error")
    return 1 if counts["error"] else 0


def cmd_extract(args) -> int:
    from geo.articles import ArticleError, read_articles
    from geo.pipeline import extract

    failed = 0
    for item in read_articles(args.paths, date=args.date, source=args.source):
        if isinstance(item, ArticleError):
            print(f"error: {item.path}: {item.reason}", file=sys.stderr)
            failed += 1
            continue
        try:
            extraction = extract(item)
        except Exception as err:  # report and go on with the batch
            print(f"error: {item.path or item.id}: {type(err).__name__}: {err}", file=sys.stderr)
            failed += 1
            continue
        print(json.dumps(extraction.to_json(with_text=args.with_text), ensure_ascii=False),
              flush=True)
    return 1 if failed else 0


def cmd_export(args) -> int:
    from geo.export import export
    from geo.store import open_store

    with open_store(args.db) as store:
        frame = store.query(date_from=args.date_from, date_to=args.date_to,
                            parties=set(args.party) if args.party else None)
    export(frame, args.format, args.out)
    print(f"wrote {args.out} ({len(frame)} items)")
    return 0


def main(argv: Optional[list[str]] = None) -> int:
    args = _parser().parse_args(argv)
    return {"ingest": cmd_ingest, "extract": cmd_extract, "export": cmd_export}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
