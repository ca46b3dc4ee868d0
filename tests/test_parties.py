"""The party table: countries by default, CSV overrides, aliases, sides, colours."""
from __future__ import annotations

import re

import pytest

from geo.parties import load_parties, read_parties, PartyTable
from tests.events_support import nlp


@pytest.fixture(scope="module")
def parties():
    return load_parties()


@pytest.mark.parametrize("phrase,party", [
    ("Russia's Foreign Ministry", "russia"), ("the Kremlin", "russia"), ("Moscow", "russia"),
    ("Vladimir Putin", "russia"), ("Baku", "azerbaijan"), ("Yerevan", "armenia"),
    ("Azerbaijani authorities", "azerbaijan"), ("the president of Azerbaijan", "azerbaijan"),
    ("ethnic Armenian forces", "nagorno-karabakh"), ("Armenian separatists", "nagorno-karabakh"),
    ("Nagorno-Karabakh officials", "nagorno-karabakh"), ("Artsakh", "nagorno-karabakh"),
    ("Ukrainian troops", "ukraine"), ("JFO HQ", "ukraine"), ("Kiev", "ukraine"),
    ("DPR", "dpr"), ("Lugansk republic", "lpr"), ("pro-Russian rebels", "pro-russian-separatists"),
    ("United Armed Forces of Novorossiya", "novorossiya"), ("Macron", "france"),
    ("Erdogan", "turkey"), ("Turkish", "turkey"), ("Hezbollah", "hezbollah"),
    ("U.S. officials", "united-states"), ("Kenyan police", "kenya"), ("Peru", "peru"),
])
def test_match(parties, phrase, party):
    assert parties.match(phrase) == party


def test_acronyms_that_are_words_match_case_sensitively(parties):
    assert parties.match("US troops") == "united-states"
    assert parties.match("let us talk") is None
    assert parties.match("he is here") is None


def test_sides(parties):
    assert parties.side_of("nagorno-karabakh") == "armenia"
    assert parties.side_of("dpr") == parties.side_of("lpr") == "russia"
    assert parties.side_of("ukraine") == "ukraine"
    assert parties.side_of("no-such-party") == "no-such-party"


def test_colours(parties):
    main = ["ukraine", "russia", "armenia", "azerbaijan", "nagorno-karabakh", "turkey"]
    colours = [parties.color(p) for p in main]
    assert len(set(colours)) == len(main)
    assert all(re.fullmatch(r"#[0-9A-Fa-f]{6}", c) for c in colours)
    assert parties.color("unknown-militia") == parties.color("unknown-militia")
    assert re.fullmatch(r"#[0-9A-Fa-f]{6}", parties.color("unknown-militia"))


def test_find_longest_match_in_a_doc(parties):
    doc = nlp()("Ethnic Armenian forces and the Azerbaijani army clashed; Moscow said.")
    found = [(m.party, m.text) for m in parties.find(doc)]
    assert found == [("nagorno-karabakh", "Ethnic Armenian forces"),
                     ("azerbaijan", "Azerbaijani"), ("russia", "Moscow")]
    span = doc[5:]
    assert [m.party for m in parties.find(span)] == ["azerbaijan", "russia"]


def test_every_country_is_a_party(parties):
    ids = {p.id for p in parties}
    assert {"peru", "kenya", "sweden", "syria", "libya"} <= ids
    assert len([p for p in parties if p.country_code]) > 200


def test_user_csv_adds_actors_and_overrides(tmp_path):
    csv = tmp_path / "parties.csv"
    csv.write_text("id,name,color,side,aliases\n"
                   "armenia,,#123456,,Armenian MoD\n"
                   "zangezur-militia,Zangezur militia,,armenia,Zangezur fighters|=ZM\n",
                   encoding="utf-8")
    table = PartyTable(read_parties(csv))
    assert table.color("armenia") == "#123456"
    assert table.match("Armenian MoD") == "armenia" and table.match("Yerevan") == "armenia"
    assert table.match("Zangezur fighters") == "zangezur-militia"
    assert table.match("ZM") == "zangezur-militia" and table.match("zm") is None
    assert table.side_of("zangezur-militia") == "armenia"
    assert table.get("zangezur-militia").name == "Zangezur militia"


# --- issue 12: the sources and actors of the Syrian war, descriptions, coreference ------------
@pytest.mark.parametrize("phrase,party", [
    # an institution's full name beats the demonym inside it
    ("the Syrian Observatory for Human Rights", "sohr"), ("SOHR", "sohr"),
    ("Syrian state media", "sana"), ("SANA", "sana"), ("the White Helmets", "white-helmets"),
    ("Free Syrian Army", "syrian-opposition"), ("Jabhat Fateh al-Sham", "nusra"),
    ("Hayat Tahrir al-Sham", "nusra"), ("the YPG", "ypg"), ("US-led coalition", "us-led-coalition"),
    ("Islamic State of Iraq and the Levant", "isis"), ("Hezbollah al-Nujaba", "nujaba"),
])
def test_syrian_war_parties(parties, phrase, party):
    assert parties.match(phrase) == party


def test_descriptions_are_not_names(parties):
    # "~monitor" refers to SOHR only in an article that names it
    assert parties.match("the monitor") is None
    assert parties.match("the Observatory") is None


def test_descriptions_and_short_names_resolve_in_the_article(parties):
    doc = nlp()("The Syrian Observatory for Human Rights counted 12 dead. The Observatory said "
                "more may have died, the monitor added.")
    found = [(m.text, m.party) for m in parties.in_document(doc).find(doc)]
    assert ("Observatory", "sohr") in found and ("monitor", "sohr") in found
    alone = nlp()("The monitor said 12 died.")  # no organisation named: no party
    assert parties.in_document(alone).find(alone) == []


def test_proper_name_heads():
    from geo.parties import proper_name_head

    assert proper_name_head("Syrian Observatory for Human Rights") == "observatory"
    assert proper_name_head("Syria Civil Defence Directorate") == "directorate"
    assert proper_name_head("Army of Islam") is None  # too generic a head
    assert proper_name_head("Rami Abdel Rahman") is None  # a person, not an organisation
