"""Casualty figures: a count phrase bound to an outcome, with victims, their party and the source.

Binding rules, tried in order for every count phrase (``geo.events.numbers``; see
``geo.events.binding``):

- token patterns (``PATTERN_FAMILIES``), robust on headlines where the parse is poor:
  ``subject``  "14 civilians were killed", "Two activists shot dead", "17 wounded",
               "Two wounded soldiers die" (a participle before the noun is an adjective)
  ``subject_incl`` "13 including two children, killed" (the outer figure only)
  ``object``   "Mine kills three children", "killing at least 12", "Ukraine lost 3 soldiers"
  ``leave``    "leaving five soldiers dead"
  ``nominal``  "12 deaths", "no casualties"
  ``deaths_of`` "the deaths of 12 people", "claimed the lives of three"
  ``toll``     "the death toll rose to 48" (a cumulative figure, see ``reconcile``)
  ``singular`` "the pilot was killed", "Ukrainian soldier killed", "Dead man found" (count 1);
               a list "Soldier and civilian killed" gives one each (``_singular_lists``)
- the dependency parse for the rest: the count's noun (or the first of its conjuncts) is the
  subject of a passive/intransitive outcome verb, or the object of an active one
  ("around 100 officials and several civilians on their side have been killed").

A negated outcome ("were not killed", "do not report military deaths") yields nothing; "no one
was killed" / "no civilians were hurt" yield an explicit zero.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Callable, Optional

from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token

from geo.events.actors import ATTACKS, attack_fields, attacking_token
from geo.events.binding import (Binding, bind_by_parse, bind_by_patterns, bind_lists,
                                counts_attacker)
from geo.events.figure_kinds import EVENT_NOUNS, figure_kind, merge_headline, reconcile
from geo.events.numbers import find_counts
from geo.events.outcomes import INCLUDING
from geo.events.quotes import OPENING, quotations, quoted_speaker
from geo.events.speakers import (REPORT_NOUNS, Speaker, according_to, headline_source,
                                 report_speaker, speaker_of, subject_of, trailing_source)
from geo.events.victims import (NONSTATE_FORCES, STATE_FORCES, civilian_parts,
                                nonstate_opponent, party_in, victim_category)
from geo.nlp import doc_text, subtree
from geo.records import Casualty

OTHER_SIDE = {"other", "opposing", "enemy", "opposite"}
# what an attack aims at when it names an armed side: "positions", "bases", "convoy"
TARGET_NOUNS = ["positions", "position", "bases", "base", "headquarters", "hideouts",
                "strongholds", "convoy", "convoys", "fighters", "militants", "targets"]


@lru_cache(maxsize=4)
def _side_matcher(vocab) -> Matcher:
    matcher = Matcher(vocab, validate=True)
    # "on their side", "on the Armenian side", "on its side"
    matcher.add("ON_SIDE", [[{"LOWER": "on"}, {"LOWER": {"IN": ["their", "its", "our", "his",
                                                                "her", "the"]}},
                             {"IS_ALPHA": True, "OP": "{0,2}"}, {"LOWER": "side"}]])
    # "strikes on IS positions, killing nine": the victims are the target's side
    matcher.add("TARGET", [[{"LOWER": {"IN": ["on", "against", "targeting", "targeted"]}},
                            {"LOWER": "the", "OP": "?"},
                            {"IS_ALPHA": True, "OP": "{1,5}"},
                            {"LOWER": {"IN": TARGET_NOUNS}}]])
    return matcher


def _victim_tokens(doc: Doc, binding: Binding) -> list[Token]:
    """The victims' phrase: from after the count to the noun, plus the noun's modifiers."""
    if binding.victim is None:
        return []
    v = binding.victim
    lo = binding.count.end if binding.count.end <= v.i else v.i
    tokens = [t for t in doc[lo:v.i + 1] if t._.geo_cnt == "O"]
    for child in v.children:
        if (child.dep_ in ("amod", "compound", "poss", "nmod") and child.i < v.i) or (
                child.dep_ == "prep" and child.lower_ in ("of", "from")):
            tokens.extend(t for t in subtree(child) if t._.geo_cnt == "O")
    if binding.count.end > v.i:  # a singular victim: its modifiers may be lost to the parse
        k = v.i - 1  # "kills DPR military serviceman - agency"
        while k >= 0 and v.i - k <= 3 and doc[k].pos_ in ("PROPN", "ADJ") and not (
                doc[k].i == binding.trigger.i if binding.trigger is not None else False):
            tokens.append(doc[k])
            k -= 1
    return sorted(set(tokens), key=lambda t: t.i)


def find_casualties(doc: Doc, sentences: list[Span], parties,
                    place_for: Callable, date_for: Callable,
                    article_date: Optional[str] = None,
                    headline: Optional[tuple[int, int]] = None,
                    home_state: Optional[str] = None) -> list[Casualty]:
    """Figures of ``sentences``; ``place_for(start, end, sent, anchors=tokens)`` places one
    (``geo.events.extract._Context.place_for``: anchors are its outcome word, victims and count).
    Each figure's kind (cumulative, incremental, incident, historical) comes from its wording
    (``geo.events.figure_kinds``); ``article_date`` tells a past year from the present.
    ``headline`` (character span of the headline in the text) lets the body's restatement of a
    headline figure stand for both (``merge_headline``). ``home_state`` is the party id of the
    country the article is set in (``geo.events.extract.home_state``)."""
    found: list[Casualty] = []
    tolls: set[int] = set()  # ids of the figures that are cumulative tolls / increments
    increments: set[int] = set()
    listed: set[int] = set()  # members of a list of singular victims: never restatements
    own_places: dict[int, Optional[str]] = {}
    previous_speaker: Optional[Speaker] = None
    speakers: list[Speaker] = []  # every figure's source so far, for "the source said"
    previous_start = -1  # where the sentence before this one starts
    quotes = quotations(doc, parties) if any(q in doc_text(doc) for q in OPENING) else []
    for k, sent in enumerate(sentences):
        counts = find_counts(sent)
        for tok in sent:
            tok._.geo_cnt = "O"
        for c in counts:
            for i in range(c.start, c.end):
                doc[i]._.geo_cnt = "B" if i == c.start else "I"
        counts_by_start = {c.start: c for c in counts}
        bindings = bind_by_patterns(doc, sent, counts_by_start)
        bind_lists(doc, counts, bindings)
        bound = {b.count.start for b in bindings}
        for c in counts:
            if c.start in bound or c.best == 0:  # a bare "no" binds only through a pattern
                continue
            if c.start > 0 and doc[c.start - 1].lower_ in INCLUDING and any(
                    b.count.start < c.start for b in bindings):
                continue  # "13 including two children, killed": a part of the bound figure
            binding = bind_by_parse(doc, c)
            if binding is not None and not counts_attacker(binding, bindings):
                bindings.append(binding)
        bindings.sort(key=lambda b: b.start)
        matches = [(doc.vocab.strings[m], doc[s + sent.start:e + sent.start])
                   for m, s, e in _side_matcher(doc.vocab)(sent)]
        on_side = [span for label, span in matches if label == "ON_SIDE"]
        targets = [span for label, span in matches if label == "TARGET"]
        last_victim: Optional[tuple[str, Optional[str]]] = None
        for b in bindings:
            if b.family == "restate":
                # "Shaam News Network put the number at 60": another source's figure for what
                # the sentence before counted; with no figure just before, no figure
                if not found or found[-1].sentence_start < previous_start:
                    continue
                b.outcome = found[-1].outcome
            speaker = speaker_of(b.trigger, parties, previous_speaker, sent)
            if speaker is not None and speaker.start < b.end and b.start < speaker.end:
                # the victims are never their own reporter
                speaker = according_to(sent, parties) or trailing_source(
                    sent, parties, b.end - 1) or headline_source(sent, parties)
                if speaker is not None and speaker.start < b.end and b.start < speaker.end:
                    speaker = None
            if speaker is None and quotes:  # a quotation's later sentence
                speaker = quoted_speaker(quotes, doc[b.start].idx, doc[b.end - 1].idx)
            speaker = named_before(speaker, speakers)
            if speaker is not None:
                speakers.append(speaker)
            if speaker is not None and speaker.party:
                previous_speaker = speaker
            reported_by = speaker.label if speaker else None
            reporter_party = speaker.party if speaker else None
            vt = [t for t in _victim_tokens(doc, b) if sent.start <= t.i < sent.end]
            victim = victim_category(vt) if vt else "unknown"
            # "42 people including seven children"; with no noun the count itself carries the
            # part: "clashes kill four, including three civilians", "a girl among six killed"
            named = b.victim if b.victim is not None else doc[b.count.end - 1] \
                if b.count.end > b.count.start else None
            if victim == "unknown" and named is not None and civilian_parts(named):
                victim = "civilian"
            elif victim == "unknown" and b.victim is None and b.outcome in (
                    "killed", "wounded") and armed_battle(sent):
                victim = "military"
            others = b.victim is not None and b.victim.lower_ in ("others", "more")
            party = party_in([t for t in vt if t.lower_ not in ("their", "its", "our", "his",
                                                                "her")], parties)
            if party is None and any(t.lower_ in ("their", "its", "our") and t.dep_ == "poss"
                                     for t in vt):
                party = reporter_party
            if party is None and on_side:
                side = on_side[0]
                # "on their side" is the reporter's; "on the other side" is not, and names
                # no party: leave it unknown rather than give it to the reporter
                other = any(t.lower_ in OTHER_SIDE for t in side)
                party = party_in(list(side), parties) or (None if other else reporter_party)
            if party is None and (b.victim is None or victim == "unknown"):
                # "three strikes on IS positions ... killing nine": the target's fighters
                target = next((t for t in targets if t.end <= b.start), None)
                party = party_in(list(target[:-1]), parties) if target is not None else None
                if party is not None and victim == "unknown":
                    victim = "military"
            if party is None and b.party_from_subject is not None:
                # the loser is the victims' side: "Ukraine lost 3 soldiers"
                subj = subject_of(b.party_from_subject, sent)
                if subj is not None:
                    party = party_in([t for t in subtree(subj)
                                      if sent.start <= t.i < sent.end], parties) or (
                        reporter_party if subj.lower_ in ("it", "they", "we") else None)
            if party is None and b.extras.get("share_with") is not None:
                head = b.extras["share_with"]
                party = party_in([t for t in doc[head.left_edge.i:head.i + 1]
                                  if t.i >= sent.start and t.tag_ != "PRP$"], parties)
            if others and victim == "unknown" and found and last_victim is None:
                # "... killed 16 civilians. Six others were killed": the group just counted
                victim, party = found[-1].victim, party or found[-1].party
            if (b.victim is None or others) and last_victim is not None:
                # "Three servicemen killed, 17 wounded": the bare figure shares the victims
                victim, party = (victim if victim != "unknown" else last_victim[0],
                                 party or last_victim[1])
            if party is None and reporter_party and b.victim is not None:
                lemma = b.victim.lemma_.lower()
                if home_state and parties.side_of(reporter_party) == home_state:
                    # SANA counts for Syria in a story set in Syria: it speaks as the state
                    reporter_party = home_state
                own_state = parties.side_of(reporter_party) == reporter_party
                if lemma in STATE_FORCES or b.victim.lower_ in STATE_FORCES or (
                        lemma in NONSTATE_FORCES and not own_state):
                    # a reporter's bare noun for soldiers is its own forces, a state's or a
                    # non-state authority's with an army of its own ("DPR reports three
                    # servicemen killed"); the other side's are named ("Ukrainian servicemen")
                    party = reporter_party
                elif own_state and (lemma in NONSTATE_FORCES
                                    or b.victim.lower_ in NONSTATE_FORCES):
                    # "Ukraine says 300 separatists killed": the other side's fighters
                    party = nonstate_opponent(parties, reporter_party, lemma)
            if party is None and b.victim is not None and victim == "military":
                # "opposition forces killed a pilot", "20 soldiers killed by rebels": the
                # victims are the attacker's enemy (``enemy_of_attacker``)
                party = enemy_of_attacker(b, sent, parties, home_state)
            if party is None and b.victim is not None and victim == "military":
                # (not "four of its soldiers": someone else's, whoever "its" is)
                possessed = any(t.tag_ == "PRP$" for t in vt)
                party = None if possessed else held_by(b, sent, parties) or land_forces(
                    b, sent, parties, home_state)
            if party is None and home_state and b.victim is not None and (
                    b.victim.lemma_.lower() in NONSTATE_FORCES
                    or b.victim.lower_ in NONSTATE_FORCES) and not (
                    reporter_party and parties.side_of(reporter_party) != reporter_party):
                # "Two rebels killed in shelling" in a story set in Ukraine: the one non-state
                # side fighting on that state's soil (none when several could be meant)
                party = nonstate_opponent(parties, home_state, b.victim.lemma_.lower())
            if party is None and home_state and victim == "military":
                party = home_opposition(vt, parties, home_state)
            if party is None and b.victim is not None and found \
                    and found[-1].sentence_start == sent.start_char and found[-1].party:
                # "Five Ukrainian soldiers, two rebels killed": the rebels listed beside a
                # state's soldiers are the non-state side fighting that state
                party = listed_opponent(parties, found[-1].party, b.victim)
            last_victim = (victim, party)
            c = b.count
            span = doc[b.start:b.end]
            # the figure's anchors for choosing its place: outcome word, victims, count
            anchors = [t for t in (b.trigger, b.victim, doc[c.start] if c.end > c.start
                                   else None) if t is not None and sent.start <= t.i < sent.end]
            place = place_for(span.start_char, span.end_char, sent, anchors=anchors)
            kind = figure_kind(b.trigger, doc[c.start:c.end], sent, increment=c.increment,
                               toll=b.toll, article_date=article_date)
            found.append(Casualty(
                outcome=b.outcome, count_best=c.best, qualifier=c.qualifier, victim=victim,
                party=party, reported_by=reported_by, start=span.start_char,
                end=span.end_char, count_low=c.low, count_high=c.high,
                vague_word=c.vague_word, sentence=sent.text.strip(),
                sentence_start=sent.start_char, place=place[0], lat=place[1], lon=place[2],
                date=date_for(b.trigger, sent),
                reported_by_text=speaker.text if speaker else None,
                figure_kind=kind, **attack_fields(b, sent, parties, victim, party, speaker,
                                                  kind)))
            # where the sentence itself places the figure (None: the article's main place)
            own_places[id(found[-1])] = place[3] if len(place) > 3 else place[0]
            if b.extras.get("listed"):
                listed.add(id(found[-1]))
            if b.toll:
                tolls.add(id(found[-1]))
            if c.increment:
                increments.add(id(found[-1]))
        previous_start = sent.start_char
        if k > 0:
            source_ahead([f for f in found if f.sentence_start == sentences[k - 1].start_char],
                         sent, parties)
    found = merge_headline(found, headline, parties)
    return reconcile(found, parties, tolls, increments, own_places, listed)


def named_before(speaker: Optional[Speaker], earlier: list[Speaker]) -> Optional[Speaker]:
    """"The source added that 9 persons were injured": a bare definite noun is the source named
    before with that noun ("a source at Damascus Police Command"); a bare "a report" or "the
    report" names no one."""
    words = speaker.text.lower().split() if speaker is not None and not speaker.party else []
    if len(words) != 2 or words[0] not in ("the", "a", "an"):
        return speaker
    fuller = next((e for e in reversed(earlier) if words[1] in e.text.lower().split()
                   and len(e.text.split()) > 2), None)
    if fuller is not None and words[0] == "the":
        return Speaker(fuller.party, fuller.text, speaker.start, speaker.end)
    return None if words[1] in REPORT_NOUNS else speaker


