"""dashboard.text: untrusted text shown as text in Markdown-rendering widgets."""
from __future__ import annotations

import pytest

from dashboard.text import as_text, upload_summary


@pytest.mark.parametrize("payload", [
    "![x](http://evil.example/p.png)", "[link](javascript:alert(1))", "**bold** _it_",
    ":red[colour] :smile:", "$x^2$", "<img src=x onerror=alert(1)>", "# heading", "`code`",
    "a\\b", "1. list", "- item", "| table |", "~~strike~~",
])
def test_every_markdown_character_is_escaped(payload):
    import markdown_it

    html = markdown_it.MarkdownIt("commonmark").render(as_text(payload))
    for tag in ("<img", "<a ", "<strong", "<em", "<code", "<h1", "<ol", "<ul", "<s>"):
        assert tag not in html
    # what a reader sees is exactly the text
    assert markdown_it.MarkdownIt("commonmark").render(as_text(payload)).startswith("<p>")


def test_newlines_do_not_start_blocks():
    assert "\n" not in as_text("title\n# not a heading")


def test_the_upload_summary_is_words_not_a_dict():
    assert upload_summary(["ok", "error", "ok", "duplicate"]) == \
        "2 stored, 1 already in the store, 1 failed"
    assert upload_summary([]) == "nothing read"


def test_a_renamed_article_is_worded_not_shown_as_a_status_code():
    # "renamed": its id held another text, so it was stored as id~hash and both were kept
    assert upload_summary(["ok", "renamed", "renamed", "duplicate"]) == \
        "1 stored, 2 stored under a new id (their id held another text), 1 already in the store"


def test_the_demo_banner_shows_the_store_paths_as_text():
    from dashboard.text import demo_note

    note = demo_note("/data/demo_[x](http://e).sqlite", "/home/me/geo.sqlite")
    assert note.startswith("**Demo store**") and "\\[x\\]\\(http" in note
    assert "/home/me/geo\\.sqlite" in note
