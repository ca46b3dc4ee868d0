"""Binding a count phrase to an outcome: by the token patterns of ``geo.events.outcomes``
first, robust on headlines where the parse is poor, then by the dependency parse for the
counts they missed (the count's noun, or the first of its conjuncts, as the subject of a
passive/intransitive outcome verb or the object of an active one). Lists share an outcome:
"22 civilians, 3 children killed", "Ukrainian medic, serviceman killed".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from spacy.tokens import Doc, Span, Token

from geo.events.numbers import Count
from geo.events.outcomes import (ACTIVE_VERBS, AUX_WORDS, INCLUDING, MODALS,
                                 SINGLE_WORD_OUTCOMES, TRIGGER_FORMS, attributive_noun,
                                 figure_matcher, is_person_sg)
from geo.events.speakers import STANCE_LEMMAS
from geo.events.victims import (CIVILIAN, NOT_VICTIMS, PERSON_NOUNS, UNKNOWN, plural_form,
                               victim_category)


@dataclass
class Binding:
    """A count phrase tied to an outcome: the match that did it and the victims' noun."""
    count: Count
    outcome: str
    family: str
    start: int  # token span of the whole figure phrase
    end: int
    trigger: Token
    victim: Optional[Token] = None
    toll: bool = False
    party_from_subject: Optional[Token] = None
    extras: dict = field(default_factory=dict)


def _joint(trigger: Token) -> bool:
    """"killed and wounded": a joint casualty figure, not a death toll."""
    nxt = [t.lower_ for t in trigger.doc[trigger.i + 1:trigger.i + 3]]
    return len(nxt) == 2 and nxt[0] in ("and", "or") and nxt[1] in ("wounded", "injured", "hurt")


def _negated(trigger: Token) -> bool:
    for tok in (trigger, trigger.head):
        if any(c.dep_ == "neg" for c in tok.children):
            return True
        if any(c.dep_ == "aux" and c.lower_ in MODALS and not (
                c.lower_ == "might" and c.i + 1 < len(c.doc) and c.nbor(1).lower_ == "have")
               for c in tok.children):
            return True  # (not "might have been wounded": a hedged report, as "may have")
        if tok.dep_ not in ("dobj", "nsubj", "nsubjpass", "pobj", "conj", "attr"):
            break
    return False


def _outcome_follows(noun: Token) -> bool:
    """An outcome word right after the victims' noun (auxiliaries aside): "... soldier died"."""
    for tok in noun.doc[noun.i + 1:noun.i + 4]:
        if tok.lower_ in AUX_WORDS:
            continue
        return tok.lower_ in TRIGGER_FORMS or tok.lemma_ == "die"
    return False


