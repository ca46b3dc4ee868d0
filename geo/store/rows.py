"""What every backend writes and reads the same way: an article's stored values, its items' rows,
the article view, and the SQL of the summaries. The SQL is written with ``?`` placeholders
(SQLite's); ``geo.store.postgis`` turns them into psycopg's ``%s``. One implementation, so the
SQLite and PostGIS stores cannot drift apart."""
from __future__ import annotations

import json
from dataclasses import fields
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator, Optional

from geo.fingerprints import content_hash, text_signature
from geo.parties import load_parties
from geo.records import PRECISIONS, Article, Casualty, Claim, Extraction, Place
from geo.store.schema import CASUALTY_COLUMNS, CLAIM_COLUMNS, PLACE_COLUMNS

# (table, stored fields, record class, Extraction attribute) of each item kind
ITEM_TABLES = (("places", PLACE_COLUMNS, Place, "places"),
               ("casualties", CASUALTY_COLUMNS, Casualty, "casualties"),
               ("claims", CLAIM_COLUMNS, Claim, "claims"))

ARTICLE_INSERT_SQL = (
    "INSERT INTO articles (id, title, date, source, url, path, text, boilerplate,"
    " content_hash, ingested_at, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")

ARTICLES_SQL = """
    SELECT a.id, a.title, a.date, a.source, a.url,
           (SELECT COUNT(*) FROM places p WHERE p.article_id = a.id) AS n_places,
           (SELECT COUNT(*) FROM casualties c WHERE c.article_id = a.id) AS n_casualties,
           (SELECT COUNT(*) FROM claims k WHERE k.article_id = a.id) AS n_claims
    FROM articles a ORDER BY a.date NULLS FIRST, a.id"""

PLACE_FIX_INSERT_SQL = (
    "INSERT INTO place_fixes (name, name_key, article_id, lat, lon, resolved_name,"
    " precision, country_code, admin1, created_at)"
    " VALUES (?, lower(?), ?, ?, ?, ?, ?, ?, ?, ?)")

PARTY_FIX_UPSERT_SQL = (
    "INSERT INTO party_fixes (kind, article_id, idx, party, created_at)"
    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, article_id, idx)"
    " DO UPDATE SET party = excluded.party, created_at = excluded.created_at")

CORRECTIONS_SQL = """
    SELECT 'place:' || id AS id, 'place' AS kind, name, article_id,
           NULL AS item_kind, NULL AS item_idx, lat, lon, resolved_name, precision,
           country_code, admin1, NULL AS party, created_at
    FROM place_fixes
    UNION ALL
    SELECT 'party:' || id, 'party', NULL, article_id, kind, idx, NULL, NULL, NULL,
           NULL, NULL, NULL, party, created_at
    FROM party_fixes
    ORDER BY created_at DESC, id DESC"""

PARTY_TABLES = {"casualty": "casualties", "claim": "claims"}
FIX_TABLES = {"place": "place_fixes", "party": "party_fixes"}

PARTIES_SQL = """
    SELECT party FROM casualties UNION SELECT claimant FROM claims
    UNION SELECT target FROM claims"""
SOURCES_SQL = "SELECT DISTINCT reported_by FROM casualties"

DATE_RANGE_SQL = """
    SELECT MIN(d), MAX(d) FROM (
        SELECT date AS d FROM articles UNION ALL SELECT date FROM casualties
        UNION ALL SELECT date FROM claims) AS dates WHERE d IS NOT NULL"""

BUMP_SQL = "UPDATE counters SET value = value + 1 WHERE name = 'changes'"
VERSION_SQL = "SELECT value FROM counters WHERE name = 'changes'"


def utc_now() -> str:
    """The time stamp of an ingest or a correction (ISO, UTC, seconds)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def article_values(article: Article) -> tuple:
    """The values of ``ARTICLE_INSERT_SQL`` for ``article``."""
    return (article.id, article.title, article.date, article.source, article.url, article.path,
            article.text, json.dumps([list(s) for s in article.boilerplate]),
            content_hash(article.text), utc_now(), text_signature(article.text, article.boilerplate))


def item_inserts(extraction: Extraction, insert_sql) -> Iterator[tuple[str, list]]:
    """(statement, values) of every item of ``extraction``: its article id and index, then the
    stored fields. ``insert_sql(table, cols)`` writes the statement in the backend's dialect."""
    article_id = extraction.article.id
    for table, cols, _, attr in ITEM_TABLES:
        sql = insert_sql(table, cols)
        for idx, item in enumerate(getattr(extraction, attr)):
            yield sql, [article_id, idx, *(getattr(item, c) for c in cols)]


