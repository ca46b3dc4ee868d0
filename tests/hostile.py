"""A hostile corpus generator (issues 13 and 16): ``write_corpus(root)`` writes well over 100
hostile inputs into ``root`` and returns one ``Case`` per input, each saying what a
``geo ingest`` of the whole folder must do with it: store it (how many articles, and for the
number cases how many casualty figures), or name it in an error line whose reason matches a
pattern, or skip it quietly (hidden files, sidecars, manifests).

The groups: formats (txt, md, html, json, jsonl, manifest.csv, ``NAME.meta.json`` sidecars),
encodings (UTF-8 with/without BOM, UTF-16/32 with and without BOM, Latin-1/cp1252, mixed,
invalid bytes, NUL bytes, lone surrogates), sizes (empty, at and past every limit of
``geo.read``: 5 MB per single-article file and per JSONL line, 200 MB per JSON/JSONL feed
- written as sparse files -, 1,000,000 characters per article, 64 KB of front matter, 1 MB per
sidecar), structures (deep nesting in JSON/JSONL/sidecars/YAML, a 1,000,000-character line, a
flood of tiny files, a FIFO, symbolic link loops and links out of the folder, unreadable files
and folders, files deleted or swapped during the run), numbers (huge, negative, NaN,
Infinity, 1e309, a Unicode minus, 10^30, int64 overflow), dates (month 13, year 99999, far
future, 1899/1900) and HTML/script/Markdown/CSV-formula payloads in every field.

Cases with ``during_run`` are changed by the test while the ingest runs (``apply_during_run``),
after the line of ``TRIGGER`` appears: the flood of tiny files sits between the two in path
order, so the reader (which reads at most a few hundred items ahead of the writer) has not
reached them yet.

By hand: ``python -m tests.hostile DIR --tiny 100000`` writes the corpus with 100,000 tiny
files (see README, "Security and limits", for the time it took).
"""
from __future__ import annotations

import csv
import io
import json
import os
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

MB = 1024 * 1024
MAX_BYTES = 5 * MB  # geo.read.articles.DEFAULT_MAX_BYTES
MAX_FEED_BYTES = 200 * MB  # geo.read.articles.DEFAULT_MAX_FEED_BYTES
MAX_CHARS = 1_000_000  # geo.read.assemble.MAX_CHARS
MAX_FRONT_MATTER = 64 * 1024  # geo.read.formats.MAX_FRONT_MATTER_CHARS
MAX_SIDECAR = MB  # geo.read.metadata.MAX_SIDECAR_BYTES
TINY_FILES = 10_000
TINY_DISTINCT = 10
TRIGGER = "aa_trigger.txt"

# Payloads whose unescaped form must never reach an exported page. ``XSS`` markers make them
# easy to find in the output.
SCRIPT = '<script>alert("XSS-script")</script>'
IMG = '<img src=x onerror=alert("XSS-img")>'
SVG = '<svg onload=alert("XSS-svg")><circle r=9 /></svg>'
CSS = '<div style="width:expression(alert(\'XSS-css\'))">x</div>'
JS_URL = 'javascript:alert("XSS-url")'
MD_IMG = '![x](https://evil.example/XSS-track.png)'
MD_LINK = '[click me](javascript:alert("XSS-mdlink"))'
BREAK_JSON = '</script><script>alert("XSS-json")</script>'
ATTR = '"\'><b onmouseover=alert("XSS-attr")>'
JINJA = '{{ 7*7 }}{% raw %}XSS-jinja'
PAYLOADS = (SCRIPT, IMG, SVG, CSS, JS_URL, MD_IMG, MD_LINK, BREAK_JSON, ATTR, JINJA)
FORMULAS = ('=HYPERLINK("http://evil.example","XSS-eq")', "+1+cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1 tab", "\r=1+1 cr",
            "\uff1d1+1 fullwidth")


@dataclass
class Case:
    """One input and what a ``geo ingest`` of the corpus must do with it."""
    path: str  # relative to the corpus root: how the run names it (root / path)
    group: str  # format, encoding, size, structure, number, date, payload
    note: str
    stored: Optional[int] = 0  # articles stored ("ok") from this input; None: 0 or 1
    duplicate: int = 0  # articles skipped as already stored
    errors: Optional[int] = 0  # error lines naming this input; None: 0 or 1 (stored or not)
    reason: Optional[str] = None  # regex each of its error reasons must match (re.search)
    figures: Optional[int] = None  # casualty figures stored from it, when that is the point
    ignored: bool = False  # skipped quietly, as documented (hidden files, sidecars, manifests)
    flood: bool = False  # one of the many tiny files (not counted as a hostile case)
    during_run: Optional[str] = None  # "delete" | "symlink" | "fifo": done by the test mid-run
    by_root: bool = False  # the expectation when running as root differs (see ``unreadable``)
    known_bug: Optional[str] = None  # a bug outside geo/read: only "named or stored" is checked
    explicit: bool = False  # named on the command line (it lies outside the corpus folder)


