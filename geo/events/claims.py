"""Claims: what parties say about each other.

``find_claims`` turns each stance predicate whose speaker (``geo.events.speakers``) is a party
into a ``Claim``: the stance comes from the predicate's lemma (``STANCE_LEMMAS``), the
claimant from its subject, the content from its complement, the target from the grammatical
role the stance gives it (``_target``: the accused / urged object, the owner of a denied
claim, the subject of the claimed clause), else the first other party named in the content;
a phrase naming no party ("terrorists fired shells", "the air force struck") stands for the
state the story is set in or its opposition (``_unnamed_side``). Who speaks is mended in
``geo.events.quotes.speaking_for``. Sentences with no party speaking (the reporter's
background) yield nothing, and an outlet that only relays a quoted source ("..., a source
said, SANA reported") adds no claim of its own.
"""
from __future__ import annotations

from collections import Counter
from typing import Optional

from spacy.tokens import Doc, Span, Token

from geo.events.figure_kinds import EVENT_NOUNS
from geo.events.quotes import (claimant_of, misparsed_subject, passive_agent, speaking_for,
                               trailing_speaker)
from geo.events.speakers import (STANCE_LEMMAS, Speaker, according_to, in_sentence,
                                 passive_report, resolve_pronoun, speaker_from, subject_of,
                                 subject_phrase)
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


# Verbs whose object is who hears it ("told SANA that ...", "informed reporters"), not what
# is said nor whom it is about.
LISTENER_LEMMAS = {"tell", "inform", "brief", "assure", "remind"}


def _listener(pred: Token, child: Token) -> bool:
    """The audience of a speech verb: the object of "tell" ("a source told SANA that"), the
    "to" phrase of "say" ("said to reporters")."""
    if child.dep_ in ("dobj", "dative") and pred.lemma_ in LISTENER_LEMMAS:
        return not any(c.dep_ in ("ccomp", "relcl", "acl") for c in child.children)
    return child.dep_ in ("prep", "dative") and child.lower_ == "to" and pred.lemma_ in (
        "say", "state", "declare", "announce", "confirm", "report")


def _content(pred: Token) -> list[Token]:
    """The claimed content: the predicate's complements. A prepositional phrase or adverbial
    clause before the predicate is the occasion ("After talks with Turkey's minister, Lavrov
    accused Kyiv ..."), not what is said; a quote before it ("“...,” Moscow said") is."""
    tokens: list[Token] = []
    children = list(pred.children)
    if pred.pos_ == "ADJ" and pred.dep_ == "acomp":  # "is furious at X": X hangs off "is"
        children += [c for c in pred.head.children if c.dep_ == "prep" and c.i > pred.i]
    for child in children:
        if child.dep_ in ("prep", "advcl") and child.i < pred.i or _listener(pred, child):
            continue
        if child.dep_ in CONTENT_DEPS:
            tokens.extend(subtree(child))
    return sorted(tokens, key=lambda t: t.i)


# Where the target sits, by stance: the one accused/blamed/urged is the predicate's object;
# what a claim or statement is about is the subject of its content's main verb.
OBJECT_FIRST = {"accusation", "call", "demand"}
CLAIM_NOUN_SOURCES = {"poss", "amod", "compound", "nmod"}


def _target(pred: Token, stance: str, content: list[Token], claimant: Optional[str],
            parties, previous_claimant: Optional[str], home: Optional[str] = None
            ) -> Optional[str]:
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
    # a place where something happened ("troops were in eastern Ukraine") is not the target;
    # the attack it happened in ("killed in Russian strikes") may name it
    where = {t.i for t in content if t.dep_ == "prep" and t.lower_ in WHERE
             and not _in_attack(t) for t in subtree(t)}
    inside = {t.i for t in content} - where

    def party_in(tokens) -> Optional[str]:
        idx = sorted({t.i for t in tokens} & inside)
        if not idx:
            return None
        for mention in parties.find(doc[idx[0]:idx[-1] + 1]):
            if not all(i in idx for i in range(mention.token_start, mention.token_end)) or all(
                    doc[i].pos_ == "PRON" for i in range(mention.token_start, mention.token_end)):
                continue  # (the relative "who" is no World Health Organization)
            if mention.party != claimant and parties.side_of(mention.party) != own_side:
                return mention.party
        # no name: "terrorists fired shells", "the air force struck" in a story set in a state
        unnamed = _unnamed_side([doc[i] for i in idx], parties, home)
        return unnamed if unnamed and parties.side_of(unnamed) != own_side else None

    def subtree_without_clauses(tok: Token) -> list[Token]:
        """A noun phrase without its relative/complement clauses ("claims that ...")."""
        skip = {t.i for c in tok.children if c.dep_ in ("acl", "relcl", "ccomp")
                for t in subtree(c)}
        return [t for t in subtree(tok) if t.i not in skip]

    objects = [c for c in pred.children if c.dep_ in ("dobj", "dative") and not _listener(pred, c)]
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