def bind_by_patterns(doc: Doc, sent: Span, counts_by_start: dict[int, Count]) -> list[Binding]:
    matcher = figure_matcher(doc.vocab)
    strings = doc.vocab.strings
    best: dict[object, Binding] = {}
    for match_id, start, end in matcher(sent):
        attributive = False
        start, end = start + sent.start, end + sent.start
        family, outcome = strings[match_id].split("|")
        span = doc[start:end]
        count_tok = next((t for t in span if t._.geo_cnt == "B"), None)
        if family in ("subject", "subject_list", "subject_incl", "nominal", "leave"):
            # the victims' noun: the last noun before the outcome word(s)
            trig_i = _trigger_index(span, family)
            if family == "subject_incl":  # the outer figure's noun, before "including"
                trig_i = next(t.i for t in span if t.lower_ in INCLUDING)
            trigger = doc[trig_i]
            # (the whole's noun, not its part's: "23 civilians - including nine children")
            upto = next((t.i for t in doc[count_tok.i:trig_i] if t.lower_ in INCLUDING), trig_i)
            nouns = [t for t in doc[count_tok.i:upto] if t.pos_ in ("NOUN", "PROPN")
                     and t._.geo_cnt == "O" and t.lower_ not in AUX_WORDS]
            victim = nouns[-1] if nouns else None
            if family == "subject_incl":
                trigger = doc[_trigger_index(span, "subject_incl")]
            if family == "subject" and attributive_noun(trigger) is not None:
                # "Two wounded soldiers ...": the participle describes the victims; it is
                # the outcome only if no later outcome word follows ("Five wounded soldiers
                # were evacuated")
                victim = attributive_noun(trigger)
                end = max(end, victim.i + 1)
                attributive = True
            elif family == "subject_list":
                end, victim = _split_singular_tail(doc, count_tok, trig_i, end, victim)
        elif family in ("object", "deaths_of", "toll", "restate"):
            trigger = span[0] if family != "restate" else span[-1] if len(span) == 1 else next(
                t for t in span if t.lower_ in ("number", "figure", "tally", "total"))
            if attributive_noun(trigger) is not None:
                continue
            # the victims follow the whole count phrase ("killed at least six civilians"),
            # not the shortest match of it ("killed at")
            whole = counts_by_start.get(count_tok.i)
            victim = _noun_after(doc, whole.end if whole is not None else span.end)
            end = max(end, victim.i + 1) if victim is not None else end
            if family == "object" and _next_outcome(doc, victim.i + 1 if victim is not None
                                                    else (whole.end if whole else span.end)):
                continue  # "Three people killed five injured": the count opens the next item
        elif family == "named":
            trigger = doc[_trigger_index(span, family)]
            victim = [t for t in span if t.ent_type_ == "PERSON" and t.i < trigger.i][-1]
            count_tok = None
            if victim.dep_ == "pobj" or any(c.dep_ == "dobj" for c in trigger.children) or (
                    victim.dep_ == "nsubj" and victim.head.lemma_ in STANCE_LEMMAS):
                continue  # "attacks in Khan Touman have killed 23", "... Assad said killed"
        else:  # singular, singular_object, prenominal
            trigger = span[-1] if family == "singular" else span[0]
            if family == "singular":
                trigger = doc[_trigger_index(span, "subject")]
            elif family == "singular_object" and attributive_noun(trigger) is not None and (
                    _outcome_follows(attributive_noun(trigger)) or any(
                        trigger.i > 0 and doc[trigger.i - 1].lower_ in verbs
                        for verbs in ACTIVE_VERBS.values())):
                continue  # "kill wounded soldier", "wounded soldier dies": an adjective: an adjective, not "wounded" as a verb
            # "Pro-Russian rebel commander killed": one victim, the last person noun
            victim = [t for t in span if t._.geo_person_sg][-1]
            count_tok = None
        if family == "nominal" and attributive_noun(span[-1]) is not None:
            continue  # "Two wounded soldiers": handled as the subject's participle
        if family == "nominal" and outcome == "killed" and span[-1].lower_ == "casualties":
            count = counts_by_start.get(count_tok.i)
            if count is None or count.best != 0:
                continue  # "casualties" mixes killed and wounded: only "no casualties" counts
        if _negated(trigger):
            continue
        if _joint(trigger):
            continue
        if count_tok is not None and count_tok.i > 0 and doc[count_tok.i - 1].lower_ in \
                INCLUDING:
            continue  # "Five civilians including two children": a part of the figure before
        if count_tok is not None:
            count = counts_by_start.get(count_tok.i)
            if count is None:
                continue
            key = count_tok.i
        else:
            count = Count(1, "exact", victim.i, victim.i + 1, low=1, high=1)
            key = ("sg", trigger.i)  # one singular victim per outcome word
        if victim is not None and victim.lemma_.lower() in NOT_VICTIMS:
            continue
        if victim is None and count_tok is not None:
            victim = antecedent(doc, sent, count)  # "killing a big number of them"
        binding = Binding(count, outcome, family, start, end, trigger, victim,
                          toll=family in ("toll", "restate"),
                          extras={"attributive": attributive})
        if trigger.lemma_ == "lose" and family == "object":
            binding.party_from_subject = trigger
        old = best.get(key)
        if old is not None and old.extras.get("attributive") != attributive:
            # an outcome after the victims wins ("Two wounded soldiers die"), except the
            # evacuation of the wounded ("Five wounded soldiers were evacuated")
            later = old if attributive else binding
            if later.outcome != "displaced":
                best[key] = later
            elif attributive:
                best[key] = binding
            continue
        # the tightest match wins (the outcome word nearest the count)
        if old is None or (
                (end - start) > (old.end - old.start) if isinstance(key, tuple)  # whole phrase
                else (end - start) < (old.end - old.start)):  # the nearest outcome word
            best[key] = binding
    bindings = list(best.values())
    # "three suicide bombers killed at least two people": of an active outcome verb with
    # victims as its object, the counted subject is the attacker
    bindings = [b for b in bindings if not (b.family == "subject"
                                            and counts_attacker(b, bindings))]
    bindings += _singular_lists(doc, sent, [b for b in bindings if b.family == "singular"])
    for b in bindings:
        if b.family == "singular_object":
            _object_group(doc, sent, b)
    # a singular victim already counted by a number ("one soldier") is not counted again
    counted = {i for b in bindings if not b.family.startswith("singular")
               and b.family not in ("named", "prenominal") for i in range(b.start, b.end)}
    # a singular victim inside a counted figure ("One DPR militia fighter killed") is the same
    return [b for b in bindings if not (b.family.startswith("singular") and b.victim.i in counted)]