@dataclass
class Corpus:
    root: Path
    cases: list[Case] = field(default_factory=list)
    outside: Optional[Path] = None  # a file outside the corpus that links point to

    def add(self, path: str, data, group: str, note: str, **expect) -> Case:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            data = data.encode("utf-8")
        if data is not None:
            target.write_bytes(data)
        case = Case(path, group, note, **expect)
        self.cases.append(case)
        return case

    @property
    def hostile(self) -> list[Case]:
        return [c for c in self.cases if not c.flood]

    def command_paths(self) -> list[str]:
        """What to pass to ``geo ingest``: the corpus folder, then the explicit paths."""
        return [str(self.root)] + [str(self.root / c.path) for c in self.cases if c.explicit]


def _tag(n: int) -> str:
    """A unique word (letters only, so it is never read as a number) for each article's text:
    no two generated articles are duplicates by accident."""
    letters = string.ascii_lowercase
    out = ""
    n += 26 * 26
    while n:
        n, r = divmod(n, 26)
        out = letters[r] + out
    return "Ref" + out


class _Tags:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> str:
        self.n += 1
        return _tag(self.n)


def article(tag: str, title: str = "Shelling near Aleppo", extra: str = "") -> str:
    """A small article with one place and one casualty figure."""
    return (f"{title}\n\nThree civilians were killed in Aleppo on Monday, the Syrian Observatory "
            f"for Human Rights said. {extra} {tag}.\n")


def place_only(tag: str, sentence: str) -> str:
    """An article naming Homs whose only figure-like phrase is ``sentence``."""
    return f"Clashes around Homs\n\n{sentence} Fighting went on in Homs, residents said. {tag}.\n"


