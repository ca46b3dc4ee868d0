"""The sidebar: the filters, the sign-in, and the form that adds articles.

An upload is never held whole: each file is copied in chunks to a temporary file (the upload's
name is a label, never a path), Streamlit's in-memory copy is let go, and the articles are
read back lazily (``geo.read.read_upload_file``: a JSONL feed line by line) while they are
ingested, so memory stays bounded whatever the file's size."""
from __future__ import annotations

import shutil
import tempfile
import time
import weakref
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Iterator, Optional

import pandas as pd
import streamlit as st

from geo.config import state_dir
from geo.pipeline import ingest
from geo.read import read_upload, read_upload_file
from geo.records import OUTCOMES, PRECISIONS
from geo.report import (DATE_PRESETS, EVENT_TYPE_CHOICES, EVENT_TYPE_LABELS, ITEM_KINDS,
                        PartyNames, conflict_names, ingest_report)

from dashboard.auth import can_write, login_box
from dashboard.state import Bounds, apply_preset
from dashboard.text import as_text, upload_summary

PRECISION_OPTIONS = ["any"] + list(PRECISIONS[:-1])
COPY_CHUNK = 1 << 20  # bytes copied at a time from an upload to its temporary file
MAX_REPORT_ROWS = 1000  # rows of the "Last upload" table; the counts cover every item
UPLOAD_PREFIX = "geo-upload-"
STALE_UPLOAD_SECONDS = 24 * 3600  # a temporary folder left by a killed server is removed


@dataclass
class SavedFile:
    """An uploaded file, copied to a temporary file."""
    name: str  # the upload's own name: a label and the format's extension, never a path
    path: Path
    size: int


@dataclass
class Upload:
    """What the user asked to ingest (None when the Ingest button was not pressed), read
    lazily by ``items()``; ``bytes_read``/``count`` say how far it has gone."""
    files: list[SavedFile]
    pasted: str
    date: Optional[str]
    source: Optional[str]
    round: int
    folder: Optional[str] = None  # the temporary folder of ``files``, removed by ``close()``
    bytes_read: int = 0
    count: int = 0
    _cleanup: object = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.folder:  # removed even if the run stops before close()
            self._cleanup = weakref.finalize(self, shutil.rmtree, self.folder, True)

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files) + len(self.pasted.encode("utf-8"))

    def items(self) -> Iterator:
        """The Article | ArticleError items of every file, then of the pasted text."""
        done = 0
        for saved in self.files:
            with open(saved.path, "rb") as fh:
                for item in read_upload_file(saved.name, fh, date=self.date, source=self.source):
                    self.bytes_read, self.count = done + fh.tell(), self.count + 1
                    yield item
            done += saved.size
        if self.pasted.strip():
            for item in read_upload("pasted.txt", self.pasted.encode("utf-8"), date=self.date,
                                    source=self.source):
                self.count += 1
                yield item
        self.bytes_read = self.total_bytes

    def fraction(self) -> float:
        return min(self.bytes_read / self.total_bytes, 1.0) if self.total_bytes else 1.0

    def close(self) -> None:
        """Remove the temporary files."""
        if self._cleanup is not None:
            self._cleanup()


@dataclass
class UploadReport:
    """What the "Last upload" box shows: the count of every status, the first rows."""
    counts: Counter
    rows: pd.DataFrame

    @property
    def summary(self) -> str:
        return upload_summary(self.counts.elements())

    @property
    def cut(self) -> str:
        """A note when the table shows only part of the items ('' when it shows all)."""
        total = sum(self.counts.values())
        if total <= len(self.rows):
            return ""
        return (f"The table shows {len(self.rows):,} of {total:,} items, failures and renamed "
                "ids first.")


def filters(bounds: Bounds, names: PartyNames) -> bool:
    """Draw the filter widgets (their state is the session's); return the OSM tiles toggle."""
    st.header("Filters")
    conflicts = conflict_names()
    # pills, not a list to open: the few wars of a store are seen at a glance; none is all.
    # A conflict the store no longer has (its articles binned or moved) is let go.
    st.session_state["conflicts"] = [c for c in st.session_state.get("conflicts") or ()
                                     if c in bounds.conflicts]
    st.pills("Conflict", list(bounds.conflicts), selection_mode="multi", key="conflicts",
             format_func=lambda c: conflicts.get(c, c),
             help="The war each article is about, from the countries, regions and parties "
                  "it names most (data/conflicts.csv); none chosen: every conflict. A toll "
                  "never mixes two. Move an article to another conflict in the Articles tab.")
    if bounds.lo < bounds.hi:
        st.slider("Dates", min_value=bounds.lo, max_value=bounds.hi, key="dates",
                  format="YYYY-MM-DD")
    st.pills("Quick range", list(DATE_PRESETS), key="preset",
             on_change=partial(apply_preset, bounds), label_visibility="collapsed")
    st.checkbox("Include undated items", key="undated",
                help="Articles with no known date have no place in a date range")
    st.multiselect("Parties", options=bounds.parties, format_func=names.name, key="parties",
                   help="Figures and claims whose victims, actor, reporter, claimant or target "
                        "is one of these parties, and the places of the articles they come from")
    st.multiselect("Acted by", options=bounds.parties, format_func=names.name, key="actors",
                   help="Casualty figures whose text names this party as the one who killed, "
                        "wounded or captured (claims and places stay)")
    st.multiselect("Event type", options=list(EVENT_TYPE_CHOICES), key="event_types",
                   format_func=lambda e: EVENT_TYPE_LABELS.get(e, "Unspecified"),
                   help="ACLED's event types, read from each figure's sentence; "
                        "'Unspecified' where the sentence gave no cue (claims and places stay)")
    st.multiselect("Show", options=list(ITEM_KINDS), key="kinds")
    st.multiselect("Outcome", options=list(OUTCOMES), key="outcomes",
                   help="Casualty figures with these outcomes (claims and places stay)")
    st.selectbox("Located at least to", PRECISION_OPTIONS, key="precision",
                 help="Hide items placed only at a coarser level (a whole country, a region)")
    st.text_input("Search", key="search", placeholder="title, quote or place")
    return st.toggle("OpenStreetMap tiles (needs internet)", value=False, key="online")