def counts_attacker(b: Binding, bindings: list[Binding]) -> bool:
    """Whether ``b`` counts the subject of an active outcome verb whose object another
    binding counts ("three suicide bombers killed at least two people"): the attackers."""
    if b.victim is not None and (b.victim.lemma_.lower() in CIVILIAN | UNKNOWN
                                 or b.victim.lower_ in CIVILIAN | UNKNOWN):
        return False  # "1 child killed 6 children ...": a comma-less list of victims
    return b.count.end <= b.trigger.i and any(
        o.family == "object" and o.trigger.i == b.trigger.i for o in bindings) and not any(
        c.dep_ == "auxpass" for c in b.trigger.children)


CLAUSE_OPENERS = {":", "-", "–", "—", ";", ",", "that"}


def _singular_lists(doc: Doc, sent: Span, singulars: list[Binding]) -> list[Binding]:
    """"Ukrainian medic, serviceman killed", "a journalist and his interpreter were killed":
    singular victims listed before a bound one share its outcome: one figure of their number
    when they make one group (``_one_group``), else one figure each.

    The list must open its clause (sentence start, after ":", "-", ",", "that" or a speech
    verb) or be linked by the parse (conjunct, apposition): "the car of a farmer, and a
    soldier was killed" lists no farmer.
    """
    out: list[Binding] = []
    for b in singulars:
        current, start = b.victim, b.start
        members: list[Binding] = []
        while True:
            i = start - 1
            if i >= sent.start and doc[i].tag_ == "PRP$":  # "and his interpreter"
                i -= 1
            if i < sent.start or doc[i].text not in (",", "and"):
                break
            if doc[i].text == "and" and i - 1 >= sent.start and doc[i - 1].text == ",":
                i -= 1
            i -= 1
            if i < sent.start or not doc[i]._.geo_person_sg:
                break
            noun = doc[i]
            j = i
            while j - 1 >= sent.start and doc[j - 1]._.geo_mod and doc[j - 1].text != ",":
                j -= 1
            if j - 1 >= sent.start and doc[j - 1].lower_ in ("a", "an", "the", "another"):
                j -= 1
            prev = doc[j - 1] if j - 1 >= sent.start else None
            opens = prev is None or prev.text in CLAUSE_OPENERS or (
                prev.lemma_ in STANCE_LEMMAS and prev.pos_ == "VERB")
            linked = (current.head.i == noun.i and current.dep_ in ("conj", "appos")) or (
                noun.head.i == current.i and noun.dep_ in ("conj", "appos"))
            if not (opens or linked):
                break
            members.append(Binding(Count(1, "exact", noun.i, noun.i + 1, low=1, high=1),
                                   b.outcome, "singular", j, noun.i + 1, b.trigger, noun,
                                   extras={"listed": True}))
            current, start = noun, j
        if members and _one_group(doc, [m.victim for m in members] + [b.victim],
                                  [m.start for m in members] + [b.start]):
            # "a man and his wife were killed", "A woman and a child died": one statement,
            # one figure of their number (the gold guide's rule), not one figure each
            n = len(members) + 1
            first = members[-1]
            b.count = Count(n, "exact", first.victim.i, first.victim.i + 1, low=n, high=n)
            b.start = first.start
            continue
        out.extend(members)
        if current.i != b.victim.i:
            b.extras["listed"] = True
            if b.start == b.victim.i and doc[b.start - 1].tag_ != "PRP$":
                # a bare member shares the list's modifiers: "Ukrainian medic, serviceman"
                b.extras["share_with"] = current
    return out