CLASHES = {"clashes", "clash", "fighting", "firefight", "skirmishes", "gunfight", "shootout"}


def armed_battle(sent: Span) -> bool:
    """"Fierce clashes between Nusra Front and ISIL ... claiming at least 10 killed", "35 Dead
    in Terrorist Battle": a bare count of a battle between armed sides counts their fighters
    (not "Ukraine clashes kill 8", which may count bystanders too)."""
    return any(t.lower_ in ("battle", "battles") or t.lower_ in CLASHES and any(
        n.lower_ == "between" for n in t.doc[t.i + 1:min(t.i + 5, sent.end)]) for t in sent)


# What a sentence calls the event just told ("the strike", "those killed"): it goes on with it.
BACK_REFERENCES = {"the", "this", "these", "those"}


def source_ahead(figures: list[Casualty], nxt: Span, parties) -> None:
    """"At least 19 civilians were killed in an air raid on Wednesday. The Observatory said
    it was unclear who had carried out the strike": a figure with no source of its own takes
    the source of the next sentence when that sentence reports on the same event (a
    determiner before an event noun, "those killed")."""
    if not figures or all(f.reported_by is not None for f in figures):
        return
    if not any(t.lower_ in BACK_REFERENCES and (t.head.lemma_.lower() in EVENT_NOUNS + [
            "raid", "airstrike"] or t.lower_ == "those" and t.i + 1 < nxt.end
            and t.nbor(1).lower_ in ("killed", "wounded", "injured", "dead")) for t in nxt):
        return
    speaker = report_speaker(nxt, parties)
    if speaker is None or not speaker.party:
        return
    for f in figures:
        if f.reported_by is None:
            f.reported_by, f.reported_by_text = speaker.label, speaker.text


