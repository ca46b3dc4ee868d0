"""Crash safety and concurrency of ``geo ingest`` on one SQLite store, with real processes
(issue 13 items 2 and 3).

- An ingest killed with SIGKILL once its first articles are stored leaves a store that opens,
  passes ``PRAGMA integrity_check``, and holds every stored article whole (its places, figures
  and claims as a fresh extraction of that article gives); rerunning the ingest stores the rest
  and only the rest, with no duplicate.
- Two ingests of the two halves of a corpus (plus one article in both) into one store at once,
  while a reader queries in a loop: both finish with no "database is locked", every article is
  stored once, and the reader never sees an article without its items.
"""
from __future__ import annotations

import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow  # real ingest processes: about 25 s
SEED = ROOT / "tests" / "fixtures" / "000_6b9e2fcaa4d74d82.txt"
TIMEOUT_S = 240

CITIES = ["Aleppo", "Homs", "Hama", "Idlib", "Raqqa", "Daraa", "Latakia", "Tartus",
          "Deir ez-Zor", "Palmyra", "Kobani", "Manbij", "Damascus", "Douma", "Qamishli"]
COUNTS = ["Three", "Five", "12", "seven", "20", "nine", "four", "31", "two", "eleven"]
REPORTERS = ["the Syrian Observatory for Human Rights said", "the state news agency SANA said",
             "activists said", "a local council said", "the United Nations said"]


def _article(i: int) -> str:
    """A distinct article of about 1 KB naming a few places, with figures and claims."""
    rng = random.Random(i)
    a, b, c = rng.sample(CITIES, 3)
    n1, n2 = rng.sample(COUNTS, 2)
    r1, r2 = rng.sample(REPORTERS, 2)
    return (f"Fighting near {a} (report {i})\n\n"
            f"{n1} civilians were killed in shelling on {a} on Monday, {r1}. "
            f"{n2} fighters were wounded in clashes near {b}, {r2}.\n\n"
            f"The army said it had repelled an attack on {c} and accused rebels of breaking the "
            f"ceasefire. Residents of {a} said the bombardment lasted through the night and "
            f"that families had fled towards {b}. Aid groups in {c} said hospitals were "
            f"overwhelmed. Dispatch number {i} of the series.\n")


def _write_articles(folder: Path, indices) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in indices:
        path = folder / f"a{i:03d}.txt"
        path.write_text(_article(i), encoding="utf-8")
        paths.append(path)
    return paths


