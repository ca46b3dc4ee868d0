"""The folium map of a map frame (``records.MAP_COLUMNS``), renderable with no network at all.

* Only Leaflet is loaded (from Streamlit's static folder, inlined, or - on request - a CDN):
  folium's default jQuery/Bootstrap/awesome-markers/Font Awesome links are dropped, and popups
  and tooltips are bound by our own script because folium's use jQuery.
* Basemap: country (and admin-1) outlines as GeoJSON over an ocean-coloured background; online
  OpenStreetMap tiles only when asked for. Optionally a choropleth of casualties per province
  (``AreaLayer``; units with no figure are not drawn, so no grey needs explaining).
* Markers: places = small grey dots, casualty figures = circles filled with the victims'
  party's colour, outlined by outcome, area proportional to the count; claims = speech bubbles
  in the claimant's colour. Items placed only at a country or a named region are hollow and
  dotted. One ``MarkerLayer`` per party so the layer control toggles parties; its markers
  travel as one JSON array drawn by a loop in the page (10,000 items: 0.1 s to render).
* Co-located items are aggregated: one marker per (spot, kind, party, outcome) - a circle
  sized by the sum of the figures, a bubble showing the number of claims - whose popup lists
  the items, newest first. Markers sharing a spot are drawn a few screen pixels apart (at most
  ``SPREAD_MAX_PX``, at every zoom); their coordinates are never moved.
* Clusters, recomputed on every zoom in the page (``MARKERS_JS``): a party's markers of one
  kind (casualty circles, claim bubbles) whose spots lie within ``CLUSTER_PX`` screen pixels
  are drawn as one marker of the party's colour in the party's layer - a circle sized by the
  summed figures, or a bubble - numbered with how many markers it groups; its tooltip says
  what it holds and a click zooms to its bounds. Country- or region-level markers and place
  dots are never clustered.
* Every string that comes from an article is ``html.escape``d before it reaches the page, and
  popup/tooltip HTML travels as an escaped JSON string (never inside a JS template literal).
* Hooks for tests and the browser: each marker carries the classes
  ``geo-marker geo-<kind> party-<id>`` (+ ``outcome-<o>``, ``geo-coarse``) and a
  ``data-items`` attribute: how many items (figures, claims, place mentions) it stands for.
  A cluster is not a ``geo-marker``: it carries ``geo-cluster geo-cluster-<kind> party-<id>``,
  ``data-items`` and ``data-markers`` (how many markers it groups); its number is a
  ``geo-cluster-label``.
"""
from __future__ import annotations

import hashlib
import html
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Optional
from urllib.parse import urlparse

import folium
import pandas as pd
from branca.element import Element, MacroElement
from folium.template import Template

from geo.render import assets
from geo.records import KINDS
from geo.report.labels import (PartyNames, as_int, clean, figure_count, figure_phrase, is_vague, reporter_phrase)

ASSET_MODES = ("static", "inline", "cdn")

OCEAN = "#d6e6f2"
LAND = "#f5f2ea"
COUNTRY_LINE = "#9c978c"
ADMIN1_LINE = "#c9c3b6"
NAMED_REGION_LINE = "#7a5c99"  # named regions (Nagorno-Karabakh, Donbas...) mentioned by items
PLACE_COLOR = "#6e6e6e"
# A casualty circle is filled with the victims' party colour and outlined by its outcome.
OUTCOME_COLORS = {"killed": "#111111", "wounded": "#e6550d", "missing": "#756bb1",
                  "captured": "#3182bd", "displaced": "#31a354"}
OTHER_OUTCOME_COLOR = "#999999"
# Points that stand for a whole country or a named region (the item says "in Ukraine", "in
# Donbas"): drawn hollow with a dotted outline, so they do not read as a town.
COARSE_PRECISIONS = ("region", "country")
# Casualties per province: a sequential scale (ColorBrewer YlOrRd, 5 classes)
AREA_COLORS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
WORLD_CENTER, WORLD_ZOOM = (25.0, 10.0), 2
MIN_VIEW_DEG = 2.0  # never zoom closer than ~2 degrees across on fit (one spot: context)
MAX_FIT_ZOOM = 10
# Clusters (drawn by MARKERS_JS): a party's markers of one kind within this many screen pixels
# of each other are drawn as one; its outline is the outcome's, or this one when they differ
CLUSTER_PX = 36
MIXED_OUTLINE = "#444444"
# Place dots (7 px, grey, under the figures) are left as they are: MARKERS_JS can cluster them
# too (add "place"), but they hardly clutter and a place's dot is where its name is checked
CLUSTER_KINDS = ("casualty", "claim")
# With more parties than this, the legend and the layer control start collapsed (open on click)
MAX_EXPANDED_PARTIES = 6

_CDN = {"leaflet_js": "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js",
        "leaflet_css": "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"}
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


# --- small pure helpers ---------------------------------------------------------------------

def esc(value: Any) -> str:
    """Escaped text of an untrusted value ('' when missing)."""
    value = clean(value)
    return "" if value is None else html.escape(str(value), quote=True)


def slug(value: Any) -> str:
    """A CSS-class-safe form of a party id ('none' when missing)."""
    value = clean(value)
    if value is None:
        return "none"
    return re.sub(r"[^a-z0-9_-]+", "-", str(value).lower()).strip("-") or "x"


def safe_url(url: Any) -> Optional[str]:
    """The URL if it is a plain http(s) link with a host, else None (no javascript:, data:...)."""
    url = clean(url)
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parsed = urlparse(url)
    except ValueError:
        return None
    return url if parsed.scheme.lower() in ("http", "https") and parsed.netloc else None


def js_string(text: str) -> str:
    """``text`` as a JS string literal that is inert everywhere it lands: inside <script>
    (``<``, ``>``, ``&`` escaped) and inside Jinja - folium/branca compile every rendered script
    again as a Jinja template, so a ``{{ ... }}`` from an article would run on the server;
    ``{`` and ``}`` are therefore \\u-escaped too."""
    return (json.dumps(text).replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("&", "\\u0026").replace("'", "\\u0027")
            .replace("{", "\\u007b").replace("}", "\\u007d"))


def html_label(text: str) -> str:
    """Escaped text for places folium passes on as HTML through its templates (layer names):
    braces as entities for the same Jinja reason as ``js_string``."""
    return html.escape(text, quote=True).replace("{", "&#123;").replace("}", "&#125;")


class RawHtml(Element):
    """Markup added to the page as is: a plain branca Element would compile it as a Jinja
    template (inlined Leaflet or CSS must not be parsed for ``{{``/``{#``)."""

    def __init__(self, text: str):
        super().__init__()
        self._name = "RawHtml"
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


# --- text of popups and tooltips ------------------------------------------------------------

_STANCE_VERBS = {"claim": "claims", "denial": "denies", "accusation": "accuses",
                 "demand": "demands", "call": "calls for", "statement": "says"}


def highlight_sentence(sentence: Any, start: Any = None, end: Any = None,
                       sentence_start: Any = None, needle: Any = None) -> str:
    """The escaped sentence with one span in <mark>: ``start``/``end`` are article offsets and
    ``sentence_start`` the sentence's own offset; without it, the first occurrence of
    ``needle`` (e.g. a place name) is marked; failing both, the sentence is just escaped."""
    sentence = clean(sentence)
    if not sentence:
        return ""
    sentence = str(sentence)
    a = b = None
    s0, s, e = as_int(sentence_start), as_int(start), as_int(end)
    if s0 is not None and s is not None and e is not None and 0 <= s - s0 < e - s0 <= len(sentence):
        a, b = s - s0, e - s0
    elif clean(needle):
        found = sentence.lower().find(str(needle).lower())
        if found >= 0:
            a, b = found, found + len(str(needle))
    if a is None:
        return html.escape(sentence)
    return (html.escape(sentence[:a]) + "<mark>" + html.escape(sentence[a:b]) + "</mark>"
            + html.escape(sentence[b:]))


def _quote(inner_html: str) -> str:
    if not inner_html:
        return ""
    return f'<blockquote class="geo-q">{inner_html}</blockquote>'


