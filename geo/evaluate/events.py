"""Casualty figures and parties against UCDP GED events (headlines + deaths per side).

    python -m geo.evaluate events FILE.jsonl [--limit N] [--examples N] [--errors FILE]
                                             [--places] [--place-errors FILE]

Each headline of an event is extracted as a short Article dated on the event date (without
``--places`` no geoparsing: figures get no place and places are not scored). An event's extracted killed figure is the largest
per-headline total, where a headline's total is the sum of its killed figures with a number
(count_best, or count_low for ranges/bounds; vague words and zeros are left out) after the
extractor's own toll/increment reconciliation. Several headlines of one event are several
reports of it, so they are not added up: the largest is the latest or most complete report.

Reported over the events whose headlines state a killed figure:

* agreement of the victims' category with the non-zero UCDP columns (side_a / side_b ->
  military or official; civilians -> civilian; unknown -> unknown), per figure;
* agreement of the victims' party (by side: DPR, LPR, Novorossiya and the pro-Russian
  separatists count for one side, Ukraine for the other) with the non-zero side columns, per
  military/official figure that has a party; figures without a party are counted apart;
* the killed count equal to UCDP's best estimate, and within 20 % of it;
* how many count mismatches share a headline with another event (UCDP splits one reported
  figure over several events, one per place or day) - those are not the extractor's errors.

With ``--places`` the headlines also go through the real place finder
(``geo.places.find_places`` with the gazetteer and the boundaries) and the place each scored
killed figure got is compared with the event's UCDP point (``place_score``):

* within 50 km of UCDP's point, over figures of events UCDP locates to a place (its
  geo_precision 1 = exact, 2 = within ~25 km);
* within 161 km (100 miles) of UCDP's point, over all figures that got coordinates;
* in the same admin-1 unit as UCDP's ``admin1``: the figure's place's admin-1 (the boundary
  join, Natural Earth names such as "Donets'k") against UCDP's ("Donetsk oblast"), both
  reduced to a Natural Earth admin-1 row by name (``admin1_key``); a country-level place has
  no admin-1 and disagrees;
* figures with no place at all (neither their headline nor the article names one).
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

from geo.records import Article, Casualty, Place

UKRAINE_SIDE_A = "Government of Ukraine"
PERIOD = re.compile(r"\b(past|last|over the|this) (\w+ )?(week|24 hours|day|month|year)s?\b|"
                    r"\bin (a|one) week\b|\bsince\b|\bin \d+ hours\b", re.I)
WIRE_PREFIX = re.compile(r"^\s*(?:UPDATE|WRAPUP|WRAP|REFILE|CORRECTED|RPT|EXCLUSIVE)"
                         r"(?:\s*\d+)?\s*[-:–]\s*")


@dataclass
class EventResult:
    id: str
    headlines: list[str]
    deaths: dict
    side_b: str
    date: Optional[str] = None
    killed: Optional[int] = None  # extracted event figure
    figures: list[tuple[str, Casualty]] = field(default_factory=list)  # (headline, killed)
    lat: Optional[float] = None  # UCDP's point, admin-1 and geo_precision (1 = exact)
    lon: Optional[float] = None
    admin1: Optional[str] = None
    geo_precision: Optional[int] = None
    # with --places: the Place each figure was put at (parallel to ``figures``)
    figure_places: list[Optional[Place]] = field(default_factory=list)
    violence: Optional[str] = None  # UCDP's type: "state-based", "non-state", "one-sided"


def headline_total(casualties: list[Casualty]) -> Optional[int]:
    values = [c.count_best if c.count_best is not None else c.count_low
              for c in casualties if c.outcome == "killed" and c.qualifier != "vague"]
    values = [v for v in values if v]
    return sum(values) if values else None


def allowed_categories(deaths: dict) -> set[str]:
    allowed = set()
    if deaths.get("side_a") or deaths.get("side_b"):
        allowed |= {"military", "official"}
    if deaths.get("civilians"):
        allowed.add("civilian")
    if deaths.get("unknown"):
        allowed.add("unknown")
    return allowed


def allowed_sides(event: EventResult, parties) -> set[str]:
    sides = set()
    if event.deaths.get("side_a"):
        sides.add(parties.side_of("ukraine"))
    if event.deaths.get("side_b"):
        pid = parties.match(event.side_b)
        if pid:
            sides.add(parties.side_of(pid))
    return sides


def column_scores(events: list[EventResult], parties) -> dict[str, tuple[int, int]]:
    """Per UCDP column (side_a, side_b, civilians), over the events with a killed figure and
    deaths in that column: how many have a figure whose victims are that column's (side_a /
    side_b: a party on that side; civilians: civilian victims). A blank party or category is a
    miss. Returns column -> (hits, events)."""
    out = {}
    for column in ("side_a", "side_b", "civilians"):
        hits = n = 0
        for ev in events:
            if ev.killed is None or not ev.deaths.get(column):
                continue
            n += 1
            if column == "civilians":
                hits += any(c.victim == "civilian" for _, c in ev.figures)
                continue
            side = (parties.side_of("ukraine") if column == "side_a"
                    else parties.side_of(parties.match(ev.side_b) or ""))
            hits += any(c.party is not None and parties.side_of(c.party) == side
                        for _, c in ev.figures)
        out[column] = (hits, n)
    return out


def run(path: str, limit: Optional[int] = None, nlp=None, parties=None,
        places: bool = False, gazetteer=None, regions=None) -> list[EventResult]:
    """Extract every event's headlines; ``places=True`` geoparses them first (the pipeline's
    place component, the gazetteer and the boundary join) so figures get real places."""
    from geo.events import extract_events
    from geo.nlp import load_base
    from geo.parties import load_parties

    parties = parties or load_parties()
    if places:
        from geo.places import add_place_component, find_places, load_gazetteer, load_regions

        gazetteer = gazetteer or load_gazetteer()
        regions = regions or load_regions()
        nlp = add_place_component(nlp or load_base(), gazetteer)
    nlp = nlp or load_base()
    events: list[EventResult] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            events.append(EventResult(rec["id"], list(rec.get("headlines") or []),
                                      rec["deaths"], rec.get("side_b") or "", rec.get("date"),
                                      lat=rec.get("lat"), lon=rec.get("lon"),
                                      admin1=rec.get("admin1"),
                                      geo_precision=rec.get("geo_precision"),
                                      violence=rec.get("event_type")))
            if limit and len(events) >= limit:
                break
    # a headline listed twice for one event is one report
    # "UPDATE 1-", "WRAPUP 2-" are wire markup, not text
    texts = [(i, WIRE_PREFIX.sub("", h)) for i, ev in enumerate(events)
             for h in dict.fromkeys(ev.headlines) if h.strip()]
    docs = nlp.pipe([h for _, h in texts], batch_size=256)
    for (i, headline), doc in zip(texts, docs):
        ev = events[i]
        art = Article(id=f"{ev.id}", text=headline, date=ev.date)
        found = find_places(doc, art, gazetteer=gazetteer, regions=regions) if places else []
        casualties, _ = extract_events(doc, art, found, parties=parties)
        killed = [c for c in casualties if c.outcome == "killed"]
        ev.figures.extend((headline, c) for c in killed)
        ev.figure_places.extend(_place_of(c, found) for c in killed)
        total = headline_total(killed)
        if total is not None and (ev.killed is None or total > ev.killed):
            ev.killed = total
    return events


def _place_of(c: Casualty, places: list[Place]) -> Optional[Place]:
    """The Place a figure was put at (same coordinates and name)."""
    if c.lat is None:
        return None
    same = [p for p in places if p.lat == c.lat and p.lon == c.lon]
    return next((p for p in same if c.place in (p.resolved_name, p.name)), same[0] if same
                else None)


_UNIT_WORDS = re.compile(r"\b(oblast|oblasti|region|province|special republican|municipality|"
                         r"misto)\b")


def admin1_key(name: Optional[str], regions=None, country_code: str = "UA") -> Optional[str]:
    """A Natural Earth admin-1 code for an admin-1 name in any of the spellings at hand:
    UCDP's "Donetsk oblast", "Kiev Special Republican city", NE's "Donets'k", "Kiev City",
    the gazetteer's "Donetsk Oblast"; the name itself (normalised) when no row matches."""
    if not name:
        return None
    from geo.places import name_key

    def strip(text: str) -> str:
        return " ".join(_UNIT_WORDS.sub(" ", name_key(text)).split())

    key = strip(name)
    if regions is None:
        return key
    table = _admin1_table(id(regions), regions, country_code)
    return table.get(key, key)


