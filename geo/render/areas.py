"""Casualties per province (or named region) as a choropleth under the markers: the classes,
their colours, the layer and its part of the map key."""
from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass
from typing import Iterable, Optional

import folium
import numpy as np
from folium.template import Template
from shapely.geometry import mapping

from geo.render.basemap import round_coords
from geo.render.escaping import html_label, js_string

# A sequential scale (ColorBrewer YlOrRd, 5 classes)
AREA_COLORS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")


@dataclass
class AreaLegend:
    """The choropleth's part of the map key: a title, one (label, colour) per class, a note."""
    title: str
    bins: list  # [(label, #rrggbb)]
    note: str = ""


def area_breaks(totals: Iterable[float]) -> list[int]:
    """Upper bounds of up to 5 classes (quantiles of the totals, whole numbers, increasing)."""
    values = np.asarray([t for t in totals if t and t > 0], dtype=float)
    if values.size == 0:
        return []
    qs = np.quantile(values, [0.2, 0.4, 0.6, 0.8, 1.0])
    return sorted({int(math.ceil(q)) for q in qs})


def area_color(total: float, breaks: list[int]) -> str:
    colors = AREA_COLORS[-len(breaks):] if breaks else AREA_COLORS
    for upper, color in zip(breaks, colors):
        if total <= upper:
            return color
    return colors[-1]


def area_legend(breaks: list[int], title: str, note: str) -> AreaLegend:
    colors = AREA_COLORS[-len(breaks):]
    bins, lower = [], 1
    for upper, color in zip(breaks, colors):
        bins.append((f"{lower:,}" if upper <= lower else f"{lower:,}\u2013{upper:,}", color))
        lower = upper + 1
    return AreaLegend(title, bins, note)


class AreaLayer(folium.map.Layer):
    """Provinces (or named regions) shaded by their casualty total, in a pane under the
    markers; a layer of its own in the layer control. Properties are escaped here and the
    data travels as a ``js_string`` (never parsed as a template)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function (map) {
            var pane = map.getPane('geo-areas') || map.createPane('geo-areas');
            pane.style.zIndex = 350;
            return L.geoJSON(JSON.parse({{ this.data_js }}), {
                pane: 'geo-areas',
                style: function (f) {
                    return {color: '#7a6a5a', weight: 0.8, fillColor: f.properties.fill,
                            fillOpacity: 0.6, className: 'geo-area'};
                },
                onEachFeature: function (f, layer) {
                    layer.bindTooltip(f.properties.tip, {sticky: true});
                }
            });
        })({{ this._parent.get_name() }});
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, features: list[dict], name: str, show: bool = True):
        super().__init__(name=html_label(name), overlay=True, control=True, show=show)
        self._name = "AreaLayer"
        self.data_js = js_string(json.dumps({"type": "FeatureCollection", "features": features},
                                            separators=(",", ":")))


def area_layer(areas, title: str = "Casualties per province",
               note: str = "") -> tuple[Optional[AreaLayer], Optional[AreaLegend]]:
    """The choropleth layer and its legend from a frame with ``label``, ``total``, ``detail``
    (plain text) and ``geometry`` (``geo.report.area_totals``). Units with no figure are not drawn
    at all, so no grey needs explaining."""
    if areas is None or len(areas) == 0:
        return None, None
    areas = areas[areas["total"] > 0]
    if areas.empty:
        return None, None
    breaks = area_breaks(areas["total"])
    features = []
    geoms = areas.geometry.simplify(0.01, preserve_topology=True)
    for label, total, detail, geom in zip(areas["label"], areas["total"], areas["detail"], geoms):
        if geom is None or geom.is_empty:
            continue
        tip = (f"<b>{html.escape(str(label))}</b><br>{int(total):,} reported"
               + (f"<br>{html.escape(str(detail))}" if detail else ""))
        features.append({"type": "Feature",
                         "properties": {"fill": area_color(total, breaks), "tip": tip},
                         "geometry": {"type": geom.geom_type,
                                      "coordinates": round_coords(mapping(geom)["coordinates"], 3)}})
    return AreaLayer(features, title), area_legend(breaks, title, note)