def article_meta_html(row: Mapping) -> str:
    """Title, date, source, link (when http/https) and provenance of an item's article."""
    title = esc(row.get("title")) or "(untitled article)"
    bits = [b for b in (esc(row.get("date")) or esc(row.get("article_date")),
                        esc(row.get("source"))) if b]
    url = safe_url(row.get("url"))
    link = (f' <a href="{html.escape(url, quote=True)}" target="_blank" '
            'rel="noopener noreferrer">open article</a>') if url else ""
    start, end = as_int(row.get("start")), as_int(row.get("end"))
    span = f" \u00b7 chars {start}\u2013{end}" if start is not None and end is not None else ""
    dot = " \u00b7 "
    return (f'<div class="geo-meta"><b>{title}</b><br>'
            f'<span class="geo-dim">{dot.join(bits)}</span>{link}'
            f'<div class="geo-small">article {esc(row.get("article_id"))}{span}'
            "</div></div>")


def _casualty_head(row: Mapping, names: PartyNames) -> str:
    """'<b>Ukraine says:</b> 14 civilians killed' (escaped)."""
    says = reporter_phrase(row, names) or "Reported"
    return f"<b>{html.escape(says)}:</b> {html.escape(figure_phrase(row))}"


_PRECISION_WORDS = {"point": "exact point", "city": "town", "admin2": "district",
                    "admin1": "province", "region": "region only", "country": "country only",
                    "unresolved": "not located"}


def place_html(row: Mapping) -> str:
    """'Donetsk (town)': the place and how precisely it is located (escaped; '' if none)."""
    place = esc(row.get("place"))
    precision = clean(row.get("precision"))
    level = f" ({html.escape(_PRECISION_WORDS.get(precision, str(precision)))})" if precision else ""
    return f"{place}{level}" if place else ""


def where_html(row: Mapping) -> str:
    place = place_html(row)
    return f" \u00b7 at {place}" if place else ""


def sources_html(row: Mapping) -> str:
    """'<br>3 outlets, 4 articles' for a consolidated report (``tolls.consolidated_items``)."""
    n_sources, n_articles = as_int(row.get("n_sources")), as_int(row.get("n_articles"))
    if n_sources is None:
        return ""
    articles = f", {n_articles} articles" if n_articles and n_articles > 1 else ""
    return (f"<br><span>Reported by {n_sources} independent "
            f"source{'s' if n_sources != 1 else ''}{articles}</span>")


def _item_quote(row: Mapping) -> str:
    return _quote(highlight_sentence(row.get("sentence"), row.get("start"), row.get("end"),
                                     row.get("sentence_start")))


def casualty_popup(row: Mapping, names: PartyNames) -> str:
    party = f"Victims' side: {html.escape(names.name(row.get('party')))}"
    return (f"{_casualty_head(row, names)}<br><span>{party}{where_html(row)}</span>"
            f"{sources_html(row)}{_item_quote(row)}{article_meta_html(row)}")


def claim_popup(row: Mapping, names: PartyNames, show_place: bool = True) -> str:
    claimant = clean(row.get("claimant")) or clean(row.get("party"))
    verb = _STANCE_VERBS.get(clean(row.get("stance")) or "claim", "says")
    who = html.escape(names.name(claimant, default="Unattributed source"))
    text = esc(row.get("claim_text")) or esc(row.get("sentence"))
    head = f"<b>{who} {verb}:</b> \u201c{text}\u201d"
    target = clean(row.get("target"))
    about = f"<br>About: {html.escape(names.name(target))}" if target is not None else ""
    where = f"<br>Place: {place_html(row)}" if place_html(row) and show_place else ""
    sentence = clean(row.get("sentence"))
    quote = ""
    if sentence and str(sentence).strip() != str(clean(row.get("claim_text")) or "").strip():
        quote = highlight_sentence(sentence, row.get("start"), row.get("end"),
                                   row.get("sentence_start"))
    return f"{head}{about}{where}{_quote(quote)}{article_meta_html(row)}"


MAX_PLACE_MENTIONS = 5


def place_popup(rows: list[Mapping]) -> str:
    """One popup for all mentions of a place: name, precision, region, then a few mentions."""
    first = rows[0]
    admin = ", ".join(b for b in (esc(first.get("admin1")), esc(first.get("country_code"))) if b)
    head = (f"<b>{esc(first.get('place')) or '(unnamed place)'}</b>"
            f"<br>Resolved to: {esc(first.get('precision')) or 'unknown precision'}"
            + (f" \u00b7 {admin}" if admin else ""))
    n_articles = len({clean(r.get("article_id")) for r in rows})
    count = (f"<br>{len(rows)} mentions in {n_articles} article{'s' if n_articles != 1 else ''}"
             if len(rows) > 1 else "")
    mentions = []
    for row in rows[:MAX_PLACE_MENTIONS]:
        quote = highlight_sentence(row.get("sentence"), row.get("start"), row.get("end"),
                                   row.get("sentence_start"), needle=row.get("place"))
        mentions.append(_quote(quote) + article_meta_html(row))
    more = (f'<div style="color:#888">and {len(rows) - MAX_PLACE_MENTIONS} more</div>'
            if len(rows) > MAX_PLACE_MENTIONS else "")
    return head + count + "<hr style='margin:4px 0'>".join([""] + mentions) + more


def tooltip_text(kind: str, row: Mapping, names: PartyNames, n_rows: int = 1) -> str:
    """Short escaped hover text."""
    if kind == "casualty":
        reporter = clean(row.get("reported_by"))
        who = f"{names.name(reporter)}: " if reporter is not None else ""
        return html.escape(f"{who}{figure_phrase(row)}")
    if kind == "claim":
        who = names.name(clean(row.get("claimant")) or clean(row.get("party")),
                         default="Unattributed source")
        verb = _STANCE_VERBS.get(clean(row.get("stance")) or "claim", "says")
        text = str(clean(row.get("claim_text")) or clean(row.get("sentence")) or "")
        if len(text) > 80:
            text = text[:77] + "..."
        return html.escape(f"{who} {verb}: {text}")
    name = str(clean(row.get("place")) or "place")
    return html.escape(name + (f" ({n_rows} mentions)" if n_rows > 1 else ""))


# --- aggregates: all figures (or claims) of one party at one spot ---------------------------

MAX_AGGREGATE_ITEMS = 20  # listed in an aggregate's popup; the rest are counted
# With more rows than this on the map, popups list fewer items each: every popup travels in
# the page (10,000 events made 6 MB of popups); the tables and exports still hold them all.
LARGE_MAP_ROWS, LARGE_MAP_POPUP_ITEMS = 3000, 5


def outcome_totals(rows: Iterable[Mapping]) -> dict[str, int]:
    """{outcome: sum of figure_count} in order of first appearance, killed first."""
    totals: dict[str, int] = {}
    for row in rows:
        count = figure_count(row)
        if count is not None:
            outcome = str(clean(row.get("outcome")) or "affected")
            totals[outcome] = totals.get(outcome, 0) + max(count, 0)
    return dict(sorted(totals.items(), key=lambda kv: kv[0] != "killed"))


def totals_text(rows: list[Mapping]) -> str:
    """'57 killed, 3 wounded' (plain text), or 'no numbers given'."""
    totals = outcome_totals(rows)
    return ", ".join(f"{n:,} {outcome}" for outcome, n in totals.items()) or "no numbers given"


def newest_first(rows: Iterable[dict]) -> list[dict]:
    """Rows by date, newest first (undated last); article and offset keep ties stable."""
    rows = sorted(rows, key=lambda r: (str(clean(r.get("article_id")) or ""),
                                       as_int(r.get("start")) or 0))
    dated = [r for r in rows if clean(r.get("date")) or clean(r.get("article_date"))]
    undated = [r for r in rows if not (clean(r.get("date")) or clean(r.get("article_date")))]
    dated.sort(key=lambda r: str(clean(r.get("date")) or clean(r.get("article_date"))),
               reverse=True)
    return dated + undated


