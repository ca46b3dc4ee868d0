#!/usr/bin/env python3
"""Build data/boundaries.gpkg (countries, admin1, named_regions) from Natural Earth 10m.

The Natural Earth data comes from Debian's ``qgis-common`` package, which ships
``usr/share/qgis/resources/data/world_map.gpkg`` (NE 10m admin-0/admin-1 v4.1.0, public
domain, already generalised by QGIS). See data/README.md.

    apt-get download qgis-common        # or: dpkg -x qgis-common_*.deb /tmp/qgis-common
    python scripts/build_boundaries.py qgis-common_3.22.16+dfsg-1_all.deb

Everything is vectorised (pandas / shapely / geopandas); only small attribute tables are
touched row by row.
"""
from __future__ import annotations

import argparse
import io
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a plain script
from geo.config import DATA_DIR  # noqa: E402
from geo.places import ascii_fold, match_admin1, name_key, split_names  # noqa: E402

GPKG_MEMBER = "usr/share/qgis/resources/data/world_map.gpkg"
DEFAULT_OUTPUT = DATA_DIR / "boundaries.gpkg"
DEFAULT_NAMED = DATA_DIR / "named_regions.csv"
# Douglas-Peucker tolerance in degrees (~2.2 km): keeps the file small (< 8 MB) while shifting
# no border by more than ~2.2 km, far less than the 10 km a point inside a border may be.
DEFAULT_TOLERANCE = 0.02
NE_VERSION = "4.1.0"  # README_world_map.md in the package: "Admin 1 - States, Provinces v4.1.0"

# Natural Earth errors in this release, keyed by (iso_a2, name, gn_name) of the source row.
ADMIN1_FIXES = {
    # Lachin rayon is mislabelled 'Lankaran' (the real Lankaran is on the Caspian coast).
    ("AZ", "Lankaran", "Lacin Rayonu"): {"name": "Laçın", "woe_name": "Lacin"},
    # The GeoNames names of Xankandi city and Xocali rayon are swapped.
    ("AZ", "Stepanakert", "Xocali Rayonu"): {"gn_name": "Xankandi Sahari"},
    ("AZ", "Xocalı", "Xankandi Sahari"): {"gn_name": "Xocali Rayonu"},
}
# Country codes follow ISO 3166 / internationally recognised sovereignty (NE's admin-1 file
# puts Crimea under Russia and leaves some units with iso_a2 '-1'). None = no agreed sovereign.
# Keyed by (source iso_a2, name).
ADMIN1_COUNTRY = {
    ("RU", "Crimea"): "UA", ("RU", "Sevastopol"): "UA",
    ("-1", "Somaliland"): "SO", ("-1", "Northern Cyprus"): "CY", ("-1", "Dhekelia"): "GB",
    ("-1", "Akrotiri"): "GB", ("-1", "Guantanamo Bay USNB"): "CU",
    ("-1", "Baykonur lease in Qyzylorda"): "KZ", ("-1", "Cocos (Keeling) Islands"): "CC",
    ("-1", "Christmas Island"): "CX", ("-1", "Clipperton Island"): "FR",
    ("-1", "Spratly Islands"): None, ("-1", "Kashmir"): None,
}
ISO_A3_FIXES = {"XK": "XKX"}  # Kosovo: NE has -99; XKX is the code the EU / IMF use
TYPE_PATTERNS = [  # best-effort English unit type from the GeoNames name (NE's type_en is absent)
    (r"\bRayonu?\b|Sha`biyat", "District"), (r"\bSahari\b|\bCity\b|^Misto\b", "City"),
    (r"\bOblast", "Region"), (r"\bMuhafazat\b|Governorate", "Governorate"),
    (r"\bState\b|^Land\b|Bundesland", "State"), (r"\bProvince\b|^Provincie\b|\bMarz\b", "Province"),
    (r"\bRegion\b", "Region"), (r"\bCounty\b|\bFylke\b|\bLaen\b", "County"),
    (r"\bDepartment\b|^Departamento\b", "Department"), (r"\bPrefecture\b", "Prefecture"),
    (r"\bMunicipality\b", "Municipality"), (r"\bDistrict\b", "District"),
]
# Generic words stripped from GeoNames names to get a bare alternate name ('Tigray Region').
GN_GENERIC = re.compile(
    r"^(Muhafazat|Sha`biyat|Provincie|Land|State of|Misto|Departamento( de(l)?)?)\s+|"
    r"\s+(Rayonu?|Sahari|Oblast'?|Region|State|Province|Marz|Fylke|Laen|City|Governorate|"
    r"Municipality|Prefecture|County|District)$")


