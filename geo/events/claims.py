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

from geo.events.speakers import (STANCE_LEMMAS, TAIL_WORDS, Speaker, according_to,
                                 actor_or_none, in_sentence, passive_report, resolve_pronoun, speaker_from,
                                 subject_of, subject_phrase, trailing_source)
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


def _title_case(sent: Span) -> bool:
    """A headline in title case ("Russia Says 14 Soldiers Killed"), where verbs are capitalised."""
    words = [t for t in sent if t.is_alpha and len(t) > 3]
    return bool(words) and sum(t.text[0].isupper() for t in words) >= 0.7 * len(words)


def _stance(token: Token) -> Optional[str]:
    if token.pos_ == "ADJ" and token.lower_ in ANGER_ADJECTIVES:
        # the "at" phrase may hang off the adjective or off its copula
        holders = [token, token.head] if token.dep_ == "acomp" else [token]
        return "accusation" if any(c.dep_ == "prep" and c.lower_ in ("at", "with", "over")
                                   for h in holders for c in h.children) else None
    if token.pos_ not in ("VERB",):
        return None
    if token.text[:1].isupper() and not token.is_sent_start and (
            not _title_case(token.sent) or not any(t.is_alpha for t in token.doc[
                token.i + 1:token.sent.end])):
        return None  # "/M. al-Frieh/H. Said": a name in a byline, not "said"
    stance = STANCE_LEMMAS.get(token.lemma_)
    if token.tag_ == "VBG" and token.dep_ in ("dobj", "pobj", "nsubj", "nsubjpass"):
        return None  # "dismisses the Observatory's reporting": a thing, nobody speaking
    if token.lemma_ == "point" and any(c.dep_ == "prt" and c.lower_ == "out"
                                       for c in token.children):
        stance = "statement"  # "Hammoud pointed out that ..."
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
    if stance == "statement" and _relays_fact(token):
        return "claim"
    return stance


# Speech verbs that relay what happened: with a factual clause they make a claim, not a
# statement ("the Observatory said 22 civilians were killed"). Announcing, warning, vowing ...
# stay statements: they tell of the speaker's own position or plans.
RELAY_LEMMAS = {"say", "tell", "report", "add", "state", "confirm", "note", "point", "indicate"}
FIRST_PERSON = {"i", "we"}


def _relays_fact(pred: Token) -> bool:
    """Whether a speech verb relays an event as fact: its clause ("said X was killed", "…
    killed 22, the monitor said") is in the past, the perfect, passive or progressive, with no
    modal ("would respond") and no first-person subject ("we are concerned"); or "report"
    takes a thing as object ("activists reported heavy air raids")."""
    if pred.lemma_ not in RELAY_LEMMAS:
        return False
    if pred.lemma_ == "report" and any(c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN")
                                       for c in pred.children):
        return True
    clauses = [c for c in pred.children if c.dep_ == "ccomp"]
    if not clauses and pred.dep_ in ("parataxis", "ccomp", "advcl") and pred.head.i < pred.i \
            and pred.head.pos_ in ("VERB", "AUX"):
        clauses = [pred.head]  # the quote comes first
    if not clauses:
        return False
    return _tells_event(clauses[0])


def _tells_event(verb: Token) -> bool:
    """A clause that tells what happened: past, perfect, passive or progressive, no modal, no
    first-person subject, no bare copula ("it was unclear")."""
    aux = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if any(a.tag_ == "MD" for a in aux):
        return False
    if any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in FIRST_PERSON
           for c in verb.children):
        return False
    if verb.lemma_ == "be" and not any(c.dep_ == "attr" for c in verb.children):
        return False  # "it was unclear who ...": a judgement
    return verb.tag_ == "VBD" or any(a.lemma_ in ("have", "be") for a in aux)


def _antecedent(speaker: Speaker, doc: Doc, earlier: list[Speaker]) -> Speaker:
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


def _trailing_speaker(pred: Token, sent: Span, parties) -> Optional[Speaker]:
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


# Commentators judge, they claim nothing for a side ("Analysts say the conflict could spread").
NAME_MARKS = {"-", "'", "’", "'s", "’s", ".", "&", "(", ")", ","}
COMMENTATORS = {"analyst", "expert", "commentator", "critic", "scholar", "historian"}


def _claimant(speaker: Speaker, pred: Token, sent: Span) -> Optional[Speaker]:
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
               for t in sent.doc[actor.start:actor.end]):
        return None  # a name is words, never markup or a URL ("Officials in </script> ...")
    span = sent.doc[actor.start:actor.end]
    if span.root.lemma_.lower() in COMMENTATORS and not any(t.pos_ == "PROPN" for t in span):
        return None
    return actor