# Attackers named by a common noun: insurgents on the state's soil, or its own forces.
REBEL_ATTACKERS = NONSTATE_FORCES | {"opposition", "insurgency", "jihadists"}
STATE_ATTACKERS = {"army", "troops", "forces", "military", "soldiers", "units", "regime",
                   "government", "aircraft", "warplanes", "jets", "aviation", "artillery",
                   "pro-government", "pro-kiev", "pro-kyiv"}


def enemy_of_attacker(b: Binding, sent: Span, parties, home_state: str) -> Optional[str]:
    """The victims' side from their attacker in a story set in ``home_state``: the state's
    soldiers killed by insurgents are the state's ("the opposition killed 20 army troops"),
    insurgents killed by the state's forces are the one non-state side on its soil
    (``nonstate_opponent``, none when several could be meant)."""
    attacker = attacking_token(b, sent)
    if attacker is None:
        return None
    # the attacker's noun and what precedes it ("the Syrian army"), not its place ("rebels
    # near Donetsk")
    words = [t for t in subtree(attacker) if sent.start <= t.i <= attacker.i]
    named = party_in(words, parties)
    side = parties.side_of(named) if named else None
    state_named = side is not None and parties.get(side) is not None \
        and parties.get(side).country_code is not None
    lemma, lower = b.victim.lemma_.lower(), b.victim.lower_
    # "opposition forces", "rebel fighters", "the militants", "rebel shelling"
    rebel = (named is not None and not state_named) or (named is None and any(
        t.lower_ in REBEL_ATTACKERS or t.lemma_.lower() in REBEL_ATTACKERS for t in words))
    if (lemma in STATE_FORCES or lower in STATE_FORCES) and rebel and home_state \
            and side != parties.side_of(home_state):
        return home_state
    # a state's forces ("Ukrainian shelling", "the army", "government troops") kill the one
    # non-state side on that state's soil (``nonstate_opponent``: none abroad or when
    # several could be meant)
    state = side if state_named else (home_state if named is None and not rebel and any(
        t.lower_ in STATE_ATTACKERS for t in words) else None)
    if state and (lemma in NONSTATE_FORCES or lower in NONSTATE_FORCES):
        return nonstate_opponent(parties, state, lemma)
    return None


