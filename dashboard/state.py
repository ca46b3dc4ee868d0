"""The filters as the page's state: read from the URL on a session's first run, then from the
widgets, and written back to the URL so a link reopens the same view."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from geo.report import Filters, preset_range, selected_span, url_date_range


@dataclass(frozen=True)
class Bounds:
    """The store's dates, parties and conflicts: what the filter widgets can offer."""
    first: str | None
    last: str | None
    lo: date
    hi: date
    parties: list[str]
    conflicts: tuple = ()  # the conflicts of the stored articles (``geo.report.conflicts``)

    def clamp(self, day: date) -> date:
        return min(max(day, self.lo), self.hi)


def init_from_url(bounds: Bounds) -> None:
    """Fill the widgets' state from the URL, once per session."""
    state = st.session_state
    if state.get("filters_ready"):
        return
    url = Filters.from_params(st.query_params)
    state["dates"] = url_date_range(url, bounds.lo, bounds.hi)
    state["undated"] = url.include_undated
    state["parties"] = [p for p in url.parties if p in bounds.parties]
    state["conflicts"] = [c for c in url.conflicts if c in bounds.conflicts]
    state["kinds"] = list(url.kinds)
    state["outcomes"] = list(url.outcomes)
    state["actors"] = [p for p in url.actors if p in bounds.parties]
    state["event_types"] = list(url.event_types)
    state["precision"] = url.min_precision or "any"
    state["search"] = url.search
    state["filters_ready"] = True


def apply_preset(bounds: Bounds) -> None:
    """A preset sets the date slider, then lets go (the slider is the state)."""
    preset = st.session_state.get("preset")
    if preset:
        st.session_state["dates"] = preset_range(preset, bounds.first, bounds.last)
    st.session_state["preset"] = None


def apply_timeline_span(bounds: Bounds) -> None:
    """A span dragged across the timeline narrows the dates."""
    span = selected_span(st.session_state.get("timeline"))
    if span:
        st.session_state["dates"] = (bounds.clamp(span[0]), bounds.clamp(span[1]))


def current_filters(bounds: Bounds) -> Filters:
    state = st.session_state
    lo, hi = state["dates"]
    whole = (lo, hi) == (bounds.lo, bounds.hi)
    return Filters(date_from=None if whole else lo.isoformat(),
                   date_to=None if whole else hi.isoformat(),
                   parties=tuple(state["parties"]), kinds=tuple(state["kinds"]),
                   outcomes=tuple(state["outcomes"]),
                   actors=tuple(state.get("actors", ())),
                   event_types=tuple(state.get("event_types", ())),
                   min_precision=None if state["precision"] == "any" else state["precision"],
                   search=state["search"], include_undated=state["undated"],
                   conflicts=tuple(c for c in state.get("conflicts", ()) if c in bounds.conflicts))


def sync_url(filters: Filters) -> None:
    """The URL always says what is shown (setting it does not rerun the script)."""
    if Filters.from_params(st.query_params) != filters:
        st.query_params.from_dict(filters.to_params())
