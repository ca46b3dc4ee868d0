"""Casualty figures on full-length wire and state-media wording (issue 12, dev error classes):
reporters carried by "said that", report nouns, a counting verb and a continuing sentence;
counts named by designators, hedged ranges, vague "big numbers of them"; gas-attack
injuries; the armed opposition a state's media call "terrorists"."""
from __future__ import annotations

import pytest

from tests.events_support import casualties


def figures(text, date="2016-08-10"):
    return [(c.outcome, c.count_best, c.count_low, c.victim, c.party, c.reported_by)
            for c in casualties(text, date=date)]


# --- who reports -------------------------------------------------------------------------
@pytest.mark.parametrize("text,reporter", [
    # a headline run into the lead: the parse gave "said" the headline's subject
    ("Wednesday 07 December 2016 135 Civilians Killed in Bombardment on Idlib in Last Three "
     "Days Activists in Idlib province said that at least 135 civilians have been killed.",
     "Activists in Idlib province"),
    # a report noun carries the claim: "the claim by X that ..."
    ("World leaders have responded to the claim by activists in the Syrian Revolution General "
     "Commission that at least 640 people were killed in a nerve gas attack.",
     "activists in the Syrian Revolution General Commission"),
    # a plural institution noun speaks, even when the tagger reads its verb as a participle
    ("Unverified reports estimated up to 33 people may have been killed in the strike.",
     "Unverified reports"),
])
def test_reporter_in_the_sentence(text, reporter):
    assert [f[5] for f in figures(text)][-1] == reporter


def test_a_counting_verb_reports_what_it_adds():
    found = figures("The Observatory said 20 were killed. Damascus-based Shaam News Network "
                    "put the number at 60 in addition to six civilians killed in the clashes.")
    assert ("killed", 6, 6, "civilian", None, "Damascus-based Shaam News Network") in found


def test_a_continuing_sentence_keeps_the_source_before():
    found = figures("Nine civilians were killed when terrorists fired rocket shells on the "
                    "neighborhood a source in the northern province said on Monday. The attacks "
                    "left also 20 other civilians injured noting that the shells were fired by "
                    "terrorists.")
    assert found[-1][:2] == ("wounded", 20)
    assert found[-1][5] == "source in the northern province"


@pytest.mark.parametrize("second", [
    # background on the war is the journalist's, not the last source's
    "The conflict in Syria has killed more than 280000 people.",
    # another event
    "Meanwhile two other people were killed in Homs.",
])
def test_no_source_carried_into_background_or_another_event(second):
    found = figures("Nine civilians were killed in the shelling the Observatory said. " + second)
    assert found[-1][5] is None


def test_the_speaker_of_dozens_more_is_no_victim():
    found = figures("Shells hit the neighborhoods of Aleppo killing five people and wounding "
                    "dozens more observers said.")
    assert [(f[0], f[5]) for f in found] == [("killed", "observers"), ("wounded", "observers")]


def test_a_claimed_deed_is_no_report():
    found = figures("The Islamic State group claims the double suicide bomb attack that hit a "
                    "police station in Damascus on Monday killing at least 17 people.")
    assert [(f[1], f[5]) for f in found] == [(17, None)]


# --- counts --------------------------------------------------------------------------------
def test_a_designator_number_is_no_count():
    assert figures('"Al-Nusra captured Base 46" said the director of the Observatory.') == []


def test_a_range_with_a_hedged_upper_end():
    found = figures("Opponents of the government said the attack killed from 500 to well over "
                    "1000 people.")
    assert [(f[0], f[2]) for f in found] == [("killed", 500)]


def test_a_place_taken_for_a_name_is_no_victim():
    found = figures("Al-Nujaba said its attacks on terrorists in Khan Touman have killed 23 "
                    "al-Nusra Front militants.")
    assert [f[1] for f in found] == [23]


@pytest.mark.parametrize("text,outcome,low", [
    ("On Sunday more than 35 people suffered suffocation.", "wounded", 35),
    ("The shells caused suffocation and dyspnea cases for at least 6 civilians.", "wounded", 6),
    ("Shelling hit the city leaving 23 civilians - including nine children - dead.",
     "killed", 23),
    ("The strikes hit the town and more than 90 people might have been wounded.",
     "wounded", 90),
])
def test_outcomes_of_full_reports(text, outcome, low):
    assert [(f[0], f[2]) for f in figures(text)] == [(outcome, low)]


def test_a_number_of_them_refers_to_the_people_before():
    found = figures("Syrian Army units targeted gatherings of terrorists in Latakia killing a "
                    "big number of them.")
    assert [(f[0], f[3]) for f in found] == [("killed", "military")]


# --- the victims' side -------------------------------------------------------------------
def test_terrorists_in_state_media_are_the_armed_opposition():
    found = figures("The source added that a number of terrorists were killed in the "
                    "bombardments near Daraa in Syria.")
    assert [f[4] for f in found] == ["syrian-opposition"]


def test_foreign_strikes_on_militants_name_no_side():
    found = figures("US air strikes killed 50 militants in northern Syria on Tuesday.")
    assert [f[4] for f in found] == [None]


# --- what is news ----------------------------------------------------------------------------
def test_a_named_past_event_in_passing_is_historical():
    found = casualties("The Syrian Coalition denounced the envoy who on Monday blamed France for "
                       "the Ghouta Massacre that claimed the lives of over 1127 civilians.")
    assert [(c.count_best, c.figure_kind) for c in found] == [(1127, "historical")]


def test_an_unnamed_attack_in_a_relative_clause_is_the_news():
    found = casualties("Rebels shelled the town on Monday in an attack that killed 12 civilians.")
    assert [(c.count_best, c.figure_kind) for c in found] == [(12, "incident")]
