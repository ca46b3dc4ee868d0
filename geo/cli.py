"""Command line: ``python -m geo ingest|extract|export|tolls|delete|bin|restore ...``.

A thin layer: it parses arguments and calls ``geo.pipeline``, ``geo.store`` and ``geo.render.export``.

Exit codes: 0 all went well; 1 some inputs failed (each reported, the others processed) or no
article files were found; 2 the command could not run (bad --db, unwritable output, no browser
for PNG export...): one ``error: ...`` line on stderr, no traceback.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
from itertools import chain
from pathlib import Path
from typing import Optional

from geo import __version__
# the vocabularies for choices: no heavy import
from geo.records import EVENT_TYPES, OUTCOMES, PRECISIONS

DATE_HELP = "publication date YYYY-MM-DD for inputs that carry none"
CONFLICT_OPTION = dict(action="append", metavar="ID", help="conflict id of data/conflicts.csv, "
                       "or 'other' (repeatable; default: every conflict)")


# `extract` parses a few articles at a time (Extractor.extract_many): a line appears after its
# batch, the output is the same as article by article.
BATCH_SIZE_EXTRACT = 8
ERRORS_SHOWN_PER_FILE = 5  # then one summary line per file; the full list goes to a log file
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def shown(text: object) -> str:
    """``text`` safe for one terminal line: control characters (newlines, ANSI escapes, bidi
    overrides) from file names or articles are written as escapes, so no input can forge or
    colour a line of the report."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"),
                            str(text))


class ErrorReport:
    """The per-input errors of a run: the first few of each file are printed, the rest counted,
    and every one is written to a log file that the summary names."""

    def __init__(self, command: str, stream, folder: Optional[Path] = None):
        self.command, self.stream, self.folder = command, stream, folder
        self.per_file: dict[str, int] = {}
        self.log_path: Optional[Path] = None
        self._log = None

    def add(self, path: str, line: str) -> None:
        key = str(path)
        n = self.per_file[key] = self.per_file.get(key, 0) + 1
        if self._log is None:
            from datetime import datetime

            from geo.config import state_dir

            folder = self.folder or state_dir() / "logs"
            folder.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
            self.log_path = folder / f"{self.command}-{stamp}.log"
            self._log = open(self.log_path, "w", encoding="utf-8")
        self._log.write(shown(line) + "\n")
        if n <= ERRORS_SHOWN_PER_FILE:
            self.stream(shown(line))

    def close(self) -> None:
        if self._log is None:
            return
        self._log.close()
        for path, n in self.per_file.items():
            if n > ERRORS_SHOWN_PER_FILE:
                self.stream(f"... {n - ERRORS_SHOWN_PER_FILE:,} more errors in {shown(path)}")
        self.stream(f"all {sum(self.per_file.values()):,} errors: {self.log_path}")


def _date(value: str) -> str:
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"got {value!r}, expected a date YYYY-MM-DD") from None


def _positive(value: str) -> int:
    number = int(value) if re.fullmatch(r"\s*\+?\d+\s*", value) else 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"got {value!r}, expected a whole number >= 1")
    return number


