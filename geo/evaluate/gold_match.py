"""Matching extracted items against hand-made gold: loose names, quotes located in the text,
counts that agree, party names through the party table; and two annotators' agreement.
``geo.evaluate.figures`` scores with it."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional

from geo.places import haversine_km

FIELDS = ("victim", "party", "reporter")


# --- small normalisers ------------------------------------------------------------------------

def norm(text: Any) -> str:
    """A name compared loosely: case, punctuation, a leading 'the' and spacing ignored."""
    text = re.sub(r"[^\w\s]", " ", str(text or "").casefold())
    text = re.sub(r"^\s*the\s+", "", text)
    return " ".join(text.split())


def spans_of(text: str, quotes: Iterable[str]) -> list[tuple[int, int]]:
    out = []
    for quote in quotes:
        if not quote:
            continue
        start = text.find(quote)
        while start != -1:
            out.append((start, start + len(quote)))
            start = text.find(quote, start + 1)
    return out


def overlaps(a: tuple[int, int], spans: Iterable[tuple[int, int]]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


class GoldParties:
    """Gold party names (free text: "Syria", "Islamic State", "SOHR") against predicted party
    ids or reporter phrases, through the party table's own aliases."""

    def __init__(self, table):
        self.table = table

    def ids(self, names: Iterable[Any]) -> set[Optional[str]]:
        out: set[Optional[str]] = set()
        for name in names:
            if name is None:
                out.add(None)
                continue
            pid = self.table.match(str(name)) if self.table is not None else None
            out.add(pid or f"text:{norm(name)}")
        return out

    def agrees(self, predicted: Optional[str], text: Optional[str], gold: Iterable[Any]) -> bool:
        """``predicted`` (a party id or a free-text phrase, None for none) is one of ``gold``."""
        gold = list(gold) or [None]
        ids = self.ids(gold)
        if predicted is None:
            return None in ids
        if predicted in ids:
            return True
        # free text on either side: "the Syrian Observatory for Human Rights" vs "SOHR"
        mine = {norm(predicted), norm(text)} - {""}
        for g in gold:
            if g is None:
                continue
            n = norm(g)
            if any(n == m or (len(n) > 3 and (n in m or m in n)) for m in mine):
                return True
        return False


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self, name: str) -> str:
        return (f"{name:<28} P {self.precision:6.1%}  R {self.recall:6.1%}  F1 {self.f1:6.1%}"
                f"   (tp {self.tp}, fp {self.fp}, fn {self.fn})")


def count_agrees(pred: dict, gold: dict) -> bool:
    if gold.get("qualifier") == "vague" or gold.get("count_best") is None:
        if pred.get("qualifier") != "vague" and pred.get("count_best") is not None:
            return (gold.get("count_low") is not None
                    and pred.get("count_best") == gold.get("count_low"))
        word = norm(gold.get("vague_word"))
        return (pred.get("count_low") == gold.get("count_low")
                or (word and word == norm(pred.get("vague_word"))))
    best = gold.get("count_best")
    return best in (pred.get("count_best"), pred.get("count_low"))


def outcome_agrees(pred: dict, gold: dict) -> bool:
    return pred.get("outcome") in (gold.get("outcome_any_of") or [gold.get("outcome")])


def sentence_span(pred: dict) -> tuple[int, int]:
    start = pred.get("sentence_start")
    if start is None or not pred.get("sentence"):
        return (pred.get("start", 0), pred.get("end", 0))
    return (start, start + len(pred["sentence"]))


def figure_fields(pred: dict, gold: dict, names: GoldParties) -> dict[str, bool]:
    return {
        "victim": pred.get("victim") in (gold.get("victim_any_of") or ["unknown"]),
        "party": names.agrees(pred.get("party"), None, gold.get("party_any_of") or [None]),
        "reporter": names.agrees(pred.get("reported_by"), pred.get("reported_by_text"),
                                 gold.get("reported_by_any_of") or [None]),
    }