def listed_opponent(parties, listed_party: str, victim: Token) -> Optional[str]:
    """The non-state side a state fights (``nonstate_opponent``), for rebels counted in one
    list with that state's soldiers; None when the listed party is no state or the noun is
    no rebel's."""
    lemma = victim.lemma_.lower()
    if lemma not in NONSTATE_FORCES and victim.lower_ not in NONSTATE_FORCES:
        return None
    state = parties.get(parties.side_of(listed_party))
    if state is None or state.country_code is None:
        return None
    return nonstate_opponent(parties, state.id, lemma)


def home_opposition(words: list[Token], parties, home_state: str) -> Optional[str]:
    """"38 opposition fighters killed" in a story set in Syria: the party the table calls that
    country's opposition ("Syrian opposition"), if it has one."""
    if not any(t.lower_ == "opposition" for t in words):
        return None
    home = parties.get(home_state)
    for name in home.names if home is not None else []:
        if len(name.split()) == 1 and name[:1].isupper():
            found = parties.match(f"{name} opposition")
            if found and parties.side_of(found) != parties.side_of(home_state):
                return found
    return None


def held_by(b: Binding, sent: Span, parties) -> Optional[str]:
    """"Nine militiamen killed in DPR south", "one militia killed in Donetsk Republic": rebel
    fighters killed in the territory of a non-state party are that party's."""
    lemma, lower = b.victim.lemma_.lower(), b.victim.lower_
    if b.trigger is None or not (lemma in NONSTATE_FORCES or lower in NONSTATE_FORCES):
        return None
    return _party_of_the_place(b, sent, parties, state=False)