def _env() -> dict:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def _ingest(paths, db: Path, **kw) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "geo", "ingest", *map(str, paths), "--db", str(db), "--quiet"]
    return subprocess.Popen(cmd, cwd=ROOT, env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


def _stored_counts(db: Path) -> dict[str, tuple[int, int, int]]:
    """Each stored article's (places, casualties, claims), read in one statement."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
        rows = conn.execute(
            "SELECT a.id, (SELECT COUNT(*) FROM places p WHERE p.article_id = a.id), "
            "(SELECT COUNT(*) FROM casualties c WHERE c.article_id = a.id), "
            "(SELECT COUNT(*) FROM claims k WHERE k.article_id = a.id) FROM articles a"
        ).fetchall()
    conn.close()
    return {r[0]: tuple(r[1:]) for r in rows}


def _integrity(db: Path) -> list:
    conn = sqlite3.connect(db, timeout=30)
    try:
        return conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def extractor():
    from geo.pipeline import default_extractor

    return default_extractor()


def _expected(paths, extractor) -> dict[str, tuple[int, int, int]]:
    """What a fresh, serial extraction of each file gives, by article id."""
    from geo.read import read_article

    out = {}
    for path in paths:
        extraction = extractor.extract(read_article(path))
        out[extraction.article.id] = (len(extraction.places), len(extraction.casualties),
                                      len(extraction.claims))
    return out


def test_sigkill_mid_ingest_leaves_whole_articles_and_a_rerun_stores_the_rest(tmp_path,
                                                                              extractor):
    folder = tmp_path / "in"
    paths = _write_articles(folder, range(29))
    paths.append(folder / "z_seed.txt")
    shutil.copy(SEED, paths[-1])  # one real article
    db = tmp_path / "store" / "geo.sqlite"
    proc = _ingest([folder], db)
    deadline = time.monotonic() + TIMEOUT_S
    stored = 0
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if db.exists():
                try:
                    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
                        stored = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
                    conn.close()
                except sqlite3.Error:  # the schema is not there yet
                    stored = 0
                if stored:
                    os.kill(proc.pid, signal.SIGKILL)
                    break
            time.sleep(0.005)
    finally:
        out, err = proc.communicate(timeout=60)
    assert stored, f"no article stored before the ingest ended: {err[-2000:]}"
    assert proc.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"

    # the store after the crash: opens, consistent, every article whole
    assert _integrity(db) == [("ok",)]
    from geo.store import open_store

    with open_store(str(db)) as store:
        assert len(store) >= 1
    after_kill = _stored_counts(db)
    assert 1 <= len(after_kill) < len(paths)
    expected = _expected(paths, extractor)
    for article_id, counts in after_kill.items():
        assert counts == expected[article_id], article_id

    # the rerun stores what is missing, and only that
    rerun = _ingest([folder], db)
    out, err = rerun.communicate(timeout=TIMEOUT_S)
    assert rerun.returncode == 0, err[-2000:]
    assert "Traceback" not in err
    summary = re.search(r"^(\d+) ok, (\d+) duplicate, (\d+) error$", out, re.M)
    assert summary, out[-2000:]
    ok, duplicate, error = map(int, summary.groups())
    # A commit in flight when the kill landed may show only to the next writer (it recovers
    # the write-ahead log): then one more article is a duplicate, and it is whole (below).
    assert (ok + duplicate, error) == (len(paths), 0), out[-2000:]
    assert len(after_kill) <= duplicate <= len(after_kill) + 1, out[-2000:]
    final = _stored_counts(db)
    assert final == expected  # nothing lost, nothing duplicated, every article whole
    assert _integrity(db) == [("ok",)]


def test_two_ingests_and_a_reader_on_one_store(tmp_path):
    first = _write_articles(tmp_path / "first", range(100, 112))
    second = _write_articles(tmp_path / "second", range(200, 212))
    shared = tmp_path / "shared.txt"  # named by both runs: stored once
    shared.write_text(_article(999), encoding="utf-8")
    db = tmp_path / "store" / "geo.sqlite"
    # the store exists before the writers start, as a dashboard's would
    from geo.store import open_store

    with open_store(str(db)):
        pass
    procs = [_ingest([tmp_path / "first", shared], db), _ingest([shared, tmp_path / "second"], db)]
    reads, seen, reader_errors = 0, {}, []
    deadline = time.monotonic() + TIMEOUT_S
    try:
        while any(p.poll() is None for p in procs) and time.monotonic() < deadline:
            try:  # what the dashboard does: each article with its items, one statement
                counts = _stored_counts(db)
            except sqlite3.Error as err:  # e.g. "database is locked"
                reader_errors.append(str(err))
                continue
            reads += 1
            for article_id, c in counts.items():
                seen.setdefault(article_id, set()).add(c)
            time.sleep(0.01)
    finally:
        results = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err[-2000:] for _, err in results]
    for out, err in results:
        assert "locked" not in out + err and "Traceback" not in err, (out + err)[-2000:]
    assert not reader_errors, reader_errors[:3]
    assert reads > 10 and seen  # the reader did read while the writers wrote
    n_ok = sum(int(re.search(r"^(\d+) ok", out, re.M)[1]) for out, _ in results)
    n_dup = sum(int(re.search(r"(\d+) duplicate", out)[1]) for out, _ in results)
    assert (n_ok, n_dup) == (25, 1)
    final = _stored_counts(db)
    assert len(final) == 25 and sum(c[0] for c in final.values()) > 25
    # every article the reader saw, it saw whole: with the items it ends with
    torn = {a: sorted(c) for a, c in seen.items() if c != {final[a]}}
    assert not torn, f"the reader saw articles without all their items: {torn}"
    assert _integrity(db) == [("ok",)]


# --- 20 kills at random points of the writer (issue 13, item 2) --------------------------------

# The writer alone, in a process of its own: the extractions are made once by the test (spaCy
# would cost seconds per start), so each kill lands inside ``store_outcomes``/``Store.add``
# (transactions, the content-hash lookup, item rows), where a kill can half-write an article.
WRITER = """
import pickle, sys
from geo.pipeline import store_outcomes
from geo.store import open_store

class Precomputed:
    def __init__(self, done): self.done = done
    def put(self, article): return [(article, self.done[article.id])]
    def drain(self): return []

extractions = pickle.load(open(sys.argv[2], "rb"))
done = {x.article.id: x for x in extractions}
with open_store(sys.argv[1]) as store:
    for result in store_outcomes([x.article for x in extractions], store, Precomputed(done)):
        print(result.status, result.article_id, flush=True)
"""
KILLS = 20


def _counts_in(url: str) -> dict[str, tuple[int, int, int]]:
    """Each stored article's (places, casualties, claims), through the store's own reader."""
    from geo.store import open_store

    with open_store(url) as store:
        out = {}
        for article_id in store.articles()["id"]:
            x = store.get_extraction(article_id)
            out[article_id] = (len(x.places), len(x.casualties), len(x.claims))
    return out


@pytest.mark.parametrize("backend", ["sqlite", "postgis"])
def test_twenty_kills_at_random_points_lose_and_duplicate_nothing(backend, tmp_path, extractor,
                                                                  request):
    """20 writers killed at seeded random moments of their writing, each on a new store; after
    each kill the store is whole (and passes SQLite's integrity check), and a rerun stores
    exactly what is missing, the rest reported as duplicates."""
    import pickle

    from geo.records import Article

    import dataclasses

    made = [extractor.extract(Article(id=f"k{i:03d}", text=_article(i), title=f"T{i}",
                                      date="2016-05-01")) for i in range(30)]
    # four texts of each (a line added at the end keeps every span): 120 articles to write
    extractions = [dataclasses.replace(x, article=dataclasses.replace(
        x.article, id=f"{x.article.id}c{c}", text=f"{x.article.text}\nCopy {c}."))
        for x in made for c in range(4)]
    expected = {x.article.id: (len(x.places), len(x.casualties), len(x.claims))
                for x in extractions}
    blob = tmp_path / "extractions.pickle"
    blob.write_bytes(pickle.dumps(extractions))
    urls = iter(_fresh_stores(backend, tmp_path, request, KILLS + 1))

    def writer(url: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-c", WRITER, url, str(blob)], cwd=ROOT,
                                env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)

    # when writing starts (the first result line) and ends, on a store of this backend
    started = time.monotonic()
    probe = writer(next(urls))
    probe.stdout.readline()
    first_write = time.monotonic() - started
    for _ in probe.stdout:
        pass
    end = time.monotonic() - started  # the last result line
    probe.communicate(timeout=TIMEOUT_S)
    rng = random.Random(13)
    partial = 0
    for kill in range(KILLS):
        url = next(urls)
        proc = writer(url)
        proc.stdout.readline()  # writing has begun: the kill falls at a random point of it
        time.sleep(rng.uniform(0.0, end - first_write))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=TIMEOUT_S)
        if backend == "sqlite":
            assert _integrity(Path(url)) == [("ok",)], f"after kill {kill + 1}"
        stored = _counts_in(url)
        # every stored article is whole: its items as a fresh extraction gives, nothing else
        assert stored == {a: expected[a] for a in stored}, f"after kill {kill + 1}"
        partial += 0 < len(stored) < len(expected)
        rerun = subprocess.run([sys.executable, "-c", WRITER, url, str(blob)], cwd=ROOT,
                               env=_env(), capture_output=True, text=True, timeout=TIMEOUT_S,
                               check=True)
        statuses = dict(reversed(line.split()) for line in rerun.stdout.splitlines())
        assert {a for a, s in statuses.items() if s == "ok"} == set(expected) - set(stored)
        assert {a for a, s in statuses.items() if s == "duplicate"} == set(stored)
        assert _counts_in(url) == expected, f"after the rerun of kill {kill + 1}"
    assert partial >= KILLS // 2, f"only {partial} of {KILLS} kills fell inside the writing"


def _fresh_stores(backend: str, tmp_path: Path, request, n: int) -> list[str]:
    """``n`` new, empty stores: SQLite files, or PostGIS schemas of the session's database
    (dropped with the test's own schema fixture's database at the end of the session)."""
    if backend == "sqlite":
        return [str(tmp_path / f"store{k}.sqlite") for k in range(n)]
    from tests.conftest import admin_connection, database_url, random_name

    database = request.getfixturevalue("postgis_database")
    schemas = [random_name() for _ in range(n)]
    with admin_connection(database) as conn:
        for schema in schemas:
            conn.execute(f'CREATE SCHEMA "{schema}"')

    def drop():
        with admin_connection(database) as conn:
            for schema in schemas:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    request.addfinalizer(drop)
    return [database_url(database, f"options=-csearch_path%3D{schema},public")
            for schema in schemas]