_ADMIN1_TABLES: dict = {}


def _admin1_table(rid: int, regions, country_code: str) -> dict[str, str]:
    from geo.places import name_key, split_names

    cached = _ADMIN1_TABLES.get((rid, country_code))
    if cached is not None:
        return cached
    table: dict[str, str] = {}
    rows = regions.admin1[regions.admin1["iso_a2"] == country_code]
    for row in rows.itertuples(index=False):
        for n in [row.name, *split_names(row.name_alt)]:
            key = " ".join(_UNIT_WORDS.sub(" ", name_key(n)).split())
            table.setdefault(key, row.adm1_code)
    _ADMIN1_TABLES[(rid, country_code)] = table
    return table


def _scored(c: Casualty) -> bool:
    return c.count_best is not None or c.count_low is not None


def _placed_figures(events: list[EventResult]):
    """(event, headline, figure, place, km to UCDP's point or None, headline shared?) for
    every scored killed figure of the events that state one."""
    from geo.places import haversine_km

    headline_events = Counter(h for ev in events for h in set(ev.headlines))
    for ev in events:
        if ev.killed is None:
            continue
        for (headline, c), place in zip(ev.figures, ev.figure_places):
            if not _scored(c):
                continue
            km = (haversine_km(c.lat, c.lon, ev.lat, ev.lon)
                  if c.lat is not None and ev.lat is not None else None)
            yield ev, headline, c, place, km, headline_events[headline] != 1


