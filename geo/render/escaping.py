"""Making untrusted text safe for the page: HTML escaping, CSS class names, link checks, JS
string literals, and raw markup branca must not compile as a template."""
from __future__ import annotations

import html
import json
import re
from typing import Any, Optional
from urllib.parse import urlparse

from branca.element import Element

from geo.report import clean


def esc(value: Any) -> str:
    """Escaped text of an untrusted value ('' when missing)."""
    value = clean(value)
    return "" if value is None else html.escape(str(value), quote=True)


def css_class(value: Any) -> str:
    """A CSS-class-safe form of a value such as a party id or an outcome ('none' when
    missing). Not ``parties.slug``, which makes a party id from a name."""
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
