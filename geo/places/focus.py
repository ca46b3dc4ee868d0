"""An article's focus: the countries it is about, as the resolver and the context finder
read them (the countries it names; those of the towns it confidently places)."""
from __future__ import annotations

from collections import Counter

from geo.places.gazetteer import confidence
from geo.places.geodesy import haversine_km
from geo.places.names import normalize
from geo.records import Place


class CountriesBySense:
    """The countries of the names' best senses that ``accepts``, each with the senses that
    put it there: the countries the *other* names say, for each name, without another pass
    over all the names per name (an article of 8,000 names stays linear)."""

    def __init__(self, first, senses, accepts):
        self.senses, self.accepts = senses, accepts
        self.by_country: dict[str, Counter] = {}
        for k, ranked in first.items():
            self.count(k, ranked, 1)

    def count(self, k: str, ranked, n: int) -> None:
        top = ranked[0][1]
        if top.country_code and self.accepts(ranked):
            senses = self.by_country.setdefault(top.country_code, Counter())
            senses[self.senses.get(k)] += n
            if senses[self.senses.get(k)] <= 0:
                del senses[self.senses.get(k)]

    def other_than(self, k: str) -> set[str]:
        own = self.senses.get(k)
        return {cc for cc, senses in self.by_country.items()
                if any(n > 0 and sense != own for sense, n in senses.items())}


def a_country(ranked) -> bool:
    """The countries the article names: only countries named as such. A US local story
    rarely says 'United States', and its towns must not open the door to every US namesake
    of a word. A region of one country names it too ('southern Syria', 'Donbas')."""
    top = ranked[0][1]
    return top.feature == "country" or (top.feature == "region" and bool(top.country_code))


def confidently_local(ranked) -> bool:
    """Names that are confidently towns or provinces."""
    return ranked[0][1].feature in ("city", "admin1", "admin2") and confidence(ranked) >= 0.6


# A country whose towns the article places under this many names is a country it is about,
# named or not (a SANA report names Daraa, Hama and Homs, never 'Syria').
PLACED_NAMES_OF_A_COUNTRY = 2


def article_countries(places: list[Place]) -> set[str]:
    """Countries the article names (see ``_focus``), and those of which it places towns or
    provinces under PLACED_NAMES_OF_A_COUNTRY distinct names or more."""
    named = {p.country_code for p in places
             if p.country_code and p.precision in ("country", "region")}
    names: dict[str, set[str]] = {}
    for p in places:
        if p.country_code and p.precision in ("city", "admin1", "admin2"):
            names.setdefault(p.country_code, set()).add(normalize(p.name))
    return named | {cc for cc, n in names.items() if len(n) >= PLACED_NAMES_OF_A_COUNTRY}


# A variant key matches many villages: a small town found by one only counts near the other
# towns the article places ('Midan', a district of Damascus, is no 'Ma‘dān' 390 km away).
VARIANT_TOWN_KM = 150.0
VARIANT_TOWN_POPULATION = 50_000


def far_variant_towns(chosen: dict, by_variant: set[str]) -> set[str]:
    """Names in ``by_variant`` whose chosen sense (``chosen``: name -> (candidate, conf)) is a
    small town farther than VARIANT_TOWN_KM from every other town chosen; none when the
    article places no other town."""
    towns = {k: c for k, (c, _) in chosen.items() if c.feature == "city"}
    out = set()
    for k in by_variant:
        c = towns.get(k)
        if c is None or c.population >= VARIANT_TOWN_POPULATION:
            continue
        others = [o for kk, o in towns.items() if kk != k and o.gazetteer_id != c.gazetteer_id]
        if others and all(haversine_km(c.lat, c.lon, o.lat, o.lon) > VARIANT_TOWN_KM
                          for o in others):
            out.add(k)
    return out
