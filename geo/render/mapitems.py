"""What the map draws, before any styling: one ``MapItem`` per marker (the rows of a map frame
aggregated per spot, kind and party), markers sharing a spot spread a few screen pixels
apart, which items are country- or region-level, and the view the items are framed in."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Optional

import pandas as pd

from geo.records import KINDS
from geo.render.popups import newest_first
from geo.render.styles import aggregate_casualty_style
from geo.report import clean

# Points that stand for a whole country or a named region (the item says "in Ukraine", "in
# Donbas"): drawn hollow with a dotted outline, so they do not read as a town.
COARSE_PRECISIONS = ("region", "country")
MIN_VIEW_DEG = 2.0  # never zoom closer than ~2 degrees across on fit (one spot: context)
# The kinds the page clusters (markers.js): place dots (7 px, grey, under the figures) are
# left as they are: they could be clustered too (add "place"), but they hardly clutter and a
# place's dot is where its name is checked
CLUSTER_KINDS = ("casualty", "claim")


@dataclass
class MapItem:
    """One marker: all casualty figures of one victims' side at one spot, all claims of one
    claimant at one spot, or all mentions of one place."""
    kind: str
    lat: float
    lon: float
    party: Optional[str]
    rows: list[dict] = field(default_factory=list)
    offset_of: int = 1  # how many markers share this spot (>1: drawn a few pixels apart)
    offset_px: tuple[int, int] = (0, 0)  # screen offset (x right, y down) from the true spot

    @property
    def row(self) -> dict:
        return self.rows[0]


def frame_rows(frame: Optional[pd.DataFrame]) -> list[dict]:
    """The frame's rows as dicts with missing values as None; checks the columns it needs."""
    if frame is None or len(frame) == 0:
        return []
    missing = {"kind", "lat", "lon"} - set(frame.columns)
    if missing:
        raise ValueError(f"map frame lacks columns {sorted(missing)}; expected records.MAP_COLUMNS")
    # missing values of every flavour (NaN, NA, NaT) as None, column-wise: fast on 10,000s
    plain = frame.astype(object)
    return plain.where(frame.notna(), None).to_dict("records")


