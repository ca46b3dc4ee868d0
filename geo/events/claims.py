"""Claims: what parties say about each other.

``find_claims`` turns each stance predicate whose speaker (``geo.events.speakers``) is a party
into a ``Claim``: the stance comes from the predicate's lemma (``STANCE_LEMMAS``), the
claimant from its subject, the content from its complement, the target from the grammatical
role the stance gives it (``_target``: the accused / urged object, the owner of a denied
claim, the subject of the claimed clause), else the first other party named in the content.
Sentences with no party speaking (the reporter's background) yield nothing.
"""
from __future__ import annotations

from typing import Optional

from spacy.tokens import Doc, Span, Token

from geo.events.speakers import (STANCE_LEMMAS, Speaker, in_sentence, passive_report,
                                 resolve_pronoun, speaker_from, subject_of, subject_phrase)
from geo.nlp import subtree
from geo.records import Claim

# "Armenia is furious at Turkey's involvement": an angry adjective with "at/with/over" accuses.
ANGER_ADJECTIVES = {"furious", "angry", "outraged", "indignant", "incensed"}
# A speaker's stance outranks its plain statements when one sentence holds several predicates.
STANCE_RANK = {"denial": 6, "accusation": 5, "demand": 4, "call": 3, "claim": 2, "statement": 1}
# Objects of a denial that point back at an earlier claim.
ANAPHORIC_OBJECTS = {"it", "this", "that", "claim", "claims", "report", "reports", "allegation",
                     "allegations", "accusation", "accusations"}
CONTENT_DEPS = {"ccomp", "xcomp", "dobj", "prep", "parataxis", "advcl", "dative", "attr"}
WHERE = {"in", "near", "inside", "across", "outside", "around", "throughout"}


def _stance(token: Token) -> Optional[str]:
    if token.pos_ == "ADJ" and token.lower_ in ANGER_ADJECTIVES:
        # the "at" phrase may hang off the adjective or off its copula
        holders = [token, token.head] if token.dep_ == "acomp" else [token]
        return "accusation" if any(c.dep_ == "prep" and c.lower_ in ("at", "with", "over")
                                   for h in holders for c in h.children) else None
    if token.pos_ not in ("VERB",):
        return None
    stance = STANCE_LEMMAS.get(token.lemma_)
    if token.lemma_ == "claim" and any(c.dep_ == "dobj" and c.lemma_ == "life"
                                       for c in token.children):
        return None  # "fire has claimed 21 lives": a toll, nobody speaks
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
            tokens.extend(subtree(child))
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
             for t in subtree(t)}
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
                for t in subtree(c)}
        return [t for t in subtree(tok) if t.i not in skip]

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
                                  for t in subtree(c)])
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
        candidates += [list(subtree(p)) for p in pred.children
                       if p.dep_ == "prep" and p.lower_ in ("on", "upon") and p.i > pred.i]
    for clause in clauses:
        candidates += [list(subtree(c)) for c in clause.children
                       if c.dep_ in ("nsubj", "nsubjpass")]
        candidates += [list(subtree(c)) for c in clause.children
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
        speaking = {t.i for pred in sent if _stance(pred) for subj in [subject_of(pred, sent)]
                    if subj is not None for t in subject_phrase(subj, sent)}
        for pred in sent:
            stance = _stance(pred)
            if stance is None:
                continue
            subject = subject_of(pred, sent)
            if pred.pos_ == "ADJ" and subject is None and pred.head.pos_ == "AUX":
                subject = subject_of(pred.head, sent)
            if subject is None and pred.head.lower_ == "statement" and in_sentence(pred.head, sent):
                subject = pred.head
            if subject is None:
                continue
            speaker = resolve_pronoun(speaker_from(subject, parties, sent), previous)
            if speaker.party is None:
                continue  # not a party speaking: the reporter's own background or a wire agency
            content = [t for t in _content(pred) if t.i not in speaking and in_sentence(t, sent)]
            target = _target(pred, stance, content, speaker.party, parties, previous_claimant)
            # the parse may run past a cut sentence (title line, ad marker): clip to it
            tokens = [t for t in [*subtree(subject), *subject_phrase(subject, sent), pred, *content]
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
