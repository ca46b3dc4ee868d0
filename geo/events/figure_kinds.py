"""What a casualty figure counts, from its wording (``records.FIGURE_KINDS``).

- ``incremental``: an addition to an earlier figure ("two more soldiers", "another three").
- ``cumulative``: a running total ("so far", "in total", "a total of", "to date", "since the
  fighting began", "the death toll rose to 48", "bringing the number of dead to 21"), or a
  present-perfect outcome with no incident named ("47 soldiers have been killed").
- ``historical``: a past year's or war's toll ("30,000 died in the 1990s war", "in 2016"):
  never part of a current toll.
- ``incident``: the losses of one strike, clash or day ("killed in the shelling of X", "when a
  shell hit", "on Tuesday"), and any other figure: a past-tense report of deaths is an event.

The cues are looked for in the figure's own clause: the outcome word's subtree and the phrases
that govern the count (so "The army said 47 soldiers have been killed so far" is cumulative while
"...said on Monday, after the strike killed three" is not). Cue words are token patterns
(``CUE_PATTERNS``), one label per rule, each tested in ``tests/test_figure_kinds.py``.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Iterable, Optional

from spacy.matcher import Matcher
from spacy.tokens import Span, Token

from geo.events.dates import latest_day, parse_iso
from geo.nlp import subtree
from geo.records import Casualty

EVENT_NOUNS = ["attack", "strike", "airstrike", "air", "shelling", "bombardment", "explosion",
               "blast", "clash", "ambush", "raid", "bombing", "crash", "shootout", "firefight",
               "assault", "incident", "battle", "skirmish", "mortar", "rocket", "missile",
               "drone", "shell", "mine", "landmine", "artillery", "fire", "shooting",
               "gunfight", "offensive", "barrage", "bomb", "grenade", "sniper", "blaze",
               "collision", "operation", "raid", "firing", "exchange", "massacre"]
DAY_WORDS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
             "yesterday", "today", "overnight", "tonight"]
DAYTIME = ["morning", "dawn", "midnight", "today", "yesterday", "tonight", "noon", "daybreak"]

PERIOD_UNITS = ["week", "weekend", "month", "day", "days", "hours", "weeks", "months"]
TOTAL_NEXT = ["of", "number", "toll", "to", "death", "deaths", "casualties", "losses", "dead",
              "killed", "stands", "reached", "rose"]

# Labels: "<kind>:<rule>". A "cumulative" cue wins over everything but an increment; a "weak"
# running-total cue ("a total of", "in all") loses to a named incident ("a total of 13 were
# killed in the strike on Ganja" is that strike's toll).
CUE_PATTERNS: dict[str, list[list[dict]]] = {
    # running totals
    "cumulative:so_far": [[{"LOWER": {"IN": ["so", "thus"]}}, {"LOWER": "far"}],
                          [{"LOWER": "to"}, {"LOWER": "date"}],
                          [{"LOWER": "all"}, {"LOWER": "told"}]],
    "cumulative:toll": [[{"LOWER": "toll"}], [{"LOWER": "tally"}]],
    # "since the fighting began", "since March 8", but not "since early morning" (one day)
    "cumulative:since": [[{"LOWER": "since"},
                          {"LOWER": {"NOT_IN": DAYTIME + ["early", "this", "last"]}}],
                         [{"LOWER": "since"}, {"LOWER": {"IN": ["early", "this", "last"]}},
                          {"LOWER": {"NOT_IN": DAYTIME}}]],
    "cumulative:as_of": [[{"LOWER": "as"}, {"LOWER": "of"}]],
    "weak:in_total": [[{"LOWER": "in"}, {"LOWER": {"IN": ["total", "all"]}}],
                      [{"LOWER": {"IN": ["altogether", "overall", "cumulatively"]}}],
                      # "a total of", "the total number", "taking the total to": not "total
                      # destruction", "combined drone attack"
                      [{"LOWER": "total"}, {"LOWER": {"IN": TOTAL_NEXT}}]],
    # one incident
    "incident:event": [[{"LOWER": {"IN": ["in", "during", "after", "from", "by", "under"]}},
                        {"POS": {"IN": ["DET", "ADJ", "PROPN", "NUM", "NOUN", "ADP"]},
                         "OP": "{0,4}"},
                        {"LEMMA": {"IN": EVENT_NOUNS}}]],
    "incident:subject": [[{"LEMMA": {"IN": EVENT_NOUNS}, "DEP": {"IN": ["nsubj", "compound"]}}]],
    "incident:when": [[{"LOWER": "when"}]],
    "incident:day": [[{"LOWER": {"IN": ["on", "last", "early", "late", "this"]}, "OP": "?"},
                      {"LOWER": {"IN": DAY_WORDS}}],
                     [{"LOWER": {"IN": ["last", "this"]}},
                      {"LOWER": {"IN": ["night", "morning", "evening", "afternoon"]}}],
                     [{"LOWER": "since"}, {"LOWER": {"IN": ["early", "this", "last"]}, "OP": "?"},
                      {"LOWER": {"IN": DAYTIME}}]],
    # a period's count: "this week", "over the past 24 hours", "in the last three days"
    "incident:period": [[{"LOWER": {"IN": ["this", "past", "last", "previous"]}},
                         {"LIKE_NUM": True, "OP": "?"}, {"LOWER": {"IN": PERIOD_UNITS}}]],
    # a past war's or year's toll with no year written
    "historical:past": [[{"LOWER": "last"}, {"LOWER": "year"}],
                        [{"LIKE_NUM": True}, {"LOWER": {"IN": ["years", "decades"]}},
                         {"LOWER": "ago"}],
                        # "the year before", "a year earlier"
                        [{"LOWER": {"IN": ["year", "years", "decade", "decades"]}},
                         {"LOWER": {"IN": ["before", "earlier", "prior"]}}],
                        [{"LOWER": {"IN": ["previous", "first", "last", "earlier", "former"]}},
                         {"POS": {"IN": ["PROPN", "ADJ", "NOUN"]}, "OP": "{0,2}"},
                         {"LOWER": {"IN": ["war", "conflict"]}}]],
}
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)s?\b")


@lru_cache(maxsize=4)
def _matcher(vocab) -> Matcher:
    matcher = Matcher(vocab)
    for label, patterns in CUE_PATTERNS.items():
        matcher.add(label, patterns)
    return matcher


SEPARATE_CLAUSES = ("conj", "ccomp", "parataxis", "relcl", "csubj", "advcl")


def _separate(child: Token) -> bool:
    """A clause of its own hanging from the outcome verb ("..., taking the total to 63",
    "while Azerbaijan said ... so far"); an adverbial clause opened by "since" is the
    figure's period ("have been killed since the fighting began") and stays."""
    if child.dep_ not in SEPARATE_CLAUSES:
        return False
    return not (child.dep_ == "advcl" and any(c.lower_ == "since" for c in child.children))


