"""geo.read: formats, metadata, bad inputs, boilerplate rules."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from geo.config import DATA_DIR
from geo.read import (
    ArticleError, ArticleReadError, article_id, read_article, read_articles, read_text_article,
    read_upload,
)
from geo.read.boilerplate import BOILERPLATE_RULES, boilerplate_spans, find_boilerplate
from geo.read.decoding import decode_bytes
from geo.read.metadata import normalize_date
from geo.read.titles import find_title_line, split_title
from geo.records import Article

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLES = FIXTURES / "articles"
BATCH = ARTICLES / "batch"
SEED = DATA_DIR / "samples" / "000_6b9e2fcaa4d74d82.txt"


def _articles(items):
    return [i for i in items if isinstance(i, Article)]


def _errors(items):
    return [i for i in items if isinstance(i, ArticleError)]


def _marked(text: str) -> list[str]:
    return [text[s:e] for s, e in boilerplate_spans(text)]


# ---------------------------------------------------------------- the seed


@pytest.fixture(scope="module")
def seed() -> Article:
    return read_article(SEED)


def test_seed_metadata_from_sidecar(seed):
    assert seed.title == "Putin and Macron call for a total cessation of hostilities"
    assert seed.source == "VG"
    assert seed.date == "2020-09-30"
    assert seed.path == str(SEED)


def test_seed_text_untouched(seed):
    assert seed.text == SEED.read_bytes().decode("utf-8")


def test_seed_boilerplate_matches_gold(seed):
    gold = json.loads((FIXTURES / "000_6b9e2fcaa4d74d82.gold.json").read_text())["boilerplate"]
    marked = [seed.text[s:e] for s, e in seed.boilerplate]
    # The gold's list, plus the title line's " – VG" suffix (a source name, not content).
    assert sorted(marked) == sorted(gold + ["– VG"])


def test_seed_captions_keep_their_places(seed):
    # Hadrut is named only in a photo caption: the caption stays, only its credit goes.
    start = seed.text.index("Hadrut")
    assert not seed.is_boilerplate(start, start + len("Hadrut"))
    title_end = seed.text.index(" – VG")
    assert not seed.is_boilerplate(0, title_end)  # the headline itself is content


def test_seed_id_is_content_hash_and_stable(seed):
    assert seed.id == article_id(seed.text)
    again = read_text_article(seed.text.replace("\n", "\r\n"))
    assert again.id == seed.id  # whitespace differences do not make a new article


# ---------------------------------------------------------------- formats and metadata


@pytest.fixture(scope="module")
def batch():
    return list(read_articles(BATCH))


def test_batch_never_stops(batch):
    paths = [i.path for i in batch]
    names = [Path(p).name for p in paths]
    assert names[-1] == "j_nested.txt"  # the walk went on past every bad file
    assert paths == sorted(paths)  # recursive walk, sorted
    assert ".hidden.txt" not in names
    assert not any(n.endswith((".meta.json", "manifest.csv")) for n in names)


@pytest.mark.parametrize("name,reason", [
    ("f_binary.txt", "binary file"),
    ("g_empty.txt", "empty"),
    ("i_notes.pdf", "unsupported file type '.pdf'"),
    ("e_feed.jsonl", "invalid JSON at line 3: Expecting value"),
    ("e_feed.jsonl", "line 5: expected an object, got list"),
    ("d_list.json", "item 2: no text field"),
])
def test_batch_errors(batch, name, reason):
    reasons = [e.reason for e in _errors(batch) if Path(e.path).name == name]
    assert any(r.startswith(reason) for r in reasons), reasons


def _by_name(batch, name):
    return [a for a in _articles(batch) if Path(a.path).name == name]


def test_txt_with_sidecar(batch):
    (a,) = _by_name(batch, "a_wire.txt")
    assert (a.title, a.source, a.date, a.url) == (
        "Shelling hits Stepanakert", "BBC", "2020-10-04", "https://example.org/a")
    assert _marked(a.text) == [
        "[advertisement]", "Photo: Jane Doe / Reuters", "Read more",
        "Armenia and Azerbaijan trade blame", "What the war means for the Caucasus",
        "Share this article", "Sign up for our daily newsletter"]
    assert a.text[a.boilerplate[0][0]:a.boilerplate[0][1]] == "– BBC"


def test_manifest_in_same_folder(batch):
    (a,) = _by_name(batch, "j_nested.txt")
    assert (a.id, a.title, a.date, a.source, a.url) == (
        "nested-1", "From manifest", "2020-10-01", "Manifest Wire", "https://example.org/n")


def test_markdown_front_matter(batch):
    (a,) = _by_name(batch, "b_front.md")
    assert (a.id, a.title, a.date, a.source) == ("md-1", "Ceasefire breaks down", "2020-10-11",
                                                 "Example Times")
    assert a.text.startswith("Fighting resumed near Hadrut")  # the body only: offsets index it
    assert "title:" not in a.text
    assert _marked(a.text) == ["(Photo: AP)"]


def test_html(batch):
    (a,) = _by_name(batch, "c_page.html")
    assert (a.title, a.source, a.date, a.url) == (
        "Shelling in Ganja", "Example News", "2020-10-04", "https://example.org/ganja")
    assert "Ganja, its second city" in a.text
    assert "Home | World" not in a.text and "cookies" not in a.text


def test_json_list_and_jsonl(batch):
    one, two = _by_name(batch, "d_list.json")
    assert (one.id, one.title, one.date, one.source) == ("j1", "One", "2020-10-05", "Wire")
    assert two.text == "Shelling in Martuni." and two.date is None  # 'not a date' -> None
    assert two.id == article_id(two.text)
    feed = _by_name(batch, "e_feed.jsonl")
    assert [a.id for a in feed] == ["f1", "f2", "f5"]
    assert feed[0].date == "2020-09-30"
    assert feed[2].text == "Shelling of Stepanakert."  # 'body' accepted for 'text'


def test_legacy_encoding_and_bom(batch):
    (a,) = _by_name(batch, "h_cp1252.txt")
    assert a.title == "Café talks in Genève"
    (b,) = _by_name(batch, "bom.txt")
    assert b.text.startswith("BOM headline")


def test_arguments_are_fallback_only(tmp_path):
    (tmp_path / "x.txt").write_text("Headline\n\nBody in Baku.\n")
    (tmp_path / "y.txt").write_text("Headline two\n\nBody in Ganja.\n")
    (tmp_path / "y.meta.json").write_text('{"date": "2021-01-02", "source": "Meta"}')
    x, y = read_articles(tmp_path, date="2020-09-30", source="Arg")
    assert (x.date, x.source) == ("2020-09-30", "Arg")
    assert (y.date, y.source) == ("2021-01-02", "Meta")


def test_crlf_offsets(tmp_path):
    a = read_article(ARTICLES / "crlf.txt")
    assert "\r\n" in a.text
    assert _marked(a.text) == ["[ad_1]", "Photo: AP"]
    assert a.source == "Reuters" and a.title == "Headline"


@pytest.mark.parametrize("path,reason", [
    (ARTICLES / "missing.txt", "no such file or directory"),
])
def test_single_file_errors(path, reason):
    (err,) = list(read_articles(path))
    assert isinstance(err, ArticleError) and err.reason.startswith(reason)
    with pytest.raises(ArticleReadError, match=reason):
        read_article(path)


def test_broken_sidecar_is_ignored_with_a_warning(caplog):
    # The sidecar is broken, the article is not: it is read without that metadata.
    a = read_article(ARTICLES / "bad_sidecar.txt")
    assert (a.title, a.text) == ("Title", "Title\n\nBody text.\n")
    assert any("bad_sidecar.meta.json" in r.getMessage() and "ignored" in r.getMessage()
               for r in caplog.records)


def test_too_large(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:  # sparse: 6 MB on paper, nothing read
        fh.truncate(6 * 1024 * 1024)
    (err,) = list(read_articles(big))
    assert err.reason.startswith("too large (6.0 MB > limit 5.0 MB)")
    small = tmp_path / "small.txt"
    small.write_text("Title\n\n" + "word " * 100)
    (err,) = list(read_articles(small, max_bytes=100))
    assert err.reason.startswith("too large")


def test_jsonl_limit_is_per_line(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"text": "short"}) + "\n" + json.dumps({"text": "x" * 500}) + "\n")
    items = list(read_articles(feed, max_bytes=200))
    assert isinstance(items[0], Article)
    assert items[1].reason.startswith("line 2: too large")


def test_undecodable_without_charset_guesser(monkeypatch):
    monkeypatch.setitem(sys.modules, "charset_normalizer", None)  # import fails
    with pytest.raises(ArticleReadError, match="not valid UTF-8/undecodable"):
        decode_bytes("Genève".encode("cp1252"))


# ---------------------------------------------------------------- uploads and pasted text


def test_read_upload_dispatches_on_name():
    (a,) = list(read_upload("note.txt", "Headline | Reuters\n\nBody.\n".encode(), date="2020-10-01"))
    assert (a.title, a.source, a.date, a.path) == ("Headline", "Reuters", "2020-10-01", "note.txt")
    (err,) = list(read_upload("x.docx", b"PK\x03\x04"))
    assert err.reason.startswith("unsupported file type")
    (err,) = list(read_upload("x.txt", b"\x00\x01\x02"))
    assert err.reason == "binary file"


@pytest.mark.parametrize("name,data,reason", [
    ("bad.md", b"---\ntitle: [unclosed\n---\nBody.\n", "invalid YAML front matter"),
    ("bad.json", b'{"text": "a",\n\n "id": }', "invalid JSON at line 3: Expecting value"),
    ("str.json", b'"just a string"', "object: expected an object, got str"),
    ("empty.json", b"[]", "empty"),
    ("blank.jsonl", b"\n\n", "empty"),
    ("page.html", b"<html><head><title>T</title></head><body><div></div></body></html>",
     "no article text found in HTML"),
    ("noext", b"text", "unsupported file type '(no extension)'"),
])
def test_upload_errors(name, data, reason):
    (err,) = list(read_upload(name, data))
    assert isinstance(err, ArticleError) and err.reason.startswith(reason), err


def test_read_text_article():
    a = read_text_article("Pasted text about Baku.", title="T", date="30 Sep 2020", id="p1")
    assert (a.id, a.title, a.date, a.source) == ("p1", "T", "2020-09-30", None)
    b = read_text_article(b"Line one\n\nLine two in Ganja.")
    assert b.title == "Line one"
    with pytest.raises(ArticleReadError, match="empty"):
        read_text_article("  \n ")


# ---------------------------------------------------------------- dates and titles


@pytest.mark.parametrize("value,expected", [
    ("2020-09-30", "2020-09-30"),
    ("2020-09-30T23:10:00+03:00", "2020-09-30"),
    ("2009-03-20 12:24:52.002364-05", "2009-03-20"),
    ("30 September 2020", "2020-09-30"),
    ("Sep 30, 2020", "2020-09-30"),
    ("September 2020", None),  # no day: refuse rather than invent one
    ("2020-02-30", None),
    ("yesterday", None),
    ("", None),
    (None, None),
    (2020, None),
])
def test_normalize_date(value, expected):
    assert normalize_date(value) == expected


@pytest.mark.parametrize("line,title,source", [
    ("Putin and Macron call for a total cessation of hostilities – VG",
     "Putin and Macron call for a total cessation of hostilities", "VG"),
    ("Ukraine war - BBC News", "Ukraine war", "BBC News"),
    ("Shelling in Donetsk | Reuters", "Shelling in Donetsk", "Reuters"),
    ("Talks resume — nytimes.com", "Talks resume", "nytimes.com"),
    ("Armenia - Azerbaijan clashes", "Armenia - Azerbaijan clashes", None),
    # wire headlines end with the speaker: attribution, not the publisher
    ("Six servicemen killed in eastern Ukraine - Defense Ministry",
     "Six servicemen killed in eastern Ukraine - Defense Ministry", None),
    ("Ceasefire violated 12 times - JFO HQ", "Ceasefire violated 12 times - JFO HQ", None),
    ("Shelling resumes - 31 January 2021", "Shelling resumes - 31 January 2021", None),
    ("Headline without suffix", "Headline without suffix", None),
])
def test_split_title(line, title, source):
    assert split_title(line)[:2] == (title, source)


def test_known_source_wins_over_guessing():
    assert split_title("Shelling in Donetsk - Kiev", known_source="VG")[:2] == (
        "Shelling in Donetsk - Kiev", None)
    assert split_title("Shelling in Donetsk - vg", known_source="VG")[:2] == (
        "Shelling in Donetsk", "vg")


@pytest.mark.parametrize("text,title", [
    ("\n\nHeadline\n\nBody.", "Headline"),
    ("# Markdown heading\n\nBody.", "Markdown heading"),
    ("Only one line of text.", None),
    ("x" * 300 + "\n\nBody.", None),
])
def test_find_title_line(text, title):
    line = find_title_line(text)
    assert (line.title if line else None) == title


# ---------------------------------------------------------------- boilerplate rules


@pytest.mark.parametrize("rule,text,marked", [
    ("ad_marker", "Body.\n[ad_1]\nMore.", "[ad_1]"),
    ("ad_marker", "Body.\nADVERTISEMENT\nMore.", "ADVERTISEMENT"),
    ("ad_marker", "Body.\n[advertisement]\n", "[advertisement]"),
    ("photo_credit", "FIRE: A house burns in Ganja. Photo: Jane Doe / AFP", "Photo: Jane Doe / AFP"),
    ("photo_credit", "Foto: NTB Scanpix", "Foto: NTB Scanpix"),
    ("photo_credit", "Soldiers near the front. Image: Reuters", "Image: Reuters"),
    ("photo_credit", "Credit: Getty Images", "Credit: Getty Images"),
    ("photo_by", "Soldiers near the front. Photo by Jane Doe/Getty Images",
     "Photo by Jane Doe/Getty Images"),
    ("photo_by", "Staff photo by Marvine Sugg", "Staff photo by Marvine Sugg"),
    ("paren_credit", "Envoys met in Moscow (Photo: AP) on Friday.", "(Photo: AP)"),
    ("paren_credit", "Hege was taken off life support. (AP Photo/Oakland Police Department)",
     "(AP Photo/Oakland Police Department)"),
    ("paren_credit", "A soup kitchen in 1934. (Associated Press file photo)",
     "(Associated Press file photo)"),
    ("copyright", "© 2020 Reuters", "© 2020 Reuters"),
    ("copyright", "Shelling in Ganja. Copyright 2020 The Associated Press",
     "Copyright 2020 The Associated Press"),
    ("rights_reserved", "The Example Times. All rights reserved.", "The Example Times. All rights reserved."),
    ("teaser_marker", "Body.\n\nalso read\n", "also read"),
    ("teaser_marker", "Body.\n\nRelated articles:\n", "Related articles:"),
    ("teaser_inline", "Read more: Why the Caucasus matters", "Read more: Why the Caucasus matters"),
    ("commerce", "VG discount codes", "VG discount codes"),
    ("commerce", "A business collaboration with kickback.no", "A business collaboration with kickback.no"),
    ("commerce", "This article contains affiliate links.", "This article contains affiliate links."),
    ("commerce", "Sponsored by Acme Travel", "Sponsored by Acme Travel"),
    ("newsletter", "Sign up for our daily newsletter", "Sign up for our daily newsletter"),
    ("cookie", "We use cookies to improve your experience.", "We use cookies to improve your experience."),
    ("share", "Share this article", "Share this article"),
    ("share", "Facebook | Twitter | Email", "Facebook | Twitter | Email"),
])
def test_rule_fires(rule, text, marked):
    hits = [h for h in find_boilerplate(text) if h.rule == rule]
    assert [text[h.start:h.end] for h in hits] == [marked]


def test_every_rule_is_tested():
    tested = {p[0] for p in test_rule_fires.pytestmark[0].args[1]}
    assert {r.name for r in BOILERPLATE_RULES} <= tested


REAL = json.loads((ARTICLES / "real_sentences.json").read_text(encoding="utf-8"))["sentences"]


@pytest.mark.parametrize("record_id", sorted(REAL))
def test_rules_leave_real_sentences_alone(record_id):
    # Each real sentence as its own line/paragraph: the worst case for line rules.
    assert find_boilerplate(REAL[record_id]) == []


def test_teaser_block_ends_at_real_paragraph():
    text = ("Body.\n\nalso read\n\nRussia and NATO are also in the war in the Caucasus\n\n"
            "Claims from foreign fighters are coming\n\n"
            "Russia claims that rebels were sent to Nagorno-Karabakh.\n\nA heading\n")
    assert _marked(text) == ["also read", "Russia and NATO are also in the war in the Caucasus",
                             "Claims from foreign fighters are coming"]


@pytest.mark.parametrize("after", [
    "– We are deeply concerned, it is further stated",  # dialogue dash: a quote paragraph
    "Fighting went on overnight, officials said.",
    "x" * 130,  # too long for a headline
])
def test_teaser_block_stops(after):
    text = f"read more\n\n{after}\n\nShort heading after\n"
    assert _marked(text) == ["read more"]


def test_headings_without_marker_are_content():
    text = "Intro.\n\nThe conflict is raging\n\nIntense fighting continued on Wednesday.\n"
    assert find_boilerplate(text) == []


# ---------------------------------------------------------------- hostile input
# Each hostile file gets its own clear error (or is read with a warning); the files after it in
# the batch are still read. Hostile files are made here, at test time.

GOOD = "Headline\n\nShelling in Baku today.\n"


def _batch_with(tmp_path, name: str, data: bytes) -> list:
    """``name`` between two good articles; returns what the reader yields for the folder."""
    (tmp_path / "a_good.txt").write_text(GOOD)
    (tmp_path / name).write_bytes(data)
    (tmp_path / "z_good.txt").write_text(GOOD.replace("Baku", "Ganja"))
    items = list(read_articles(tmp_path))
    assert [Path(a.path).name for a in _articles(items)][:1] == ["a_good.txt"]
    assert Path(_articles(items)[-1].path).name == "z_good.txt"  # the batch went on
    return items


@pytest.mark.parametrize("name,data,reason", [
    ("deep.json", b"[" * 100_000, "invalid JSON: nested too deeply"),
    ("deep_valid.json",
     b'{"text": "Shelling in Baku.", "x": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
     "invalid JSON: nested too deeply"),
    ("deep.jsonl", b"[" * 100_000 + b"\n", "invalid JSON at line 1: nested too deeply"),
], ids=["json", "json-valid-object", "jsonl"])
def test_deeply_nested_json_is_an_error_of_that_file(tmp_path, name, data, reason):
    items = _batch_with(tmp_path, name, data)
    (err,) = [e for e in _errors(items) if Path(e.path).name == name]
    assert err.reason == reason


def test_deeply_nested_jsonl_line_spares_the_other_lines(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(b"[" * 100_000 + b"\n" + json.dumps({"id": "ok", "text": "Baku."}).encode())
    err, a = read_articles(feed)
    assert err.reason == "invalid JSON at line 1: nested too deeply" and a.id == "ok"


def test_deeply_nested_sidecar_is_ignored(tmp_path, caplog):
    (tmp_path / "x.txt").write_text(GOOD)
    (tmp_path / "x.meta.json").write_bytes(b"[" * 100_000)
    a = read_article(tmp_path / "x.txt")
    assert a.title == "Headline"
    assert any("x.meta.json" in r.getMessage() for r in caplog.records)


def test_unexpected_parser_failure_is_per_file(tmp_path, monkeypatch):
    import geo.read.formats as formats

    def boom(data, name, meta, fallback):
        raise KeyError("parser bug")

    monkeypatch.setitem(formats.PARSERS, ".md", boom)
    items = _batch_with(tmp_path, "m.md", b"Title\n\nBody.\n")
    (err,) = _errors(items)
    assert err.reason == "unexpected KeyError: 'parser bug'"
    (err,) = list(read_upload("m.md", b"Title\n\nBody.\n"))
    assert err.reason == "unexpected KeyError: 'parser bug'"


@pytest.mark.parametrize("reader", ["json", "jsonl", "upload"])
def test_lone_surrogates_are_replaced(tmp_path, caplog, reader):
    # JSON may escape half a surrogate pair: such text cannot be encoded, hashed or stored.
    # Policy: U+FFFD in its place, one for one, so the length and all offsets are unchanged.
    obj = '{"text": "Shelling in Baku \\ud800 today.", "title": "T \\udc00"}'
    if reader == "upload":
        (a,) = list(read_upload("s.json", obj.encode()))
    else:
        path = tmp_path / f"s.{reader}"
        path.write_text(obj)
        (a,) = list(read_articles(path))
    assert isinstance(a, Article), a
    assert a.text == "Shelling in Baku \ufffd today." and a.title == "T \ufffd"
    assert len(a.text) == len(json.loads(obj)["text"])
    a.text.encode("utf-8")
    assert a.id == article_id(a.text)
    assert any("s." in r.getMessage() and "lone surrogate" in r.getMessage()
               for r in caplog.records)


def test_content_hash_never_raises():
    assert len(article_id("half a pair \ud800")) == 16


def _alias_bomb() -> bytes:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, cur in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    return ("---\n" + "\n".join(lines) + "\ntitle: *i\n---\nBody about Baku.\n").encode()


def test_yaml_alias_bomb_is_refused_fast(tmp_path):
    import time

    bomb = _alias_bomb()
    assert len(bomb) < 500  # 9**9 strings once expanded
    start = time.perf_counter()
    items = _batch_with(tmp_path, "bomb.md", bomb)
    assert time.perf_counter() - start < 1.0
    (err,) = _errors(items)
    assert Path(err.path).name == "bomb.md"
    assert err.reason == "YAML aliases (*name) are not allowed in front matter"


@pytest.mark.parametrize("front,title", [
    ("title: [a, b]\nsource: {x: 1}", "Heading line"),  # wrong types dropped, not stringified
    ("title: 2020\nid: 7", "2020"),  # numbers are fine
])
def test_front_matter_field_types(front, title, caplog):
    data = f"---\n{front}\n---\nHeading line\n\nBody about Baku.\n".encode()
    (a,) = list(read_upload("f.md", data))
    assert a.title == title and a.source is None
    if "[" in front:
        assert any(r.getMessage().startswith("f.md: title of type list ignored")
                   for r in caplog.records)


def test_front_matter_too_long():
    data = ("---\ntitle: " + "x" * 70_000 + "\n---\nBody.\n").encode()
    (err,) = list(read_upload("f.md", data))
    assert err.reason.startswith("front matter too long")


def test_json_fields_of_wrong_types_are_dropped(tmp_path, caplog):
    text = "Shelling in Baku."
    path = tmp_path / "w.json"
    path.write_text(json.dumps({"id": ["x"], "title": ["a", "b"], "url": {"u": 1},
                                "date": [2020], "source": True, "text": text}))
    (a,) = list(read_articles(path))
    assert a.id == article_id(text)  # not "['x']"
    assert (a.title, a.url, a.date, a.source) == (None, None, None, None)
    messages = [r.getMessage() for r in caplog.records]
    assert any(m.startswith(f"{path} object: title of type list ignored") for m in messages)


def test_wrong_typed_field_does_not_hide_the_sidecar(tmp_path):
    (tmp_path / "w.json").write_text(json.dumps({"title": ["a"], "text": "Baku."}))
    (tmp_path / "w.meta.json").write_text(json.dumps({"title": "From sidecar"}))
    assert read_article(tmp_path / "w.json").title == "From sidecar"


def test_sidecar_fields_of_wrong_types_are_dropped(tmp_path):
    (tmp_path / "x.txt").write_text(GOOD)
    (tmp_path / "x.meta.json").write_text(json.dumps({"id": {"a": 1}, "source": ["VG"]}))
    a = read_article(tmp_path / "x.txt")
    assert a.id == article_id(GOOD) and a.source is None


def test_warnings_name_the_file(batch, caplog, tmp_path):
    import logging

    caplog.set_level(logging.WARNING, logger="geo.read")
    list(read_articles(BATCH / "h_cp1252.txt"))
    list(read_articles(BATCH / "d_list.json"))
    messages = [r.getMessage() for r in caplog.records]
    assert f"{BATCH / 'h_cp1252.txt'}: not UTF-8: decoded as cp1252" in messages
    assert any(m.startswith(f"{BATCH / 'd_list.json'}: unreadable date 'not a date'")
               for m in messages)


@pytest.mark.parametrize("date", ["9999-12-31", "1899-12-31", "0001-01-01", "3020-09-30"])
def test_absurd_dates_are_dropped_with_a_warning_naming_the_file(tmp_path, caplog, date):
    import logging

    caplog.set_level(logging.WARNING, logger="geo.read")
    path = tmp_path / "far.json"
    path.write_text(json.dumps({"title": "T", "date": date, "text": "Shelling hit Baku."}))
    (a,) = list(read_articles(path))
    assert isinstance(a, Article) and a.date is None  # the article is kept, its date is not
    messages = [r.getMessage() for r in caplog.records]
    assert any(m.startswith(f"{path}: implausible date {date!r} ignored") for m in messages)


def test_dates_from_1900_to_tomorrow_are_kept(tmp_path):
    import datetime as dt

    from geo.read.metadata import plausible_date

    tomorrow = dt.date.today() + dt.timedelta(days=1)
    for date in ("1900-01-01", "2020-09-30", dt.date.today().isoformat(), tomorrow.isoformat()):
        assert read_text_article("Baku.\n\nShelling.", date=date).date == date
    assert not plausible_date((tomorrow + dt.timedelta(days=1)).isoformat())
    assert plausible_date("2020-01-02", today=dt.date(2020, 1, 1))
    assert not plausible_date("2020-01-03", today=dt.date(2020, 1, 1))
    # the fallback date of a batch (--date) is checked too
    (tmp_path / "x.txt").write_text("Title\n\nShelling hit Baku.")
    (a,) = list(read_articles(tmp_path / "x.txt", date="9999-12-31"))
    assert a.date is None


@pytest.mark.parametrize("item, reason", [
    ({"text": ["Shelling", "hit Baku."]}, "item 1: text is not a string"),
    ({"text": 42}, "item 1: text is not a string"),
    ({"body": {"p": "Baku."}}, "item 1: body is not a string"),
    ({"title": "no text at all"}, "item 1: no text field"),
])
def test_text_that_is_not_a_string_says_so(tmp_path, item, reason):
    path = tmp_path / "items.json"
    path.write_text(json.dumps([{"text": "Shelling hit Baku."}, item]))
    items = list(read_articles(path))
    assert len(_articles(items)) == 1
    (err,) = _errors(items)
    assert err.reason.startswith(reason), err.reason
    assert "no text field" not in err.reason or "no text field" in reason


# ---------------------------------------------------------------- size limits


def test_too_long_for_the_pipeline_at_read_time(tmp_path):
    from geo.read import MAX_CHARS

    assert MAX_CHARS == 1_000_000
    path = tmp_path / "long.txt"
    path.write_text("Title\n\n" + "x" * (MAX_CHARS - 6))  # 1,000,001 characters, 1 MB
    (err,) = list(read_articles(path))
    assert err.reason == "too long (1,000,001 characters > 1,000,000)"
    with pytest.raises(ArticleReadError, match="too long"):
        read_text_article("x" * (MAX_CHARS + 1))


def test_too_long_item_spares_the_rest_of_a_feed(tmp_path):
    long = "x" * 1_000_001
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(o) for o in (
        {"id": "a", "text": "Baku."}, {"text": long}, {"id": "c", "text": "Ganja."})))
    a, err, c = read_articles(feed)
    assert (a.id, c.id) == ("a", "c")
    assert err.reason == "line 2: too long (1,000,001 characters > 1,000,000)"
    lst = tmp_path / "list.json"
    lst.write_text(json.dumps([{"id": "a", "text": "Baku."}, {"text": long}]))
    a, err = read_articles(lst)
    assert a.id == "a" and err.reason == "item 1: too long (1,000,001 characters > 1,000,000)"


def test_feeds_have_a_larger_file_limit(tmp_path):
    # Many small articles: bigger than the single-article limit, under the feed limit.
    items = [{"id": f"n{i}", "text": f"Shelling number {i} in Baku. " * 5} for i in range(40)]
    lst = tmp_path / "many.json"
    lst.write_text(json.dumps(items))
    feed = tmp_path / "many.jsonl"
    feed.write_text("\n".join(json.dumps(o) for o in items))
    assert lst.stat().st_size > 2000
    for path in (lst, feed):
        got = list(read_articles(path, max_bytes=1000))
        assert len(_articles(got)) == 40 and not _errors(got)
        (err,) = list(read_articles(path, max_bytes=1000, max_feed_bytes=2000))
        assert err.reason.startswith("too large")
    (txt := tmp_path / "big.txt").write_text("Title\n\n" + "word " * 400)
    (err,) = list(read_articles(txt, max_bytes=1000))  # the feed limit is for feeds only
    assert err.reason.startswith("too large")
    assert len(_articles(read_upload("many.json", lst.read_bytes(), max_bytes=1000))) == 40


def test_not_a_regular_file(tmp_path):
    import os

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (err,) = list(read_articles(fifo))  # would block forever if read
    assert err.reason == "not a regular file (a FIFO)"
    (err,) = list(read_articles(tmp_path))  # found in a folder: named, not skipped
    assert (err.path, err.reason) == (str(fifo), "not a regular file (a FIFO)")


# ---------------------------------------------------------------- links and system files (issue 16)

def test_a_link_in_a_folder_is_reported_not_followed(tmp_path):
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("Private notes\n\nNot an article for the store.")
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "a.txt").write_text("Title\n\nShelling hit Donetsk.")
    (batch / "link.txt").symlink_to(secret)
    (batch / "linked-folder").symlink_to(secret.parent)
    items = list(read_articles(batch))
    assert [type(i).__name__ for i in items] == ["Article", "ArticleError", "ArticleError"]
    assert {i.path for i in items[1:]} == {str(batch / "link.txt"), str(batch / "linked-folder")}
    assert all(i.reason.startswith("symbolic link not followed") for i in items[1:])
    # asked for: read
    followed = [i for i in read_articles(batch, follow_links=True) if isinstance(i, Article)]
    assert len(followed) == 3  # a.txt, link.txt, linked-folder/secret.txt
    # named on the command line: the user asked for that path
    (one,) = list(read_articles(batch / "link.txt"))
    assert isinstance(one, Article)


@pytest.mark.parametrize("target", ["/proc/self/environ", "/proc/self/status", "/dev/null"])
def test_system_files_are_refused_by_type(tmp_path, target):
    if not Path(target).exists():
        pytest.skip(f"{target} does not exist here")
    link = tmp_path / "innocent.txt"  # named on the command line, so links are followed
    link.symlink_to(target)
    (err,) = list(read_articles(link))
    assert isinstance(err, ArticleError)
    assert err.reason == f"a system file ({Path(target).resolve()}), not an article"


def test_a_folder_that_cannot_be_listed_is_named(tmp_path, monkeypatch):
    import os

    batch = tmp_path / "batch"
    (batch / "locked").mkdir(parents=True)
    (batch / "a.txt").write_text("Title\n\nShelling hit Donetsk.")
    real = os.scandir

    def scandir(path="."):  # root reads everything: simulate the permission error
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)
    monkeypatch.setattr(os, "scandir", scandir)
    items = list(read_articles(batch))
    errors = [i for i in items if isinstance(i, ArticleError)]
    assert [(e.path, e.reason) for e in errors] == [
        (str(batch / "locked"), "cannot read folder: Permission denied")]


# ---------------------------------------------------------------- UTF-16 without a BOM


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_decoded(tmp_path, encoding, caplog):
    text = "Café talks\n\nShelling in Genève and Baku.\n"
    path = tmp_path / "u16.txt"
    path.write_bytes(text.encode(encoding))
    a = read_article(path)
    assert a.text == text and a.title == "Café talks"
    assert any(str(path) in r.getMessage() and encoding in r.getMessage()
               for r in caplog.records)


def test_utf16_without_bom_that_does_not_decode():
    data = "Headline\n\nShelling in Baku.\n".encode("utf-16-le") + b"A"  # odd length
    with pytest.raises(ArticleReadError, match="looks like UTF-16 without a byte order mark"):
        decode_bytes(data)
    with pytest.raises(ArticleReadError, match="binary file"):
        decode_bytes(bytes(range(256)) * 4)  # NULs, but not UTF-16 text


# ---------------------------------------------------------------- has_article_files


def test_has_article_files(tmp_path):
    from geo.read import has_article_files

    assert not has_article_files(tmp_path)
    (tmp_path / "x.meta.json").write_text("{}")
    (tmp_path / ".hidden.txt").write_text("hidden")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    assert not has_article_files(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text(GOOD)
    assert has_article_files(tmp_path)