def commonest_place_name(rows: Iterable[Mapping]) -> Optional[str]:
    """The place name most of the rows give (first one on a tie), unescaped: the name an
    aggregate's header and tooltip show (not ``events.main_place``, an event's main place)."""
    counts: dict[str, int] = {}
    for row in rows:
        place = clean(row.get("place"))
        if place is not None and str(place).strip():
            counts[str(place)] = counts.get(str(place), 0) + 1
    return max(counts, key=counts.get) if counts else None


_HR = "<hr style='margin:4px 0'>"


def _more(rows: list, cap: int) -> str:
    extra = len(rows) - cap
    return (f'<div style="color:#888">{html.escape(f"and {extra} more")}</div>'
            if extra > 0 else "")


def casualty_aggregate_popup(rows: list[Mapping], names: PartyNames,
                             cap: int = MAX_AGGREGATE_ITEMS) -> str:
    """Popup of several casualty figures of one victims' side at one spot: a header with
    the summed figures, then each figure (newest first) as the single-figure popup shows it."""
    if len(rows) == 1:
        return casualty_popup(rows[0], names)
    rows = newest_first(rows)
    place = commonest_place_name(rows)
    at = f" at {html.escape(place)}" if place else ""
    vague = sum(1 for r in rows if is_vague(r))
    note = ("figures added up as reported" + (f", {vague} vague one{'s' if vague != 1 else ''}"
                                               " at their low bound" if vague else "")
            + "; reports may overlap")
    head = (f"<b>{len(rows)} casualty figures{at}</b>"
            f"<br><span>Victims' side: {html.escape(names.name(rows[0].get('party')))}</span>"
            f"<br><span>Total: {html.escape(totals_text(rows))}</span>"
            f'<div style="color:#888;font-size:11px">{html.escape(note)}</div>')
    entries = []
    for row in rows[:cap]:
        own = clean(row.get("place"))
        where = where_html(row) if own is not None and str(own) != place else ""
        entries.append(f"{_casualty_head(row, names)}{where}{sources_html(row)}"
                       f"{_item_quote(row)}{article_meta_html(row)}")
    return head + _HR.join([""] + entries) + _more(rows, cap)


def claim_aggregate_popup(rows: list[Mapping], names: PartyNames,
                          cap: int = MAX_AGGREGATE_ITEMS) -> str:
    """Popup of several claims of one claimant at one spot, newest first."""
    if len(rows) == 1:
        return claim_popup(rows[0], names)
    rows = newest_first(rows)
    place = commonest_place_name(rows)
    at = f" at {html.escape(place)}" if place else ""
    who = _claimant(rows[0])
    head = (f"<b>{len(rows)} claims by "
            f"{html.escape(names.name(who, default='Unattributed source'))}{at}</b>")
    entries = [claim_popup(row, names, show_place=clean(row.get("place")) != place)
               for row in rows[:cap]]
    return head + _HR.join([""] + entries) + _more(rows, cap)


def _claimant(row: Mapping) -> Any:
    return clean(row.get("claimant")) or clean(row.get("party"))


def aggregate_tooltip(kind: str, rows: list[Mapping], names: PartyNames) -> str:
    """Escaped hover text of a marker: the single-item text, or for an aggregate
    'Donetsk: 12 figures, 57 killed (victims' side: Ukraine)'."""
    if kind == "place" or len(rows) == 1:
        return tooltip_text(kind, rows[0], names, len(rows))
    rows = newest_first(rows)
    place = commonest_place_name(rows) or "Here"
    if kind == "casualty":
        side = names.name(rows[0].get("party"))
        return html.escape(f"{place}: {len(rows)} figures, {totals_text(rows)} "
                           f"(victims' side: {side})")
    who = names.name(_claimant(rows[0]), default="Unattributed source")
    verb = _STANCE_VERBS.get(clean(rows[0].get("stance")) or "claim", "says")
    text = str(clean(rows[0].get("claim_text")) or clean(rows[0].get("sentence")) or "")
    if len(text) > 60:
        text = text[:57] + "..."
    return html.escape(f"{place}: {len(rows)} claims by {who}; latest: {verb} {text}")


# --- items and geometry -----------------------------------------------------------------------

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


SPREAD_MAX_PX = 28  # no marker is ever drawn further than this from its true spot
_RING_MAX = 12  # more markers than this at one spot: a sunflower inside the same radius
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def ring_radius_px(n: int) -> float:
    """Radius of the ring n markers sharing a spot are drawn on: grows with n, capped."""
    return float(min(SPREAD_MAX_PX, 10 + 2 * n))


def spread(items: list[MapItem]) -> None:
    """Draw markers that share a spot a few pixels apart, so each stays visible and clickable.

    Offsets are in screen pixels (applied by Leaflet: the markers stay together at every zoom
    and never drift from the spot on the map); the coordinates are left untouched. The first
    place dot keeps the exact spot, the other markers sit on a ring around it - or a sunflower
    for many - of radius at most SPREAD_MAX_PX. Deterministic: ordered by kind, then party."""
    spots: dict[tuple[float, float], list[MapItem]] = {}
    for item in items:
        spots.setdefault(spot_key(item.lat, item.lon), []).append(item)
    for group in spots.values():
        for item in group:
            item.offset_of, item.offset_px = len(group), (0, 0)
        if len(group) < 2:
            continue
        group.sort(key=lambda it: (KINDS.index(it.kind), it.party is None, str(it.party),
                                   str(it.row.get("place") or "")))
        ring = group[1:] if group[0].kind == "place" else group
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
    return [it for it, country in zip(items, flags)
            if not country or (s - near <= it.lat <= n + near and w - near <= it.lon <= e + near)]


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


# --- marker styles --------------------------------------------------------------------------

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


def coarse_flags(items: list["MapItem"]) -> list[bool]:
    """Per item: whether it stands for a whole country or named region. From the rows'
    ``precision`` (``views.with_precision`` gives figures and claims theirs), else, for rows
    without one, from the country place drawn at the same spot (``_country_level``)."""
    flags = []
    for item, country in zip(items, _country_level(items)):
        known = {clean(r.get("precision")) for r in item.rows} - {None, "unresolved"}
        flags.append(known <= set(COARSE_PRECISIONS) if known else country)
    return flags


def bubble_html(color: str, count: int = 1) -> str:
    """The claim marker: a speech bubble in the claimant's colour (colour must be #rrggbb),
    showing the number of claims when it stands for several."""
    if count > 1:
        return (f'<div class="geo-bubble geo-bubble-n" style="background:{color}">'
                f"{int(count)}</div>")
    return (f'<div class="geo-bubble" style="background:{color}">\u201d</div>')


def may_cluster(items: list["MapItem"]) -> bool:
    """Whether the page may draw clusters at some zoom: some layer (a party, or the places)
    has markers of one kind at two spots or more that are not country- or region-level."""
    spots: dict[tuple, set] = {}
    for item, coarse in zip(items, coarse_flags(items)):
        if not coarse and item.kind in CLUSTER_KINDS:
            layer = "__places__" if item.kind == "place" else item.party
            spots.setdefault((layer, item.kind), set()).add(spot_key(item.lat, item.lon))
    return any(len(s) > 1 for s in spots.values())


