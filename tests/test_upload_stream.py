"""Uploads are streamed (issues 13 and 16.9): saved in chunks to a temporary file, read back
lazily (a JSONL feed line by line, each line within its limit), ingested as they are read,
with memory bounded whatever the file's size."""
from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

from geo.read import ArticleError, read_upload, read_upload_file
from geo.read.formats import bounded_lines

PROJECT = Path(__file__).resolve().parent.parent

LINE = (json.dumps({"title": "Shelling hits Mariupol", "date": "2022-03-06", "source": "Wire",
                    "text": "Shelling killed four civilians in Mariupol on Sunday, Ukrainian "
                            "officials said. Rescue teams searched the rubble. " * 3})
        + "\n").encode()


def _write_feed(path: Path, mb: float, long_line_mb: float = 0.0) -> int:
    """A JSONL feed of about ``mb`` MB of one article repeated, with one line of
    ``long_line_mb`` MB in the middle when asked; the number of good lines."""
    n = int(mb * 2**20 // len(LINE))
    with open(path, "wb") as out:
        for k in range(0, n, 1000):
            out.write(LINE * min(1000, n - k))
            if long_line_mb and k == (n // 2000) * 1000:
                out.write(b'{"text": "' + b"x" * int(long_line_mb * 2**20) + b'"}\n')
    return n


def test_bounded_lines_skip_a_long_line_without_holding_it():
    data = b"short\n" + b"y" * 50 + b"\n" + b"z" * 30 + b"\nlast"
    assert list(bounded_lines(io.BytesIO(data), 10)) == [
        (b"short\n", 6), (None, 51), (None, 31), (b"last", 4)]
    assert list(bounded_lines(io.BytesIO(b"a" * 25), 10)) == [(None, 25)]  # no newline at all
    assert list(bounded_lines(io.BytesIO(b"0123456789\n"), 10)) == [(None, 11)]  # newline counts
    assert list(bounded_lines(io.BytesIO(b"012345678\n"), 10)) == [(b"012345678\n", 10)]


def test_a_saved_upload_reads_like_its_bytes(tmp_path):
    """read_upload_file gives what read_upload gives for the same bytes, every format."""
    cases = {
        "feed.jsonl": LINE * 3 + b"\n{broken\n" + b'{"text": 5}\n',
        "one.json": b'[{"text": "Shelling in Odesa killed two.", "title": "Odesa"}, 3]',
        "note.txt": b"Headline\n\nShelling killed two soldiers in Odesa.\n",
        "post.md": b"---\ntitle: Kharkiv\ndate: 2021-03-01\n---\nA strike killed seven.\n",
        "empty.jsonl": b"\n\n",
        "x.docx": b"PK\x03\x04",
    }
    for name, data in cases.items():
        saved = tmp_path / "0.upload"  # the saved file's own name plays no part
        saved.write_bytes(data)
        expected = [str(i) if isinstance(i, ArticleError) else (i.title, i.text, i.date)
                    for i in read_upload(name, data, date="2020-01-01", source="S")]
        got = [str(i) if isinstance(i, ArticleError) else (i.title, i.text, i.date)
               for i in read_upload_file(name, saved, date="2020-01-01", source="S")]
        assert got == expected, name
    (err,) = read_upload_file("gone.jsonl", tmp_path / "missing.upload")
    assert err.path == "gone.jsonl" and err.reason.startswith("cannot read")


def test_limits_hold_for_a_saved_upload(tmp_path):
    saved = tmp_path / "0.upload"
    saved.write_bytes(LINE * 2 + b'{"text": "' + b"x" * 3000 + b'"}\n' + LINE)
    items = list(read_upload_file("f.jsonl", saved, max_bytes=2000))
    assert [type(i).__name__ for i in items] == ["Article", "Article", "ArticleError", "Article"]
    assert items[2].reason.startswith("line 3: too large")
    (err,) = read_upload_file("f.jsonl", saved, max_bytes=2000, max_feed_bytes=2500)
    assert err.reason.startswith("too large")  # the whole file, before any line is read
    (err,) = read_upload_file("f.txt", saved, max_bytes=2000)
    assert err.reason.startswith("too large")


def test_reading_a_100_mb_feed_keeps_memory_bounded(tmp_path):
    """All articles read, and the process's peak memory grows by far less than the file: it
    held every article and the whole file before (about 280 MB for this one)."""
    feed = tmp_path / "feed.jsonl"
    n = _write_feed(feed, 100, long_line_mb=30)
    script = textwrap.dedent(f"""
        import resource
        from geo.read import ArticleError, read_upload_file
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        articles = errors = 0
        for item in read_upload_file("feed.jsonl", {str(feed)!r}):
            if isinstance(item, ArticleError):
                errors += 1
                reason = item.reason
            else:
                articles += 1
        extra = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
        print(articles, errors, reason, round(extra), sep="|")
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=PROJECT, capture_output=True,
                         text=True, timeout=300, check=True).stdout.strip()
    articles, errors, reason, extra_mb = out.split("|")
    assert int(articles) == n and int(errors) == 1, out
    assert reason.endswith("too large (30.0 MB > limit 5.0 MB)"), reason
    assert int(extra_mb) < 100, f"peak memory grew by {extra_mb} MB reading a 130 MB feed"


# --- the dashboard's side: saving, lazy items, progress, the report ---------------------------

class _Uploaded(io.BytesIO):
    """Stands for Streamlit's UploadedFile (a BytesIO with a name)."""

    def __init__(self, name: str, data: bytes):
        super().__init__(data)
        self.name = name


def test_uploads_are_saved_under_their_own_names_never_as_paths(tmp_path, monkeypatch):
    from dashboard import sidebar

    monkeypatch.setattr(sidebar, "state_dir", lambda: tmp_path)
    hostile = _Uploaded("../../etc/evil\n.jsonl", LINE * 2)
    folder, files = sidebar.save_uploads([hostile, _Uploaded("b.txt", b"Title\n\nBody.\n")])
    assert Path(folder).parent == tmp_path / "uploads"
    assert [f.path.name for f in files] == ["0.upload", "1.upload"]
    assert files[0].name == "../../etc/evil\n.jsonl" and files[0].size == 2 * len(LINE)
    assert files[0].path.read_bytes() == LINE * 2
    assert hostile.closed  # the in-memory copy is let go
    assert not (tmp_path / "etc").exists()

    upload = sidebar.Upload(files, "Pasted title\n\nPasted body.", "2020-01-01", None, 0, folder)
    assert upload.fraction() == 0.0
    items = upload.items()
    next(items)
    assert 0 < upload.fraction() < 1 and upload.count == 1
    rest = list(items)
    assert [getattr(i, "title", None) for i in rest] == [
        "Shelling hits Mariupol", "Title", "Pasted title"]
    assert upload.fraction() == 1.0 and upload.count == 4
    upload.close()
    assert not Path(folder).exists()


def test_an_upload_report_counts_everything_but_keeps_few_rows(tmp_path, monkeypatch):
    from dashboard import sidebar
    from geo.store import open_store

    monkeypatch.setattr(sidebar, "state_dir", lambda: tmp_path)
    monkeypatch.setattr(sidebar, "MAX_REPORT_ROWS", 50)
    feed = b"{broken\n" * 120  # reading errors only: no extractor is needed
    folder, files = sidebar.save_uploads([_Uploaded("bad.jsonl", feed)])
    upload = sidebar.Upload(files, "", None, None, 0, folder)

    class Progress:
        values: list = []

        def progress(self, value, text):
            self.values.append((value, text))

    with open_store(tmp_path / "store.sqlite") as store:
        report = sidebar.ingest_upload(upload, store, extractor=None, progress=Progress())
    assert report.counts == {"error": 120} and len(report.rows) == 50
    assert report.summary == "120 failed" and "50 of 120" in report.cut
    assert set(report.rows["file"]) == {"bad.jsonl"}
    assert Progress.values and "MB read" in Progress.values[0][1]
    assert not Path(folder).exists()  # the temporary files are gone
