"""``geo delete`` / ``geo bin`` / ``geo restore`` (issue 14, item 5), and the export fixes of
``geo export`` (the period stated once; a FIFO refused, issue 16.9), through the entry point."""
from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest

from geo.__main__ import main
from geo.config import PROJECT_DIR
from geo.store import open_store
from tests.test_cli import _small_store


def test_delete_moves_to_the_bin_and_every_export_forgets_it(tmp_path, capsys):
    db = _small_store(tmp_path / "s.sqlite")
    assert main(["delete", "a", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "binned     a" in out and "geo restore ID" in out
    csv = tmp_path / "x.csv"
    assert main(["export", "--format", "csv", "-o", str(csv), "--db", db]) == 0
    assert set(pd.read_csv(csv)["article_id"]) == {"b"}
    assert main(["tolls", "--db", db, "--party", "ukraine"]) == 0
    tolls = capsys.readouterr().out
    assert '"a"' not in tolls and "Donetsk" not in tolls
    assert main(["bin", "--db", db]) == 0
    listed = capsys.readouterr().out
    assert listed.startswith("a  binned ") and "Title a" in listed and "1 figures" in listed


def test_restore_brings_an_article_back_and_unknown_ids_fail(tmp_path, capsys):
    db = _small_store(tmp_path / "s.sqlite")
    assert main(["delete", "a", "nope", "--db", db]) == 1
    captured = capsys.readouterr()
    assert "error: nope: no such article" in captured.err
    assert main(["delete", "a", "--db", db]) == 1
    assert "error: a: already in the bin" in capsys.readouterr().err
    assert main(["restore", "a", "b", "--db", db]) == 1
    captured = capsys.readouterr()
    assert "restored   a" in captured.out and "error: b: not in the bin" in captured.err
    with open_store(db) as store:
        assert set(store.articles()["id"]) == {"a", "b"} and store.binned().empty


def test_emptying_the_bin_deletes_for_good(tmp_path, capsys):
    db = _small_store(tmp_path / "s.sqlite")
    main(["delete", "a", "b", "--db", db])
    assert main(["bin", "--empty", "--db", db]) == 0
    assert "deleted 2 article(s) for good" in capsys.readouterr().out
    assert main(["bin", "--db", db]) == 0
    assert "the bin is empty" in capsys.readouterr().out
    assert main(["restore", "a", "--db", db]) == 1
    with open_store(db) as store:
        assert not store.has("a") and len(store) == 0


def test_the_bin_commands_never_create_a_store(tmp_path, capsys):
    missing = tmp_path / "none.sqlite"
    for command in (["delete", "a"], ["restore", "a"], ["bin"]):
        assert main([*command, "--db", str(missing)]) == 2
        assert "error: no store at" in capsys.readouterr().err
    assert not missing.exists()


def test_reingesting_a_binned_text_says_it_is_in_the_bin(tmp_path, seed_path, capsys):
    db = str(tmp_path / "s.sqlite")
    assert main(["ingest", str(seed_path), "--db", db, "--quiet"]) == 0
    article_id = capsys.readouterr().out.split("[", 1)[1].split("]", 1)[0]
    assert main(["delete", article_id, "--db", db]) == 0
    capsys.readouterr()
    assert main(["ingest", str(seed_path), "--db", db, "--quiet"]) == 0
    out = capsys.readouterr().out
    assert f"duplicate  {seed_path}  [{article_id}]" in out
    assert f"which is in the bin: restore it with `geo restore {article_id}`" in out
    with open_store(db) as store:  # neither restored nor stored twice
        assert len(store) == 0 and list(store.binned()["id"]) == [article_id]


def test_the_html_export_states_the_period_once(tmp_path):
    db = _small_store(tmp_path / "s.sqlite")
    html = tmp_path / "x.html"
    assert main(["export", "--format", "html", "-o", str(html), "--db", db, "--from",
                 "2014-07-01", "--to", "2014-07-31"]) == 0
    page = html.read_text(encoding="utf-8")
    assert "1 Jul 2014 \\u2013 31 Jul 2014" in page or "1 Jul 2014 \u2013 31 Jul 2014" in page
    assert "2014-07-01 to 2014-07-31" not in page  # not again in the filter summary
    assert "all parties" in page


@pytest.mark.parametrize("command", [
    ["export", "--format", "csv"], ["export", "--format", "html"], ["tolls"]])
def test_an_export_to_a_fifo_is_refused_not_hung(tmp_path, command):
    db = _small_store(tmp_path / "s.sqlite")
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    # a subprocess with a timeout: a hang fails the test instead of stalling the suite
    done = subprocess.run([sys.executable, "-m", "geo", *command, "-o", str(fifo), "--db", db],
                          capture_output=True, text=True, timeout=120, cwd=PROJECT_DIR)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        f"error: cannot write {fifo}: it is a FIFO, expected a regular file"]


def test_an_export_to_a_device_is_refused(tmp_path, capsys):
    db = _small_store(tmp_path / "s.sqlite")
    assert main(["export", "--format", "csv", "-o", os.devnull, "--db", db]) == 2
    assert "it is a device" in capsys.readouterr().err