def write_corpus(root, tiny: int = TINY_FILES, as_root: Optional[bool] = None) -> Corpus:
    """Write the corpus into the folder ``root`` (created) and return its cases."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    if as_root is None:
        as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    c = Corpus(root)
    t = _Tags()
    _formats(c, t)
    _encodings(c, t)
    _sizes(c, t)
    _structures(c, t, tiny, as_root)
    _numbers(c, t)
    _dates(c, t)
    _payloads(c, t)
    return c


# -------------------------------------------------------------------------------- formats


def _formats(c: Corpus, t: _Tags) -> None:
    c.add(TRIGGER, article(t()), "format", "plain txt (the mid-run trigger)", stored=1)
    c.add("fmt/plain.txt", article(t()), "format", "plain txt", stored=1)
    c.add("fmt/front.md", f"---\ntitle: Front matter\ndate: 2020-10-01\nsource: Wire\n---\n"
          f"{article(t())}", "format", "markdown with front matter", stored=1)
    c.add("fmt/noyaml.md", f"# Heading\n\n{article(t())}\n---\nfooter\n", "format",
          "markdown with a rule, no front matter", stored=1)
    c.add("fmt/page.html", f"<html><head><title>Page title</title></head><body><article><h1>"
          f"Shelling near Aleppo</h1><p>{article(t())}</p><p>Residents fled to the countryside "
          "of Idlib, a local council said on Tuesday.</p></article></body></html>", "format",
          "html article", stored=1)
    c.add("fmt/empty_page.html", "<html><body><script>var x=1;</script></body></html>",
          "format", "html without text", errors=1, reason="no article text")
    c.add("fmt/one.json", json.dumps({"title": "One", "text": article(t())}), "format",
          "json object", stored=1)
    c.add("fmt/list.json", json.dumps([{"text": article(t())}, {"text": 5}, "str",
                                       {"body": article(t())}, {"title": "no text"}]),
          "format", "json list with bad items", stored=2, errors=3,
          reason=r"item \d: (text is not a string|expected an object|no text field)")
    c.add("fmt/empty_list.json", "[]", "format", "empty json list", errors=1, reason="^empty$")
    c.add("fmt/scalar.json", "42", "format", "json scalar", errors=1,
          reason="expected an object, got int")
    c.add("fmt/broken.json", '{"text": "unterminated', "format", "broken json", errors=1,
          reason="invalid JSON at line 1")
    lines = [json.dumps({"text": article(t())}), "{not json", "", json.dumps([1, 2]),
             json.dumps({"text": article(t()), "title": ["a", "list"]}), "   ",
             json.dumps({"text": ""})]
    c.add("fmt/feed.jsonl", "\n".join(lines) + "\n", "format", "jsonl with bad lines",
          stored=2, errors=3, reason=r"line \d|at line \d")
    c.add("fmt/blank.jsonl", "\n\n   \n", "format", "jsonl of blank lines", errors=1,
          reason="^empty$")
    c.add("fmt/notes.pdf", b"%PDF-1.4 binary", "format", "unsupported extension", errors=1,
          reason="unsupported file type '.pdf'")
    c.add("fmt/README", "no extension", "format", "no extension", errors=1,
          reason="unsupported file type")
    c.add("fmt/UPPER.TXT", article(t()), "format", "upper-case extension", stored=1)
    c.add("fmt/.hidden.txt", article(t()), "format", "hidden file", ignored=True)
    # sidecars
    c.add("side/a.txt", article(t()), "format", "txt with a sidecar", stored=1)
    c.add("side/a.meta.json", json.dumps({"title": "Sidecar title", "date": "2020-05-05"}),
          "format", "sidecar", ignored=True)
    c.add("side/b.txt", article(t()), "format", "broken sidecar: read without it", stored=1)
    c.add("side/b.meta.json", "{broken", "format", "broken sidecar", ignored=True)
    c.add("side/c.txt", article(t()), "format", "sidecar that is a list", stored=1)
    c.add("side/c.meta.json", "[1, 2]", "format", "list sidecar", ignored=True)
    c.add("side/d.txt", article(t()), "format", "sidecar over 1 MB", stored=1)
    c.add("side/d.meta.json", json.dumps({"title": "x" * (MAX_SIDECAR + 10)}), "size",
          "sidecar over 1 MB", ignored=True)
    c.add("side/e.txt", article(t()), "format", "deeply nested sidecar", stored=1)
    c.add("side/e.meta.json", "[" * 100_000 + "]" * 100_000, "structure",
          "deeply nested sidecar", ignored=True)
    c.add("side/f.txt", article(t()), "format", "sidecar of wrong field types", stored=1)
    c.add("side/f.meta.json", json.dumps({"title": {"a": 1}, "date": [2020], "id": None,
                                          "url": 5, "source": True}), "format",
          "sidecar with wrong types", ignored=True)
    c.add("side/g.txt", article(t()), "format", "UTF-16 sidecar", stored=1)
    c.add("side/g.meta.json", json.dumps({"title": "UTF-16"}).encode("utf-16"), "encoding",
          "UTF-16 sidecar", ignored=True)
    # manifests
    rows = [("file", "id", "title", "date", "source", "url")]
    for i, formula in enumerate(FORMULAS):
        name = f"m{i}.txt"
        c.add(f"manifest/{name}", article(t(), title=f"Manifest article {i}"), "payload",
              f"manifest title {formula[:12]!r} (CSV formula)", stored=1)
        rows.append((name, "", formula, "2020-13-45" if i == 0 else "2020-06-0%d" % (i + 1),
                     formula, JS_URL if i == 1 else "https://example.org/a"))
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    c.add("manifest/manifest.csv", buf.getvalue(), "format", "manifest with formula payloads",
          ignored=True)
    c.add("manifest_bad/x.txt", article(t()), "format", "article beside an unreadable manifest",
          stored=1)
    c.add("manifest_bad/manifest.csv", b"file,title\nx.txt,caf\xe9 \xff\xfe\n", "encoding",
          "manifest that is not UTF-8", errors=1, reason="unreadable manifest")


# -------------------------------------------------------------------------------- encodings


def _encodings(c: Corpus, t: _Tags) -> None:
    def enc(name, encoding, note, bom=b"", **expect):
        text = article(t(), title="Encoded: café")
        expect.setdefault("stored", 1)
        c.add(f"enc/{name}", bom + text.encode(encoding), "encoding", note, **expect)

    enc("utf8_bom.txt", "utf-8", "UTF-8 with BOM", bom=b"\xef\xbb\xbf")
    enc("utf16le_bom.txt", "utf-16-le", "UTF-16 LE with BOM", bom=b"\xff\xfe")
    enc("utf16be_bom.txt", "utf-16-be", "UTF-16 BE with BOM", bom=b"\xfe\xff")
    enc("utf16le.txt", "utf-16-le", "UTF-16 LE without BOM")
    enc("utf16be.txt", "utf-16-be", "UTF-16 BE without BOM")
    enc("utf32le_bom.txt", "utf-32-le", "UTF-32 LE with BOM", bom=b"\xff\xfe\x00\x00")
    enc("utf32be_bom.txt", "utf-32-be", "UTF-32 BE with BOM", bom=b"\x00\x00\xfe\xff")
    enc("utf32le.txt", "utf-32-le", "UTF-32 LE without BOM")
    enc("utf32be.txt", "utf-32-be", "UTF-32 BE without BOM")
    enc("latin1.txt", "latin-1", "Latin-1")
    enc("cp1252.txt", "cp1252", "cp1252 with curly quotes")
    enc("utf16_md.md", "utf-16", "UTF-16 markdown")  # Python's utf-16 writes a BOM
    c.add("enc/utf16.json", json.dumps({"text": article(t())}).encode("utf-16"), "encoding",
          "UTF-16 JSON", stored=1)
    c.add("enc/html_latin1.html",
          ('<html><head><meta charset="iso-8859-1"></head><body><article><p>'
           + article(t(), title="Caf\xe9") + "</p></article></body></html>").encode("latin-1"),
          "encoding", "Latin-1 HTML", stored=1)
    c.add("enc/mixed.txt", article(t()).encode() + "Un café à Alep.".encode("latin-1"),
          "encoding", "UTF-8 then Latin-1", stored=1)
    c.add("enc/invalid.txt", bytes(range(0x80, 0x100)) * 40, "encoding", "invalid bytes only",
          errors=1, reason="undecodable|binary")
    c.add("enc/nul.txt", article(t()).encode() + b"\x00" * 10 + article(t()).encode(),
          "encoding", "NUL bytes in text", errors=1, reason="binary file")
    c.add("enc/odd_utf16.txt", b"\xff\xfe" + article(t()).encode("utf-16-le") + b"\x41",
          "encoding", "UTF-16 with a truncated last unit", errors=1, reason="not valid UTF-16")
    c.add("enc/bom_only.txt", b"\xef\xbb\xbf", "encoding", "a BOM and nothing else", errors=1,
          reason="^empty$")
    c.add("enc/surrogate.json", '{"text": "' + article(t()).replace("\n", "\\n")
          + ' \\ud800 lone", "title": "\\udfff"}', "encoding", "lone surrogates", stored=1)
    c.add("enc/latin1_line.jsonl", json.dumps({"text": article(t())}).encode() + b"\n"
          + '{"text": "café"}'.encode("latin-1") + b"\n", "encoding", "a Latin-1 JSONL line",
          stored=1, errors=1, reason="line 2: not valid UTF-8")
    c.add("enc/overlong.txt", article(t()).encode() + b"\xc0\xaf\xe0\x80\xaf" * 50, "encoding",
          "overlong UTF-8 sequences", stored=None, errors=None,
          reason="undecodable|binary")  # either read with a guessed encoding or refused
    c.add("enc/bidi.txt", article(t(), title="\u202eevil\u202c title\u200b\u2066x\u2069"),
          "encoding", "bidi overrides and zero-width characters", stored=1)
    c.add("enc/crlf.txt", article(t()).replace("\n", "\r\n"), "encoding", "CRLF", stored=1)
    c.add("enc/cr.txt", article(t()).replace("\n", "\r"), "encoding", "CR only", stored=1)
    c.add("enc/controls.txt", "\x1b[31m" * 300 + article(t()), "encoding",
          "ANSI escapes", errors=1, reason="binary file")


# -------------------------------------------------------------------------------- sizes


def _sparse(path: Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.truncate(size)


def _sizes(c: Corpus, t: _Tags) -> None:
    c.add("size/empty.txt", b"", "size", "0 bytes", errors=1, reason="^empty$")
    c.add("size/blank.txt", " \n\t\n" * 10, "size", "whitespace only", errors=1,
          reason="^empty$")
    c.add("size/empty.md", b"", "size", "empty markdown", errors=1, reason="^empty$")
    c.add("size/frontmatter_only.md", "---\ntitle: Only\n---\n", "size",
          "front matter, no body", errors=1, reason="^empty$")
    c.add("size/empty.json", b"", "size", "empty json", errors=1, reason="^empty$")
    c.add("size/empty.jsonl", b"", "size", "empty jsonl", errors=1, reason="^empty$")
    c.add("size/empty.html", b"", "size", "empty html", errors=1, reason="^empty$")
    c.add("size/one_char.txt", "a", "size", "one character", stored=1)
    head = f"Aleppo {t()}\n\n"
    c.add("size/at_max_chars.txt", head + "a" * (MAX_CHARS - len(head)), "size",
          "exactly 1,000,000 characters on one line", stored=1)
    c.add("size/past_max_chars.txt", head + "a" * (MAX_CHARS - len(head) + 1), "size",
          "1,000,001 characters", errors=1, reason=r"too long \(1,000,001 characters")
    c.add("size/at_max_bytes.txt", "é" * (MAX_BYTES // 2), "size",
          "exactly 5 MB (2,621,440 characters)", errors=1, reason="too long")
    c.add("size/past_max_bytes.txt", None, "size", "5 MB + 1 byte (sparse)", errors=1,
          reason=r"too large \(5\.0 MB > limit 5\.0 MB\)")
    _sparse(c.root / "size/past_max_bytes.txt", MAX_BYTES + 1)
    c.add("size/past_feed.jsonl", None, "size", "200 MB + 1 byte feed (sparse)", errors=1,
          reason=r"too large \(200\.0 MB > limit 200\.0 MB\)")
    _sparse(c.root / "size/past_feed.jsonl", MAX_FEED_BYTES + 1)
    c.add("size/past_feed.json", None, "size", "200 MB + 1 byte JSON (sparse)", errors=1,
          reason="too large")
    _sparse(c.root / "size/past_feed.json", MAX_FEED_BYTES + 1)
    pad = "x" * (MAX_BYTES + 100)
    c.add("size/big.json", json.dumps({"text": article(t()), "pad": pad}), "size",
          "a 5 MB JSON file (feeds may be larger)", stored=1)
    line_ok = json.dumps({"text": article(t()), "pad": "x" * (MAX_BYTES - 200)})
    line_big = json.dumps({"text": article(t()), "pad": pad})
    c.add("size/lines.jsonl", "\n".join([line_ok, line_big, json.dumps({"text": article(t())})])
          + "\n", "size", "a JSONL line at and one past 5 MB", stored=2, errors=1,
          reason=r"line 2: too large")
    fm = "title: x\nnote: " + "y" * (MAX_FRONT_MATTER + 10) + "\n"
    c.add("size/long_front.md", f"---\n{fm}---\n{article(t())}", "size",
          "front matter past 64 KB", errors=1, reason="front matter too long")
    fm = "title: x\nnote: " + "y" * (MAX_FRONT_MATTER - 100) + "\n"
    c.add("size/front_at_limit.md", f"---\n{fm}---\n{article(t())}", "size",
          "front matter just under 64 KB", stored=1)
    c.add("size/many_lines.txt", article(t()) + "\n" * 200_000, "size", "200,000 blank lines",
          stored=1)
    # 2,000 words on one line (20,000 take about 6 s, linear since geo.nlp.subtree replaced
    # spaCy's recursive Token.subtree; bench/bench_many_places.py): kept small for the suite
    c.add("size/long_title.txt", "Report " * 2_000 + "\n\n" + article(t()), "size",
          "a 14,000-character title line", stored=1)


# -------------------------------------------------------------------------------- structures


def _structures(c: Corpus, t: _Tags, tiny: int, as_root: bool) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    c.add("deep/list.json", deep, "structure", "100,000 nested lists", errors=1,
          reason="nested too deeply")
    c.add("deep/object.json", '{"a":' * 50_000 + "1" + "}" * 50_000, "structure",
          "50,000 nested objects", errors=1, reason="nested too deeply")
    c.add("deep/text.json", json.dumps({"text": article(t()), "x": None}).replace(
        "null", "[" * 50_000 + "]" * 50_000), "structure", "deep field beside the text",
          errors=1, reason="nested too deeply")
    c.add("deep/lines.jsonl", deep + "\n" + json.dumps({"text": article(t())}) + "\n",
          "structure", "a nested-too-deeply JSONL line", stored=1, errors=1,
          reason="line 1: nested too deeply")
    c.add("deep/yaml.md", "---\ntitle: " + "[" * 5_000 + "]" * 5_000 + "\n---\n" + article(t()),
          "structure", "deeply nested YAML", errors=1, reason="front matter")
    c.add("deep/alias.md", "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a]\n"
          "c: [*b, *b, *b, *b]\n---\n" + article(t()), "structure", "YAML alias bomb",
          errors=1, reason="YAML aliases")
    c.add("deep/tag.md", "---\ntitle: !!python/object/apply:os.system ['echo XSS']\n---\n"
          + article(t()), "structure", "YAML python tag", errors=1,
          reason="invalid YAML front matter")
    c.add("deep/bad_yaml.md", "---\ntitle: [unclosed\n---\n" + article(t()), "structure",
          "invalid YAML", errors=1, reason="invalid YAML front matter")
    c.add("deep/long_word.txt", f"Aleppo {t()}\n\n" + "Aleppo" * 100_000, "structure",
          "a 600,000-character word", stored=1)
    c.add("deep/many_places.txt", f"Places {t()}\n\n"
          + " ".join(["Aleppo, Homs, Hama, Idlib, Raqqa."] * 40), "structure",
          "200 place mentions (issue 16: 1,000 take 3 s, 20,000 minutes)", stored=1)
    c.add("dir.txt/inside.txt", article(t()), "structure", "a folder named like a file",
          stored=1)
    # special files
    (c.root / "special").mkdir(exist_ok=True)
    os.mkfifo(c.root / "special" / "fifo.txt")
    c.add("special/fifo.txt", None, "structure", "a FIFO", errors=1, reason="FIFO")
    # links in a folder are named, never followed, wherever they point
    for name, target, what in [("self.txt", "self.txt", "a link to itself"),
                               ("loop", "..", "a folder link to its parent"),
                               ("passwd.txt", "/etc/passwd", "a link to /etc/passwd"),
                               ("dangling.txt", "nowhere.txt", "a dangling link"),
                               ("inner.txt", "../fmt/plain.txt", "a link inside the corpus")]:
        (c.root / "special" / name).symlink_to(target)
        c.add(f"special/{name}", None, "structure", what, errors=1, reason="symbolic link")
    # unreadable: as root permissions do not apply, so the file is read and stored
    c.add("special/unreadable.txt", article(t()), "structure",
          "chmod 000 file" + (" (running as root: readable, stored)" if as_root else ""),
          by_root=as_root, **({"stored": 1} if as_root else
                              {"errors": 1, "reason": "cannot read: Permission denied"}))
    os.chmod(c.root / "special/unreadable.txt", 0)
    c.add("locked/inner.txt", article(t()), "structure",
          "a file in a chmod 000 folder" + (" (root: stored)" if as_root else ""),
          by_root=as_root, **({"stored": 1} if as_root else {"ignored": True}))
    c.add("locked", None, "structure", "chmod 000 folder" + (" (root: read)" if as_root else ""),
          by_root=as_root, **({"ignored": True} if as_root else
                              {"errors": 1, "reason": "cannot read folder: Permission denied"}))
    os.chmod(c.root / "locked", 0)
    odd = "odd/new\nline \x1b[31mred.txt"
    c.add(odd, article(t()), "structure", "a name with a newline and an ANSI escape", stored=1)
    c.add("odd/ünï cödé name.txt", article(t()), "structure", "a Unicode name with spaces",
          stored=1)
    # a flood of tiny files: TINY_DISTINCT texts, the others duplicates of them
    for i in range(tiny):
        k = i % TINY_DISTINCT
        c.add(f"tiny/n{i:06d}.txt", f"Tiny note {_tag(10_000 + k)} about Aleppo.\n", "structure",
              "tiny file", flood=True, **({"stored": 1} if i < TINY_DISTINCT else
                                          {"duplicate": 1}))
    # changed by the test during the run (after TRIGGER's line, the tiny flood between)
    c.add("zz_deleted.txt", article(t()), "structure", "deleted during the run",
          during_run="delete", errors=1, reason="No such file")
    c.add("zz_swapped_link.txt", article(t()), "structure",
          "replaced by a link to a file outside the corpus during the run",
          during_run="symlink", errors=1, reason="symbolic link")
    c.add("zz_swapped_fifo.txt", article(t()), "structure",
          "replaced by a FIFO during the run", during_run="fifo", errors=1, reason="FIFO")
    c.outside = c.root.parent / f"{c.root.name}-outside-secret.txt"
    c.outside.write_text("SECRET outside the corpus: Aleppo was shelled.\n")
    # named on the command line, outside the corpus folder
    explicit = c.root.parent / f"{c.root.name}-explicit"
    explicit.mkdir(exist_ok=True)
    rel = f"../{explicit.name}"
    c.add(f"{rel}/missing.txt", None, "structure", "a missing path named explicitly", errors=1,
          reason="no such file or directory", explicit=True)
    (explicit / "loop.txt").symlink_to("loop.txt")
    c.add(f"{rel}/loop.txt", None, "structure", "a link loop named explicitly", errors=1,
          reason="symbolic link to nothing", explicit=True)
    (explicit / "link.txt").symlink_to(c.root / "fmt/plain.txt")
    c.add(f"{rel}/link.txt", None, "structure", "a link named explicitly (read: the user "
          "asked) to an article also in the corpus", duplicate=1, explicit=True)
    c.add(f"{rel}/emptydir", None, "structure", "an empty folder named explicitly",
          ignored=True, explicit=True)
    (explicit / "emptydir").mkdir()


def apply_during_run(corpus: Corpus) -> None:
    """Delete or swap the ``during_run`` files (called by the test once TRIGGER is stored)."""
    for case in corpus.cases:
        path = corpus.root / case.path
        if case.during_run is None:
            continue
        path.unlink()
        if case.during_run == "symlink":
            path.symlink_to(corpus.outside)
        elif case.during_run == "fifo":
            os.mkfifo(path)


def restore_permissions(root) -> None:
    """Make the corpus removable again (chmod 000 entries)."""
    for rel in ("locked", "special/unreadable.txt"):
        p = Path(root) / rel
        if p.exists() and not p.is_symlink():
            os.chmod(p, 0o755 if p.is_dir() else 0o644)


# -------------------------------------------------------------------------------- numbers


NUMBER_CASES = [
    ("pow10", "At least 10^30 people were killed in Homs on Monday, officials said."),
    ("exp309", "1e309 soldiers were killed in Homs, the army said."),
    ("nan", "NaN people were killed in Homs, the ministry said."),
    ("infinity", "Infinity people were killed in Homs, the ministry said."),
    ("neg_infinity", "-Infinity people were wounded in Homs, the ministry said."),
    ("unicode_minus", "\u22125 soldiers were killed in Homs, the army said."),
    ("minus", "-5 soldiers were killed in Homs, the army said."),
    ("big_int", "99999999999999999999 civilians were killed in Homs, the UN said."),
    ("int64", "9223372036854775808 civilians were killed in Homs, the UN said."),
    ("neg_int64", "-9223372036854775809 civilians were wounded in Homs, the UN said."),
    ("thirty_digits", "1000000000000000000000000000000 civilians were killed in Homs."),
    ("words_trillion", "Nine hundred trillion people were killed in Homs, a blogger said."),
    ("separators", "1,000,000,000,000 people were killed in Homs, the army said."),
    ("superscript", "10\u00b3\u2070 people were killed in Homs, officials said."),
    ("hex", "0x7fffffffffffffff soldiers were killed in Homs, the army said."),
    ("e_notation", "1e3000 soldiers were wounded in Homs, the army said."),
    ("superscript_year", "\u00b2\u2070\u00b2\u2070 people were killed in Homs, officials said."),
    ("fullwidth", "\uff19\uff19\uff19\uff19\uff19\uff19\uff19\uff19\uff19\uff19 people were "
                  "killed in Homs."),
    ("range_absurd", "Between 5 and 10^40 people were killed in Homs, activists said."),
]


def _numbers(c: Corpus, t: _Tags) -> None:
    for name, sentence in NUMBER_CASES:
        c.add(f"num/{name}.txt", place_only(t(), sentence), "number", sentence[:40], stored=1,
              figures=0)
    c.add("num/plain.txt", place_only(t(), "Five soldiers were killed in Homs, the army said."),
          "number", "a plain count (the control)", stored=1, figures=1)
    c.add("num/nan.json", '{"text": ' + json.dumps(place_only(t(), "Shelling in Homs."))
          + ', "title": NaN, "date": Infinity, "id": -Infinity}', "number",
          "NaN/Infinity as JSON metadata values", stored=1)
    c.add("num/huge_id.json", '{"text": ' + json.dumps(place_only(t(), "Shelling in Homs."))
          + ', "id": ' + "9" * 400 + ', "date": 1e309}', "number",
          "a 400-digit id and 1e309 as a date", stored=1)


# -------------------------------------------------------------------------------- dates


DATE_CASES = [
    ("month13", "2020-13-01"), ("day32", "2020-01-32"), ("feb30", "2020-02-30"),
    ("year99999", "99999-01-01"), ("far_future", "2999-12-31"), ("year9999", "9999-12-31"),
    ("year1899", "1899-12-31"), ("zero", "0000-00-00"), ("words", "yesterday"),
    ("long", "2020-01-01" + "9" * 5000), ("epoch", "1600000000"), ("hour25", "2020-02-29T25:00"),
]


def _dates(c: Corpus, t: _Tags) -> None:
    for name, value in DATE_CASES:
        c.add(f"date/{name}.md", f"---\ndate: {value}\n---\n{article(t())}", "date",
              f"front matter date {value[:20]}", stored=1)
    c.add("date/year1900.md", f"---\ndate: 1900-01-01\n---\n{article(t())}", "date",
          "1900-01-01, the earliest kept", stored=1)
    c.add("date/list.md", f"---\ndate: [2020, 13]\n---\n{article(t())}", "date",
          "a list date", stored=1)
    c.add("date/month13.json", json.dumps({"text": article(t()), "date": "2020-13-01"}),
          "date", "JSON date month 13", stored=1)
    c.add("date/sidecar.txt", article(t()), "date", "sidecar date month 13", stored=1)
    c.add("date/sidecar.meta.json", json.dumps({"date": "2020-13-13"}), "date",
          "sidecar date month 13", ignored=True)
    c.add("date/in_text.txt", article(t(), extra="On 31 February 2020 and on 32/13/2020 and "
          "in the year 99999, and on 1 January 1900, shells fell."), "date",
          "impossible dates in the text", stored=1)


# -------------------------------------------------------------------------------- payloads


def _payloads(c: Corpus, t: _Tags) -> None:
    for i, p in enumerate(PAYLOADS):
        c.add(f"pay/title{i}.txt", article(t(), title=f"Aleppo {p}", extra=f"Quote: {p}"),
              "payload", f"title and text {p[:24]!r}", stored=1)
        c.add(f"pay/meta{i}.json", json.dumps({
            "text": article(t(), extra=f"Officials in {p} said."), "title": p, "source": p,
            "url": p if p == JS_URL else JS_URL, "id": f"id{i}-{p}"}), "payload",
            f"every metadata field {p[:24]!r}", stored=1)
    c.add("pay/front.md", f"---\ntitle: '{SCRIPT}'\nsource: '{IMG}'\nurl: '{JS_URL}'\n---\n"
          f"{article(t(), extra=MD_IMG + ' ' + MD_LINK)}", "payload", "front matter payloads",
          stored=1)
    c.add("pay/page.html", "<html><head><title>" + SCRIPT + "</title></head><body><article>"
          + "<h1>Shelling near Aleppo</h1><p>" + article(t()) + "</p>" + SCRIPT + IMG + SVG
          + CSS + f'<a href="{JS_URL}">link</a><p>More shelling hit Idlib on Tuesday, '
          "activists said.</p></article></body></html>", "payload", "HTML with live payloads",
          stored=1)
    c.add("pay/place_names.txt", f"Shelling in {SCRIPT}\n\nThree civilians were killed in "
          f"Aleppo{IMG} and in Homs{SVG}, said the {ATTR} Observatory. {t()}.\n", "payload",
          "payloads glued to place names", stored=1)
    for i, formula in enumerate(FORMULAS):
        c.add(f"pay/formula{i}.txt", article(t(), title=formula, extra=f'"{formula}" said the '
              "army in Aleppo."), "payload", f"CSV formula {formula[:12]!r} as title and quote",
              stored=1)
        c.add(f"pay/formula_src{i}.json", json.dumps({"text": article(t()), "title": formula,
                                                      "source": formula}), "payload",
              f"CSV formula {formula[:12]!r} as source", stored=1)


# -------------------------------------------------------------------------------- by hand


def main(argv=None) -> int:
    import argparse
    import time

    parser = argparse.ArgumentParser(description="write the hostile corpus into DIR")
    parser.add_argument("dir")
    parser.add_argument("--tiny", type=int, default=TINY_FILES, help="number of tiny files")
    args = parser.parse_args(argv)
    start = time.monotonic()
    corpus = write_corpus(args.dir, tiny=args.tiny)
    print(f"{len(corpus.hostile)} hostile cases and {args.tiny:,} tiny files in {args.dir} "
          f"({time.monotonic() - start:.1f} s); the during-run cases are not changed by hand")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