# Unnamed sides: a state's own forces, and those who fight it ("terrorists" in its media,
# "rebels", "insurgents") in a story set in that state.
STATE_NOUNS = {"army", "regime", "government", "troops", "soldiers", "warplanes", "jets"}
REBEL_NOUNS = {"terrorist", "rebel", "insurgent", "militant", "opposition", "gunman",
               "mercenary"}


def _in_attack(prep: Token) -> bool:
    """"in Russian strikes", "in air raids by the coalition": the attack, not the place."""
    return any(c.dep_ == "pobj" and (c.lemma_.lower() in EVENT_NOUNS or c.lower_ in EVENT_NOUNS)
               for c in prep.children)


def _unnamed_side(tokens: list[Token], parties, home: Optional[str]) -> Optional[str]:
    """The side a phrase means with no name: the home state for its army or regime ("the air
    force", "government troops"), the home state's opposition for "rebels"/"terrorists"."""
    if home is None:
        return None
    for t in tokens:
        lemma = t.lemma_.lower()
        if t.pos_ not in ("NOUN", "ADJ", "PROPN") or t.dep_ == "poss" or _counted_victim(t):
            continue
        if lemma in STATE_NOUNS or t.lower_ in STATE_NOUNS or (
                lemma == "force" and any(c.lower_ == "air" for c in t.children)):
            return home
        if lemma in REBEL_NOUNS or t.lower_.rstrip("s") in REBEL_NOUNS:
            return _opposition_of(parties, home)
    return None


def _counted_victim(noun: Token) -> bool:
    """"two soldiers were killed", "13 rebels were among those executed": counted or
    suffering, the noun names victims, not the side that acted."""
    if any(c.dep_ == "nummod" for c in noun.children):
        return True
    while noun.dep_ == "conj" and noun.head is not noun:
        noun = noun.head
    return noun.dep_ == "nsubjpass"


def _opposition_of(parties, state: str) -> Optional[str]:
    """The party the table calls a state's opposition ("Syrian opposition"), if any."""
    party = parties.get(state)
    for name in party.names if party is not None else []:
        if len(name.split()) == 1 and name[:1].isupper():
            found = parties.match(f"{name} opposition")
            if found and parties.side_of(found) != parties.side_of(state):
                return found
    return None


def _story_state(sentences: list[Span], parties) -> Optional[str]:
    """The state the story is set in: the country party named most often as where things
    happen ("in Syria", "across northern Syria"), when one leads."""
    counts: Counter = Counter()
    for sent in sentences:
        for m in parties.find(sent):
            party = parties.get(m.party)
            span = sent.doc.char_span(m.start, m.end, alignment_mode="expand")
            if party is not None and party.country_code and span is not None \
                    and span.root.dep_ == "pobj" and span.root.head.lower_ in WHERE | {"of"}:
                counts[m.party] += 1
    top = counts.most_common(2)
    return top[0][0] if top and (len(top) == 1 or top[0][1] > top[1][1]) else None


