"""The store's items as every view reads them: one ``Store.query()``, with the precision of
the place each figure and claim is placed at and the conflict of its article."""
from __future__ import annotations

import pandas as pd

from geo.records import PRECISIONS
from geo.report.conflicts import with_conflicts


def with_precision(frame: pd.DataFrame) -> pd.DataFrame:
    """Figures and claims carry no precision of their own: they are placed at one of their
    article's place mentions. Each gets the precision of the place mention of its article at
    the same spot (coordinates to 4 decimals), else of any mention at that spot; figures with
    no coordinates are 'unresolved'. Place rows keep theirs, and so do the items a user's place
    fix moved (the fix says how precise it is)."""
    if frame.empty or "precision" not in frame.columns:
        return frame
    lat = pd.to_numeric(frame["lat"], errors="coerce").round(4)
    lon = pd.to_numeric(frame["lon"], errors="coerce").round(4)
    spots = pd.DataFrame({"article_id": frame["article_id"], "lat4": lat, "lon4": lon,
                          "precision": frame["precision"]})
    places = spots[frame["kind"].eq("place") & spots["precision"].notna()]
    rank = {p: i for i, p in enumerate(PRECISIONS)}
    places = places.assign(rank=places["precision"].map(rank)).sort_values("rank")
    by_article = places.drop_duplicates(["article_id", "lat4", "lon4"]).set_index(
        ["article_id", "lat4", "lon4"])["precision"]
    by_spot = places.drop_duplicates(["lat4", "lon4"]).set_index(["lat4", "lon4"])["precision"]
    need = frame["kind"].ne("place") & frame["precision"].isna()
    if not need.any():
        return frame
    keys_a = pd.MultiIndex.from_arrays([frame["article_id"][need], lat[need], lon[need]])
    keys_s = pd.MultiIndex.from_arrays([lat[need], lon[need]])
    found = pd.Series(by_article.reindex(keys_a).to_numpy(), index=frame.index[need])
    found = found.fillna(pd.Series(by_spot.reindex(keys_s).to_numpy(), index=found.index))
    found[lat[need].isna() | lon[need].isna()] = "unresolved"
    out = frame.copy()
    out.loc[need, "precision"] = found.astype(object).where(found.notna(), None)
    return out


def load_items(store) -> pd.DataFrame:
    """Every item of the store (corrections applied), figures and claims given their
    precision, every item its article's ``conflict`` (``geo.report.conflicts``, the user's
    conflict fixes applied): the frame every view filters."""
    return with_conflicts(with_precision(store.query()), store.conflict_fixes())
