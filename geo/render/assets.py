"""Leaflet's JS/CSS for offline maps, taken from the installed ``xstatic`` packages.

Two ways to ship them, both with no CDN:

* ``ensure_static_assets()`` copies them under ``static/vendor/`` so Streamlit serves them at
  ``/app/static/vendor/...`` (``server.enableStaticServing = true``; the folder is ``static/``
  beside the main script). The copies are not committed: they are made on first use.
* ``inline_assets()`` returns the JS and CSS text (images turned into data: URIs) to inline into
  a standalone HTML export that opens anywhere, offline included.

Only Leaflet itself is needed: the map uses CircleMarker, DivIcon and GeoJSON layers, so no
marker images, jQuery, Bootstrap or awesome-markers.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from geo.config import PROJECT_DIR

STATIC_DIR = PROJECT_DIR / "static"
# Streamlit's route for the app's own static files (streamlit.url_util.STATIC_SERVING_ENDPOINT).
STATIC_URL_PREFIX = "/app/static/"
VENDOR_SUBDIR = "vendor"


class AssetsNotFound(RuntimeError):
    """An xstatic package with the map's JS/CSS is not installed."""


@dataclass(frozen=True)
class Asset:
    """One vendored library: where its files are inside an xstatic package."""
    name: str  # folder under static/vendor/
    package: str  # importable xstatic module
    js: str  # file names relative to the package's BASE_DIR
    css: str
    images: str = ""  # folder of images the CSS refers to ("" = none)


LEAFLET = Asset("leaflet", "xstatic.pkg.leaflet", "leaflet.js", "leaflet.css", "images")
ASSETS = (LEAFLET,)


def package_dir(asset: Asset) -> Path:
    """The data folder of the installed xstatic package holding ``asset``."""
    try:
        module = __import__(asset.package, fromlist=["BASE_DIR"])
    except ImportError as err:
        pip_name = "xstatic-" + asset.package.rsplit(".", 1)[-1].replace("_", "-")
        raise AssetsNotFound(f"{asset.package} is not installed: pip install {pip_name}") from err
    base = Path(module.BASE_DIR)
    if not (base / asset.js).is_file():
        raise AssetsNotFound(f"{asset.js} not found in {base}")
    return base


def static_urls(asset: Asset = LEAFLET) -> dict[str, str]:
    """URL paths Streamlit serves ``asset`` at once copied (root-relative, so they also work from
    inside the st_folium component iframe, which has the same origin)."""
    base = f"{STATIC_URL_PREFIX}{VENDOR_SUBDIR}/{asset.name}/"
    return {f"{asset.name}_js": base + asset.js, f"{asset.name}_css": base + asset.css}


def ensure_static_assets(static_dir: Path | str = STATIC_DIR) -> dict[str, str]:
    """Copy the vendored JS/CSS under ``static_dir/vendor/`` (idempotent; copies again only when a
    file is missing or differs in size) and return their URL paths, e.g.
    ``{"leaflet_js": "/app/static/vendor/leaflet/leaflet.js", "leaflet_css": ...}``."""
    urls: dict[str, str] = {}
    for asset in ASSETS:
        src = package_dir(asset)
        dst = Path(static_dir) / VENDOR_SUBDIR / asset.name
        names = [asset.js, asset.css]
        if asset.images:
            names += [f"{asset.images}/{p.name}" for p in sorted((src / asset.images).glob("*.png"))]
        for name in names:
            _copy_if_changed(src / name, dst / name)
        urls.update(static_urls(asset))
    return urls


def _copy_if_changed(src: Path, dst: Path) -> None:
    if dst.is_file() and dst.stat().st_size == src.stat().st_size:
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(dst.name + ".tmp")
    shutil.copyfile(src, tmp)
    tmp.replace(dst)  # atomic: a concurrent request never sees half a file


def write_static(subdir: str, data: bytes, suffix: str, keep: int = 64,
                 static_dir: Path | str = STATIC_DIR) -> str:
    """Store ``data`` as static/<subdir>/<hash><suffix> for Streamlit to serve and return its
    URL path. Content-addressed (the same bytes write nothing new: a rerun of the same view
    costs a stat); only the ``keep`` newest files of the folder are kept."""
    folder = Path(static_dir) / subdir
    path = folder / f"{hashlib.sha1(data).hexdigest()[:20]}{suffix}"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)  # atomic: a concurrent request never sees half a file
        for old in sorted(folder.glob(f"*{suffix}"), key=lambda p: p.stat().st_mtime)[:-keep]:
            old.unlink(missing_ok=True)
    return f"{STATIC_URL_PREFIX}{subdir}/{path.name}"


@functools.lru_cache(maxsize=None)
def inline_assets() -> tuple[str, str]:
    """``(js_text, css_text)`` of all vendored libraries, ready to go inside <script>/<style>.
    CSS image references become data: URIs so the export needs no other file."""
    js_parts, css_parts = [], []
    for asset in ASSETS:
        base = package_dir(asset)
        js = (base / asset.js).read_text(encoding="utf-8")
        # A literal "</script" would end the inline <script> early; "<\/" means the same in JS.
        js_parts.append(re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE))
        css = (base / asset.css).read_text(encoding="utf-8")
        css_parts.append(_inline_css_urls(css, base))
    return "\n".join(js_parts), "\n".join(css_parts)


_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+\.(?:png|svg|gif))\1\s*\)""")
_MIME = {"png": "image/png", "svg": "image/svg+xml", "gif": "image/gif"}


def _inline_css_urls(css: str, base: Path) -> str:
    def repl(match: re.Match) -> str:
        path = base / match.group(2)
        if not path.is_file():
            return match.group(0)
        mime = _MIME[path.suffix.lstrip(".").lower()]
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f'url("data:{mime};base64,{data}")'
    return _CSS_URL.sub(repl, css)


# <script src=...> and <link href=...> that point off the page: what must not be in offline HTML.
_EXTERNAL_REF = re.compile(
    r"""<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*["']?((?:https?:)?//[^"'\s>]+)""",
    re.IGNORECASE,
)


def external_resources(html_text: str) -> list[str]:
    """URLs of scripts and stylesheets ``html_text`` would fetch from the network."""
    return _EXTERNAL_REF.findall(html_text)
