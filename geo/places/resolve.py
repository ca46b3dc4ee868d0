"""Resolving an article's mentions: one sense per name per article.

Each name's gazetteer candidates are ranked by feature, population and the article's context
(countries and admin-1 units the other names say); 'Town, State' pairs are resolved together;
towns and US counties are re-ranked by how near they are to the other names' likely towns and
counties; then a few sense rules (a province's capital, a state's small namesake town, a
national capital named like a far state). A county with no gazetteer entry goes to the
article's main town in the state its other places are in. ``find_places`` runs the whole of it.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from difflib import SequenceMatcher
from typing import Optional

import numpy as np
from spacy.tokens import Doc

from geo.nlp import doc_text
from geo.places.gazetteer import Candidate, Context, Gazetteer, confidence, rank
from geo.places.geodesy import haversine_km, pairs_within_km
from geo.places.capitals import (capital_over_a_far_state,
                                 capital_unless_the_text_says_otherwise, lone_foreign_towns,
                                 state_in_a_list_of_states)
from geo.places.context import context_mentions
from geo.places.focus import (CountriesBySense, a_country, article_countries, confidently_local,
                              far_variant_towns)
from geo.places.lists import list_mentions
from geo.places.mentions import DETERMINER, Mention, find_mentions, lookup, nearby_mentions
from geo.places.names import normalize
from geo.places.variants import skeleton, variant_candidates
from geo.places.words import GENERIC
from geo.places.regions import Regions, bundled_regions, tag_places
from geo.records import Article, Place

_CONTAINED = re.compile(r"^\s*,\s*$")
CONTAINED_MARGIN = 1.0  # how far a 'Town, State' pair is put ahead of the names' other senses
CONTAINED_KM = 60.0  # a town 'in' a county: this close to the county's point


def _inside(a: Candidate, b: Candidate) -> bool:
    """``a`` lies in ``b`` (by codes for countries and states, by distance below that)."""
    if a.feature not in LOCAL_FEATURES or a.feature == b.feature:
        return False  # 'Columbus, Dayton and Cincinnati' is a list of towns
    if b.feature == "country":
        return a.country_code == b.country_code
    if b.feature == "admin1":
        return bool(a.admin1_code) and a.admin1_code == b.admin1_code
    if b.feature == "admin2":
        return haversine_km(a.lat, a.lon, b.lat, b.lon) <= CONTAINED_KM
    return False


def _contained_pairs(ranked: dict[str, list[tuple[float, Candidate]]],
                     containers: dict[str, list[str]]) -> None:
    """'Athens, Georgia': of all (town, container) sense pairs, the best-scoring one where the
    town lies in the container wins both names, even when each name alone prefers another
    sense (Athens in Greece, Georgia the country). In place; no consistent pair, no change."""
    for a, bs in containers.items():
        for b in bs:
            if a not in ranked or b not in ranked or a == b:
                continue
            if ranked[a][0][1].feature not in LOCAL_FEATURES:
                continue  # 'China, Japan and Korea', 'Illinois, Missouri': a list
            best = None
            for sa, ca in ranked[a]:
                for sb, cb in ranked[b]:
                    if (best is None or sa + sb > best[0]) and _inside(ca, cb):
                        best = (sa + sb, ca, cb)
            if best is not None:
                ranked[a] = _promote(ranked[a], best[1])
                ranked[b] = _promote(ranked[b], best[2])


def _promote(ranked: list[tuple[float, Candidate]], c: Candidate) -> list[tuple[float, Candidate]]:
    if ranked[0][1] is c:
        return ranked
    top = ranked[0][0] + CONTAINED_MARGIN
    return [(top, c)] + [(s, x) for s, x in ranked if x is not c]


def _in_a_list_of_towns(prev: Optional[Mention], a: Mention, first) -> bool:
    """``a`` follows a town with a comma and is a town itself: 'Kherson, Mykolaiv, Lviv' is a
    list, Lviv no container of Mykolaiv ('Hadrut, Nagorno-Karabakh, Azerbaijan' still is)."""
    if prev is None or not _contained_by(prev, a):
        return False
    for m in (prev, a):
        k = normalize(m.text)
        ranked = first.get(k)
        # a town, or a province named after its main city ('Kharkiv'): news means the city
        if not ranked or (ranked[0][1].feature not in LOCAL_FEATURES
                          and (m.says_unit or _capital_pair(k, ranked) is None)):
            return False
    return True


def _contained_by(a: Mention, b: Mention) -> bool:
    gap = b.start - a.end
    return 0 < gap <= len(a.after) and bool(_CONTAINED.match(a.after[:gap]))


MAX_CANDIDATES = 25  # per name, best first, for the proximity pass
LOCAL_FEATURES = ("city", "admin2")  # what the proximity pass moves: towns and counties
PROXIMITY_KM = 150.0
# Closer is stronger evidence: a county and its seat, a town and its neighbour (Huntsville and
# Walker County, Texas, 0 km, beat Huntsville, Alabama and Walker County, Alabama, 100 km).
PROXIMITY_CLOSE_KM = 40.0  # full support within this distance
PROXIMITY_FAR = 0.5  # support per name between PROXIMITY_CLOSE_KM and PROXIMITY_KM
PROXIMITY_WEIGHT = 1.0  # score (log-population units) per fully supporting other name
PROXIMITY_CAP = 2.0  # at most this many names' worth of support
PROXIMITY_ROUNDS = 2


def _with_proximity(ranked: dict[str, list[tuple[float, Candidate]]]
                    ) -> dict[str, list[tuple[float, Candidate]]]:
    """Re-rank each name's towns by how much the article's *other* names support them: how
    plausibly another name means a town within PROXIMITY_KM. Only towns count (the point
    of a country or a province says little about a town's distance to it); counties count
    and are moved like towns ('Athens' with 'Clarke County' is the one in Georgia)."""
    keys = [k for k, r in ranked.items() if r]
    # Towns called by their own name; a name whose best sense is a country stays a country.
    rows = [(i, j) for i, k in enumerate(keys) for j, (_, c) in enumerate(ranked[k])
            if c.feature in LOCAL_FEATURES and not c.alternate]
    if len(keys) < 2 or not rows:
        return ranked
    owner = np.array([i for i, _ in rows])
    lat = np.array([ranked[keys[i]][j][1].lat for i, j in rows])
    lon = np.array([ranked[keys[i]][j][1].lon for i, j in rows])
    gids = np.array([ranked[keys[i]][j][1].gazetteer_id for i, j in rows])
    # the pairs of candidate towns within PROXIMITY_KM (a sparse list, not a matrix of every
    # pair: an article naming 8,000 towns has 100 million pairs, few of them near)
    near_r, near_c, km = pairs_within_km(lat, lon, PROXIMITY_KM)
    # support comes from other names only, and from other places ('Santa Ana City Council')
    keep = (owner[near_r] != owner[near_c]) & (gids[near_r] != gids[near_c])
    near_r, near_c, km = near_r[keep], near_c[keep], km[keep]
    # Full support within PROXIMITY_CLOSE_KM (a county and its seat), less out to PROXIMITY_KM.
    weight = np.where(km <= PROXIMITY_CLOSE_KM, 1.0, PROXIMITY_FAR)
    # grouped by (town, other name): its support from a name is that name's best town near it
    order = np.lexsort((owner[near_c], near_r))
    near_r, near_c, weight = near_r[order], near_c[order], weight[order]
    group = near_r * len(keys) + owner[near_c]
    starts = (np.flatnonzero(np.concatenate(([True], group[1:] != group[:-1])))
              if len(group) else np.zeros(0, dtype=int))
    current = {k: list(r) for k, r in ranked.items()}
    base = {k: [s for s, _ in r] for k, r in ranked.items()}
    for _ in range(PROXIMITY_ROUNDS):
        probs = {k: _plausibility(current[k]) for k in keys}
        prob = np.array([probs[keys[i]][ranked[keys[i]][j][1].gazetteer_id] for i, j in rows])
        # support[r] = sum over other names n of the most plausible of n's towns near r
        support = np.zeros(len(rows))
        if len(starts):
            best = np.maximum.reduceat(weight * prob[near_c], starts)
            np.add.at(support, near_r[starts], best)
        support = np.minimum(support, PROXIMITY_CAP)
        bonus: dict[tuple[int, int], float] = {rc: PROXIMITY_WEIGHT * s
                                               for rc, s in zip(rows, support)}
        for i, k in enumerate(keys):
            if ranked[k][0][1].feature in ("country", "continent"):
                continue
            scored = [(base[k][j] + bonus.get((i, j), 0.0), c)
                      for j, (_, c) in enumerate(ranked[k])]
            current[k] = sorted(scored, key=lambda sc: (-sc[0], sc[1].gazetteer_id))
    return current


def _plausibility(ranked: list[tuple[float, Candidate]]) -> dict[str, float]:
    """Each sense's likelihood relative to the name's best one (1.0 for the best), not a
    probability normalised over the senses: 'Henry County' has six equal senses, and the one
    in Tennessee must still fully support 'Paris, Tennessee' (normalised it gave 1/6, and
    'Paris and Henry County' stayed in France). Gold spans: LGL acc@161 84.6 -> 86.5 %,
    GeoVirus 85.5 -> 85.6 %."""
    return {c.gazetteer_id: math.exp(2.0 * (s - ranked[0][0])) for s, c in ranked}


# A province and its capital often share a name ('Donetsk', 'Kharkiv', 'Aleppo', 'Kandahar');
# the admin-1 unit outscores the city, but news mostly means the city. A city that shares the
# unit's name, lies within CAPITAL_KM of its label point and has CAPITAL_MIN_POPULATION
# people swaps scores with the unit, unless the text says 'region'/'oblast'/'province'...
# Spelling variants among the city's alternate names count ('Odessa' for Odesa); longer
# names do not ('New York' is no alternate of New York City here, nor 'Oklahoma').
CAPITAL_KM = 100.0
CAPITAL_MIN_POPULATION = 50_000
CAPITAL_SPELLING = 0.8  # SequenceMatcher ratio of an alternate name to the city's own name
# Exonyms of big cities are alternate names of any spelling ('Kiev' for Kyiv); the distance
# test still keeps 'New York' (298 km from the state's label point) the state.
CAPITAL_EXONYM_POPULATION = 1_000_000


def _capital_pair(key: str, ranked: list[tuple[float, Candidate]]
                  ) -> Optional[tuple[Candidate, Candidate]]:
    """(admin-1 unit, its same-named main city) when the best sense is one of them."""
    units = [c for _, c in ranked if c.feature == "admin1"]
    if not units or ranked[0][1].feature not in ("admin1", "city"):
        return None
    unit = units[0]
    name = GENERIC.sub("", key).strip() or key
    for _, c in ranked:
        if (c.feature == "city" and c.population >= CAPITAL_MIN_POPULATION
                and (not c.alternate or c.population >= CAPITAL_EXONYM_POPULATION
                     or SequenceMatcher(None, normalize(c.name), name).ratio()
                     >= CAPITAL_SPELLING or skeleton(c.name) == skeleton(name))
                and haversine_km(unit.lat, unit.lon, c.lat, c.lon) <= CAPITAL_KM):
            top = ranked[0][1]
            return (unit, c) if top is unit or top is c else None
    return None


def _prefer_capital(ranked: list[tuple[float, Candidate]], pair: tuple[Candidate, Candidate]
                    ) -> list[tuple[float, Candidate]]:
    """The city takes the unit's score and the unit the city's (confidence is unchanged)."""
    unit, city = pair
    if ranked[0][1] is not unit:
        return ranked
    scores = {id(c): s for s, c in ranked}
    swap = {id(unit): scores[id(city)], id(city): scores[id(unit)]}
    return sorted(((swap.get(id(c), s), c) for s, c in ranked),
                  key=lambda sc: (-sc[0], sc[1].gazetteer_id))


# A small town named like an admin-1 unit of its own country ('California, Pennsylvania',
# 'Oregon, Ohio', 'Indiana, Pennsylvania') collects that country's context and the support of
# other states' towns, yet a bare state name in the text is the state. Cities this big or
# bigger keep their sense (Washington DC is also 'Washington').
STATE_NAMESAKE_MAX_POPULATION = 100_000


def _state_of_the_same_name(chosen: Candidate, cands: list[Candidate]) -> Optional[Candidate]:
    """The admin-1 unit of ``chosen``'s country called by the same name, when ``chosen`` is a
    small town (not written 'Town, State', not the unit's capital: callers check)."""
    if chosen.feature not in LOCAL_FEATURES or chosen.population >= STATE_NAMESAKE_MAX_POPULATION:
        return None
    for c in cands:
        if c.feature == "admin1" and not c.alternate and c.country_code == chosen.country_code:
            return c
    return None


_COUNTY = re.compile(r"^(?:the\s+)?(.+?)\s+(?:county|parish|co\.?)$", re.IGNORECASE)


def _place_counties(mentions, keys, by_key, chosen, counts, gazetteer) -> set[str]:
    """'Laurel County': the gazetteer has no counties, and the biggest town called Laurel is
    usually in another state. Put a county in the state the article's other places are in: at
    the article's main town in that state (local news is about a town and the county around it),
    else at its namesake town there. Returns the keys placed so (precision 'admin2')."""
    county_keys = {k for k, m in zip(keys, mentions)
                   if k in chosen and _COUNTY.match(m.text) and not gazetteer.candidates(m.text)}
    placed = set()
    for k in county_keys:
        states: Counter = Counter()
        towns: dict[str, list[tuple[float, Candidate]]] = {}
        # Only states of a country that has a town of the county's name ('Franklin County'
        # is not in Ireland even when the article's 'Dublin' went there).
        countries = {c.country_code for c in by_key[k] if c.feature == "city"}
        for kk, (c, conf) in chosen.items():
            if kk in county_keys or c.feature not in ("city", "admin1") or not c.admin1_code:
                continue
            if countries and c.country_code not in countries:
                continue
            states[c.admin1_code] += counts[kk]
            if c.feature == "city":
                towns.setdefault(c.admin1_code, []).append((counts[kk] + conf, c))
        if not states:
            continue
        state = states.most_common(1)[0][0]
        namesakes = [c for c in by_key[k]
                     if c.feature == "city" and c.admin1_code == state and not c.alternate]
        main = max(towns.get(state, []), key=lambda t: t[0], default=None)
        if main is not None:
            pick = main[1]
        elif namesakes:
            pick = max(namesakes, key=lambda c: c.population)
        else:
            continue
        chosen[k] = (pick, 0.5)
        placed.add(k)
    return placed


# A town this small in a country the article is not about is more likely a variant spelling
# of a local place than a foreign namesake ('Karima' in Hama, not Kuraymah in Sudan).
FOREIGN_TOWN_MAX_POPULATION = 100_000
_PART_OF_TOWN = re.compile(r"^\s+(?:neighbo|quarter|distri|suburb)",
                           re.IGNORECASE)
PART_OF_TOWN_KEY = " (part of a town)"


def _weight(contrib, country: str) -> int:
    return sum(countries.count(country) for countries, _ in contrib.values())


def _foreign_town_doubtful(cands: list[Candidate], m: Mention) -> bool:
    """Every sense of the name is a small town known by that name only as an alternate (or
    the text calls it part of a town), so a sense abroad is no better than none."""
    if _PART_OF_TOWN.match(m.after + " "):
        return True
    # Alternate names only: a town called so in its own right keeps its sense (LGL).
    return all(c.feature == "city" and c.population < FOREIGN_TOWN_MAX_POPULATION
               and c.alternate for c in cands)


def resolve_mentions(mentions: list[Mention], gazetteer: Gazetteer) -> list[Place]:
    """One sense per name per article, ranked with the other names as context."""
    # 'the Syria quarter' (of Aleppo) is another place than 'Syria': a name the text calls
    # part of a town is resolved on its own, never for the name's other mentions
    keys = [normalize(m.text) + (PART_OF_TOWN_KEY if _PART_OF_TOWN.match(m.after + " ") else "")
            for m in mentions]
    of_key: dict[str, list[Mention]] = {}  # each name's mentions, in reading order
    for k, m in zip(keys, mentions):
        of_key.setdefault(k, []).append(m)
    by_key = {k: lookup(gazetteer, ms[-1].text) for k, ms in of_key.items()}
    restricted = {k: set().union(*(m.countries for m in ms))
                  for k, ms in of_key.items() if all(m.countries for m in ms)}
    for k, allowed in restricted.items():
        # a list item may be known by a variant spelling only: its list is its context
        bare = GENERIC.sub("", DETERMINER.sub("", k)).strip() or k
        by_key[k] = ([c for c in by_key[k] if c.country_code in allowed]
                     or variant_candidates(gazetteer, bare, allowed))

    senses = {k: frozenset(c.gazetteer_id for c in cands) for k, cands in by_key.items()}

    # Pass 1: context-free choice for every distinct name.
    first = {k: rank(c) for k, c in by_key.items() if c}
    counts = Counter(keys)
    contrib: dict[str, tuple[list[str], list[str]]] = {}
    for k, ranked in first.items():
        top = ranked[0][1]
        conf = confidence(ranked)
        countries, admin1 = [], []
        if top.feature in ("country", "admin1", "region") or conf >= 0.6:
            countries = [top.country_code] * counts[k]
        if top.feature == "admin1" or (top.feature in LOCAL_FEATURES and conf >= 0.6):
            admin1 = [top.admin1_code] * counts[k]
        contrib[k] = (countries, admin1)

    # A name the gazetteer does not know as written, or a part of a town ('the Alexandria
    # neighbourhood'), or a small town in a country the article is not about (Harbiye in
    # Turkey for a Syrian village 'Harbiyat'): only entries of the article's countries, and
    # by a transliteration variant of their names ('Raqa', 'Deir Ezzor', 'Hassakeh').
    named = CountriesBySense(first, senses, a_country)
    by_variant: set[str] = set()  # names placed by a transliteration variant only
    placed = CountriesBySense(first, senses, confidently_local)
    for k, m in zip(keys, mentions):
        focus = named.other_than(k)
        if not by_key[k]:
            # A name unknown as written ('Raqa' beside 'Raqqa and Tabqa'): the countries of
            # the towns placed around it are context enough for a variant spelling.
            focus |= placed.other_than(k)
        if not focus or k in restricted:
            continue
        cands = by_key[k]
        if _PART_OF_TOWN.match(m.after + " "):
            # A part of a town is in the article's main country, or unknown.
            focus = {max(sorted(focus), key=lambda c: _weight(contrib, c))}
            local = [c for c in cands if c.country_code in focus]
        elif any(c.country_code in focus for c in cands) or (
                cands and not _foreign_town_doubtful(cands, m)):
            continue
        else:
            local = []
        bare = GENERIC.sub("", DETERMINER.sub("", m.text)).strip() or m.text
        if not local:
            local = variant_candidates(gazetteer, bare, focus)
            by_variant.add(k)
        by_key[k] = local
        for index in (named, placed):
            if k in first:
                index.count(k, first[k], -1)
        if local:
            first[k] = rank(local)
            for index in (named, placed):
                index.count(k, first[k], 1)
        else:
            first.pop(k, None)
            contrib.pop(k, None)

    # 'Paris, Texas' / 'Hadrut, Azerbaijan': the name after the comma contains the one before;
    # it counts as much as three mentions elsewhere in the article.
    containers: dict[str, list[str]] = {}
    for prev, a, b in zip([None] + mentions, mentions, mentions[1:]):
        if _contained_by(a, b) and normalize(b.text) in first and not _in_a_list_of_towns(
                prev, a, first):
            containers.setdefault(normalize(a.text), []).append(normalize(b.text))

    # Pass 2: rank each name with what the *other* names say.
    second: dict[str, list[tuple[float, Candidate]]] = {}
    pairs: dict[str, tuple[Candidate, Candidate]] = {}  # name -> (admin-1 unit, its capital)
    # What all names say, less what a name's own sense says: linear, not a pass over the
    # other names per name.
    all_countries = Counter(c for cs, _ in contrib.values() for c in cs if c)
    all_admin1 = Counter(a for _, a1 in contrib.values() for a in a1 if a)
    same_sense: dict[frozenset, list[str]] = {}
    for kk in contrib:
        same_sense.setdefault(senses[kk], []).append(kk)
    for k, cands in by_key.items():
        if not cands:
            continue
        # Other names only: 'Santa Ana City Council' and 'City of Santa Ana' are 'Santa Ana'.
        countries, admin1 = Counter(all_countries), Counter(all_admin1)
        for kk in same_sense.get(senses[k], ()):
            countries.subtract(c for c in contrib[kk][0] if c)
            admin1.subtract(a for a in contrib[kk][1] if a)
        for kk in containers.get(k, ()):
            top = first[kk][0][1]
            countries[top.country_code] += 3
            if top.feature == "admin1":
                admin1[top.admin1_code] += 3
        ctx = Context({c: n for c, n in countries.items() if c and n > 0},
                      {a: n for a, n in admin1.items() if a and n > 0})
        second[k] = rank(cands, ctx)[:MAX_CANDIDATES]
        pair = _capital_pair(k, second[k])
        if pair is not None:
            pairs[k] = pair
            if not all(m.says_unit for m in of_key[k]):
                second[k] = _prefer_capital(second[k], pair)

    _contained_pairs(second, containers)

    # Pass 3: towns near the other names' likely towns ('Paris' with 'Reno' and 'Hugo' is the
    # one in Texas).
    chosen: dict[str, tuple[Candidate, float]] = {}
    for k, ranked in _with_proximity(second).items():
        chosen[k] = (ranked[0][1], confidence(ranked))

    for k, (c, conf) in list(chosen.items()):
        if k not in pairs and k not in containers:
            unit = _state_of_the_same_name(c, by_key[k])
            if unit is not None:
                chosen[k] = (unit, conf)

    capital_over_a_far_state(chosen, by_key, mentions, keys)
    state_in_a_list_of_states(chosen, by_key, mentions, keys)
    capital_unless_the_text_says_otherwise(chosen, by_key, containers)
    for k in lone_foreign_towns(chosen, containers) | far_variant_towns(chosen, by_variant):
        del chosen[k]

    counties = _place_counties(mentions, keys, by_key, chosen, counts, gazetteer)

    places = []
    for k, m in zip(keys, mentions):
        place = Place(name=m.text, start=m.start, end=m.end)
        if k in chosen:
            c, conf = chosen[k]
            if k in pairs and k not in counties and c in pairs[k]:
                # 'Donetsk region' / 'the province of Idlib': the unit; otherwise the city.
                c = pairs[k][0] if m.says_unit else c
            # A name the NER did not call a place is less certain.
            conf = conf * (0.8 if m.source in ("mislabel", "nearby") else 1.0)
            place.lat, place.lon = c.lat, c.lon
            place.precision = "admin2" if k in counties else c.precision
            place.country_code = c.country_code
            place.admin1 = c.admin1 if c.feature in ("city", "admin1") else None
            place.resolved_name = c.name
            place.gazetteer_id = c.gazetteer_id
            place.confidence = round(conf, 3)
        places.append(place)
    return places


def find_places(doc: Doc, article: Article, gazetteer: Gazetteer,
                regions: Optional[Regions] = None, join_regions: bool = True,
                parties="default") -> list[Place]:
    """Every toponym mention of ``article`` in reading order, resolved where possible.

    ``doc`` is the pipeline's output for ``article.text``; offsets index ``article.text``.
    Unresolved mentions are kept with precision 'unresolved'. Each resolved place gets its
    country, admin-1 unit and named region from ``regions`` (default: the bundled
    boundaries, ``bundled_regions()``) unless ``join_regions`` is False (the evaluations need
    coordinates only). ``parties`` (default: the bundled party table; None: none) keeps the
    place names inside organisation names ('Free Syrian Army') off the map.
    """
    if doc_text(doc) != article.text:
        raise ValueError("got a doc of different text, expected nlp(article.text)")
    if parties == "default":
        from geo.parties import load_parties

        parties = load_parties()
    mentions = find_mentions(doc, article, gazetteer, parties)
    places = resolve_mentions(mentions, gazetteer)
    extra = nearby_mentions(doc, article, mentions, places, gazetteer)
    extra += list_mentions(doc, article, mentions + extra, places, gazetteer, parties)
    towns = list(dict.fromkeys((p.lat, p.lon) for p in places
                               if p.precision in ("city", "admin2")))
    extra += context_mentions(doc, article, mentions + extra, article_countries(places),
                              gazetteer, parties, anchors=towns)
    if extra:
        mentions = sorted(mentions + extra, key=lambda m: m.start)
        places = resolve_mentions(mentions, gazetteer)
    if join_regions:
        regions = regions if regions is not None else bundled_regions()
        if regions is not None:
            tag_places(places, regions)
    return places