def clause_tokens(trigger: Token, count_tokens: Iterable[Token], sent: Span) -> set[int]:
    """Token indices of the figure's own clause: the subtree of the verb that carries the
    outcome (the outcome word itself, or the verb above an outcome noun: "claimed the lives of
    4,288 from 2008 to 2009"), without the other clauses hanging from it ("Talks have failed so
    far, and a strike killed 11"), plus the words that govern the count up to the first verb
    ("bringing the number of dead to 21")."""
    inside = lambda t: sent.start <= t.i < sent.end  # noqa: E731
    verb = trigger
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i and inside(verb.head):
        verb = verb.head
    if verb.pos_ not in ("VERB", "AUX"):
        verb = trigger
    keep = {trigger.i} | {t.i for t in count_tokens}  # the figure itself

    def without_other_clauses(head: Token) -> set[int]:
        idx = {head.i}
        for child in head.children:
            sub = {t.i for t in subtree(child)}
            if not (_separate(child) and not sub & keep):
                idx |= sub
        return idx

    idx = without_other_clauses(verb) | without_other_clauses(trigger)
    for tok in count_tokens:
        head = tok
        while head.head.i != head.i and inside(head.head):
            head = head.head
            idx.add(head.i)
            if head.pos_ in ("VERB", "AUX"):
                if head.i != verb.i:
                    # "66 killed in 2014 along with 119 kidnapped": the verb the count hangs
                    # from dates it too
                    idx |= {t.i for c in head.children if c.dep_ == "prep"
                            and c.lower_ in ("in", "on", "during") for t in subtree(c)}
                break
    # a participle heading a noun ("soldiers killed so far"): its clause is the noun's too
    if trigger.dep_ in ("acl", "amod") and inside(trigger.head):
        idx |= {t.i for t in subtree(trigger.head)}
    return {i for i in idx if sent.start <= i < sent.end}


