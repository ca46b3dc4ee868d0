"""Exports of a map frame: standalone HTML map, PNG snapshot, CSV, GeoJSON and GeoPackage.

The HTML export inlines Leaflet, so it opens anywhere with no network; the PNG is that page
shot by headless Chromium with every http(s) request blocked (unless online tiles are wanted).
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import html
import os
import shutil
import stat
import tempfile
from datetime import date
from pathlib import Path
from typing import Any, Optional, Union

import pandas as pd

from geo.config import ENV_CHROMIUM, chromium_override
from geo.records import MAP_COLUMNS
from geo.report import quote_of

FORMATS = ("html", "png", "csv", "geojson", "gpkg")
EXPORT_MIME = {"html": "text/html", "png": "image/png", "csv": "text/csv",
               "geojson": "application/geo+json", "gpkg": "application/geopackage+sqlite3"}
GPKG_LAYER = "items"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Cell prefixes a spreadsheet reads as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FULLWIDTH_FORMULA_PREFIXES = ("\uff1d", "\uff0b", "\uff0d", "\uff20")  # ＝ ＋ － ＠

_PathArg = Union[str, os.PathLike]


class BrowserNotFound(RuntimeError):
    """No Chromium (or no playwright) to render the PNG with."""


class NothingToExport(ValueError):
    """The selection is empty (a map: no item with coordinates): nothing is written, since a
    blank map or an empty table would look like a result."""


def check_target(path: _PathArg) -> None:
    """Refuse an output that exists and is not a regular file: a FIFO would block the export
    until something reads it, a device would swallow it (OSError, one line)."""
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return
    if not stat.S_ISREG(mode):
        kind = ("a FIFO" if stat.S_ISFIFO(mode) else "a folder" if stat.S_ISDIR(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "not a regular file")
        raise OSError(f"cannot write {path}: it is {kind}, expected a regular file")


def mappable(frame: Optional[pd.DataFrame]) -> int:
    """How many rows of a map frame the map can draw (a known kind, valid coordinates)."""
    if frame is None or len(frame) == 0 or not {"kind", "lat", "lon"} <= set(frame.columns):
        return 0
    lat = pd.to_numeric(frame["lat"], errors="coerce")
    lon = pd.to_numeric(frame["lon"], errors="coerce")
    return int((frame["kind"].isin(["place", "casualty", "claim"]) & lat.between(-90, 90)
                & lon.between(-180, 180)).sum())


def _day(value: Optional[str]) -> Optional[str]:
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%-d %b %Y")
    except ValueError:
        return None


def period_text(frame: Optional[pd.DataFrame], period: Optional[tuple] = None) -> str:
    """The period a map shows, for its title: ``period`` (from, to) when the dates were
    chosen, else the first and last date of the items in ``frame`` ('12 Oct 2020 - 30 Oct
    2020'; one day alone; 'undated items' when none has a date)."""
    first, last = period if period else (None, None)
    if not (first or last) and frame is not None and len(frame):
        days = pd.Series(dtype=object)
        for col in ("date", "article_date"):
            if col in frame.columns:
                days = pd.concat([days, frame[col].dropna().astype(str).str[:10]])
        days = sorted(d for d in days if _day(d))
        first, last = (days[0], days[-1]) if days else (None, None)
        if not days:
            return "undated items"
    a, b = _day(first) if first else "...", _day(last) if last else "..."
    return a if a == b else f"{a} \u2013 {b}"


# --- HTML -------------------------------------------------------------------------------------

def export_html(frame: pd.DataFrame, path: Optional[_PathArg] = None, title: str = "Conflict map",
                period: Optional[tuple] = None, **map_kwargs: Any) -> str:
    """A standalone HTML page of the map with Leaflet inlined; written to ``path`` if given.
    Its title box states the period (``period`` = (from, to) when dates were chosen, else the
    items' first and last date) and the export's date. ``map_kwargs`` go to ``build_map``
    (parties, basemap, regions, online_tiles, subtitle, snapshot...). Raises NothingToExport
    when no item has coordinates."""
    # folium is heavy: imported when a map is made, not for a CSV export
    from geo.render.page import build_map

    if "asset_mode" in map_kwargs:
        raise TypeError("export_html always inlines the assets; do not pass asset_mode")
    if not mappable(frame):
        raise NothingToExport("nothing to export: no item with a place matches the selection")
    # the title is shown over the map too (with ``subtitle``: the filter summary)
    fmap = build_map(frame, asset_mode="inline", title=title,
                     period=period_text(frame, period), exported=date.today().isoformat(),
                     **map_kwargs)
    root = fmap.get_root()
    root.title = html.escape(title)
    page = root.render()
    if path is not None:
        Path(path).write_text(page, encoding="utf-8")
    return page


# --- PNG --------------------------------------------------------------------------------------

def find_chromium() -> str:
    """Path of the Chromium binary: $GEO_CHROMIUM, else the Debian locations, else PATH."""
    override = chromium_override()
    candidates = ([override] if override else []) + list(CHROMIUM_CANDIDATES)
    for cand in candidates:
        if cand and Path(cand).is_file() and os.access(cand, os.X_OK):
            return cand
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    raise BrowserNotFound(f"Chromium not found (looked at ${ENV_CHROMIUM}, "
                          f"{', '.join(CHROMIUM_CANDIDATES)} and PATH): "
                          "install it, e.g. `apt-get install chromium`")


def _is_html_text(value: Any) -> bool:
    return isinstance(value, str) and value.lstrip()[:1] == "<"


def export_png(html_or_path: Union[str, _PathArg], png_path: _PathArg, width: int = 1200,
               height: int = 800, allow_network: bool = False, timeout_ms: int = 20000) -> Path:
    """Screenshot of an HTML map page (the page text, or a path to it) as a PNG.

    The page is opened from a file:// URL in headless Chromium; http(s) requests are aborted
    unless ``allow_network`` (online tiles). Waits for Leaflet to have drawn the map."""
    args = (html_or_path, png_path, width, height, allow_network, timeout_ms)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _export_png(*args)
    # Playwright's sync API refuses to run inside an event loop (notebooks, async servers)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_export_png, *args).result()


def _export_png(html_or_path, png_path, width, height, allow_network, timeout_ms) -> Path:
    try:  # optional, and only the PNG needs it
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        raise BrowserNotFound("playwright is not installed: pip install playwright") from err
    chromium = find_chromium()
    png_path = Path(png_path)
    with tempfile.TemporaryDirectory(prefix="geo-png-") as tmp:
        if _is_html_text(html_or_path):
            page_path = Path(tmp) / "map.html"
            page_path.write_text(str(html_or_path), encoding="utf-8")
        else:
            page_path = Path(html_or_path).resolve()
            if not page_path.is_file():
                raise FileNotFoundError(f"no HTML page at {page_path}")
        with sync_playwright() as pw:
            try:
                browser = pw.chromium.launch(executable_path=chromium, headless=True,
                                             args=CHROMIUM_ARGS)
            except PlaywrightError as err:
                raise BrowserNotFound(f"could not start Chromium at {chromium}: {err}") from err
            try:
                page = browser.new_page(viewport={"width": width, "height": height})
                if not allow_network:
                    page.route(_is_remote, lambda route: route.abort())
                page.goto(page_path.as_uri(), wait_until="load", timeout=timeout_ms)
                wait_for_map(page, timeout_ms, tiles=allow_network)
                png_path.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(png_path), full_page=False)
            finally:
                browser.close()
    return png_path


