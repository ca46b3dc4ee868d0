"""Time playback on the map: a control (``PlaybackControl``, drawn by playback.js, a file of
this package) that steps the markers through days, weeks or months, everything up to the
current period or the current period alone, with play, pause, steps, a slider and a date
label.

Nothing is rendered again in Python: each marker record carries the day of each of its rows
(``row_day``, key ``d``; markers.py), and markers.js shows, sizes and clusters only the rows
in the period asked (``geoMarkersWindow``). Stopped, the map is the map as drawn without it.

Hooks for tests and the browser: the control is ``.geo-playback`` (``data-state`` off, paused
or playing), its buttons ``.geo-play``, ``.geo-back``, ``.geo-forward``, ``.geo-reset``, the
selects ``.geo-step`` (day, week, month) and ``.geo-mode`` (cumulative, period), the slider
``.geo-scrub``, the label ``.geo-playback-label`` and the note on undated items
``.geo-playback-undated``."""
from __future__ import annotations

import functools
from datetime import date
from importlib import resources
from typing import Mapping, Optional

from branca.element import MacroElement
from folium.template import Template

from geo.render.escaping import RawHtml

_EPOCH = date(1970, 1, 1).toordinal()
STEPS = ("day", "week", "month")
MODES = ("cumulative", "period")
STEP_MS = 1000  # one step a second when playing (the control offers faster and slower)


def row_day(row: Mapping) -> Optional[int]:
    """The day a map row is played at, as days since 1970-01-01: its own date (the event's),
    else its article's date; None when it has neither (never shown during playback)."""
    for key in ("date", "article_date"):
        value = row.get(key)
        if value is None:
            continue
        try:
            return date.fromisoformat(str(value)[:10]).toordinal() - _EPOCH
        except ValueError:
            continue
    return None


def default_step(days: list[Optional[int]]) -> str:
    """The step the control starts with: days over two months at most, weeks over two years
    at most, else months (a few dozen steps to play, not hundreds)."""
    known = [d for d in days if d is not None]
    span = max(known) - min(known) if known else 0
    return "day" if span <= 62 else "week" if span <= 731 else "month"


@functools.cache
def playback_js() -> str:
    """The control's code (playback.js), added to the page as raw text."""
    return resources.files(__package__).joinpath("playback.js").read_text(encoding="utf-8")


class PlaybackControl(MacroElement):
    """The playback control, bottom left (after the markers: it reads their days). Built
    with DOM calls and addEventListener: no inline handler, no HTML from the data."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        geoPlayback({{ this._parent.get_name() }}, {{ this.options|tojson }});
        {% endmacro %}
    """)

    def __init__(self, step: str = "day", mode: str = "cumulative", position: str = "bottomleft"):
        super().__init__()
        self._name = "PlaybackControl"
        if step not in STEPS:
            raise ValueError(f"step: expected one of {STEPS}, got {step!r}")
        if mode not in MODES:
            raise ValueError(f"mode: expected one of {MODES}, got {mode!r}")
        self.options = {"step": step, "mode": mode, "position": position, "ms": STEP_MS}

    def render(self, **kwargs):
        self.get_root().header.add_child(RawHtml(f"<script>{playback_js()}</script>"),
                                         name="geo_playback_js")
        super().render(**kwargs)
