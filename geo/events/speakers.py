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

from geo.events.figure_kinds import EVENT_NOUNS
from geo.events.victims import (LOCATIVE, PRONOUNS, TAIL_WORDS, is_actor, np_after, np_before,
                                phrase_party)
from geo.nlp import subtree

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
    "write": "statement", "estimate": "statement",
    "note": "statement", "indicate": "statement", "explain": "statement",
}
# Verbs that report a figure as their object: "gave a toll of 44", "put the number at 60".
FIGURE_VERBS = {"give", "put", "record", "document", "count", "register", "tally"}


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
    if verb.tag_ == "VBG" and verb.lemma_ in STANCE_LEMMAS:
        # "X said planes struck the town, adding that ...": the one who adds is the one who
        # said, not the subject of the clause the participle hangs off
        verb = next((a for a in verb.ancestors if a.lemma_ in STANCE_LEMMAS
                     and a.pos_ == "VERB" and in_sentence(a, sent)), verb)
    while verb is not None and seen < 4 and in_sentence(verb, sent):
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")
                    and in_sentence(c, sent)]
        if subjects:
            # of two subjects (a parse of lost commas) the one next to the verb speaks
            before = [c for c in subjects if c.i < verb.i]
            after = [c for c in subjects if c.i > verb.i]
            if before and after and verb.lemma_ in STANCE_LEMMAS:
                # "'...' a district of President Assad said Talal al-Barazi": an inverted
                # subject after a speech verb speaks; the one before is the quote's tail
                return after[0]
            return before[-1] if before else subjects[0]
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
    tokens = [t for t in subtree(token) if (t.dep_ not in ("relcl", "punct") or t is token)
              and not t.is_space and in_sentence(t, sent)]
    if sent is not None and token.i > sent.start and not in_sentence(token.head, sent):
        # an orphan subject: the sentence's opening noun phrase
        tokens += [t for t in token.doc[sent.start:token.i] if not t.is_space]
    start = min(t.i for t in tokens)
    end = max(t.i for t in tokens) + 1
    if end - start > 1 and token.doc[start].lower_ in ("more", "others") and start < token.i:
        start += 1  # "wounding dozens more observers said": the figure's "more", lost commas
    return token.doc[start:end]


