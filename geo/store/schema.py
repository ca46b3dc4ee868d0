"""The store's tables: the schema (SQLite's; ``geo.store.pg_schema`` is PostgreSQL's), its
version and migrations (both backends run them), and the stored fields of each item kind."""
from __future__ import annotations

import re
from typing import Callable, Iterable

SCHEMA_VERSION = 9
# Statements that bring a database of version N-1 to version N (``SQLiteStore`` and
# ``PostGISStore`` run them; new tables come from the schema itself, which runs first). Write
# them in SQL both accept: ADD COLUMN with TEXT, INTEGER or DOUBLE PRECISION (not REAL, which
# is 4 bytes in PostgreSQL).
MIGRATIONS: dict[int, tuple[str, ...]] = {
    2: ("ALTER TABLE casualties ADD COLUMN reported_by_text TEXT",),
    3: ("ALTER TABLE places ADD COLUMN sentence TEXT",
        "ALTER TABLE places ADD COLUMN sentence_start INTEGER"),
    4: ("ALTER TABLE casualties ADD COLUMN figure_kind TEXT",
        "ALTER TABLE articles ADD COLUMN signature TEXT"),
    # 5: an article's identity is its content: content_hash recomputed for every stored
    # article (``geo.store.rows.BACKFILLS``) and indexed (the index is in the schema)
    5: (),
    # 6: an item's sentence is stored once, in its article's text: ``sentence_len`` characters
    # from ``sentence_start`` (``sentence`` is kept only when it is not that substring)
    6: tuple(stmt for table in ("places", "casualties", "claims") for stmt in (
        f"ALTER TABLE {table} ADD COLUMN sentence_len INTEGER",
        f"""UPDATE {table} SET sentence_len = length(sentence), sentence = NULL
            WHERE sentence IS NOT NULL AND sentence_start IS NOT NULL
            AND substr((SELECT a.text FROM articles a WHERE a.id = {table}.article_id),
                       sentence_start + 1, length(sentence)) = sentence""")),
    # 7: the bin: a deleted article keeps its rows, marked with when it was binned, until the
    # bin is emptied (every view reads only the articles whose ``binned_at`` is NULL)
    7: ("ALTER TABLE articles ADD COLUMN binned_at TEXT",),
    # 8: a user's conflict fixes (``conflict_fixes``: the table comes from the schema)
    8: (),
    # 9: who inflicted a figure's outcome and ACLED's event type (``geo.events.actors``);
    # figures stored before stay without them (NULL: unspecified) until re-ingested
    9: ("ALTER TABLE casualties ADD COLUMN actor TEXT",
        "ALTER TABLE casualties ADD COLUMN actor_text TEXT",
        "ALTER TABLE casualties ADD COLUMN event_type TEXT"),
}

_ADD_COLUMN = re.compile(r"\s*ALTER TABLE (\w+) ADD COLUMN (\w+)", re.IGNORECASE)


def migration_steps(version: int, columns_of: Callable[[str], Iterable[str]]) -> list[str]:
    """The ``MIGRATIONS`` statements that bring a store of ``version`` to ``SCHEMA_VERSION``,
    in order, without the ADD COLUMNs of columns the table has already (``columns_of(table)``:
    its column names): a store marked older than its tables, e.g. a newer column kept by a
    copy that was downgraded by hand, still migrates."""
    out = []
    for step in range(version + 1, SCHEMA_VERSION + 1):
        for stmt in MIGRATIONS.get(step, ()):
            added = _ADD_COLUMN.match(stmt)
            if added and added[2].lower() in {c.lower() for c in columns_of(added[1])}:
                continue
            out.append(stmt)
    return out


