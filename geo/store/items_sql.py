"""The SQL that reads the stored items as map rows (``MAP_COLUMNS``), corrections applied, and
the dtypes that frame comes in. Written in the SQL that SQLite and PostgreSQL share (the
PostGIS store gives its item tables a ``rowid`` column too)."""
from __future__ import annotations

from datetime import date
from typing import Callable, Iterable, Optional, Sequence

import pandas as pd

from geo.records import KINDS, MAP_COLUMNS

# One SELECT per kind, each shaped to MAP_COLUMNS. Places have no party and no own date: their
# date is the article's. User corrections are joined in: ``f`` is the place fix that applies
# (the article's own, else the global one), ``pf`` a party fix. No filter here: which items a
# view shows is decided once, by ``geo.report.filters.filter_frame``. Only the articles outside
# the bin (``binned_at`` NULL) are read.
_ARTICLE_COLS = "a.id AS article_id, a.title, a.source, a.url, a.date AS article_date"


# Typed NULLs for the columns one kind lacks, so PostgreSQL unites the SELECTs whatever their order.
_NO_COUNTS = ("CAST(NULL AS INTEGER) AS count_best, CAST(NULL AS INTEGER) AS count_low, "
              "CAST(NULL AS INTEGER) AS count_high")


def _place_fix(name_sql: str, article_sql: str) -> str:
    return f"""LEFT JOIN place_fixes f ON f.id = (
            SELECT x.id FROM place_fixes x WHERE x.name_key IN ({name_sql})
            AND (x.article_id IS NULL OR x.article_id = {article_sql})
            ORDER BY x.article_id IS NULL, x.id DESC LIMIT 1)"""


def _party_fix(kind: str, alias: str) -> str:
    return (f"LEFT JOIN party_fixes pf ON pf.kind = '{kind}' "
            f"AND pf.article_id = {alias}.article_id AND pf.idx = {alias}.idx")


def _mention(column: str, alias: str) -> str:
    """A figure's or claim's place attribute, from the place mention it is placed at."""
    return (f"(SELECT p.{column} FROM places p WHERE p.article_id = {alias}.article_id "
            f"AND COALESCE(p.resolved_name, p.name) = {alias}.place LIMIT 1)")


def _located(alias: str) -> str:
    """lat, lon, place, precision, country_code, admin1 of a figure or claim, fixes applied.
    Its precision is the fix's when a fix placed it, else NULL: the precision of the place
    mention a figure is placed at is ``geo.report.items.with_precision``'s to work out."""
    return f"""
               CASE WHEN f.id IS NULL THEN {alias}.lat ELSE f.lat END AS lat,
               CASE WHEN f.id IS NULL THEN {alias}.lon ELSE f.lon END AS lon,
               COALESCE(f.resolved_name, {alias}.place) AS place,
               CASE WHEN f.id IS NULL THEN NULL ELSE f.precision END AS precision,
               CASE WHEN f.id IS NULL THEN {_mention('country_code', alias)}
                    ELSE f.country_code END AS country_code,
               CASE WHEN f.id IS NULL THEN {_mention('admin1', alias)}
                    ELSE f.admin1 END AS admin1"""