def place_score(events: list[EventResult], regions=None) -> dict:
    """Where the scored killed figures were placed against the events' UCDP points."""
    n = no_place = 0
    near50 = n50 = near161 = n161 = same_a1 = n_a1 = 0
    u161 = un161 = 0  # headlines no other event shares
    for ev, _, c, place, km, shared in _placed_figures(events):
        n += 1
        if c.lat is None:
            no_place += 1
            continue
        if km is None:
            continue
        n161 += 1
        near161 += km <= 161
        if not shared:
            un161 += 1
            u161 += km <= 161
        if ev.geo_precision is not None and ev.geo_precision <= 2:
            n50 += 1
            near50 += km <= 50
        if ev.admin1:
            n_a1 += 1
            mine = place.admin1 if place is not None and place.precision != "country" else None
            same_a1 += mine is not None and admin1_key(mine, regions) == admin1_key(
                ev.admin1, regions)
    return {
        "figures": n, "no_place": no_place, "with_place": n - no_place,
        "within_50km": near50 / n50 if n50 else 0.0, "scored_50km": n50, "near_50km": near50,
        "within_161km": near161 / n161 if n161 else 0.0, "scored_161km": n161,
        "near_161km": near161,
        "within_161km_unshared": u161 / un161 if un161 else 0.0, "scored_unshared": un161,
        "same_admin1": same_a1 / n_a1 if n_a1 else 0.0, "scored_admin1": n_a1,
        "same_admin1_n": same_a1,
    }


def actor_scores(events: list[EventResult], parties) -> dict:
    """Who acted and the event's type against UCDP's coding, over the killed figures: how many
    name an actor (a party, or words only); of those with a party, how many are one of the
    event's two sides and not the victims' own side; of the typed figures of one-sided events
    (an armed group against civilians), how many are not typed a battle; of the typed figures
    of state-based events, how many are a battle or explosions/remote violence."""
    n = with_text = with_party = actor_ok = typed = 0
    one_sided = one_sided_ok = state = state_ok = 0
    for ev in events:
        sides = {parties.side_of("ukraine")}
        if parties.match(ev.side_b):
            sides.add(parties.side_of(parties.match(ev.side_b)))
        for _, c in ev.figures:
            n += 1
            with_text += c.actor_text is not None or c.actor is not None
            if c.actor is not None:
                with_party += 1
                side = parties.side_of(c.actor)
                actor_ok += side in sides and (c.party is None or parties.side_of(c.party) != side)
            if c.event_type is None:
                continue
            typed += 1
            if ev.violence == "one-sided":
                one_sided += 1
                one_sided_ok += c.event_type != "battles"
            elif ev.violence == "state-based":
                state += 1
                state_ok += c.event_type in ("battles", "explosions")
    return {"figures": n, "with_actor": with_text, "with_actor_party": with_party,
            "actor_party_ok": actor_ok, "typed": typed, "one_sided": one_sided,
            "one_sided_ok": one_sided_ok, "state_based": state, "state_based_ok": state_ok}