def upload_form(db: str) -> Upload | None:
    """Files or pasted text to ingest, saved when the user presses Ingest; None when not
    pressed, and for a session that may not write (the form is not drawn: see
    ``dashboard.auth``)."""
    st.header("Add articles")
    login_box()
    if not can_write():
        return None
    # a new key after each ingest empties the uploader
    upload_round = st.session_state.setdefault("upload_round", 0)
    limit_mb = st.get_option("server.maxUploadSize")
    uploads = st.file_uploader("Text, Markdown, HTML, JSON or JSONL files",
                               accept_multiple_files=True, key=f"uploads_{upload_round}",
                               help=f"Up to {limit_mb} MB per file; one article per text, "
                                    "Markdown or HTML file, many per JSON or JSONL file. "
                                    "File names are labels only, never paths.")
    pasted = st.text_area("...or paste an article (first line: title)",
                          key=f"paste_{upload_round}", height=100)
    upload_date = st.date_input("Date for articles that carry none", value=None,
                                key="upload_date")
    upload_source = st.text_input("Source for articles that carry none", key="upload_source")
    pressed = (uploads or pasted.strip()) and st.button("Ingest", key="ingest")
    st.caption("Store: " + as_text(db))
    if not pressed:
        return None
    when = upload_date.isoformat() if upload_date else None
    try:
        folder, files = save_uploads(uploads or [])
    except OSError as err:
        st.error("The upload could not be saved for reading: " + as_text(err.strerror or err))
        return None
    return Upload(files, pasted, when, upload_source.strip() or None, upload_round, folder)


def _upload_parent() -> Optional[Path]:
    """Where uploads are saved: beside the store's files (not /tmp, often a RAM disk), or the
    system's temporary folder when that cannot be written."""
    parent = state_dir() / "uploads"
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    now = time.time()
    for old in parent.glob(UPLOAD_PREFIX + "*"):
        try:
            if now - old.stat().st_mtime > STALE_UPLOAD_SECONDS:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass
    return parent


def save_uploads(uploads) -> tuple[Optional[str], list[SavedFile]]:
    """Copy each uploaded file (a binary file object with a ``name``) to a temporary file, a
    chunk at a time, then let Streamlit's in-memory copy go; the temporary folder and files."""
    if not uploads:
        return None, []
    parent = _upload_parent()
    try:
        folder = tempfile.mkdtemp(prefix=UPLOAD_PREFIX, dir=parent)
    except OSError:
        if parent is None:
            raise
        folder = tempfile.mkdtemp(prefix=UPLOAD_PREFIX)
    saved = []
    try:
        for k, up in enumerate(uploads):
            path = Path(folder) / f"{k}.upload"  # the upload's name never becomes a path
            up.seek(0)
            with open(path, "wb") as out:
                shutil.copyfileobj(up, out, COPY_CHUNK)
            saved.append(SavedFile(str(up.name), path, path.stat().st_size))
            _release(up)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder, saved


def _release(up) -> None:
    """Drop Streamlit's in-memory copy of an uploaded file once it is saved: Streamlit keeps
    it for the whole session otherwise (the uploader gets a new key after each ingest, so the
    old file is never shown again). Internal API: skipped quietly where it is missing."""
    try:
        from streamlit.runtime import get_instance
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        if ctx is not None and getattr(up, "file_id", None):
            get_instance().uploaded_file_mgr.remove_file(ctx.session_id, up.file_id)
    except Exception:  # noqa: BLE001 - freeing memory early is an optimisation only
        pass
    up.close()


def ingest_upload(upload: Upload, store, extractor, progress=None) -> UploadReport:
    """Ingest ``upload`` into ``store`` as it is read, updating ``progress`` (an
    ``st.progress``) by bytes read; remove its temporary files. The report keeps every
    status's count but at most ``MAX_REPORT_ROWS`` rows, so a feed of 400,000 lines leaves no
    400,000-row table in the session."""
    counts: Counter = Counter()
    notable: list = []  # failures and renamed ids: shown first
    plain: list = []
    last = 0.0
    try:
        for k, result in enumerate(ingest(upload.items(), store, extractor), start=1):
            counts[result.status] += 1
            kept = plain if result.status in ("ok", "duplicate") else notable
            if len(kept) < MAX_REPORT_ROWS:
                kept.append(result)
            if progress is not None and time.monotonic() - last > 0.25:
                last = time.monotonic()
                # numbers only: progress text is Markdown, file names are untrusted
                progress.progress(upload.fraction(), text=f"{k:,} articles; "
                                  f"{upload.bytes_read / 2**20:,.1f} of "
                                  f"{upload.total_bytes / 2**20:,.1f} MB read")
    finally:
        upload.close()
    return UploadReport(counts, ingest_report((notable + plain)[:MAX_REPORT_ROWS]))