MAP_SELECTS = {
    "place": f"""
        SELECT 'place' AS kind, p.rowid AS item_id, {_ARTICLE_COLS}, a.date AS date,
               COALESCE(f.lat, p.lat) AS lat, COALESCE(f.lon, p.lon) AS lon,
               COALESCE(f.resolved_name, p.resolved_name, p.name) AS place,
               CASE WHEN f.id IS NULL THEN p.precision ELSE f.precision END AS precision,
               CASE WHEN f.id IS NULL THEN p.country_code ELSE f.country_code END
                   AS country_code,
               CASE WHEN f.id IS NULL THEN p.admin1 ELSE f.admin1 END AS admin1,
               NULL AS party, NULL AS reported_by, NULL AS reported_by_text,
               NULL AS outcome, {_NO_COUNTS},
               NULL AS qualifier, NULL AS victim, NULL AS vague_word, NULL AS figure_kind,
               NULL AS actor, NULL AS actor_text, NULL AS event_type,
               NULL AS stance, NULL AS claimant, NULL AS target, NULL AS claim_text,
               p.sentence, p.sentence_start, p.sentence_len,
               p."start" AS "start", p."end" AS "end"
        FROM places p JOIN articles a ON a.id = p.article_id
        {_place_fix("lower(p.name), lower(COALESCE(p.resolved_name, p.name))", "p.article_id")}
        WHERE COALESCE(f.lat, p.lat) IS NOT NULL AND COALESCE(f.lon, p.lon) IS NOT NULL
        AND a.binned_at IS NULL""",
    "casualty": f"""
        SELECT 'casualty' AS kind, c.rowid AS item_id, {_ARTICLE_COLS},
               COALESCE(c.date, a.date) AS date, {_located("c")},
               CASE WHEN pf.id IS NULL THEN c.party ELSE pf.party END AS party,
               c.reported_by, c.reported_by_text,
               c.outcome, c.count_best, c.count_low, c.count_high,
               c.qualifier, c.victim, c.vague_word, c.figure_kind,
               c.actor, c.actor_text, c.event_type,
               NULL AS stance, NULL AS claimant, NULL AS target, NULL AS claim_text,
               c.sentence, c.sentence_start, c.sentence_len,
               c."start" AS "start", c."end" AS "end"
        FROM casualties c JOIN articles a ON a.id = c.article_id
        {_place_fix("lower(c.place)", "c.article_id")}
        {_party_fix("casualty", "c")}
        WHERE a.binned_at IS NULL""",
    "claim": f"""
        SELECT 'claim' AS kind, k.rowid AS item_id, {_ARTICLE_COLS},
               COALESCE(k.date, a.date) AS date, {_located("k")},
               CASE WHEN pf.id IS NULL THEN k.claimant ELSE pf.party END AS party,
               NULL AS reported_by, NULL AS reported_by_text,
               NULL AS outcome, {_NO_COUNTS},
               NULL AS qualifier, NULL AS victim, NULL AS vague_word, NULL AS figure_kind,
               NULL AS actor, NULL AS actor_text, NULL AS event_type,
               k.stance, CASE WHEN pf.id IS NULL THEN k.claimant ELSE pf.party END AS claimant,
               k.target, k.text AS claim_text,
               k.sentence, k.sentence_start, k.sentence_len,
               k."start" AS "start", k."end" AS "end"
        FROM claims k JOIN articles a ON a.id = k.article_id
        {_place_fix("lower(k.place)", "k.article_id")}
        {_party_fix("claim", "k")}
        WHERE a.binned_at IS NULL""",
}


# Stable dtypes whatever the rows: floats for coordinates, nullable ints for counts and offsets,
# and None (not NaN) for missing text, so the map, tables and exports see one shape.
MAP_DTYPES = {"item_id": "Int64", "lat": "float64", "lon": "float64", "count_best": "Int64",
              "count_low": "Int64", "count_high": "Int64", "sentence_start": "Int64",
              "start": "Int64", "end": "Int64"}


def map_items_sql(kinds: tuple[str, ...]) -> str:
    """One statement for the items of ``kinds``, in article order (undated articles first,
    as SQLite sorts NULL, in both backends)."""
    kinds = tuple(k for k in KINDS if k in kinds)
    return (" UNION ALL ".join(MAP_SELECTS[kind] for kind in kinds)
            + ' ORDER BY article_date NULLS FIRST, article_id, kind, "start"')


