"""The boxes over the map: the map key (``legend_html`` in a collapsible ``LegendControl``)
and the title of an export (``TitleBox``); the event types' glyphs (``EVENT_GLYPHS``), which
the key lists and markers.js draws on casualty markers."""
from __future__ import annotations

import html
import math
from typing import Iterable, Optional

from branca.element import MacroElement
from folium.template import Template

from geo.records import EVENT_TYPES
from geo.render.areas import AreaLegend
from geo.render.escaping import js_string
from geo.render.styles import OUTCOME_COLORS, PLACE_COLOR, bubble_html
from geo.report import EVENT_TYPE_LABELS

# With more parties than this, the layer control starts collapsed (open on click); the map
# key always starts unfolded (its body scrolls), and a snapshot lays them out in two columns
MAX_EXPANDED_PARTIES = 5  # with the province and places layers: 7 rows, clear of the key
MANY_PARTIES = 16

# One glyph per event type (geo.records.EVENT_TYPES), drawn in dark grey on a small white
# badge at the top right of a casualty circle (markers.js) and in the key: shapes rather than
# letters, readable at 11 px in any language: crossed strokes (battles), a burst
# (explosions/remote violence), a person (violence against civilians), a flag (protests), a
# lightning bolt (riots), a diamond (strategic developments). Constant SVG, no article text.
_INK = "#222"


def _burst(points: int = 8, outer: float = 5.6, inner: float = 2.3) -> str:
    corners = []
    for k in range(2 * points):
        r, a = (outer if k % 2 == 0 else inner), math.pi * k / points - math.pi / 2
        corners.append(f"{6 + r * math.cos(a):.1f},{6 + r * math.sin(a):.1f}")
    return f'<polygon points="{" ".join(corners)}" fill="{_INK}"/>'


EVENT_GLYPHS = {
    "battles": (f'<path d="M2.3 2.3L9.7 9.7M9.7 2.3L2.3 9.7" stroke="{_INK}" '
                'stroke-width="2.2" stroke-linecap="round"/>'),
    "explosions": _burst(),
    "violence_against_civilians": (f'<circle cx="6" cy="3.1" r="2.1" fill="{_INK}"/>'
                                   f'<path d="M2.2 11.2c0-3.3 1.6-5.3 3.8-5.3s3.8 2 3.8 5.3z" '
                                   f'fill="{_INK}"/>'),
    "protests": (f'<path d="M3 11.3V1" stroke="{_INK}" stroke-width="1.6" '
                 'stroke-linecap="round"/>'
                 f'<path d="M3.6 1.4h6.6l-1.8 2.4 1.8 2.4h-6.6z" fill="{_INK}"/>'),
    "riots": f'<path d="M7.4 0.6L2.2 7h3.4l-1.3 4.6 5.5-6.6H6.3z" fill="{_INK}"/>',
    "strategic_developments": (f'<path d="M6 1.3L10.7 6 6 10.7 1.3 6z" fill="none" '
                               f'stroke="{_INK}" stroke-width="1.9" stroke-linejoin="round"/>'),
}


def event_glyph_html(event_type: str) -> str:
    """The badge of one event type (``EVENT_GLYPHS``): a white disc holding its glyph, with
    the classes ``geo-glyph geo-glyph-<type>`` (map.css) and its name as a tooltip."""
    label = html.escape(EVENT_TYPE_LABELS.get(event_type, event_type))
    return (f'<span class="geo-glyph geo-glyph-{event_type}" title="{label}">'
            f'<svg viewBox="0 0 12 12" width="11" height="11" aria-hidden="true">'
            f"{EVENT_GLYPHS[event_type]}</svg></span>")


