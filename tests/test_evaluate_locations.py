"""The FA-KES location-label check (geo.evaluate.locations): which point stands for the article's
event, and how figures are counted against the labelled governorate."""
from __future__ import annotations

from geo.evaluate.locations import LABEL_GOVERNORATES, event_place, score_labels
from geo.places import load_regions
from geo.records import Article, Casualty, Extraction, Place

ALEPPO = (36.20, 37.16)
DAMASCUS = (33.51, 36.29)
DOUMA = (33.57, 36.40)  # Rif Dimashq
SYRIA = (35.0, 38.5)  # the country's point


def _place(name, point, precision="city"):
    return Place(name, 0, len(name), lat=point[0], lon=point[1], precision=precision,
                 country_code="SY")


def _figure(place, point, start=10):
    return Casualty(outcome="killed", count_best=3, qualifier="exact", victim="civilian",
                    party=None, reported_by=None, start=start, end=start + 5, place=place,
                    lat=point[0], lon=point[1])


def _extraction(places, figures, article_id="a"):
    return Extraction(article=Article(id=article_id, text="x" * 100), places=places,
                      casualties=figures)


def test_the_event_place_is_the_first_figure_below_the_country_else_the_most_named_place():
    places = [_place("Syria", SYRIA, "country"), _place("Damascus", DAMASCUS),
              _place("Aleppo", ALEPPO), _place("Aleppo", ALEPPO)]
    country_first = [_figure("Syria", SYRIA, 5), _figure("Aleppo", ALEPPO, 50)]
    assert event_place(_extraction(places, country_first)) == ALEPPO
    assert event_place(_extraction(places, [])) == ALEPPO  # named twice
    assert event_place(_extraction([_place("Syria", SYRIA, "country")], [])) is None


def test_figures_are_counted_in_the_label_at_country_level_or_elsewhere():
    regions = load_regions()
    rows = [{"id": "a", "location_label": "aleppo"}, {"id": "b", "location_label": "damascus"},
            {"id": "c", "location_label": "idlib"}, {"id": "d", "location_label": "nowhere"}]
    extractions = [
        _extraction([_place("Aleppo", ALEPPO), _place("Syria", SYRIA, "country"),
                     _place("Damascus", DAMASCUS)],
                    [_figure("Aleppo", ALEPPO), _figure("Syria", SYRIA, 20),
                     _figure("Damascus", DAMASCUS, 30)], "a"),
        _extraction([_place("Douma", DOUMA)], [_figure("Douma", DOUMA)], "b"),  # Rif Dimashq
        _extraction([_place("Syria", SYRIA, "country")], [], "c"),  # nothing below the country
        _extraction([_place("Aleppo", ALEPPO)], [], "d"),  # a label the check does not know
    ]
    t = score_labels(rows, extractions, regions, {"a": "dev", "b": "test"})
    everything = t["all"]
    assert everything.articles == 3 and everything.event_right == 2 and everything.event_blank == 1
    assert (everything.figures, everything.figures_right, everything.figures_country) == (4, 2, 1)
    assert everything.figures_elsewhere == {"Damascus": 1}
    assert t["gold dev split (rules tuned on)"].articles == 1
    assert t["gold test split (held aside)"].event_right == 1
    assert t["not in the gold (never annotated)"].event_blank == 1


def test_every_label_names_governorates_the_boundaries_have():
    admin1 = load_regions().admin1_frame()
    syrian = set(admin1[admin1["iso_a2"] == "SY"]["name"])
    assert all(names <= syrian for names in LABEL_GOVERNORATES.values())
