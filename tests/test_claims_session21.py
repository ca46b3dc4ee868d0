"""Claims in news text that lost its commas (FA-KES): who speaks when the parse hangs the
speaker elsewhere, the listener of "told", outlets that only relay a source, and the sides a
phrase means without naming them."""
from __future__ import annotations

import pytest

from tests.events_support import claims


def found(text):
    return [(c.claimant, c.stance, c.target) for c in claims(text)]


@pytest.mark.parametrize("text,expected", [
    # "told SANA": the agency hears the claim, it is not what the claim is about; an unnamed
    # state source's "terrorists" are the opposition of the state the story is set in
    ("Fighting raged in Syria on Monday. A military source told SANA that terrorists fired "
     "rocket shells on the city.", [("military source", "claim", "syrian-opposition")]),
    # "the air force" with no name: the home state's
    ("Clashes went on in northern Syria. The Observatory said the air force conducted 60 "
     "strikes on the district.", [("Observatory", "claim", "syria")]),
    # "killed in Russian strikes": the attack names the target, it is no place
    ("Four medics were killed in Russian strikes in Idlib the Observatory said.",
     [("Observatory", "claim", "russia")]),
    # the outlet that relays a quoted source adds no claim of its own
    ("Nine civilians were killed when terrorists fired rocket shells on a neighborhood in "
     "Aleppo city a source in the northern province said on Monday SANA reported.",
     [("source in the northern province", "claim", None)]),
    # "the letter said": the document speaks for the one who issued it
    ("The Syrian Coalition said the regime bombed Aleppo again. The letter said every "
     "hospital in Aleppo had been bombed.",
     [("syrian-opposition", "claim", None), ("syrian-opposition", "claim", None)]),
    # "On Saturday activists reported": the speaker parsed as the object of "on"
    ("On Saturday activists reported a heavy air campaign against the town.",
     [("Saturday activists", "claim", None)]),
    # a passive stance verb: its agent takes the stance
    ("Three suicide bombers killed two people near the police headquarters in an attack "
     "claimed by the Islamic State group.", [("isis", "claim", None)]),
    # ... but what is merely offered by a party is no statement of it
    ("Salaries offered by Islamic State are one of the few sources of income.", []),
    # the relative clause describes the speaker; the parties it names are not his
    ("This cannot be used as a maneuver said Fabius whose country backs strikes against "
     "Syrian forces.", [("Fabius", "statement", None)]),
    # the named member of a group, not the group the parse gave
    ("The assault was a response to government attempts to advance Zakaria Malahifji of the "
     "Aleppo-based Fastaqim opposition group told Reuters.",
     [("Zakaria Malahifji of the Aleppo-based Fastaqim opposition group", "claim", None)]),
])
def test_claims_in_comma_less_news(text, expected):
    assert found(text) == expected


def test_a_lede_restated_is_one_claim():
    text = ("Rockets killed two civilians in Aleppo the Observatory said. Talks stalled in "
            "Geneva. Rockets killed two civilians in Aleppo the Observatory said.")
    assert len(claims(text)) == 1