# The page's marker code: makes each MarkerLayer's markers from its JSON and, at each zoom,
# clusters them (a layer's markers of one kind within CLUSTER_PX pixels: one marker in the
# layer's colour, sized by the sum, numbered, a tooltip, a click zooms in). Added to the page
# as raw text (never compiled as a template); only escaped HTML, integers and #rrggbb colours
# reach innerHTML, names go in as textContent.
MARKERS_JS = (r"""(function () {
    "use strict";
    // Markers of geo.render.mapview's MarkerLayers, and their clustering: at each zoom, markers of
    // one layer (a party, or the places) and one kind that lie within CLUSTER_PX screen
    // pixels of each other are drawn as one cluster in the layer's colour. Markers sharing
    // one spot (drawn a few pixels apart) count as one unit: they are never clustered alone.
    // Country- or region-level markers ("fixed") and kinds not in CLUSTER_KINDS never are.
    var CLUSTER_PX = __CLUSTER_PX__;
    var MIXED_OUTLINE = "__MIXED_OUTLINE__";
    var CLUSTER_KINDS = __CLUSTER_KINDS__;
    var HEX = /^#[0-9a-fA-F]{6}$/;

    function radiusFor(count) {  // geo.render.mapview.radius_for_count: area proportional to count
        if (count === null || count === undefined) { return 6; }
        return Math.round(Math.min(4 + 1.6 * Math.sqrt(Math.max(count, 0)), 30) * 10) / 10;
    }
    function shift(layer, dx, dy) {  // drawn dx, dy screen pixels off its coordinates
        if (dx || dy) {
            var project = layer._project;
            layer._project = function () {
                project.call(this);
                this._point = this._point.add(L.point(dx, dy));
                this._updateBounds();
            };
        }
        return layer;
    }
    function tag(layer, attrs) {
        layer.on("add", function () {
            var el = layer.getElement && layer.getElement();
            if (el) { Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); }); }
        });
        return layer;
    }
    function textBlock(lines) {  // plain text only: never innerHTML
        var div = document.createElement("div");
        lines.forEach(function (line, k) {
            var p = document.createElement(k ? "div" : "b");
            p.textContent = line;
            div.appendChild(p);
        });
        return div;
    }
    function fmt(n) { return Number(n).toLocaleString("en-US"); }

    function makeMarker(data, m) {  // one marker as before clustering
        var marker;
        if (m.bubble) {  // a claim: the bubble's tail on the spot, shifted by dx, dy
            marker = L.marker([m.lat, m.lon], {icon: L.divIcon({
                html: m.bubble, iconSize: [19, 17], iconAnchor: [1 - m.dx, 17 - m.dy],
                popupAnchor: [8 + m.dx, -16 + m.dy], className: m.className})});
        } else {
            marker = shift(L.circleMarker([m.lat, m.lon], Object.assign(
                {radius: m.radius, className: m.className}, data.styles[m.style])), m.dx, m.dy);
        }
        var div = null;  // built on the first opening, then kept
        marker.bindPopup(function () {
            if (div) { return div; }
            div = document.createElement("div");
            div.className = "geo-popup";
            if (m.popup !== undefined) {
                div.innerHTML = m.popup;  // escaped in Python
            } else {  // popups fetched apart (ExternalPopups), after the first paint
                div.textContent = "Loading\u2026";
                window.geoPopups.then(function (all) {
                    div.innerHTML = all[m.popupIndex];
                    var popup = marker.getPopup();
                    // update() asks for the content again: it gets this same div
                    if (popup && popup.isOpen()) { popup.update(); }
                }, function () { div.textContent = "Popup unavailable: reload the page"; });
            }
            return div;
        }, {maxWidth: 360, maxHeight: 360});
        if (m.tooltip) { marker.bindTooltip(m.tooltip, {sticky: true}); }
        return tag(marker, {"data-items": String(m.n)});
    }

    function zoomTo(map, bounds) {  // a cluster clicked: zoom in until it splits
        var max = map.getMaxZoom();
        var zoom = Math.min(map.getBoundsZoom(bounds, false, L.point(120, 120)), max);
        if (zoom <= map.getZoom()) { zoom = Math.min(map.getZoom() + 1, max); }
        map.setView(bounds.getCenter(), zoom);
    }

    function makeCluster(entry, kind, units) {
        var data = entry.data, info = data.layer, map = entry.map;
        var first = data.markers[units[0].idx[0]];  // the heaviest unit's: the cluster's spot
        var dx = first.dx || 0, dy = first.dy || 0;
        var color = HEX.test(info.color) ? info.color : "#555555";
        var nMarkers = 0, nItems = 0, sum = null, outline = null, mixed = false, totals = {};
        var bounds = L.latLngBounds([]);
        units.forEach(function (u) {
            bounds.extend([u.lat, u.lon]);
            u.idx.forEach(function (i) {
                var m = data.markers[i];
                nMarkers += 1;
                nItems += m.n;
                if (kind !== "casualty") { return; }
                var line = data.styles[m.style].color;
                if (outline === null) { outline = line; } else if (outline !== line) { mixed = true; }
                if (m.c !== null && m.c !== undefined) {
                    sum = (sum || 0) + m.c;
                    totals[m.o] = (totals[m.o] || 0) + m.c;
                }
            });
        });
        var cls = "geo-cluster geo-cluster-" + kind + (info.slug ? " party-" + info.slug : "");
        var lines, layers = [], marker;
        if (kind === "casualty") {
            var parts = Object.keys(totals).sort(function (a, b) {
                return (b === "killed") - (a === "killed") || totals[b] - totals[a]; })
                .map(function (o) { return fmt(totals[o]) + " " + o; });
            lines = [info.name + " (victims' side): " + fmt(nMarkers) + " markers grouped",
                     fmt(nItems) + " figure" + (nItems === 1 ? "" : "s") + ": "
                     + (parts.join(", ") || "no numbers given")];
        } else if (kind === "claim") {
            lines = ["Claims by " + info.name + ": " + fmt(nMarkers) + " markers grouped",
                     fmt(nItems) + " claim" + (nItems === 1 ? "" : "s")];
        } else {
            lines = [fmt(nMarkers) + " places grouped",
                     fmt(nItems) + " mention" + (nItems === 1 ? "" : "s")];
        }
        lines.push("Click to zoom in");
        if (kind === "claim") {
            var width = 13 + 6 * String(nMarkers).length;
            marker = L.marker([first.lat, first.lon], {icon: L.divIcon({
                html: '<div class="geo-bubble geo-bubble-n geo-bubble-cluster" style="background:'
                      + color + '">' + nMarkers + "</div>",
                iconSize: [width, 19], iconAnchor: [1 - dx, 19 - dy], className: cls})});
        } else {
            var style = kind === "casualty"
                ? {radius: radiusFor(sum), color: mixed ? MIXED_OUTLINE : outline, weight: 2.5,
                   fillColor: color, fillOpacity: sum === null ? 0.3 : 0.65,
                   dashArray: sum === null ? "3 3" : null}
                : {radius: Math.min(5 + 1.2 * Math.sqrt(nMarkers), 12), color: "#ffffff",
                   weight: 1.5, fillColor: color, fillOpacity: 0.9};
            marker = shift(L.circleMarker([first.lat, first.lon],
                                          Object.assign({className: cls}, style)), dx, dy);
            var w = 6 + 7 * String(nMarkers).length;
            layers.push(L.marker([first.lat, first.lon], {interactive: false, keyboard: false,
                icon: L.divIcon({className: "geo-cluster-label", html: String(nMarkers),
                                 iconSize: [w, 14], iconAnchor: [w / 2 - dx, 7 - dy]})}));
        }
        marker.bindTooltip(textBlock(lines), {sticky: true});
        marker.on("click", function (e) {
            if (e.originalEvent) { L.DomEvent.stop(e.originalEvent); }
            zoomTo(map, bounds);
        });
        tag(marker, {"data-items": String(nItems), "data-markers": String(nMarkers)});
        layers.unshift(marker);  // the label after its circle
        return layers;
    }

    function layersAt(entry, zoom) {  // what the layer draws at this zoom
        var map = entry.map, cells = {}, centres = [], out = [];
        entry.units.forEach(function (u) {  // heaviest first: they become the centres
            if (u.fixed) { centres.push({units: [u]}); return; }
            var p = map.project([u.lat, u.lon], zoom);
            var cx = Math.floor(p.x / CLUSTER_PX), cy = Math.floor(p.y / CLUSTER_PX);
            var best = null, bestD = CLUSTER_PX * CLUSTER_PX;
            for (var i = -1; i <= 1; i++) {
                for (var j = -1; j <= 1; j++) {
                    (cells[u.kind + ":" + (cx + i) + ":" + (cy + j)] || []).forEach(function (c) {
                        var d = c.p.distanceTo(p);
                        if (d * d <= bestD) { best = c; bestD = d * d; }
                    });
                }
            }
            if (best) { best.units.push(u); return; }
            var c = {p: p, kind: u.kind, units: [u]};
            var key = u.kind + ":" + cx + ":" + cy;
            (cells[key] = cells[key] || []).push(c);
            centres.push(c);
        });
        centres.forEach(function (c) {
            if (c.units.length > 1) {
                out.push.apply(out, makeCluster(entry, c.units[0].kind, c.units));
            } else {
                c.units[0].idx.forEach(function (i) {
                    entry.made[i] = entry.made[i] || makeMarker(entry.data, entry.data.markers[i]);
                    out.push(entry.made[i]);
                });
            }
        });
        // biggest circles first: smaller ones are drawn over them
        return out.map(function (l, k) { return [l, k]; }).sort(function (a, b) {
            return ((b[0].options.radius || 0) - (a[0].options.radius || 0)) || a[1] - b[1];
        }).map(function (lk) { return lk[0]; });
    }

    function show(entry, zoom) {
        var next = entry.byZoom[zoom] || (entry.byZoom[zoom] = layersAt(entry, zoom));
        var keep = {};
        next.forEach(function (l) { keep[L.stamp(l)] = true; });
        entry.shown.forEach(function (l) { if (!keep[L.stamp(l)]) { entry.group.removeLayer(l); } });
        next.forEach(function (l) { if (!entry.group.hasLayer(l)) { entry.group.addLayer(l); } });
        entry.shown = next;
    }

    function render(map) {
        var zoom = map.getZoom(), circles = [];
        map._geoLayers.forEach(function (entry) { show(entry, zoom); });
        // across layers too: a big figure never hides a small one of another party
        map._geoLayers.forEach(function (entry) {
            entry.shown.forEach(function (l) { if (l.getRadius && l._map) { circles.push(l); } });
        });
        if (map._geoLayers.length > 1 || map._geoRendered) {  // one layer: already in order
            circles.sort(function (a, b) { return b.getRadius() - a.getRadius(); })
                .forEach(function (l) { l.bringToFront(); });
        }
        map._geoRendered = true;
        map.fire("geoclustered", {zoom: zoom});
    }

    // Called by each MarkerLayer: its markers, grouped into units (one spot, one kind)
    window.geoMarkerLayer = function (map, group, key) {
        var data = JSON.parse(window.geoMarkerData[key]);
        var units = [], bySpot = {};
        data.markers.forEach(function (m, i) {
            var kind = m.bubble ? "claim" : (data.layer.places ? "place" : "casualty");
            var id = kind + (m.spot !== undefined ? ":s" + m.spot : ":i" + i);
            var u = bySpot[id];
            if (!u) {
                u = bySpot[id] = {kind: kind, lat: m.lat, lon: m.lon, idx: [], n: 0, c: 0,
                                  fixed: false};
                units.push(u);
            }
            u.idx.push(i);
            u.n += m.n;
            u.c += m.c || 0;
            u.fixed = u.fixed || !!m.fixed || CLUSTER_KINDS.indexOf(kind) < 0;
        });
        units.forEach(function (u, k) { u.order = k; u.w = u.kind === "casualty" ? u.c : u.n; });
        units.sort(function (a, b) { return b.w - a.w || b.n - a.n || a.order - b.order; });
        var entry = {map: map, group: group, data: data, units: units, made: [], shown: [],
                     byZoom: {}};
        (map._geoLayers = map._geoLayers || []).push(entry);
        if (!map._geoPending) {  // in case no geoMarkersStart follows
            map._geoPending = true;
            setTimeout(function () { window.geoMarkersStart(map); }, 0);
        }
        return entry;
    };
    // Once the layers are made and the view is set: draw, and again after every zoom
    window.geoMarkersStart = function (map) {
        if (map._geoStarted) { return; }
        map._geoStarted = true;
        render(map);
        map.on("zoomend", function () { render(map); });
    };
})();
""".replace("__CLUSTER_PX__", str(CLUSTER_PX))
              .replace("__MIXED_OUTLINE__", MIXED_OUTLINE)
              .replace("__CLUSTER_KINDS__", json.dumps(list(CLUSTER_KINDS))))


