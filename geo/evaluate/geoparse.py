"""Geoparsing against toponym corpora (LGL, GeoVirus): finding and resolving place names.

    python -m geo.evaluate geoparse CORPUS.jsonl... [--limit N] [--errors FILE]

Records: ``{id, corpus, text, toponyms: [{start, end, name, lat, lon, ...}]}``. A predicted span
matches a gold toponym when the spans overlap. Reported per corpus, in two tables:

* end to end (what ``python -m geo extract`` does): recognition precision / recall / F1 of the
  spans, then the resolution of the matched toponyms;
* resolution alone: the gold spans resolved in their article (the same ``resolve_mentions``
  the pipeline runs, with the gold spans as the article's mentions), so a resolution change is
  measured apart from recognition.

Resolution columns: acc@161, the share of toponyms (with gold coordinates) resolved within
161 km (100 miles), the field's usual measure; ``acc@161 all`` counts unresolved toponyms as
misses; mean and median error in km and AUC (area under the log-error curve, Gritta et al.
2018; lower is better) over the resolved ones. Throughput: articles and toponyms per second, end
to end (spaCy included, one process) and for the resolution step alone.
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

from geo.places import haversine_km

ACC_KM = 161.0
MAX_KM = 20039.0  # half the Earth's circumference: the largest possible error


@dataclass
class Resolution:
    """Distances of resolved toponyms to their gold points, and the count left unresolved."""
    errors_km: list = field(default_factory=list)
    unresolved: int = 0
    toponyms: int = 0  # resolved + unresolved + those without gold coordinates
    seconds: float = 0.0

    @property
    def acc161(self) -> float:
        e = self.errors_km
        return sum(x <= ACC_KM for x in e) / len(e) if e else 0.0

    @property
    def acc161_all(self) -> float:
        n = len(self.errors_km) + self.unresolved
        return sum(x <= ACC_KM for x in self.errors_km) / n if n else 0.0

    @property
    def mean_km(self) -> float:
        return statistics.fmean(self.errors_km) if self.errors_km else float("nan")

    @property
    def median_km(self) -> float:
        return statistics.median(self.errors_km) if self.errors_km else float("nan")

    @property
    def auc(self) -> float:
        e = self.errors_km
        return sum(math.log(x + 1) for x in e) / (len(e) * math.log(MAX_KM)) if e else float("nan")

    def add(self, gold: dict, place) -> Optional[float]:
        """Score one gold toponym against the place it got; the error in km, or None."""
        self.toponyms += 1
        if gold.get("lat") is None or gold.get("lon") is None:
            return None
        if place is None or not place.resolved:
            self.unresolved += 1
            return None
        km = haversine_km(float(gold["lat"]), float(gold["lon"]), place.lat, place.lon)
        self.errors_km.append(km)
        return km


@dataclass
class Score:
    corpus: str
    docs: int = 0
    gold: int = 0
    predicted: int = 0
    gold_found: int = 0
    predicted_correct: int = 0
    seconds: float = 0.0  # end to end: spaCy, finding, resolving
    end_to_end: Resolution = field(default_factory=Resolution)  # matched toponyms
    gold_spans: Resolution = field(default_factory=Resolution)  # every gold toponym

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


def read_records(path: Path, limit: Optional[int] = None) -> Iterator[dict]:
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if limit is not None and i >= limit:
                break
            if line.strip():
                yield json.loads(line)


def gold_toponyms(record: dict) -> list[dict]:
    return [t for t in record.get("toponyms", []) if t.get("end", 0) > t.get("start", 0)]


def score_document(record: dict, places, score: Score, errors: Optional[list] = None) -> None:
    """Recognition and end-to-end resolution of one article's predicted ``places``."""
    gold = gold_toponyms(record)
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
        p = hits[0]
        km = score.end_to_end.add(g, p)
        if errors is None or g.get("lat") is None or g.get("lon") is None:
            continue
        if not p.resolved:
            errors.append({"id": record["id"], "kind": "unresolved", "gold": g["name"],
                           "predicted": p.name})
        elif km > ACC_KM:
            errors.append({"id": record["id"], "kind": "far", "gold": g["name"],
                           "predicted": p.name, "resolved": p.resolved_name,
                           "gazetteer_id": p.gazetteer_id, "km": round(km),
                           "gold_lat": g["lat"], "gold_lon": g["lon"],
                           "gold_country": g.get("country")})