def match_figures(text: str, preds: list[dict], golds: list[dict]) -> list[tuple[int, int]]:
    """(pred index, gold index) pairs, each side at most once; closest spans first."""
    pairs = []
    for gi, gold in enumerate(golds):
        spans = spans_of(text, [gold.get("quote", "")] + list(gold.get("also_quotes") or []))
        for pi, pred in enumerate(preds):
            span = sentence_span(pred)
            if outcome_agrees(pred, gold) and count_agrees(pred, gold) and overlaps(span, spans):
                distance = min(abs(pred.get("start", 0) - s) for s, _ in spans)
                pairs.append((distance, pi, gi))
    used_p, used_g, out = set(), set(), []
    for _, pi, gi in sorted(pairs):
        if pi not in used_p and gi not in used_g:
            used_p.add(pi)
            used_g.add(gi)
            out.append((pi, gi))
    return out


def place_names(gold_place: dict) -> set[str]:
    return {norm(gold_place.get("name"))} | {norm(a) for a in gold_place.get("aliases") or []}


_PLACE_WORDS = re.compile(r"\b(province|governorate|city|countryside|region|district|town|"
                          r"village|area|neighbou?rhood|suburbs?)\b")


def place_key(name: str) -> str:
    """A place name without its kind: "Idlib province", "the city of Idlib" -> "idlib"."""
    return " ".join(_PLACE_WORDS.sub(" ", norm(name)).replace(" of ", " ").split())


def place_right(pred: dict, gold_place: dict) -> bool:
    if gold_place.get("precision") == "country" or gold_place.get("lat") is None:
        return (pred.get("country_code") or "").upper() == (gold_place.get("country_code") or "").upper()
    if pred.get("lat") is None:
        return False
    distance = haversine_km(pred["lat"], pred["lon"], gold_place["lat"], gold_place["lon"])
    return distance <= float(gold_place.get("tolerance_km") or 25)


def load_gold(directory: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(Path(directory).glob("*.json"))}


# --- agreement between two annotators -----------------------------------------------------------

def agreement(dir_a: Path, dir_b: Path, articles: dict[str, dict], table) -> tuple[PRF, PRF]:
    """(detection, all fields) F1 of pass A against pass B on casualty records."""
    names = GoldParties(table)
    a_gold, b_gold = load_gold(dir_a), load_gold(dir_b)
    detect, every = PRF(), PRF()
    for aid in sorted(set(a_gold) & set(b_gold)):
        text = articles[aid]["text"]
        a = [r for r in a_gold[aid].get("casualties") or [] if not r.get("optional")]
        b = [r for r in b_gold[aid].get("casualties") or [] if not r.get("optional")]
        as_pred = [dict(r, count_low=r.get("count_low"), **_pseudo_span(text, r)) for r in a]
        pairs = match_figures(text, as_pred, b)
        detect.tp += len(pairs)
        detect.fp += len(a) - len(pairs)
        detect.fn += len(b) - len(pairs)
        for pi, gi in pairs:
            ra, rb = a[pi], b[gi]
            same = (set(ra.get("victim_any_of") or []) & set(rb.get("victim_any_of") or [])
                    and names.ids(ra.get("party_any_of") or [None])
                    & names.ids(rb.get("party_any_of") or [None])
                    and names.ids(ra.get("reported_by_any_of") or [None])
                    & names.ids(rb.get("reported_by_any_of") or [None]))
            if same:
                every.tp += 1
            else:
                every.fp += 1
                every.fn += 1
        every.fp += len(a) - len(pairs)
        every.fn += len(b) - len(pairs)
    return detect, every


def _pseudo_span(text: str, record: dict) -> dict:
    spans = spans_of(text, [record.get("quote", "")])
    start, end = spans[0] if spans else (0, 0)
    outcome = (record.get("outcome_any_of") or [record.get("outcome")])[0]
    return {"start": start, "end": end, "sentence": text[start:end], "sentence_start": start,
            "outcome": outcome}
