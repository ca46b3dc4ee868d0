"""The bundled sample in its own demo store (issue 14, item 5): with no store named, the
dashboard shows the demo store, labelled as such, and never writes the sample into the user's
own store; the bin in the Articles tab. Driven with Streamlit's ``AppTest`` (in process, no
browser)."""
from __future__ import annotations

import sqlite3
import sys

import pytest
from streamlit.testing.v1 import AppTest

from geo import config
from geo.config import PROJECT_DIR
from geo.store import open_store
from tests.test_store import make_extraction

APP = str(PROJECT_DIR / "app.py")


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A state folder of its own (GEO_HOME), no GEO_DB, the checkout's gazetteer index."""
    monkeypatch.setenv("GEO_GAZETTEER", str(config.gazetteer_path()))
    monkeypatch.setenv("GEO_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("GEO_DB", raising=False)
    return tmp_path / "home"


def run_app(monkeypatch, *args: str, tab: str | None = None) -> AppTest:
    monkeypatch.setattr(sys, "argv", ["app.py", *args])
    app = AppTest.from_file(APP, default_timeout=600)
    if tab:
        app.session_state["tab"] = tab
    app.run()
    assert not app.exception, app.exception
    return app


def ids_in(path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT id, binned_at IS NOT NULL FROM articles").fetchall()


def test_the_store_shown(home, tmp_path, monkeypatch):
    from dashboard.data import choose_store

    own = str(home / "geo.sqlite")
    demo = choose_store(None)
    assert demo.demo and demo.db == str(home / "demo.sqlite") and demo.own == own
    named = choose_store(str(tmp_path / "mine.sqlite"))  # named, even empty: shown as it is
    assert not named.demo and named.db == named.own == str(tmp_path / "mine.sqlite")
    monkeypatch.setenv("GEO_DB", str(tmp_path / "env.sqlite"))
    assert choose_store(None).db == str(tmp_path / "env.sqlite")
    monkeypatch.delenv("GEO_DB")
    assert not (home / "geo.sqlite").exists()  # looking creates nothing
    with open_store(own) as store:
        store.add(make_extraction("mine"))
    assert choose_store(None) == type(demo)(own, own)  # the user's own articles win


def test_first_start_builds_the_demo_store_and_leaves_the_users_alone(home, monkeypatch):
    app = run_app(monkeypatch)
    assert app.title[0].value == "Conflict map \u2014 demo"
    assert "Demo store" in app.info[0].value
    assert ids_in(home / "demo.sqlite")  # the sample, in the demo store
    assert not (home / "geo.sqlite").exists()  # the user's store: nothing written
    # pasted text goes to the user's store, which is then the one shown
    app.text_area(key="paste_0").set_value(
        "Shelling in Donetsk\n\nShelling killed 4 civilians in Donetsk, Ukraine said.").run()
    app.button(key="ingest").click().run()
    assert not app.exception, app.exception
    assert len(ids_in(home / "geo.sqlite")) == 1
    assert app.title[0].value == "Conflict map"
    assert len(ids_in(home / "demo.sqlite")) == 1  # the demo store unchanged


def test_a_named_empty_store_gets_no_sample_unless_asked(home, tmp_path, monkeypatch):
    mine = tmp_path / "mine.sqlite"
    app = run_app(monkeypatch, "--db", str(mine))
    assert app.title[0].value == "Conflict map"
    assert "holds no article yet" in app.info[0].value
    assert ids_in(mine) == [] and not (home / "demo.sqlite").exists()
    run_app(monkeypatch, "--db", str(mine), "--sample")  # the user asked for it
    assert ids_in(mine)


def test_the_articles_tab_moves_to_the_bin_and_restores(tmp_path, monkeypatch):
    db = tmp_path / "s.sqlite"
    with open_store(db) as store:
        for article_id in ("a1", "a2"):
            store.add(make_extraction(article_id))
    app = run_app(monkeypatch, "--db", str(db), tab="Articles")
    app.multiselect(key="bin_pick").set_value(["a1"]).run()
    app.button(key="bin_go").click().run()
    assert not app.exception, app.exception
    assert sorted(ids_in(db)) == [("a1", 1), ("a2", 0)]
    assert [e.label for e in app.expander if e.label.startswith("Bin")] == \
        ["Bin (1 article(s))"]
    assert app.metric[0].value == "1"  # articles shown
    app.multiselect(key="bin_restore").set_value(["a1"]).run()
    app.button(key="bin_restore_go").click().run()
    assert sorted(ids_in(db)) == [("a1", 0), ("a2", 0)]
    app.multiselect(key="bin_pick").set_value(["a1", "a2"]).run()
    app.button(key="bin_go").click().run()
    app.checkbox(key="bin_sure").check().run()
    app.button(key="bin_empty").click().run()
    assert not app.exception, app.exception
    assert ids_in(db) == []
