"""The geoparsing evaluation: span matching, resolution on gold spans and end to end, the table."""
from __future__ import annotations

import json
import math

import pytest

from geo.evaluate import geoparse
from geo.records import Place

TEXT = "Flooding hit Mariupol on Monday. Officials in Athens, Georgia said aid would come."


def _span(text, name):
    start = text.index(name)
    return start, start + len(name)


def _record():
    toponyms = []
    for name, lat, lon in [("Mariupol", 47.1, 37.55), ("Athens", 33.96, -83.38),
                           ("Georgia", 32.75, -83.5), ("Monday", 0.0, 0.0)]:
        s, e = _span(TEXT, name)
        toponyms.append({"start": s, "end": e, "name": name, "lat": lat, "lon": lon})
    # 'Monday' is no place: a gold toponym nobody should find (recall < 1).
    return {"id": "t-1", "corpus": "toy", "text": TEXT, "toponyms": toponyms}


def test_resolution_measures():
    r = geoparse.Resolution(errors_km=[0.0, 10.0, 200.0, 5000.0], unresolved=1)
    assert r.acc161 == 0.5
    assert r.acc161_all == pytest.approx(2 / 5)
    assert r.median_km == 105.0
    assert r.mean_km == pytest.approx(1302.5)
    expected = sum(math.log(x + 1) for x in r.errors_km) / (4 * math.log(geoparse.MAX_KM))
    assert r.auc == pytest.approx(expected)
    assert math.isnan(geoparse.Resolution().median_km)


def test_score_document_matches_overlapping_spans():
    record = _record()
    s, e = _span(TEXT, "Mariupol")
    a, b = _span(TEXT, "Athens, Georgia")
    places = [Place(name="Mariupol", start=s, end=e, lat=47.1, lon=37.55, precision="city"),
              # one predicted span overlapping two gold toponyms counts for both
              Place(name="Athens, Georgia", start=a, end=b, lat=37.98, lon=23.73,
                    precision="city"),
              Place(name="Flooding", start=0, end=8)]
    score = geoparse.Score("toy")
    errors = []
    geoparse.score_document(record, places, score, errors)
    assert (score.gold, score.predicted, score.gold_found, score.predicted_correct) == (4, 3, 3, 2)
    assert score.recall == 0.75 and score.precision == pytest.approx(2 / 3)
    assert len(score.end_to_end.errors_km) == 3
    assert score.end_to_end.acc161 == pytest.approx(1 / 3)  # Athens in Greece is far
    kinds = sorted(e["kind"] for e in errors)
    assert kinds == ["far", "far", "missed"]


def test_evaluate_reports_end_to_end_and_gold_span_resolution(nlp, gazetteer):
    score = geoparse.evaluate([_record()], nlp, gazetteer, "toy")
    assert score.docs == 1 and score.gold == 4
    assert score.gold_found == 3  # Mariupol, Athens, Georgia; not 'Monday'
    # Gold spans: all four resolved in their article ('Monday' is some village, far away).
    assert score.gold_spans.toponyms == 4
    assert len(score.gold_spans.errors_km) + score.gold_spans.unresolved == 4
    assert sum(km <= 161 for km in score.gold_spans.errors_km) == 3
    assert score.end_to_end.acc161 == 1.0
    assert score.seconds > 0 and score.gold_spans.seconds > 0
    out = geoparse.table([score])
    for column in ("precision", "recall", "F1", "acc@161", "AUC", "mean km", "median km",
                   "articles/s", "toponyms/s", "Resolution on the gold spans"):
        assert column in out
    assert "| toy | 1 | 4 | " in out


def test_main_prints_both_tables(tmp_path, capsys):
    corpus = tmp_path / "toy.toponyms.jsonl"
    corpus.write_text(json.dumps(_record()) + "\n", encoding="utf-8")
    errors = tmp_path / "errors.jsonl"
    assert geoparse.main([str(corpus), "--errors", str(errors)]) == 0
    out = capsys.readouterr().out
    assert "End to end" in out and "| toy |" in out
    kinds = {json.loads(line)["kind"] for line in errors.read_text().splitlines()}
    assert "missed" in kinds
