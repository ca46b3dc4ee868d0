"""Casualty figures: one test group per pattern family, from real headline shapes (UCDP GED
source headlines) and made-up news sentences of varied wording; then the seed against gold."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.events import extract_events
from geo.parties import load_parties
from geo.records import Place
from tests.events_support import casualties, nlp, seed_article

FIXTURES = Path(__file__).parent / "fixtures"


def figures(text, **kw):
    return [(c.outcome, c.count_best, c.qualifier, c.victim, c.party)
            for c in casualties(text, **kw)]


# --- subject + passive / participle / intransitive ----------------------------------------
@pytest.mark.parametrize("text,expected", [
    ("14 civilians were killed in the attack.", ("killed", 14, "exact", "civilian", None)),
    ("Two activists shot dead during Ukraine protests: prosecutors",
     ("killed", 2, "exact", "civilian", None)),
    ("Three Ukrainian servicemen killed in past 24 hours", ("killed", 3, "exact", "military",
                                                             "ukraine")),
    ("Five dead as Ukraine police launch assault on protesters",
     ("killed", 5, "exact", "unknown", None)),
    ("23 civilians die in shellings by Ukrainian forces over last week",
     ("killed", 23, "exact", "civilian", None)),
    ("Two DPR residents die in shelling over past 24 hours",
     ("killed", 2, "exact", "civilian", "dpr")),
    ("Eight self-defense fighters wounded in Donetsk mine blast",
     ("wounded", 8, "exact", "military", None)),
    ("Some 3,000 villagers have fled their homes since Monday.",
     ("displaced", 3000, "approximate", "civilian", None)),
    ("Four soldiers are still missing after the ambush.",
     ("missing", 4, "exact", "military", None)),
    ("Twelve marines were taken prisoner near the port.",
     ("captured", 12, "exact", "military", None)),
])
def test_subject_passive(text, expected):
    assert figures(text)[0] == expected


# --- active voice: the outcome verb before the count ---------------------------------------
@pytest.mark.parametrize("text,expected", [
    ("Mine kills three children in rebel-held east Ukraine",
     ("killed", 3, "exact", "civilian", None)),
    ("Ukrainian snipers kill two militiamen - DPR Operational Command",
     ("killed", 2, "exact", "military", "dpr")),
    ("Rebels down Ukraine military plane, killing 49",
     ("killed", 49, "exact", "unknown", None)),
    ("Ukraine clashes kill 8, hurting push for new truce",
     ("killed", 8, "exact", "unknown", None)),
    # people hurt where civilians are (a market) are civilians (geo.events.victims.civilian_target)
    ("An airstrike on the market injured at least 40 people.",
     ("wounded", 40, "at_least", "civilian", None)),
    ("Defense Ministry recounts ambush that claimed six lives",
     ("killed", 6, "exact", "unknown", None)),
    ("The blast left 5 soldiers dead.", ("killed", 5, "exact", "military", None)),
    ("Rebel sniper kills Ukrainian serviceman despite ceasefire -military",
     ("killed", 1, "exact", "military", "ukraine")),
])
def test_active_voice(text, expected):
    assert figures(text)[0] == expected


def test_lists_share_the_outcome():
    # (the rebels killed in a Ukrainian assault are the separatists: their attacker says so)
    assert figures("3 rebels, 2 civilians killed in Ukraine assault on Slavyansk: insurgents") \
        == [("killed", 3, "exact", "military", "pro-russian-separatists"),
            ("killed", 2, "exact", "civilian", None)]
    # (unnamed troops killed in a country are its own: ``land_forces``)
    assert figures("Five troops, 19 civilians, killed in east Ukraine: officials") == [
        ("killed", 5, "exact", "military", "ukraine"), ("killed", 19, "exact", "civilian", None)]
    # the bare second figure shares the victims of the first
    assert figures("Three Ukrainian servicemen killed, 17 wounded in past 24 hours") == [
        ("killed", 3, "exact", "military", "ukraine"),
        ("wounded", 17, "exact", "military", "ukraine")]


def test_counts_of_things_are_not_casualties():
    found = figures("Russia-occupation forces violate ceasefire in Donbas five times, "
                    "one Ukrainian soldier killed - JFO HQ")
    assert found == [("killed", 1, "exact", "military", "ukraine")]
    assert figures("Kiev forces shell DPR over 1,800 times in past 24 hours") == []


@pytest.mark.parametrize("text,expected", [
    ("the pilot was killed", ("killed", 1, "exact", "military", None)),
    ("Italian journalist killed in eastern Ukraine: foreign ministry",
     ("killed", 1, "exact", "civilian", "italy")),
    ("Dead man found hanging on Kiev's Independence Square - police",
     ("killed", 1, "exact", "civilian", None)),
    ("31y.o. Denys Herman killed in enemy shelling at Maryinka on Sept 11, 2021.",
     ("killed", 1, "exact", "unknown", None)),
])
def test_singular_and_named_victims_count_one(text, expected):
    assert figures(text)[0] == expected


# --- words, ranges, bounds, vague: through to the casualty record --------------------------
@pytest.mark.parametrize("text,best,qualifier,low,high,word", [
    ("Twenty-one killed in eastern Ukraine as ceasefire falters", 21, "exact", 21, 21, None),
    ("Between 10 and 15 soldiers were killed overnight.", None, "range", 10, 15, None),
    ("Officials said 10-15 people died.", None, "range", 10, 15, None),
    ("Dozens killed in Ukraine as army battles to break rebels", None, "vague", 12, None,
     "dozens"),
    # "a number of" and "many" keep the word and no number (FA-KES adjudication)
    ("A number of fighters were captured.", None, "vague", None, None, "a number of"),
    ("Many civilians were wounded in the attacks.", None, "vague", None, None, "many"),
    ("Up to 5 people are missing.", 5, "at_most", None, 5, None),
])
def test_figure_shapes(text, best, qualifier, low, high, word):
    c = casualties(text)[0]
    assert (c.count_best, c.qualifier, c.count_low, c.count_high, c.vague_word) == \
        (best, qualifier, low, high, word)


# --- negation and non-figures --------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "Azerbaijani authorities do not report military deaths.",
    "The army said no figures were available and did not report casualties.",
    "Three soldiers were not killed, the ministry insisted, but wounded.",
    "The strike could kill thousands, experts warned.",
    "Casualties were reported on both sides.",
])
def test_negations_make_no_figure(text):
    assert [f for f in figures(text) if f[0] == "killed" and f[1]] == []


@pytest.mark.parametrize("text", [
    "No one was killed in the attack, police said.",
    "No civilians were hurt.",
    "There were no casualties, the governor said.",
])
def test_explicit_zero(text):
    (outcome, best, qualifier, _, _), = figures(text)
    assert best == 0 and qualifier == "exact"


# --- toll updates and increments are not double counted ------------------------------------
def test_toll_replaces_earlier_figures():
    text = ("Twelve people were killed in the shelling on Monday. "
            "By Tuesday the death toll had risen to 48, the health ministry said.")
    assert [(c.outcome, c.count_best) for c in casualties(text)] == [("killed", 48)]


def test_increment_inside_a_later_toll():
    text = ("Five soldiers were killed on Monday. Two more soldiers died of their wounds "
            "overnight, bringing the toll to 7.")
    assert [c.count_best for c in casualties(text)] == [7]


def test_increment_without_toll_is_kept():
    text = "Five soldiers were killed on Monday. Two more soldiers died of their wounds."
    assert [c.count_best for c in casualties(text)] == [5, 2]


def test_toll_headlines():
    assert figures("Death toll in Donetsk stands at 15 over past 24 hours")[0][:2] == ("killed", 15)
    assert figures("Global alarm over Ukraine fighting as death toll hits 19")[0][:2] == \
        ("killed", 19)
    assert figures("Death toll from Ukrainian military’s shelling of Yasinovataya rises to two"
                   )[0][:2] == ("killed", 2)


def test_repeated_figure_is_kept_once():
    text = "14 civilians were killed. Officials repeated that 14 civilians were killed."
    assert len(casualties(text)) == 1


# --- the same figure at two places is two events; a restatement is one -------------------
GAZ = {"Donetsk": (48.0, 37.8, "geonames:709717"), "Aleppo": (36.2, 37.16, "geonames:170063"),
       "Horlivka": (48.3, 38.05, "geonames:709611"), "Avdiivka": (48.14, 37.74, "geonames:713174"),
       "Kharkiv": (50.0, 36.23, "geonames:706483")}


def placed(text):
    """Resolved Place mentions for every gazetteer name in ``text`` (no geoparser needed)."""
    out = []
    for name, (lat, lon, gid) in GAZ.items():
        i = text.find(name)
        while i >= 0:
            out.append(Place(name, i, i + len(name), lat, lon, "city", resolved_name=name,
                             gazetteer_id=gid))
            i = text.find(name, i + 1)
    return out


def where(text):
    return [(c.count_best, c.victim, c.place) for c in casualties(text, places=placed(text))]


@pytest.mark.parametrize("text,expected", [
    ("Shelling killed 5 civilians in Donetsk on Monday, officials said. Separately, an "
     "airstrike killed 5 civilians in Aleppo, activists said.",
     [(5, "civilian", "Donetsk"), (5, "civilian", "Aleppo")]),
    ("Two soldiers were killed near Horlivka on Sunday. In Avdiivka, two soldiers died when "
     "their vehicle hit a mine.", [(2, "military", "Horlivka"), (2, "military", "Avdiivka")]),
    ("Rockets hit Kharkiv and Donetsk overnight. Three people died in Kharkiv. In Donetsk, "
     "three people were killed by shelling.", [(3, "unknown", "Kharkiv"), (3, "unknown", "Donetsk")]),
])
def test_same_figure_at_different_places_is_kept(text, expected):
    assert where(text) == expected


@pytest.mark.parametrize("text", [
    # the lead and a later paragraph restating it at the same place
    "Five civilians were killed in Donetsk on Monday, officials said.\n\nThe five civilians "
    "were killed when shells hit a bus stop in Donetsk, the mayor said.",
    # a restatement naming no place of its own
    "Five civilians were killed in Donetsk on Monday. Officials said five civilians were "
    "killed by mortar fire.",
])
def test_restated_figure_is_kept_once_with_places(text):
    assert where(text) == [(5, "civilian", "Donetsk")]


def test_toll_replaces_earlier_figures_at_its_place_only():
    assert where("Twelve people were killed in Donetsk on Monday. By Tuesday the death toll "
                 "had risen to 48.") == [(48, "unknown", "Donetsk")]
    assert where("Three people were killed in Aleppo on Sunday. In Donetsk, the death toll "
                 "from Monday's shelling rose to 48.") == [(3, "unknown", "Aleppo"),
                                                           (48, "unknown", "Donetsk")]


def test_reconcile_uses_the_record_place_without_a_place_map():
    from geo.events import reconcile
    from geo.records import Casualty

    def c(place, start):
        return Casualty("killed", 5, "exact", "civilian", None, None, start, start + 1,
                        place=place)

    assert [x.place for x in reconcile([c("Donetsk", 0), c("Aleppo", 10), c("Donetsk", 20),
                                        c(None, 30)])] == ["Donetsk", "Aleppo"]


# --- a line break ends a sentence: a title line never joins the first paragraph ----------
@pytest.mark.parametrize("text,expected", [
    # the title's speaker does not report the paragraph's figure
    ("Ukraine says rebels shelled Donetsk\nShelling killed 5 civilians in Donetsk on Monday, "
     "activists said.", (5, "civilian", None, "activists",
                         "Shelling killed 5 civilians in Donetsk on Monday, activists said.")),
    ("Russia accuses Ukraine of shelling\nFive civilians were killed in Horlivka on Monday.",
     (5, "civilian", None, None, "Five civilians were killed in Horlivka on Monday.")),
    # a title naming a party lends it to no victims of the next line
    ("Title: Ukraine conflict\nTwo DPR militiamen were killed overnight, the DPR said.",
     (2, "military", "dpr", "dpr", "Two DPR militiamen were killed overnight, the DPR said.")),
    ("Five civilians were killed in Horlivka\n\nRussia accused Ukraine of the shelling.",
     (5, "civilian", None, None, "Five civilians were killed in Horlivka")),
])
def test_line_break_ends_the_sentence(text, expected):
    c, = casualties(text)
    assert (c.count_best, c.victim, c.party, c.reported_by, c.sentence) == expected


def test_hard_wrapped_line_is_one_sentence():
    c, = casualties("Five soldiers were\nkilled near Horlivka on Sunday.")
    assert (c.count_best, c.victim) == (5, "military")


# --- who the victims are, who reports them -------------------------------------------------
def test_reporter_and_victims_apart():
    c, = casualties("60 Ukrainian troops killed in Donbass over past 24 hours - "
                    "DPR defence ministry")
    assert (c.party, c.reported_by) == ("ukraine", "dpr")
    c, = casualties("Ukraine says five rebels killed in fierce east battle")
    assert (c.victim, c.reported_by) == ("military", "ukraine")
    # the other side's fighters: the non-state party fighting Ukraine, never the reporter
    assert c.party == "pro-russian-separatists"


@pytest.mark.parametrize("text,party,by", [
    ("New battles as Ukraine says 300 separatists killed in fighting",
     "pro-russian-separatists", "ukraine"),
    ("Kiev says 30 militiamen were killed in Luhansk region", "pro-russian-separatists",
     "ukraine"),
    ("Ukraine's military said 12 militants had been killed overnight.",
     "pro-russian-separatists", "ukraine"),
    # a modifier names the victims' party outright
    ("Russia's defence ministry said 50 Ukrainian troops were killed.", "ukraine", "russia"),
    ("Ukraine says 20 Donetsk separatists killed near Avdiivka", "dpr", "ukraine"),
    # no non-state party of the table fights on the reporter's soil: no guess
    ("Israel says 12 militants were killed in the raid.", None, "israel"),
    ("Russia says 12 rebels killed", None, "russia"),
])
def test_state_reporting_the_other_sides_losses(text, party, by):
    c, = casualties(text)
    assert (c.victim, c.party, c.reported_by) == ("military", party, by)


def test_own_side_from_the_speaker():
    c, = casualties("Armenia says 16 soldiers were killed in the fighting.")
    assert (c.party, c.reported_by) == ("armenia", "armenia")
    c, = casualties("DPR says 7 militiamen killed in past week")
    assert (c.party, c.reported_by) == ("dpr", "dpr")
    c, = casualties("Baku said its troops had lost 12 soldiers.")
    assert c.party == "azerbaijan"
    c, = casualties("The Kremlin said 9 servicemen were killed on their side.")
    assert (c.party, c.reported_by) == ("russia", "russia")


def test_according_to_and_trailing_sources():
    c, = casualties("According to Ukrainian officials, 9 civilians were killed.")
    assert c.reported_by == "ukraine"
    c, = casualties("Four people killed in east Ukraine fighting: Kiev")
    assert c.reported_by == "ukraine"
    c, = casualties("Two soldiers were killed, the army spokesman said.")
    assert c.reported_by == "army spokesman"


@pytest.mark.parametrize("text,by,by_text", [
    ("60 Ukrainian troops killed in Donbass over past 24 hours - DPR defence ministry",
     "dpr", "DPR defence ministry"),
    ("According to Ukrainian officials, 9 civilians were killed.", "ukraine",
     "Ukrainian officials"),
    ("Shelling killed 5 civilians in Donetsk on Monday, local officials said.",
     "local officials", "local officials"),
    ("Two soldiers were killed, the army spokesman said.", "army spokesman",
     "the army spokesman"),
    ("Four protesters killed in police assault on Kiev camp: opposition", "opposition",
     "opposition"),
    ("14 civilians were killed in the attack.", None, None),
])
def test_reported_by_is_a_party_id_or_the_phrase_and_the_phrase_is_kept(text, by, by_text):
    c, = casualties(text)
    assert (c.reported_by, c.reported_by_text) == (by, by_text)


def test_place_and_date():
    text = "Two soldiers were killed near Horlivka on Sunday."
    doc = nlp()(text)
    start = text.index("Horlivka")
    places = [Place("Horlivka", start, start + 8, 48.33, 38.05, "city", "UA")]
    from geo.records import Article
    c, = extract_events(doc, Article(id="x", text=text, date="2015-02-04"), places,
                        parties=load_parties())[0]
    assert (c.place, c.lat, c.lon, c.date) == ("Horlivka", 48.33, 38.05, "2015-02-01")
    assert text[c.start:c.end] == "Two soldiers were killed"
    assert c.sentence == text and c.sentence_start == 0


# --- where a figure is placed: the place attached to the outcome, never the reporter -------
# (lat, lon, precision) of the places the sentences below name; made-up wording
FIGURE_PLACES = {"Donetsk": (48.02, 37.80, "city"), "Minsk": (53.90, 27.57, "city"),
          "Kiev": (50.45, 30.52, "city"), "Kyiv": (50.45, 30.52, "city"),
          "Moscow": (55.75, 37.62, "city"), "Horlivka": (48.30, 38.02, "city"),
          "Avdiivka": (48.14, 37.74, "city"), "Luhansk": (48.57, 39.33, "city"),
          "Yasynuvata": (48.13, 37.86, "city"), "Paris": (48.85, 2.35, "city"),
          "Ukraine": (49.0, 31.4, "country"), "Russia": (61.5, 105.3, "country"),
          "Azerbaijan": (40.5, 47.5, "country"), "Donbas": (48.3, 38.3, "region")}


def figure_places(text):
    """The places of the figures of ``text``, every name of FIGURE_PLACES in it a resolved Place."""
    import re

    places = []
    for name, (lat, lon, precision) in FIGURE_PLACES.items():
        for m in re.finditer(rf"\b{name}\b", text):
            places.append(Place(name, m.start(), m.end(), lat, lon, precision, "UA"))
    places.sort(key=lambda p: p.start)
    return [c.place for c in casualties(text, places=places)]


@pytest.mark.parametrize("text,expected", [
    # the place in the outcome's own clause, not the occasion's
    ("Talks opened in Minsk as 12 soldiers were killed in Donetsk.", ["Donetsk"]),
    ("Rebels say three soldiers died near Luhansk while peace talks went on in Minsk.",
     ["Luhansk"]),
    ("Dozens killed in Ukraine ahead of Minsk peace summit", ["Ukraine"]),
    ("Four killed in Ukraine before Paris talks", ["Ukraine"]),
    # prepositional objects of the outcome and of the attack ("shelling of X", "near X")
    ("Two civilians were killed in Kiev forces' shelling of Horlivka.", ["Horlivka"]),
    ("Shelling of Yasynuvata by Kyiv's troops killed a teacher on Monday.", ["Yasynuvata"]),
    # a locative modifier of the victims
    ("Four residents of Yasynuvata were killed overnight, Moscow said.", ["Yasynuvata"]),
    # a city over the country in the same clause
    ("A woman died in the shelling of Horlivka in Ukraine on Sunday.", ["Horlivka"]),
    ("Two Ukraine civilians killed in rebel shelling near Luhansk", ["Luhansk"]),
    # the reporter's capital is a speaker, never the place
    ("Kiev says three soldiers were killed near Avdiivka.", ["Avdiivka"]),
    ("Three soldiers killed in east Ukraine: Kiev", ["Ukraine"]),
    ("Moscow accused Kyiv of killing 5 civilians in Donetsk.", ["Donetsk"]),
    ("Five Ukrainian soldiers killed, 12 wounded in past day: Kiev", [None, None]),
    ("According to Moscow, 20 Ukrainian soldiers died in the attack.", [None]),
    # nor a party's forces or its attack
    ("Woman killed in Kiev's shelling of east Ukraine", ["Ukraine"]),
    ("72 Ukrainian soldiers killed in Russia's war this year", [None]),
    # a country that speaks for itself stays a place when it is the only one
    ("Azerbaijan said two of its soldiers were killed.", ["Azerbaijan"]),
    # a capital used as a place is a place
    ("Dead man found hanging on Kiev's Independence Square - police", ["Kiev"]),
    ("Three protesters were killed in Kiev on Thursday.", ["Kiev"]),
])
def test_figure_place_is_the_one_attached_to_the_outcome(text, expected):
    assert figure_places(text) == expected


# --- the seed against its gold -------------------------------------------------------------
@pytest.fixture(scope="module")
def seed_result():
    text = (FIXTURES / "000_6b9e2fcaa4d74d82.txt").read_text(encoding="utf-8")
    article = seed_article(text)
    return text, extract_events(nlp()(text), article, [], parties=load_parties())


def _any(parties, value, names):
    ids = {parties.match(n) if n else None for n in names}
    return value in ids or (value is not None and parties.side_of(value) in
                            {parties.side_of(i) for i in ids if i})


def test_seed_casualties_match_gold(seed_result):
    gold = json.loads((FIXTURES / "000_6b9e2fcaa4d74d82.gold.json").read_text("utf-8"))
    parties = load_parties()
    text, (found, _) = seed_result
    for item in gold["casualties"]:
        hits = [c for c in found if c.outcome == item["outcome"]
                and c.count_best == item["count_best"]
                and (item["count_best"] is not None or c.qualifier == item["qualifier"])
                and c.qualifier == item["qualifier"] and c.victim in item["victim_any_of"]
                and _any(parties, c.party, item["party_any_of"])
                and _any(parties, c.reported_by, item["reported_by_any_of"])]
        assert hits, item["quote"]
    assert len(found) == len(gold["casualties"])  # nothing from "do not report military deaths"


def test_seed_places_match_gold():
    """With the real place finder (gazetteer + boundaries), each gold figure's place is one
    of its ``place_any_of``."""
    from geo.places import load_gazetteer, load_place_pipeline, load_regions
    from geo.pipeline import Extractor

    gold = json.loads((FIXTURES / "000_6b9e2fcaa4d74d82.gold.json").read_text("utf-8"))
    text = (FIXTURES / "000_6b9e2fcaa4d74d82.txt").read_text(encoding="utf-8")
    gazetteer = load_gazetteer()
    extractor = Extractor(nlp=load_place_pipeline(gazetteer), gazetteer=gazetteer,
                          regions=load_regions(), parties=load_parties())
    found = extractor.extract(seed_article(text)).casualties
    for item in gold["casualties"]:
        hits = [c for c in found if c.outcome == item["outcome"]
                and c.count_best == item["count_best"] and c.qualifier == item["qualifier"]]
        assert hits, item["quote"]
        assert any(c.place in item["place_any_of"] for c in hits), (item["quote"],
                                                                    [c.place for c in hits])


def test_one_victim_per_noun_phrase_and_no_subset_double_count():
    assert figures("Pro-Russian rebel commander killed in Ukraine elevator bombing") == [
        ("killed", 1, "exact", "military", "pro-russian-separatists")]
    assert figures("One DPR militia fighter killed, two civilians injured") == [
        ("killed", 1, "exact", "military", "dpr"), ("wounded", 2, "exact", "civilian", None)]
    # "including two children" is part of the five, not two more
    assert [f[1] for f in figures("Five civilians including two children die in east Ukraine: "
                                  "officials")] == [5]


def test_killed_and_wounded_together_is_no_death_toll():
    assert [f for f in figures("Up to 10 Ukrainian troops killed and wounded in attempt to get "
                               "into DPR forces' rear") if f[0] == "killed"] == []


# --- an outcome participle before the victims' noun is an adjective -----------------------
@pytest.mark.parametrize("text,expected", [
    ("Two wounded Ukrainian soldiers die in hospital",
     [("killed", 2, "exact", "military", "ukraine")]),
    ("Three wounded servicemen died in hospital overnight, the military said.",
     [("killed", 3, "exact", "military", None)]),
    ("The wounded soldier died in hospital.", [("killed", 1, "exact", "military", None)]),
    ("Gunmen kill wounded soldier at hospital", [("killed", 1, "exact", "military", None)]),
    # with no later outcome the participle itself is the figure
    ("Five wounded soldiers were evacuated to Kharkiv.",
     [("wounded", 5, "exact", "military", None)]),
    ("A wounded person lies on the ground after clashes in central Kiev",
     [("wounded", 1, "exact", "unknown", None)]),
    # after a noun it is the verb
    ("Shelling injured Ukrainian soldier near Avdiivka",
     [("wounded", 1, "exact", "military", "ukraine")]),
    ("Two wounded in Donetsk shelling", [("wounded", 2, "exact", "unknown", None)]),
])
def test_participle_before_the_victims(text, expected):
    assert figures(text) == expected


# --- lists of singular victims: one figure of their number when they make one group (same
# category, no modifiers of their own), else one figure each --------------------------------
@pytest.mark.parametrize("text,expected", [
    ("Ukrainian medic, serviceman killed in Donbass",
     [("killed", 1, "exact", "civilian", "ukraine"), ("killed", 1, "exact", "military", "ukraine")]),
    ("Soldier and civilian killed in intensifying Ukraine clashes",
     [("killed", 1, "exact", "military", None), ("killed", 1, "exact", "civilian", None)]),
    ("Child, man killed in Gorlovka shelling by Ukrainian army",
     [("killed", 2, "exact", "civilian", None)]),
    ("A man and his daughter were killed when the shell hit their car.",
     [("killed", 2, "exact", "civilian", None)]),
    ("A woman and a child died of suffocation after the barrel bomb attack.",
     [("killed", 2, "exact", "civilian", None)]),
    # after an active outcome
    ("Gunmen killed a farmer and his son in the village.",
     [("killed", 2, "exact", "civilian", None)]),
    ("The strike hit the house, claiming the lives of a man and his wife.",
     [("killed", 2, "exact", "civilian", None)]),
    ("Gunmen killed a farmer and a soldier.",
     [("killed", 1, "exact", "civilian", None)]),
    ("Italian journalist and his interpreter were killed near Slavyansk",
     [("killed", 1, "exact", "civilian", "italy"), ("killed", 1, "exact", "civilian", None)]),
    ("Police say a policeman, a soldier and a teenager were shot dead in Kramatorsk.",
     [("killed", 1, "exact", "official", None), ("killed", 1, "exact", "military", None),
      ("killed", 1, "exact", "civilian", None)]),
    # a noun that does not open the clause is no list member
    ("The shell hit the car of a farmer, and a soldier was killed.",
     [("killed", 1, "exact", "military", None)]),
])
def test_lists_of_singular_victims(text, expected):
    assert figures(text) == expected


@pytest.mark.parametrize("text,expected", [
    # a count over plural victims, then one singular victim: the count stops at the comma
    ("Kiev says two soldiers, army medic killed in east",
     [("killed", 2, "exact", "military", "ukraine"), ("killed", 1, "exact", "military", None)]),
    ("Three militants, civilian killed in Ukraine's Donbass conflict zone",
     [("killed", 3, "exact", "military", None), ("killed", 1, "exact", "civilian", None)]),
    ("Five troops, civilian reported killed in Ukraine",
     [("killed", 5, "exact", "military", "ukraine"), ("killed", 1, "exact", "civilian", None)]),
    # plural after the comma: one count over both
    ("At least 34 Ukraine soldiers, civilians killed in 24 hours: officials",
     [("killed", 34, "at_least", "civilian", "ukraine")]),
    # a civilian trade under a military modifier
    ("Combat medic died in Donbas - JFO HQ", [("killed", 1, "exact", "military", None)]),
])
def test_count_over_a_mixed_list(text, expected):
    assert figures(text) == expected


@pytest.mark.parametrize("text,best", [
    ("13 including two children, killed in Ukraine rebel city clashes", 13),
    ("13 people, including two children, killed", 13),
    ("At least 20 people, including 4 soldiers, were killed in the attack.", 20),
    ("Six die, including three children, in rebel Ukraine", 6),
    ("Ukraine clashes kill four, including three civilians", 4),
])
def test_outer_figure_kept_and_subset_not_added(text, best):
    assert [f[1] for f in figures(text) if f[0] == "killed"] == [best]


# --- a non-state reporter's bare soldier noun is its own forces ---------------------------
@pytest.mark.parametrize("text,party,by", [
    ("DPR reports three servicemen killed in shelling by Ukrainian army", "dpr", "dpr"),
    ("DPR command reports two servicemen killed in shelling", "dpr", "dpr"),
    ("LPR says serviceman killed during shelling by Kiev’s forces", "lpr", "lpr"),
    ("LPR militia says two of its fighters died", "lpr", "lpr"),
    # the other side's soldiers are named
    ("DPR says three Ukrainian servicemen killed", "ukraine", "dpr"),
])
def test_nonstate_reporter_own_forces(text, party, by):
    c, = casualties(text)
    assert (c.victim, c.party, c.reported_by) == ("military", party, by)


# --- the victims are never their own reporter ---------------------------------------------
@pytest.mark.parametrize("text,by", [
    ("Six troops reported killed in war-torn Ukraine east", None),
    ("13 reported dead in eastern Ukraine confrontation", None),
    ("Two Ukrainian soldiers reported killed in Donbas", None),
    ("Forty said dead in Donetsk fighting, most of them rebels", None),
    ("Zelensky expresses condolences to Andriyenko's family - senior soldier killed in Donbas",
     None),
    ("Four troops reported killed in Ukraine's war-torn east - military", "military"),
])
def test_victims_are_not_the_reporter(text, by):
    c, = casualties(text)
    assert c.reported_by == by


def test_on_the_other_side_is_not_the_reporters_side():
    # "on their side" is the reporter's; "the other side" names no party
    assert figures("Azerbaijani authorities say 14 civilians were killed on their side.") == \
        [("killed", 14, "exact", "civilian", "azerbaijan")]
    assert figures("Azerbaijani authorities said 14 civilians were killed on the other side.") \
        == [("killed", 14, "exact", "civilian", None)]


# --- issue 12: full-length war reporting (FA-KES-like wordings, commas lost) -----------------
def reporter(text, **kw):
    return [(c.count_best, c.reported_by) for c in casualties(text, **kw)]


@pytest.mark.parametrize("text,expected", [
    # a speech verb that ends the sentence, its subject left to the noun phrase before it
    ("An explosion killed at least 25 members of the Nusra Front the British-based Syrian "
     "Observatory for Human Rights monitoring group said.", (25, "sohr")),
    ("Air strikes killed nine people Sputnik reported.", (9, "Sputnik")),
    # or after it
    ("In Jassem 15 civilians were killed in four air strikes said the Syrian Observatory for "
     "Human Rights.", (15, "sohr")),
    # a passive speech verb's agent
    ("Three deaths were reported by the civil defence rescuers.", (3, "civil defence rescuers")),
    # "gave a toll of", "put the number at"
    ("Syrian state media gave a toll of 44 dead.", (44, "sana")),
    # the seat is no affiliation
    ("The Britain-based Syrian Observatory for Human Rights said 30 people were killed.",
     (30, "sohr")),
])
def test_reporters_of_full_articles(text, expected):
    assert expected in reporter(text)


@pytest.mark.parametrize("text", [
    "Date of publication 3 October 2017 said 17 people were killed.",  # a date line
    "He said 17 people were killed.",  # a pronoun with no antecedent
    "IS group also claimed an attack that killed at least 17 people.",  # responsibility
])
def test_no_actor_no_reporter(text):
    assert reporter(text)[0][1] is None


def test_the_observatory_is_the_one_named_earlier():
    text = ("The Syrian Observatory for Human Rights reported clashes. Elsewhere air strikes "
            "killed at least six civilians the Observatory said.")
    assert (6, "sohr") in reporter(text)


@pytest.mark.parametrize("text,expected", [
    ("Turkish warplanes killed nine fighters of the Islamic State group.", ("military", "isis")),
    ("The army killed eleven members of Jund al-Aqsa terrorist group.",
     ("military", "jund-al-aqsa")),
    ("Army units killed 15 ISIS terrorists.", ("military", "isis")),
    ("At least 57 Civilians killed.", ("civilian", None)),
    ("Raids killed 42 people including seven children.", ("civilian", None)),
    ("At least 30 children were among 39 people killed in the bombing.", ("civilian", None)),
    ("Air strikes killed at least six civilians.", ("civilian", None)),
    # a bare count whose named part is civilian
    ("Ukraine clashes kill four, including three civilians", ("civilian", None)),
    ("Young girl among six killed in east Ukraine", ("civilian", None)),
])
def test_victims_of_full_articles(text, expected):
    assert expected in [(c.victim, c.party) for c in casualties(text)]


def test_a_bare_count_with_a_military_part_stays_unknown():
    assert [c.victim for c in casualties("Clashes kill 12, including two soldiers")] == ["unknown"]


def test_others_are_the_group_just_counted():
    figures_ = casualties("Raids killed 16 civilians. Six others were killed in a village.")
    assert [(c.count_best, c.victim) for c in figures_] == [(16, "civilian"), (6, "civilian")]


def test_headline_restated_in_the_body_is_one_figure():
    from geo.records import Article

    text = ("Turkish air strikes kill 9 IS fighters in Syria AFP Friday 24 Jul 2015 Turkish "
            "warplanes killed nine fighters of the Islamic State group on Friday a monitor said.")
    article = Article(id="t", text=text, date="2015-07-24",
                      title="Turkish air strikes kill 9 IS fighters in Syria")
    found, _ = extract_events(nlp()(text), article, [], parties=load_parties())
    assert [(c.count_best, c.victim, c.party) for c in found] == [(9, "military", "isis")]


def test_vague_words_in_two_sentences_are_two_figures():
    found = casualties("Strikes in Drousha killed scores of terrorists. Later the army killed "
                       "scores of terrorists in Hama.")
    assert [c.vague_word for c in found] == ["scores", "scores"]


def test_related_stories_are_no_figures():
    found = casualties("Five civilians were killed in Idlib. Source AA Related News Death toll "
                       "rises to 70 as regime rains down bombs")
    assert [c.count_best for c in found] == [5]


# --- deliberate killings and their wording ----------------------------------------------------
@pytest.mark.parametrize("text,expected", [
    ("Islamic State beheaded two men from the clan on Sunday.",
     [("killed", 2, "exact", "civilian", None)]),
    ("The militants crucified two men in the city of Mayadin.",
     [("killed", 2, "exact", "civilian", None)]),
    ("Seven civilians were martyred on Wednesday as the neighborhood was shelled.",
     [("killed", 7, "exact", "civilian", None)]),
    ("Two soldiers were assassinated in the town.", [("killed", 2, "exact", "military", None)]),
    ("Three protesters were killled by police.", [("killed", 3, "exact", "civilian", None)]),
    # not a killing
    ("The plan was executed in two phases by 300 soldiers.", []),
])
def test_deliberate_killings(text, expected):
    assert figures(text) == expected


@pytest.mark.parametrize("text,expected", [
    # another source's number for the figure just given: both kept, the second inherits the
    # outcome
    ("At least 38 fighters were killed, the Observatory said. Shaam News Network put the "
     "number at 60.", [("killed", 38, "at_least", "military", None),
                       ("killed", 60, "exact", "unknown", None)]),
    ("The ministry put the number of injured at 28.", [("wounded", 28, "exact", "unknown", None)]),
    # a bare "number" with no figure before it is nobody's toll
    ("The UN put the number at 60.", []),
    # "five-year" is a duration; "as high as" an upper bound
    ("The Observatory has put the death toll from the five-year conflict at as high as 470000.",
     [("killed", 470000, "at_most", "unknown", None)]),
])
def test_tolls_put_at(text, expected):
    assert figures(text) == expected


@pytest.mark.parametrize("text,expected", [
    # the target of the strikes is the victims' side
    ("Turkish aircraft carried out three strikes on IS positions in Aleppo province, killing "
     "nine.", [("killed", 9, "exact", "military", "isis")]),
    # strikes on a town: its people, whose side unsaid
    ("Russian jets carried out strikes on the town, killing nine.",
     [("killed", 9, "exact", "civilian", None)]),
    # an acronym the tagger reads as a verb still names the victims' side
    ("Kurdish fighters killed 10 IS members in the past 24 hours.",
     [("killed", 10, "exact", "military", "isis")]),
])
def test_victims_side_from_target(text, expected):
    assert figures(text) == expected


def test_adding_speaker_is_the_one_who_said():
    found = casualties("Activist Ahed Sileybi said Russian war planes carried out air strikes "
                       "in Deir Ezzor, adding that 12 civilians were injured.")
    assert [c.reported_by_text for c in found] == ["Activist Ahed Sileybi"]


@pytest.mark.parametrize("text,expected", [
    ("The war has caused the displacement of more than 3000 families.",
     [("displaced", 3000, "at_least", "civilian", None)]),
    ("The shelling forced 200 families to leave their homes.",
     [("displaced", 200, "exact", "civilian", None)]),
    ("The war left more than 10 million displaced.",
     [("displaced", 10_000_000, "at_least", "unknown", None)]),
    # still the active verb
    ("The fighting displaced 400 families.", [("displaced", 400, "exact", "civilian", None)]),
])
def test_displacement_wording(text, expected):
    assert figures(text) == expected


def test_a_bare_headline_names_its_state_for_the_rebels_side():
    # no geoparsed places: "in eastern Ukraine" sets the story in Ukraine, whose one
    # non-state side the bare rebels are
    c, = casualties("Two rebels killed in fresh clashes in eastern Ukraine")
    assert (c.victim, c.party) == ("military", "pro-russian-separatists")
    c, = casualties("Two rebels killed in fresh clashes")
    assert c.party is None
