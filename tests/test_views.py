"""Tables and the highlighted article view: labels keep reporter and victims apart, text is escaped."""
from __future__ import annotations

import pandas as pd
import pytest

from geo.records import MAP_COLUMNS
from geo.views import claims_table, figures_per_party, highlight_article, item_label


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

    from geo.views import date_bounds

    assert date_bounds("2020-09-27", "2020-09-30") == (date(2020, 9, 27), date(2020, 9, 30))
    lo, hi = date_bounds(None, None)
    assert lo == date(2000, 1, 1) and hi >= lo


def test_ingest_report_is_plain_rows():
    from geo.pipeline import IngestResult
    from geo.views import ingest_report

    report = ingest_report([IngestResult("a.txt", "id1", "ok", counts=(3, 1, 0)),
                            IngestResult("<b>x</b>.json", None, "error", "invalid JSON")])
    assert report.to_dict("records") == [
        {"status": "ok", "file": "a.txt", "article": "id1", "places, figures, claims": "3, 1, 0",
         "reason": ""},
        {"status": "error", "file": "<b>x</b>.json", "article": "",
         "places, figures, claims": "", "reason": "invalid JSON"}]


def test_parties_table_lists_every_party():
    from geo.parties import load_parties
    from geo.views import parties_table

    table = parties_table(load_parties())
    assert {"armenia", "azerbaijan", "nagorno-karabakh"} <= set(table["id"])
    assert table.columns.tolist() == ["id", "name", "color", "side", "aliases"]


def test_casualty_table_labels_each_figure():
    from geo.views import casualty_table

    frame = pd.DataFrame([
        _row(count_best=14, party="azerbaijan", reported_by="azerbaijan", date="2020-09-30",
             place="Tartar", sentence="14 civilians were killed.", title="T", source="VG"),
        _row(kind="claim", party="armenia"),
    ], columns=list(MAP_COLUMNS))
    table = casualty_table(frame, PARTIES)
    assert table.to_dict("records") == [{
        "figure": "Azerbaijan says: 14 civilians killed (Azerbaijan side)", "date": "2020-09-30",
        "place": "Tartar", "sentence": "14 civilians were killed.", "title": "T", "source": "VG"}]
    assert casualty_table(frame[frame["kind"] == "claim"], PARTIES).empty


def test_item_label_names_a_source_that_is_no_party():
    row = _row(count_best=1, victim="unknown", party=None, reported_by="activists")
    assert item_label(row, PARTIES) == "according to activists: 1 person killed (unattributed side)"


def test_figures_by_reporter_puts_each_sides_count_side_by_side():
    from geo.views import figures_by_reporter

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