@dataclass
class BuildResult:
    output: Path
    size_bytes: int
    counts: dict
    tolerance: float


def build(source: Path, output: Path = DEFAULT_OUTPUT, named_csv: Path = DEFAULT_NAMED,
          tolerance: float = DEFAULT_TOLERANCE) -> BuildResult:
    """Read the QGIS world_map.gpkg (or the qgis-common .deb) and write ``output``."""
    source, output, named_csv = Path(source), Path(output), Path(named_csv)
    if not source.is_file():
        raise FileNotFoundError(source)
    if not named_csv.is_file():
        raise FileNotFoundError(named_csv)
    if not 0 <= tolerance < 0.1:
        raise ValueError(f"tolerance {tolerance} degrees is outside [0, 0.1)")
    with tempfile.TemporaryDirectory() as tmp:
        gpkg = _extract_gpkg(source, Path(tmp)) if source.suffix == ".deb" else source
        raw_admin1 = gpd.read_file(gpkg, layer="states_provinces", fid_as_index=True)
        raw_countries = gpd.read_file(gpkg, layer="countries")
    admin1 = _admin1(raw_admin1)
    countries = _countries(admin1, raw_countries)
    admin1["country"] = admin1["iso_a2"].map(countries.set_index("iso_a2")["name_long"]) \
        .fillna(admin1["country"])
    named = _named_regions(admin1, pd.read_csv(named_csv, dtype=str, keep_default_na=False))
    layers = {
        "countries": _simplified(countries, tolerance),
        "admin1": _simplified(admin1.drop(columns=["adm0_a3"]), tolerance),
        "named_regions": _simplified(named, tolerance),
    }
    _write(layers, output, source, tolerance)
    return BuildResult(output, output.stat().st_size, {k: len(v) for k, v in layers.items()}, tolerance)


# -- source ------------------------------------------------------------------------------------

def _extract_gpkg(deb: Path, into: Path) -> Path:
    """world_map.gpkg out of the .deb (dpkg-deb when present, else the ar/tar layout by hand)."""
    if shutil.which("dpkg-deb"):
        tar_bytes = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], check=True,
                                   capture_output=True).stdout
    else:
        tar_bytes = _ar_member(deb.read_bytes(), "data.tar")
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as tar:
        member = next((m for m in tar.getmembers() if m.name.lstrip("./") == GPKG_MEMBER), None)
        if member is None:
            raise FileNotFoundError(f"{GPKG_MEMBER} not in {deb}")
        out = into / "world_map.gpkg"
        out.write_bytes(tar.extractfile(member).read())
    return out


def _ar_member(data: bytes, prefix: str) -> bytes:
    if not data.startswith(b"!<arch>\n"):
        raise ValueError("not a .deb (ar) archive")
    pos = 8
    while pos + 60 <= len(data):
        name, size = data[pos:pos + 16].decode().strip().rstrip("/"), int(data[pos + 48:pos + 58])
        if name.startswith(prefix):
            return data[pos + 60:pos + 60 + size]
        pos += 60 + size + (size % 2)
    raise FileNotFoundError(f"{prefix}* not in archive")


# -- layers ------------------------------------------------------------------------------------

