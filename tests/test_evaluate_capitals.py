"""geo.evaluate capitals: the no-gold check of capitals placed at namesakes."""
from __future__ import annotations

import json

from geo.evaluate.capitals import capitals, main
from geo.places import haversine_km


def test_capitals_have_their_own_points():
    where = capitals()
    assert haversine_km(*where["damascus"], 33.51, 36.29) < 20
    assert haversine_km(*where["paris"], 48.85, 2.35) < 20


def test_capitals_named_in_war_news_are_counted_at_their_capital(tmp_path, capsys):
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps({"id": f"a{k}", "date": "2016-05-01", "title": "T",
                                          "text": text}) for k, text in enumerate([
        "Talks in Geneva and Paris failed as shelling hit Damascus and Aleppo in Syria.",
        "Moscow and Ankara traded accusations over the air strikes near Idlib in Syria."])))
    assert main([str(feed)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("capital names placed: ") and "away from the capital: 0" in out
    assert int(out.split("placed: ")[1].split(";")[0]) >= 3