class LegendControl(MacroElement):
    """A Leaflet control (inside the map div, so it works in st_folium and in screenshots).

    ``content_html`` is ``legend_html``'s: a ``.geo-legend-head`` header that shows/hides the
    ``.geo-legend-body`` when clicked (or Enter/Space), by toggling ``geo-collapsed`` on the
    control; ``collapsed`` is how it starts."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("div", "geo-legend");
            div.innerHTML = {{ this.content_js }};
            var head = div.querySelector(".geo-legend-head");
            var arrow = div.querySelector(".geo-legend-arrow");
            function show(collapsed) {
                if (collapsed) { L.DomUtil.addClass(div, "geo-collapsed"); }
                else { L.DomUtil.removeClass(div, "geo-collapsed"); }
                if (head) { head.setAttribute("aria-expanded", collapsed ? "false" : "true"); }
                if (arrow) { arrow.textContent = collapsed ? "\\u25b8" : "\\u25be"; }
            }
            show({{ this.collapsed|tojson }});
            if (head) {
                L.DomEvent.on(head, "click keydown", function (e) {
                    if (e.type === "keydown" && e.key !== "Enter" && e.key !== " ") { return; }
                    L.DomEvent.preventDefault(e);
                    show(!L.DomUtil.hasClass(div, "geo-collapsed"));
                });
            }
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, content_html: str, position: str = "bottomright",
                 collapsed: bool = False):
        super().__init__()
        self._name = "LegendControl"
        self.content_js = js_string(content_html)
        self.position = position
        self.collapsed = bool(collapsed)


def legend_html(parties_present: list[tuple[str, str]], kinds_present: set[str],
                unmapped: int = 0, offset: bool = False, aggregated: bool = False,
                outcomes_present: Iterable[str] = (), coarse: bool = False,
                areas: Optional[AreaLegend] = None, clusters: bool = False,
                event_types_present: Iterable[str] = ()) -> str:
    """A "Map key" header, then a body: marker-shape key + one swatch per party (name escaped
    here), the outcome outlines, the event types' glyphs, the coarse-location key and the
    province scale. ``parties_present`` is [(display name, #rrggbb)]."""
    def key(symbol: str, label: str) -> str:
        return f'<div class="geo-key"><span class="geo-sym">{symbol}</span>{label}</div>'

    def dot(size: int, fill: str, border: str = "#fff", dashed: bool = False,
            opacity: float = 1.0) -> str:
        line = "dashed" if dashed else "solid"
        return (f'<span class="geo-dot" style="width:{size}px;height:{size}px;'
                f'background:{fill};opacity:{opacity};border:1.5px {line} {border}"></span>')

    out = []
    if "place" in kinds_present:
        out.append(key(dot(7, PLACE_COLOR), "place mentioned"))
    if "casualty" in kinds_present:
        out.append(key(dot(14, "#888", "#555", opacity=0.8), "casualty figures (area = count)"))
        out.append(key(dot(10, "#ccc", "#555", dashed=True), "vague figure (no number)"))
    if "claim" in kinds_present:
        out.append(key(bubble_html("#777"), "claim (claimant's colour)"))
    if clusters:  # with the marker shapes: an export's key shows it even when long
        out.append(key('<span class="geo-dot geo-cluster-key">3</span>',
                       "a party's nearby markers"))
        out.append('<div class="geo-note">grouped when zoomed out: number = markers, '
                   "area = their figures, dark grey outline = mixed outcomes; click a group "
                   "to zoom in</div>")
    if parties_present:
        out.append('<b style="display:block;margin-top:4px">Parties</b>')
        many = " geo-parties-many" if len(parties_present) > MANY_PARTIES else ""
        out.append(f'<div class="geo-parties{many}">'
                   + "".join(key(dot(11, color, color), html.escape(name))
                             for name, color in parties_present) + "</div>")
    outcomes = [o for o in OUTCOME_COLORS if o in set(outcomes_present)]
    if outcomes:
        out.append('<b style="display:block;margin-top:4px">Outline = outcome</b>')
        for outcome in outcomes:
            out.append(key(dot(11, "#fff", OUTCOME_COLORS[outcome]).replace("1.5px", "2.5px"),
                           html.escape(outcome)))
    out.extend(_event_type_keys(event_types_present, key))
    if coarse:
        out.append(key(dot(11, "transparent", "#555", dashed=True),
                       "placed at a country or region only"))
    if areas is not None and areas.bins:
        out.append(f'<b style="display:block;margin-top:4px">{html.escape(areas.title)}</b>')
        for label, color in areas.bins:
            out.append(key(f'<span class="geo-ramp" style="background:{color}"></span>',
                           html.escape(label)))
        out.append(f'<div class="geo-note">{html.escape(areas.note)}</div>')
    if aggregated:
        out.append('<div class="geo-note">one marker per party and spot: circles add up its '
                   "figures, bubbles show how many claims</div>")
    if offset:
        out.append('<div class="geo-note">markers sharing a spot drawn apart around it '
                   "(round a country's centre point: country-level)</div>")
    if unmapped:
        out.append(f'<div class="geo-note">{unmapped} item{"s" if unmapped != 1 else ""} '
                   "without coordinates not shown</div>")
    # The body scrolls inside its own box (padding on the inner element, so the last line is
    # never cut off); the header toggles it (LegendControl).
    head = ('<div class="geo-legend-head" role="button" tabindex="0" aria-expanded="true" '
            'title="Show or hide the map key"><b>Map key</b> '
            '<span class="geo-legend-arrow">\u25be</span></div>')
    return (f'{head}<div class="geo-legend-body"><div class="geo-legend-inner">'
            f'{"".join(out)}</div></div>')


def _event_type_keys(present: Iterable[str], key) -> list[str]:
    """The key's "Event type" section: the glyph and ACLED's name of each type shown, in
    EVENT_TYPES' order; nothing when no casualty marker has one."""
    types = [t for t in EVENT_TYPES if t in set(present)]
    if not types:
        return []
    return (['<b style="display:block;margin-top:4px">Event type</b>']
            + [key(event_glyph_html(t), html.escape(EVENT_TYPE_LABELS.get(t, t))) for t in types]
            + ['<div class="geo-note">badge on a casualty circle; several types at one '
               "marker: the commonest</div>"])


class TitleBox(MacroElement):
    """A title over the map (exports: what the view shows): the title, the period shown, the
    filters and the export's date, each escaped and sent as a js_string."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            var div = L.DomUtil.create("div", "geo-title", map.getContainer());
            div.innerHTML = {{ this.content_js }};
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, title: str, subtitle: str = "", period: str = "", exported: str = ""):
        super().__init__()
        self._name = "TitleBox"
        lines = [f"<b>{html.escape(title)}</b>"]
        if period:
            lines.append(f'<div class="geo-period">{html.escape(period)}</div>')
        if subtitle:
            lines.append(f'<div class="geo-subtitle">{html.escape(subtitle)}</div>')
        if exported:
            lines.append(f'<div class="geo-exported">Exported {html.escape(exported)}</div>')
        self.content_js = js_string("".join(lines))