def _admin1(raw: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    src = raw.copy()
    for (iso, name, gn_name), fix in ADMIN1_FIXES.items():
        hit = (src["iso_a2"] == iso) & (src["name"] == name) & (src["gn_name"] == gn_name)
        for col, value in fix.items():
            src.loc[hit, col] = value
    ne_name = src["name"].fillna(src["gn_name"]).fillna(src["woe_name"]).fillna(src["admin"])
    iso = src["iso_a2"].where(~src["iso_a2"].isin(["-1", "-99"]), None)
    key = pd.Series(list(zip(src["iso_a2"], src["name"])), index=src.index)
    iso = iso.where(~key.isin(list(ADMIN1_COUNTRY)), key.map(ADMIN1_COUNTRY))
    out = gpd.GeoDataFrame({
        # NE's adm1_code is not in the QGIS derivative: source fid, stable for this package version.
        "adm1_code": src["adm0_a3"] + "-" + src.index.astype(str),
        "name": ne_name.map(ascii_fold),
        "name_alt": _name_alt(src, ne_name, iso),
        "iso_a2": iso.astype(object).where(iso.notna(), None),
        "country": src["admin"],
        "type_en": _type_en(src["gn_name"]),
        "adm0_a3": src["adm0_a3"],
    }, geometry=src.geometry.make_valid(), crs=src.crs)
    return _with_label_point(out.reset_index(drop=True))


def _name_alt(src: pd.DataFrame, ne_name: pd.Series, iso: pd.Series) -> pd.Series:
    """'|'-joined alternate names: the NE spelling with diacritics, the GeoNames name (with and
    without 'Rayon'/'Oblast'/... words) and the WOE label. A candidate shared by two units of a
    country, or equal to another unit's name, is dropped (WOE data maps some units to their
    pre-2012 neighbours, e.g. 'Gharb Darfur' on both West and Central Darfur)."""
    gn = src["gn_name"].fillna("")
    cand = pd.DataFrame({
        "unit": src.index, "iso": iso.fillna("").to_numpy(), "own": ne_name.map(name_key).to_numpy(),
        "ne": ne_name.to_numpy(), "gn": gn.to_numpy(),
        "gn_bare": gn.str.replace(GN_GENERIC, "", regex=True).str.strip().to_numpy(),
        "woe": src["woe_label"].fillna("").str.split(",").str[0].str.strip().to_numpy(),
    })
    long = cand.melt(id_vars=["unit", "iso", "own"], var_name="kind", value_name="alt")
    long = long[long["alt"].fillna("").str.len() > 0].copy()
    long["key"] = long["alt"].map(name_key)
    ascii_ne = long["kind"].eq("ne") & long["alt"].eq(long["alt"].map(ascii_fold))
    long = long[~ascii_ne & ~(long["kind"].ne("ne") & long["key"].eq(long["own"]))]
    # The unit's own NE spelling always stays; other candidates must be unambiguous.
    own_name = long["kind"].eq("ne")
    shared = long.groupby(["iso", "key"])["unit"].transform("nunique") > 1
    names = pd.MultiIndex.from_arrays([cand["iso"], cand["own"]])
    clash = pd.MultiIndex.from_arrays([long["iso"], long["key"]]).isin(names)
    long = long[own_name | ~(shared | clash)]
    long = long.drop_duplicates(["unit", "key"])
    joined = long.groupby("unit", sort=False)["alt"].agg("|".join)
    return pd.Series(joined.reindex(src.index).to_numpy(), index=src.index, dtype=object)


def _type_en(gn_name: pd.Series) -> pd.Series:
    out = pd.Series(None, index=gn_name.index, dtype=object)
    for pattern, label in reversed(TYPE_PATTERNS):  # first pattern in the list wins
        out = out.mask(gn_name.fillna("").str.contains(pattern, regex=True), label)
    return out


def _countries(admin1: gpd.GeoDataFrame, raw: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Dissolve the (unsimplified, gap-free) admin-1 coverage by country code, so borders and
    codes agree with the admin1 layer (incl. the sovereignty fixes); names from NE admin-0."""
    attrs = raw.drop(columns="geometry").copy()
    attrs["iso_a2"] = attrs["iso_a2"].where(~attrs["iso_a2"].isin(["-1", "-99"]), attrs["WB_A2"])
    attrs = attrs[~attrs["iso_a2"].isin(["-1", "-99"]) & attrs["iso_a2"].notna()]
    attrs = attrs.drop_duplicates("iso_a2").set_index("iso_a2")
    units = admin1[admin1["iso_a2"].notna()]
    dissolved = units[["iso_a2", "geometry"]].dissolve("iso_a2", method="coverage")
    iso = dissolved.index.to_series()
    iso_a3 = iso.map(ISO_A3_FIXES).fillna(iso.map(attrs["ISO_A3"]))
    iso_a3 = iso_a3.where(iso_a3.ne("-99"), iso.map(attrs["WB_A3"]))
    iso_a3 = iso_a3.where(iso_a3.ne("-99") & iso_a3.notna(), None)
    # The long form is NE's 'admin' of the units whose adm0_a3 is the country's own ISO_A3.
    own = units[units["adm0_a3"] == units["iso_a2"].map(attrs["ISO_A3"])]
    long_name = own.groupby("iso_a2")["country"].agg(lambda s: s.mode().iloc[0])
    first_unit = units.groupby("iso_a2")["name"].first()  # CC/CX: the unit is the territory
    name = iso.map(attrs["NAME"]).fillna(iso.map(long_name)).fillna(iso.map(first_unit))
    out = gpd.GeoDataFrame({
        "iso_a2": iso.to_numpy(), "iso_a3": iso_a3.to_numpy(), "name": name.to_numpy(),
        "name_long": iso.map(long_name).fillna(name).to_numpy(),
    }, geometry=dissolved.geometry.make_valid().to_numpy(), crs=admin1.crs)
    return _with_label_point(out)


def _named_regions(admin1: gpd.GeoDataFrame, table: pd.DataFrame) -> gpd.GeoDataFrame:
    required = ["id", "name", "aliases", "country_code", "members", "source"]
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise ValueError(f"named_regions.csv lacks columns {missing}")
    dup = table["id"][table["id"].duplicated()].tolist()
    if dup:
        raise ValueError(f"duplicate ids in named_regions.csv: {dup}")
    rows = []
    for region in table.itertuples(index=False):  # one row per region (a handful), not geometries
        labels = []
        for member in split_names(region.members):
            hit = match_admin1(admin1, member, region.country_code or None)
            if hit.empty:
                raise ValueError(f"named region {region.id!r}: member {member!r} not in admin1 "
                                 f"({region.country_code})")
            labels.extend(hit)
        rows.append(pd.DataFrame({"id": region.id, "unit": labels}))
    members = pd.concat(rows).drop_duplicates()
    geoms = admin1.loc[members["unit"], ["geometry"]].assign(id=members["id"].to_numpy())
    dissolved = geoms.dissolve("id", method="unary")  # unsimplified: no internal slivers
    out = table[["id", "name", "aliases", "country_code"]].copy()
    out = gpd.GeoDataFrame(out, geometry=out["id"].map(dissolved.geometry).to_numpy(), crs=admin1.crs)
    return _with_centroid(out)


def _with_label_point(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """lat/lon for a gazetteer entry: the centroid of the unit's largest part when it falls
    inside that part, else a point on its surface (so Norway is not labelled on Svalbard and
    crescent-shaped units get a point inside them)."""
    parts = frame.geometry.reset_index(drop=True).explode(index_parts=False)
    area = shapely.area(parts.values)  # planar degrees: only used to rank parts of one unit
    order = np.lexsort((-area, parts.index.to_numpy()))
    largest = parts.iloc[order][~parts.index[order].duplicated()].sort_index().values
    centroid = shapely.centroid(largest)  # planar in degrees: fine for a label point
    point = np.where(shapely.within(centroid, largest), centroid, shapely.point_on_surface(largest))
    return frame.assign(lat=shapely.get_y(point).round(5), lon=shapely.get_x(point).round(5))


def _with_centroid(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Area-weighted centroid, computed in an equal-area CRS (EPSG:6933)."""
    centroid = frame.geometry.to_crs(6933).centroid.to_crs(frame.crs)
    return frame.assign(lat=centroid.y.round(5), lon=centroid.x.round(5))


def _simplified(frame: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    out = frame.copy()
    geoms = shapely.force_2d(out.geometry.values)
    if tolerance > 0:
        geoms = shapely.simplify(geoms, tolerance, preserve_topology=True)
    # 'structure' keeps only the polygonal result (no stray lines from collapsed slivers).
    out["geometry"] = shapely.make_valid(geoms, method="structure", keep_collapsed=False)
    return out


def _write(layers: dict, output: Path, source: Path, tolerance: float) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_suffix(".tmp.gpkg")
    tmp.unlink(missing_ok=True)
    meta = {"source": source.name, "natural_earth_version": NE_VERSION,
            "simplify_tolerance_deg": str(tolerance), "builder": "scripts/build_boundaries.py"}
    for i, (name, frame) in enumerate(layers.items()):
        pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG", promote_to_multi=True,
                                layer_options={"SPATIAL_INDEX": "NO"},
                                layer_metadata=meta, append=i > 0)
    tmp.replace(output)  # atomic: a reader never sees a half-written file


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path,
                        help="qgis-common_*.deb or its usr/share/qgis/resources/data/world_map.gpkg")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--named-regions", type=Path, default=DEFAULT_NAMED)
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE,
                        help="Douglas-Peucker tolerance in degrees (default %(default)s)")
    args = parser.parse_args(argv)
    result = build(args.source, args.output, args.named_regions, args.tolerance)
    counts = ", ".join(f"{k}={v}" for k, v in result.counts.items())
    print(f"wrote {result.output} ({result.size_bytes / 1e6:.2f} MB; {counts}; "
          f"tolerance {result.tolerance} deg)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
