"""Who says it: the speaker of a clause and the parties speakers name.

``speaker_of(token)`` finds the source of a clause: the subject of a governing speech verb
("Azerbaijani authorities ... say 14 civilians were killed"), "according to X", "a statement
from Moscow said", or a headline's trailing source ("...: prosecutors", "... - JFO HQ").
Speech verbs and the stance each expresses are ``STANCE_LEMMAS``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from spacy.tokens import Span, Token

STANCE_LEMMAS: dict[str, str] = {
    # denial
    "deny": "denial", "reject": "denial", "dismiss": "denial", "refute": "denial",
    "rebuff": "denial", "disavow": "denial",
    # accusation
    "accuse": "accusation", "blame": "accusation", "condemn": "accusation",
    "denounce": "accusation",
    # demand
    "demand": "demand",
    # call: "call" itself needs "on"/"for"/"upon" (see geo.events.claims)
    "call": "call", "urge": "call", "appeal": "call", "implore": "call",
    # claim
    "claim": "claim", "allege": "claim", "assert": "claim", "insist": "claim", "contend": "claim",
    # statement
    "say": "statement", "state": "statement", "announce": "statement", "declare": "statement",
    "report": "statement", "tell": "statement", "warn": "statement", "add": "statement",
    "confirm": "statement", "stress": "statement", "offer": "statement",
    "propose": "statement", "invite": "statement", "vow": "statement", "threaten": "statement",
    "write": "statement",
}
PRONOUNS = {"it", "they", "he", "she", "we", "i", "this", "that"}


@dataclass
class Speaker:
    """Who reports a clause: the phrase as written, and the party it names if any."""
    party: Optional[str]  # party id, when the speaker names one
    text: str  # the speaker phrase as written
    start: int  # token span
    end: int

    @property
    def label(self) -> Optional[str]:
        """Party id if known, else the phrase without its determiner ("AP news agency")."""
        if self.party:
            return self.party
        words = self.text.split()
        if words and words[0].lower() in ("the", "a", "an"):
            words = words[1:]
        return " ".join(words) or None


def passive_report(verb: Token) -> bool:
    """"Six troops reported killed", "13 reported dead": the subject is what is reported,
    not who reports (a headline's "were reported killed"): the speech verb is followed at
    once by a participle or adjective complement with no subject of its own."""
    if verb.i + 1 >= len(verb.doc) or verb.tag_ not in ("VBD", "VBN"):
        return False
    nxt = verb.doc[verb.i + 1]
    return nxt.head.i == verb.i and nxt.dep_ in ("ccomp", "xcomp", "oprd", "acomp", "conj") \
        and nxt.tag_ in ("VBN", "JJ") and not any(c.dep_ in ("nsubj", "nsubjpass", "mark")
                                                  for c in nxt.children)


def in_sentence(token: Optional[Token], sent: Optional[Span]) -> bool:
    """Whether ``token`` lies inside ``sent`` (any token does when there is no ``sent``)."""
    return token is not None and (sent is None or sent.start <= token.i < sent.end)


def subject_of(verb: Token, sent: Optional[Span] = None) -> Optional[Token]:
    """The subject of a verb, inherited through conjunction and participle clauses.

    With ``sent`` (a content sentence, possibly cut at a line break the parser ran across),
    only a subject inside it counts; a verb whose parse subject lies outside takes the noun
    phrase that opens the sentence right before it ("...Horlivka\nRussia accused ...").
    """
    seen = 0
    start = verb
    while verb is not None and seen < 4 and in_sentence(verb, sent):
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass") and in_sentence(child, sent):
                return child
        if verb.dep_ in ("conj", "advcl", "xcomp") and verb.head is not verb:
            verb = verb.head
            seen += 1
            continue
        break
    if sent is None or start.i <= sent.start:
        return None
    before = [t for t in start.doc[sent.start:start.i] if not t.is_space]
    if before and all(t.pos_ in ("PROPN", "NOUN", "DET", "ADJ") or t.text in ("'s", "’s")
                      for t in before) and before[-1].pos_ in ("PROPN", "NOUN") \
            and not in_sentence(before[-1].head, sent):
        return before[-1]
    return None


def subject_phrase(token: Token, sent: Optional[Span] = None) -> Span:
    """The subject's phrase without relative clauses or trailing punctuation (inside ``sent``)."""
    tokens = [t for t in token.subtree if (t.dep_ not in ("relcl", "punct") or t is token)
              and not t.is_space and in_sentence(t, sent)]
    if sent is not None and token.i > sent.start and not in_sentence(token.head, sent):
        # an orphan subject: the sentence's opening noun phrase
        tokens += [t for t in token.doc[sent.start:token.i] if not t.is_space]
    start = min(t.i for t in tokens)
    end = max(t.i for t in tokens) + 1
    return token.doc[start:end]


LOCATIVE = {"in", "near", "at", "on", "inside", "across", "outside", "around"}


def speaker_from(subject: Token, parties, sent: Optional[Span] = None) -> Speaker:
    span = subject_phrase(subject, sent)
    # "Rebels in Ukraine say": the place is not the speaker's party
    skip = {t.i for c in subject.children if c.dep_ == "prep" and c.lower_ in LOCATIVE
            for t in c.subtree}
    mentions = [m for m in (parties.find(span) if parties is not None else [])
                if m.token_start not in skip]
    party = mentions[0].party if mentions else None
    return Speaker(party, span.text, span.start, span.end)


def according_to(sent: Span, parties) -> Optional[Speaker]:
    for token in sent:
        if token.lower_ == "according":
            for to in token.children:
                for pobj in to.children:
                    if pobj.dep_ == "pobj" and in_sentence(pobj, sent):
                        return speaker_from(pobj, parties, sent)
            nxt = token.nbor(1) if token.i + 2 < len(token.doc) else None
            if nxt is not None and nxt.lower_ == "to" and in_sentence(nxt.nbor(1), sent):
                return speaker_from(nxt.nbor(1), parties, sent)
    return None


def headline_source(sent: Span, parties) -> Optional[Speaker]:
    """A trailing source after ":" or " - " ("...: official", "... - JFO HQ")."""
    tokens = [t for t in sent if not t.is_space]
    for i in range(len(tokens) - 1, max(len(tokens) - 7, 0), -1):
        tok = tokens[i]
        if tok.text in (":", "-", "–", "—") and (tok.text == ":" or tok.whitespace_):
            tail = tokens[i + 1:]
            tail = [t for t in tail if not t.is_punct]
            if 0 < len(tail) <= 5 and any(t.pos_ in ("NOUN", "PROPN") for t in tail) \
                    and not any(t.pos_ == "VERB" and t.tag_ != "VBN" for t in tail):
                span = sent.doc[tail[0].i:tail[-1].i + 1]
                mentions = parties.find(span) if parties is not None else []
                return Speaker(mentions[0].party if mentions else None, span.text,
                               span.start, span.end)
            return None
    return None


def speaker_of(token: Token, parties, previous: Optional[Speaker] = None,
               sent: Optional[Span] = None) -> Optional[Speaker]:
    """Who reports the clause that ``token`` is in; ``previous`` resolves "it"/"they".

    ``sent`` is the content sentence (``geo.events.extract.content_sentences``): the speaker is
    looked for inside it only, never across a line break the parser ran over.
    """
    sent = sent if sent is not None else token.sent
    for anc in token.ancestors:
        if not in_sentence(anc, sent):  # a parse arc over a line break
            continue
        if anc.lemma_ in STANCE_LEMMAS and anc.pos_ in ("VERB", "AUX"):
            # "civilian reported killed": a bare participle introduces no speaker
            if anc.tag_ == "VBN" and not any(c.dep_ == "aux" for c in anc.children):
                continue
            if passive_report(anc):  # "Six troops reported killed"
                continue
            subject = subject_of(anc, sent)
            # the victims are no speaker ("Nine troops killed ..., says DPR's spokesman")
            if subject is not None and token in subject.subtree:
                continue
            if subject is not None:
                return resolve_pronoun(speaker_from(subject, parties, sent), previous)
    # "..., the ministry said": the speech verb hangs off the root as parataxis.
    root = sent.root
    for child in root.children:
        if child.dep_ in ("parataxis", "advcl") and child.lemma_ in STANCE_LEMMAS \
                and child.i > token.i and in_sentence(child, sent):
            subject = subject_of(child, sent)
            if subject is not None:
                return resolve_pronoun(speaker_from(subject, parties, sent), previous)
    return according_to(sent, parties) or headline_source(sent, parties)


def resolve_pronoun(speaker: Speaker, previous: Optional[Speaker]) -> Speaker:
    if speaker.text.lower() in PRONOUNS and previous is not None:
        return Speaker(previous.party, previous.text, speaker.start, speaker.end)
    return speaker
