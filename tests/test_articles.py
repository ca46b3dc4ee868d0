"""geo.articles: formats, metadata, bad inputs, boilerplate rules."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from geo import DATA_DIR
from geo.articles import (
    BOILERPLATE_RULES, ArticleError, ArticleReadError, article_id, boilerplate_spans,
    decode_bytes, find_boilerplate, find_title_line, normalize_date, read_article,
    read_articles, read_text_article, read_upload, split_title,
)
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
    (ARTICLES / "bad_sidecar.txt", "invalid metadata in bad_sidecar.meta.json"),
    (ARTICLES / "missing.txt", "no such file or directory"),
])
def test_single_file_errors(path, reason):
    (err,) = list(read_articles(path))
    assert isinstance(err, ArticleError) and err.reason.startswith(reason)
    with pytest.raises(ArticleReadError, match=reason):
        read_article(path)


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