STORE_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
-- "changes" goes up with every add/delete: a cheap cache key for the dashboard.
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO counters (name, value) VALUES ('changes', 0);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    title TEXT, date TEXT, source TEXT, url TEXT, path TEXT,
    text TEXT NOT NULL,
    boilerplate TEXT NOT NULL DEFAULT '[]',  -- JSON [[start, end], ...]
    content_hash TEXT,
    ingested_at TEXT NOT NULL,
    signature TEXT,  -- MinHash of the text's shingles: finds rewrites (geo.report.tolls)
    binned_at TEXT  -- set when the article was moved to the bin (``Store.bin``), else NULL
);
-- Items: ``sentence`` is NULL when the sentence is ``sentence_len`` characters of the article's
-- text from ``sentence_start``: stored once, in the article (``geo.store.rows.stored_item``).
CREATE TABLE IF NOT EXISTS places (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    name TEXT NOT NULL, "start" INTEGER NOT NULL, "end" INTEGER NOT NULL,
    lat REAL, lon REAL, precision TEXT, country_code TEXT, admin1 TEXT, region TEXT,
    resolved_name TEXT, gazetteer_id TEXT, confidence REAL,
    sentence TEXT, sentence_start INTEGER, sentence_len INTEGER,
    PRIMARY KEY (article_id, idx)
);
CREATE TABLE IF NOT EXISTS casualties (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    outcome TEXT NOT NULL, count_best INTEGER, count_low INTEGER, count_high INTEGER,
    qualifier TEXT, vague_word TEXT, victim TEXT, party TEXT, reported_by TEXT,
    reported_by_text TEXT, place TEXT, lat REAL, lon REAL, date TEXT,
    sentence TEXT, sentence_start INTEGER, "start" INTEGER NOT NULL, "end" INTEGER NOT NULL,
    figure_kind TEXT, sentence_len INTEGER,
    actor TEXT, actor_text TEXT, event_type TEXT,
    PRIMARY KEY (article_id, idx)
);
CREATE TABLE IF NOT EXISTS claims (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    claimant TEXT, stance TEXT NOT NULL, target TEXT, text TEXT NOT NULL,
    place TEXT, lat REAL, lon REAL, date TEXT,
    sentence TEXT, sentence_start INTEGER, "start" INTEGER NOT NULL, "end" INTEGER NOT NULL,
    sentence_len INTEGER,
    PRIMARY KEY (article_id, idx)
);
-- A user's corrections, kept apart from what the extractor found (which stays as it was):
-- ``query`` shows the corrected values. A place fix applies to one name in one article, or in
-- every article (article_id NULL, and then an article's own fix wins over it).
CREATE TABLE IF NOT EXISTS place_fixes (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL, name_key TEXT NOT NULL,
    article_id TEXT REFERENCES articles(id) ON DELETE CASCADE,
    lat REAL NOT NULL, lon REAL NOT NULL, resolved_name TEXT, precision TEXT,
    country_code TEXT, admin1 TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS place_fixes_name ON place_fixes(name_key);
CREATE TABLE IF NOT EXISTS party_fixes (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,  -- 'casualty' (the victims' party) or 'claim' (the claimant)
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    party TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (kind, article_id, idx)
);
-- A user's conflict for one article (``geo.report.conflicts`` assigns the others).
CREATE TABLE IF NOT EXISTS conflict_fixes (
    id INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL UNIQUE REFERENCES articles(id) ON DELETE CASCADE,
    conflict TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_date ON articles(date);
CREATE INDEX IF NOT EXISTS articles_content ON articles(content_hash);
CREATE INDEX IF NOT EXISTS places_article ON places(article_id);
CREATE INDEX IF NOT EXISTS casualties_article ON casualties(article_id);
CREATE INDEX IF NOT EXISTS casualties_date ON casualties(date);
CREATE INDEX IF NOT EXISTS casualties_party ON casualties(party);
CREATE INDEX IF NOT EXISTS claims_article ON claims(article_id);
CREATE INDEX IF NOT EXISTS claims_date ON claims(date);
CREATE INDEX IF NOT EXISTS claims_party ON claims(claimant);
"""

# The stored fields of each item, in table order (the records' attribute names).
PLACE_COLUMNS = ("name", "start", "end", "lat", "lon", "precision", "country_code", "admin1",
                 "region", "resolved_name", "gazetteer_id", "confidence", "sentence",
                 "sentence_start")
CASUALTY_COLUMNS = ("outcome", "count_best", "count_low", "count_high", "qualifier",
                    "vague_word", "victim", "party", "reported_by", "reported_by_text", "place",
                    "lat", "lon", "date", "sentence", "sentence_start", "start", "end",
                    "figure_kind", "actor", "actor_text", "event_type")
CLAIM_COLUMNS = ("claimant", "stance", "target", "text", "place", "lat", "lon", "date",
                 "sentence", "sentence_start", "start", "end")


def insert_sql(table: str, cols: tuple[str, ...], mark: str = "?") -> str:
    """One item's INSERT: its article id and index, then ``cols`` (``mark``: the driver's
    placeholder, ``?`` for sqlite3, ``%s`` for psycopg)."""
    names = ", ".join(f'"{c}"' for c in ("article_id", "idx") + cols)
    marks = ", ".join(mark for _ in range(len(cols) + 2))
    return f"INSERT INTO {table} ({names}) VALUES ({marks})"