# --- folium elements of our own ---------------------------------------------------------------

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


class FitView(MacroElement):
    """fitBounds without animation: a snapshot taken right after load must not catch the SVG
    mid-zoom (folium's FitBounds animates from the initial world view)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.fitBounds({{ this.bounds|tojson }},
            {paddingTopLeft: [45, 45], paddingBottomRight: [290, 45],  // legend, layers: right
             maxZoom: {{ this.max_zoom|tojson }}, animate: false});
        {% endmacro %}
    """)

    def __init__(self, bounds: list, max_zoom: int = 10):
        super().__init__()
        self._name = "FitView"
        self.bounds = bounds
        self.max_zoom = max_zoom

    def _get_self_bounds(self):
        return self.bounds


MAP_CSS = f"""
div.leaflet-container {{ background: {OCEAN}; }}  /* div.: wins over leaflet.css */
.geo-legend {{ background: rgba(255,255,255,0.9); padding: 4px 8px; border-radius: 5px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.3); font: 11px/1.4 system-ui, sans-serif; color: #222;
  max-width: 220px; }}
.geo-legend .geo-legend-head {{ cursor: pointer; user-select: none; white-space: nowrap; }}
.geo-legend .geo-legend-arrow {{ color: #666; }}
.geo-legend .geo-legend-body {{ max-height: calc(65vh - 24px); overflow-y: auto;
  overscroll-behavior: contain; }}
.geo-legend .geo-legend-inner {{ padding: 2px 0 3px; }}
.geo-legend.geo-collapsed .geo-legend-body {{ display: none; }}
.geo-legend .geo-key {{ display: flex; align-items: center; gap: 5px; white-space: nowrap; }}
.geo-legend .geo-sym {{ width: 18px; display: inline-flex; justify-content: center; }}
.geo-legend .geo-dot {{ display: inline-block; border-radius: 50%; }}
.geo-legend .geo-note {{ color: #666; margin-top: 2px; white-space: normal; }}
.geo-bubble {{ width: 16px; height: 14px; border-radius: 8px 8px 8px 0; color: #fff;
  font: bold 14px/18px Georgia, serif; text-align: center; border: 1.5px solid #fff;
  box-shadow: 0 0 2px rgba(0,0,0,0.6); overflow: hidden; }}
.geo-bubble-n {{ font: bold 10px/14px system-ui, sans-serif; width: auto; min-width: 16px;
  padding: 0 1px; overflow: visible; white-space: nowrap; }}
.geo-claim, .geo-cluster-claim {{ background: none; border: none; }}
.geo-bubble-cluster {{ min-width: 20px; height: 16px; font: bold 11px/16px system-ui, sans-serif;
  border: 2px solid #222; }}
.geo-cluster-label {{ font: bold 11px/14px system-ui, sans-serif; color: #fff;
  text-align: center; white-space: nowrap; pointer-events: none;
  text-shadow: 0 0 2px #000, 0 0 2px #000, 0 0 1px #000; }}
.geo-legend .geo-cluster-key {{ width: 16px; height: 16px; background: #888; color: #fff;
  border: 2.5px solid {MIXED_OUTLINE}; font: bold 9px/16px system-ui, sans-serif;
  text-align: center; }}
.geo-coarse .geo-bubble {{ border: 1.5px dashed #222; }}
.geo-title {{ position: absolute; top: 8px; left: 50%; transform: translateX(-50%);
  z-index: 800; background: rgba(255,255,255,0.92); padding: 4px 10px; border-radius: 5px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.3); font: 13px/1.35 system-ui, sans-serif; color: #222;
  max-width: 70%; text-align: center; pointer-events: none; }}
.geo-title .geo-subtitle {{ font-size: 11px; color: #555; }}
.geo-legend .geo-ramp {{ display: inline-block; width: 14px; height: 10px;
  border: 1px solid #999; }}
.geo-popup {{ font: 13px/1.4 system-ui, sans-serif; max-width: 340px; }}
.geo-popup mark {{ background: #ffe08a; padding: 0 1px; }}
.geo-popup .geo-q {{ margin: 6px 0; padding: 2px 8px; border-left: 3px solid #bbb;
  color: #333; }}
.geo-popup .geo-meta {{ margin-top: 4px; }}
.geo-popup .geo-dim {{ color: #555; }}
.geo-popup .geo-small {{ color: #888; font-size: 11px; }}
"""