def _is_remote(url: str) -> bool:
    return url.startswith(("http://", "https://", "ws://", "wss://"))


def wait_for_map(page, timeout_ms: int = 20000, tiles: bool = False) -> None:
    """Until Leaflet has built the map container and painted two frames (and, with online
    tiles, the network is idle)."""
    page.wait_for_function(
        "() => { const c = document.querySelector('.leaflet-container');"
        " return window.L && c && !c.matches('.leaflet-zoom-anim'); }",
        timeout=timeout_ms)
    if tiles:
        page.wait_for_load_state("networkidle", timeout=timeout_ms)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


# --- tables -----------------------------------------------------------------------------------

def guard_formula(value: Any) -> Any:
    """A leading apostrophe for text a spreadsheet would run as a formula; else unchanged."""
    if isinstance(value, str):
        # spreadsheets skip leading blanks and read full-width signs (＝＋－＠) as formulas too
        head = value.lstrip(" \u3000")
        if head.startswith(FORMULA_PREFIXES + FULLWIDTH_FORMULA_PREFIXES):
            return "'" + value
    return value


def _ordered(frame: pd.DataFrame) -> pd.DataFrame:
    """MAP_COLUMNS first; each sentence kept to its quote around the item's span
    (``geo.report.quote_of``): a sentence listing 8,000 villages is not written 8,000 times
    whole (an 8,000-place article made a 689 MB CSV)."""
    known = [c for c in MAP_COLUMNS if c in frame.columns]
    out = frame[known + [c for c in frame.columns if c not in known]]
    if "sentence" in out.columns and len(out):
        cols = [out[c] if c in out.columns else [None] * len(out)
                for c in ("sentence", "start", "end", "sentence_start")]
        out = out.assign(sentence=[quote_of(*v) for v in zip(*cols)])
    return out