def score(events: list[EventResult], parties) -> dict:
    headline_events = Counter(h for ev in events for h in set(ev.headlines))
    stated = [ev for ev in events if ev.killed is not None]
    cat_ok = cat_n = party_ok = party_n = party_missing = named_ok = named_n = 0
    for ev in stated:
        allowed = allowed_categories(ev.deaths)
        sides = allowed_sides(ev, parties)
        for _, c in ev.figures:
            if c.count_best is None and c.count_low is None:
                continue
            cat_n += 1
            cat_ok += c.victim in allowed
            if c.victim != "unknown":
                named_n += 1
                named_ok += c.victim in allowed
            if c.victim in ("military", "official") and sides:
                if c.party is None:
                    party_missing += 1
                else:
                    party_n += 1
                    party_ok += parties.side_of(c.party) in sides
    exact = [ev for ev in stated if ev.killed == ev.deaths["best"]]
    within = [ev for ev in stated
              if abs(ev.killed - ev.deaths["best"]) <= 0.2 * max(ev.deaths["best"], 1)]
    mismatched = [ev for ev in stated if ev.killed != ev.deaths["best"]]
    split = [ev for ev in mismatched if ev.killed > ev.deaths["best"]
             and any(headline_events[h] > 1 for h in ev.headlines)]
    ratio = [ev.killed / ev.deaths["best"] for ev in stated if ev.deaths["best"]]
    unshared = [ev for ev in stated if all(headline_events[h] == 1 for h in ev.headlines)]
    # a figure over a period ("over past week", "in 24 hours", "this year") that UCDP codes
    # day by day or place by place
    period = [ev for ev in mismatched if ev.id not in {e.id for e in split}
              and any(PERIOD.search(h) for h, _ in ev.figures)]
    return {
        "events": len(events),
        "events_with_figure": len(stated),
        "figures": cat_n,
        "category_agreement": cat_ok / cat_n if cat_n else 0.0,
        "category_agreement_named": named_ok / named_n if named_n else 0.0,
        "figures_named": named_n,
        "party_agreement": party_ok / party_n if party_n else 0.0,
        "party_scored": party_n,
        "party_missing": party_missing,
        "killed_exact": len(exact) / len(stated) if stated else 0.0,
        "killed_within_20pct": len(within) / len(stated) if stated else 0.0,
        "median_ratio": statistics.median(ratio) if ratio else None,
        "mismatches": len(mismatched),
        "mismatch_over_shared_headline": len(split),
        "mismatch_over": sum(ev.killed > ev.deaths["best"] for ev in mismatched),
        "mismatch_under": sum(ev.killed < ev.deaths["best"] for ev in mismatched),
        "killed_exact_unshared": (sum(ev.killed == ev.deaths["best"] for ev in unshared)
                                  / len(unshared)) if unshared else 0.0,
        "events_unshared": len(unshared),
        "mismatch_period_figure": len(period),
        "_split_ids": {ev.id for ev in split},
    }


