"""Reported speech: who says what, and the claims parties make.

``speaker_of(token)`` finds the source of a clause: the subject of a governing speech verb
("Azerbaijani authorities ... say 14 civilians were killed"), "according to X", "a statement
from Moscow said", or a headline's trailing source ("...: prosecutors", "... - JFO HQ").

``find_claims`` turns each stance predicate whose speaker is a party into a ``Claim``: the
stance comes from the predicate's lemma (``STANCE_LEMMAS``), the claimant from its subject,
the content from its complement, the target from the grammatical role the stance gives it
(``_target``: the accused / urged object, the owner of a denied claim, the subject of the
claimed clause), else the first other party named in the content. Sentences with no party
speaking (the reporter's background) yield nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from spacy.tokens import Doc, Span, Token

from geo.records import Claim

STANCE_LEMMAS: dict[str, str] = {
    # denial
    "deny": "denial", "reject": "denial", "dismiss": "denial", "refute": "denial",
    "rebuff": "denial", "disavow": "denial",
    # accusation
    "accuse": "accusation", "blame": "accusation", "condemn": "accusation",
    "denounce": "accusation",
    # demand
    "demand": "demand",
    # call: "call" itself needs "on"/"for"/"upon" (see _is_call)
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
# "Armenia is furious at Turkey's involvement": an angry adjective with "at/with/over" accuses.
ANGER_ADJECTIVES = {"furious", "angry", "outraged", "indignant", "incensed"}
# A speaker's stance outranks its plain statements when one sentence holds several predicates.
STANCE_RANK = {"denial": 6, "accusation": 5, "demand": 4, "call": 3, "claim": 2, "statement": 1}
PRONOUNS = {"it", "they", "he", "she", "we", "i", "this", "that"}
# Objects of a denial that point back at an earlier claim.
ANAPHORIC_OBJECTS = {"it", "this", "that", "claim", "claims", "report", "reports", "allegation",
                     "allegations", "accusation", "accusations"}
CONTENT_DEPS = {"ccomp", "xcomp", "dobj", "prep", "parataxis", "advcl", "dative", "attr"}


@dataclass
class Speaker:
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


def _inside(token: Optional[Token], sent: Optional[Span]) -> bool:
    return token is not None and (sent is None or sent.start <= token.i < sent.end)


def _subject(verb: Token, sent: Optional[Span] = None) -> Optional[Token]:
    """The subject of a verb, inherited through conjunction and participle clauses.

    With ``sent`` (a content sentence, possibly cut at a line break the parser ran across),
    only a subject inside it counts; a verb whose parse subject lies outside takes the noun
    phrase that opens the sentence right before it ("...Horlivka\nRussia accused ...").
    """
    seen = 0
    start = verb
    while verb is not None and seen < 4 and _inside(verb, sent):
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass") and _inside(child, sent):
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
            and not _inside(before[-1].head, sent):
        return before[-1]
    return None


def _phrase(token: Token, sent: Optional[Span] = None) -> Span:
    """The subject's phrase without relative clauses or trailing punctuation (inside ``sent``)."""
    tokens = [t for t in token.subtree if (t.dep_ not in ("relcl", "punct") or t is token)
              and not t.is_space and _inside(t, sent)]
    if sent is not None and token.i > sent.start and not _inside(token.head, sent):
        # an orphan subject: the sentence's opening noun phrase
        tokens += [t for t in token.doc[sent.start:token.i] if not t.is_space]
    start = min(t.i for t in tokens)
    end = max(t.i for t in tokens) + 1
    return token.doc[start:end]


LOCATIVE = {"in", "near", "at", "on", "inside", "across", "outside", "around"}
WHERE = {"in", "near", "inside", "across", "outside", "around", "throughout"}


def _speaker_from(subject: Token, parties, sent: Optional[Span] = None) -> Speaker:
    span = _phrase(subject, sent)
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
                    if pobj.dep_ == "pobj" and _inside(pobj, sent):
                        return _speaker_from(pobj, parties, sent)
            nxt = token.nbor(1) if token.i + 2 < len(token.doc) else None
            if nxt is not None and nxt.lower_ == "to" and _inside(nxt.nbor(1), sent):
                return _speaker_from(nxt.nbor(1), parties, sent)
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
        if not _inside(anc, sent):  # a parse arc over a line break
            continue
        if anc.lemma_ in STANCE_LEMMAS and anc.pos_ in ("VERB", "AUX"):
            # "civilian reported killed": a bare participle introduces no speaker
            if anc.tag_ == "VBN" and not any(c.dep_ == "aux" for c in anc.children):
                continue
            if passive_report(anc):  # "Six troops reported killed"
                continue
            subject = _subject(anc, sent)
            # the victims are no speaker ("Nine troops killed ..., says DPR's spokesman")
            if subject is not None and token in subject.subtree:
                continue
            if subject is not None:
                return _resolve_pronoun(_speaker_from(subject, parties, sent), previous)
    # "..., the ministry said": the speech verb hangs off the root as parataxis.
    root = sent.root
    for child in root.children:
        if child.dep_ in ("parataxis", "advcl") and child.lemma_ in STANCE_LEMMAS \
                and child.i > token.i and _inside(child, sent):
            subject = _subject(child, sent)
            if subject is not None:
                return _resolve_pronoun(_speaker_from(subject, parties, sent), previous)
    return according_to(sent, parties) or headline_source(sent, parties)


