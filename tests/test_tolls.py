"""Reports and tolls: figures repeated across articles are one report with its sources, and a
party's reported toll follows its running totals instead of summing repeats."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from geo.report import tolls as T
from geo.read import read_articles
from geo.pipeline import ingest
from geo.records import MAP_COLUMNS
from geo.fingerprints import is_rewrite, text_signature

FIXTURES = Path(__file__).parent / "fixtures"
COVERAGE = FIXTURES / "tolls" / "coverage.jsonl"
SEED = FIXTURES / "000_6b9e2fcaa4d74d82.txt"
ROOT = Path(__file__).resolve().parent.parent


def figure(article, value, kind="incident", date="2020-09-27", party="armenia",
           reported_by="armenia", victim="military", outcome="killed", source="Wire",
           start=0, **kw):
    row = dict.fromkeys(MAP_COLUMNS)
    row.update(kind="casualty", article_id=article, source=source, article_date=date,
               date=date, party=party, reported_by=reported_by, victim=victim,
               outcome=outcome, count_best=value, count_low=value, figure_kind=kind,
               qualifier="exact", sentence=f"{value} {victim} {outcome}", start=start,
               end=None if start is None else start + 5, title=f"title {article}")
    row.update(kw)
    return row


def frame(*rows):
    return pd.DataFrame(list(rows), columns=list(MAP_COLUMNS))


def toll_of(rows, signatures=None, **kw):
    reports = T.to_reports(frame(*rows), signatures)
    result = T.tolls(reports, signatures=signatures, **kw)
    assert len(result) == 1, result
    return result[0]


# --- reports and their sources --------------------------------------------------------------

def test_repeats_within_days_are_one_report_with_every_source():
    reports = T.to_reports(frame(figure("a", 61, "cumulative", "2020-09-29", source="Wire"),
                                  figure("b", 61, "cumulative", "2020-09-30", source="Daily"),
                                  figure("c", 61, "cumulative", "2020-10-01", source="Wire")))
    assert len(reports) == 1
    r = reports[0]
    assert [s.article_id for s in r.sources] == ["a", "b", "c"]
    assert (r.n_articles, r.n_sources, r.date, r.last_date) == (3, 2, "2020-09-29",
                                                               "2020-10-01")


def test_the_same_number_weeks_apart_is_a_new_report():
    reports = T.to_reports(frame(figure("a", 5, "cumulative", date="2020-09-01"),
                                  figure("b", 5, "cumulative", date="2020-09-20")))
    assert len(reports) == 2


def test_an_incident_repeats_on_its_day_not_on_the_next_days():
    daily = [figure(f"d{i}", 1, date=f"2020-09-{27 + i}", source="Wire") for i in range(4)]
    same_day = figure("other", 1, date="2020-09-27", source="Daily")
    reports = T.to_reports(frame(*daily, same_day))
    assert [r.n_articles for r in reports] == [2, 1, 1, 1]
    assert toll_of(daily + [same_day]).toll == 4  # four daily incidents, one of them twice


def test_an_increment_is_never_an_incident_of_the_same_number():
    t = toll_of([figure("a", 2, "incident", "2020-09-27"),
                 figure("b", 2, "incremental", "2020-09-28")])
    assert t.toll == 4


def test_a_rewrite_repeats_an_incident_on_a_later_day():
    story = ("Shells hit the market of the town in the morning, the governor said, and "
             "rescuers searched the ruins until nightfall while the wounded were taken away.")
    sig = {"a": text_signature(story), "b": text_signature(story + " Updated.")}
    r, = T.to_reports(frame(figure("a", 3, date="2020-09-27"),
                             figure("b", 3, date="2020-09-28")), sig)
    assert r.n_articles == 2 and r.n_sources == 1


@pytest.mark.parametrize("change", [dict(reported_by="azerbaijan"), dict(party="azerbaijan"),
                                    dict(victim="civilian"), dict(outcome="wounded")])
def test_a_different_reporter_party_victim_or_outcome_is_another_report(change):
    assert len(T.to_reports(frame(figure("a", 7), figure("b", 7, **change)))) == 2


def test_rewrites_count_as_one_source_whatever_the_outlet():
    text = ("Heavy fighting went on in the south overnight, where artillery duels lasted for "
            "hours and roads to the front were closed. The ministry said 61 soldiers have been "
            "killed so far. Officials said water supplies had been cut in several districts.")
    own_words = ("Sixty-one soldiers are now dead, according to the ministry, whose spokesman "
                 "spoke to reporters in the capital on Wednesday afternoon.")
    sig = {"a": text_signature(text), "b": text_signature(text + " Updated at 14:00."),
           "c": text_signature(own_words)}
    assert is_rewrite(sig["a"], sig["b"]) and not is_rewrite(sig["a"], sig["c"])
    r, = T.to_reports(frame(figure("a", 61, source="Wire"), figure("b", 61, source="Daily"),
                             figure("c", 61, source="Monitor")), sig)
    assert r.n_sources == 2  # Wire and its syndicated copy count once; Monitor wrote its own


def test_articles_without_an_outlet_are_independent_unless_rewrites():
    r, = T.to_reports(frame(figure("a", 3, source=None), figure("b", 3, source=None)))
    assert r.n_sources == 2


def test_consolidated_items_keep_the_first_quote_and_count_sources():
    f = frame(figure("a", 61, "cumulative", "2020-09-29", source="Wire", start=10),
              figure("b", 61, "cumulative", "2020-09-30", source="Daily", start=20),
              figure("c", 8, date="2020-09-30", party="azerbaijan", reported_by="azerbaijan"),
              {**dict.fromkeys(MAP_COLUMNS), "kind": "claim", "article_id": "a"})
    out = T.consolidated_items(f)
    figures = out[out["kind"] == "casualty"]
    assert len(figures) == 2 and len(out) == 3
    first = figures[figures["count_best"] == 61].iloc[0]
    assert (first["article_id"], first["start"], first["n_sources"], first["n_articles"]) == \
        ("a", 10, 2, 2)
    assert out[out["kind"] == "claim"]["n_sources"].isna().all()


# --- tolls ------------------------------------------------------------------------------------

def test_running_totals_replace_each_other_and_repeats_never_add_up():
    t = toll_of([figure("d1", 12, "incident", "2020-09-27"),
                 figure("d2", 21, "cumulative", "2020-09-28"),
                 figure("d3", 47, "cumulative", "2020-09-29"),
                 figure("d3b", 61, "cumulative", "2020-09-29", start=9),
                 *[figure(f"d4-{i}", 61, "cumulative", "2020-09-30") for i in range(5)]])
    assert t.toll == 61
    assert [p.toll for p in t.series] == [12, 21, 47, 61]
    assert t.n_reports == 4


def test_incidents_and_increments_after_a_total_add_to_it():
    t = toll_of([figure("a", 21, "cumulative", "2020-09-28"),
                 figure("b", 3, "incident", "2020-09-29"),
                 figure("c", 2, "incremental", "2020-09-30")])
    assert [(p.toll, p.how) for p in t.series] == [(21, "stated"), (24, "added"),
                                                   (26, "added")]


def test_incidents_before_a_later_total_are_in_it():
    t = toll_of([figure("a", 3, "incident", "2020-09-27"),
                 figure("b", 30, "cumulative", "2020-09-28"),
                 figure("c", 4, "incident", "2020-09-28")])  # same day as the total
    assert t.toll == 30
    assert t.series[-1].how == "included"


def test_an_incident_larger_than_its_days_total_is_a_newer_total():
    t = toll_of([figure("a", 8, "cumulative", "2020-09-30"),
                 figure("b", 14, "incident", "2020-09-30")])
    assert (t.toll, t.series[-1].how) == (14, "raised")


def test_totals_of_one_day_rise_whatever_order_the_articles_came_in():
    for ids in (("zz-morning", "aa-afternoon"), ("aa-morning", "zz-afternoon")):
        t = toll_of([figure(ids[0], 47, "cumulative", "2020-09-29"),
                     figure(ids[1], 61, "cumulative", "2020-09-29")])
        assert (t.toll, t.flags) == (61, [])


def test_a_vague_or_zero_total_below_the_toll_leaves_it_and_is_flagged():
    t = toll_of([figure("a", 70, "cumulative", "2020-09-30"),
                 figure("b", 12, "cumulative", "2020-10-02", vague_word="dozens",
                        qualifier="vague")])
    assert (t.toll, t.series[-1].how) == (70, "kept")
    assert "'dozens' (at least 12) is below the 70" in t.flags[0]
    t = toll_of([figure("a", 40, "cumulative", "2020-09-30"),
                 figure("b", 0, "cumulative", "2020-10-02")])
    assert t.toll == 40 and t.flags
    # above the toll, a vague total raises it to its low bound
    assert toll_of([figure("a", 5, "cumulative", "2020-09-30"),
                    figure("b", 12, "cumulative", "2020-10-02", vague_word="dozens",
                           qualifier="vague")]).toll == 12


def test_the_tolls_date_is_when_its_report_was_last_seen():
    t = toll_of([figure("a", 61, "cumulative", "2020-09-29"),
                 figure("b", 61, "cumulative", "2020-10-01")])
    assert (t.toll, t.date, t.series[-1].date) == (61, "2020-10-01", "2020-09-29")
    assert toll_of([figure("a", 61, "cumulative", "2020-09-29"),
                    figure("b", 61, "cumulative", "2020-10-01")], as_of="2020-09-30").date \
        == "2020-09-29"


def test_odd_rows_do_not_break_consolidation():
    rows = [figure("a", 3, start=None), figure(None, 4, date=pd.Timestamp("2020-09-27")),
            figure("c", None, count_low=None), figure("d", 5, date=None, article_date=None)]
    reports = T.to_reports(frame(*rows))
    assert sorted(r.value for r in reports) == [3, 4, 5]
    assert T.tolls(reports)  # the undated one stays out, the rest make a toll


def test_consolidated_items_with_repeated_index_labels():
    parts = [frame(figure("a", 61, "cumulative", source="W"),
                   figure("b", 61, "cumulative", source="X")),
             frame(figure("c", 7, party="x"), figure("d", 9, party="y"))]
    out = T.consolidated_items(pd.concat(parts))
    assert sorted(out["article_id"]) == ["a", "c", "d"]
    assert out.set_index("article_id")["n_sources"].to_dict() == {"a": 2, "c": 1, "d": 1}


def test_a_lower_later_total_is_kept_and_flagged():
    t = toll_of([figure("a", 61, "cumulative", "2020-09-29"),
                 figure("b", 58, "cumulative", "2020-10-02")])
    assert t.toll == 58
    assert t.series[-1].flag == "lower than the 61 reported on 2020-09-29"
    assert t.flags


def test_a_rewrite_that_changes_an_incident_figure_replaces_it():
    base = ("Shells hit the market of the town in the morning, the governor said, and "
            "rescuers searched the ruins until nightfall while the wounded were taken away. ")
    sig = {"am": text_signature(base + "Fourteen civilians were killed."),
           "pm": text_signature(base + "Nineteen civilians were killed.")}
    t = toll_of([figure("am", 14, date="2020-09-29", victim="civilian"),
                 figure("pm", 19, date="2020-09-30", victim="civilian")], sig)
    assert (t.toll, t.series[-1].how) == (19, "replaced")
    # without the rewrite relation the two are separate incidents
    assert toll_of([figure("am", 14, date="2020-09-29", victim="civilian"),
                    figure("pm", 19, date="2020-09-30", victim="civilian")]).toll == 33


def test_historical_and_undated_figures_stay_out_of_tolls():
    t = toll_of([figure("a", 30000, "historical", "2020-09-27"),
                 figure("b", 20, "cumulative", "2020-09-28"),
                 figure("c", 5, "incident", None, article_date=None)])
    assert t.toll == 20 and t.n_reports == 1


def test_as_of_a_date():
    rows = [figure("a", 21, "cumulative", "2020-09-28"),
            figure("b", 47, "cumulative", "2020-09-29")]
    assert toll_of(rows, as_of="2020-09-28").toll == 21
    assert toll_of(rows).toll == 47


# --- end to end: the seed and day-by-day coverage of our own making ---------------------------

@pytest.fixture(scope="module")
def coverage_db(tmp_path_factory):
    from geo.store import open_store

    db = tmp_path_factory.mktemp("tolls") / "tolls.sqlite"
    with open_store(db) as store:
        results = list(ingest(read_articles([COVERAGE, SEED], date="2020-09-30"), store))
    assert [r.status for r in results] == ["ok"] * 9
    return db


def cli(*args):
    out = subprocess.run([sys.executable, "-m", "geo", "tolls", *map(str, args)],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def tolls_json(db, *args):
    return {(t["party"], t["reported_by"], t["victim"], t["outcome"]): t
            for t in json.loads(cli("--db", db, *args))}  # one JSON document


def stated(db, party, reported_by, victim):
    """Every figure the articles state for that group (what a sum would add up)."""
    from geo.store import open_store

    with open_store(db) as store:
        f = store.query(kinds=["casualty"])
    f = f[(f["party"] == party) & (f["reported_by"] == reported_by) & (f["victim"] == victim)
          & (f["outcome"] == "killed")]
    return f


def test_tolls_follow_the_latest_reports_not_their_sum(coverage_db):
    tolls = tolls_json(coverage_db)
    army = tolls[("armenia", "armenia", "military", "killed")]
    figures = stated(coverage_db, "armenia", "armenia", "military")
    days = pd.to_datetime(figures["date"])
    recent = figures[days >= days.max() - pd.Timedelta(days=1)]  # the last two days' reports
    latest = recent["count_best"].astype(int)
    assert (latest.min(), latest.max()) == (61, 70)
    assert latest.min() <= army["toll"] <= latest.max()
    assert army["toll"] < figures["count_best"].sum() / 3  # the sum is far above
    # the README's worked example: the sample article's pilot, shot down on the 29th, is in
    # that day's totals
    assert [(p["toll"], p["how"]) for p in army["series"]] == [
        (12, "added"), (21, "stated"), (47, "stated"), (61, "stated"), (61, "included"),
        (70, "stated")]
    assert army["toll"] == 70 and figures["count_best"].sum() == 395
    # the seed's own figures are tolls of their own parties
    assert tolls[("nagorno-karabakh", "nagorno-karabakh", "official", "killed")]["toll"] == 100
    assert tolls[("azerbaijan", "azerbaijan", "civilian", "killed")]["toll"] == 14


def test_sources_count_outlets_not_rewrites(coverage_db):
    from geo.store import open_store

    with open_store(coverage_db) as store:
        reports = T.to_reports(store.query(kinds=["casualty"]), store.signatures())
    sixty_one, = [r for r in reports if r.value == 61 and r.party == "armenia"]
    # the afternoon update, the day-4 story, its syndicated copy and the day-5 rewrite
    assert sixty_one.n_articles == 4
    assert sixty_one.n_sources == 1


def _rewrites(n):
    row = next(json.loads(line) for line in COVERAGE.read_text().splitlines()
               if json.loads(line)["id"] == "cw-0930")
    out = []
    for i in range(n):
        text = row["text"].replace("no sign of a ceasefire",
                                   f"no sign of a ceasefire (update {i + 1})")
        out.append({**row, "id": f"rewrite-{i}", "text": text,
                    "source": "Caucasus Wire" if i % 2 else f"Reposter {i}"})
    return out


def test_the_same_article_twice_or_ten_rewrites_change_no_toll(coverage_db, tmp_path):
    import shutil

    from geo.store import open_store

    before = tolls_json(coverage_db)
    db = tmp_path / "copy.sqlite"
    shutil.copy(coverage_db, db)
    feed = tmp_path / "rewrites.jsonl"
    same_again = json.loads(COVERAGE.read_text().splitlines()[4])  # cw-0930 under a new id
    rows = [{**same_again, "id": "cw-0930-again"}, *_rewrites(10)]
    feed.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with open_store(db) as store:
        # the same text under a new id is the same article: a duplicate (issue 16)
        assert [r.status for r in ingest(read_articles([feed]), store)] == \
            ["duplicate"] + ["ok"] * 10
        assert list(ingest(read_articles([COVERAGE]), store))[0].status == "duplicate"
    after = tolls_json(db)
    assert {k: (t["toll"], t["n_sources"]) for k, t in after.items()} == \
        {k: (t["toll"], t["n_sources"]) for k, t in before.items()}


def test_a_genuinely_different_outlet_raises_the_sources_count(coverage_db, tmp_path):
    import shutil

    from geo.store import open_store

    db = tmp_path / "other.sqlite"
    shutil.copy(coverage_db, db)
    feed = tmp_path / "other.jsonl"
    feed.write_text(json.dumps({
        "id": "gazette-1001", "source": "Mountain Gazette", "date": "2020-10-01",
        "title": "Armenia's losses", "text": "Armenia's losses mount.\n\nArmenia's defence "
        "ministry said 61 soldiers have been killed since the fighting began. Our reporter "
        "in Goris saw ambulances leaving for Yerevan all day."}) + "\n")
    with open_store(db) as store:
        assert [r.status for r in ingest(read_articles([feed]), store)] == ["ok"]
        reports = T.to_reports(store.query(kinds=["casualty"]), store.signatures())
    sixty_one, = [r for r in reports if r.value == 61 and r.party == "armenia"]
    assert sixty_one.n_sources == 2


def test_cli_csv_party_and_as_of(coverage_db):
    csv = cli("--db", coverage_db, "--party", "armenia", "--as-of", "2020-09-28",
              "--format", "csv")
    lines = csv.strip().splitlines()
    assert lines[0].startswith("conflict,party,reported_by,victim,outcome,toll,date,n_sources")
    row = dict(zip(lines[0].split(","), lines[1].split(",")))
    assert (row["party"], row["toll"], row["date"]) == ("armenia", "21", "2020-09-28")
    assert len(lines) == 2


def test_cli_as_of_counts_no_later_source(coverage_db):
    tolls = tolls_json(coverage_db, "--as-of", "2020-09-29")
    army = tolls[("armenia", "armenia", "military", "killed")]
    # the afternoon update alone gives the 61 on 29 September
    assert (army["toll"], army["n_sources"], army["date"]) == (61, 1, "2020-09-29")


def test_cli_rejects_a_bad_date(coverage_db):
    out = subprocess.run([sys.executable, "-m", "geo", "tolls", "--db", str(coverage_db),
                          "--as-of", "30/09/2020"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 2 and "expected a date" in out.stderr


def test_consolidated_items_mark_the_reports_a_toll_is_made_of():
    out = T.consolidated_items(frame(figure("a", 12, "incident", "2020-09-27"),
                                     figure("b", 21, "cumulative", "2020-09-28"),
                                     figure("c", 3, "incident", "2020-09-29", place="Tartar"),
                                     figure("d", 61, "cumulative", "2020-09-27", party="x")))
    counted = dict(zip(out["article_id"], out["in_toll"]))
    # 12 is inside the later total 21; 21 + 3 is the toll; x's 61 is its own toll
    assert counted == {"a": False, "b": True, "c": True, "d": True}
    kept = out[out["in_toll"].fillna(False).astype(bool)]
    assert kept[kept["party"] == "armenia"]["count_best"].sum() == 24


def test_contradictory_reports_are_tolls_side_by_side_not_merged():
    from tests.events_support import casualties

    text = ("Armenia's defence ministry said 61 soldiers have been killed since the fighting "
            "began. Azerbaijan's defence ministry said 2,300 Armenian soldiers have been killed.")
    rows = [figure("art", c.count_best, c.figure_kind, "2020-09-30", party=c.party,
                   reported_by=c.reported_by, victim=c.victim, start=c.start)
            for c in casualties(text)]
    result = T.tolls(T.to_reports(frame(*rows)))
    by_reporter = {(t.party, t.reported_by): t.toll for t in result}
    assert by_reporter == {("armenia", "armenia"): 61, ("armenia", "azerbaijan"): 2300}


def test_known_by_leaves_out_later_figures_and_later_articles():
    rows = frame(figure("a", 5, date="2020-09-28"),
                 figure("b", 6, date="2020-09-28", article_date="2020-10-02"),  # told later
                 figure("c", 7, date="2020-10-01"),
                 figure("d", 8, date=None, article_date=None))
    assert list(T.known_by(rows, "2020-09-30")["article_id"]) == ["a", "d"]
    assert len(T.known_by(rows, None)) == 4
