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
from geo.store.base import Added
from geo.store.schema import CASUALTY_COLUMNS, CLAIM_COLUMNS, PLACE_COLUMNS

# (table, stored fields, record class, Extraction attribute) of each item kind
ITEM_TABLES = (("places", PLACE_COLUMNS, Place, "places"),
               ("casualties", CASUALTY_COLUMNS, Casualty, "casualties"),
               ("claims", CLAIM_COLUMNS, Claim, "claims"))

ARTICLE_INSERT_SQL = (
    "INSERT INTO articles (id, title, date, source, url, path, text, boilerplate,"
    " content_hash, ingested_at, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")

_ARTICLE_SUMMARY = """
    SELECT a.id, a.title, a.date, a.source, a.url,
           (SELECT COUNT(*) FROM places p WHERE p.article_id = a.id) AS n_places,
           (SELECT COUNT(*) FROM casualties c WHERE c.article_id = a.id) AS n_casualties,
           (SELECT COUNT(*) FROM claims k WHERE k.article_id = a.id) AS n_claims"""
# Every reader sees only the articles outside the bin (``binned_at`` NULL); the bin lists
# the others, most recently binned first.
LIVE = "binned_at IS NULL"
ARTICLES_SQL = _ARTICLE_SUMMARY + f"""
    FROM articles a WHERE a.{LIVE} ORDER BY a.date NULLS FIRST, a.id"""
BIN_SQL = _ARTICLE_SUMMARY + """, a.binned_at
    FROM articles a WHERE a.binned_at IS NOT NULL ORDER BY a.binned_at DESC, a.id"""
# Moving to the bin and back (``?``: the time, or nothing, then the ids); emptying it.
BIN_UPDATE_SQL = "UPDATE articles SET binned_at = ? WHERE binned_at IS NULL AND id IN ({})"
RESTORE_UPDATE_SQL = ("UPDATE articles SET binned_at = NULL WHERE binned_at IS NOT NULL"
                      " AND id IN ({})")
EMPTY_BIN_SQL = "DELETE FROM articles WHERE binned_at IS NOT NULL"

PLACE_FIX_INSERT_SQL = (
    "INSERT INTO place_fixes (name, name_key, article_id, lat, lon, resolved_name,"
    " precision, country_code, admin1, created_at)"
    " VALUES (?, lower(?), ?, ?, ?, ?, ?, ?, ?, ?)")

PARTY_FIX_UPSERT_SQL = (
    "INSERT INTO party_fixes (kind, article_id, idx, party, created_at)"
    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, article_id, idx)"
    " DO UPDATE SET party = excluded.party, created_at = excluded.created_at")

CONFLICT_FIX_UPSERT_SQL = (
    "INSERT INTO conflict_fixes (article_id, conflict, created_at) VALUES (?, ?, ?)"
    " ON CONFLICT (article_id)"
    " DO UPDATE SET conflict = excluded.conflict, created_at = excluded.created_at")
CONFLICT_FIXES_SQL = "SELECT article_id, conflict FROM conflict_fixes"

CORRECTIONS_SQL = """
    SELECT 'place:' || id AS id, 'place' AS kind, name, article_id,
           NULL AS item_kind, NULL AS item_idx, lat, lon, resolved_name, precision,
           country_code, admin1, NULL AS party, NULL AS conflict, created_at
    FROM place_fixes
    UNION ALL
    SELECT 'party:' || id, 'party', NULL, article_id, kind, idx, NULL, NULL, NULL,
           NULL, NULL, NULL, party, NULL, created_at
    FROM party_fixes
    UNION ALL
    SELECT 'conflict:' || id, 'conflict', NULL, article_id, NULL, NULL, NULL, NULL, NULL,
           NULL, NULL, NULL, NULL, conflict, created_at
    FROM conflict_fixes
    ORDER BY created_at DESC, id DESC"""

PARTY_TABLES = {"casualty": "casualties", "claim": "claims"}
FIX_TABLES = {"place": "place_fixes", "party": "party_fixes", "conflict": "conflict_fixes"}


def _live(table: str, alias: str) -> str:
    """The rows of an item table whose article is outside the bin."""
    return f"{table} {alias} JOIN articles a ON a.id = {alias}.article_id AND a.{LIVE}"


PARTIES_SQL = f"""
    SELECT c.party FROM {_live("casualties", "c")} UNION SELECT k.claimant FROM {_live("claims", "k")}
    UNION SELECT k.target FROM {_live("claims", "k")}
    UNION SELECT c.actor FROM {_live("casualties", "c")}"""