def legend_html(parties_present: list[tuple[str, str]], kinds_present: set[str],
                unmapped: int = 0, offset: bool = False, aggregated: bool = False,
                outcomes_present: Iterable[str] = (), coarse: bool = False,
                areas: Optional["AreaLegend"] = None, clusters: bool = False) -> str:
    """A "Map key" header, then a body: marker-shape key + one swatch per party (name escaped
    here), the outcome outlines, the coarse-location key and the province scale.
    ``parties_present`` is [(display name, #rrggbb)]."""
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
        for name, color in parties_present:
            out.append(key(dot(11, color, color), html.escape(name)))
    outcomes = [o for o in OUTCOME_COLORS if o in set(outcomes_present)]
    if outcomes:
        out.append('<b style="display:block;margin-top:4px">Outline = outcome</b>')
        for outcome in outcomes:
            out.append(key(dot(11, "#fff", OUTCOME_COLORS[outcome]).replace("1.5px", "2.5px"),
                           html.escape(outcome)))
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
        out.append('<div class="geo-note">markers sharing a spot drawn a few pixels apart</div>')
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


# --- casualties per province (choropleth) ------------------------------------------------------

@dataclass
class AreaLegend:
    title: str
    bins: list  # [(label, #rrggbb)]
    note: str = ""


def area_breaks(totals: Iterable[float]) -> list[int]:
    """Upper bounds of up to 5 classes (quantiles of the totals, whole numbers, increasing)."""
    import numpy as np

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
    (plain text) and ``geometry`` (``views.area_totals``). Units with no figure are not drawn
    at all, so no grey needs explaining."""
    from shapely.geometry import mapping

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
                                      "coordinates": _round_coords(mapping(geom)["coordinates"], 3)}})
    return AreaLayer(features, title), area_legend(breaks, title, note)


class TitleBox(MacroElement):
    """A title over the map (exports: what the view shows). Text escaped, sent as js_string."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            var div = L.DomUtil.create("div", "geo-title", map.getContainer());
            div.innerHTML = {{ this.content_js }};
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, title: str, subtitle: str = ""):
        super().__init__()
        self._name = "TitleBox"
        sub = f'<div class="geo-subtitle">{html.escape(subtitle)}</div>' if subtitle else ""
        self.content_js = js_string(f"<b>{html.escape(title)}</b>{sub}")


# --- basemap ----------------------------------------------------------------------------------

@dataclass
class Basemap:
    """GeoJSON FeatureCollections of outlines to draw under the markers."""
    countries: Optional[dict] = None
    admin1: Optional[dict] = None
    named: Optional[dict] = None  # outlines of the named regions the items mention


def named_region_outlines(regions, names: Iterable[str], tolerance: float = 0.01) -> Optional[dict]:
    """FeatureCollection of the named regions (e.g. Nagorno-Karabakh) that ``names`` refer to.

    Properties hold only the region's id: the article's wording never reaches the page here."""
    from shapely.geometry import mapping

    features, seen = [], set()
    for name in sorted({n for n in names if isinstance(n, str) and n}):
        geom = regions.named_region(name)
        key = None if geom is None else geom.wkb
        if geom is None or key in seen:
            continue
        seen.add(key)
        features.append({"type": "Feature", "properties": {},
                         "geometry": mapping(geom.simplify(tolerance, preserve_topology=True))})
    return {"type": "FeatureCollection", "features": features} if features else None


def load_basemap(regions=None, country_codes: Iterable[str] = (),
                 region_names: Iterable[str] = (), with_countries: bool = True) -> Basemap:
    """Country outlines, plus admin-1 outlines of ``country_codes``, from ``geo.places.regions``.
    An empty Basemap when the boundaries are not available (the map still renders)."""
    if regions is None:
        try:
            from geo.places.regions import load_regions
            regions = load_regions()
        except (ImportError, OSError, ValueError):
            return Basemap()
    codes = sorted({c for c in country_codes if c})
    try:
        countries = regions.basemap_geojson(level="countries") if with_countries else None
    except (OSError, ValueError, KeyError):
        countries = None
    admin1 = None
    if codes:
        try:
            admin1 = regions.basemap_geojson(level="admin1", country_codes=codes)
        except (OSError, ValueError, KeyError):
            admin1 = None
    try:
        named = named_region_outlines(regions, region_names)
    except (AttributeError, TypeError, ValueError):
        named = None
    return Basemap(countries, admin1, named)


def _round_coords(coords: Any, ndigits: int) -> Any:
    if isinstance(coords, (list, tuple)):
        if coords and isinstance(coords[0], (int, float)):
            return [round(float(c), ndigits) for c in coords]
        return [_round_coords(c, ndigits) for c in coords]
    return coords


def slim_geojson(fc: Optional[dict], ndigits: int = 3) -> Optional[dict]:
    """The collection with coordinates rounded (~100 m: smaller page) and only the ISO code
    kept in properties (outlines are not interactive: names would only add bytes)."""
    if not fc or not fc.get("features"):
        return None
    features = []
    for feat in fc["features"]:
        geom = feat.get("geometry")
        if not geom:
            continue
        props = feat.get("properties") or {}
        features.append({"type": "Feature",
                         "properties": {"iso_a2": slug(props.get("iso_a2"))},
                         "geometry": {"type": geom["type"],
                                      "coordinates": _round_coords(geom.get("coordinates"), ndigits)}})
    return {"type": "FeatureCollection", "features": features} if features else None


def _as_basemap(basemap: Any, regions: Any, country_codes: Iterable[str],
                region_names: Iterable[str] = (), with_countries: bool = True) -> Basemap:
    if basemap is False:
        return Basemap()
    if isinstance(basemap, Basemap):
        return basemap
    if isinstance(basemap, Mapping) and basemap.get("type") == "FeatureCollection":
        return Basemap(countries=dict(basemap))
    if isinstance(basemap, Mapping):
        return Basemap(basemap.get("countries"), basemap.get("admin1"))
    if basemap is None:
        return load_basemap(regions, country_codes, region_names, with_countries)
    raise TypeError(f"basemap: expected Basemap, FeatureCollection dict, False or None, "
                    f"got {type(basemap).__name__}")


BASEMAP_FILE = Path("basemap") / "countries.json"
BASEMAP_PANE = "geo-basemap"
COUNTRY_STYLE = {"color": COUNTRY_LINE, "weight": 0.8, "fillColor": LAND, "fillOpacity": 1.0}


def ensure_static_basemap(regions=None, static_dir: Path | str = assets.STATIC_DIR) -> dict:
    """Write the world's country outlines once as static/basemap/countries.json, so the
    dashboard's page fetches them from Streamlit's static route instead of carrying ~1 MB of
    GeoJSON in every rerun. Rewritten when the boundaries file changes. Returns
    ``{"countries_geojson": URL}``, or {} when the boundaries are not available."""
    from geo.places.regions import BOUNDARIES_PATH, load_regions

    path = Path(static_dir) / BASEMAP_FILE
    stamp_path = path.with_suffix(".stamp")
    try:
        source = BOUNDARIES_PATH.stat()
    except OSError:
        return {}
    stamp = f"{source.st_size}-{int(source.st_mtime)}"
    if not (path.exists() and stamp_path.exists() and stamp_path.read_text() == stamp):
        countries = slim_geojson((regions or load_regions()).basemap_geojson(level="countries"))
        if not countries:
            return {}
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(countries, separators=(",", ":")), encoding="utf-8")
        tmp.replace(path)  # readers never see a half-written file
        stamp_path.write_text(stamp)
    return {"countries_geojson": assets.STATIC_URL_PREFIX + BASEMAP_FILE.as_posix()}