def find_claims(doc: Doc, sentences: list[Span], parties, article_date: Optional[str] = None,
                place_for=None, date_for=None) -> list[Claim]:
    """Claims from the given (non-boilerplate) sentences, one per speaking party per sentence.

    ``place_for(start, end, sent)`` -> (name, lat, lon) and ``date_for(token, sent)`` -> date are
    supplied by the caller (geo.events.extract) so claims and casualties place and date alike.
    """
    claims: list[Claim] = []
    previous: Optional[Speaker] = None
    speakers: list[Speaker] = []  # who spoke so far, for "the group said" further down
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
            trailing = _trailing_speaker(pred, sent, parties) if pred.pos_ == "VERB" else None
            if trailing is not None:
                subject = doc[trailing.end - 1]
                if stance == "statement" and pred.lemma_ in RELAY_LEMMAS and any(
                        _tells_event(t) for t in sent if t.i < trailing.start
                        and t.pos_ in ("VERB", "AUX") and t.dep_ in ("ROOT", "ccomp", "conj")):
                    stance = "claim"  # "... were killed, the Observatory said"
            if pred.pos_ == "ADJ" and subject is None and pred.head.pos_ == "AUX":
                subject = subject_of(pred.head, sent)
            if subject is None and pred.head.lower_ == "statement" and in_sentence(pred.head, sent):
                subject = pred.head
            if subject is None:
                continue
            found = trailing or resolve_pronoun(speaker_from(subject, parties, sent), previous)
            speaker = _claimant(_antecedent(found, doc, speakers), pred, sent)
            if speaker is None:
                continue  # nobody speaking: the reporter's own background
            content = [t for t in _content(pred) if t.i not in speaking and in_sentence(t, sent)]
            if trailing is not None and trailing.start > sent.start:
                # what comes before its source is what the source says
                before = [t for t in doc[sent.start:trailing.start] if not t.is_punct]
                content = sorted({t.i: t for t in before + content}.values(), key=lambda t: t.i)
            target = _target(pred, stance, content, speaker.party, parties, previous_claimant)
            # the parse may run past a cut sentence (title line, ad marker): clip to it
            said_by = list(doc[trailing.start:trailing.end]) if trailing else [
                *subtree(subject), *subject_phrase(subject, sent)]
            tokens = [t for t in [*said_by, pred, *content]
                      if not t.is_space and sent.start <= t.i < sent.end]
            start_tok = min(t.i for t in tokens)
            end_tok = max(t.i for t in tokens) + 1
            while end_tok - 1 > start_tok and doc[end_tok - 1].is_punct:
                end_tok -= 1
            span = doc[start_tok:end_tok]
            inner = [t for t in content if sent.start <= t.i < sent.end]
            text = doc[inner[0].i:inner[-1].i + 1].text if inner else sent.text.strip()
            place = place_for(span.start_char, span.end_char, sent) if place_for else (None,) * 3
            claim = Claim(claimant=speaker.label, stance=stance, target=target, text=text,
                          start=span.start_char, end=span.end_char, place=place[0],
                          lat=place[1], lon=place[2],
                          date=date_for(pred, sent) if date_for else article_date,
                          sentence=sent.text.strip(), sentence_start=sent.start_char)
            rank = STANCE_RANK[stance]
            old = by_claimant.get(speaker.label)
            if old is None:
                by_claimant[speaker.label] = (rank, claim, pred)
            else:
                merged = _merge(old[1], claim, rank > old[0])
                by_claimant[speaker.label] = (max(rank, old[0]), merged, pred)
            previous = speaker
            speakers.append(speaker)
        if not by_claimant:
            claim = _according_claim(sent, parties, previous_claimant, place_for,
                                     date_for, article_date)
            if claim is not None:
                by_claimant[claim.claimant] = (STANCE_RANK[claim.stance], claim, sent.root)
        for _, claim, _ in by_claimant.values():
            claims.append(claim)
            if claim.claimant in parties:  # a denial's target is a party, never a phrase
                previous_claimant = claim.claimant
    return claims


def _according_claim(sent: Span, parties, previous_claimant, place_for, date_for,
                     article_date) -> Optional[Claim]:
    """"According to the Observatory, regime raids killed dozens": the source claims the
    sentence (a claim when it tells what happened, else a statement)."""
    speaker = according_to(sent, parties)
    if speaker is None:
        return None
    speaker = _claimant(speaker, sent.root, sent)
    if speaker is None:
        return None
    doc = sent.doc
    source = {t.i for t in doc[speaker.start:speaker.end]}
    source |= {t.i for t in sent if t.lower_ in ("according", "to") and t.i < speaker.start
               and speaker.start - t.i <= 2}
    content = [t for t in sent if t.i not in source and not t.is_space]
    if not content:
        return None
    stance = "claim" if _tells_event(sent.root) else "statement"
    target = _target(sent.root, stance, content, speaker.party, parties, previous_claimant)
    text = doc[content[0].i:content[-1].i + 1].text
    start, end = sent.start_char, sent.end_char
    place = place_for(start, end, sent) if place_for else (None,) * 3
    return Claim(claimant=speaker.label, stance=stance, target=target, text=text,
                 start=start, end=end, place=place[0], lat=place[1], lon=place[2],
                 date=date_for(sent.root, sent) if date_for else article_date,
                 sentence=sent.text.strip(), sentence_start=sent.start_char)


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
