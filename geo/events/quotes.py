"""Quotations and who speaks them: a figure inside a quotation whose own sentence names no
speaker is reported by the one the quotation is attributed to, before it ('X said: "...')
or after it ('..." said X', '..." he told Reuters'), though the quotation runs over several
sentences."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from spacy.tokens import Doc

from geo.events.speakers import (STANCE_LEMMAS, Speaker, actor_or_none, speaker_from,
                                 subject_of, trailing_source)

OPENING = {"“": "”", "«": "»", '"': '"'}
# a quotation longer than this is a lost closing mark, not a quotation
MAX_QUOTE_CHARS = 3000
# an unattributed quotation this close after an attributed one is the same speaker's
FOLLOW_UP_CHARS = 40
ATTRIBUTION_PRONOUNS = {"he", "she", "they"}


@dataclass
class Quotation:
    start: int  # character offsets of the quoted text, marks excluded
    end: int
    speaker: Speaker


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the quoted passages (curly, guillemet or straight marks)."""
    spans, i = [], 0
    while i < len(text):
        close = OPENING.get(text[i])
        if close is None:
            i += 1
            continue
        j = text.find(close, i + 1)
        if j == -1 or j - i > MAX_QUOTE_CHARS:
            i += 1
            continue
        spans.append((i + 1, j))
        i = j + 1
    return spans


def _speech_verb_near(doc: Doc, lo: int, hi: int):
    return next((t for t in doc[lo:hi] if t.lemma_ in STANCE_LEMMAS
                 and STANCE_LEMMAS[t.lemma_] in ("statement", "claim")
                 and t.pos_ in ("VERB", "AUX")), None)


def quotations(doc: Doc, parties) -> list[Quotation]:
    """The quotations of ``doc`` with the speaker they are attributed to (when one is)."""
    found: list[Quotation] = []
    last: Optional[Quotation] = None
    for start, end in quotation_spans(doc.text):
        close = doc.char_span(end, end + 1, alignment_mode="expand")
        opening = doc.char_span(start - 1, start, alignment_mode="expand")
        if close is None or opening is None:
            continue
        speaker = None
        # after it: '..." said Rami Abdel Rahman', '..." he told Reuters'
        after = close.end
        sent = doc[after - 1].sent
        verb = _speech_verb_near(doc, after, min(after + 6, sent.end))
        if verb is not None:
            speaker = trailing_source(sent, parties, after - 1)
            subject = subject_of(verb, sent) if speaker is None else None
            if subject is not None and subject.lower_ in ATTRIBUTION_PRONOUNS:
                # '"..." he said' after a quotation of a named speaker: the same speaker
                speaker = last.speaker if last is not None else None
            elif subject is not None and subject.i >= after:
                speaker = actor_or_none(speaker_from(subject, parties, sent), sent)
        # before it: 'the Observatory said: "...'
        if speaker is None:
            first = opening.start
            sent = doc[first].sent
            verb = _speech_verb_near(doc, max(sent.start, first - 8), first)
            if verb is not None:
                subject = subject_of(verb, sent)
                if subject is not None and subject.i < first:
                    speaker = actor_or_none(speaker_from(subject, parties, sent), sent)
        if speaker is None and last is not None and start - last.end <= FOLLOW_UP_CHARS:
            # a quotation right after an attributed one goes on in the same voice
            speaker = last.speaker
        if speaker is not None:
            last = Quotation(start, end, speaker)
            found.append(last)
    return found


def quoted_speaker(quotes: list[Quotation], start: int, end: int) -> Optional[Speaker]:
    """The speaker of the quotation that holds the characters ``start:end``, if any."""
    return next((q.speaker for q in quotes if q.start <= start and end <= q.end), None)