def resolve_gold_spans(record: dict, gazetteer, score: Score,
                       errors: Optional[list] = None) -> None:
    """Resolve the gold spans as the article's mentions (recognition taken out)."""
    from geo.places import gold_mentions, resolve_mentions

    gold = sorted(gold_toponyms(record), key=lambda g: g["start"])
    mentions = gold_mentions(record["text"], [(g["start"], g["end"]) for g in gold])
    started = time.perf_counter()
    places = resolve_mentions(mentions, gazetteer)
    score.gold_spans.seconds += time.perf_counter() - started
    for g, p in zip(gold, places):
        km = score.gold_spans.add(g, p)
        if errors is not None and km is not None and km > ACC_KM:
            errors.append({"id": record["id"], "kind": "far-gold-span", "gold": g["name"],
                           "resolved": p.resolved_name, "gazetteer_id": p.gazetteer_id,
                           "km": round(km), "gold_lat": g["lat"], "gold_lon": g["lon"]})


def evaluate(records: Iterable[dict], nlp, gazetteer, corpus: str,
             errors: Optional[list] = None) -> Score:
    from geo.places import find_places
    from geo.records import Article

    score = Score(corpus)
    records = list(records)
    started = time.perf_counter()
    texts = (r["text"] for r in records)
    for record, doc in zip(records, nlp.pipe(texts, batch_size=32)):
        article = Article(id=str(record["id"]), text=record["text"])
        # Boundaries add admin-1/region names only; coordinates do not depend on them.
        places = find_places(doc, article, gazetteer=gazetteer, join_regions=False)
        paused = time.perf_counter()
        score_document(record, places, score, errors)
        started += time.perf_counter() - paused  # scoring is not the system's time
    score.seconds = time.perf_counter() - started
    for record in records:
        resolve_gold_spans(record, gazetteer, score, errors)
    return score


def _rate(n: float, seconds: float) -> str:
    return f"{n / seconds:,.0f}" if seconds > 0 else "-"


def table(scores: list[Score]) -> str:
    """End to end (recognition + resolution), then resolution of the gold spans."""
    rows = ["End to end (the spans the system finds; resolution over the matched toponyms):", "",
            "| corpus | docs | gold | predicted | precision | recall | F1 | acc@161 | "
            "acc@161 all | mean km | median km | AUC | articles/s | toponyms/s |",
            "|" + "---|" * 14]
    for s in scores:
        r = s.end_to_end
        rows.append(f"| {s.corpus} | {s.docs} | {s.gold} | {s.predicted} | {s.precision:.1%} | "
                    f"{s.recall:.1%} | {s.f1:.1%} | {r.acc161:.1%} | {r.acc161_all:.1%} | "
                    f"{r.mean_km:.0f} | {r.median_km:.0f} | {r.auc:.3f} | "
                    f"{_rate(s.docs, s.seconds)} | {_rate(s.predicted, s.seconds)} |")
    rows += ["", "Resolution on the gold spans (each resolved in its article):", "",
             "| corpus | toponyms | with coordinates | acc@161 | acc@161 all | mean km | "
             "median km | AUC | toponyms/s |", "|" + "---|" * 9]
    for s in scores:
        r = s.gold_spans
        rows.append(f"| {s.corpus} | {r.toponyms} | {len(r.errors_km) + r.unresolved} | "
                    f"{r.acc161:.1%} | {r.acc161_all:.1%} | {r.mean_km:.0f} | "
                    f"{r.median_km:.0f} | {r.auc:.3f} | {_rate(r.toponyms, r.seconds)} |")
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

    from geo.places import load_gazetteer, load_place_pipeline

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