def _resolve_pronoun(speaker: Speaker, previous: Optional[Speaker]) -> Speaker:
    if speaker.text.lower() in PRONOUNS and previous is not None:
        return Speaker(previous.party, previous.text, speaker.start, speaker.end)
    return speaker


# --- claims --------------------------------------------------------------------------------

def _stance(token: Token) -> Optional[str]:
    if token.pos_ == "ADJ" and token.lower_ in ANGER_ADJECTIVES:
        # the "at" phrase may hang off the adjective or off its copula
        holders = [token, token.head] if token.dep_ == "acomp" else [token]
        return "accusation" if any(c.dep_ == "prep" and c.lower_ in ("at", "with", "over")
                                   for h in holders for c in h.children) else None
    if token.pos_ not in ("VERB",):
        return None
    stance = STANCE_LEMMAS.get(token.lemma_)
    if stance and passive_report(token):
        return None  # "Two soldiers reported killed": nobody speaks
    if stance == "call" and token.lemma_ == "call":
        if not any(c.lower_ in ("on", "for", "upon") for c in token.children):
            return None
    if stance and any(c.dep_ == "neg" for c in token.children) and stance != "denial":
        return None  # "did not say" is no statement
    return stance


def _content(pred: Token) -> list[Token]:
    """The claimed content: the predicate's complements. A prepositional phrase or adverbial
    clause before the predicate is the occasion ("After talks with Turkey's minister, Lavrov
    accused Kyiv ..."), not what is said; a quote before it ("“...,” Moscow said") is."""
    tokens: list[Token] = []
    children = list(pred.children)
    if pred.pos_ == "ADJ" and pred.dep_ == "acomp":  # "is furious at X": X hangs off "is"
        children += [c for c in pred.head.children if c.dep_ == "prep" and c.i > pred.i]
    for child in children:
        if child.dep_ in ("prep", "advcl") and child.i < pred.i:
            continue
        if child.dep_ in CONTENT_DEPS:
            tokens.extend(child.subtree)
    return sorted(tokens, key=lambda t: t.i)


# Where the target sits, by stance: the one accused/blamed/urged is the predicate's object;
# what a claim or statement is about is the subject of its content's main verb.
OBJECT_FIRST = {"accusation", "call", "demand"}
CLAIM_NOUN_SOURCES = {"poss", "amod", "compound", "nmod"}


def _target(pred: Token, stance: str, content: list[Token], claimant: Optional[str],
            parties, previous_claimant: Optional[str]) -> Optional[str]:
    """The party a claim is about or addressed to.

    Tried in order, each time the first party of another side named there (a place where
    something happened, "in eastern Ukraine", never counts):

    * accusation / call / demand: the predicate's object ("X accused Y of", "X blamed Y
      for", "X urged Y to", "X called on Y to"), then the subject of the demanded clause
      ("demands that Y withdraw");
    * denial: whose claim is denied ("Y denied X's claims", "rejected accusations by X");
      a denial of "it" / "the claim" with no owner answers the previous claimant;
    * claim / statement: the subject of the content's main verb ("said Kyiv had violated
      the truce"), then its object or agent;
    * else the first other party named anywhere in the content.
    """
    own_side = parties.side_of(claimant) if claimant else None
    doc = pred.doc
    # a place where something happened ("troops were in eastern Ukraine") is not the target
    where = {t.i for t in content if t.dep_ == "prep" and t.lower_ in WHERE
             for t in t.subtree}
    inside = {t.i for t in content} - where

    def party_in(tokens) -> Optional[str]:
        idx = sorted({t.i for t in tokens} & inside)
        if not idx:
            return None
        for mention in parties.find(doc[idx[0]:idx[-1] + 1]):
            if not all(i in idx for i in range(mention.token_start, mention.token_end)):
                continue
            if mention.party != claimant and parties.side_of(mention.party) != own_side:
                return mention.party
        return None

    def subtree_without_clauses(tok: Token) -> list[Token]:
        """A noun phrase without its relative/complement clauses ("claims that ...")."""
        skip = {t.i for c in tok.children if c.dep_ in ("acl", "relcl", "ccomp")
                for t in c.subtree}
        return [t for t in tok.subtree if t.i not in skip]

    objects = [c for c in pred.children if c.dep_ in ("dobj", "dative")]
    clauses = [c for c in pred.children if c.dep_ in ("ccomp", "xcomp") and c.i > pred.i]
    if stance == "denial":
        obj = next((c for c in pred.children if c.dep_ in ("dobj", "ccomp")), None)
        if obj is None or obj.lower_ in ANAPHORIC_OBJECTS:
            owner = None
            if obj is not None:  # "X's claims", "claims by X", "Armenian allegations"
                owner = party_in([t for c in obj.children
                                  if c.dep_ in CLAIM_NOUN_SOURCES or (
                                      c.dep_ == "prep" and c.lower_ in ("by", "from", "of"))
                                  for t in c.subtree])
            if owner is not None:
                return owner
            if obj is None or not any(c.dep_ in ("acl", "relcl", "ccomp")
                                      for c in obj.children):
                return previous_claimant if previous_claimant != claimant else None
    if not content:
        return None
    candidates: list[list[Token]] = []
    if stance in OBJECT_FIRST:
        candidates += [subtree_without_clauses(o) for o in objects]
        candidates += [list(p.subtree) for p in pred.children
                       if p.dep_ == "prep" and p.lower_ in ("on", "upon") and p.i > pred.i]
    for clause in clauses:
        candidates += [list(c.subtree) for c in clause.children
                       if c.dep_ in ("nsubj", "nsubjpass")]
        candidates += [list(c.subtree) for c in clause.children
                       if c.dep_ in ("dobj", "agent")]
    if stance not in OBJECT_FIRST:
        candidates += [subtree_without_clauses(o) for o in objects]
    for tokens in candidates:
        party = party_in(tokens)
        if party is not None:
            return party
    return party_in(content)


