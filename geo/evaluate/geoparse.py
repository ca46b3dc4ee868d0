"""Geoparsing against toponym corpora (LGL, GeoVirus): finding and resolving place names.

    python -m geo.evaluate geoparse CORPUS.jsonl... [--limit N] [--errors FILE]

Records: ``{id, corpus, text, toponyms: [{start, end, name, lat, lon, ...}]}``. A predicted span
matches a gold toponym when the spans overlap. Reported per corpus:

* recall / precision / F1 of the spans;
* acc@161: share of matched toponyms (with gold coordinates) resolved within 161 km (100 miles),
  the field's usual measure; ``acc@161 all`` counts unresolved matches as misses;
* median error in km and AUC (area under the log-error curve, Gritta et al. 2018; lower is
  better) over the matched, resolved toponyms.
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Optional

from geo.gazetteer import haversine_km

ACC_KM = 161.0
MAX_KM = 20039.0  # half the Earth's circumference: the largest possible error


@dataclass
class Score:
    corpus: str
    docs: int = 0
    gold: int = 0
    predicted: int = 0
    gold_found: int = 0
    predicted_correct: int = 0
    errors_km: list = field(default_factory=list)  # matched pairs, both resolved
    matched_unresolved: int = 0
    seconds: float = 0.0

    @property
    def recall(self) -> float:
        return self.gold_found / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        return self.predicted_correct / self.predicted if self.predicted else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def acc161(self) -> float:
        e = self.errors_km
        return sum(x <= ACC_KM for x in e) / len(e) if e else 0.0

    @property
    def acc161_all(self) -> float:
        n = len(self.errors_km) + self.matched_unresolved
        return sum(x <= ACC_KM for x in self.errors_km) / n if n else 0.0

    @property
    def median_km(self) -> float:
        return statistics.median(self.errors_km) if self.errors_km else float("nan")

    @property
    def auc(self) -> float:
        e = self.errors_km
        return sum(math.log(x + 1) for x in e) / (len(e) * math.log(MAX_KM)) if e else float("nan")


def read_records(path: Path, limit: Optional[int] = None) -> Iterator[dict]:
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if limit is not None and i >= limit:
                break
            if line.strip():
                yield json.loads(line)


def score_document(record: dict, places, score: Score, errors: Optional[list] = None) -> None:
    gold = [t for t in record.get("toponyms", []) if t.get("end", 0) > t.get("start", 0)]
    score.docs += 1
    score.gold += len(gold)
    score.predicted += len(places)
    for p in places:
        if any(p.start < g["end"] and g["start"] < p.end for g in gold):
            score.predicted_correct += 1
    for g in gold:
        hits = [p for p in places if p.start < g["end"] and g["start"] < p.end]
        if not hits:
            if errors is not None:
                errors.append({"id": record["id"], "kind": "missed", "gold": g["name"]})
            continue
        score.gold_found += 1
        if g.get("lat") is None or g.get("lon") is None:
            continue
        p = hits[0]
        if not p.resolved:
            score.matched_unresolved += 1
            if errors is not None:
                errors.append({"id": record["id"], "kind": "unresolved", "gold": g["name"],
                               "predicted": p.name})
            continue
        km = haversine_km(float(g["lat"]), float(g["lon"]), p.lat, p.lon)
        score.errors_km.append(km)
        if errors is not None and km > ACC_KM:
            errors.append({"id": record["id"], "kind": "far", "gold": g["name"],
                           "predicted": p.name, "resolved": p.resolved_name,
                           "gazetteer_id": p.gazetteer_id, "km": round(km),
                           "gold_lat": g["lat"], "gold_lon": g["lon"],
                           "gold_country": g.get("country")})


def evaluate(records: Iterable[dict], nlp, gazetteer, corpus: str,
             errors: Optional[list] = None) -> Score:
    from geo.places import find_places
    from geo.records import Article

    score = Score(corpus)
    started = time.perf_counter()
    records = list(records)
    texts = (r["text"] for r in records)
    for record, doc in zip(records, nlp.pipe(texts, batch_size=32)):
        article = Article(id=str(record["id"]), text=record["text"])
        # Boundaries add admin-1/region names only; coordinates do not depend on them.
        places = find_places(doc, article, gazetteer=gazetteer, regions=_NO_JOIN)
        score_document(record, places, score, errors)
    score.seconds = time.perf_counter() - started
    return score


class _NoJoin:
    def join_latlon(self, lats, lons):
        import pandas as pd

        return pd.DataFrame({"country_code": [None] * len(lats), "admin1": [None] * len(lats),
                             "region": [None] * len(lats)})


_NO_JOIN = _NoJoin()


def table(scores: list[Score]) -> str:
    head = ("| corpus | docs | gold | predicted | recall | precision | F1 | acc@161 | "
            "acc@161 all | median km | AUC | seconds |")
    rows = [head, "|" + "---|" * 12]
    for s in scores:
        rows.append(f"| {s.corpus} | {s.docs} | {s.gold} | {s.predicted} | {s.recall:.1%} | "
                    f"{s.precision:.1%} | {s.f1:.1%} | {s.acc161:.1%} | {s.acc161_all:.1%} | "
                    f"{s.median_km:.0f} | {s.auc:.3f} | {s.seconds:.0f} |")
    return "\n".join(rows)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo.evaluate geoparse",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="toponym corpora (JSONL)")
    parser.add_argument("--limit", type=int, help="first N documents of each file")
    parser.add_argument("--errors", type=Path, help="write missed/far toponyms here (JSONL)")
    args = parser.parse_args(argv)
    for f in args.files:
        if not f.exists():
            parser.error(f"no such file: {f}")

    from geo.gazetteer import load_gazetteer
    from geo.places import load_place_pipeline

    gazetteer = load_gazetteer()
    nlp = load_place_pipeline(gazetteer)
    scores, errors = [], [] if args.errors else None
    for f in args.files:
        records = list(read_records(f, args.limit))
        corpus = (records[0].get("corpus") if records else None) or f.stem
        scores.append(evaluate(records, nlp, gazetteer, corpus, errors))
    print(table(scores))
    if args.errors:
        with open(args.errors, "w", encoding="utf-8") as out:
            for e in errors:
                out.write(json.dumps(e, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
