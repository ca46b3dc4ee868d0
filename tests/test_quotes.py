"""Figures inside quotations take the quotation's speaker (geo.events.quotes)."""
import pytest

from geo.events.quotes import quotation_spans
from tests.events_support import casualties


def reporters(text):
    return [(c.count_best, c.reported_by_text) for c in casualties(text)]


@pytest.mark.parametrize("text,spans", [
    ('He said "ten" and “eleven”.', [(9, 12), (19, 25)]),
    ('An unclosed "quote runs on', []),
    ("«Five» dead", [(1, 5)]),
])
def test_quotation_spans(text, spans):
    assert quotation_spans(text) == spans


def test_attribution_after_a_quotation_of_two_sentences():
    text = ('"The toll from the air raids has risen to 42 dead. There are around 20 wounded," '
            'said Rami Abdel Rahman, head of the Syrian Observatory for Human Rights.')
    assert [by for _, by in reporters(text)] == [
        "Rami Abdel Rahman, head of the Syrian Observatory for Human Rights"] * 2


def test_attribution_before_a_quotation():
    text = ('The Russian army said in a statement: "Sixty-two Syrian soldiers were killed. '
            'A hundred others were injured in these strikes."')
    assert reporters(text) == [(62, "The Russian army"), (100, "The Russian army")]


def test_pronoun_and_follow_up_quotation_keep_the_named_speaker():
    text = ('Observatory head Rami Abdel Rahman said "military aircraft" had targeted the '
            'market. "At least 11 people were killed" he said. "There are around 20 wounded '
            'and the toll could rise."')
    assert [by for _, by in reporters(text)] == ["Observatory head Rami Abdel Rahman"] * 2


def test_unattributed_quotation_gives_no_speaker():
    assert reporters('"Five people were killed in the blast."') == [(5, None)]
