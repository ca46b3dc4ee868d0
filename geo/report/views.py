"""The views that both the dashboard and the command line draw, each composed once: the store's
items read once (``read_items``), the map (``map_view``) and the reported tolls as of a date
(``tolls_as_of``)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Iterable, NamedTuple, Optional

import pandas as pd

from geo.report.areas import area_totals, with_areas
from geo.report.filters import Filters, filter_frame
from geo.report.items import load_items
from geo.report.tolls import Toll, consolidated_items, known_by, to_reports, tolls


def with_reports(frame: pd.DataFrame, signatures: Optional[dict] = None) -> pd.DataFrame:
    """``frame`` with its casualty rows collapsed into reports by
    ``geo.report.tolls.consolidated_items`` (the same figure from several articles is one row,
    with ``n_sources``, ``n_articles`` and ``in_toll``); ``signatures``
    (``Store.signatures()``) tell rewrites apart. A frame with no figure is returned as is."""
    if not frame["kind"].eq("casualty").any():
        return frame
    return consolidated_items(frame, signatures)


def reported_tolls(frame: pd.DataFrame, signatures: Optional[dict] = None,
                   as_of: Optional[str] = None) -> list[Toll]:
    """``geo.report.tolls.Toll`` per (victims' party, reporter, victims, outcome) from the
    casualty rows of ``frame`` (give it every date: a toll needs its earlier totals) known by
    ``as_of``: later figures and figures told by later articles left out."""
    return tolls(to_reports(known_by(frame, as_of), signatures), as_of=as_of,
                 signatures=signatures)


@dataclass(eq=False)
class StoreItems:
    """A store's content as the views read it, once per store version: every item (with its
    precision, and its areas when read with regions) and each article's rewrite signature."""
    items: pd.DataFrame
    signatures: dict

    @cached_property
    def reports(self) -> pd.DataFrame:
        """Every item, the casualty figures consolidated into reports over the whole store
        (``with_reports``): what the map draws before filtering."""
        return with_reports(self.items, self.signatures)


def read_items(store, regions=None) -> StoreItems:
    """The store's items and signatures; with ``regions`` (``geo.places.load_regions()``)
    each item also gets its province and named region (``with_areas``), which the map
    needs. Without them the items are as stored: what the data exports write."""
    items = load_items(store)
    if regions is not None:
        items = with_areas(items, regions)
    return StoreItems(items=items, signatures=store.signatures())


class MapView(NamedTuple):
    items: pd.DataFrame  # the rows the map draws: figures as reports, filtered
    areas: Any  # casualties per province (``area_totals``), a GeoDataFrame


def map_view(store_items: StoreItems, filters: Filters, regions, parties=None) -> MapView:
    """What the map and its HTML/PNG exports draw: the figures consolidated into reports over
    the whole store, then filtered, and the provinces shaded. ``store_items`` must have been
    read with ``regions``."""
    frame = filter_frame(store_items.reports, filters)
    return MapView(frame, area_totals(frame, regions, "admin1", parties))


def tolls_as_of(store_items: StoreItems, as_of: Optional[str] = None,
                filters: Filters = Filters(), victims: Iterable[str] = ()) -> list[Toll]:
    """Each reported toll as of ``as_of`` (None: every date), from the items ``filters`` keep
    whatever their dates (a toll builds on every earlier running total) and known by then;
    ``victims``: only the tolls of these victims' parties (empty: all)."""
    known = filter_frame(store_items.items, filters.with_dates(None, as_of))
    result = reported_tolls(known, store_items.signatures, as_of=as_of)
    wanted = set(victims)
    return [t for t in result if t.party in wanted] if wanted else result
