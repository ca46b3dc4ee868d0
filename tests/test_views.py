"""Tables and the highlighted article view: labels keep reporter and victims apart, text is escaped."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from geo.records import MAP_COLUMNS
from geo.report import claims_table, figures_per_party, highlight_article, item_label


class Party:
    def __init__(self, pid, name, color):
        self.id, self.name, self.color_ = pid, name, color


class Parties:
    def __init__(self, *parties):
        self.by_id = {p.id: p for p in parties}

    def get(self, pid):
        return self.by_id.get(pid)

    def color(self, pid):
        return self.by_id[pid].color_ if pid in self.by_id else "#999999"


PARTIES = Parties(Party("azerbaijan", "Azerbaijan", "#009E73"),
                  Party("armenia", "Armenia", "#E69F00"))


def _row(**values) -> dict:
    row = dict.fromkeys(MAP_COLUMNS)
    row.update(kind="casualty", outcome="killed", victim="civilian", qualifier="exact")
    row.update(values)
    return row


@pytest.mark.parametrize("values, expected", [
    (dict(count_best=14, party="azerbaijan", reported_by="azerbaijan"),
     "Azerbaijan says: 14 civilians killed (Azerbaijan side)"),
    # one side's figure for the other side's losses shows as such
    (dict(count_best=30, victim="military", party="armenia", reported_by="azerbaijan"),
     "Azerbaijan says: 30 soldiers killed (Armenia side)"),
    (dict(count_best=None, qualifier="vague", vague_word="several", party="armenia",
          reported_by=None), "several civilians killed (Armenia side)"),
    (dict(count_best=100, qualifier="approximate", victim="official", party=None,
          reported_by="armenia"), "Armenia says: about 100 officials killed (unattributed side)"),
])
def test_item_label(values, expected):
    assert item_label(_row(**values), PARTIES) == expected


def test_figures_per_party_sums_and_keeps_vague_apart():
    frame = pd.DataFrame([
        _row(count_best=14, count_low=14, party="azerbaijan", reported_by="azerbaijan"),
        _row(count_best=3, count_low=3, party="azerbaijan", reported_by="armenia"),
        _row(count_best=None, count_low=3, qualifier="vague", vague_word="several",
             party="armenia", reported_by="armenia"),
        _row(kind="claim", party="armenia"),
    ], columns=list(MAP_COLUMNS))
    table = figures_per_party(frame, PARTIES).set_index("party")
    assert table.loc["Azerbaijan", "figures"] == 2
    assert table.loc["Azerbaijan", "sum of figures"] == 17
    assert table.loc["Azerbaijan", "reported by"] == "Armenia, Azerbaijan"
    assert table.loc["Armenia", "vague figures"] == 1
    assert table.loc["Armenia", "vague: at least"] == 3
    assert table.loc["Armenia", "sum of figures"] == 0  # "several" is no number


def test_figures_per_party_of_an_empty_frame():
    assert figures_per_party(pd.DataFrame(columns=list(MAP_COLUMNS))).empty


def test_highlight_article_marks_spans_and_escapes_the_text():
    text = "<script>alert(1)</script> Shelling killed 14 civilians in Tartar. Baku said so."
    start = text.index("killed 14 civilians")
    detail = {"text": text,
              "casualties": [{"start": start, "end": start + len("killed 14 civilians"),
                              "party": "azerbaijan"}],
              "claims": [{"start": text.index("Baku said"), "end": len(text),
                          "claimant": "azerbaijan"}],
              "places": [{"start": text.index("Tartar"), "end": text.index("Tartar") + 6}],
              "boilerplate": [(0, len("<script>alert(1)</script>"))]}
    out = highlight_article(detail, PARTIES)
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert '<mark class="geo-casualty"' in out and ">killed 14 civilians</mark>" in out
    assert '<mark class="geo-place"' in out and ">Tartar</mark>" in out
    assert '<mark class="geo-claim"' in out
    assert '<mark class="geo-boilerplate"' in out
    assert "#009E73" in out  # the victims' party colour


def test_a_figure_inside_a_claim_is_marked_within_it():
    # "the Observatory said 22 civilians were killed": the claim holds the figure
    text = "Activists said 22 civilians were killed in Idlib <b>today</b>. Later news."
    claim_end = text.index(". Later")
    figure = text.index("22 civilians were killed")
    detail = {"text": text,
              "claims": [{"start": 0, "end": claim_end, "claimant": "armenia"}],
              "casualties": [{"start": figure, "end": figure + len("22 civilians were killed"),
                              "party": "azerbaijan"}],
              "places": [{"start": text.index("Idlib"), "end": text.index("Idlib") + 5}]}
    out = highlight_article(detail, PARTIES)
    assert out.count('<mark class="geo-claim"') == 1
    assert ">22 civilians were killed</mark>" in out and ">Idlib</mark>" in out
    assert out.index('<mark class="geo-claim"') < out.index('<mark class="geo-casualty"')
    assert "&lt;b&gt;today&lt;/b&gt;" in out and "<b>" not in out  # escaped inside too
    assert out.count("<mark") == out.count("</mark>") == 3
    assert "Activists said 22 civilians were killed in Idlib &lt;b&gt;today&lt;/b&gt;" in \
        re.sub(r"<mark[^>]*>|</mark>", "", out)


def _claim(start, claimant, stance, target, text, article="a1", sentence=None):
    return _row(kind="claim", article_id=article, start=start, claimant=claimant, party=claimant,
                stance=stance, target=target, claim_text=text, title="T", outcome=None,
                victim=None, qualifier=None, sentence=sentence)


def test_claims_table_puts_a_denial_beside_the_claim_it_answers():
    frame = pd.DataFrame([
        _claim(50, "azerbaijan", "denial", "armenia", "it", sentence="Azerbaijan has denied it."),
        _claim(10, "armenia", "claim", "azerbaijan", "a jet was shot down"),
        _claim(30, "russia", "call", None, "to stop the fighting"),
        _claim(5, "armenia", "claim", "azerbaijan", "another article", article="a2"),
    ], columns=list(MAP_COLUMNS))
    table = claims_table(frame, PARTIES)
    assert table["claim"].tolist()[:3] == ["a jet was shot down", "to stop the fighting",
                                           "Azerbaijan has denied it."]
    assert table.loc[0, "claimant"] == "Armenia" and table.loc[0, "target"] == "Azerbaijan"
    assert table.loc[0, "disputed by"] == "Azerbaijan"
    assert table["disputed by"].tolist()[1:] == ["", "", ""]  # not across articles


def test_date_bounds():
    from datetime import date

    from geo.report import date_bounds

    assert date_bounds("2020-09-27", "2020-09-30") == (date(2020, 9, 27), date(2020, 9, 30))
    lo, hi = date_bounds(None, None)
    assert lo == date(2000, 1, 1) and hi >= lo


def test_ingest_report_is_plain_rows():
    from geo.pipeline import IngestResult
    from geo.report import ingest_report

    report = ingest_report([IngestResult("a.txt", "id1", "ok", counts=(3, 1, 0)),
                            IngestResult("<b>x</b>.json", None, "error", "invalid JSON")])
    assert report.to_dict("records") == [
        {"status": "ok", "file": "a.txt", "article": "id1", "places, figures, claims": "3, 1, 0",
         "reason": ""},
        {"status": "error", "file": "<b>x</b>.json", "article": "",
         "places, figures, claims": "", "reason": "invalid JSON"}]


def test_parties_table_lists_every_party():
    from geo.parties import load_parties
    from geo.report import parties_table

    table = parties_table(load_parties())
    assert {"armenia", "azerbaijan", "nagorno-karabakh"} <= set(table["id"])
    assert table.columns.tolist() == ["id", "name", "color", "side", "aliases"]


def test_casualty_table_labels_each_figure():
    from geo.report import casualty_table

    frame = pd.DataFrame([
        _row(count_best=14, party="azerbaijan", reported_by="azerbaijan", date="2020-09-30",
             place="Tartar", sentence="14 civilians were killed.", title="T", source="VG"),
        _row(kind="claim", party="armenia"),
        _row(count_best=2, party="azerbaijan", actor="armenia", event_type="explosions",
             date="2020-10-01"),
    ], columns=list(MAP_COLUMNS))
    table = casualty_table(frame, PARTIES)
    first = table.to_dict("records")[0]
    assert pd.isna(first.pop("actor")) and pd.isna(first.pop("event type"))  # none named
    assert first == {
        "figure": "Azerbaijan says: 14 civilians killed (Azerbaijan side)", "date": "2020-09-30",
        "place": "Tartar", "sentence": "14 civilians were killed.", "title": "T", "source": "VG"}
    assert table.iloc[1][["actor", "event type"]].tolist() == [
        "Armenia", "Explosions/Remote violence"]
    assert casualty_table(frame[frame["kind"] == "claim"], PARTIES).empty


def test_item_label_names_a_source_that_is_no_party():
    row = _row(count_best=1, victim="unknown", party=None, reported_by="activists")
    assert item_label(row, PARTIES) == "according to activists: 1 person killed (unattributed side)"


def test_figures_by_reporter_puts_each_sides_count_side_by_side():
    from geo.report import figures_by_reporter

    frame = pd.DataFrame([
        _row(count_best=300, victim="military", party="armenia", reported_by="azerbaijan",
             date="2020-10-01"),
        _row(count_best=12, victim="military", party="armenia", reported_by="armenia",
             date="2020-10-01"),
        _row(count_best=None, qualifier="vague", vague_word="several", party="azerbaijan",
             reported_by=None, date=None),
        _row(count_best=5, party="azerbaijan", reported_by="activists", date=None),
    ], columns=list(MAP_COLUMNS))
    table = figures_by_reporter(frame, PARTIES)
    row = table[(table["victims"] == "Armenia")].iloc[0]
    assert (row["date"], row["Azerbaijan"], row["Armenia"]) == ("2020-10-01", "300", "12")
    undated = table[table["date"] == "undated"].iloc[0]
    assert undated["no source"] == "several" and undated["Armenia"] == ""
    assert undated["other sources"] == "activists: 5"  # free-text sources share a column
    assert figures_by_reporter(frame[frame["kind"] == "claim"]).empty


# --- filters: the URL, the store, the frame -----------------------------------------------------

from geo.report import (Filters, area_totals, figure_counts, filter_frame,  # noqa: E402
                        preset_range, selected_span, side_by_side, timeline_chart, timeline_data,
                        with_areas, with_precision)


def _frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(MAP_COLUMNS))


def test_filters_round_trip_through_the_url():
    filters = Filters(date_from="2014-07-01", date_to="2014-07-31", parties=("ukraine", "russia"),
                      kinds=("casualty",), outcomes=("killed",), min_precision="city",
                      search="Donetsk", include_undated=False)
    params = filters.to_params()
    assert params["party"] == ["ukraine", "russia"] and params["q"] == "Donetsk"
    assert Filters.from_params(params) == filters
    assert Filters().to_params() == {}  # the default view has a clean URL
    assert Filters.from_params({}) == Filters()


def test_a_hand_edited_link_drops_what_is_not_valid():
    params = {"from": "2014-13-45", "to": "2014-07-31", "kind": ["casualty", "bogus"],
              "outcome": "eaten", "precision": "street", "q": "x" * 500}
    filters = Filters.from_params(params)
    assert filters.date_from is None and filters.date_to == "2014-07-31"
    assert filters.kinds == ("casualty",) and filters.outcomes == ()
    assert filters.min_precision is None and len(filters.search) == 200


def test_filters_reject_bad_values_when_built_in_code():
    with pytest.raises(ValueError, match="outcomes"):
        Filters(outcomes=("eaten",))
    with pytest.raises(ValueError, match="min_precision"):
        Filters(min_precision="street")
    with pytest.raises(ValueError, match="expected a date"):
        Filters(date_from="yesterday")


def test_summary_names_the_parties_and_the_span():
    text = Filters(date_from="2020-09-27", date_to="2020-09-30", parties=("armenia",),
                   search="Stepanakert").summary(PARTIES)
    assert text == "2020-09-27 to 2020-09-30 \u00b7 Armenia \u00b7 matching \u201cStepanakert\u201d"


def test_presets_count_back_from_the_stores_last_date():
    from datetime import date

    assert preset_range("Last 7 days", "2014-01-01", "2015-12-27") == (
        date(2015, 12, 21), date(2015, 12, 27))
    assert preset_range("All dates", "2014-01-01", "2015-12-27") == (
        date(2014, 1, 1), date(2015, 12, 27))
    assert preset_range("Last 365 days", "2015-12-01", "2015-12-27")[0] == date(2015, 12, 1)


def _located():
    return _frame([
        _row(kind="place", article_id="a", place="Donetsk", precision="city", lat=48.023,
             lon=37.802, sentence="Shelling in Donetsk."),
        _row(kind="place", article_id="a", place="Ukraine", precision="country", lat=48.998,
             lon=31.386),
        _row(article_id="a", party="ukraine", count_best=4, count_low=4, lat=48.02301,
             lon=37.80199, place="Donetsk", outcome="killed", title="Donetsk shelled",
             sentence="Shelling killed 4 civilians."),
        _row(article_id="a", party="ukraine", count_best=2, count_low=2, lat=48.998,
             lon=31.386, place="Ukraine", outcome="wounded"),
        _row(kind="claim", article_id="b", party="russia", claimant="russia", lat=48.998,
             lon=31.386, place="Ukraine", claim_text="It was a provocation."),
        _row(article_id="c", party="russia", count_best=1, count_low=1),  # no coordinates
    ])


def test_figures_and_claims_get_the_precision_of_their_place():
    frame = with_precision(_located())
    assert frame["precision"].tolist() == ["city", "country", "city", "country", "country",
                                           "unresolved"]


@pytest.mark.parametrize("filters, expected", [
    (Filters(), [0, 1, 2, 3, 4, 5]),
    (Filters(kinds=("casualty",)), [2, 3, 5]),
    (Filters(outcomes=("killed",)), [0, 1, 2, 4, 5]),  # claims and places stay
    (Filters(min_precision="city"), [0, 2]),
    (Filters(min_precision="country"), [0, 1, 2, 3, 4]),
    (Filters(search="donetsk"), [0, 2]),  # place name, title
    (Filters(search="PROVOCATION"), [4]),  # the claim's text
])
def test_filter_frame(filters, expected):
    assert filter_frame(with_precision(_located()), filters).index.tolist() == expected


def _acted():
    return _frame([
        _row(article_id="a", party="ukraine", actor="russia", actor_text="Russian shelling",
             event_type="explosions", outcome="killed", count_best=4),
        _row(article_id="a", party="russia", actor=None, event_type="battles",
             outcome="killed", count_best=2),
        _row(article_id="b", party="ukraine", actor=None, event_type=None, outcome="killed",
             count_best=1),
        _row(kind="claim", article_id="b", party="ukraine", claimant="ukraine"),
        _row(kind="place", article_id="b", place="Kyiv"),
    ])


@pytest.mark.parametrize("filters, expected", [
    (Filters(actors=("russia",)), [0, 3, 4]),  # figures by Russia; claims and places stay
    (Filters(event_types=("explosions", "battles")), [0, 1, 3, 4]),
    (Filters(event_types=("unspecified",)), [2, 3, 4]),  # no cue: asked for by name
    # the party filter counts a figure for its actor too: Russia acted in row 0
    (Filters(parties=("russia",)), [0, 1]),
    (Filters(search="russian shelling"), [0]),  # the attacker's words are searchable
])
def test_filter_frame_by_actor_and_event_type(filters, expected):
    assert filter_frame(_acted(), filters).index.tolist() == expected


def test_actor_and_event_type_filters_in_the_url_and_the_summary():
    filters = Filters(actors=("russia",), event_types=("explosions", "unspecified"))
    assert filters.to_params() == {"actor": ["russia"], "event": ["explosions", "unspecified"]}
    assert Filters.from_params(filters.to_params()) == filters
    assert Filters.from_params({"event": "explosions,bogus"}).event_types == ("explosions",)
    assert "Explosions/Remote violence" in filters.summary()
    with pytest.raises(ValueError, match="event_types"):
        Filters(event_types=("airstrike",))


def test_figure_counts_match_the_maps_sums():
    from geo.report.labels import figure_count

    frame = _frame([_row(count_best=14, count_low=14),
                    _row(count_best=None, count_low=12, qualifier="vague"),
                    _row(count_best=None, count_low=5, count_high=10, qualifier="range"),
                    _row(count_best=None, count_low=None, qualifier="vague")])
    counts = figure_counts(frame).tolist()
    assert counts[:3] == [14, 12, 5] and pd.isna(counts[3])
    assert counts[:3] == [figure_count(r) for r in frame.to_dict("records")][:3]


@pytest.fixture(scope="module")
def regions():
    from geo.places import load_regions
    return load_regions()


def test_provinces_count_only_figures_located_in_them(regions):
    frame = with_areas(with_precision(_located()), regions)
    # the Donetsk figure is in Donets'k province and Donbas; the country-level one in none
    assert frame.loc[2, "area_admin1"] == "Donets'k, UA" and frame.loc[2, "area_region"] == "Donbas"
    assert frame.loc[3, "area_admin1"] is None and frame.loc[3, "area_region"] is None
    totals = area_totals(frame, regions, "admin1", PARTIES)
    assert totals[["label", "total", "n_figures"]].values.tolist() == [["Donets'k, UA", 4, 1]]
    assert totals.crs.to_epsg() == 4326 and totals.geometry.iloc[0].contains(
        __import__("shapely").Point(37.802, 48.023))
    assert area_totals(frame, regions, "region")["label"].tolist() == ["Donbas"]
    with pytest.raises(ValueError, match="level"):
        area_totals(frame, regions, "county")


def test_consolidated_reports_count_once_in_a_province(regions):
    frame = with_areas(with_precision(_located()), regions)
    frame["in_toll"] = [None, None, False, None, None, None]  # overtaken by a later total
    assert area_totals(frame, regions).empty


def test_side_by_side_puts_each_reporters_figures_next_to_each_other():
    frame = _frame([
        _row(party="armenia", reported_by="armenia", count_best=14, count_low=14),
        _row(party="armenia", reported_by="azerbaijan", count_best=200, count_low=200),
        _row(party="armenia", reported_by="azerbaijan", count_best=None, count_low=None,
             qualifier="vague", vague_word="dozens"),
        _row(party="azerbaijan", reported_by="armenia", count_best=30, count_low=30),
    ]).assign(area_admin1="Khojavend, AZ")
    table = side_by_side(frame, PARTIES, "Khojavend, AZ")
    row = table[table["victims"].eq("Armenia")].iloc[0]
    assert row["Armenia says"] == "14"
    assert row["Azerbaijan says"] == "200; dozens of (sum 200)"
    assert side_by_side(frame, PARTIES, "Elsewhere").empty


def test_timeline_stacks_casualties_per_party_and_counts_claims():
    frame = _frame([
        _row(party="armenia", count_best=14, count_low=14, date="2020-09-27"),
        _row(party="armenia", count_best=6, count_low=6, date="2020-09-27"),
        _row(party="azerbaijan", count_best=3, count_low=3, date="2020-09-28"),
        _row(party="azerbaijan", count_best=900, count_low=900, date="2020-09-28",
             figure_kind="cumulative"),  # a toll so far is not that day's count
        _row(kind="claim", party="armenia", claimant="armenia", date="2020-09-28"),
        _row(party="armenia", count_best=5, count_low=5, date=None),
    ])
    casualties, claims = timeline_data(frame, PARTIES)
    assert casualties[["party", "value"]].values.tolist() == [["Armenia", 20], ["Azerbaijan", 3]]
    assert claims[["party", "value"]].values.tolist() == [["Armenia", 1]]
    spec = timeline_chart(frame, PARTIES).to_dict()
    assert spec["params"][0]["name"] == "span" and spec["params"][0]["select"]["type"] == "interval"
    assert "#E69F00" in str(spec)  # the parties' own colours


def test_a_selected_span_becomes_dates():
    from datetime import date

    ms = 1601164800000  # 2020-09-27T00:00Z
    event = {"selection": {"span": {"date": [ms + 2 * 86400000, ms]}}}
    assert selected_span(event) == (date(2020, 9, 27), date(2020, 9, 29))
    assert selected_span({"selection": {"span": {}}}) is None
    assert selected_span(None) is None


@pytest.mark.parametrize("kwargs", [
    dict(date_from="2014-08-01"), dict(date_to="2014-07-31"),
    dict(date_from="2014-07-01", date_to="2014-07-01", include_undated=False),
    dict(parties=("russia",)), dict(parties=("ukraine",), date_from="2014-08-01"),
    dict(parties=("nobody",)),
])
def test_after_a_party_fix_the_export_and_the_dashboard_show_the_same_items(tmp_path, regions,
                                                                            kwargs):
    from geo.cli import main
    from geo.report import read_items
    from geo.store import open_store
    from tests.test_cli import _small_store

    db = _small_store(tmp_path / "s.sqlite")
    with open_store(db) as store:
        figure = store.query(kinds=["casualty"]).set_index("article_id").loc["a"]
        store.correct_party("casualty", int(figure["item_id"]), "russia")  # was ukraine
        filters = Filters(**kwargs)
        dashboard = filter_frame(read_items(store, regions).items, filters)
    options = [*(["--from", filters.date_from] if filters.date_from else []),
               *(["--to", filters.date_to] if filters.date_to else []),
               *(["--no-undated"] if not filters.include_undated else []),
               *[arg for party in filters.parties for arg in ("--party", party)]]
    out = tmp_path / "items.csv"
    code = main(["export", "--format", "csv", "--out", str(out), "--db", db, *options])
    if dashboard.empty:  # nothing to show: the export says so and writes nothing
        assert code == 1 and not out.exists()
        return
    assert code == 0
    exported = pd.read_csv(out)
    key = ["kind", "article_id", "start"]
    shown = sorted(map(tuple, dashboard[key].values.tolist()))
    assert shown == sorted(map(tuple, exported[key].values.tolist()))
    if filters.parties == ("russia",):  # the corrected party brings article a's place along
        assert ("place", "a", 34) in shown and ("casualty", "a", 16) in shown


def test_figure_count_and_figure_counts_are_one_rule():
    from geo.report.labels import figure_count

    cases = [dict(qualifier=q, count_best=best, count_low=low, count_high=high)
             for q in (None, "exact", "approximate", "at_least", "at_most", "range", "vague")
             for best, low, high in ((14, 14, 14), (None, 12, None), (None, 5, 10),
                                     (7, None, None), (None, None, None), (0, 0, 0))]
    frame = _frame([_row(**case) for case in cases])
    rows = [figure_count(r) for r in frame.to_dict("records")]
    counts = figure_counts(frame).tolist()
    assert [None if pd.isna(c) else c for c in counts] == rows
    assert rows[:6] == [14, 12, 5, 7, None, 0]  # exact: the best figure, else the low bound
    assert rows[-6:] == [14, 12, 5, None, None, 0]  # vague: the low bound


def test_two_reporters_counts_of_the_same_victims_are_not_added_in_a_province(regions):
    donetsk = dict(lat=48.023, lon=37.802, place="Donetsk", precision="city", outcome="killed")
    frame = with_areas(_frame([
        _row(article_id="a", party="ukraine", reported_by="ukraine", count_best=4,
             count_low=4, **donetsk),
        _row(article_id="a", party="ukraine", reported_by="ukraine", count_best=3,
             count_low=3, **donetsk),
        _row(article_id="b", party="ukraine", reported_by="russia", count_best=40,
             count_low=40, **donetsk),
        _row(article_id="c", party="russia", reported_by="russia", count_best=2, count_low=2,
             **donetsk),
    ]), regions)
    totals = area_totals(frame, regions, "admin1", PARTIES)
    # Ukraine's losses: Ukraine says 4 + 3, Russia says 40 -> 40 (highest reporter); + Russia 2
    assert totals[["total", "n_figures"]].values.tolist() == [[42, 4]]
    assert "(highest of 2 reporters)" in totals["detail"].iloc[0]


def _tolls():
    from geo.report.tolls import to_reports, tolls

    rows = [_row(article_id=a, party=p, reported_by=r, victim="military", outcome="killed",
                 count_best=n, count_low=n, figure_kind=k, date=d, article_date=d, start=i)
            for i, (a, p, r, n, k, d) in enumerate([
                ("a", "armenia", "armenia", 12, "incident", "2020-09-27"),
                ("b", "armenia", "armenia", 21, "cumulative", "2020-09-28"),
                ("c", "armenia", "azerbaijan", 2300, "cumulative", "2020-10-02"),
                ("d", "azerbaijan", "azerbaijan", 8, "cumulative", "2020-09-30")])]
    return tolls(to_reports(_frame(rows)))


def test_tolls_table_puts_each_sides_reporters_side_by_side():
    from geo.report import tolls_table

    table = tolls_table(_tolls(), PARTIES)
    armenia = table[table["victims' side"] == "Armenia"]
    assert armenia[["reported by", "toll"]].values.tolist() == [["Azerbaijan", 2300],
                                                                 ["Armenia", 21]]
    assert table["toll"].sum() == 2300 + 21 + 8  # one row per toll, no figure counted twice


def test_tolls_charts_one_per_side_biggest_first_one_line_per_reporter():
    from geo.report import tolls_charts

    charts = tolls_charts(_tolls(), PARTIES)
    assert [side for side, _ in charts] == ["Armenia", "Azerbaijan"]
    spec = charts[0][1].to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert {r["line"] for r in rows} == {"Armenia reports: military",
                                         "Azerbaijan reports: military"}
    assert spec["mark"]["interpolate"] == "step-after"
    assert tolls_charts(_tolls(), PARTIES, outcome="wounded") == []


def test_a_links_dates_are_kept_within_the_store_or_dropped_when_they_miss_it():
    from datetime import date

    from geo.report import url_date_range

    lo, hi = date(2020, 9, 27), date(2020, 10, 10)
    assert url_date_range(Filters(date_from="2020-09-30", date_to="2020-10-02"), lo, hi) == \
        (date(2020, 9, 30), date(2020, 10, 2))
    assert url_date_range(Filters(date_from="2020-09-01", date_to="2020-10-02"), lo, hi) == \
        (lo, date(2020, 10, 2))
    assert url_date_range(Filters(), lo, hi) == (lo, hi)
    # a link made on another store (2014) would otherwise pin the slider to one day
    assert url_date_range(Filters(date_from="2014-07-01", date_to="2015-02-28"), lo, hi) == \
        (lo, hi)