def _present_perfect(trigger: Token) -> bool:
    """"have been killed", "has died": the outcome verb with a present-tense 'have'."""
    return any(child.dep_ in ("aux", "auxpass") and child.lemma_ == "have"
               and child.tag_ in ("VBP", "VBZ") for child in trigger.children)


def cues(trigger: Token, count_tokens: Iterable[Token], sent: Span) -> list[tuple[str, int]]:
    """(label, token index) of every cue in the figure's clause, in text order."""
    clause = clause_tokens(trigger, list(count_tokens), sent)
    out = []
    for match_id, start, end in _matcher(sent.doc.vocab)(sent):
        label = sent.doc.vocab.strings[match_id]
        if any(sent.start + i in clause for i in range(start, end)):
            out.append((label, sent.start + start))
    return sorted(set(out), key=lambda x: x[1])


# Losses more than about a month before the article are history, not news (the FA-KES
# adjudication): "in April" in an October article, "on June 19" in an August one.
HISTORY_DAYS = 28


def _past_years(sent: Span, clause: set[int], article_year: Optional[int],
                article_date: Optional[str] = None) -> bool:
    if article_year is None:
        return False
    base = parse_iso(article_date)
    dated = [e for e in sent.ents if e.label_ == "DATE" and any(t.i in clause for t in e)]
    doc = sent.doc
    for ent in sent.ents:
        # the clause's own dates; with none, a date opening the sentence ("In September 2014
        # ... an explosion that killed nearly 50") dates it, and so does a date that a
        # "when" clause of the figure follows ("including on June 19 when six were killed")
        opening = not dated and (ent.start - sent.start <= 3 or (
            ent.end < sent.end and doc[ent.end].lower_ == "when" and ent.end in clause))
        if ent.label_ not in ("DATE", "EVENT") or not (
                any(t.i in clause for t in ent) or opening):
            continue
        years = [int(y) for y in _YEAR.findall(ent.text)]
        if years and max(years) < article_year:
            return True
        if base is not None and ent.label_ == "DATE" and not _opens_period(ent):
            last = latest_day(ent.text, article_date)
            if last is not None and (base - last).days > HISTORY_DAYS:
                return True
    return False


def _opens_period(ent: Span) -> bool:
    """"since April", "from May": the start of a running total, not the event's date."""
    before = ent.doc[ent.start - 1] if ent.start > 0 else None
    return before is not None and before.lower_ in ("since", "from", "until", "till")


def figure_kind(trigger: Token, count_tokens: Iterable[Token], sent: Span, *,
                increment: bool = False, toll: bool = False,
                article_date: Optional[str] = None) -> str:
    """One of ``records.FIGURE_KINDS`` for a figure whose outcome word is ``trigger``."""
    if increment:
        return "incremental"
    count_tokens = [t for t in count_tokens if sent.start <= t.i < sent.end]
    found = cues(trigger, count_tokens, sent)
    doc = sent.doc
    # "the toll of the attack on Ganja": one incident's toll, not the war's
    event_tolls = {i for label, i in found if label == "cumulative:toll" and _event_toll(doc[i])}
    if toll and not event_tolls:
        event_tolls = {t.i for t in [trigger, *subtree(trigger)]
                       if t.lower_ in ("toll", "tally") and _event_toll(t)}
    found = [(label, i) for label, i in found if i not in event_tolls]
    labels = {label.split(":")[0] for label, _ in found}
    if (toll and not event_tolls) or "cumulative" in labels:
        return "cumulative"
    year = int(article_date[:4]) if article_date and article_date[:4].isdigit() else None
    if "historical" in labels or _past_years(sent, clause_tokens(trigger, count_tokens, sent),
                                             year, article_date) or _named_event(trigger):
        return "historical"
    if event_tolls or "incident" in labels:
        return "incident"
    if "weak" in labels or _present_perfect(trigger):
        return "cumulative"
    return "incident"