def speaker_from(subject: Token, parties, sent: Optional[Span] = None) -> Speaker:
    span = subject_phrase(subject, sent)
    # "Rebels in Ukraine say": the place is not the speaker's party
    skip = {t.i for c in subject.children if c.dep_ == "prep" and c.lower_ in LOCATIVE
            for t in subtree(c)}
    return Speaker(phrase_party(span, subject, parties, skip), span.text, span.start, span.end)


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
                return Speaker(phrase_party(span, span.root, parties), span.text,
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
    below = token  # the child of ``anc`` on the path from the figure
    for anc in token.ancestors:
        child, below = below, anc
        if not in_sentence(anc, sent):  # a parse arc over a line break
            continue
        if anc.lemma_ in FIGURE_VERBS and anc.pos_ == "VERB" and (
                child.dep_ == "dobj" or child.dep_ == "prep" and child.i > anc.i):
            # "Syrian state media gave a toll of 44", "X put the number at 60 in addition
            # to six civilians killed": the one who counts reports what it counts
            subject = subject_of(anc, sent)
            if subject is not None and token not in subtree(subject):
                found = actor_or_none(speaker_from(subject, parties, sent), sent)
                if found is not None:
                    return found
        quoted = quoted_source(anc, sent)
        if quoted is not None:
            # "SANA quoted a source as saying that ...", "X was quoted by AFP as saying"
            return actor_or_none(speaker_from(quoted, parties, sent), sent)
        if _saying(anc) and not any(c.dep_ == "dobj" for c in anc.children):
            return with_saying(anc, parties, sent)  # "..., with a monitor saying 17 died"
        if anc.lemma_ in STANCE_LEMMAS and anc.pos_ in ("VERB", "AUX"):
            if anc.lemma_ == "claim" and (child.dep_ in ("dobj", "nsubj", "nsubjpass")
                                          or any(c.dep_ == "dobj" for c in anc.children)
                                          or _claimed_deed(child)):
                # "claimed the attack that killed 17", "has claimed 21 lives and wounded
                # dozens": a claim with an object reports no clause
                continue
            agent = agent_of(anc, sent)  # "... were reported by the civil defence"
            if agent is not None and token not in subtree(agent):
                return actor_or_none(speaker_from(agent, parties, sent), sent)
            # "civilian reported killed": a bare participle introduces no speaker
            if anc.tag_ == "VBN" and not any(c.dep_ in ("aux", "nsubj") for c in anc.children):
                continue
            if passive_report(anc):  # "Six troops reported killed"
                continue
            subject = subject_of(anc, sent)
            # the victims are no speaker ("Nine troops killed ..., says DPR's spokesman")
            if subject is not None and token in subtree(subject):
                continue
            if subject is not None:
                found = actor_or_none(resolve_pronoun(speaker_from(subject, parties, sent),
                                                      previous), sent)
                if found is not None:
                    return found
                if subject.lower_ in PRONOUNS and subject.lower_ != "that":
                    # "the US accused Damascus of the attack which it estimates killed
                    # 1429": an unresolved pronoun speaks for the speaker above it
                    continue
                break
    # "..., the ministry said": the speech verb hangs off the root as parataxis.
    root = sent.root
    for child in root.children:
        if child.dep_ in ("parataxis", "advcl") and child.lemma_ in STANCE_LEMMAS \
                and child.i > token.i and in_sentence(child, sent) and not any(
                    c.dep_ in ("mark", "dobj", "prep") and c.i < child.i or c.dep_ == "dobj"
                    for c in child.children):
            # (not "... hours after the US and Russia announced a deal": a time clause)
            subject = subject_of(child, sent)
            if subject is not None:
                found = actor_or_none(resolve_pronoun(speaker_from(subject, parties, sent),
                                                      previous), sent)
                if found is not None:
                    return found
    return according_to(sent, parties) or trailing_source(sent, parties, token.i) \
        or headline_source(sent, parties) or said_that(token, sent, parties) \
        or noun_report(token, sent, parties) or carried_speaker(sent, parties) \
        or next((with_saying(v, parties, sent) for v in sent.doc[sent.start:token.i]
                 if _saying(v) and not any(c.dep_ in ("ccomp", "dobj") for c in v.children)),
                None)


def _saying(verb: Token) -> bool:  # "a monitor saying ..." (not "claiming the lives of")
    return verb.tag_ == "VBG" and verb.dep_ == "acl" and STANCE_LEMMAS.get(
        verb.lemma_) == "statement"


# Who speaks for some of a group: "websites had conflicting figures, with some saying ..."
SOME = {"some", "others", "many", "most", "one", "several", "all", "both"}


def with_saying(verb: Token, parties, sent: Span) -> Optional[Speaker]:
    """"..., with a monitor saying at least 17 were killed": the noun the participle hangs off
    speaks; a quantifier ("with some saying") speaks for the subject of its clause."""
    noun = verb.head
    if noun.lower_ in SOME:
        clause = next((a for a in noun.ancestors if a.pos_ in ("VERB", "AUX")), None)
        noun = subject_of(clause, sent) if clause is not None else None
    if noun is None or noun.pos_ not in ("NOUN", "PROPN") or not in_sentence(noun, sent):
        return None
    span = sent.doc[max(noun.left_edge.i, sent.start):noun.i + 1]  # not the participle's clause
    return actor_or_none(Speaker(phrase_party(span, noun, parties), span.text, span.start,
                                 span.end), sent)


def _claimed_deed(child: Token) -> bool:
    """"IS claims the attack that hit a police station killing 17": a claimed deed (a
    gerund with the deed for subject), not a reported clause."""
    return child.dep_ == "ccomp" and child.tag_ == "VBG" and any(
        c.dep_ == "nsubj" and c.pos_ == "NOUN" for c in child.children)


def said_that(token: Token, sent: Span, parties) -> Optional[Speaker]:
    """"... Activists in Idlib said that at least 135 civilians ...": a speech verb with
    "that" before the figure, its arc lost (a headline run into the lead): its subject."""
    for verb in reversed(sent.doc[sent.start:token.i - 1]):
        if verb.lemma_ in STANCE_LEMMAS and verb.pos_ == "VERB" \
                and verb.nbor(1).lower_ == "that" and STANCE_LEMMAS[verb.lemma_] != "denial":
            subject = subject_of(verb, sent)
            found = actor_or_none(speaker_from(subject, parties, sent), sent) \
                if subject is not None and subject.i < verb.i else None
            return found or _phrase_before(verb, parties, sent)
    return None


def _phrase_before(verb: Token, parties, sent: Span) -> Optional[Speaker]:
    """The noun phrase right before a speech verb, up through locative attachments
    ("Activists in Idlib province said"), when the parse gave the verb another subject."""
    last = verb.doc[verb.i - 1]
    head = last
    while head.dep_ == "pobj" and head.head.lower_ in LOCATIVE \
            and head.head.head.pos_ in ("NOUN", "PROPN") and in_sentence(head.head.head, sent):
        head = head.head.head
    if head.pos_ not in ("NOUN", "PROPN"):
        return None
    start = head.i  # its own modifiers, not a headline's "Last Three Days" run into it
    while start > sent.start and verb.doc[start - 1].head.i == head.i and not verb.doc[
            start - 1].like_num and verb.doc[start - 1].dep_ in ("compound", "amod", "det") \
            and verb.doc[start - 1].ent_type_ not in ("DATE", "TIME"):
        start -= 1
    span = verb.doc[start:last.i + 1]
    return actor_or_none(Speaker(phrase_party(span, head, parties), span.text, span.start,
                                 span.end), sent)


# Nouns that carry a report: "the claim by activists that ...", "the group's estimate that".
REPORT_NOUNS = {"claim", "report", "statement", "estimate", "announcement", "assertion",
                "allegation", "account", "assessment", "testimony"}


def noun_report(token: Token, sent: Span, parties) -> Optional[Speaker]:
    """A figure in the "that" clause of a report noun: its "by"/"from" object or its
    possessor speaks ("the claim by activists in X that at least 640 people were killed")."""
    below = token
    for anc in token.ancestors:
        if not in_sentence(anc, sent):
            return None
        if anc.pos_ == "NOUN" and anc.lemma_.lower() in REPORT_NOUNS \
                and below.dep_ in ("acl", "ccomp", "relcl") and below.i > anc.i:
            who = [c for c in anc.children if c.dep_ == "poss"] + [
                p for c in anc.children if c.dep_ == "prep" and c.lower_ in ("by", "from", "of")
                for p in c.children if p.dep_ == "pobj"]
            found = [actor_or_none(speaker_from(w, parties, sent), sent) for w in who]
            return next((f for f in found if f is not None), None)
        below = anc
    return None


# Openers that turn to another event ("Meanwhile ..."): the source before does not carry.
TOPIC_SHIFTS = {"meanwhile", "elsewhere", "separately", "earlier", "later", "also", "in", "on",
                "however"}
QUOTE_MARKS = {'"', "“", "”", "«", "»"}


def carried_speaker(sent: Span, parties) -> Optional[Speaker]:
    """A sentence with no source of its own that goes on with the report of the sentence
    right before ("The source said that terrorists fired shells ... The attacks left 20
    other civilians injured"): that report's speaker. Not for a sentence with a speech verb
    or a quotation of its own, nor after an opener that turns to another event."""
    doc = sent.doc
    first = next((t for t in sent if not t.is_space and not t.is_punct), None)
    if sent.start == 0 or first is None or first.lower_ in TOPIC_SHIFTS or any(
            t.lemma_ in STANCE_LEMMAS and t.pos_ in ("VERB", "AUX") and not _goes_on_saying(t)
            or t.text in QUOTE_MARKS for t in sent):
        return None
    if not _goes_on(sent, first):
        return None
    prev = doc[doc[sent.start - 1].sent.start:sent.start]
    return None if any(t.text in QUOTE_MARKS for t in prev) else report_speaker(prev, parties)


# Words that tie a sentence to the event just reported ("Another militant was killed",
# "The attacks also left 20 other civilians injured"); background on the war does not go on.
GOING_ON = {"also", "another", "other", "others"}
BACKGROUND = {"war", "conflict", "uprising", "revolution", "crisis"}


def _goes_on_saying(verb: Token) -> bool:
    """"..., noting that the shells were fired by ...": a participle with no subject of its
    own goes on with the speaker before."""
    return verb.tag_ == "VBG" and not any(c.dep_ in ("nsubj", "nsubjpass") for c in
                                          verb.children)


def _goes_on(sent: Span, first: Token) -> bool:
    if any(t.lemma_.lower() in BACKGROUND for t in sent):
        return False
    return any(t.lower_ in GOING_ON for t in sent) or (
        first.lower_ in ("the", "this", "these", "that") and first.head.lemma_.lower()
        in EVENT_NOUNS + ["escalation", "operation"])


def report_speaker(sent: Span, parties) -> Optional[Speaker]:
    """Who reports a whole sentence: the subject of its main speech verb ("The source added
    that ..."), its trailing source ("..., the Observatory said") or "according to X"."""
    root = sent.root
    subject = subject_of(root, sent) if root.lemma_ in STANCE_LEMMAS and STANCE_LEMMAS[
        root.lemma_] in ("statement", "claim") and any(
        c.dep_ in ("ccomp", "parataxis") for c in root.children) else None
    found = actor_or_none(speaker_from(subject, parties, sent), sent) if subject else None
    return found or according_to(sent, parties) or trailing_source(sent, parties,
                                                                   sent.start - 1)


def quoted_source(verb: Token, sent: Optional[Span]) -> Optional[Token]:
    """"X quoted Y as saying ...": Y speaks (the object; the subject when passive: "Y was
    quoted by AFP as saying"), not the outlet that quotes."""
    if not (verb.lemma_ == "say" and verb.tag_ == "VBG" and verb.head.lower_ == "as"):
        return None
    quote = verb.head.head
    if quote.lemma_ not in ("quote", "cite"):
        return None
    passive = any(c.dep_ == "auxpass" for c in quote.children)
    role = "nsubjpass" if passive else "dobj"
    return next((c for c in quote.children if c.dep_ == role and in_sentence(c, sent)), None)


def resolve_pronoun(speaker: Speaker, previous: Optional[Speaker]) -> Speaker:
    if speaker.text.lower() in PRONOUNS and previous is not None:
        return Speaker(previous.party, previous.text, speaker.start, speaker.end)
    return speaker


def agent_of(verb: Token, sent: Optional[Span]) -> Optional[Token]:
    """"were reported by the civil defence": the agent of a passive speech verb."""
    if not any(c.dep_ == "auxpass" for c in verb.children):
        return None
    for child in verb.children:
        if child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ == "by"):
            for pobj in child.children:
                if pobj.dep_ == "pobj" and in_sentence(pobj, sent):
                    return pobj
    return None