def _object_group(doc: Doc, sent: Span, b: Binding) -> None:
    """"killing a man and his wife", "the lives of a woman and a child": singular victims
    listed after an active outcome are one figure of their number when they make one group."""
    nouns, starts, i = [b.victim], [b.start if b.start < b.victim.i else b.victim.i], \
        b.victim.i + 1
    while i < sent.end and doc[i].text in (",", "and"):
        i += 2 if doc[i].text == "," and i + 1 < sent.end and doc[i + 1].text == "and" else 1
        start = i
        if i < sent.end and (doc[i].lower_ in ("a", "an", "the", "another")
                             or doc[i].tag_ == "PRP$"):
            i += 1
        if i >= sent.end or not doc[i]._.geo_person_sg:
            break
        nouns.append(doc[i])
        starts.append(start)
        i += 1
    # the first victim's own determiner and modifiers are the verb's business: check the rest
    if len(nouns) > 1 and _one_group(doc, nouns, [nouns[0].i] + starts[1:]):
        n = len(nouns)
        b.count = Count(n, "exact", nouns[0].i, nouns[0].i + 1, low=n, high=n)
        b.end = max(b.end, nouns[-1].i + 1)


def _one_group(doc: Doc, nouns: list[Token], starts: list[int]) -> bool:
    """Listed singular victims that make one group: the same category and no modifiers of
    their own ("a man and his wife", "child, man"); "Italian journalist and his interpreter",
    "a policeman, a soldier and a teenager" stay one figure each."""
    if len({victim_category([n]) for n in nouns}) != 1:
        return False
    return all(t.lower_ in ("a", "an", "the", "another") or t.tag_ == "PRP$"
               for s, n in zip(starts, nouns) for t in doc[s:n.i])


def bind_lists(doc: Doc, counts: list[Count], bindings: list[Binding]) -> None:
    """"22 civilians, 3 children killed", "3 rebels and 2 civilians killed": a figure listed
    before a bound one shares its outcome."""
    by_start = {b.count.start: b for b in bindings
                if b.family in ("subject", "list", "singular")}
    bound = {b.count.start for b in bindings}
    for c in sorted(counts, key=lambda c: -c.start):
        if c.start in bound or c.best == 0:
            continue
        victim = _noun_after(doc, c.end)
        if victim is not None and victim.lemma_.lower() in NOT_VICTIMS:
            continue
        j = (victim.i + 1) if victim is not None else c.end
        if j + 1 < len(doc) and doc[j].text in (",", "and") and (j + 1) in by_start:
            nxt = by_start[j + 1]
            binding = Binding(c, nxt.outcome, "list", c.start, j, nxt.trigger, victim)
            bindings.append(binding)
            by_start[c.start] = binding
            bound.add(c.start)


def _split_singular_tail(doc: Doc, count_tok: Token, trig_i: int, end: int,
                         victim: Optional[Token]) -> tuple[int, Optional[Token]]:
    """"two soldiers, army medic killed": a count over plural victims, then one singular
    victim; the count stops at the separator (the singular victim is counted on its own).
    "34 soldiers, civilians killed" (plural after the separator) is one count over both."""
    if victim is None or not is_person_sg(victim):
        return end, victim
    seps = [t for t in doc[count_tok.i + 1:victim.i] if t.text in (",", "and")]
    if not seps:
        return end, victim
    sep = seps[0]
    before = [t for t in doc[count_tok.i + 1:sep.i] if t.pos_ in ("NOUN", "PROPN")
              and t.lemma_.lower() in PERSON_NOUNS]
    if before and (before[-1].tag_ in ("NNS", "NNPS") or plural_form(before[-1])):
        return sep.i, before[-1]
    return end, victim


def _trigger_index(span: Span, family: str) -> int:
    if family in ("subject", "subject_list", "subject_incl", "named"):
        # the first token of the outcome words: after the victims' phrase and auxiliaries
        for tok in span:
            if tok._.geo_cnt == "O" and (tok.lower_ in TRIGGER_FORMS
                                         or tok.lower_ in ("shot", "gunned", "beaten", "stabbed",
                                                           "burned", "burnt", "taken", "held",
                                                           "forced", "unaccounted", "hacked",
                                                           "crushed", "tortured", "starved",
                                                           "mowed", "cut", "take", "taking")
                                         or tok.lemma_ == "lose"):
                if tok.lower_ == "found" and tok.i + 1 < span.end:
                    continue
                if tok.i + 1 < span.end and attributive_noun(tok) is not None:
                    continue  # "Two wounded soldiers die": an adjective, not the outcome
                return tok.i
    return span.end - 1


def _next_outcome(doc: Doc, i: int) -> bool:
    """A participle outcome right after a count phrase ending at ``i``, itself describing no
    noun: in comma-less lists ("Three people killed five injured", "Child Killed 20 People
    Injured") the count is that outcome's subject, not the object of the one before."""
    if i >= len(doc):
        return False
    tok = doc[i]
    return tok.lower_ in ("injured", "wounded", "hurt", "killed", "dead") \
        and tok.tag_ in ("VBN", "VBD", "JJ", "NNP") and attributive_noun(tok) is None