def article_items_sql(table: str, cols: tuple[str, ...]) -> str:
    """The stored items of one article (one ``?``: its id), in their order."""
    names = ", ".join(f'"{c}"' for c in cols)
    return f"SELECT {names} FROM {table} WHERE article_id = ? ORDER BY idx"


def stored_spans(stored: Optional[str]) -> list[tuple]:
    """The boilerplate column (JSON ``[[start, end], ...]``) as a list of spans."""
    return [tuple(span) for span in json.loads(stored or "[]")]


def stored_signature(text: str, boilerplate: Optional[str]) -> str:
    """The rewrite signature of a stored article (for a migration that adds the column)."""
    return text_signature(text, stored_spans(boilerplate))


def article_view(row: dict, items: dict[str, list[dict]]) -> dict:
    """``Store.article``'s answer: the article row, its boilerplate as spans, and its items
    (``items``: table name -> rows as dicts)."""
    out = dict(row)
    out["boilerplate"] = stored_spans(out.get("boilerplate"))
    for table, *_ in ITEM_TABLES:
        out[table] = items.get(table, [])
    return out


def extraction_of(view: Optional[dict]) -> Optional[Extraction]:
    """The ``Extraction`` an article view (``article_view``) holds; None for None."""
    if view is None:
        return None
    names = {f.name for f in fields(Article)}
    article = Article(**{k: v for k, v in view.items() if k in names})
    parts = {attr: [cls(**row) for row in view[table]] for table, _, cls, attr in ITEM_TABLES}
    return Extraction(article=article, **parts)


def parties_of(ids: Iterable[Any], sources: Iterable[Any],
               known: Optional[Iterable[str]] = None) -> list[str]:
    """``Store.parties_in_use``: the party ids the items name (``ids``), and the sources that
    are parties: a ``reported_by`` counts only if it is in ``known`` (default: the ids of
    ``geo.parties.load_parties()``) or is used as a party elsewhere."""
    ids = {i for i in ids if i}
    extra = {s for s in sources if s} - ids
    if extra:
        if known is None:
            known = {p.id for p in load_parties()}
        known = set(known)
        ids |= {s for s in extra if s in known}
    return sorted(ids)


def wanted_signatures(rows: Iterable[tuple], article_ids: Optional[Iterable[str]]) -> dict:
    """``Store.signatures`` from (id, signature) rows: all of them, or of ``article_ids``."""
    wanted = set(article_ids) if article_ids is not None else None
    return {r[0]: r[1] for r in rows if r[1] and (wanted is None or r[0] in wanted)}


def checked_place_fix(name: str, lat: float, lon: float, precision: str) -> tuple:
    """``correct_place``'s arguments checked: (name, lat, lon), or ValueError."""
    name = (name or "").strip()
    if not name:
        raise ValueError("a place correction needs the name it corrects")
    lat, lon = float(lat), float(lon)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"({lat}, {lon}) is not a latitude/longitude")
    if precision not in PRECISIONS:
        raise ValueError(f"precision {precision!r}: expected one of {list(PRECISIONS)}")
    return name, lat, lon


def party_table(kind: str) -> str:
    """The table of the items a party correction applies to ('casualty' or 'claim')."""
    table = PARTY_TABLES.get(kind)
    if table is None:
        raise ValueError(f"party corrections apply to 'casualty' or 'claim', not {kind!r}")
    return table


def fix_table(correction_id: str) -> tuple[str, int]:
    """The table and row id of a correction id ('place:N' / 'party:N')."""
    kind, _, number = str(correction_id).partition(":")
    table = FIX_TABLES.get(kind)
    if table is None or not number.isdigit():
        raise ValueError(f"correction id {correction_id!r}: expected 'place:N' or 'party:N'")
    return table, int(number)
