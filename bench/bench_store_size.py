"""The store's size for one article that names many places (issue 16, item 1).

An article of N place names: in one sentence (the hostile shape: a list of every village
shelled), or ten names to a sentence (a long but ordinary report). Its Extraction is built
directly (each place with the sentence it is in, as ``geo.pipeline.attach_sentences`` gives
it), so this measures the store alone: no model, no gazetteer. The article is stored in a new
SQLite file (bytes on disk after a checkpoint) and, given ``--pg URL``, in a new PostGIS schema
(``pg_total_relation_size`` of its tables); then ``query()`` is timed.

    python bench/bench_store_size.py [--places 2000] [--pg postgresql://postgres@127.0.0.1/postgres]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.records import Article, Extraction, Place  # noqa: E402
from geo.store import open_store  # noqa: E402


def many_places(n: int, per_sentence: int) -> Extraction:
    """An article naming ``n`` places, ``per_sentence`` to a sentence, and its places."""
    parts, spans, sentences = ["Shelling was reported overnight.\n"], [], []
    pos = len(parts[0])
    for first in range(0, n, per_sentence):
        names = [f"Village{i:05d}" for i in range(first, min(n, first + per_sentence))]
        head = "Shelling hit "
        start, cursor = pos, pos + len(head)
        for name in names:
            spans.append((name, cursor, cursor + len(name), len(sentences)))
            cursor += len(name) + 2
        sentence = head + ", ".join(names) + "."
        sentences.append((start, sentence))
        parts.append(sentence + " ")
        pos += len(sentence) + 1
    text = "".join(parts)
    article = Article(id=f"many-{n}-{per_sentence}", text=text, title="Many places",
                      date="2022-03-01", source="Bench")
    places = [Place(name, s, e, lat=48.0 + i * 1e-4, lon=37.0, precision="city",
                    country_code="UA", admin1="Donetsk", resolved_name=name,
                    gazetteer_id=f"geonames:{i}", confidence=0.9, sentence=sentences[k][1],
                    sentence_start=sentences[k][0])
              for i, (name, s, e, k) in enumerate(spans)]
    assert all(text[p.start:p.end] == p.name for p in places)
    assert all(text[p.sentence_start:p.sentence_start + len(p.sentence)] == p.sentence
               for p in places)
    return Extraction(article=article, places=places)


def sqlite_size(ex: Extraction) -> tuple[int, float, float]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "geo.sqlite"
        with open_store(path) as store:
            t = time.perf_counter()
            store.add(ex)
            store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            added = time.perf_counter() - t
            t = time.perf_counter()
            assert len(store.query()) == len(ex.places)
            took = time.perf_counter() - t
        size = sum(p.stat().st_size for p in Path(folder).iterdir())
        empty = Path(folder) / "empty.sqlite"
        open_store(empty).close()
        return size - empty.stat().st_size, added, took


def postgis_size(ex: Extraction, url: str) -> tuple[int, float, float]:
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            sep = "&" if "?" in url else "?"
            with open_store(f"{url}{sep}options=-csearch_path%3D{schema},public") as store:
                t = time.perf_counter()
                store.add(ex)
                added = time.perf_counter() - t
                t = time.perf_counter()
                assert len(store.query()) == len(ex.places)
                took = time.perf_counter() - t
            size = admin.execute(
                "SELECT SUM(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n"
                " ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'"
                " AND c.relname IN ('articles', 'places', 'casualties', 'claims')",
                (schema,)).fetchone()[0]
        finally:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
    return int(size), added, took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--places", type=int, default=2000)
    parser.add_argument("--pg", help="a PostgreSQL server's URL: measure the PostGIS store too")
    args = parser.parse_args()
    print("| article | text | backend | store size | add() | query() |")
    print("|---|---:|---|---:|---:|---:|")
    for per_sentence in (args.places, 10):
        ex = many_places(args.places, per_sentence)
        shape = ("one sentence" if per_sentence == args.places
                 else f"{per_sentence} names a sentence")
        label = f"{args.places:,} places, {shape}"
        results = [("SQLite", *sqlite_size(ex))]
        if args.pg:
            results.append(("PostGIS", *postgis_size(ex, args.pg)))
        for backend, size, added, took in results:
            print(f"| {label} | {len(ex.article.text) / 1024:,.0f} KB | {backend} | "
                  f"{size / 1e6:,.2f} MB | {added:.2f} s | {took:.2f} s |")


if __name__ == "__main__":
    main()