NAMED_EVENTS = {"massacre", "war", "attack", "bombing", "siege"}


def _named_event(trigger: Token) -> bool:
    """"blamed France for the Ghouta Massacre that claimed the lives of over 1127": the toll
    of an event the text calls by its proper name, in passing (the object of another verb or
    preposition), is that earlier event's, not the news."""
    verb = trigger.head if trigger.dep_ == "dobj" else trigger  # "claimed the lives of"
    event = verb.head
    return verb.dep_ == "relcl" and event.lemma_.lower() in NAMED_EVENTS \
        and event.text[:1].isupper() and event.dep_ in ("pobj", "dobj") and any(
            c.dep_ == "compound" and c.text[:1].isupper() for c in event.children)


def _event_toll(toll: Token) -> bool:
    """"the toll of the attack on Ganja", "Death toll from Odessa violence": one incident's."""
    for prep in toll.children:
        if prep.dep_ == "prep" and prep.lower_ in ("of", "from", "in"):
            if any(t.lemma_.lower() in EVENT_NOUNS + ["violence", "unrest", "riot", "fire"]
                   for t in subtree(prep)):
                return True
    return False


# --- one statement, one figure: the figures of one article together -------------------------

def _restates(h: Casualty, c: Casualty, side) -> bool:
    """Whether ``c`` can be the same statement as the headline's ``h``: same outcome and count,
    victims and party alike or left open in one of them."""
    if h.outcome != c.outcome:
        return False
    if h.count_best is None or c.count_best is None:
        same_count = h.count_best == c.count_best and (h.vague_word or "") == (c.vague_word
                                                                              or "")
    else:
        same_count = h.count_best in (c.count_best, c.count_low)
    return same_count and (h.victim == c.victim or "unknown" in (h.victim, c.victim)) and (
        h.party is None or c.party is None or side(h.party) == side(c.party))


def restates(e: Casualty, c: Casualty, side) -> bool:
    """Whether the later ``c`` can restate the earlier ``e``: the same figure (whoever gives
    it: one source is often named two ways, "Carter" and "the United States"), or the same
    number of three or more (one or two victims often recur in distinct events) with victims
    and party alike or open in one (``_restates``), from the same source or one left unnamed
    (two sources' figures are two statements)."""
    key = (lambda f: (f.outcome, f.victim, side(f.party), f.count_best, f.count_low,
                      f.qualifier))
    same_source = e.reported_by is None or c.reported_by is None \
        or e.reported_by == c.reported_by
    # "Three people were also killed in another town": a new event, whatever its number
    other = bool(ANOTHER.search(c.sentence)) and c.sentence_start != e.sentence_start
    return key(e) == key(c) or same_source and not other and c.count_best >= 3 \
        and e.count_best == c.count_best and _restates(e, c, side)


def merge_headline(casualties: list[Casualty], headline: Optional[tuple[int, int]],
                   parties=None) -> list[Casualty]:
    """One statement, one figure: a headline figure restated in the body ("Air raids kill 11
    civilians ... At least 11 civilians were killed") is the body's figure, which takes what
    only the headline said (victims, party); a headline figure the body does not restate
    stays. Two different incidents are never merged: the counts must agree."""
    if not headline or not casualties:
        return casualties
    side = (lambda p: parties.side_of(p)) if parties is not None else (lambda p: p)
    start, end = headline
    drop: set[int] = set()
    for h in casualties:
        if not (start <= h.start < end):
            continue
        body = next((c for c in casualties if c.start >= end and id(c) not in drop
                     and _restates(h, c, side)), None)
        if body is None:
            continue
        fill_from(body, h)
        drop.add(id(h))
    return [c for c in casualties if id(c) not in drop]


ANOTHER = re.compile(r"\b(another|other|separate)\b", re.I)
RESTATED_WITHIN_KM = 50  # a restatement's place this near the first one's: the same area