class FetchedGeoJson(MacroElement):
    """A non-interactive GeoJSON layer the page fetches from a (same-origin) URL, drawn in its
    own pane under the markers. Only trusted values (our URL and style) reach the template."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            var pane = map.getPane('geo-basemap') || map.createPane('geo-basemap');
            pane.style.zIndex = 250;
            pane.style.pointerEvents = 'none';
            fetch({{ this.url|tojson }}).then(function (r) { return r.json(); })
                .then(function (data) {
                    L.geoJSON(data, {pane: 'geo-basemap', interactive: false,
                                     style: {{ this.style|tojson }}}).addTo(map);
                });
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, url: str, style: dict):
        super().__init__()
        self._name = "FetchedGeoJson"
        self.url, self.style = url, style


def _add_basemap(fmap: folium.Map, basemap: Basemap, countries_url: Optional[str] = None
                 ) -> None:
    countries = None if countries_url else slim_geojson(basemap.countries)
    # every outline in one pane under the province shading and the markers
    folium.map.CustomPane(BASEMAP_PANE, z_index=250, pointer_events=False).add_to(fmap)
    if countries_url:
        FetchedGeoJson(countries_url, COUNTRY_STYLE).add_to(fmap)
    if countries:
        folium.GeoJson(countries, name="Countries", control=False, interactive=False,
                       pane=BASEMAP_PANE,
                       style_function=lambda _: COUNTRY_STYLE).add_to(fmap)
    admin1 = slim_geojson(basemap.admin1)
    if admin1:
        folium.GeoJson(admin1, name="Provinces", control=False, interactive=False,
                       pane=BASEMAP_PANE,
                       style_function=lambda _: {"color": ADMIN1_LINE, "weight": 0.6,
                                                 "dashArray": "2 3", "fill": False}
                       ).add_to(fmap)
    named = slim_geojson(basemap.named)
    if named:
        folium.GeoJson(named, name="Named regions", control=False, interactive=False,
                       pane=BASEMAP_PANE,
                       style_function=lambda _: {"color": NAMED_REGION_LINE, "weight": 1.5,
                                                 "fillColor": NAMED_REGION_LINE,
                                                 "fillOpacity": 0.08, "dashArray": "6 4"}
                       ).add_to(fmap)


# --- assets -----------------------------------------------------------------------------------

def _set_assets(fmap: folium.Map, asset_mode: str, static_urls: Optional[Mapping]) -> None:
    """Replace folium's CDN links (Leaflet, jQuery, Bootstrap, awesome-markers, Font Awesome)
    by Leaflet alone. Instance attributes: folium's class-level lists stay untouched."""
    if asset_mode == "inline":
        fmap.default_js, fmap.default_css = [], []
        js, css = assets.inline_assets()
        fmap.get_root().header.add_child(
            RawHtml(f"<style>{css}</style>\n<script>{js}</script>"), name="geo_leaflet_inline",
            index=0)
        return
    urls = dict(_CDN if asset_mode == "cdn" else (static_urls or assets.static_urls()))
    fmap.default_js = [("leaflet", urls["leaflet_js"])]
    fmap.default_css = [("leaflet_css", urls["leaflet_css"])]


# --- the map ----------------------------------------------------------------------------------

def build_map(frame: Optional[pd.DataFrame], parties=None, basemap: Any = None,
              online_tiles: bool = False, asset_mode: str = "static",
              static_urls: Optional[Mapping[str, str]] = None, regions=None,
              group_places: bool = True, width: Any = "100%", height: Any = "100%",
              title: Optional[str] = None, subtitle: str = "", areas=None,
              areas_title: str = "Casualties per province", areas_note: str = "",
              store_popups: Optional[Callable[[list[str]], str]] = None) -> folium.Map:
    """The folium map of ``frame`` (columns ``records.MAP_COLUMNS``).

    parties: a PartyTable (names, colours); loaded from ``geo.parties`` when None.
    basemap: a Basemap, a countries FeatureCollection, ``{"countries":..., "admin1":...}``,
        False for none, or None to load outlines from ``regions`` (or ``geo.places.regions``).
    online_tiles: add OpenStreetMap tiles (the only network access the page then makes).
    asset_mode: where Leaflet comes from - "static" (Streamlit's /app/static/, see
        ``assets.ensure_static_assets``; pass its result as ``static_urls``), "inline"
        (standalone file; does not work inside st_folium) or "cdn".
    group_places: one marker per distinct place instead of one per mention.
    title, subtitle: a title box over the map (exports: the filter summary).
    areas: casualties per province or region (``views.area_totals``): a choropleth layer.
    store_popups: keeps the popups out of the page (``write_static_popups``: the dashboard,
        where they are fetched after the first paint); exports carry them inline.
    """
    if asset_mode not in ASSET_MODES:
        raise ValueError(f"asset_mode: expected one of {ASSET_MODES}, got {asset_mode!r}")
    names = PartyNames(_load_parties() if parties is None else parties)
    rows = frame_rows(frame)
    items, unmapped = map_items(rows, group_places=group_places)
    spread(items)

    fmap = folium.Map(location=list(WORLD_CENTER), zoom_start=WORLD_ZOOM, tiles=None,
                      width=width, height=height, control_scale=True, world_copy_jump=True,
                      zoom_snap=0.25)  # fractional zoom: fit the items snugly
    fmap.get_root().header.add_child(RawHtml(f"<style>{MAP_CSS}</style>"), name="geo_map_css")
    _set_assets(fmap, asset_mode, static_urls)
    if online_tiles:
        folium.TileLayer("OpenStreetMap", control=False).add_to(fmap)
    codes = {r.get("country_code") for r in rows if r.get("kind") in KINDS}
    region_names = {r.get("place") for r in rows if r.get("precision") == "region"}
    # In the dashboard the world's outlines are a static file the page fetches (see
    # ensure_static_basemap); exports carry them inline.
    countries_url = ((static_urls or {}).get("countries_geojson")
                     if asset_mode == "static" and basemap is None else None)
    _add_basemap(fmap, _as_basemap(basemap, regions, codes, region_names,
                                   with_countries=not countries_url), countries_url)

    layer, area_key = area_layer(areas, areas_title, areas_note)
    cap = MAX_AGGREGATE_ITEMS if len(rows) <= LARGE_MAP_ROWS else LARGE_MAP_POPUP_ITEMS
    layers = _add_markers(fmap, items, names, layer, cap, store_popups)

    present = _parties_present(items, names)
    outcomes = {clean(it.row.get("outcome")) for it in items if it.kind == "casualty"}
    LegendControl(legend_html(present, {it.kind for it in items}, unmapped,
                              offset=any(it.offset_of > 1 for it in items),
                              aggregated=any(it.kind != "place" and len(it.rows) > 1
                                             for it in items),
                              outcomes_present=outcomes, coarse=any(coarse_flags(items)),
                              areas=area_key, clusters=may_cluster(items)),
                  # a titled map is an export (a snapshot): its key must be readable as is
                  collapsed=len(present) > MAX_EXPANDED_PARTIES and not title).add_to(fmap)
    if title:
        TitleBox(title, subtitle).add_to(fmap)
    bounds = view_bounds(items)
    if bounds:
        FitView(bounds, MAX_FIT_ZOOM).add_to(fmap)
    if layers:
        MarkersStart().add_to(fmap)
    return fmap


def _load_parties():
    try:
        from geo.parties import load_parties
        return load_parties()
    except (ImportError, OSError, ValueError):
        return None  # names fall back to ids, colours to a stable hash


def _parties_present(items: list[MapItem], names: PartyNames) -> list[tuple[str, str]]:
    seen: dict[Any, tuple[str, str]] = {}
    for item in items:
        if item.kind != "place" and item.party not in seen:
            seen[item.party] = (names.name(item.party), names.color(item.party))
    return sorted(seen.values(), key=lambda nc: (nc[0] == "Unattributed", nc[0].lower()))


_LEAFLET_OPTION = {"fill_color": "fillColor", "fill_opacity": "fillOpacity",
                   "dash_array": "dashArray"}