SOURCES_SQL = f"SELECT DISTINCT c.reported_by FROM {_live('casualties', 'c')}"

DATE_RANGE_SQL = f"""
    SELECT MIN(d), MAX(d) FROM (
        SELECT date AS d FROM articles WHERE {LIVE}
        UNION ALL SELECT c.date FROM {_live("casualties", "c")}
        UNION ALL SELECT k.date FROM {_live("claims", "k")}) AS dates WHERE d IS NOT NULL"""

# An article's identity: the hash of its normalised text and its source. The same text with
# no source on either side is the same article too (a copy read without its metadata sidecar);
# a copy of the same source is preferred, then one outside the bin (a binned copy is found
# too: its text is not stored again, the user is told to restore it). Parameters: hash,
# source x3.
FIND_SAME_SQL = """
    SELECT id, binned_at FROM articles WHERE content_hash = ?
    AND (source IS NULL OR CAST(? AS TEXT) IS NULL OR source = ?)
    ORDER BY CASE WHEN source = ? THEN 0 ELSE 1 END,
             CASE WHEN binned_at IS NULL THEN 0 ELSE 1 END, id LIMIT 1"""
HAS_SQL = "SELECT 1 FROM articles WHERE id = ?"

BUMP_SQL = "UPDATE counters SET value = value + 1 WHERE name = 'changes'"
VERSION_SQL = "SELECT value FROM counters WHERE name = 'changes'"


