"""Events: the casualty figures and claims of one parsed article, placed and dated.
``extract`` runs the stage over an article; ``casualties`` (with ``binding``, ``outcomes``,
``victims``, ``numbers`` and ``figure_kinds``) finds the figures, ``claims`` what parties say,
``speakers`` who says it, ``dates`` when. Importing this package loads spaCy.
"""
from geo.events.casualties import find_casualties, reconcile
from geo.events.claims import find_claims
from geo.events.dates import resolve_date
from geo.events.extract import content_sentences, extract_events, main_place
from geo.events.figure_kinds import figure_kind
from geo.events.numbers import Count, find_counts, number_value
from geo.events.speakers import Speaker, speaker_of

__all__ = [
    "extract_events", "content_sentences", "main_place", "find_casualties", "reconcile",
    "find_claims", "speaker_of", "Speaker", "figure_kind", "find_counts", "number_value",
    "Count", "resolve_date",
]