def find_claims(doc: Doc, sentences: list[Span], parties, article_date: Optional[str] = None,
                place_for=None, date_for=None) -> list[Claim]:
    """Claims from the given (non-boilerplate) sentences, one per speaking party per sentence.

    ``place_for(start, end, sent)`` -> (name, lat, lon) and ``date_for(token, sent)`` -> date are
    supplied by the caller (geo.events.extract) so claims and casualties place and date alike.
    """
    claims: list[Claim] = []
    previous: Optional[Speaker] = None
    previous_claimant: Optional[str] = None
    for sent in sentences:
        by_claimant: dict[str, tuple[int, Claim, Token]] = {}
        # co-speakers ("Putin and Macron are calling ..., a statement said") are no targets
        speaking = {t.i for pred in sent if _stance(pred) for subj in [_subject(pred, sent)]
                    if subj is not None for t in _phrase(subj, sent)}
        for pred in sent:
            stance = _stance(pred)
            if stance is None:
                continue
            subject = _subject(pred, sent)
            if pred.pos_ == "ADJ" and subject is None and pred.head.pos_ == "AUX":
                subject = _subject(pred.head, sent)
            if subject is None and pred.head.lower_ == "statement" and _inside(pred.head, sent):
                subject = pred.head
            if subject is None:
                continue
            speaker = _resolve_pronoun(_speaker_from(subject, parties, sent), previous)
            if speaker.party is None:
                continue  # not a party speaking: the reporter's own background or a wire agency
            content = [t for t in _content(pred) if t.i not in speaking and _inside(t, sent)]
            target = _target(pred, stance, content, speaker.party, parties, previous_claimant)
            # the parse may run past a cut sentence (title line, ad marker): clip to it
            tokens = [t for t in [*subject.subtree, *_phrase(subject, sent), pred, *content]
                      if not t.is_space and sent.start <= t.i < sent.end]
            start_tok = min(t.i for t in tokens)
            end_tok = max(t.i for t in tokens) + 1
            while end_tok - 1 > start_tok and doc[end_tok - 1].is_punct:
                end_tok -= 1
            span = doc[start_tok:end_tok]
            inner = [t for t in content if sent.start <= t.i < sent.end]
            text = doc[inner[0].i:inner[-1].i + 1].text if inner else sent.text.strip()
            place = place_for(span.start_char, span.end_char, sent) if place_for else (None,) * 3
            claim = Claim(claimant=speaker.party, stance=stance, target=target, text=text,
                          start=span.start_char, end=span.end_char, place=place[0],
                          lat=place[1], lon=place[2],
                          date=date_for(pred, sent) if date_for else article_date,
                          sentence=sent.text.strip(), sentence_start=sent.start_char)
            rank = STANCE_RANK[stance]
            old = by_claimant.get(speaker.party)
            if old is None:
                by_claimant[speaker.party] = (rank, claim, pred)
            else:
                merged = _merge(old[1], claim, rank > old[0])
                by_claimant[speaker.party] = (max(rank, old[0]), merged, pred)
            previous = speaker
        for _, claim, _ in by_claimant.values():
            claims.append(claim)
            previous_claimant = claim.claimant
    return claims


def _merge(old: Claim, new: Claim, new_wins: bool) -> Claim:
    """Two predicates of one speaker in one sentence make one claim, with the stronger stance."""
    keep, other = (new, old) if new_wins else (old, new)
    keep.start, keep.end = min(old.start, new.start), max(old.end, new.end)
    keep.target = keep.target or other.target
    if other.text not in keep.text and keep.text not in other.text:
        first, second = sorted((old, new), key=lambda c: c.start)
        keep.text = f"{first.text} … {second.text}"
    elif len(other.text) > len(keep.text):
        keep.text = other.text
    return keep
