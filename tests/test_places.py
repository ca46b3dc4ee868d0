"""Toponym finding and resolution: the seed article against its gold file, and one test per rule."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from geo.places import find_mentions, find_places
from geo.records import Article

FIXTURES = Path(__file__).parent / "fixtures"
SEED = "000_6b9e2fcaa4d74d82"


@pytest.fixture(scope="module")
def seed_gold():
    return json.loads((FIXTURES / f"{SEED}.gold.json").read_text(encoding="utf-8"))


def _boilerplate(text: str, snippets) -> list[tuple[int, int]]:
    spans = [(0, text.index("\n"))]  # the title line
    for snippet in snippets:
        start = text.find(snippet)
        while start >= 0:
            spans.append((start, start + len(snippet)))
            start = text.find(snippet, start + 1)
    return spans


@pytest.fixture(scope="module")
def seed_places(nlp, gazetteer, seed_gold):
    text = (FIXTURES / f"{SEED}.txt").read_text(encoding="utf-8")
    article = Article(id=SEED, text=text, boilerplate=_boilerplate(text, seed_gold["boilerplate"]))
    return article, find_places(nlp(text), article, gazetteer=gazetteer)


def _km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 12742 * math.asin(math.sqrt(a))


def _found(place_gold, places) -> bool:
    names = {place_gold["name"], *place_gold.get("aliases", [])}
    for p in places:
        if p.name not in names and p.resolved_name not in names:
            continue
        if not p.resolved or p.precision != place_gold["precision"]:
            continue
        if place_gold["precision"] == "country":
            if p.country_code == place_gold["country_code"]:
                return True
        elif _km(p.lat, p.lon, place_gold["lat"], place_gold["lon"]) <= place_gold["tolerance_km"]:
            return True
    return False


def test_seed_required_places_are_found(seed_places, seed_gold):
    _, places = seed_places
    required = [g for g in seed_gold["places"] if not g.get("optional")]
    missing = [g["name"] for g in required if not _found(g, places)]
    assert len(missing) <= len(required) - 9, missing


def test_seed_not_places_never_returned(seed_places, seed_gold):
    _, places = seed_places
    names = {p.name for p in places}
    assert not names & set(seed_gold["not_places"])


def test_offsets_index_the_text(seed_places):
    article, places = seed_places
    assert places and all(article.text[p.start:p.end] == p.name for p in places)
    assert [p.start for p in places] == sorted(p.start for p in places)


def test_boilerplate_spans_produce_nothing(seed_places):
    article, places = seed_places
    assert not [p for p in places if article.is_boilerplate(p.start, p.end)]
    assert "Caucasus" not in {p.name for p in places}  # only in the 'also read' teaser


def test_everything_in_boilerplate_gives_nothing(nlp, gazetteer):
    text = "Fighting in Armenia and Azerbaijan. Photo: AFP / Moscow"
    article = Article(id="b", text=text, boilerplate=[(0, len(text))])
    assert find_places(nlp(text), article, gazetteer=gazetteer) == []


def test_country_not_namesake_town(nlp, gazetteer):
    text = "Armenia is furious at Turkey's involvement, a statement from Moscow said."
    places = {p.name: p for p in find_places(nlp(text), Article("t", text), gazetteer=gazetteer)}
    assert places["Armenia"].country_code == "AM" and places["Armenia"].precision == "country"
    assert places["Turkey"].country_code == "TR" and places["Turkey"].precision == "country"
    assert places["Moscow"].country_code == "RU" and places["Moscow"].precision == "city"
    assert all(0 < p.confidence <= 1 and p.gazetteer_id for p in places.values())


def test_hyphenated_region_is_one_span(nlp, gazetteer):
    text = "Shelling continued in Nagorno-Karabakh and near Hadrut on Tuesday."
    places = find_places(nlp(text), Article("t", text), gazetteer=gazetteer)
    by_name = {p.name: p for p in places}
    assert by_name["Nagorno-Karabakh"].gazetteer_id == "curated:nagorno-karabakh"
    assert by_name["Nagorno-Karabakh"].precision == "region"
    assert by_name["Hadrut"].precision == "city"
    assert "Tuesday" not in by_name


@pytest.mark.parametrize("text, word", [
    ("The talks were hosted by NATO and the OSCE in Vienna.", "NATO"),
    ("The talks were hosted by NATO and the OSCE in Vienna.", "OSCE"),
    ("Young volunteers clean weapons near the front.", "Young"),
    ("Fighting broke out on Sunday, writes the AP news agency.", "AP"),
    ("Armenian forces and Azerbaijani troops clashed.", "Armenian"),
    ("Armenian forces and Azerbaijani troops clashed.", "Azerbaijani"),
])
def test_organisations_demonyms_and_words_are_not_places(nlp, gazetteer, text, word):
    mentions = find_mentions(nlp(text), Article("t", text), gazetteer)
    assert word not in {m.text for m in mentions}


def test_unresolved_mentions_are_kept(nlp, gazetteer):
    text = "He lived in the Soviet Union before moving to Sweden."
    places = find_places(nlp(text), Article("t", text), gazetteer=gazetteer)
    precisions = {p.name: p.precision for p in places}
    assert precisions.get("Sweden") == "country"
    assert precisions.get("Soviet Union") == "unresolved"


def test_place_inside_an_organisation_name_is_not_a_mention(nlp, gazetteer):
    text = "The Organization for Security and Cooperation in Europe has tried to mediate."
    assert "Europe" not in {m.text for m in find_mentions(nlp(text), Article("t", text), gazetteer)}


def test_doc_must_match_the_article(nlp, gazetteer):
    with pytest.raises(ValueError, match="different text"):
        find_places(nlp("Armenia"), Article("t", "Azerbaijan"), gazetteer=gazetteer)


def test_works_without_the_pipeline_component(gazetteer):
    import spacy

    plain = spacy.blank("en")
    text = "Refugees fled from the Gaza Strip to Egypt."
    names = {m.text for m in find_mentions(plain(text), Article("t", text), gazetteer)}
    assert "Gaza Strip" in names


@pytest.mark.parametrize("text, name, admin1_code", [
    ("The fire in Paris, Texas, was put out.", "Paris", "US.TX"),
    ("Officials in Alexandria, La. said the road was closed.", "Alexandria", "US.LA"),
])
def test_city_comma_container_picks_the_namesake(nlp, gazetteer, text, name, admin1_code):
    place = next(p for p in find_places(nlp(text), Article("t", text), gazetteer=gazetteer)
                 if p.name == name)
    assert gazetteer.get(place.gazetteer_id).admin1_code == admin1_code


@pytest.mark.parametrize("text, name", [
    ("Officers from the Mansfield Police Department arrived at the scene.", "Mansfield"),
    ("The Georgia Public Service Commission approved the plan.", "Georgia"),
    ("The Laurel County Sheriff's Office said the road was closed.", "Laurel County"),
])
def test_place_opening_an_institution_name_is_a_mention(nlp, gazetteer, text, name):
    assert name in {m.text for m in find_mentions(nlp(text), Article("t", text), gazetteer)}


@pytest.mark.parametrize("text, word", [
    ("The story was first reported by the Washington Post on Friday.", "Washington"),
    ("Students at Graham Middle School raised money for the shelter.", "Graham"),
])
def test_outlets_and_person_named_institutions_are_not_places(nlp, gazetteer, text, word):
    assert word not in {m.text for m in find_mentions(nlp(text), Article("t", text), gazetteer)}


@pytest.mark.parametrize("text, name, country, admin1_code", [
    ("ORLANDO, Fla. (AP) — Police said the driver fled.", "ORLANDO", "US", "US.FL"),
    ("MANSFIELD -- The council met on Monday to discuss the budget.", "MANSFIELD", None, None),
    ("BEIRUT: Shelling resumed in the south overnight.", "BEIRUT", "LB", None),
])
def test_dateline_is_a_mention(nlp, gazetteer, text, name, country, admin1_code):
    place = next(p for p in find_places(nlp(text), Article("t", text), gazetteer=gazetteer)
                 if p.name == name)
    assert place.resolved
    if country:
        assert place.country_code == country
    if admin1_code:
        assert gazetteer.get(place.gazetteer_id).admin1_code == admin1_code


def test_capitalised_heading_is_no_dateline(nlp, gazetteer):
    text = "BREAKING: The ministry said talks would resume. UPDATE - More to follow."
    assert not [m for m in find_mentions(nlp(text), Article("t", text), gazetteer)
                if m.source == "dateline"]


def test_county_goes_to_the_articles_town_in_the_same_state(nlp, gazetteer):
    text = ("A Laurel County man was arrested in London, Ky., on Friday. London police said "
            "the man lived near Corbin.")
    places = {p.name: p for p in find_places(nlp(text), Article("t", text), gazetteer=gazetteer)}
    county = places["Laurel County"]
    assert county.precision == "admin2"
    assert _km(county.lat, county.lon, 37.13, -84.08) < 50  # London, Kentucky (county seat)


def test_proximity_prefers_the_namesake_near_the_other_towns():
    from geo.places import Candidate
    from geo.places.resolve import _with_proximity

    def town(gid, name, lat, lon, pop, admin1):
        return Candidate(f"geonames:{gid}", name, lat, lon, "city", "US", pop, admin1)

    springfield_ma = town(1, "Springfield", 42.10, -72.59, 154_000, "US.MA")
    springfield_il = town(2, "Springfield", 39.80, -89.64, 116_000, "US.IL")
    decatur_il = town(3, "Decatur", 39.84, -88.95, 73_000, "US.IL")
    ranked = {"springfield": [(1.9, springfield_ma), (1.8, springfield_il)],
              "decatur": [(1.7, decatur_il)]}
    out = _with_proximity(ranked)
    assert out["springfield"][0][1] is springfield_il
    assert out["decatur"][0][1] is decatur_il


# A province and its capital share a name: news means the city unless the text names the unit.
@pytest.mark.parametrize("text, name, lat, lon", [
    ("Shelling in Donetsk killed two civilians, local officials said.", "Donetsk", 48.0, 37.8),
    ("Missiles hit Kharkiv overnight, the mayor said.", "Kharkiv", 49.99, 36.23),
    ("Air strikes hit Aleppo and Idlib, the Syrian Observatory said.", "Aleppo", 36.2, 37.16),
    ("Air strikes hit Aleppo and Idlib, the Syrian Observatory said.", "Idlib", 35.93, 36.63),
    ("Explosions were heard in Odessa after midnight.", "Odessa", 46.48, 30.73),
    ("Protesters clashed with police in Kiev on Tuesday.", "Kiev", 50.45, 30.52),  # exonym
    ("Taliban fighters entered Kandahar on Thursday.", "Kandahar", 31.61, 65.71),
    ("The governor of Luhansk said the town had fallen.", "Luhansk", 48.57, 39.31),
])
def test_capital_city_beats_its_same_named_province(nlp, gazetteer, text, name, lat, lon):
    place = next(p for p in find_places(nlp(text), Article("t", text), gazetteer=gazetteer)
                 if p.name == name)
    assert place.precision == "city"
    assert _km(place.lat, place.lon, lat, lon) < 25


@pytest.mark.parametrize("text, name", [
    ("Fighting raged across Donetsk oblast on Tuesday.", "Donetsk oblast"),
    ("Russian troops advanced in the Donetsk region.", "Donetsk"),
    ("Russia launched drones at the Kharkiv and Sumy regions.", "Kharkiv"),
    ("Russia launched drones at the Kharkiv and Sumy regions.", "Sumy"),
    ("Heavy fighting in the province of Idlib displaced thousands.", "Idlib"),
    ("Clashes erupted in Herat province near the Iranian border.", "Herat"),
])
def test_named_unit_stays_the_province(nlp, gazetteer, text, name):
    place = next(p for p in find_places(nlp(text), Article("t", text), gazetteer=gazetteer)
                 if p.name == name)
    assert place.precision == "admin1"


def test_one_article_can_mean_both_the_region_and_the_city(nlp, gazetteer):
    text = ("Russian forces pressed on in the Donetsk region. Shelling in Donetsk killed two "
            "civilians, officials in Donetsk said.")
    places = [p for p in find_places(nlp(text), Article("t", text), gazetteer=gazetteer)
              if p.name == "Donetsk"]
    assert [p.precision for p in places] == ["admin1", "city", "city"]


@pytest.mark.parametrize("text, name", [
    # The state's same-named city is far from its label point, another state's or only an
    # alternate name ('New York City', 'Oklahoma City'): the state stays.
    ("Voters in Ohio and New York went to the polls on Tuesday.", "New York"),
    ("The storm moved from Texas into Oklahoma overnight.", "Oklahoma"),
    ("Wildfires spread across Washington and Oregon.", "Washington"),
])
def test_us_states_stay_states(nlp, gazetteer, text, name):
    place = next(p for p in find_places(nlp(text), Article("t", text), gazetteer=gazetteer)
                 if p.name == name)
    assert place.precision == "admin1" and place.country_code == "US"


@pytest.mark.parametrize("text, says", [
    ("fighting in the Donetsk region", True),
    ("fighting across Donetsk Oblast", True),
    ("the Kharkiv, Sumy and Chernihiv oblasts", True),
    ("the provinces of Idlib and Aleppo", True),
    ("in Aleppo, state media said", False),
    ("the Kharkiv regional governor", False),
    ("the Kharkiv Police Department", False),
])
def test_says_unit(text, says):
    from geo.places.mentions import says_unit

    names = ["Donetsk", "Kharkiv", "Idlib", "Aleppo"]
    name = next(n for n in names if n in text)
    start = text.index(name)
    assert says_unit(text, start, start + len(name)) is says


def test_a_demonym_tagged_as_a_place_is_no_place(nlp, gazetteer):
    text = "Shelling killed four civilians in Mariupol on Sunday, Ukrainian officials said."
    names = [p.name for p in find_places(nlp(text), Article("t", text), gazetteer=gazetteer)]
    assert "Ukrainian" not in names and "Mariupol" in names


# --- US counties (admin-2), state namesakes, a person-labelled town near the article's towns


def test_a_us_county_is_its_own_place_in_the_articles_state(nlp, gazetteer):
    text = "Athens police and Clarke County deputies searched the area on Friday."
    places = {p.name: p for p in find_places(nlp(text), Article("t", text), gazetteer=gazetteer)}
    county, town = places["Clarke County"], places["Athens"]
    assert county.precision == "admin2" and county.gazetteer_id.startswith("us-county:GA:")
    assert _km(town.lat, town.lon, 33.96, -83.38) < 30  # Athens, Georgia: not Greece


def test_a_county_of_many_states_supports_its_own_town(nlp, gazetteer):
    # Six states have a Henry County; the one in Tennessee holds a Paris, and that is the pair.
    text = "Residents of Paris and Henry County will receive letters from the rescue squad."
    places = {p.name: p for p in find_places(nlp(text), Article("t", text), gazetteer=gazetteer)}
    assert _km(places["Paris"].lat, places["Paris"].lon, 36.30, -88.33) < 30
    assert places["Henry County"].gazetteer_id == "us-county:TN:Henry County"


def test_state_names_in_a_list_of_states_are_states(nlp, gazetteer):
    # 'California, Pennsylvania' and 'Oregon, Ohio' are towns: not what a list of states means.
    text = "Cases were reported in Pennsylvania, Ohio, Oregon and California, officials said."
    places = {p.name: p for p in find_places(nlp(text), Article("t", text), gazetteer=gazetteer)}
    for name in ("Pennsylvania", "Ohio", "Oregon", "California"):
        assert places[name].precision == "admin1", name


def test_a_town_written_with_its_state_stays_the_town(nlp, gazetteer):
    text = "The plant in California, Pennsylvania, closed on Friday."
    place = next(p for p in find_places(nlp(text), Article("t", text), gazetteer=gazetteer)
                 if p.name == "California")
    assert place.precision == "city" and _km(place.lat, place.lon, 40.07, -79.89) < 20


def test_a_person_labelled_town_near_the_articles_towns_is_a_place(nlp, gazetteer):
    text = ('The school board in Orrville met on Monday. "We have no reason to worry," said '
            "Amstutz, of Wooster.")
    doc = nlp(text)
    assert any(e.text == "Wooster" and e.label_ == "PERSON" for e in doc.ents)  # the premise
    place = next(p for p in find_places(doc, Article("t", text), gazetteer=gazetteer)
                 if p.name == "Wooster")
    assert _km(place.lat, place.lon, 40.81, -81.94) < 20  # Wooster, Ohio


@pytest.mark.parametrize("text, word", [
    ("Coach Jackson said the team from Orrville played well.", "Jackson"),
    ("Orrville beat Smithville. Tom Wooster scored twice; Wooster is the captain.", "Wooster"),
    ("Amstutz said the board in Orrville would meet again.", "Amstutz"),
])
def test_a_persons_name_stays_a_person(nlp, gazetteer, text, word):
    names = [p.name for p in find_places(nlp(text), Article("t", text), gazetteer=gazetteer)]
    assert word not in names


@pytest.mark.parametrize("name, expected", [
    ("North Dallas", "Dallas"),
    ("Northeast Georgia", "Georgia"),
    ("South Philadelphia", "Philadelphia"),
    ("the Henderson County Jail", "Henderson County"),
    ("Greer City Hall", "Greer"),
    ("Da Nang International Airport", "Da Nang"),
])
def test_a_part_or_a_building_resolves_to_its_place(gazetteer, name, expected):
    from geo.places.mentions import lookup

    cands = lookup(gazetteer, name)
    assert cands and all(c.name == expected for c in cands[:1]), [c.name for c in cands[:3]]


@pytest.mark.parametrize("name", ["West Africa", "Western Europe", "eastern China",
                                  "Griffith Park", "Canadian Lottery", "Central Plateau"])
def test_big_regions_and_named_parks_are_not_resolved_to_a_namesake(gazetteer, name):
    from geo.places.mentions import lookup

    assert lookup(gazetteer, name) == []


@pytest.mark.parametrize("text, name, lat, lon", [
    # Each name alone prefers Athens, Greece and Georgia the country; the pair is in the US.
    ("Flooding hit Mariupol on Monday. Officials in Athens, Georgia said aid would come.",
     "Athens", 33.96, -83.38),
    ("Flooding hit Mariupol on Monday. Officials in Athens, Georgia said aid would come.",
     "Georgia", 32.7, -83.4),
    ("The recall began at a plant in Blakely, Georgia, on Friday.", "Blakely", 31.38, -84.93),
    ("Storms hit Columbus, Dayton and Cincinnati overnight.", "Dayton", 39.76, -84.19),
])
def test_town_comma_container_is_resolved_as_a_pair(nlp, gazetteer, text, name, lat, lon):
    place = next(p for p in find_places(nlp(text), Article("t", text), gazetteer=gazetteer)
                 if p.name == name)
    assert _km(place.lat, place.lon, lat, lon) < 161


@pytest.mark.parametrize("text, name, country", [
    ("Kyiv's mayor said the metro would reopen on Monday.", "Kyiv", "UA"),  # possessive
    ("Drones Hit Kharkiv And Odesa Overnight", "Odesa", "UA"),  # title-case headline
    ("UKRAINE: DRONES HIT KHARKIV OVERNIGHT", "KHARKIV", "UA"),  # all-caps headline
    ("Shelling resumed near the Armenian-controlled Hadrut on Sunday.", "Hadrut", "AZ"),
])
def test_big_cities_in_possessives_and_headlines_are_found(nlp, gazetteer, text, name, country):
    place = next(p for p in find_places(nlp(text), Article("t", text), gazetteer=gazetteer)
                 if p.name == name)
    assert place.country_code == country and place.precision == "city"


def test_a_lowercase_facility_is_no_place(nlp, gazetteer):
    text = "Kyiv's mayor said the metro would reopen on Monday."
    assert "metro" not in [p.name for p in find_places(nlp(text), Article("t", text),
                                                        gazetteer=gazetteer)]


@pytest.mark.parametrize("text, precision", [
    ("Lawmakers in Washington passed the farm bill on Tuesday.", "city"),  # the capital
    ("Farmers in Ohio waited while lawmakers in Washington argued.", "city"),
    ("Wildfires spread across Oregon, Washington and Idaho.", "admin1"),  # a list of states
    ("Apple growers in Washington state expect a record harvest.", "admin1"),
])
def test_washington_is_the_capital_unless_a_state_is_meant(nlp, gazetteer, text, precision):
    place = next(p for p in find_places(nlp(text), Article("t", text), gazetteer=gazetteer)
                 if p.name == "Washington")
    assert place.precision == precision
    if precision == "city":
        assert _km(place.lat, place.lon, 38.9, -77.04) < 20


def test_proximity_prefers_the_closer_pair():
    from geo.places import Candidate
    from geo.places.resolve import _with_proximity

    def place(gid, name, lat, lon, feature="city", pop=0, admin1=None):
        return Candidate(gid, name, lat, lon, feature, "US", pop, admin1)

    # Both pairs lie within 150 km; the county and its seat (0 km) beat towns 100 km apart.
    huntsville_al = place("geonames:1", "Huntsville", 34.73, -86.59, pop=200_000,
                          admin1="US.AL")
    huntsville_tx = place("geonames:2", "Huntsville", 30.72, -95.55, pop=40_000,
                          admin1="US.TX")
    walker_al = place("us-county:AL:Walker County", "Walker County", 33.8, -87.3, "admin2")
    walker_tx = place("us-county:TX:Walker County", "Walker County", 30.74, -95.57, "admin2")
    ranked = {"huntsville": [(1.85, huntsville_al), (1.61, huntsville_tx)],
              "walker county": [(1.6, walker_al), (1.6, walker_tx)]}
    out = _with_proximity(ranked)
    assert out["huntsville"][0][1] is huntsville_tx
    assert out["walker county"][0][1] is walker_tx
