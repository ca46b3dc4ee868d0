"""Reports on the stored items, with no UI: what a view shows (``Filters``, ``filter_frame``:
the one filter engine), the views the dashboard and the command line both draw (``read_items``,
``map_view``, ``tolls_as_of``), figures consolidated into reports and tolls (``tolls``), areas,
tables, charts, and the wording they share (``labels``). Pure functions over frames, except
``read_items``, which reads a ``geo.store.Store``.
"""
from geo.report.areas import FINE_FOR_ADMIN1, FINE_FOR_REGION, area_totals, with_areas
from geo.report.charts import selected_span, timeline_chart, timeline_data, tolls_charts
from geo.report.conflicts import (OTHER, Conflict, article_conflicts, assign_conflict,
                                  checked_conflict_id, conflict_name, conflict_names,
                                  load_conflicts, with_conflicts)
from geo.report.corrections import offline_geocoder, place_candidates
from geo.report.filters import (DATE_PRESETS, EVENT_TYPE_CHOICES, ITEM_KINDS, Filters,
                                date_bounds, filter_frame, preset_range, url_date_range)
from geo.report.highlight import highlight_article
from geo.report.items import load_items, with_precision
from geo.report.labels import (EVENT_TYPE_LABELS, QUOTE_CONTEXT_CHARS, PartyNames, actor_name,
                               as_int, clean, clip_text, count_text, figure_count,
                               figure_counts, figure_phrase, figure_sentence, is_vague,
                               quote_of, reporter_phrase)
from geo.report.tables import (binned_note, binned_rows, casualty_table, claims_table,
                               figures_by_reporter, figures_per_party, ingest_report,
                               item_label, parties_table, side_by_side, tolls_table)
from geo.report.tolls import (Report, Source, Toll, TollPoint, chart_frame, consolidated_items,
                              known_by, to_reports, tolls_frame)
from geo.report.views import (MapView, StoreItems, map_view, read_items, reported_tolls,
                              tolls_as_of, with_reports)

__all__ = [
    # filters and the views
    "DATE_PRESETS", "EVENT_TYPE_CHOICES", "ITEM_KINDS", "Filters", "date_bounds",
    "filter_frame", "preset_range",
    "url_date_range", "load_items", "with_precision", "StoreItems", "read_items", "MapView",
    "map_view", "tolls_as_of", "reported_tolls", "with_reports",
    # conflicts
    "OTHER", "Conflict", "article_conflicts", "assign_conflict", "checked_conflict_id",
    "conflict_name", "conflict_names", "load_conflicts", "with_conflicts",
    # reports and tolls
    "Report", "Source", "Toll", "TollPoint", "to_reports", "known_by", "consolidated_items",
    "tolls_frame", "chart_frame",
    # areas, tables, charts, the article view, corrections
    "FINE_FOR_ADMIN1", "FINE_FOR_REGION", "with_areas", "area_totals",
    "casualty_table", "claims_table", "figures_by_reporter", "figures_per_party",
    "binned_note", "binned_rows", "ingest_report", "item_label", "parties_table", "side_by_side", "tolls_table",
    "timeline_data", "timeline_chart", "selected_span", "tolls_charts", "highlight_article",
    "place_candidates", "offline_geocoder",
    # wording
    "PartyNames", "as_int", "clean", "count_text", "figure_count", "figure_counts",
    "figure_phrase", "is_vague", "reporter_phrase", "QUOTE_CONTEXT_CHARS", "clip_text",
    "EVENT_TYPE_LABELS", "actor_name", "figure_sentence",
    "quote_of",
]
