"""The countries an article is about (issue 11): named, or those of the towns it places; and
the per-name focus kept linear in the number of names. The sentences are made up."""
from __future__ import annotations

from geo.places import find_places
from geo.places.focus import CountriesBySense, a_country, article_countries
from geo.places.gazetteer import Candidate
from geo.records import Article, Place


def _placed(nlp, gazetteer, text):
    places = find_places(nlp(text), Article("t", text), gazetteer=gazetteer,
                         join_regions=False)
    return {p.name: p for p in places if p.resolved}


def _town(name, cc, precision="city"):
    return Place(name=name, start=0, end=len(name), lat=1.0, lon=1.0, precision=precision,
                 country_code=cc)


def test_a_country_whose_towns_the_article_places_is_its_country():
    assert article_countries([_town("Daraa", "SY"), _town("Hama", "SY"),
                              _town("Amman", "JO")]) == {"SY"}
    # one name, however often, is not enough
    assert article_countries([_town("Amman", "JO"), _town("amman", "JO")]) == set()
    assert article_countries([_town("Syria", "SY", "country")]) == {"SY"}


def test_a_cued_town_is_found_in_a_story_that_never_names_its_country(nlp, gazetteer):
    # A SANA-style report: Damascus and Homs, never 'Syria'; the NER calls the town a person.
    text = ("Clashes went on in Damascus and Homs on Sunday. "
            "Terrorists fired rocket shells on the town of Jeb al-Jarrah injuring two persons.")
    place = _placed(nlp, gazetteer, text).get("Jeb al-Jarrah")
    assert place is not None and place.country_code == "SY"


def test_a_capitalised_cue_word_opens_a_sentence(nlp, gazetteer):
    text = ("Government forces shelled Daraa in southern Syria on Monday. "
            "In Jassem 15 civilians were killed, activists said.")
    place = _placed(nlp, gazetteer, text).get("Jassem")
    assert place is not None and place.country_code == "SY"


def _ranked(gid, cc, feature):
    c = Candidate(gazetteer_id=gid, name=gid, lat=0.0, lon=0.0, country_code=cc,
                  feature=feature, population=0)
    return [(1.0, c)]


def test_the_countries_other_names_say_without_the_names_own_sense():
    first = {"syria": _ranked("sy", "SY", "country"), "syrian arab republic":
             _ranked("sy", "SY", "country"), "jordan": _ranked("jo", "JO", "country"),
             "daraa": _ranked("d", "SY", "city")}
    senses = {k: frozenset([r[0][1].gazetteer_id]) for k, r in first.items()}
    index = CountriesBySense(first, senses, a_country)
    assert index.other_than("syria") == {"JO"}  # its other name is the same sense
    assert index.other_than("daraa") == {"SY", "JO"}
    index.count("jordan", first["jordan"], -1)
    assert index.other_than("daraa") == {"SY"}


def test_a_quarter_named_after_a_country_leaves_the_country_resolved():
    """'the Syria quarter' (of Aleppo) is resolved on its own: the country's other mentions
    keep the country (it left every 'Syria' of an article unresolved)."""
    from geo.pipeline import default_extractor
    from geo.records import Article

    text = ("US Secretary of State John Kerry met US officials in Washington. A resident said "
            "his home in the Syria quarter was destroyed, and residents of the Syria quarter "
            "fled. Fighters later entered Palmyra in central Syria.")
    places = default_extractor().extract(Article(id="q", text=text, title="t")).places
    country = [p for p in places if p.name == "Syria" and text[p.end:p.end + 8] != " quarter"]
    assert country and all(p.precision == "country" and p.country_code == "SY" for p in country)