def _parser() -> argparse.ArgumentParser:
    # "geo" when run as the console script, "python -m geo" from a checkout
    prog = "geo" if Path(sys.argv[0]).name == "geo" else "python -m geo"
    parser = argparse.ArgumentParser(prog=prog, description=__doc__)
    parser.add_argument("--version", action="version", version=f"geo {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def db_option(p):
        p.add_argument("--db", help="store path or URL (default: $GEO_DB, else data/geo.sqlite)")

    def input_options(p):
        p.add_argument("paths", nargs="+", help="article files or folders")
        p.add_argument("--date", type=_date, help=DATE_HELP)
        p.add_argument("--source", help="source name for inputs that carry none")
        p.add_argument("--follow-links", action="store_true",
                       help="read what symbolic links inside folders point to (default: "
                            "report them and go on)")

    p = sub.add_parser("ingest", help="extract articles and add them to the store")
    input_options(p)
    db_option(p)
    p.add_argument("--quiet", action="store_true",
                   help="no progress bar (shown only when stderr is a terminal)")
    p.add_argument("--workers", type=_positive, metavar="N",
                   help="extract on a Dask LocalCluster of N processes (one thread each); "
                        "the results are stored in input order, as a serial run stores them")
    p.add_argument("--scheduler", metavar="tcp://HOST:8786",
                   help="extract on the running Dask cluster at this scheduler address "
                        "(its workers need geo installed)")

    p = sub.add_parser("extract", help="print one JSON line per article (the stable contract)")
    input_options(p)
    p.add_argument("--with-text", action="store_true", help="include the article text")

    p = sub.add_parser("export", help="export the stored items (filtered) to a file")
    db_option(p)
    p.add_argument("--format", required=True, choices=["html", "png", "csv", "geojson", "gpkg"])
    p.add_argument("-o", "--out", required=True, help="output file")
    # the dashboard's filters (geo.report.Filters), so a view can be scripted
    p.add_argument("--from", dest="date_from", type=_date, help="first date YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", type=_date, help="last date YYYY-MM-DD")
    p.add_argument("--party", action="append", help="party id (repeatable)")
    p.add_argument("--kind", action="append", choices=["casualty", "claim", "place"],
                   help="item kind (repeatable; default: all)")
    p.add_argument("--outcome", action="append", choices=list(OUTCOMES),
                   help="casualty outcome (repeatable; default: all)")
    p.add_argument("--actor", action="append",
                   help="party id of who acted in a casualty figure (repeatable)")
    p.add_argument("--event-type", dest="event_type", action="append",
                   choices=[*EVENT_TYPES, "unspecified"],
                   help="ACLED event type of a casualty figure (repeatable; default: all)")
    p.add_argument("--min-precision", choices=list(PRECISIONS[:-1]),
                   help="keep items located this precisely or better")
    p.add_argument("--search", help="text in the title, quote or place (case-insensitive)")
    p.add_argument("--no-undated", action="store_true",
                   help="with a date range, leave out items with no date")
    p.add_argument("--conflict", **CONFLICT_OPTION)
    p.add_argument("--title", help="map title (default: Conflict map: <the conflicts asked>)")
    p = sub.add_parser("tolls", help="each party's reported toll over time, from the "
                       "stored figures consolidated into reports (see geo/report/tolls.py)")
    db_option(p)
    p.add_argument("--party", action="append",
                   help="victims' party id (repeatable; default: every party)")
    p.add_argument("--conflict", **CONFLICT_OPTION)
    p.add_argument("--as-of", dest="as_of", help="toll as of this date YYYY-MM-DD")
    p.add_argument("--format", choices=["json", "csv"], default="json")
    p.add_argument("--out", "-o", help="output file (default: standard output)")
    # the bin: a delete is recoverable until the bin is emptied
    p = sub.add_parser("delete", help="move articles (with their places, figures and claims) "
                       "to the bin: out of every view, toll and export")
    p.add_argument("ids", nargs="+", metavar="ID", help="article id (as `ingest` printed it)")
    db_option(p)
    p = sub.add_parser("restore", help="bring articles back from the bin")
    p.add_argument("ids", nargs="+", metavar="ID")
    db_option(p)
    p = sub.add_parser("bin", help="list the articles in the bin")
    p.add_argument("--empty", action="store_true", help="delete them for good")
    db_option(p)
    return parser


def _with_articles(paths: list[str]) -> tuple[list[str], bool]:
    """The paths worth reading, and whether some folder held no article file (each such
    folder is reported on stderr). Missing paths are kept: the reader reports them."""
    from geo.read import has_article_files

    kept, empty = [], False
    for path in paths:
        if Path(path).is_dir() and not has_article_files(path):
            print(f"no article files found in {shown(path)}", file=sys.stderr)
            empty = True
        else:
            kept.append(path)
    return kept, empty


def _check_db(db: Optional[str]) -> None:
    """Refuse, with a clear message, a --db that cannot be a database file (a folder, a path
    under a file, a folder we cannot write): before any input is read. Unknown URL schemes
    raise ValueError from ``resolve_db``; the store reports what remains."""
    from geo.store import resolve_db

    location = resolve_db(db)
    if location == ":memory:" or "://" in location:
        return
    path = Path(location)
    if path.is_dir():
        raise OSError(f"database {location} is a folder, expected a file (e.g. {path / 'geo.sqlite'})")
    if path.exists():
        return
    for parent in path.parents:
        if not parent.exists():
            continue
        if not parent.is_dir():
            raise OSError(f"cannot create database {location}: {parent} is not a folder")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise OSError(f"cannot create database {location}: folder {parent} is not writable")
        return


def cmd_ingest(args) -> int:
    from contextlib import closing

    from tqdm import tqdm

    import geo.pipeline
    from geo.read import estimate_articles, read_articles
    from geo.report import binned_note
    from geo.store import open_store, resolve_db

    _check_db(args.db)
    paths, empty = _with_articles(args.paths)
    if not paths:
        return 1  # nothing to do: do not create an empty store either
    # Lazy: files are read one at a time as the store takes them, never all up front.
    items = read_articles(paths, date=args.date, source=args.source,
                          follow_links=args.follow_links)
    counts = {"ok": 0, "duplicate": 0, "error": 0}
    location = resolve_db(args.db)
    # the log sits beside the store it was written for
    logs = None if "://" in location or location == ":memory:" else Path(location).parent / "logs"
    errors = ErrorReport("ingest", lambda line: tqdm.write(line, file=sys.stdout), logs)
    bar = not args.quiet and sys.stderr.isatty()  # rate and ETA, on a terminal only
    try:
        with open_store(args.db) as store:
            binned = set(store.binned()["id"])  # their texts are skipped: say how to restore
            if args.workers or args.scheduler:
                from geo.parallel import ingest_parallel

                results = ingest_parallel(items, store, workers=args.workers,
                                          scheduler=args.scheduler)
            else:
                results = geo.pipeline.ingest(items, store)
            with closing(results):  # Ctrl-C: a Dask cluster closes with it
                for result in tqdm(results, unit="article", disable=not bar, file=sys.stderr,
                                   total=estimate_articles(paths) if bar else None,
                                   smoothing=0.1):
                    result = binned_note(result, binned)
                    counts[result.status] = counts.get(result.status, 0) + 1
                    path = shown(result.path)
                    if result.status == "ok":
                        n_places, n_cas, n_claims = result.counts
                        line = (f"ok         {path}  [{result.article_id}] {n_places} places, "
                                f"{n_cas} casualty figures, {n_claims} claims")
                    elif result.status == "duplicate":
                        line = (f"duplicate  {path}  [{result.article_id}] skipped: "
                                f"{shown(result.reason)}")
                    elif result.status == "renamed":  # its id held another text: both kept
                        n_places, n_cas, n_claims = result.counts
                        line = (f"renamed    {path}  [{result.article_id}] "
                                f"{shown(result.reason)}; {n_places} places, "
                                f"{n_cas} casualty figures, {n_claims} claims")
                    else:
                        errors.add(result.path, f"error      {path}  {shown(result.reason)}")
                        continue
                    tqdm.write(line, file=sys.stdout)
    except KeyboardInterrupt:
        # each article is one transaction: the one being written was rolled back
        errors.close()
        print(f"interrupted: {counts['ok']} ok, {counts['duplicate']} duplicate, "
              f"{counts['error']} error so far; rerun to store the rest", file=sys.stderr)
        return 130
    errors.close()
    renamed = f", {counts['renamed']} renamed" if counts.get("renamed") else ""
    print(f"{counts['ok']} ok{renamed}, {counts['duplicate']} duplicate, "
          f"{counts['error']} error")
    return 1 if counts["error"] or empty else 0


def cmd_extract(args) -> int:
    from geo.read import ArticleError, read_articles
    from geo.pipeline import default_extractor, failure_reason

    paths, empty = _with_articles(args.paths)
    failed = int(empty)
    errors = ErrorReport("extract", lambda line: print(line, file=sys.stderr))

    def articles():  # reading errors are reported in turn; the articles go on to the extractor
        nonlocal failed
        for item in read_articles(paths, date=args.date, source=args.source,
                                  follow_links=args.follow_links):
            if isinstance(item, ArticleError):
                errors.add(item.path, f"error: {item.path}: {item.reason}")
                failed += 1
            else:
                yield item

    try:
        stream = articles()
        first = next(stream, None)  # the model loads only if there is an article
        pending = [] if first is None else default_extractor().extract_many(
            chain([first], stream), batch_size=BATCH_SIZE_EXTRACT)
        for item, result in pending:
            if isinstance(result, Exception):  # report and go on with the batch
                where = item.path or item.id
                errors.add(where, f"error: {where}: {failure_reason(result)}")
                failed += 1
                continue
            print(json.dumps(result.to_json(with_text=args.with_text), ensure_ascii=False),
                  flush=True)
    except KeyboardInterrupt:
        errors.close()
        print("interrupted", file=sys.stderr)
        return 130
    errors.close()
    return 1 if failed else 0


def export_filters(args):
    """The dashboard's Filters from the export options."""
    from geo.report import ITEM_KINDS, Filters

    return Filters(date_from=args.date_from, date_to=args.date_to, parties=args.party or (),
                   kinds=tuple(args.kind) if args.kind else ITEM_KINDS,
                   outcomes=args.outcome or (), actors=args.actor or (),
                   event_types=args.event_type or (), min_precision=args.min_precision,
                   search=args.search or "", include_undated=not args.no_undated,
                   conflicts=args.conflict or ())


def cmd_export(args) -> int:
    from geo.render import export
    from geo.render.exports import check_target
    from geo.report import filter_frame, map_view, read_items
    from geo.store import open_store

    out = Path(args.out)
    if out.is_dir():
        raise OSError(f"--out {args.out} is a folder, expected a file name")
    check_target(out)
    if not out.parent.is_dir():  # checked first: no query, no rendering for nothing
        raise OSError(f"cannot write {args.out}: folder {out.parent} does not exist")
    _check_db(args.db)
    draw = args.format in ("html", "png")
    parties = regions = None  # the map needs them, the data exports do not
    if draw:
        from geo.parties import load_parties
        from geo.places import load_regions

        parties, regions = load_parties(), load_regions()
    with open_store(args.db) as store:
        unknown = sorted(set(args.party or ()) - set(store.parties_in_use()))
        if unknown:
            print(f"warning: no stored item involves party {', '.join(unknown)} "
                  f"(ids are lowercase slugs such as 'ukraine', 'nagorno-karabakh')",
                  file=sys.stderr)
        filters = export_filters(args)
        # with regions each item gets its province (the map's); without, items as stored
        items = read_items(store, regions)
    options = {}
    if draw:  # the map the dashboard draws (geo.report.map_view)
        frame, areas = map_view(items, filters, regions, parties)
        # the period is stated once, by the title box: not again in the filter summary
        title = args.title or ": ".join(filter(None, ("Conflict map", filters.conflicts_text())))
        options = dict(parties=parties, regions=regions, title=title, areas=areas,
                       period=(filters.date_from, filters.date_to),
                       subtitle=filters.with_dates(None, None).summary(parties, bool(args.title)))
    else:  # the data: one row per item, as stored
        frame = filter_frame(items.items, filters)
    if frame.empty:  # a blank map or an empty table would look like a result
        print(f"nothing matches the filters ({filters.summary(parties)}): {args.out} not written",
              file=sys.stderr)
        return 1
    export(frame, args.format, args.out, **options)
    print(f"wrote {args.out} ({len(frame)} items)")
    return 0


def cmd_tolls(args) -> int:
    from geo.render.exports import check_target
    from geo.report import Filters, read_items, tolls_as_of, tolls_frame
    from geo.store import open_store

    _check_db(args.db)
    only = Filters(conflicts=args.conflict or ())  # an unknown id: ValueError, before reading
    if args.as_of:
        try:
            _date(str(args.as_of)[:10])
        except argparse.ArgumentTypeError:
            raise ValueError(f"--as-of {args.as_of!r}: expected a date YYYY-MM-DD") from None
    with open_store(args.db) as store:
        items = read_items(store)
    # as of a date, later articles do not exist yet: not even as sources of earlier figures
    result = tolls_as_of(items, args.as_of, only, victims=args.party or ())
    if args.format == "json":  # one document: a list of tolls
        text = json.dumps([t.to_json() for t in result], ensure_ascii=False, indent=1) + "\n"
    else:
        text = tolls_frame(result).to_csv(index=False)
    if args.out:
        check_target(args.out)
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


def _stored(db: Optional[str]):
    from geo.store import open_store

    return open_store(db, create=False)  # the bin commands never make a new, empty store


def _not_done(store, asked: list[str], done: list[str], why: str) -> int:
    """Report each id of ``asked`` not in ``done`` (unknown, or ``why``); 1 if any."""
    missed = [i for i in dict.fromkeys(asked) if i not in done]
    for i in missed:
        print(f"error: {shown(i)}: {why if store.has(i) else 'no such article'}", file=sys.stderr)
    return int(bool(missed))


def cmd_delete(args) -> int:
    with _stored(args.db) as store:
        moved = store.bin(args.ids)
        print("".join(f"binned     {shown(i)}\n" for i in moved), end="")
        failed = _not_done(store, args.ids, moved, "already in the bin")
    if moved:
        print(f"{len(moved)} moved to the bin: `geo bin` lists them, `geo restore ID` brings "
              "one back, `geo bin --empty` deletes them for good")
    return failed


def cmd_restore(args) -> int:
    with _stored(args.db) as store:
        back = store.restore(args.ids)
        print("".join(f"restored   {shown(i)}\n" for i in back), end="")
        return _not_done(store, args.ids, back, "not in the bin")


def cmd_bin(args) -> int:
    with _stored(args.db) as store:
        if args.empty:
            print(f"deleted {store.empty_bin()} article(s) for good")
            return 0
        binned = store.binned()
    if binned.empty:
        print("the bin is empty")
    for row in binned.itertuples():
        print(f"{shown(row.id)}  binned {row.binned_at}  {shown(row.title or '')}  "
              f"({row.n_places} places, {row.n_casualties} figures, {row.n_claims} claims)")
    return 0


def _user_error(err: BaseException) -> bool:
    """Errors that mean "the command cannot run as asked" (bad --db, output path, no browser),
    reported in one line; anything else is a bug and keeps its traceback."""
    kinds: list[type] = [OSError, ValueError, NotImplementedError]
    # Only modules already imported can have raised their errors: no import needed to check.
    for module, name in (("geo.store", "StoreError"), ("geo.render.exports", "BrowserNotFound")):
        cls = getattr(sys.modules.get(module), name, None)
        if cls is not None:
            kinds.append(cls)
    return isinstance(err, tuple(kinds))


def main(argv: Optional[list[str]] = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    args = _parser().parse_args(argv)
    command = {"ingest": cmd_ingest, "extract": cmd_extract, "export": cmd_export,
               "tolls": cmd_tolls, "delete": cmd_delete, "restore": cmd_restore,
               "bin": cmd_bin}[args.command]
    try:
        return command(args)
    except Exception as err:
        if not _user_error(err):
            raise
        print(f"error: {shown(err)}", file=sys.stderr)
        return 2

