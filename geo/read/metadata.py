"""Article metadata (id, title, date, source, url): from a ``NAME.meta.json`` sidecar or a
``manifest.csv`` in the same folder (columns ``file,id,title,date,source,url``), checked and
normalised before it goes into an ``Article``.

- fields must be strings, numbers or dates; a list or a mapping is dropped with a warning (an
  id then falls back to the content hash), never stringified;
- a broken sidecar is ignored with a warning naming it; the article is read without it;
- a date before 1900-01-01 or after tomorrow ("9999-12-31") is dropped with a warning, like an
  unreadable one: it would otherwise stretch the dashboard's date range for everyone.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import re
from pathlib import Path
from typing import Any, Optional

from dateutil import parser as dparser

from geo.read.decoding import replace_surrogates
from geo.read.errors import ArticleError, too_large

log = logging.getLogger("geo.read")

MAX_SIDECAR_BYTES = 1024 * 1024
MANIFEST = "manifest.csv"
SIDECAR = ".meta.json"
META_FIELDS = ("id", "title", "date", "source", "url")

# --------------------------------------------------------------------------------------------
# Dates

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_DEFAULTS = (dt.datetime(2000, 1, 1), dt.datetime(2001, 2, 2))


def normalize_date(value: Any) -> Optional[str]:
    """``YYYY-MM-DD`` or None. Accepts dates, ISO strings/datetimes and written dates
    ('30 September 2020', 'Sep 30, 2020'). Incomplete dates ('September 2020') give None rather
    than a made-up day."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)) or not isinstance(value, str):
        return None  # bare numbers are ambiguous (year? epoch?): refuse rather than guess
    s = value.strip()
    if not s or len(s) > 64:
        return None
    m = _ISO_DATE.match(s)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return None
    try:
        # Parse twice with different defaults: a field the string lacks shows up as a difference.
        a, b = (dparser.parse(s, default=d) for d in _DEFAULTS)
    except (ValueError, OverflowError, TypeError):
        return None
    if a.date() != b.date():
        return None
    return a.date().isoformat()


EARLIEST_DATE = dt.date(1900, 1, 1)


def plausible_date(iso: Optional[str], today: Optional[dt.date] = None) -> bool:
    """Whether a ``YYYY-MM-DD`` date can be an article's: from 1900-01-01 to tomorrow (one
    day of slack for time zones). A date like 9999-12-31 would otherwise set the dashboard's
    date range for everyone."""
    if not iso:
        return False
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return False
    latest = (today or dt.date.today()) + dt.timedelta(days=1)
    return EARLIEST_DATE <= day <= latest


# --------------------------------------------------------------------------------------------
# Fields


_META_TYPES = (str, int, float, dt.date)  # dt.datetime is a dt.date


def usable_value(value: Any) -> bool:
    """A metadata value worth keeping: text (not blank), a number or a date."""
    if isinstance(value, str):
        return bool(value.strip())
    return isinstance(value, _META_TYPES) and not isinstance(value, bool)


def own_fields(fields: dict, where: str) -> dict:
    """A file's own metadata fields that can be used; the others are dropped with a warning
    (so that, say, a list title does not hide the sidecar's title)."""
    out = {}
    for key, value in fields.items():
        if usable_value(value):
            out[key] = value
        elif value is not None and not isinstance(value, str):
            log.warning("%s: %s of type %s ignored (expected text, a number or a date)",
                        where, key, type(value).__name__)
    return out


def clean_meta(meta: dict, where: Optional[str] = None) -> dict:
    """Keep the known metadata fields, as strings; dates normalised (bad date -> None).

    Only strings, numbers and dates are accepted: a list or a mapping (a JSON title that is a
    list, a YAML field built from aliases...) is dropped with a warning, never stringified."""
    where = where or "input"
    out: dict[str, Optional[str]] = {}
    for key in META_FIELDS:
        value = meta.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if not usable_value(value):
            log.warning("%s: %s of type %s ignored (expected text, a number or a date)",
                        where, key, type(value).__name__)
            continue
        if key == "date":
            day = normalize_date(value)
            shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
            if day is None:
                log.warning("%s: unreadable date %s ignored", where, shown)
            elif not plausible_date(day):
                log.warning("%s: implausible date %s ignored (expected %s to tomorrow)",
                            where, shown, EARLIEST_DATE.isoformat())
                day = None
            out[key] = day
        else:
            text = value.strip() if isinstance(value, str) else str(value)
            out[key] = replace_surrogates(text, where, key)
    return out


# --------------------------------------------------------------------------------------------
# Sidecars and manifests


def is_meta_file(path: Path) -> bool:
    return path.name.endswith(SIDECAR) or path.name == MANIFEST


class MetaLookup:
    """Sidecar and manifest metadata, with each folder's manifest read once."""

    def __init__(self) -> None:
        self._manifests: dict[Path, dict[str, dict]] = {}
        self.errors: list[ArticleError] = []

    def _manifest(self, folder: Path) -> dict[str, dict]:
        if folder not in self._manifests:
            rows: dict[str, dict] = {}
            path = folder / MANIFEST
            if path.is_file():
                try:
                    with path.open(newline="", encoding="utf-8-sig") as fh:
                        for row in csv.DictReader(fh):
                            key = (row.get("file") or "").strip()
                            if key:
                                rows[key] = row
                except (OSError, UnicodeDecodeError, csv.Error) as err:
                    self.errors.append(ArticleError(str(path), f"unreadable manifest: {err}"))
            self._manifests[folder] = rows
        return self._manifests[folder]

    @staticmethod
    def _sidecar(sidecar: Path) -> dict:
        """The sidecar's fields; a broken sidecar is ignored with a warning naming it, so the
        article is still read (without that metadata) rather than rejected."""
        try:
            size = sidecar.stat().st_size
            if size > MAX_SIDECAR_BYTES:
                raise ValueError(too_large(size, MAX_SIDECAR_BYTES))
            side = json.loads(sidecar.read_text(encoding="utf-8-sig"))
            if not isinstance(side, dict):
                raise ValueError(f"expected a JSON object, got {type(side).__name__}")
        except RecursionError:
            reason = "nested too deeply"
        except (OSError, UnicodeDecodeError, ValueError) as err:  # JSONDecodeError is a ValueError
            reason = str(err)
        else:
            return side
        log.warning("%s: invalid metadata sidecar ignored: %s", sidecar, reason)
        return {}

    def get(self, path: Path) -> dict:
        """Sidecar fields over manifest fields."""
        rows = self._manifest(path.parent)
        meta = dict(rows.get(path.name) or rows.get(path.stem) or {})
        for sidecar in (path.with_name(path.stem + SIDECAR), path.with_name(path.name + SIDECAR)):
            if sidecar.is_file():
                side = self._sidecar(sidecar)
                meta.update({k: v for k, v in side.items() if v is not None})
                break
        return {k: v for k, v in meta.items() if k in META_FIELDS}