def actor_or_none(speaker: Speaker, sent: Optional[Span]) -> Optional[Speaker]:
    """The speaker if it names a party or an actor (``is_actor``), else None."""
    if speaker.party:
        return speaker
    doc = sent.doc if sent is not None else None
    if doc is None:
        return speaker
    span = doc[speaker.start:speaker.end]
    heads = [t for t in span if t.head.i == t.i or not (span.start <= t.head.i < span.end)]
    head = heads[0] if heads else span.root
    if speaker.text.lower() in PRONOUNS:
        return None
    return speaker if is_actor(span, head) else None


# Words that open another clause after a speech verb ("the Observatory said but it ...").
CLAUSE_LINKS = {"but", "and", "while", "adding", "as", "after", "although", "though", "whereas",
                "citing", "quoting", "describing", "noting"}

def trailing_source(sent: Span, parties, after: int) -> Optional[Speaker]:
    """A speech verb that ends the sentence after the figure, with its commas lost ("...killed
    six civilians the Observatory said.", "...were wounded said the Syrian Observatory"):
    the speaker is the noun phrase right before it, else right after it."""
    doc = sent.doc
    words = [t for t in sent if not t.is_space and not t.is_punct]
    for k in range(len(words) - 1, -1, -1):
        verb = words[k]
        if verb.i <= after:
            return None
        if not (verb.lemma_ in STANCE_LEMMAS and verb.pos_ in ("VERB", "AUX")
                and STANCE_LEMMAS[verb.lemma_] in ("statement", "claim")):
            continue
        tail = words[k + 1:]
        cut = next((j for j, t in enumerate(tail) if t.lower_ in CLAUSE_LINKS), None)
        tail = tail[:cut] if cut is not None else tail
        told = verb.lemma_ == "tell"
        if len(tail) > 8:
            continue
        subject = quoted_source(verb, sent) or next(
            (c for c in verb.children if c.dep_ == "nsubj" and c.i < verb.i
             and c.i > after and in_sentence(c, sent)), None)
        phrase = subject_phrase(subject, sent) if subject is not None else \
            np_before(doc, verb.i, after)
        figure = [t.i for t in phrase or [] if t._.geo_cnt != "O" or t.like_num
                  or t.i <= after]
        if subject is not None and figure:
            # "15 injured Al-Manar correspondent reported", "left 30 injured Ahmed Mustafa
            # told": the parse ran the figure into the subject; the speaker is the noun
            # phrase between the figure and the verb (none when the subject is the counted
            # noun itself: "killed 10 civilians said the Observatory")
            counted = any((c.dep_ == "nummod" or c.like_num) and not any(
                t.tag_ == "VBN" for t in doc[c.i + 1:subject.i]) for c in subject.children)
            phrase = None if counted else np_before(doc, verb.i, max(max(figure), after))
            subject = None
        if phrase is not None and actor_or_none(Speaker(None, phrase.text, phrase.start,
                                                        phrase.end), sent) is None \
                and not phrase_party(phrase, None, parties):
            phrase, subject = None, None  # "... in four air strikes said the Observatory"
        if phrase is None and tail and not told:
            phrase = np_after(doc, tail[0].i, sent.end)
            if phrase is not None:
                tail = [t for t in tail if t.i >= phrase.end]
        ok_tail = all(t.lower_ in TAIL_WORDS or t.ent_type_ in ("DATE", "TIME")
                      or (told or any(w.lower_ in ("told", "to", "via") for w in tail[:j]))
                      and t.pos_ in ("PROPN", "NOUN", "ADJ")  # "told SANA/JJ reporter"
                      for j, t in enumerate(tail))
        if phrase is None or not ok_tail:
            continue  # a speech verb with its own content ("it could not say whether ...")
        heads = [t for t in phrase if t.pos_ in ("NOUN", "PROPN")]
        head = subject if subject is not None else heads[-1]
        speaker = Speaker(phrase_party(phrase, head, parties), phrase.text, phrase.start,
                          phrase.end)
        return actor_or_none(speaker, sent)
    return None
