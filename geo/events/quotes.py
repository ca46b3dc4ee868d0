"""Quotations and who speaks them: a figure inside a quotation whose own sentence names no
speaker is reported by the one the quotation is attributed to, before it ('X said: "...')
or after it ('..." said X', '..." he told Reuters'), though the quotation runs over several
sentences.

Who speaks a claim (``speaking_for``, ``trailing_speaker``, ``misparsed_subject``,
``passive_agent``): the speaker phrase the parse gives, mended where news text loses its
commas, and reduced to the actor who speaks (``claimant_of``)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from spacy.tokens import Doc, Span, Token

from geo.nlp import doc_text
from geo.events.speakers import (STANCE_LEMMAS, TAIL_WORDS, Speaker, actor_or_none,
                                 in_sentence, speaker_from, subject_of, trailing_source)
from geo.events.victims import phrase_party

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
    for start, end in quotation_spans(doc_text(doc)):
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


# --- who speaks a claim -------------------------------------------------------------------

def speaker_antecedent(speaker: Speaker, doc: Doc, earlier: list[Speaker]) -> Speaker:
    """"The group said", "the source added": a definite description with no name points back
    to the latest speaker whose phrase has the same head ("the Islamic State group", "a
    military source"), whose party and words it takes."""
    span = doc[speaker.start:speaker.end]
    if speaker.party is not None or not 2 <= len(span) <= 3 or span[0].lower_ != "the" \
            or any(t.pos_ == "PROPN" for t in span):
        return speaker
    head = span[-1].lemma_.lower()
    for old in reversed(earlier):
        words = doc[old.start:old.end]
        if old.text != speaker.text and any(t.lemma_.lower() == head for t in words):
            return Speaker(old.party, old.text, speaker.start, speaker.end)
    return speaker


def misparsed_subject(pred: Token, sent: Span) -> Optional[Token]:
    """The speaker the parse hung elsewhere when commas are lost: "On Saturday activists
    reported ..." (the object of the opening "on"), "Aleppo A military source announced
    that ..." (the verb made a modifier of its own subject)."""
    if pred.i == sent.start:
        return None
    left = pred.doc[pred.i - 1]
    if left.pos_ in ("NOUN", "PROPN") and left.dep_ == "pobj" and left.head.head.i == pred.i \
            and left.head.i < left.i and in_sentence(left.head, sent):
        return left
    if pred.dep_ == "acl" and pred.head.i < pred.i and pred.head.pos_ in ("NOUN", "PROPN") \
            and pred.tag_ == "VBD" and any(c.dep_ == "ccomp" for c in pred.children):
        return pred.head
    return None


def passive_agent(pred: Token, sent: Span) -> Optional[Token]:
    """"an attack claimed by the Islamic State group", "the raid was condemned by Ankara":
    the agent of a passive stance verb is who takes that stance."""
    if pred.tag_ != "VBN" or not (pred.dep_ == "acl" or any(c.dep_ == "auxpass"
                                                             for c in pred.children)):
        return None
    return next((o for c in pred.children if c.dep_ == "agent" for o in c.children
                 if o.dep_ == "pobj" and in_sentence(o, sent)), None)


def without_relative(speaker: Speaker, doc: Doc, parties) -> Speaker:
    """"said Fabius whose country backs strikes against Syrian forces": the relative clause
    describes the speaker; the parties it names are not the speaker's."""
    span = doc[speaker.start:speaker.end]
    cut = min((t.left_edge.i for t in span if t.dep_ in ("relcl", "acl")
               and span.start <= t.head.i < span.end and t.left_edge.i > span.start),
              default=None)
    if cut is None:
        return speaker
    while cut > span.start + 1 and doc[cut - 1].is_punct:
        cut -= 1
    kept = doc[span.start:cut]
    return Speaker(phrase_party(kept, kept.root, parties), kept.text, kept.start, kept.end)


def named_member(speaker: Speaker, doc: Doc, parties) -> Speaker:
    """"Zakaria Malahifji of the Fastaqim group told Reuters": the parse may give the group;
    the speaker is the named person of it (the party, if any, stays the group's)."""
    span = doc[speaker.start:speaker.end]
    root = span.root
    if root.dep_ != "pobj" or root.head.lower_ != "of" or root.head.head.pos_ != "PROPN" \
            or root.head.head.i >= span.start:
        return speaker
    name = root.head.head
    start = min(t.i for t in name.subtree if t.i <= name.i)
    phrase = doc[start:span.end]
    party = speaker.party or phrase_party(phrase, name, parties)
    return Speaker(party, phrase.text, phrase.start, phrase.end)


# "The letter said", "the statement added": a document speaks for whoever issued it.
DOCUMENT_NOUNS = {"statement", "letter", "communique", "communiqué", "message", "declaration",
                  "release", "memo", "note"}


def document_author(speaker: Speaker, doc: Doc, previous: Optional[Speaker]) -> Speaker:
    """A document with no issuer named ("the letter said") is the latest speaker's, when that
    one was a party or a named actor; a document of its own ("a UN statement") keeps its."""
    span = doc[speaker.start:speaker.end]
    if speaker.party is not None or previous is None or not len(span) \
            or span.root.lemma_.lower() not in DOCUMENT_NOUNS \
            or any(t.pos_ == "PROPN" for t in span):
        return speaker
    return Speaker(previous.party, previous.text, speaker.start, speaker.end)


def trailing_speaker(pred: Token, sent: Span, parties) -> Optional[Speaker]:
    """The source of a sentence-final speech verb whose commas were lost ("Russian strikes
    killed 14 civilians the Syrian Observatory said on Friday", "... state media said"): the
    parse takes the content's subject for the speaker; ``trailing_source`` finds the noun
    phrase next to the verb (right before it, or right after it: "said the Observatory")."""
    speaker = trailing_source(sent, parties, sent.start - 1)
    if speaker is None or (pred.tag_ == "VBG" and pred.lower_ != "adding"):
        return None  # (not "dismisses the Observatory's reporting")
    if speaker.start > pred.i and (
            any(c.dep_ == "nsubj" and c.i < pred.i for c in pred.children)
            or any(t.dep_ == "dobj" and t.head.i == pred.i
                   for t in sent.doc[speaker.start:speaker.end])):
        return None  # "Russia dismisses the Observatory's reports": the object is no source
    doc = sent.doc
    if speaker.end <= pred.i:
        between = doc[speaker.end:pred.i]
        ok = all(t.dep_ in ("aux", "auxpass", "advmod", "punct") for t in between)
    else:
        between = doc[pred.i + 1:speaker.start]
        ok = all(t.lower_ in TAIL_WORDS or t.is_punct for t in between)
    return speaker if ok else None


# Commentators judge, they claim nothing for a side ("Analysts say the conflict could spread").
NAME_MARKS = {"-", "'", "’", "'s", "’s", ".", "&", "(", ")", ","}
COMMENTATORS = {"analyst", "expert", "commentator", "critic", "scholar", "historian"}


def claimant_of(speaker: Speaker, pred: Token, sent: Span) -> Optional[Speaker]:
    """Who claims: a party, else an actor that is no party (``actor_or_none``: an outlet, an
    institution, a person by name or role: "activists", "a military source", "Rami Abdel
    Rahman"), never a bare commentator nor the outlet that "writes" the article."""
    subject = sent.doc[speaker.start:speaker.end]
    if any(t.lower_ in ("no", "nobody", "none") and t.dep_ in ("det", "nsubj") for t in subject):
        return None  # "No group has claimed responsibility": nobody speaks
    if speaker.party is not None:
        return speaker
    actor = actor_or_none(speaker, sent)
    if actor is None or pred.lemma_ == "write":
        return None
    if not all(t.is_alpha or t.text in NAME_MARKS or t.text.replace("-", "").isalnum()
               or t.text.rstrip(".").isalpha()  # "William G. Clouse Jr."
               for t in sent.doc[actor.start:actor.end]):
        return None  # a name is words, never markup or a URL ("Officials in </script> ...")
    span = sent.doc[actor.start:actor.end]
    if span.root.lemma_.lower() in COMMENTATORS and not any(t.pos_ == "PROPN" for t in span):
        return None
    return actor




def speaking_for(found: Speaker, pred: Token, sent: Span, parties, earlier: list[Speaker],
                 previous: Optional[Speaker]) -> Optional[Speaker]:
    """The claimant of a speech predicate from the speaker phrase the parse gave: without a
    relative clause, the named member of a group, the antecedent of "the group", the issuer
    of "the letter"; None when nobody speaks (``claimant_of``)."""
    doc = sent.doc
    found = named_member(without_relative(found, doc, parties), doc, parties)
    return claimant_of(document_author(speaker_antecedent(found, doc, earlier), doc, previous),
                       pred, sent)
