"""Names listed with places the article already placed: 'in Kyiv, Kharkiv, Bakhmut and
Avdiivka', 'between Aleppo and Manbij', 'from Aleppo Raqqa and Homs' (a text without commas).

The small model often calls the smaller towns of such a list an organisation or a person, and
a town of a few thousand people is in no phrase matcher. A list item is a place when the
gazetteer knows it (by name, or by a transliteration variant: the list is its context) in the
country of its placed list neighbours; in an English-speaking country (US local news: 'Smith,
Jones and ...') only within LIST_NEAR_KM of one of them.
"""
from __future__ import annotations

from typing import Optional

from spacy.tokens import Doc, Span

from geo.nlp import doc_text
from geo.places.context import english_speaking
from geo.places.gazetteer import Candidate, Gazetteer
from geo.places.geodesy import haversine_km
from geo.places.mentions import (AFTER_CHARS, DETERMINER, SEPARATORS, Mention, lookup,
                                 modifier, names_a_person, says_unit, surnames_of)
from geo.places.names import normalize
from geo.places.variants import variant_candidates
from geo.places.words import COMMON_WORDS, GENERIC, is_stop
from geo.records import Article, Place

# Arabic articles and hyphens inside a name ('Maarat al - Numan' as the tokenizer cuts it).
CONNECTORS = {"al", "el", "ar", "an", "as", "ad", "az", "ez", "es", "at", "ash", "-", "‐", "‑"}
MAX_ITEM_TOKENS = 6
LIST_NEAR_KM = 150.0  # an English-speaking country's listed town: this near a neighbour
# A list item the model calls a person needs this many placed neighbours ('in Wuhan, Zhang
# Wei' is a man; 'Mariupol, Bakhmut, Avdiivka, Izium' a list of towns),
PERSON_NEIGHBOURS = 2
# or one placed neighbour and a town of this many people near it ('Donetsk and Gorlovka')
PERSON_TOWN_POPULATION = 10_000
NEIGHBOURS = 3  # the placed members nearest in the list an item is compared with
LOCAL = ("city", "admin1", "admin2")
NOT_NAMES = {"DATE", "TIME", "NORP", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}
# The last item of a list that is the subject or possessor of what follows is no town ('took
# Aleppo and Assad said', 'Aleppo and Assad's forces').
SUBJECT_DEPS = {"nsubj", "nsubjpass", "poss"}


def _name_token(t) -> bool:
    return t.text[:1].isupper() and not t.is_punct and t.lower_ not in SEPARATORS


def _in_name(doc: Doc, j: int, edge: bool) -> bool:
    """Token ``j`` may be part of a list item's name: a capitalised word that is no date or
    demonym ('Monday', 'Syrian'), or inside a name (not at its ``edge``) an Arabic article or
    a hyphen ('Maarat al - Numan')."""
    t = doc[j]
    if t.ent_type_ in NOT_NAMES:
        return False
    return _name_token(t) or (not edge and t.lower_ in CONNECTORS)


def _run_right(doc: Doc, i: int) -> int:
    """End of the run of name tokens that starts at token ``i`` (``i`` when none)."""
    j = i
    while j < len(doc) and j - i < MAX_ITEM_TOKENS and _in_name(doc, j, j == i):
        j += 1
    while j > i and not _name_token(doc[j - 1]):
        j -= 1
    return j


def _run_left(doc: Doc, j: int) -> int:
    """Start of the run of name tokens that ends before token ``j``."""
    i = j
    while i > 0 and j - i < MAX_ITEM_TOKENS and _in_name(doc, i - 1, i == j):
        i -= 1
    while i < j and not _name_token(doc[i]):
        i += 1
    return i


def _separator_after(doc: Doc, j: int) -> int:
    """Token index after a list separator (',', 'and', ', and', 'or') at ``j``; ``j`` if none."""
    k = j
    while k < len(doc) and k - j < 2 and doc[k].lower_ in SEPARATORS:
        k += 1
    return k


def _separator_before(doc: Doc, i: int) -> int:
    k = i
    while k > 0 and i - k < 2 and doc[k - 1].lower_ in SEPARATORS:
        k -= 1
    return k