def export_csv(frame: pd.DataFrame, path: _PathArg) -> Path:
    """The frame as UTF-8 CSV (MAP_COLUMNS first), text cells guarded against formula
    injection; numbers (e.g. negative longitudes) are left as numbers."""
    out = _ordered(frame).copy()
    for col in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_bool_dtype(out[col])):
            out[col] = out[col].map(guard_formula, na_action="ignore")
    path = Path(path)
    out.to_csv(path, index=False, encoding="utf-8")
    return path


def to_geodataframe(frame: pd.DataFrame):
    """A GeoDataFrame in EPSG:4326 with point geometry; rows without valid coordinates are
    kept, with a null geometry."""
    # heavy: imported for the geographic formats only, not for a CSV export
    import geopandas as gpd
    from shapely.geometry import Point

    out = _ordered(frame).copy()
    lat = pd.to_numeric(out.get("lat"), errors="coerce")
    lon = pd.to_numeric(out.get("lon"), errors="coerce")
    ok = lat.between(-90, 90) & lon.between(-180, 180)
    geometry = [Point(x, y) if good else None for x, y, good in zip(lon, lat, ok)]
    return gpd.GeoDataFrame(out, geometry=geometry, crs="EPSG:4326")


def export_geojson(frame: pd.DataFrame, path: _PathArg) -> Path:
    """The frame as a GeoJSON FeatureCollection of points (WGS84)."""
    gdf = to_geodataframe(frame)
    path = Path(path)
    # to_json rather than a GDAL driver: no surprises with mixed-type columns, and null
    # geometries are written as "geometry": null
    path.write_text(gdf.to_json(na="null", drop_id=True), encoding="utf-8")
    return path


def export_gpkg(frame: pd.DataFrame, path: _PathArg, layer: str = GPKG_LAYER) -> Path:
    """The frame as a GeoPackage point layer (WGS84) through pyogrio: opens in QGIS. Text
    columns are written as text (mixed objects as their str), missing values as NULL."""
    gdf = to_geodataframe(frame)
    for col in gdf.columns:
        if col != "geometry" and gdf[col].dtype == object:
            gdf[col] = gdf[col].map(lambda v: None if v is None or (isinstance(v, float)
                                                                     and v != v) else str(v))
    path = Path(path)
    if path.exists():
        path.unlink()  # GDAL would add a layer to an existing file
    gdf.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")
    return path


# --- one entry point ---------------------------------------------------------------------------

def export(frame: pd.DataFrame, fmt: str, path: _PathArg, **kwargs: Any) -> Path:
    """Write ``frame`` as ``fmt`` (html, png, csv, geojson, gpkg) to ``path``. ``kwargs``: map options
    (parties, basemap, regions, online_tiles, period...) for html/png, plus width/height for
    png. An empty selection writes nothing: NothingToExport; a ``path`` that is no regular file
    (a FIFO, a device) is refused: OSError."""
    fmt = fmt.lower().lstrip(".")
    path = Path(path)
    if fmt not in FORMATS:
        raise ValueError(f"fmt: expected one of {FORMATS}, got {fmt!r}")
    if fmt in ("csv", "geojson", "gpkg") and kwargs:
        raise TypeError(f"{fmt} export takes no options, got {sorted(kwargs)}")
    if frame is None or len(frame) == 0:
        raise NothingToExport("nothing to export: nothing matches the selection")
    check_target(path)
    if fmt == "csv":
        return export_csv(frame, path)
    if fmt == "geojson":
        return export_geojson(frame, path)
    if fmt == "gpkg":
        return export_gpkg(frame, path)
    if fmt == "html":
        export_html(frame, path, **kwargs)
        return path
    size = {k: kwargs.pop(k) for k in ("width", "height") if k in kwargs}
    page = export_html(frame, None, snapshot=True, **kwargs)  # a figure: no buttons
    return export_png(page, path, allow_network=bool(kwargs.get("online_tiles")), **size)


def export_bytes(frame: pd.DataFrame, fmt: str, **kwargs: Any) -> bytes:
    """``export`` into memory, for download buttons: the file's bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"export.{fmt.lower().lstrip('.')}"
        return export(frame, fmt, path, **kwargs).read_bytes()