def find_claims(doc: Doc, sentences: list[Span], parties, article_date: Optional[str] = None,
                place_for=None, date_for=None) -> list[Claim]:
    """Claims from the given (non-boilerplate) sentences, one per speaking party per sentence.

    ``place_for(start, end, sent)`` -> (name, lat, lon) and ``date_for(token, sent)`` -> date are
    supplied by the caller (geo.events.extract) so claims and casualties place and date alike.
    """
    claims: list[Claim] = []
    home = _story_state(sentences, parties) if parties is not None else None
    previous: Optional[Speaker] = None
    speakers: list[Speaker] = []  # who spoke so far, for "the group said" further down
    previous_claimant: Optional[str] = None
    told: set[tuple] = set()
    for sent in sentences:
        by_claimant: dict[str, tuple[int, Claim, Token]] = {}
        relays: set[str] = set()  # outlets that end the sentence: "..., SANA reported"
        # co-speakers ("Putin and Macron are calling ..., a statement said") are no targets
        speaking = {t.i for pred in sent if _stance(pred) for subj in [subject_of(pred, sent)]
                    if subj is not None for t in subject_phrase(subj, sent)}
        for pred in sent:
            stance = _stance(pred)
            if stance is None:
                continue
            subject = subject_of(pred, sent)
            trailing = trailing_speaker(pred, sent, parties) if pred.pos_ == "VERB" else None
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
                subject = misparsed_subject(pred, sent) or (
                    passive_agent(pred, sent) if stance != "statement" else None)
            if subject is None:
                continue
            found = trailing or resolve_pronoun(speaker_from(subject, parties, sent), previous)
            speaker = speaking_for(found, pred, sent, parties, speakers, previous)
            if speaker is None:
                continue  # nobody speaking: the reporter's own background
            content = [t for t in _content(pred) if t.i not in speaking and in_sentence(t, sent)]
            if trailing is not None and trailing.start > sent.start:
                # what comes before its source is what the source says
                before = [t for t in doc[sent.start:trailing.start] if not t.is_punct]
                content = sorted({t.i: t for t in before + content}.values(), key=lambda t: t.i)
            side = _speaker_side(speaker, parties, home)
            target = _target(pred, stance, content, side, parties, previous_claimant,
                             _home_of(side, parties, home))
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
            if trailing is not None and pred.lemma_ == "report":
                relays.add(speaker.label)
        _drop_relays(by_claimant, relays)
        if not by_claimant:
            claim = _according_claim(sent, parties, previous_claimant, place_for,
                                     date_for, article_date, home)
            if claim is not None:
                by_claimant[claim.claimant] = (STANCE_RANK[claim.stance], claim, sent.root)
        for _, claim, _ in by_claimant.values():
            said = (claim.claimant, claim.stance, " ".join(claim.text.lower().split()))
            if said in told:
                continue  # a lede restated further down is one statement, one claim
            told.add(said)
            claims.append(claim)
            if claim.claimant in parties:  # a denial's target is a party, never a phrase
                previous_claimant = claim.claimant
    return claims


# An unnamed state source ("a military source", "a source at the Police Command") speaks
# for the state the story is set in: its army is no target of its claims.
STATE_SOURCE_WORDS = {"military", "army", "police", "security", "government", "official",
                      "officials", "ministry", "governor", "regime", "governorate"}


def _speaker_side(speaker: Speaker, parties, home: Optional[str]) -> Optional[str]:
    if speaker.party is not None or home is None:
        return speaker.party
    words = {w.lower() for w in speaker.text.split()}
    return home if words & STATE_SOURCE_WORDS else None


def _home_of(claimant: Optional[str], parties, home: Optional[str]) -> Optional[str]:
    """The state whose unnamed forces and foes a claimant means: its own state when it is
    one's ("SANA": Syria), else the story's."""
    side = parties.get(parties.side_of(claimant)) if claimant else None
    return side.id if side is not None and side.country_code else home


def _drop_relays(by_claimant: dict, relays: set[str]) -> None:
    """"A source said nine were killed, SANA reported": the outlet only relays the source it
    quotes; one voice, the source's, makes the claim."""
    for label in relays:
        pred = by_claimant.get(label, (None, None, None))[2]
        if pred is not None and any(other != label and p.i < pred.i
                                    for other, (_, _, p) in by_claimant.items()):
            del by_claimant[label]


def _according_claim(sent: Span, parties, previous_claimant, place_for, date_for,
                     article_date, home: Optional[str] = None) -> Optional[Claim]:
    """"According to the Observatory, regime raids killed dozens": the source claims the
    sentence (a claim when it tells what happened, else a statement)."""
    speaker = according_to(sent, parties)
    if speaker is None:
        return None
    speaker = claimant_of(speaker, sent.root, sent)
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
    target = _target(sent.root, stance, content, speaker.party, parties, previous_claimant,
                     _home_of(speaker.party, parties, home))
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
