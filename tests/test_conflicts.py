"""The conflict (theatre) dimension: the assignment rule, the table, the store's conflict
fixes on both backends, the filter, tolls split by conflict and the CLI options."""
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from geo.parties import load_parties
from geo.records import MAP_COLUMNS
from geo.report import (OTHER, Filters, article_conflicts, assign_conflict, filter_frame,
                        load_conflicts, load_items, read_items, tolls_as_of, with_conflicts)
from geo.report import tolls as T
from geo.store import StoreError, open_store
from tests.test_store import make_extraction

ROOT = Path(__file__).resolve().parents[1]


def rule(countries=(), regions=(), parties=(), day=None):
    """``assign_conflict`` of an article with one place mention per country, then one per
    region (in no country of the table), and these party mentions."""
    places = [(c, ()) for c in countries] + [(None, (r,)) for r in regions]
    return assign_conflict(places, Counter(parties), day)


# --- the rule ---------------------------------------------------------------------------------

def test_karabakh_with_russia_and_france_as_mediators_is_still_karabakh():
    # Putin and Macron call for a ceasefire: Moscow and Paris named, the war's places more
    assert rule(countries=["AZ", "AZ", "AM", "RU", "FR"], regions=["Nagorno-Karabakh"],
                parties=["armenia", "azerbaijan", "russia", "france", "russia"],
                day="2020-09-30") == "nagorno-karabakh"


def test_syria_naming_turkey_is_still_syria():
    assert rule(countries=["SY", "SY", "TR", "TR"], parties=["syria", "sohr", "turkey"],
                day="2016-02-01") == "syria"


def test_the_country_named_most_wins():
    assert rule(countries=["IQ", "IQ", "IQ", "SY"], day="2015-06-01") == "iraq"
    assert rule(countries=["UA"], parties=["dpr"], day="2014-07-17") == "russia-ukraine"
    assert rule(countries=["YE"], parties=["houthis"], day="2018-06-13") == "yemen"
    assert rule(countries=["PS"], regions=["gaza strip"], parties=["hamas"]) == \
        "israel-palestine"


def test_a_place_counts_once_by_its_country_or_its_region():
    # a named region or admin-1 unit counts where its country is in no conflict of the table
    assert rule(regions=["Kurdistan Region"], day="2017-10-01") == "iraq"
    # a place counts once, by its country or by its region: a Gaza mention (PS, Gaza Strip)
    # weighs as much as a Syrian town
    gaza = assign_conflict([("PS", ("Gaza", "Gaza Strip")), ("SY", ("Idlib", "Idlib"))], {},
                           "2016-01-01")
    assert gaza == OTHER


def test_a_tie_and_nothing_named_are_other():
    assert rule(countries=["IQ", "SY"], day="2015-01-01") == OTHER
    assert rule(countries=["FR", "DE"], parties=["france"]) == OTHER
    assert rule() == OTHER


def test_a_conflicts_dates_bound_it():
    # Karabakh before the conflict began: its countries do not count for it
    assert rule(countries=["AZ"], day="1985-01-01") == OTHER
    assert rule(countries=["AZ"], day="2020-09-27") == "nagorno-karabakh"
    assert rule(countries=["AZ"]) == "nagorno-karabakh"  # undated: every conflict may be it


def test_the_table_names_known_parties_and_iso_countries():
    table = load_conflicts()
    ids = [c.id for c in table]
    assert len(ids) == len(set(ids)) and OTHER not in ids
    assert {"syria", "iraq", "nagorno-karabakh", "russia-ukraine", "yemen", "somalia",
            "israel-palestine"} <= set(ids)
    parties = load_parties()
    for conflict in table:
        assert all(len(c) == 2 and c.isupper() for c in conflict.countries), conflict.id
        assert all(p in parties for p in conflict.parties), conflict.id


# --- articles and items -------------------------------------------------------------------------

def row(article, kind="place", **kw):
    out = dict.fromkeys(MAP_COLUMNS)
    out.update(kind=kind, article_id=article, article_date="2020-10-01", **kw)
    return out


def items_frame():
    return pd.DataFrame([
        row("k", country_code="AZ", place="Stepanakert"), row("k", country_code="AM"),
        row("k", "casualty", party="armenia", reported_by="armenia"),
        row("k", "claim", claimant="russia", target="azerbaijan"),
        row("s", country_code="SY", place="Idlib"), row("s", country_code="TR"),
        row("s", "casualty", party="syria", reported_by="sohr"),
        row("x", country_code="FR"),
    ], columns=list(MAP_COLUMNS))


def test_every_item_gets_its_articles_conflict_and_fixes_win():
    frame = items_frame()
    assert article_conflicts(frame).to_dict() == {
        "k": "nagorno-karabakh", "s": "syria", "x": OTHER}
    out = with_conflicts(frame, {"x": "syria"})
    assert out.groupby("article_id")["conflict"].unique().map(list).to_dict() == {
        "k": ["nagorno-karabakh"], "s": ["syria"], "x": ["syria"]}
    assert with_conflicts(frame.iloc[:0])["conflict"].empty


def test_the_filter_keeps_the_conflicts_asked_and_goes_in_the_url():
    frame = with_conflicts(items_frame())
    kept = filter_frame(frame, Filters(conflicts=("syria", OTHER)))
    assert set(kept["article_id"]) == {"s", "x"}
    f = Filters(conflicts=("syria",))
    assert f.to_params()["conflict"] == ["syria"]
    assert Filters.from_params(f.to_params()) == f
    # a link edited by hand: an unknown id is dropped, never an error
    assert Filters.from_params({"conflict": "syria,narnia"}).conflicts == ("syria",)
    assert f.summary().startswith("Syrian civil war")
    with pytest.raises(ValueError, match="conflicts"):
        Filters(conflicts=("narnia",))


