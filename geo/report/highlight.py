"""An article as HTML with its figures, claims, places and boilerplate marked. The article
is untrusted: everything from it is escaped here before it becomes HTML."""
from __future__ import annotations

import html

from geo.report.labels import PartyNames


def _spans(detail: dict) -> list[tuple]:
    spans = []
    for kind in ("casualties", "claims"):
        for item in detail.get(kind) or []:
            if item.get("start") is None or item.get("end") is None:
                continue
            who = item.get("party") if kind == "casualties" else item.get("claimant")
            spans.append((int(item["start"]), int(item["end"]), kind[:-1] if kind == "claims"
                          else "casualty", who))
    for item in detail.get("places") or []:
        spans.append((int(item["start"]), int(item["end"]), "place", None))
    for start, end in detail.get("boilerplate") or []:
        spans.append((int(start), int(end), "boilerplate", None))
    # longest first at the same start; a span inside a kept one is marked within it (a
    # figure inside a claim's quote), one level deep; other overlapping spans are dropped
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    kept = _greedy(spans)
    inner = [s for s in spans if s not in kept and s[2] != "boilerplate"]
    return [(*span, _greedy([s for s in inner if span[0] <= s[0] and s[1] <= span[1]]))
            for span in kept]


def _greedy(spans: list) -> list:
    """The spans (sorted by start) that do not overlap an earlier kept one."""
    kept, last_end = [], -1
    for span in spans:
        if span[0] >= last_end:
            kept.append(span)
            last_end = span[1]
    return kept


def _marked(text: str, start: int, end: int, kind: str, who, names: PartyNames,
            inside: list) -> str:
    """``text[start:end]`` as one escaped <mark> of ``kind``, with the ``inside`` spans
    marked within it."""
    color = names.color(who)  # validated #rrggbb: it goes into a style
    style = {"place": "border-bottom:2px solid #888;background:none",
             "boilerplate": "color:#999;background:none;text-decoration:line-through"
             }.get(kind, f"background:{color}33;border-bottom:2px solid {color}")
    title = {"place": "place", "boilerplate": "boilerplate: nothing is extracted here"
             }.get(kind, f"{kind}: {names.name(who, default='unattributed')}")
    body, pos = [], start
    for s, e, k, w in inside:
        body.append(html.escape(text[pos:s]))
        body.append(_marked(text, s, e, k, w, names, []))
        pos = e
    body.append(html.escape(text[pos:end]))
    return f'<mark class="geo-{kind}" style="{style}" title="{html.escape(title)}">' \
        f'{"".join(body)}</mark>'


def highlight_article(detail: dict, parties=None) -> str:
    """The article text as escaped HTML with each figure, claim and place marked (a figure
    or place inside a claim marked within the claim's mark)."""
    text = detail.get("text") or ""
    out, pos = [], 0
    names = PartyNames(parties)
    for start, end, kind, who, inside in _spans(detail):
        out.append(html.escape(text[pos:start]))
        out.append(_marked(text, start, end, kind, who, names, inside))
        pos = end
    out.append(html.escape(text[pos:]))
    body = "".join(out).replace("\n", "<br>")
    return f'<div class="geo-article" style="line-height:1.6">{body}</div>'