def _leaflet_style(style: Mapping) -> dict:
    """A folium-style dict (snake_case) as Leaflet path options, radius and Nones left out."""
    return {_LEAFLET_OPTION.get(k, k): v for k, v in style.items()
            if v is not None and k != "radius"}


def marker_record(item: MapItem, names: PartyNames, coarse: bool = False,
                  cap: int = MAX_AGGREGATE_ITEMS) -> dict:
    """What the page needs to draw one marker: position, screen offset, classes, style,
    radius (circles) or bubble HTML (claims), how many items, popup and tooltip HTML (escaped
    here)."""
    n = len(item.rows)
    classes = (f"geo-marker geo-{item.kind} party-{slug(item.party)}"
               + (f" outcome-{slug(item.row.get('outcome'))}" if item.kind == "casualty" else "")
               + (" geo-coarse" if coarse else ""))
    dx, dy = item.offset_px
    record = {"lat": round(item.lat, 5), "lon": round(item.lon, 5), "dx": dx, "dy": dy,
              "className": classes, "n": n,
              "tooltip": aggregate_tooltip(item.kind, item.rows, names)}
    if item.kind == "place":
        style = COARSE_PLACE_STYLE if coarse else PLACE_STYLE
        record.update(radius=style["radius"], style=_leaflet_style(style),
                      popup=place_popup(item.rows))
    elif item.kind == "casualty":
        style = aggregate_casualty_style(item.rows, names.color(item.party), coarse)
        record.update(radius=style["radius"], style=_leaflet_style(style),
                      popup=casualty_aggregate_popup(item.rows, names, cap))
        # what a cluster adds up (``MARKERS_JS``): the figures' sum, per outcome
        counts = [c for c in (figure_count(r) for r in item.rows) if c is not None]
        record.update(c=sum(max(c, 0) for c in counts) if counts else None,
                      o=str(clean(item.row.get("outcome")) or "affected"))
    else:
        record.update(bubble=bubble_html(names.color(item.party), n),
                      popup=claim_aggregate_popup(item.rows, names, cap))
    if coarse:
        record["fixed"] = 1  # a country or region: never clustered with towns
    return record


class MarkerLayer(folium.map.Layer):
    """One layer-control entry (a party, or the places) holding its markers as one compact
    JSON array that ``MARKERS_JS`` in the page turns into CircleMarkers and DivIcon bubbles:
    with 10,000 items a folium element per marker made a 20 MB page that took seconds to
    render.

    At each zoom, markers of the layer of one kind within ``CLUSTER_PX`` screen pixels of
    each other are drawn as one cluster (``geo-cluster``) in the layer's colour; clicking it
    zooms in. Popups are built when opened (``bindPopup`` with a function); circles sharing a
    spot are drawn ``dx, dy`` screen pixels off their coordinates at every zoom; each marker
    element is tagged ``data-items`` (how many items it stands for). The data travels as a
    ``js_string`` (inert in <script> and in Jinja) and holds only HTML escaped in Python; the
    layer's name reaches the page as text (``textContent``), its colour only as #rrggbb."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.featureGroup();
        geoMarkerLayer({{ this._parent.get_name() }}, {{ this.get_name() }},
                       {{ this.data_key|tojson }});
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, name: str, records: list[dict], show: bool = True,
                 color: str = PLACE_COLOR, party_class: str = "", places: bool = False):
        super().__init__(name=html_label(name), overlay=True, control=True, show=show)
        self._name = "MarkerLayer"
        # biggest circles first: smaller ones are drawn over them within the layer
        self.records = sorted(records, key=lambda r: -(r.get("radius") or 0))
        # each distinct style once (a few dozen for thousands of markers)
        styles: dict[str, int] = {}
        markers = []
        for record in self.records:
            record = dict(record)
            if "style" in record:
                key = json.dumps(record["style"], sort_keys=True)
                record["style"] = styles.setdefault(key, len(styles))
            markers.append(record)
        if not _HEX.match(color):
            raise ValueError(f"MarkerLayer colour: expected #rrggbb, got {color!r}")
        # plain text: the page sets the name with textContent, never as HTML
        layer = {"name": name, "color": color, "slug": slug(party_class) if party_class else "",
                 "places": bool(places)}
        data = {"layer": layer, "styles": [json.loads(k) for k in styles], "markers": markers}
        self.data_js = js_string(json.dumps(data, separators=(",", ":")))
        self.data_key = hashlib.sha1(self.data_js.encode()).hexdigest()[:16]

    def render(self, **kwargs):
        # The data goes into the page's header as raw text: an element's script output is
        # compiled again as a Jinja template by branca, which took seconds on 10 MB of data.
        self.get_root().header.add_child(RawHtml(f"<script>{MARKERS_JS}</script>"),
                                         name="geo_markers_js")
        self.get_root().header.add_child(RawHtml(
            "<script>window.geoMarkerData = window.geoMarkerData || {};"
            f"window.geoMarkerData[{json.dumps(self.data_key)}] = {self.data_js};</script>"),
            name=f"geo_markers_{self.data_key}")
        super().render(**kwargs)


def write_static_popups(popups: list[str], static_dir: Path | str = assets.STATIC_DIR) -> str:
    """Store a map's popups (escaped HTML) as static/popups/<hash>.json for Streamlit to
    serve; returns the URL path (``assets.write_static``)."""
    data = json.dumps(popups, separators=(",", ":")).encode("utf-8")
    return assets.write_static("popups", data, ".json", static_dir=static_dir)


class ExternalPopups(MacroElement):
    """Starts fetching the popups stored apart (``write_static_popups``): the page paints its
    markers without them and a popup opened before they arrive fills in when they do."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.geoPopups = fetch({{ this.url|tojson }}).then(function (r) {
            if (!r.ok) { throw new Error(r.status); }
            return r.json();
        });
        {% endmacro %}
    """)

    def __init__(self, url: str):
        super().__init__()
        self._name = "ExternalPopups"
        self.url = url


class MarkersStart(MacroElement):
    """Once every MarkerLayer is made and the view is fitted: draws their markers (clustered
    for the zoom, circles stacked largest first across layers, so a big figure never hides a
    small one of another party), and again after every zoom (``MARKERS_JS``)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        geoMarkersStart({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "MarkersStart"


def _add_markers(fmap: folium.Map, items: list[MapItem], names: PartyNames,
                 areas_layer=None, cap: int = MAX_AGGREGATE_ITEMS,
                 store_popups: Optional[Callable[[list[str]], str]] = None) -> list[MarkerLayer]:
    """Adds one MarkerLayer per party (places in their own, first, so they sit under the
    figures) and the layer control; returns the layers. With ``store_popups`` the popups are
    handed to it and fetched from the URL it returns instead of travelling in the page."""
    records: dict[Any, list[dict]] = {}
    popups: list[str] = []
    spots: dict[tuple[float, float], int] = {}
    for item, coarse in zip(items, coarse_flags(items)):
        key = "__places__" if item.kind == "place" else item.party
        record = marker_record(item, names, coarse, cap)
        if item.offset_of > 1:  # markers sharing a spot are clustered together or not at all
            record["spot"] = spots.setdefault(spot_key(item.lat, item.lon), len(spots))
        if store_popups is not None:
            record["popupIndex"] = len(popups)
            popups.append(record.pop("popup"))
        records.setdefault(key, []).append(record)
    if popups:
        ExternalPopups(store_popups(popups)).add_to(fmap)

    def order(key: Any) -> tuple:
        return (key != "__places__", key is None, names.name(key).lower() if key else "")
    if areas_layer is not None:
        areas_layer.add_to(fmap)
    layers = []
    for key in sorted(records, key=order):
        if key == "__places__":
            layer = MarkerLayer("Places", records[key], color=PLACE_COLOR, places=True)
        else:
            layer = MarkerLayer(names.name(key), records[key], color=names.color(key),
                                party_class=slug(key))
        layers.append(layer.add_to(fmap))
    if layers or areas_layer is not None:
        n_parties = sum(1 for key in records if key != "__places__")
        folium.LayerControl(collapsed=n_parties > MAX_EXPANDED_PARTIES).add_to(fmap)
    return layers
