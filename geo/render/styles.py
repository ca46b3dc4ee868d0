"""How markers look: the colours, the circle of casualty figures (filled with the victims'
party's colour, outlined by outcome, area proportional to the count), the place dots and the
claim bubbles."""
from __future__ import annotations

import math
from typing import Mapping, Optional

from geo.report import clean, figure_count, is_vague

PLACE_COLOR = "#6e6e6e"
# A casualty circle is filled with the victims' party colour and outlined by its outcome.
OUTCOME_COLORS = {"killed": "#111111", "wounded": "#e6550d", "missing": "#756bb1",
                  "captured": "#3182bd", "displaced": "#31a354"}
OTHER_OUTCOME_COLOR = "#999999"
# A cluster's outline when its markers' outcomes differ (markers.js); map.css names it too
MIXED_OUTLINE = "#444444"


def radius_for_count(count: Optional[int]) -> float:
    """Circle radius in px: area proportional to the count (sqrt scale), capped; none = 6."""
    if count is None:
        return 6.0
    return round(min(4.0 + 1.6 * math.sqrt(max(count, 0)), 30.0), 1)


def casualty_radius(row: Mapping) -> float:
    """Radius of one figure; a vague figure (no number) is drawn at 6 px."""
    return 6.0 if is_vague(row) else radius_for_count(figure_count(row))


def casualty_style(row: Mapping, color: str, coarse: bool = False) -> dict:
    return aggregate_casualty_style([row], color, coarse)


def outcome_color(rows: list[Mapping]) -> str:
    """Outline colour: the rows' outcome (an item holds one outcome; the commonest if not)."""
    outcomes = [clean(r.get("outcome")) for r in rows]
    common = max(set(outcomes), key=outcomes.count) if outcomes else None
    return OUTCOME_COLORS.get(common, OTHER_OUTCOME_COLOR)


def aggregate_casualty_style(rows: list[Mapping], color: str, coarse: bool = False) -> dict:
    """Style of the circle of one or more figures: filled with the victims' party ``color``,
    outlined by the outcome, sized by the sum of their counts (vague ones at their low bound),
    dashed only when every figure is vague; ``coarse`` (placed at a country or a region):
    hollow with a dotted outline."""
    vague = all(is_vague(r) for r in rows)
    if len(rows) == 1:
        radius = casualty_radius(rows[0])
    else:
        counts = [c for c in (figure_count(r) for r in rows) if c is not None]
        radius = radius_for_count(sum(max(c, 0) for c in counts) if counts else None)
    dash = "1 4" if coarse else ("3 3" if vague else None)
    return {"radius": radius, "color": outcome_color(rows), "weight": 2.5 if coarse else 2,
            "fill": True, "fill_color": color,
            "fill_opacity": 0.25 if coarse else (0.3 if vague else 0.65),
            "dash_array": dash}


PLACE_STYLE = {"radius": 3.5, "color": "#ffffff", "weight": 1, "fill": True,
               "fill_color": PLACE_COLOR, "fill_opacity": 0.9}
COARSE_PLACE_STYLE = {"radius": 5, "color": PLACE_COLOR, "weight": 1.5, "fill": True,
                      "fill_color": PLACE_COLOR, "fill_opacity": 0.0, "dash_array": "2 2"}


def bubble_html(color: str, count: int = 1) -> str:
    """The claim marker: a speech bubble in the claimant's colour (colour must be #rrggbb),
    showing the number of claims when it stands for several."""
    if count > 1:
        return (f'<div class="geo-bubble geo-bubble-n" style="background:{color}">'
                f"{int(count)}</div>")
    return (f'<div class="geo-bubble" style="background:{color}">\u201d</div>')


_LEAFLET_OPTION = {"fill_color": "fillColor", "fill_opacity": "fillOpacity",
                   "dash_array": "dashArray"}


def leaflet_style(style: Mapping) -> dict:
    """A folium-style dict (snake_case) as Leaflet path options, radius and Nones left out."""
    return {_LEAFLET_OPTION.get(k, k): v for k, v in style.items()
            if v is not None and k != "radius"}