def map_items_query(kinds: tuple[str, ...], *, date_from=None, date_to=None,
                    include_undated: bool = True, parties: Iterable[str] = (),
                    bbox: Optional[Sequence[float]] = None) -> tuple[str, list]:
    """``map_items_sql`` with filters pushed down into the database, and its parameters (``?``).

    The rules are ``geo.report.filters.filter_frame``'s: ``date_from``/``date_to`` keep items
    whose date's first 10 characters are in the range (inclusive), undated ones too unless
    ``include_undated`` is False; ``parties`` keep figures whose victims' party or reporter and
    claims whose claimant or target is one of them, and the places of every article with such
    an item (of any kind and any date, as corrected). ``bbox`` = (west, south, east, north),
    the map's extent (west > east crosses the antimeridian), keeps items located in it, by
    their corrected coordinates; ``filter_frame`` has no such filter."""
    parties = tuple(dict.fromkeys(p for p in (parties or ()) if p))
    if not (date_from or date_to or parties or bbox):
        return map_items_sql(kinds), []
    source = KINDS if parties else tuple(k for k in KINDS if k in kinds)
    union = " UNION ALL ".join(MAP_SELECTS[kind] for kind in source)
    conds: list[str] = []
    params: list = []
    if len(source) != len(kinds):
        conds.append(f"kind IN ({_marks(kinds)})")
        params += kinds
    if date_from or date_to:
        dated = []
        for value, op in ((date_from, ">="), (date_to, "<=")):
            if value:
                dated.append(f"substr(date, 1, 10) {op} ?")
                params.append(_day(value))
        conds.append(f"(({' AND '.join(dated)})"
                     + (" OR date IS NULL)" if include_undated else ")"))
    if bbox:
        west, south, east, north = (float(v) for v in bbox)
        conds.append("lat BETWEEN ? AND ? AND " + ("lon BETWEEN ? AND ?" if west <= east
                                                  else "(lon >= ? OR lon <= ?)"))
        params += [south, north, west, east]
    if parties:
        marks = _marks(parties)
        involved = (f"((kind = 'casualty' AND (party IN ({marks}) OR reported_by IN ({marks})))"
                    f" OR (kind = 'claim' AND (claimant IN ({marks}) OR target IN ({marks}))))")
        conds.append(f"({involved} OR (kind = 'place' AND article_id IN "
                     f"(SELECT article_id FROM items WHERE {involved})))")
        params += list(parties) * 8
    sql = (f"WITH items AS ({union}) SELECT * FROM items WHERE {' AND '.join(conds)}"
           ' ORDER BY article_date NULLS FIRST, article_id, kind, "start"')
    return sql, params


def _marks(values: Sequence) -> str:
    return ", ".join("?" for _ in values)


def _day(value) -> str:
    day = value.isoformat() if isinstance(value, date) else str(value)[:10]
    date.fromisoformat(day)  # ValueError for anything but YYYY-MM-DD
    return day


def with_sentences(frame: pd.DataFrame,
                   texts: Callable[[list[str]], dict[str, str]]) -> pd.DataFrame:
    """``frame`` (as read, with ``sentence_len``) with each item's sentence: the stored one,
    or ``sentence_len`` characters of its article's text from ``sentence_start``
    (``geo.store.rows.stored_item``). ``texts(ids)`` gives the texts of those articles, read
    once; the rows of one sentence share one string (2,000 places in one long sentence are
    not 2,000 copies of it in memory)."""
    if frame.empty or "sentence_len" not in frame:
        return frame
    todo = frame["sentence"].isna() & frame["sentence_len"].notna() \
        & frame["sentence_start"].notna()
    if not todo.any():
        return frame
    rows = frame.loc[todo, ["article_id", "sentence_start", "sentence_len"]]
    text_of = texts(sorted(set(rows["article_id"])))
    shared: dict[tuple, Optional[str]] = {}
    out = []
    for key in zip(rows["article_id"], rows["sentence_start"].astype(int),
                   rows["sentence_len"].astype(int)):
        if key not in shared:
            text = text_of.get(key[0])
            shared[key] = None if text is None else text[key[1]:key[1] + key[2]]
        out.append(shared[key])
    frame = frame.copy()
    frame["sentence"] = frame["sentence"].astype(object)
    frame.loc[todo, "sentence"] = pd.Series(out, index=rows.index, dtype=object)
    return frame


def texts_sql(n: int) -> str:
    """The texts of ``n`` articles (``?`` marks: their ids)."""
    return f"SELECT id, text FROM articles WHERE id IN ({_marks(range(n))})"


# Article ids per ``texts_sql`` statement (SQLite allows 32,766 parameters since 3.32).
TEXTS_BATCH = 500


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (as read) with exactly ``MAP_COLUMNS`` in the dtypes of ``MAP_DTYPES``."""
    frame = frame.reindex(columns=list(MAP_COLUMNS))
    for col in frame.columns:
        if col in MAP_DTYPES:
            frame[col] = pd.to_numeric(frame[col]).astype(MAP_DTYPES[col])
        else:
            values = frame[col].astype(object)
            frame[col] = values.where(values.notna(), None)
    return frame


def valid_kinds(kinds: Optional[Iterable[str]]) -> tuple[str, ...]:
    """``kinds`` as a tuple of known kinds (None or empty: all of them)."""
    if not kinds:
        return KINDS
    if isinstance(kinds, str):
        kinds = [kinds]
    kinds = tuple(dict.fromkeys(kinds))
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise ValueError(f"unknown kind(s) {bad}: expected a subset of {list(KINDS)}")
    return kinds
