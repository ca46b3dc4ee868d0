"""Where the events are, against FA-KES's own location labels: a second check of places (issue 11).

    python -m geo.evaluate locations FILE.jsonl [--gold-articles eval/gold/articles.jsonl]
                                               [--limit N] [--show N]

FA-KES (CC BY 4.0) labels each of its Syria articles with the governorate of the event it
reports ("aleppo", "deir ezzor", ...). This check extracts every article of the feed and asks
where the extraction puts the event:

* **the article's event place**: the place of its first figure located at a town or province,
  else its most named town or province; right when it falls in the labelled governorate
  (point in polygon, Natural Earth admin-1). An article with no such place is a miss (blank).
* **figures**: each casualty figure with coordinates, in the labelled governorate, at the
  country or region level only, or in another governorate (a dateline's capital, a neighbour's toll).

The labels were made by FA-KES's authors, not for this project, so no rule was tuned on them.
Articles in the gold's dev split are reported apart from the rest (the gold's test split and
the 552 articles nobody annotated here). The label "damascus" covers the capital's area: the
city and the Rif Dimashq governorate around it (Douma, Ghouta) both count.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

# FA-KES label -> Natural Earth admin-1 names (data/boundaries.gpkg) of that governorate
LABEL_GOVERNORATES = {
    "aleppo": {"Aleppo"}, "damascus": {"Damascus", "Rif Dimashq"}, "idlib": {"Idlib"},
    "deir ezzor": {"Dayr Az Zawr"}, "raqqa": {"Ar Raqqah"}, "homs": {"Homs (Hims)"},
    "hasakeh": {"Hasaka (Al Haksa)"}, "hama": {"Hamah"}, "daraa": {"Dar`a"},
    "lattakia": {"Lattakia"}, "quneitra": {"Quneitra"}, "tartous": {"Tartus"},
}
# below the country: a named region ('Middle East', 'the Levant') may span several countries
TOWN_OR_PROVINCE = ("point", "city", "admin2", "admin1")
GOLD_ARTICLES = Path(__file__).resolve().parents[2] / "eval" / "gold" / "articles.jsonl"


@dataclass
class Tally:
    """Counts for one group of articles."""
    articles: int = 0
    event_right: int = 0
    event_blank: int = 0
    figures: int = 0
    figures_right: int = 0
    figures_country: int = 0
    figures_elsewhere: Counter = field(default_factory=Counter)  # governorate -> figures
    misses: list = field(default_factory=list)  # (article id, label, where the event went)

    def lines(self, label: str) -> list[str]:
        pct = lambda n, d: f"{100 * n / d:.1f} %" if d else "-"  # noqa: E731
        wrong = self.articles - self.event_right - self.event_blank
        elsewhere = sum(self.figures_elsewhere.values())
        top = ", ".join(f"{g} {n}" for g, n in self.figures_elsewhere.most_common(4))
        return [f"== {label}: {self.articles} articles",
                f"event place in the labelled governorate  {pct(self.event_right, self.articles)}"
                f"  (wrong {wrong}, blank {self.event_blank}: a blank is a miss)",
                f"figures in the labelled governorate      {pct(self.figures_right, self.figures)}"
                f" of {self.figures}; country or region level only {pct(self.figures_country, self.figures)};"
                f" another governorate {pct(elsewhere, self.figures)} ({top})"]


def event_place(extraction) -> Optional[tuple[float, float]]:
    """The article's event place: its first figure placed below the country, else its most
    named place below the country; None when it has neither."""
    found = event_place_named(extraction)
    return found[1] if found else None


def event_place_named(extraction) -> Optional[tuple[str, tuple[float, float]]]:
    """``event_place`` with the place's name as written."""
    fine = {p.name for p in extraction.places
            if p.lat is not None and p.precision in TOWN_OR_PROVINCE}
    for c in sorted(extraction.casualties, key=lambda c: c.start):
        if c.lat is not None and c.place in fine:
            return c.place, (c.lat, c.lon)
    named = Counter((p.name, (p.lat, p.lon)) for p in extraction.places
                    if p.lat is not None and p.precision in TOWN_OR_PROVINCE)
    return named.most_common(1)[0][0] if named else None


def score_labels(rows: list[dict], extractions: list, regions, splits: dict[str, str]) -> dict:
    tallies: dict[str, Tally] = {}
    for row, x in zip(rows, extractions):
        wanted = LABEL_GOVERNORATES.get((row.get("location_label") or "").strip().lower())
        if wanted is None:
            continue
        groups = ["all", {"dev": "gold dev split (rules tuned on)",
                          "test": "gold test split (held aside)"}.get(
                              splits.get(row["id"]), "not in the gold (never annotated)")]
        country_level = {p.name for p in x.places if p.precision in ("country", "region")}
        located = [c for c in x.casualties if c.lat is not None]
        named = event_place_named(x)
        event = named[1] if named else None
        points = [(c.lat, c.lon) for c in located] + ([event] if event else [])
        admin1 = list(regions.join_latlon([p[0] for p in points], [p[1] for p in points])
                      ["admin1"]) if points else []
        for g in groups:
            t = tallies.setdefault(g, Tally())
            t.articles += 1
            if event is None:
                t.event_blank += 1
                t.misses.append((row["id"], row["location_label"], "no place below the country"))
            elif admin1[-1] in wanted:
                t.event_right += 1
            else:
                t.misses.append((row["id"], row["location_label"],
                                 f"{named[0]} in {admin1[-1] or 'no governorate'}"))
            for c, a1 in zip(located, admin1):
                t.figures += 1
                if c.place in country_level:
                    t.figures_country += 1
                elif a1 in wanted:
                    t.figures_right += 1
                else:
                    t.figures_elsewhere[a1 or "outside any governorate"] += 1
    return tallies


def main(argv: Optional[list[str]] = None) -> int:
    from geo.pipeline import default_extractor
    from geo.places import load_regions
    from geo.read import make_article

    parser = argparse.ArgumentParser(prog="python -m geo.evaluate locations",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--gold-articles", default=str(GOLD_ARTICLES))
    parser.add_argument("--limit", type=int)
    parser.add_argument("--show", type=int, default=0,
                        help="list this many misses per group (never the held-aside test split)")
    args = parser.parse_args(argv)
    with open(args.path, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()][:args.limit]
    splits = {}
    if Path(args.gold_articles).exists():
        with open(args.gold_articles, encoding="utf-8") as fh:
            splits = {r["id"]: r.get("split") for r in map(json.loads, fh)}
    extractor = default_extractor()
    articles = [make_article(r["text"], meta={k: r.get(k) for k in ("id", "title", "date",
                                                                       "source")}) for r in rows]
    extractions = [x if not isinstance(x, Exception) else None
                   for _, x in extractor.extract_many(articles)]
    kept = [(r, x) for r, x in zip(rows, extractions) if x is not None]
    tallies = score_labels([r for r, _ in kept], [x for _, x in kept], load_regions(), splits)
    for label in ("all", "gold dev split (rules tuned on)", "gold test split (held aside)",
                  "not in the gold (never annotated)"):
        if label in tallies:
            print("\n".join(tallies[label].lines(label)))
            # the held-aside split's cases are never listed: counts only
            shown = [] if label in ("all", "gold test split (held aside)") else tallies[label].misses
            for miss in shown[:args.show]:
                print("   miss: %s  label %s  -> %s" % miss)
    if len(kept) < len(rows):
        print(f"{len(rows) - len(kept)} articles failed to extract")
    return 0


if __name__ == "__main__":
    sys.exit(main())
