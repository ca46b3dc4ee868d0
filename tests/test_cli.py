"""End to end through the command line: extract (the JSON contract) and ingest (the store)."""
from __future__ import annotations

import json
import math
import shutil

import jsonschema
import pytest

from geo import PACKAGE_DIR
from geo.__main__ import main

SCHEMA = json.loads((PACKAGE_DIR / "extract.schema.json").read_text())


def _km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def seed_output(tmp_path_factory, seed_path):
    """`python -m geo extract SEED --date 2020-09-30 --with-text`, parsed."""
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(["extract", str(seed_path), "--date", "2020-09-30", "--with-text"])
    assert code == 0
    lines = [line for line in buf.getvalue().splitlines() if line.strip()]
    assert len(lines) == 1
    return json.loads(lines[0])


def test_extract_output_validates_against_the_contract(seed_output):
    jsonschema.validate(seed_output, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert seed_output["article"]["date"] == "2020-09-30"
    assert seed_output["article"]["title"].startswith("Putin and Macron")


def test_every_span_indexes_the_original_text(seed_output, seed_text):
    text = seed_output["article"]["text"]
    assert text == seed_text
    for place in seed_output["places"]:
        assert text[place["start"]:place["end"]] == place["name"]
    for item in seed_output["casualties"] + seed_output["claims"]:
        assert 0 <= item["start"] < item["end"] <= len(text)


def _found(gold_place, places) -> bool:
    names = {gold_place["name"].lower(), *[a.lower() for a in gold_place.get("aliases", [])]}
    for place in places:
        if place["lat"] is None:
            continue
        if place["name"].lower() not in names and (place["resolved_name"] or "").lower() not in names:
            continue
        if "tolerance_km" in gold_place:
            if _km(place["lat"], place["lon"], gold_place["lat"], gold_place["lon"]) <= gold_place["tolerance_km"]:
                return True
        elif place["country_code"] == gold_place["country_code"]:
            return True
    return False


def test_seed_finds_the_gold_places(seed_output, gold):
    required = [p for p in gold["places"] if not p.get("optional")]
    found = [p["name"] for p in required if _found(p, seed_output["places"])]
    assert len(found) >= 9, f"found only {found}"


def test_seed_returns_none_of_the_not_places(seed_output, gold):
    names = {p["name"] for p in seed_output["places"]}
    assert not names & set(gold["not_places"])


def test_boilerplate_yields_nothing(seed_output, gold):
    text = seed_output["article"]["text"]
    spans = []
    for line in gold["boilerplate"]:
        start = text.find(line)
        assert start >= 0
        spans.append((start, start + len(line)))
    items = seed_output["places"] + seed_output["casualties"] + seed_output["claims"]
    for item in items:
        for s, e in spans:
            assert not (item["start"] < e and s < item["end"]), (item, text[s:e])


def test_ingest_reports_each_file_and_stores_the_good_ones(tmp_path, seed_path, capsys):
    batch = tmp_path / "batch"
    batch.mkdir()
    shutil.copy(seed_path, batch / "seed.txt")
    (batch / "seed.meta.json").write_text(json.dumps({"date": "2020-09-30", "source": "VG"}))
    (batch / "empty.txt").write_text("")
    (batch / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    (batch / "broken.jsonl").write_text('{"id": "a1", "text": "Shelling in Donetsk killed 3."}\n{oops\n')
    db = tmp_path / "store.sqlite"

    code = main(["ingest", str(batch), "--db", str(db), "--quiet"])
    out = capsys.readouterr().out
    assert code == 1  # some files failed...
    assert "empty.txt" in out and "binary.txt" in out and "broken.jsonl" in out
    from geo.store import open_store

    with open_store(str(db)) as store:  # ...and the others are stored anyway
        ids = set(store.articles()["id"])
    assert "a1" in ids and len(ids) == 2

    # re-ingesting changes nothing
    code = main(["ingest", str(batch / "seed.txt"), "--db", str(db), "--quiet"])
    out = capsys.readouterr().out
    assert code == 0 and "duplicate" in out
    with open_store(str(db)) as store:
        assert len(store.articles()) == 2


def test_store_is_found_through_the_environment(tmp_path, seed_path, monkeypatch, capsys):
    db = tmp_path / "env.sqlite"
    monkeypatch.setenv("GEO_DB", str(db))
    assert main(["ingest", str(seed_path), "--date", "2020-09-30", "--quiet"]) == 0
    assert db.exists()
