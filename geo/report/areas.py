"""Casualties per province and named region: each item's areas, and the totals the map's
province layer shades."""
from __future__ import annotations

import pandas as pd

from geo.report.labels import PartyNames, figure_counts

FINE_FOR_ADMIN1 = ("point", "city", "admin2", "admin1")
FINE_FOR_REGION = FINE_FOR_ADMIN1 + ("region",)
AREA_COLUMNS = ("area_admin1", "adm1_code", "area_region")


def admin1_labels(regions) -> pd.Series:
    """Each admin-1 unit's label, "Donets'k, UA" (by the units' positions in ``regions``)."""
    return regions.admin1["name"].fillna("?") + ", " + regions.admin1["iso_a2"].fillna("?")


def with_areas(frame: pd.DataFrame, regions) -> pd.DataFrame:
    """Adds ``area_admin1`` ("Donets'k, UA"), ``adm1_code`` and ``area_region`` (named region)
    to each row, from ``regions.join`` (``geo.places.regions``) of its point. A row located
    only at country level gets no province, one located at a region gets no province but its
    region: a country's label point would otherwise count for whatever province it happens
    to fall in. Units that share a label (a town and the district around it) share it here
    too: ``adm1_code`` lists their codes, "AZE-299|AZE-654"."""
    out = frame.copy()
    for col in AREA_COLUMNS:
        out[col] = None
    lat = pd.to_numeric(out["lat"], errors="coerce")
    lon = pd.to_numeric(out["lon"], errors="coerce")
    if not (lat.notna() & lon.notna()).any():
        return out
    joined = regions.join_latlon(lat, lon)
    found = joined["admin1"].notna() & out["precision"].isin(FINE_FOR_ADMIN1)
    labels = joined["admin1"].astype(object) + ", " + joined["country_code"].fillna("?")
    codes = regions.admin1["adm1_code"].groupby(admin1_labels(regions).to_numpy()).agg("|".join)
    out.loc[found, "area_admin1"] = labels[found].to_numpy()
    out.loc[found, "adm1_code"] = codes.reindex(labels[found]).to_numpy()
    in_region = joined["region"].notna() & out["precision"].isin(FINE_FOR_REGION)
    out.loc[in_region, "area_region"] = joined.loc[in_region, "region"].to_numpy()
    return out


def area_totals(frame: pd.DataFrame, regions, level: str = "admin1", parties=None):
    """Casualties per province (``level`` "admin1") or named region ("region"): a GeoDataFrame
    with ``label``, ``total`` (figures added up - only the reports in a current toll when the
    frame is ``with_reports`` -, vague ones at their low bound; per victims' side the highest
    reporter's sum, as two reporters' counts of the same victims are alternatives),
    ``n_figures``, ``detail`` (per victims' party, plain text) and the unit's geometry (the
    units that share a label together). Rows need ``with_areas``."""
    import geopandas as gpd  # heavy: the CSV export and the tolls never draw an area
    import shapely

    key = {"admin1": "area_admin1", "region": "area_region"}.get(level)
    if key is None:
        raise ValueError(f"level: got {level!r}, expected 'admin1' or 'region'")
    cas = frame[frame["kind"].eq("casualty") & frame[key].notna()]
    if "in_toll" in cas.columns:  # consolidated reports: a total counts each death once
        cas = cas[cas["in_toll"].fillna(False).astype(bool)]
    columns = ["label", "total", "n_figures", "detail", "geometry"]
    if cas.empty:
        return gpd.GeoDataFrame(columns=columns, geometry="geometry", crs="EPSG:4326")
    names = PartyNames(parties)
    cas = cas.assign(n=figure_counts(cas).fillna(0),
                     side=[names.name(p, default="unattributed") for p in cas["party"]],
                     reporter=cas["reported_by"].fillna("").astype(str))
    # Two reporters' counts of the same victims are alternatives ("Armenia says 61, Azerbaijan
    # says 2,300"), never parts of one total: per victims' side, the highest reporter's sum.
    per_reporter = cas.groupby([key, "side", "reporter"])["n"].sum().reset_index()
    per_party = (per_reporter.groupby([key, "side"])
                 .agg(n=("n", "max"), reporters=("reporter", "size")).reset_index()
                 .sort_values([key, "n"], ascending=[True, False]))
    detail = per_party.groupby(key).apply(
        lambda g: "; ".join(f"{s}: {int(n):,}" + (f" (highest of {r} reporters)" if r > 1 else "")
                            for s, n, r in zip(g["side"], g["n"], g["reporters"])),
        include_groups=False)
    totals = per_party.groupby(key).agg(total=("n", "sum"))
    totals["n_figures"] = cas.groupby(key).size()
    totals["detail"] = detail
    if level == "admin1":
        labels = admin1_labels(regions)
        wanted = labels.isin(totals.index)
        shapes = regions.admin1.geometry[wanted].groupby(labels[wanted].to_numpy()).agg(
            lambda g: g.iloc[0] if len(g) == 1 else shapely.union_all(g.to_numpy()))
    else:
        shapes = regions.named_regions.set_index("name").geometry
    totals = totals[totals.index.isin(shapes.index)]
    return gpd.GeoDataFrame({"label": totals.index.to_numpy(),
                             "total": totals["total"].to_numpy(),
                             "n_figures": totals["n_figures"].to_numpy(),
                             "detail": totals["detail"].to_numpy()},
                            geometry=shapes.reindex(totals.index).to_numpy(),
                            crs="EPSG:4326")