def _coords(row: Mapping) -> Optional[tuple[float, float]]:
    try:
        lat, lon = float(row["lat"]), float(row["lon"])
    except (TypeError, ValueError, KeyError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def spot_key(lat: float, lon: float) -> tuple[float, float]:
    """Items whose coordinates agree to 4 decimals (~10 m) share a spot."""
    return round(lat, 4), round(lon, 4)


def map_items(rows: Iterable[Mapping], group_places: bool = True,
              aggregate: bool = True) -> tuple[list[MapItem], int]:
    """(items to draw, number of rows left out for want of coordinates).

    Co-located items are aggregated: one item per (spot, kind, party) - all casualty figures
    of one victims' side and outcome at one spot, all claims of one claimant - and one per (spot, place
    name) for place mentions, so a much-cited town is one dot. Aggregate rows are newest
    first. ``group_places``/``aggregate`` False: one item per place mention / per figure."""
    items: list[MapItem] = []
    groups: dict[tuple, MapItem] = {}
    unmapped = 0
    for row in rows:
        kind = row.get("kind")
        if kind not in KINDS:
            continue
        coords = _coords(row)
        if coords is None:
            unmapped += 1
            continue
        lat, lon = coords
        if kind == "place":
            party = None
            key = (*spot_key(lat, lon), kind, str(row.get("place") or "").lower())
            merge = group_places
        else:
            party = clean(row.get("party"))
            if kind == "claim" and party is None:
                party = clean(row.get("claimant"))
            # casualties: one marker per outcome too, as the outline shows the outcome
            outcome = clean(row.get("outcome")) if kind == "casualty" else None
            key = (*spot_key(lat, lon), kind, party, outcome)
            merge = aggregate
        if merge and key in groups:
            groups[key].rows.append(dict(row))
            continue
        item = MapItem(kind, lat, lon, party, [dict(row)])
        groups[key] = item
        items.append(item)
    for item in items:
        if item.kind != "place" and len(item.rows) > 1:
            item.rows = newest_first(item.rows)
    return items, unmapped


SPREAD_MAX_PX = 28  # no marker of a town is ever drawn further than this from its true spot
# At a country's or region's centre point (one point for every item the article places only
# in "Syria"), markers may be big and many: they go round a ring wide enough for each to be
# seen and clicked, up to this far
COARSE_SPREAD_MAX_PX = 72
SPREAD_GAP_PX = 4  # between neighbours on a country-level ring
_RING_MAX = 12  # more markers than this at one spot: a sunflower inside the same radius
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def ring_radius_px(n: int) -> float:
    """Radius of the ring n markers sharing a spot are drawn on: grows with n, capped."""
    return float(min(SPREAD_MAX_PX, 10 + 2 * n))


def marker_radius_px(item: MapItem) -> float:
    """About how far a marker reaches from its centre on screen."""
    if item.kind == "casualty":
        return float(aggregate_casualty_style(item.rows, "#000000")["radius"])
    return 11.0 if item.kind == "claim" else 5.0  # a claim's bubble, a place's dot


def _coarse_ring(ring: list[MapItem]) -> None:
    """Markers round a country-level spot, each given an arc as wide as it is (no two
    overlap unless the ring would exceed COARSE_SPREAD_MAX_PX), clockwise from the top."""
    widths = [2 * marker_radius_px(it) + SPREAD_GAP_PX for it in ring]
    total = sum(widths)
    radius = min(max(ring_radius_px(len(ring)), total / (2 * math.pi)), COARSE_SPREAD_MAX_PX)
    done = 0.0
    for item, width in zip(ring, widths):
        angle = -math.pi / 2 + 2 * math.pi * (done + width / 2) / total
        done += width
        item.offset_px = (int(radius * math.cos(angle)), int(radius * math.sin(angle)))


def spread(items: list[MapItem]) -> None:
    """Draw markers that share a spot a few pixels apart, so each stays visible and clickable.

    Offsets are in screen pixels (applied by Leaflet: the markers stay together at every zoom
    and never drift from the spot on the map); the coordinates are left untouched. The first
    place dot keeps the exact spot, the other markers sit on a ring around it - or a sunflower
    for many - of radius at most SPREAD_MAX_PX; at a country's or region's centre point on a
    ring as wide as the markers need (``_coarse_ring``). Deterministic: ordered by kind, then
    party."""
    spots: dict[tuple[float, float], list[MapItem]] = {}
    coarse_spots = set()
    for item, coarse in zip(items, coarse_flags(items)):
        spots.setdefault(spot_key(item.lat, item.lon), []).append(item)
        if coarse:
            coarse_spots.add(spot_key(item.lat, item.lon))
    for spot, group in spots.items():
        for item in group:
            item.offset_of, item.offset_px = len(group), (0, 0)
        if len(group) < 2:
            continue
        group.sort(key=lambda it: (KINDS.index(it.kind), it.party is None, str(it.party),
                                   str(it.row.get("place") or "")))
        ring = group[1:] if group[0].kind == "place" else group
        if spot in coarse_spots:
            _coarse_ring(ring)
            continue
        n = len(ring)
        radius = ring_radius_px(n)
        for k, item in enumerate(ring):
            if n <= _RING_MAX:
                r, angle = radius, -math.pi / 2 + 2 * math.pi * k / n  # clockwise from the top
            else:
                r, angle = SPREAD_MAX_PX * math.sqrt((k + 0.5) / n), k * GOLDEN_ANGLE
            # truncated toward zero: never further than r
            item.offset_px = (int(r * math.cos(angle)), int(r * math.sin(angle)))


COUNTRY_NEAR_DEG = 8.0  # a country's label point this close to the other items still frames


def _country_level(items: list[MapItem]) -> list[bool]:
    """Per item: whether it stands for a whole country, drawn at the country's label point.

    Places resolved to a country (precision 'country'), and the casualty figures and claims
    drawn at such a place's spot (their rows carry no precision of their own, but they sit
    exactly on the country place they were geocoded to) - unless a finer place (a city...)
    shares the spot."""
    country_spots, fine_spots = set(), set()
    for item in items:
        if item.kind == "place":
            spot = spot_key(item.lat, item.lon)
            if any(clean(r.get("precision")) == "country" for r in item.rows):
                country_spots.add(spot)
            else:
                fine_spots.add(spot)
    country_spots -= fine_spots
    flags = []
    for item in items:
        own = any(clean(r.get("precision")) == "country" for r in item.rows)
        flags.append(own or spot_key(item.lat, item.lon) in country_spots)
    return flags


def framing_items(items: list[MapItem]) -> list[MapItem]:
    """The items the view is fitted to. Country-level items (``_country_level``) are drawn
    but left out - Russia's label point is in Siberia, the United States' in Kansas, and one
    mention would zoom the map out to half the world - except those lying within
    COUNTRY_NEAR_DEG of the other items' box (Ukraine's point next to Donetsk: the figures
    there stay in view). When only country-level items are left, they frame the view."""
    flags = _country_level(items)
    fine = [it for it, country in zip(items, flags) if not country]
    if not fine:
        return list(items)
    s, n = min(it.lat for it in fine), max(it.lat for it in fine)
    w, e = min(it.lon for it in fine), max(it.lon for it in fine)
    near = COUNTRY_NEAR_DEG
    kept = [it for it, country in zip(items, flags)
            if not country or (s - near <= it.lat <= n + near and w - near <= it.lon <= e + near)]
    return the_bulk(kept)


FRAME_SHARE = 0.8  # the core: the items nearest the rows' median holding this share of rows
FRAME_REACH = 2.0  # framed: every item within this many times the core's radius
FRAME_MIN_ITEMS = 10  # fewer items are all framed


def the_bulk(items: list[MapItem]) -> list[MapItem]:
    """The items the view frames: those within ``FRAME_REACH`` times the radius of the core
    (the items nearest the rows' median point holding ``FRAME_SHARE`` of the rows). A claim
    made in Paris or Washington about the war in Karabakh is drawn, but the view opens on the
    war (zoom out to see it), not on half the world; the war's own edges stay in view."""
    if len(items) < FRAME_MIN_ITEMS:
        return items
    weights = [max(len(it.rows), 1) for it in items]
    lat = _weighted_median([it.lat for it in items], weights)
    lon = _weighted_median([it.lon for it in items], weights)
    dist = [((it.lat - lat) ** 2 + (it.lon - lon) ** 2) ** 0.5 for it in items]
    total, held, radius = sum(weights), 0, 0.0
    for k in sorted(range(len(items)), key=dist.__getitem__):
        held += weights[k]
        radius = dist[k]
        if held >= FRAME_SHARE * total:
            break
    reach = max(radius * FRAME_REACH, MIN_VIEW_DEG)
    return [it for it, d in zip(items, dist) if d <= reach]


def _weighted_median(values: list[float], weights: list[int]) -> float:
    pairs = sorted(zip(values, weights))
    half, run = sum(weights) / 2, 0
    for value, weight in pairs:
        run += weight
        if run >= half:
            return value
    return pairs[-1][0]


def view_bounds(items: list[MapItem]) -> Optional[list[list[float]]]:
    """[[south, west], [north, east]] around the items that frame the view
    (``framing_items``: far-off country label points left out), at least MIN_VIEW_DEG across."""
    items = framing_items(items)
    if not items:
        return None
    lats = [it.lat for it in items]
    lons = [it.lon for it in items]
    s, n, w, e = min(lats), max(lats), min(lons), max(lons)
    if n - s < MIN_VIEW_DEG:
        mid = (n + s) / 2
        s, n = max(mid - MIN_VIEW_DEG / 2, -85.0), min(mid + MIN_VIEW_DEG / 2, 85.0)
    if e - w < MIN_VIEW_DEG:
        mid = (e + w) / 2
        w, e = max(mid - MIN_VIEW_DEG / 2, -180.0), min(mid + MIN_VIEW_DEG / 2, 180.0)
    return [[s, w], [n, e]]


def coarse_flags(items: list[MapItem]) -> list[bool]:
    """Per item: whether it stands for a whole country or named region. From the rows'
    ``precision`` (``geo.report.with_precision`` gives figures and claims theirs), else, for
    rows without one, from the country place drawn at the same spot (``_country_level``)."""
    flags = []
    for item, country in zip(items, _country_level(items)):
        known = {clean(r.get("precision")) for r in item.rows} - {None, "unresolved"}
        flags.append(known <= set(COARSE_PRECISIONS) if known else country)
    return flags


def may_cluster(items: list[MapItem]) -> bool:
    """Whether the page may draw clusters at some zoom: some layer (a party, or the places)
    has markers of one kind at two spots or more that are not country- or region-level."""
    spots: dict[tuple, set] = {}
    for item, coarse in zip(items, coarse_flags(items)):
        if not coarse and item.kind in CLUSTER_KINDS:
            layer = "__places__" if item.kind == "place" else item.party
            spots.setdefault((layer, item.kind), set()).add(spot_key(item.lat, item.lon))
    return any(len(s) > 1 for s in spots.values())
