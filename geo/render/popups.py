"""The text of popups and tooltips: one item, or an aggregate of the items at one spot
(newest first). Every article string is escaped here."""
from __future__ import annotations

import html
from typing import Any, Iterable, Mapping, Optional

from geo.render.escaping import esc, safe_url
from geo.report import (EVENT_TYPE_LABELS, QUOTE_CONTEXT_CHARS, PartyNames, actor_name,
                        as_int, clean, clip_text, figure_count, figure_phrase, figure_sentence,
                        is_vague, reporter_phrase)

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
        return html.escape(clip_text(sentence, 0, QUOTE_CONTEXT_CHARS))
    before = clip_text(sentence[:a], len(sentence[:a]), len(sentence[:a]))
    return (html.escape(before) + "<mark>" + html.escape(sentence[a:b]) + "</mark>"
            + html.escape(clip_text(sentence[b:], 0, 0)))


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
    """'<b>Ukraine says:</b> 14 civilians killed', or with an actor '<b>Russian shelling
    killed 14 of Ukraine's civilians</b>, according to Ukraine' (escaped), and the event's
    type when its sentence gave one."""
    kind = EVENT_TYPE_LABELS.get(clean(row.get("event_type")) or "")
    event = f'<br><span class="geo-event">Event: {html.escape(kind)}</span>' if kind else ""
    if actor_name(row, names):
        text, _, said = figure_sentence(row, names).partition(", according to ")
        said = f", according to {html.escape(said)}" if said else ""
        return f"<b>{html.escape(text)}</b>{said}{event}"
    says = reporter_phrase(row, names) or "Reported"
    return f"<b>{html.escape(says)}:</b> {html.escape(figure_phrase(row))}{event}"


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
    said = clean(row.get("claim_text")) or clean(row.get("sentence"))
    text = html.escape(clip_text(str(said), 0, QUOTE_CONTEXT_CHARS)) if said else ""
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


def coarse_level(rows: Iterable[Mapping]) -> str:
    """'region' when the rows are placed at a named region only, else 'country'."""
    return ("region" if any(clean(r.get("precision")) == "region" for r in rows)
            else "country")


def coarse_note(rows: list[Mapping]) -> str:
    """The first line of a country- or region-level marker's popup: where it is drawn and
    why (escaped)."""
    level = coarse_level(rows)
    place = commonest_place_name(rows)
    where = f" ({html.escape(place)})" if place else ""
    return (f'<div class="geo-coarse-note"><b>{level.capitalize()}-level{where}:</b> drawn at '
            f"the {level}'s centre point, since the article names no finer place; not where "
            "it happened</div>")


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