class _List:
    """One list being read: its placed members and the items found so far."""

    def __init__(self, doc, article, gazetteer, taken, party_spans, surnames, person_at):
        self.doc, self.article, self.gazetteer = doc, article, gazetteer
        self.text = doc_text(doc)
        self.taken, self.party_spans = taken, party_spans
        self.surnames, self.person_at = surnames, person_at

    def taken_all(self, span: Span) -> bool:
        """Every word of ``span`` is in a mention already (or there is none)."""
        return all(self.taken[t.idx] for t in span if not t.is_space)

    def accept(self, span: Span, anchors: list[Candidate], countries: set[str],
               last: bool) -> Optional[Mention]:
        """A mention for ``span``, an item of a list whose placed members are ``anchors``
        (the nearest last) in ``countries``; None when it is no place of theirs."""
        doc, text = self.doc, self.text
        s, e = span.start_char, span.end_char
        name = span.text
        if any(self.taken[s:e]) or is_stop(name) or normalize(name) in COMMON_WORDS:
            return None
        if modifier(text, e) or any(ps <= s and e <= pe for ps, pe in self.party_spans):
            return None
        if self.article is not None and self.article.is_boilerplate(s, e):
            return None
        if names_a_person(span, self.surnames) or (span.end < len(doc) and doc[span.end].lower_
                                                    in ("'s", "’s")):
            return None
        if last and any(t.dep_ in SUBJECT_DEPS for t in span if t.head.i not in range(
                span.start, span.end)) and not any(t.dep_ == "conj" for t in span):
            return None
        bare = GENERIC.sub("", DETERMINER.sub("", name)).strip() or name
        cands = [c for c in lookup(self.gazetteer, name) if c.country_code in countries]
        if not cands:
            # a variant key is weak evidence: its town must lie near a placed neighbour
            # ('Raqa' beside 'Raqqa', not 'Side' of 'Side by Side' beside St. Petersburg)
            cands = [c for c in variant_candidates(self.gazetteer, bare, countries)
                     if any(haversine_km(c.lat, c.lon, a.lat, a.lon) <= LIST_NEAR_KM
                            for a in anchors[-NEIGHBOURS:])]
        if not cands:
            return None
        if any(self.person_at.get(t.i) for t in span) and len(anchors) < PERSON_NEIGHBOURS \
                and not any(c.population >= PERSON_TOWN_POPULATION and haversine_km(
                    c.lat, c.lon, a.lat, a.lon) <= LIST_NEAR_KM for c in cands for a in anchors):
            return None
        english = countries & english_speaking()
        if english and not any(haversine_km(c.lat, c.lon, a.lat, a.lon) <= LIST_NEAR_KM
                               for c in cands for a in anchors[-NEIGHBOURS:]):
            return None
        self.taken[s:e] = b"\x01" * (e - s)
        return Mention(s, e, name, "list", span.label_, text[e:e + AFTER_CHARS],
                       says_unit(text, s, e), countries=tuple(sorted(countries)))


def list_mentions(doc: Doc, article: Optional[Article], mentions: list[Mention],
                  places: list[Place], gazetteer: Gazetteer, parties=None) -> list[Mention]:
    """Names in a list (',', 'and', 'or') with a placed sub-country mention, known to the
    gazetteer in that mention's country. Each comes restricted to the list's countries."""
    text = doc_text(doc)
    taken = bytearray(len(text))
    for m in mentions:
        taken[m.start:m.end] = b"\x01" * (m.end - m.start)
    # token index -> the placed mention starting / ending there
    placed: dict[int, tuple[Span, Candidate]] = {}
    by_end: dict[int, int] = {}
    for p in places:
        if not p.resolved or p.precision not in LOCAL:
            continue
        span = doc.char_span(p.start, p.end, alignment_mode="expand")
        if span is None:
            continue
        anchor = Candidate(p.gazetteer_id or "", p.resolved_name or p.name, p.lat, p.lon,
                           "city", p.country_code)
        placed[span.start] = (span, anchor)
        by_end[span.end] = span.start
    if not placed:
        return []
    party_spans = [(m.start, m.end) for m in (parties.find(doc) if parties is not None else [])
                   if m.token_end - m.token_start > 1]
    person_at = {i: True for e in doc.ents if e.label_ == "PERSON" for i in range(e.start, e.end)}
    reader = _List(doc, article, gazetteer, taken, party_spans, surnames_of(doc), person_at)
    out: list[Mention] = []
    seen: set[int] = set()
    for start in sorted(placed):
        if start in seen:
            continue
        span, anchor = placed[start]
        anchors = [anchor]
        countries = {anchor.country_code}
        seen.add(start)
        # rightwards: item after item while a separator follows
        j = span.end
        while True:
            k = _separator_after(doc, j)
            if k == j or k >= len(doc):
                break
            if k in placed:
                nxt, a = placed[k]
                seen.add(k)
                anchors.append(a)
                countries.add(a.country_code)
                j = nxt.end
                continue
            end = _run_right(doc, k)
            if end == k:
                break
            last = _separator_after(doc, end) == end
            found = None
            for e in range(end, k, -1):  # longest first
                if not reader.taken_all(doc[e:end]):
                    continue  # 'Tal' of 'Tal Antar' is no item; 'Raqqa' of 'Raqqa Homs' is
                found = reader.accept(doc[k:e], anchors, countries, last and e == end)
                if found is not None:
                    out.append(found)
                    j = e
                    break
            if found is None:
                break
        # leftwards
        i = span.start
        while True:
            k = _separator_before(doc, i)
            if k == i or k == 0:
                break
            if k in by_end:
                seen.add(by_end[k])
                anchors.append(placed[by_end[k]][1])
                countries.add(placed[by_end[k]][1].country_code)
                i = by_end[k]
                continue
            begin = _run_left(doc, k)
            if begin == k:
                break
            found = None
            for b in range(begin, k):  # longest first
                if not reader.taken_all(doc[begin:b]):
                    continue
                found = reader.accept(doc[b:k], anchors, countries, False)
                if found is not None:
                    out.append(found)
                    i = b
                    break
            if found is None:
                break
    return sorted(out, key=lambda m: m.start)