def _party_of_the_place(b: Binding, sent: Span, parties, state: bool) -> Optional[str]:
    """The party the outcome's place names ("killed in DPR south", "in east Ukraine"): a
    state (``state``) or a non-state party, else None."""
    for prep in b.trigger.children:
        if prep.dep_ == "prep" and prep.lower_ in ("in", "near", "at", "outside"):
            # the place's own words ("in DPR south"), not what hangs off it ("in fighting
            # with Nusra Front": the enemy)
            named = party_in(_place_words(prep, sent), parties)
            party = parties.get(named) if named else None
            if party is not None and bool(party.country_code) == state:
                return named
    return None


def land_forces(b: Binding, sent: Span, parties, home_state: Optional[str]) -> Optional[str]:
    """"Two soldiers killed in east Ukraine": a state's soldiers, unnamed, killed in a country
    (named at the outcome, else the country the article is set in) are that country's own."""
    lemma, lower = b.victim.lemma_.lower(), b.victim.lower_
    if b.trigger is None or not (lemma in STATE_FORCES or lower in STATE_FORCES):
        return None
    return _party_of_the_place(b, sent, parties, state=True) or home_state


def _place_words(prep: Token, sent: Span) -> list[Token]:
    """The words of the place a locative preposition names ("in DPR south", "in eastern
    Ukraine", "in east Ukraine clashes"), without what hangs off it ("in fighting with Nusra
    Front"); none for an attack, whose modifier is the attacker ("in Russian helicopter
    attack")."""
    words = [t for c in prep.children if c.dep_ == "pobj" for t in subtree(c)
             if t.i <= c.i and sent.start <= t.i < sent.end]
    return [] if any(t.lemma_.lower() in ATTACKS for t in words) else words