def antecedent(doc: Doc, sent: Span, count: Count) -> Optional[Token]:
    """"gatherings of terrorists ... killing a big number of them": the people a count "of
    them" refers to, the last plural person noun before it in the sentence."""
    after = [t.lower_ for t in doc[count.end - 1:count.end + 2]]
    if after[:2] != ["of", "them"] and after[1:] != ["of", "them"]:
        return None
    return next((t for t in reversed(doc[sent.start:count.start]) if t.tag_ in ("NNS", "NNPS")
                 and t.lemma_.lower() in PERSON_NOUNS - UNKNOWN), None)


def _name_and(doc: Doc, j: int, victim: Optional[Token]) -> bool:
    """"many ISIS and Jabhat al-Nusra terrorists": "and" between two names before the noun."""
    return doc[j].lower_ == "and" and victim is not None and (
        victim.pos_ == "PROPN" or victim.is_upper) and j + 1 < len(doc) and (
        doc[j + 1].pos_ == "PROPN" or doc[j + 1].is_upper)


def _noun_after(doc: Doc, i: int) -> Optional[Token]:
    """The head noun of the phrase right after a count ("three children", "12 Ukrainian
    servicemen", "dozens of soldiers")."""
    victim = None
    j = i
    if j < len(doc) and doc[j].lower_ == "of":
        j += 1
        if j < len(doc) and doc[j].pos_ == "DET":
            j += 1
    while j < len(doc) and j - i < 8 and (doc[j]._.geo_mod or _name_and(doc, j, victim)):
        if doc[j].pos_ == "PROPN" and victim is not None and victim.pos_ == "NOUN" \
                and victim.text.islower():
            break  # "killing nine people Sputnik reported": the name opens the next phrase
        if doc[j].pos_ in ("NOUN", "PROPN"):
            if victim is None and doc[j].dep_ == "nsubj" and doc[j].head.i == j + 1 \
                    and doc[j].head.lemma_ in STANCE_LEMMAS:
                break  # "wounding dozens more observers said": the speaker, commas lost
            victim = doc[j]
        j += 1
    return victim


def bind_by_parse(doc: Doc, count: Count) -> Optional[Binding]:
    """Counts the patterns missed: follow the parse from the count's noun to an outcome."""
    last = doc[count.end - 1]
    noun = last.head if last.dep_ in ("nummod", "amod", "det", "quantmod", "compound") else last
    if last.lower_ == "of" and last.dep_ == "prep":
        # "A number of terrorists at the center were killed": the count's own noun
        noun = last.head
    if noun.lower_ == "of" or (noun is last and any(c.dep_ == "prep" and c.lower_ == "of"
                                                     for c in last.children)) or (
            last.lower_ == "of" and noun.i == last.head.i):
        of = last if last.lower_ == "of" else next(
            (c for c in last.children if c.lower_ == "of"), None)
        pobj = next((c for c in of.children if c.dep_ == "pobj"), None) if of else None
        victim = pobj or noun
    else:
        victim = noun if noun.pos_ in ("NOUN", "PROPN") else None
    anchor = noun
    while anchor.dep_ == "conj" and anchor.head is not anchor:
        anchor = anchor.head
    head = anchor.head
    outcome = None
    if anchor.dep_ in ("nsubj", "nsubjpass"):
        outcome = _outcome_of(head, passive=True)
    elif anchor.dep_ == "dobj":
        outcome = _outcome_of(head, passive=False)
    if outcome is None:
        for child in noun.children:
            if child.dep_ in ("acl", "amod") and child.i > noun.i:
                outcome = _outcome_of(child, passive=True)
                if outcome:
                    head = child
                    break
    if outcome is None or _negated(head) or _joint(head):
        return None
    if victim is not None and victim.lemma_.lower() in NOT_VICTIMS:
        return None
    start = min(count.start, head.i)
    end = max(count.end, head.i + 1, (victim.i + 1) if victim is not None else 0)
    return Binding(count, outcome, "parse", start, end, head, victim)


def _outcome_of(token: Token, passive: bool) -> Optional[str]:
    if passive:
        if token.lemma_ == "die":
            return "killed"
        return SINGLE_WORD_OUTCOMES.get(token.lower_)
    for outcome, verbs in ACTIVE_VERBS.items():
        if token.lower_ in verbs and token.lemma_ != "claim":
            return outcome
    return None