def reconcile(casualties: list[Casualty], parties=None, tolls: frozenset | set = frozenset(),
              increments: frozenset | set = frozenset(),
              places: Optional[dict[int, Optional[str]]] = None,
              listed: frozenset | set = frozenset()) -> list[Casualty]:
    """One article counts each loss once.

    - a repeated figure (same outcome, victims, party and number) at the same place is kept
      once (a vague word is never a repetition); a restatement that names no place of its
      own ("the 14 civilians killed ...") repeats the same figure wherever that was. The same
      figure at two different places ("killed 5 civilians in Donetsk ... killed 5 civilians
      in Aleppo") is two events;
    - one statement, one figure: a number of three or more restated in a later sentence (the
      lede's "killing at least 17", the body's "the Observatory said 17 people were killed")
      is one figure when victims and party agree or are open in one, the sources agree or one
      is unnamed (``restates``), and the places agree, one is a country or they lie within
      ``RESTATED_WITHIN_KM``; the first keeps what only the restatement says (victims, party,
      source);
    - a death toll ("the toll rose to 48") is cumulative: within its outcome, party and place
      it replaces the earlier figures it includes and any increments ("two more soldiers
      died"), and the latest toll replaces earlier tolls.

    ``places`` maps ``id(casualty)`` to the key of the place its own sentence names (None: no
    place of its own); without it, ``Casualty.place`` is the key. ``listed`` holds the ids of
    the members of a list of singular victims ("child, man killed": two figures of 1, never a
    repetition).
    """
    side = (lambda p: parties.side_of(p)) if parties is not None else (lambda p: p)

    def where(c: Casualty) -> Optional[str]:
        return places.get(id(c)) if places is not None else c.place

    def same_place(a: Casualty, b: Casualty) -> bool:
        pa, pb = where(a), where(b)
        return pa is None or pb is None or pa == pb

    def near(a: Casualty, b: Casualty) -> bool:  # a town and its province ("in Raqqa")
        if None in (a.lat, a.lon, b.lat, b.lon):
            return False
        dy, dx = a.lat - b.lat, (a.lon - b.lon) * math.cos(math.radians(a.lat))
        return math.hypot(dx, dy) * 111.2 <= RESTATED_WITHIN_KM

    def country(c: Casualty) -> bool:  # a country holds the towns a restatement may name
        found = parties.match(c.place) if parties is not None and c.place else None
        return found is not None and parties.get(found).country_code is not None

    out: list[Casualty] = []
    tolls = set(tolls)
    for c in casualties:
        # a vague word repeated ("scores of terrorists" in two sentences) says nothing of
        # being the same figure: only a number can be restated
        first = None if c.count_best in (None, 0) or id(c) in listed else next(
            (e for e in out if restates(e, c, side) and not (
                id(e) in listed and e.sentence_start == c.sentence_start) and (
                same_place(c, e) or c.count_best >= 3 and (country(c) or country(e)
                                                            or near(c, e)))), None)
        if first is None:
            out.append(c)
            continue
        # one statement, one figure: the lede's "killing at least 17" and the body's "the
        # Observatory said 17 were killed" are one figure with what each of them says
        fill_from(first, c)
        if id(c) in tolls:
            tolls.add(id(first))
    toll_figures = [c for c in out if id(c) in tolls]
    if not toll_figures:
        return out
    drop: set[int] = set()
    for toll in toll_figures:
        for c in out:
            if c is toll or c.outcome != toll.outcome or not same_place(c, toll):
                continue
            if toll.party and c.party and side(c.party) != side(toll.party):
                continue
            if toll.reported_by and c.reported_by and toll.reported_by != c.reported_by:
                continue  # two sources' figures stand side by side, neither replaces the other
            included = (c.count_best or c.count_low or 0) <= (toll.count_best or toll.count_low
                                                              or 0)
            if id(c) in tolls:
                if c.start < toll.start:
                    drop.add(id(c))
            elif id(c) in increments or (included and c.start < toll.start):
                drop.add(id(c))
    return [c for c in out if id(c) not in drop]


def fill_from(kept: Casualty, restatement: Casualty) -> None:
    """What only a restatement of ``kept``'s statement says: its victims, party and source."""
    if kept.victim == "unknown":
        kept.victim = restatement.victim
    kept.party = kept.party or restatement.party
    if kept.reported_by is None:
        kept.reported_by, kept.reported_by_text = (restatement.reported_by,
                                                   restatement.reported_by_text)