def figure(article, value, conflict, date="2020-10-01"):
    out = row(article, "casualty", party="armenia", reported_by="armenia", victim="civilian",
              outcome="killed", count_best=value, count_low=value, figure_kind="cumulative",
              qualifier="exact", date=date, start=0, end=5, sentence="x", source=article)
    out["conflict"] = conflict
    return out


def test_a_toll_never_mixes_two_conflicts():
    # the same victims, reporter and outcome in two wars: two tolls, not one that adds up
    frame = pd.DataFrame([figure("a", 10, "nagorno-karabakh"), figure("b", 30, "syria"),
                          figure("c", 12, "nagorno-karabakh", "2020-10-03")])
    result = T.tolls(T.to_reports(frame))
    assert {(t.conflict, t.toll) for t in result} == {("nagorno-karabakh", 12), ("syria", 30)}
    assert list(T.tolls_frame(result)["conflict"]) == ["nagorno-karabakh", "syria"]


# --- the store (SQLite and PostGIS) -------------------------------------------------------------

def test_conflict_fix_round_trip_and_undo(store):
    store.add(make_extraction("a1"))
    store.add(make_extraction("a2"))
    items = load_items(store)
    assert set(items["conflict"]) == {"nagorno-karabakh"}  # Hadrut, AZ
    version = store.version()
    fix = store.correct_conflict("a1", "syria")
    assert store.version() > version
    assert store.conflict_fixes() == {"a1": "syria"}
    items = load_items(store)
    assert set(items.loc[items["article_id"] == "a1", "conflict"]) == {"syria"}
    assert set(items.loc[items["article_id"] == "a2", "conflict"]) == {"nagorno-karabakh"}
    # a second fix of the article replaces the first
    assert store.correct_conflict("a1", "iraq") == fix
    done = store.corrections()
    assert list(done.loc[done["kind"] == "conflict", "conflict"]) == ["iraq"]
    assert store.remove_correction(f"conflict:{fix}")
    assert store.conflict_fixes() == {}
    assert set(load_items(store)["conflict"]) == {"nagorno-karabakh"}
    with pytest.raises(StoreError, match="no article"):
        store.correct_conflict("nope", "syria")
    with pytest.raises(ValueError):
        store.correct_conflict("a1", " ")


def test_a_conflict_fix_goes_with_its_article(store):
    store.add(make_extraction("a1"))
    store.correct_conflict("a1", "yemen")
    store.bin(["a1"])
    store.empty_bin()
    assert store.conflict_fixes() == {} and store.corrections().empty


def test_a_version_7_store_gets_the_conflict_table(store_url):
    path = store_url
    with open_store(path) as s:
        s.add(make_extraction("a1"))
        s._conn.execute("DROP TABLE conflict_fixes")
        s._conn.execute("UPDATE schema_version SET version = 7")
    with open_store(path) as s:
        assert s.schema_version == 9
        s.correct_conflict("a1", "syria")
        assert s.conflict_fixes() == {"a1": "syria"}


# --- the views and the command line -------------------------------------------------------------

def test_tolls_as_of_one_conflict(store):
    store.add(make_extraction("a1"))
    store.add(make_extraction("a2", date="2020-10-02", reported_by="azerbaijan"))
    store.correct_conflict("a2", "syria")
    items = read_items(store)
    every = tolls_as_of(items)
    assert {t.conflict for t in every} == {"nagorno-karabakh", "syria"}
    only = tolls_as_of(items, filters=Filters(conflicts=("syria",)))
    assert [t.conflict for t in only] == ["syria"]


def cli(*args):
    return subprocess.run([sys.executable, "-m", "geo", *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)


def test_cli_tolls_and_export_by_conflict(tmp_path):
    db = tmp_path / "geo.sqlite"
    with open_store(db) as s:
        s.add(make_extraction("a1"))
        s.add(make_extraction("a2", date="2020-10-02", reported_by="azerbaijan"))
        s.correct_conflict("a2", "syria")
    out = cli("tolls", "--db", db, "--conflict", "syria")
    assert out.returncode == 0, out.stderr
    assert {t["conflict"] for t in json.loads(out.stdout)} == {"syria"}
    out = cli("tolls", "--db", db, "--conflict", "narnia")
    assert out.returncode == 2 and "narnia" in out.stderr and "syria" in out.stderr
    csv = tmp_path / "syria.csv"
    out = cli("export", "--db", db, "--format", "csv", "-o", csv, "--conflict", "syria")
    assert out.returncode == 0, out.stderr
    exported = pd.read_csv(csv)
    assert set(exported["article_id"]) == {"a2"} and set(exported["conflict"]) == {"syria"}
    out = cli("export", "--db", db, "--format", "csv", "-o", tmp_path / "none.csv",
              "--conflict", "yemen")
    assert out.returncode == 1 and "Yemeni civil war" in out.stderr


def test_the_html_export_title_states_the_conflict(tmp_path):
    db = tmp_path / "geo.sqlite"
    with open_store(db) as s:
        s.add(make_extraction("a1"))
    page = tmp_path / "karabakh.html"
    out = cli("export", "--db", db, "--format", "html", "-o", page,
              "--conflict", "nagorno-karabakh")
    assert out.returncode == 0, out.stderr
    assert "Conflict map: Nagorno-Karabakh conflict" in page.read_text(encoding="utf-8")
