"""Casualty figures, claims and places against hand-made gold on real full-length articles.

    python -m geo.evaluate figures [--gold DIR] [--articles FILE] [--split dev|test|all]
                                   [--pred FILE.jsonl] [--errors FILE]
    python -m geo.evaluate figures --agreement DIR_A DIR_B [--articles FILE]

The gold (``eval/gold/``, one JSON file per article, shaped as ``eval/gold/GUIDE.md`` and the
seed's gold say) is read with the articles it annotates (``articles.jsonl``, each with its
``split``: "dev" rules may be tuned on, "test" held aside). Predictions come from the real
extractor, or from ``--pred`` (the output of ``python -m geo extract``).

Casualty figures. A predicted figure matches a gold record when its outcome is the same, its
count agrees (the same best figure; for a vague gold figure, a vague prediction with the same
low bound or word) and its sentence overlaps the gold quote (or one of its ``also_quotes``).
Each gold record matches at most one prediction: a second prediction of the same statement is
a false positive (one statement, one figure). Gold records marked ``optional`` are neither
required nor false when found. Reported:

* detection precision / recall / F1 (outcome, count and place in the text right);
* **all fields** precision / recall / F1: also the victims' category, the victims' party and the
  reporter right (a blank where the gold names one is a miss);
* each field's accuracy over the matched figures;
* historical figures taken as current (a prediction matching a gold ``historical`` record).

Claims match when the claimant is right and the sentence overlaps the gold quote; the stance and
the target are then scored. Places: each distinct name the extractor placed is right when the
gold lists it (name or alias) and the point is within the gold tolerance (countries: the
country code); precision counts wrong namesakes and non-places as errors, recall is over the
gold's required sub-country places.
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from geo.evaluate.gold_match import (FIELDS, PRF, GoldParties, agreement, count_agrees,
                                     figure_fields, load_gold, match_figures, norm,
                                     outcome_agrees, overlaps, place_key, place_names, place_right,
                                     sentence_span, spans_of)
from geo.places import haversine_km

PROJECT = Path(__file__).resolve().parents[2]
DEFAULT_GOLD = PROJECT / "eval" / "gold" / "fakes"
DEFAULT_ARTICLES = PROJECT / "eval" / "gold" / "articles.jsonl"


@dataclass
class Result:
    articles: int = 0
    detect: PRF = field(default_factory=PRF)
    all_fields: PRF = field(default_factory=PRF)
    field_right: dict = field(default_factory=lambda: {f: 0 for f in FIELDS})
    matched: int = 0
    historical_as_current: int = 0
    claims: PRF = field(default_factory=PRF)
    claim_stance_right: int = 0
    claim_target_right: int = 0
    places: PRF = field(default_factory=PRF)
    sub_country: PRF = field(default_factory=PRF)
    within_161: int = 0
    places_scored: int = 0
    figures_placed: int = 0
    figures_at_town: int = 0
    errors: list = field(default_factory=list)


# --- scoring one article ----------------------------------------------------------------------

def score_article(text: str, pred: dict, gold: dict, names: GoldParties, result: Result) -> None:
    result.articles += 1
    golds = gold.get("casualties") or []
    figures = [c for c in pred.get("casualties") or [] if c.get("figure_kind") != "historical"]
    pairs = match_figures(text, figures, golds)
    matched_p = {p for p, _ in pairs}
    matched_g = {g for _, g in pairs}
    # predictions of historical figures as current ones
    hist = [dict(h, count_best=h.get("count"), outcome=h.get("outcome"))
            for h in gold.get("historical") or []]
    hist_hits = {p for p, _ in match_figures(text, figures, hist)} - matched_p
    result.historical_as_current += len(hist_hits)
    gold_places = {norm(n): g for g in gold.get("places") or [] for n in place_names(g)}
    for pi, gi in pairs:
        g, p = golds[gi], figures[pi]
        if g.get("optional"):
            continue
        right = figure_fields(p, g, names)
        result.matched += 1
        result.detect.tp += 1
        for f, ok in right.items():
            result.field_right[f] += ok
        if all(right.values()):
            result.all_fields.tp += 1
        else:
            result.all_fields.fp += 1
            result.all_fields.fn += 1
            result.errors.append({"kind": "field", "wrong": [f for f, ok in right.items() if not ok],
                                  "pred": slim(p), "gold": g})
        # placed where the event happened: the gold's sub-country place, by name or point
        towns = [gold_places.get(norm(n)) for n in g.get("place_any_of") or []]
        towns = [t for t in towns if t and t.get("precision") not in ("country", None)]
        if towns:
            result.figures_placed += 1
            if any(norm(p.get("place")) in place_names(t) or place_right(p, t) for t in towns):
                result.figures_at_town += 1
    for pi, p in enumerate(figures):
        if pi in matched_p:
            continue
        # a second figure for an optional record, or an optional one found, is no error
        optional_hit = any(outcome_agrees(p, g) and count_agrees(p, g) and g.get("optional")
                           and overlaps(sentence_span(p), spans_of(text, [g.get("quote", "")]))
                           for g in golds)
        if optional_hit:
            continue
        result.detect.fp += 1
        result.all_fields.fp += 1
        result.errors.append({"kind": "historical as current" if pi in hist_hits else "false",
                              "pred": slim(p)})
    for gi, g in enumerate(golds):
        if gi not in matched_g and not g.get("optional"):
            result.detect.fn += 1
            result.all_fields.fn += 1
            result.errors.append({"kind": "missed", "gold": g})
    score_claims(text, pred.get("claims") or [], gold.get("claims") or [], names, result)
    score_places(pred.get("places") or [], gold, result)


def slim(pred: dict) -> dict:
    keep = ("outcome", "count_best", "count_low", "qualifier", "vague_word", "victim", "party",
            "reported_by", "reported_by_text", "figure_kind", "place", "sentence")
    return {k: pred.get(k) for k in keep}


def score_claims(text: str, preds: list[dict], golds: list[dict], names: GoldParties,
                 result: Result) -> None:
    used = set()
    for g in golds:
        spans = spans_of(text, [g.get("quote", "")] + list(g.get("also_quotes") or []))
        hit = None
        for pi, p in enumerate(preds):
            if pi in used or not overlaps(sentence_span(p) if p.get("sentence") else
                                          (p.get("start", 0), p.get("end", 0)), spans):
                continue
            if names.agrees(p.get("claimant"), None, g.get("claimant_any_of") or [None]):
                hit = pi
                break
        if hit is None:
            if not g.get("optional"):
                result.claims.fn += 1
                near = [(p.get("claimant"), p.get("stance")) for p in preds if overlaps(
                    sentence_span(p) if p.get("sentence") else (p.get("start", 0),
                                                                p.get("end", 0)), spans)]
                result.errors.append({"kind": "claim missed", "quote": g.get("quote"),
                                      "claimant_any_of": g.get("claimant_any_of"),
                                      "stance_any_of": g.get("stance_any_of"),
                                      "predicted_there": near})
            continue
        used.add(hit)
        if g.get("optional"):
            continue
        result.claims.tp += 1
        p = preds[hit]
        result.claim_stance_right += p.get("stance") in (g.get("stance_any_of") or [])
        result.claim_target_right += names.agrees(p.get("target"), None,
                                                  g.get("target_any_of") or [None])
    result.claims.fp += len(preds) - len(used)
    result.errors.extend({"kind": "claim false", "claimant": p.get("claimant"),
                          "stance": p.get("stance"), "sentence": (p.get("sentence") or "")[:300]}
                         for pi, p in enumerate(preds) if pi not in used)


def score_places(preds: list[dict], gold: dict, result: Result) -> None:
    """Each distinct name the extractor placed, against the gold places of that name ("Idlib"
    may be the city and, as "Idlib province", the governorate: right if it is either)."""
    golds = gold.get("places") or []
    by_name: dict[str, list[dict]] = {}
    for g in golds:
        for n in place_names(g) | {place_key(n) for n in place_names(g)}:
            by_name.setdefault(n, []).append(g)
    found_right: set[int] = set()
    seen: set[str] = set()
    for p in preds:
        if p.get("lat") is None:
            continue
        key = norm(p.get("name"))
        if key in seen:
            continue
        seen.add(key)
        candidates = by_name.get(key) or by_name.get(place_key(key)) or []
        if not candidates and p.get("precision") == "country":
            # "US" where the gold wrote "United States": the same country, by its code
            code = (p.get("country_code") or "").upper()
            candidates = [g for g in golds if g.get("precision") == "country" and code
                          and (g.get("country_code") or "").upper() == code]
        if not candidates:
            result.places.fp += 1
            result.errors.append({"kind": "place not in gold", "name": p.get("name"),
                                  "resolved": p.get("resolved_name"), "cc": p.get("country_code")})
            continue
        right = [g for g in candidates if place_right(p, g)]
        g = right[0] if right else candidates[0]
        found_right.update(id(x) for x in right)
        if all(x.get("optional") or x.get("role") == "dateline" for x in candidates):
            continue
        result.places_scored += 1
        if g.get("lat") is not None:
            result.within_161 += haversine_km(p["lat"], p["lon"], g["lat"], g["lon"]) <= 161
        else:  # a country: right when it is the country
            result.within_161 += bool(right)
        if right:
            result.places.tp += 1
        else:
            result.places.fp += 1
            result.errors.append({"kind": "wrong place", "name": p.get("name"),
                                  "resolved": p.get("resolved_name"), "cc": p.get("country_code"),
                                  "precision": p.get("precision"), "gold_cc": g.get("country_code"),
                                  "gold_precision": g.get("precision")})
    for g in golds:
        if g.get("optional") or g.get("role") == "dateline":
            continue
        if id(g) not in found_right:
            result.places.fn += 1
        if g.get("precision") != "country":
            if id(g) in found_right:
                result.sub_country.tp += 1
            else:
                result.sub_country.fn += 1
                result.errors.append({"kind": "sub-country place missed", "name": g.get("name"),
                                      "precision": g.get("precision")})


# --- running ----------------------------------------------------------------------------------

def load_articles(path: Path) -> dict[str, dict]:
    with open(path, encoding="utf-8") as fh:
        return {rec["id"]: rec for rec in map(json.loads, fh)}


def predict(records: list[dict]) -> dict[str, dict]:
    """The real extractor on each gold article, as ``python -m geo extract`` prints it."""
    from geo.pipeline import default_extractor
    from geo.read import make_article

    extractor = default_extractor()
    out = {}
    for rec in records:
        article = make_article(rec["text"], meta={k: rec.get(k) for k in
                                                  ("id", "title", "date", "source")})
        out[rec["id"]] = extractor.extract(article).to_json(with_text=True)
    return out


def report(result: Result) -> list[str]:
    m = max(result.matched, 1)
    lines = [f"articles: {result.articles}",
             result.detect.line("casualty figures (detect)"),
             result.all_fields.line("casualty figures (all)")]
    lines += [f"  {f:<26} {result.field_right[f] / m:6.1%} of {result.matched} matched"
              for f in FIELDS]
    lines.append(f"  historical as current      {result.historical_as_current}")
    if result.figures_placed:
        lines.append(f"  placed at the event's town {result.figures_at_town / result.figures_placed:6.1%}"
                     f" of {result.figures_placed} whose text names one")
    lines.append(result.claims.line("claims (claimant)"))
    c = max(result.claims.tp, 1)
    lines.append(f"  stance {result.claim_stance_right / c:6.1%}, target "
                 f"{result.claim_target_right / c:6.1%} of {result.claims.tp} matched")
    lines.append(result.places.line("places (placed points)"))
    lines.append(f"{'sub-country places':<28} R {result.sub_country.recall:6.1%}"
                 f"   ({result.sub_country.tp} of {result.sub_country.tp + result.sub_country.fn})")
    if result.places_scored:
        lines.append(f"  acc@161 km {result.within_161 / result.places_scored:6.1%}"
                     f" of {result.places_scored}")
    return lines


def score_split(gold: dict[str, dict], articles: dict[str, dict], preds: dict[str, dict],
             split: str, table) -> Result:
    names = GoldParties(table)
    result = Result()
    for aid, g in sorted(gold.items()):
        rec = articles.get(aid)
        if rec is None or (split != "all" and rec.get("split") != split):
            continue
        pred = preds.get(aid) or {}
        text = (pred.get("article") or {}).get("text") or rec["text"]
        score_article(text, pred, g, names, result)
    return result


def main(argv: Optional[list[str]] = None) -> int:
    from geo.parties import load_parties

    parser = argparse.ArgumentParser(prog="python -m geo.evaluate figures", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES)
    parser.add_argument("--split", choices=["dev", "test", "all", "both"], default="both")
    parser.add_argument("--pred", type=Path, help="extract output (JSONL) instead of running it")
    parser.add_argument("--errors", type=Path, help="write every error case here (JSONL)")
    parser.add_argument("--agreement", nargs=2, type=Path, metavar=("DIR_A", "DIR_B"))
    args = parser.parse_args(argv)
    table = load_parties()
    articles = load_articles(args.articles)
    if args.agreement:
        detect, every = agreement(*args.agreement, articles, table)
        print(detect.line("agreement (detect)"))
        print(every.line("agreement (all fields)"))
        return 0
    gold = load_gold(args.gold)
    if args.pred:
        with open(args.pred, encoding="utf-8") as fh:
            preds = {(d.get("article") or {}).get("id"): d for d in map(json.loads, fh)}
    else:
        preds = predict([articles[a] for a in gold if a in articles])
    splits = ["dev", "test"] if args.split == "both" else [args.split]
    results = {s: score_split(gold, articles, preds, s, table) for s in splits}
    reports = {s: report(r) for s, r in results.items()}
    for s in splits:
        print(f"== {s}")
        print("\n".join(reports[s]))
    if args.errors:
        with open(args.errors, "w", encoding="utf-8") as out:
            for s, r in results.items():
                for e in r.errors:
                    out.write(json.dumps(dict(e, split=s), ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