def utc_now() -> str:
    """The time stamp of an ingest or a correction (ISO, UTC, seconds)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def article_values(article: Article, article_id: Optional[str] = None) -> tuple:
    """The values of ``ARTICLE_INSERT_SQL`` for ``article`` (stored as ``article_id``, default
    its own id)."""
    return (article_id or article.id, article.title, article.date, article.source, article.url,
            article.path, article.text, json.dumps([list(s) for s in article.boilerplate]),
            content_hash(article.text), utc_now(), text_signature(article.text, article.boilerplate))


def same_params(article: Article) -> tuple:
    """The parameters of ``FIND_SAME_SQL`` for ``article``."""
    return (content_hash(article.text),) + (article.source or None,) * 3


def identity_answer(article: Article, same: Optional[str], taken,
                    same_binned: bool = False) -> Added:
    """What ``add`` does with ``article``, inside its write transaction: "duplicate" of
    ``same`` (the stored copy, ``FIND_SAME_SQL``; ``same_binned``: that copy is in the bin),
    "renamed" to a derived id when its id is ``taken(id)`` by another text (in the bin or
    not), else "ok" under its own id."""
    if same is not None:
        return Added("duplicate", same, same_text_reason(same, same_binned))
    if not taken(article.id):
        return Added("ok", article.id)
    new_id = derived_id(article.id, content_hash(article.text), taken)
    return Added("renamed", new_id,
                 f"id {article.id} holds another text: stored as {new_id}, both kept")


def same_text_reason(same: str, binned: bool = False) -> str:
    """Why an article is not stored: its text is stored as ``same`` (in the bin, maybe)."""
    if binned:
        return (f"same text as article {same}, which is in the bin: restore it with "
                f"`geo restore {same}`")
    return f"same text as stored article {same}"


def bin_marks(ids) -> str:
    """The ``?`` marks of ``BIN_UPDATE_SQL`` / ``RESTORE_UPDATE_SQL`` for ``ids``."""
    return ", ".join("?" for _ in ids)


def derived_id(article_id: str, digest: str, taken) -> str:
    """``<article_id>~<first 8 hex of digest>``, with ``-2``, ``-3``... while ``taken``."""
    base = f"{article_id}~{digest[:8]}"
    candidate, n = base, 1
    while taken(candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def item_inserts(extraction: Extraction, insert_sql,
                 article_id: Optional[str] = None) -> Iterator[tuple[str, list]]:
    """(statement, values) of every item of ``extraction``: its article id (``article_id``,
    default the article's own) and index, then the stored fields. ``insert_sql(table, cols)``
    writes the statement in the backend's dialect."""
    article_id = article_id or extraction.article.id
    text = extraction.article.text
    for table, cols, _, attr in ITEM_TABLES:
        sql = insert_sql(table, cols + STORED_EXTRA)
        for idx, item in enumerate(getattr(extraction, attr)):
            values = {c: getattr(item, c) for c in cols}
            yield sql, [article_id, idx, *stored_item(values, text).values()]


# Stored beside each item's record fields: the length of its sentence in the article's text.
STORED_EXTRA = ("sentence_len",)


def stored_item(values: dict, text: str) -> dict:
    """An item's stored values (its record fields, then ``STORED_EXTRA``): a sentence that
    is the article's text from ``sentence_start`` is stored as its length, not again (a
    2,000-place list sentence would be stored 2,000 times); any other is kept as it is."""
    sentence, start = values.get("sentence"), values.get("sentence_start")
    length = None
    if sentence is not None and start is not None and 0 <= start and \
            text[start:start + len(sentence)] == sentence:
        values = {**values, "sentence": None}
        length = len(sentence)
    return {**values, "sentence_len": length}


def article_items_sql(table: str, cols: tuple[str, ...]) -> str:
    """The stored items of one article (one ``?``: its id), in their order: ``cols``, then
    ``STORED_EXTRA`` (``item_rows`` turns them back into the record's fields)."""
    names = ", ".join(f'"{c}"' for c in cols + STORED_EXTRA)
    return f"SELECT {names} FROM {table} WHERE article_id = ? ORDER BY idx"


def item_row(row: dict, text: str) -> dict:
    """A stored item row (``article_items_sql``) as its record's fields: the sentence taken
    from the article's ``text`` where only its length was stored."""
    row = dict(row)
    length = row.pop("sentence_len", None)
    if row.get("sentence") is None and length is not None and row.get("sentence_start") is not None:
        start = row["sentence_start"]
        row["sentence"] = text[start:start + length]
    return row


def stored_spans(stored: Optional[str]) -> list[tuple]:
    """The boilerplate column (JSON ``[[start, end], ...]``) as a list of spans."""
    return [tuple(span) for span in json.loads(stored or "[]")]


def stored_signature(text: str, boilerplate: Optional[str]) -> str:
    """The rewrite signature of a stored article (for a migration that adds the column)."""
    return text_signature(text, stored_spans(boilerplate))


# What a migration computes in Python for the articles stored before: (the schema version
# that brought the column, the column, its value from the stored text and boilerplate).
# Version 5 made the content hash the identity: every stored hash is computed again with
# today's ``content_hash`` (older stores may hold none, or one of another normalisation).
BACKFILLS = ((4, "signature", stored_signature),
             (5, "content_hash", lambda text, boilerplate: content_hash(text)))
BACKFILL_BATCH = 500


def backfill(execute, from_version: int) -> None:
    """Fill the ``BACKFILLS`` columns a database of ``from_version`` lacks. ``execute(sql,
    params)`` runs one statement (``?`` placeholders) and returns its rows; articles are read
    ``BACKFILL_BATCH`` at a time, so a large store is never held in memory."""
    wanted = [(col, value) for since, col, value in BACKFILLS if from_version < since]
    if not wanted:
        return
    sets = ", ".join(f"{col} = ?" for col, _ in wanted)
    last = ""
    while rows := execute("SELECT id, text, boilerplate FROM articles WHERE id > ?"
                          f" ORDER BY id LIMIT {BACKFILL_BATCH}", (last,)):
        for article_id, text, boilerplate in rows:
            execute(f"UPDATE articles SET {sets} WHERE id = ?",
                    tuple(value(text, boilerplate) for _, value in wanted) + (article_id,))
        last = rows[-1][0]


def article_view(row: dict, items: dict[str, list[dict]]) -> dict:
    """``Store.article``'s answer: the article row, its boilerplate as spans, and its items
    (``items``: table name -> rows as dicts)."""
    out = dict(row)
    out["boilerplate"] = stored_spans(out.get("boilerplate"))
    for table, *_ in ITEM_TABLES:
        out[table] = [item_row(r, out["text"]) for r in items.get(table, [])]
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


def checked_conflict(conflict: str) -> str:
    """``correct_conflict``'s conflict id checked (the store knows no conflict table: the
    callers check the id against ``data/conflicts.csv``)."""
    conflict = str(conflict or "").strip()
    if not conflict:
        raise ValueError("a conflict correction needs the conflict id it sets")
    return conflict


def fix_table(correction_id: str) -> tuple[str, int]:
    """The table and row id of a correction id ('place:N' / 'party:N' / 'conflict:N')."""
    kind, _, number = str(correction_id).partition(":")
    table = FIX_TABLES.get(kind)
    if table is None or not number.isdigit():
        raise ValueError(f"correction id {correction_id!r}: expected 'place:N', 'party:N' or "
                         "'conflict:N'")
    return table, int(number)