def _fmt(c: Casualty) -> str:
    return (f"{c.outcome} {c.count_best if c.count_best is not None else c.vague_word} "
            f"{c.qualifier} {c.victim} party={c.party} by={c.reported_by}")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m geo.evaluate events", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--examples", type=int, default=8, help="mismatch examples to print")
    ap.add_argument("--errors", default=None, help="write every mismatch as JSONL here")
    ap.add_argument("--model", default=None, help="spaCy model name (default: geo.nlp's)")
    ap.add_argument("--places", action="store_true",
                    help="geoparse the headlines and score where the killed figures are placed")
    ap.add_argument("--place-errors", default=None,
                    help="with --places: write every figure placed over 50 km from UCDP's "
                         "point (or with no place) as JSONL here")
    args = ap.parse_args(argv)

    from geo.parties import load_parties

    parties = load_parties()
    nlp = None
    if args.model:
        import spacy

        nlp = spacy.load(args.model)
    regions = None
    if args.places:
        from geo.places import load_regions

        regions = load_regions()
    events = run(args.file, args.limit, nlp=nlp, parties=parties, places=args.places,
                 regions=regions)
    s = score(events, parties)
    print(f"events: {s['events']}   with a killed figure in a headline: "
          f"{s['events_with_figure']} ({s['events_with_figure'] / max(s['events'], 1):.1%})")
    print(f"figures scored: {s['figures']}")
    print(f"victim category agrees with a non-zero UCDP column: {s['category_agreement']:.1%}"
          f" of all figures; {s['category_agreement_named']:.1%} of the {s['figures_named']}"
          f" whose headline names the victims (not 'unknown')")
    print(f"victim party agrees (by side) with a non-zero side column: "
          f"{s['party_agreement']:.1%} of {s['party_scored']} military/official figures with "
          f"a party; {s['party_missing']} without a party")
    columns = column_scores(events, parties)
    shares = [hits / n for hits, n in columns.values() if n]
    print("victims' side per UCDP column, a blank party or category counted as a miss: "
          + ", ".join(f"{col} {hits / n:.1%} of {n}" for col, (hits, n) in columns.items() if n)
          + f"; macro-average {sum(shares) / len(shares):.1%}" if shares else "")
    a = actor_scores(events, parties)
    print(f"actors: {a['with_actor']} of {a['figures']} killed figures name one, "
          f"{a['with_actor_party']} a party; the party is one of the event's sides and not "
          f"the victims': {a['actor_party_ok']} of {a['with_actor_party']}. Event types: "
          f"{a['typed']} typed; not 'battles' on one-sided events {a['one_sided_ok']} of "
          f"{a['one_sided']}; battles or explosions on state-based events "
          f"{a['state_based_ok']} of {a['state_based']}")
    print(f"killed == UCDP best: {s['killed_exact']:.1%}   within 20 %: "
          f"{s['killed_within_20pct']:.1%}   median extracted/best: {s['median_ratio']}")
    print(f"count mismatches: {s['mismatches']} (over: {s['mismatch_over']}, under: "
          f"{s['mismatch_under']}); over-counts whose headline is shared with another event "
          f"(UCDP split): {s['mismatch_over_shared_headline']}")
    print(f"killed == UCDP best over the {s['events_unshared']} events whose headlines no other "
          f"event shares: {s['killed_exact_unshared']:.1%}; other mismatches whose headline "
          f"gives a figure over a period (week, 24 hours, month, year): "
          f"{s['mismatch_period_figure']}")
    if args.places:
        p = place_score(events, regions)
        print(f"places of the {p['figures']} scored killed figures: {p['no_place']} with no "
              f"place; within 50 km of UCDP's point: {p['within_50km']:.1%} "
              f"({p['near_50km']} of {p['scored_50km']}, UCDP geo_precision <= 2); within "
              f"161 km: {p['within_161km']:.1%} ({p['near_161km']} of {p['scored_161km']}; "
              f"{p['within_161km_unshared']:.1%} of {p['scored_unshared']} on headlines no "
              f"other event shares); same admin-1: {p['same_admin1']:.1%} "
              f"({p['same_admin1_n']} of {p['scored_admin1']})")
        if args.place_errors:
            _write_place_errors(args.place_errors, events)
    stated = [ev for ev in events if ev.killed is not None]
    mism = [ev for ev in stated if ev.killed != ev.deaths["best"]]
    if args.examples:
        print("\nexamples of count mismatches (not shared headlines first):")
        ordered = sorted(mism, key=lambda ev: ev.id in s["_split_ids"])
        for ev in ordered[:args.examples]:
            print(f"- {ev.id} UCDP best={ev.deaths['best']} {ev.deaths} extracted={ev.killed}")
            for h, c in ev.figures:
                print(f"    {h!r}: {_fmt(c)}")
    if args.errors:
        with open(args.errors, "w", encoding="utf-8") as fh:
            for ev in mism:
                fh.write(json.dumps({
                    "id": ev.id, "deaths": ev.deaths, "side_b": ev.side_b, "killed": ev.killed,
                    "shared_headline": ev.id in s["_split_ids"], "headlines": ev.headlines,
                    "figures": [{"headline": h, "figure": _fmt(c)} for h, c in ev.figures],
                }, ensure_ascii=False) + "\n")
    return 0


def _write_place_errors(path: str, events: list[EventResult]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for ev, headline, c, place, km, shared in _placed_figures(events):
            if km is not None and round(km) <= 50:
                continue
            fh.write(json.dumps({
                "id": ev.id, "headline": headline, "figure": _fmt(c), "place": c.place,
                "precision": place.precision if place is not None else None,
                "km": None if km is None else round(km),
                "ucdp": [ev.admin1, ev.geo_precision, ev.lat, ev.lon],
                "shared_headline": shared,
            }, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
