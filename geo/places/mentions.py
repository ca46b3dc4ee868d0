"""Toponym mentions in an article's doc, merged longest-first from:

* the statistical NER (GPE, LOC, FAC); its ORG/NORP/PERSON spans count only when the gazetteer
  knows the name and it is no known organisation, agency or demonym (the small model labels
  'Nagorno-Karabakh' ORG and 'Hadrut' NORP);
* the gazetteer phrase matches of ``geo.places.component`` (countries, admin-1 units, regions,
  curated rows, and cities of >= 100k people unless the NER calls them a person);
* a place name opening an institution's name ('the Mansfield Police Department', 'Laurel
  County Sheriff's Office'), and an all-caps dateline ('COLUMBUS, Ohio (AP) —');
* after a first resolution, a PERSON/ORG/NORP name that is a town within 50 km of a town or
  county the article places ('said Amstutz, of Wooster'), unless it names a person.

``lookup`` gives a mention's gazetteer candidates, retrying without generic words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from spacy.tokens import Doc, Span

from geo.nlp import doc_text
from geo.places.component import SPANS_KEY, matcher_for
from geo.places.gazetteer import Candidate, Gazetteer
from geo.places.geodesy import haversine_km
from geo.places.names import normalize
from geo.places.shapes import ARTICLE, possessive_place, reshape, split_run
from geo.places.words import COMMON_WORDS, DEMONYM_SUFFIXES, GENERIC, is_stop
from geo.records import Article, Place

PLACE_LABELS = {"GPE", "LOC", "FAC"}
# Labels the small model often puts on place names; accepted only with gazetteer support.
MISLABELS = {"ORG", "NORP", "PERSON"}
# Entity labels whose longer spans contain place names that are not mentions of the place
# ('Organization for Security and Co-operation in Europe').
NAME_LABELS = {"ORG", "PERSON", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW", "FAC"}
DETERMINER = re.compile(r"^(?:the|The|THE)\s+")
AFTER_CHARS = 8  # of text kept after a mention: enough for ', and ' between list items
SEPARATORS = {",", "and", "or", "&"}  # between the items of a list


@dataclass
class Mention:
    start: int  # character offsets in doc.text
    end: int
    text: str
    source: str  # 'ner' | 'phrase' | 'mislabel' | 'lead' | 'dateline' | 'nearby' | 'given'
    label: str = ""
    after: str = ""  # the few characters that follow ('Paris, Texas': ', '; 'Ohio and Iowa')
    says_unit: bool = False  # 'Donetsk region', 'the province of Idlib', 'Sumy oblasts'
    # Only entries of these countries may resolve it (a name found through the article's
    # countries, ``context_mentions``); empty: any.
    countries: tuple = ()


def find_mentions(doc: Doc, article: Optional[Article], gazetteer: Gazetteer,
                  parties=None) -> list[Mention]:
    """Toponym mentions in reading order, overlaps resolved longest-first, boilerplate out.

    With ``parties`` (a ``geo.parties.PartyTable``), a name inside a longer party or
    organisation name is no mention ('Free Syrian Army', 'Minsk Group')."""
    phrase = doc.spans[SPANS_KEY] if SPANS_KEY in doc.spans else None
    if phrase is None:
        phrase = matcher_for(doc.vocab, gazetteer).match(doc)
    # 'Kherson, Mykolaiv, Lviv' as one ORG is a list of places, no organisation's name
    names = [e for e in doc.ents if e.label_ in NAME_LABELS and not is_place_list(e, gazetteer)]

    found: list[tuple[int, Span, str]] = []  # (priority, span, source)
    surnames = surnames_of(doc)
    for ent, span in _entity_spans(doc, gazetteer):
        if span is None or is_stop(span.text) or span.text.islower():
            continue  # 'the metro' (FAC): a name is capitalised
        if normalize(span.text) in COMMON_WORDS:
            continue  # 'the West', 'Central and Eastern parts': directions, not places
        if ent.label_ in PLACE_LABELS:
            if ent.label_ == "FAC" and not gazetteer.knows(span.text):
                continue  # roads, buildings, bridges: not on a country-scale map
            if (len(span) == 1 and _is_demonym_word(span.text)
                    and not gazetteer.knows(span.text)):
                continue  # 'Ukrainian officials': the model's GPE on a demonym is a party
            found.append((2, span, "ner"))
        elif (ent.label_ in MISLABELS and _plausible_mislabel(span, gazetteer)
              and not names_a_person(span, surnames)):
            found.append((0, span, "mislabel"))
    in_person = {i for e in doc.ents if e.label_ == "PERSON" for i in range(e.start, e.end)}
    name_at = {i: e for e in names for i in range(e.start, e.end)}
    for span in phrase:
        if is_stop(span.text) or not _proper(span):
            continue
        if span.label_ == "CITY" and (names_a_person(span, surnames) or any(
                i in in_person for i in range(span.start, span.end))):
            continue  # 'Austin', 'Jackson' the person: the mislabel rule (with guards) decides
        # entities never overlap: only the one holding the span's first token can hold it
        holder = name_at.get(span.start)
        inside = [holder] if (holder is not None and span.end <= holder.end
                              and len(_trim(holder) or holder) > len(span)) else []
        if inside and not all(_leads(span, e) for e in inside):
            continue  # part of a longer name: an organisation, a title, a person
        found.append((1, span, "phrase"))
    # 'the Mansfield Police Department', 'Georgia Public Service Commission': a place name that
    # opens the name of an institution is where the institution is.
    for ent in names:
        span = _leading_place(ent, gazetteer)
        if span is not None and not is_stop(span.text):
            found.append((0, span, "lead"))

    for span in _datelines(doc, gazetteer):
        found.append((2, span, "dateline"))

    found = [(p, span, source) for p, s, source in found
             if (span := reshape(_with_direction(s, gazetteer), gazetteer)) is not None]
    # Longest first, then by priority: a phrase 'Nagorno-Karabakh enclave' beats a shorter span.
    found.sort(key=lambda t: (-(t[1].end_char - t[1].start_char), -t[0], t[1].start_char))
    party_spans = _party_names(doc, parties)
    text = doc_text(doc)
    taken = bytearray(len(text))  # characters already in a mention: linear, not pairwise
    out: list[Mention] = []
    for _, span, source in found:
        s, e = span.start_char, span.end_char
        if (any(taken[s:e]) or modifier(text, e)
                or _inside_a_name(s, e, party_spans)):
            continue
        if article is not None and article.is_boilerplate(s, e):
            continue
        taken[s:e] = b"\x01" * (e - s)
        out.append(Mention(s, e, text[s:e], source, span.label_,
                           text[e:e + AFTER_CHARS], says_unit(text, s, e)))
    return sorted(out, key=lambda m: m.start)


def _entity_spans(doc: Doc, gazetteer: Gazetteer):
    """(entity, span) for each name in each entity: trimmed, with a direction word the
    gazetteer knows with it, runs of names apart ('Homs Idlib')."""
    for ent in doc.ents:
        span = _trim(ent)
        for part in (split_run(span, gazetteer) if span is not None else [None]):
            yield ent, (_with_direction(part, gazetteer) if part is not None else None)


def is_place_list(ent: Span, gazetteer: Gazetteer) -> bool:
    """An entity that is a comma list of names the gazetteer knows ('Kherson, Mykolaiv, Lviv'
    as one ORG) is a list of places, not an organisation's name."""
    parts, current = [], []
    for t in ent:
        if t.text in SEPARATORS or t.lower_ in SEPARATORS:
            parts.append(current)
            current = []
        else:
            current.append(t)
    parts.append(current)
    if len(parts) < 2 or not all(parts):
        return False
    return all(gazetteer.knows(ent.doc[p[0].i:p[-1].i + 1].text) for p in parts)


def _party_names(doc: Doc, parties) -> list[tuple[int, int]]:
    """Spans of the party table's names of more than one word ('Free Syrian Army', 'Islamic
    State of Iraq and the Levant', 'Ahrar al-Sham', 'Minsk Group')."""
    if parties is None:
        return []
    return [(m.start, m.end) for m in parties.find(doc) if m.token_end - m.token_start > 1]


def _inside_a_name(s: int, e: int, names: list[tuple[int, int]]) -> bool:
    """``[s, e)`` is part of a longer party name: part of that name, not a place. A party
    named by a place alone ('Syria', 'Damascus' the government) stays a mention."""
    return any(ns <= s and e <= ne and (ne - ns) > (e - s) for ns, ne in names)


# 'US-led coalition', 'New York-based group', 'Turkish-backed rebels': a place name as the
# first half of such an adjective says who leads or backs something, not where anything is.
_MODIFIER = re.compile(r"^[-‐‑](?:led|backed|based|funded|sponsored|brokered|supported|"
                       r"allied|affiliated|linked|run|owned|trained|armed|headquartered|"
                       r"controlled|dominated|held|made|born|educated)\b", re.IGNORECASE)


def modifier(text: str, end: int) -> bool:
    return bool(_MODIFIER.match(text[end:end + 20]))


# Words that name an admin-1 unit in the text: 'Donetsk region', 'Idlib province', 'the
# Kharkiv and Sumy oblasts', 'the province of Kandahar'.
_UNIT_WORD = (r"(?i:(?:region|oblast|province|governorate|state|prefecture|krai|kray|"
              r"voivodeship|canton|department|wilaya|vilayet)s?)")
_NAME_WORD = r"[A-Z][\w'’\-]*"
_UNIT_IN_SPAN = re.compile(rf"\b{_UNIT_WORD}\b")
_UNIT_AFTER = re.compile(
    rf"^(?:(?:,|,?\s+and|,?\s+or)\s+{_NAME_WORD}(?:\s+{_NAME_WORD})?)*\s+{_UNIT_WORD}\b")
_UNIT_BEFORE = re.compile(
    rf"\b{_UNIT_WORD}\s+of\s+(?:the\s+)?(?:{_NAME_WORD}(?:\s+{_NAME_WORD})?"
    rf"(?:,|,?\s+and|,?\s+or|)\s+)*$")  # 'the provinces of Homs Idlib and Lattakia', commas lost


def says_unit(text: str, start: int, end: int) -> bool:
    """The text calls the name at ``text[start:end]`` an admin-1 unit."""
    return bool(_UNIT_IN_SPAN.search(text[start:end])
                or _UNIT_AFTER.match(text[end:end + 80])
                or _UNIT_BEFORE.search(text[max(0, start - 80):start]))


# 'COLUMBUS, Ohio (AP) — ', 'MANSFIELD -- ', 'BEIRUT: ' at the start of the text, of a line or
# after the headline: an all-caps place name opening the story.
_DATELINE = re.compile(
    r"(?:^|\n|(?<=\. ))([A-Z][A-Z'.\-]+(?: [A-Z][A-Z'.\-]+){0,3})"
    r"(?=(?:,\s+[A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)?)?\s*(?:\([A-Za-z ]+\)\s*)?"
    r"(?:—|–|--|-|:)\s)")


def gold_mentions(text: str, spans) -> list[Mention]:
    """Mentions at given character spans (an annotator's, a user's), to resolve them with
    ``resolve_mentions`` exactly as found ones are."""
    return [Mention(s, e, text[s:e], "given", after=text[e:e + AFTER_CHARS],
                    says_unit=says_unit(text, s, e)) for s, e in sorted(spans)]


def _datelines(doc: Doc, gazetteer: Gazetteer) -> list[Span]:
    out = []
    for m in _DATELINE.finditer(doc_text(doc)[:3000]):
        text = m.group(1).rstrip(".")
        if is_stop(text) or normalize(text) in COMMON_WORDS:
            continue
        cands = gazetteer.candidates(text)
        if not any(c.feature != "city" or (not c.alternate and c.population >= 1000)
                   for c in cands):
            continue
        span = doc.char_span(m.start(1), m.start(1) + len(text), label="PLACE")
        if span is not None:
            out.append(span)
    return out


def _trim(span: Span) -> Optional[Span]:
    """Drop a leading determiner and trailing possessive/punctuation from an entity span."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].lower_ in ("the", "a", "an") or doc[start].is_punct):
        start += 1
    # 'Hama and' (the model's GPE in 'Homs, Hama and Rastan'): a list word is no part of a name
    while end > start and (doc[end - 1].is_punct or doc[end - 1].lower_ in ("'s", "’s", "'")
                           or doc[end - 1].lower_ in ("and", "or")):
        end -= 1
    return Span(doc, start, end, label=span.label_) if end > start else None


# Institutions named after where they are ('<Place> Police Department'); a place name opening
# an ORG/FAC/EVENT name counts as a mention when a word like these follows it.
LOCAL_HEADS = {
    "police", "sheriff", "sheriffs", "fire", "council", "city", "county", "town", "township",
    "village", "borough", "municipal", "municipality", "mayor", "mayors", "selectmen",
    "aldermen", "commissioners", "district", "court", "chamber", "public", "regional", "area",
    "metro", "housing", "transit", "airport", "port", "harbor", "harbour", "zoo", "festival",
    "games", "marathon", "assembly", "legislature", "region", "province", "oblast",
    "governorate", "prefecture", "garrison", "parish", "planning", "zoning", "utilities",
}
# A place name at the head of an outlet's name is its home town, not a place in the story.
OUTLET_HEADS = {"times", "post", "herald", "journal", "tribune", "gazette", "news", "chronicle",
                "observer", "telegraph", "independent", "courier", "star", "sun", "globe",
                "examiner", "register", "record", "daily", "weekly", "press", "review",
                "standard", "mirror", "express", "insider", "today", "dispatch", "bulletin",
                "inquirer", "enquirer", "sentinel", "guardian", "monitor", "reporter"}
LEAD_LABELS = {"ORG", "FAC", "EVENT"}
UNIT_WORDS = {"county", "parish", "city", "township", "borough"}


def _leads(span: Span, ent: Span) -> bool:
    """``span`` opens ``ent``, an ORG/FAC/EVENT name that is no outlet's name."""
    trimmed = _trim(ent)
    return (ent.label_ in LEAD_LABELS and trimmed is not None and trimmed.start == span.start
            and span.end < trimmed.end and not _is_outlet(trimmed)
            and trimmed.doc[span.end].lower_ not in ("of", "for", "and", "&", "'s", "’s")
            and trimmed.doc[span.end].lower_ not in UNIT_WORDS)


def _is_outlet(span: Span) -> bool:
    return any(t.lower_ in OUTLET_HEADS for t in span[1:])


def _leading_place(ent: Span, gazetteer: Gazetteer) -> Optional[Span]:
    """A town name that opens an institution's name ('Mansfield Police Department')."""
    trimmed = _trim(ent)
    if ent.label_ not in LEAD_LABELS or trimmed is None or len(trimmed) < 2:
        return None
    doc = trimmed.doc
    for n in range(min(3, len(trimmed) - 1), 0, -1):
        span = doc[trimmed.start:trimmed.start + n]
        rest = doc[span.end:trimmed.end]
        if not all(t.text[:1].isupper() for t in span):
            continue
        # 'Laurel County Sheriff's Office', 'Kansas City Police': the unit is the place.
        if rest[0].lower_ in UNIT_WORDS and rest[0].text[:1].isupper() and len(rest) > 1:
            unit = doc[span.start:span.end + 1]
            if _proper(span) and not _is_demonym_word(span[-1].text) and lookup(
                    gazetteer, unit.text):
                return Span(doc, unit.start, unit.end, label="PLACE")
        if not _leads(span, ent) or not any(t.lower_ in LOCAL_HEADS for t in rest[:3]):
            continue
        if (not _proper(span) or any(_is_demonym_word(t.text) for t in span)
                or normalize(span.text) in COMMON_WORDS):
            continue
        if any(c.feature != "city" or (not c.alternate and c.population >= 1000)
               for c in gazetteer.candidates(span.text)):
            return Span(doc, span.start, span.end, label="PLACE")
    return None


def _is_demonym_word(word: str) -> bool:
    w = word.lower()
    return w.endswith(("ian", "ean", "ese", "ish", "ani")) and len(w) > 5


def _proper(span: Span) -> bool:
    # A capitalised adjective or common noun at a sentence start is not a name ('Young
    # volunteers'); a real toponym has a proper-noun token.
    if not span.doc.has_annotation("POS"):
        return True  # no tagger in this pipeline: nothing to go by
    return any(t.pos_ == "PROPN" for t in span)


def _is_demonym(span: Span) -> bool:
    text = normalize(span.text)
    if span.label_ == "NORP":
        # NORP spans that end like a demonym ('Armenian', 'Azerbaijani', 'Kurds') are peoples.
        return text.endswith(DEMONYM_SUFFIXES) or text.endswith("s")
    return False


def _plausible_mislabel(span: Span, gazetteer: Gazetteer) -> bool:
    if not _proper(span) or _is_demonym(span):
        return False
    cands = gazetteer.candidates(span.text)
    if not cands:
        return False
    # An ORG/PERSON/NORP span only counts when it names a well-known place: persons called
    # 'Jackson' or 'Young' must not turn into villages.
    return any(c.feature != "city" or c.gazetteer_id.startswith("curated:")
               or (c.population >= 100_000 and not c.alternate) for c in cands)



# 'Northeast Georgia', 'South Philadelphia', 'Western Europe', 'downtown Dallas': part of a
# known place, resolved to it (at that place's precision: the part has no entry of its own).
_PART_OF = re.compile(
    r"^(?:(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west|northern|"
    r"southern|eastern|western|north-?eastern|north-?western|south-?eastern|south-?western|"
    r"central|greater|downtown|historic|metro|metropolitan|rural|suburban)\s+)+", re.IGNORECASE)
# 'Henderson County Jail', 'Greer City Hall', 'Santa Ana City Council': an institution or a
# building named after its town is at that town.
FACILITY_HEADS = {"jail", "courthouse", "hall", "council", "court", "sheriff", "police",
                  "department", "office", "district", "commission", "board", "airport",
                  "library", "fairgrounds", "prison"}


def _with_direction(span: Span, gazetteer: Gazetteer) -> Span:
    """'eastern Ghouta' when the gazetteer has that name as a place of its own (the NER leaves
    a lower-case direction word out); else the span as it is."""
    if span.start == 0:
        return span
    prev = span.doc[span.start - 1]
    if not (prev.is_lower and _PART_OF.match(prev.text + " ")):
        return span
    longer = span.doc[span.start - 1:span.end]
    return longer if gazetteer.candidates(longer.text) else span


_LEADING_ARTICLE = re.compile(rf"^{ARTICLE}", re.IGNORECASE)
# 'the Deir Ezzor air base': the base is by the town it is named after.
_BASE_TAIL = re.compile(r"\s+(?:military\s+)?(?:air\s?base|air\s?port|military airport)$",
                        re.IGNORECASE)


def lookup(gazetteer: Gazetteer, text: str) -> list[Candidate]:
    cands = gazetteer.candidates(text)
    if cands:
        return cands
    bare = DETERMINER.sub("", text)
    if _LEADING_ARTICLE.match(bare):  # 'al-Sheikh Maqsoud' is GeoNames' 'Sheikh Maqsoud'
        cands = gazetteer.candidates(_LEADING_ARTICLE.sub("", bare))
        if cands:
            return cands
    if _BASE_TAIL.search(bare):
        cands = [c for c in lookup(gazetteer, _BASE_TAIL.sub("", bare))
                 if c.feature in ("city", "admin2")]
        if cands:
            return cands
    stripped = GENERIC.sub("", bare).strip()
    if stripped and stripped != text:
        cands = gazetteer.candidates(stripped)
    if not cands and _PART_OF.match(bare):
        cands = _whole_of_part(gazetteer, _PART_OF.sub("", bare))
    words = bare.split()
    if not cands and len(words) > 1 and words[-1].lower().strip(".,") in FACILITY_HEADS:
        # The longest leading run of capitalised words that names a town, county or state.
        for n in range(len(words) - 1, 0, -1):
            head = words[:n]
            if not all(w[:1].isupper() for w in head):
                continue
            cands = [c for c in gazetteer.candidates(" ".join(head))
                     if c.feature in ("admin1", "admin2")
                     or (c.feature == "city" and not c.alternate and c.population >= 1000)]
            if cands:
                break
    return cands


def _whole_of_part(gazetteer: Gazetteer, name: str) -> list[Candidate]:
    """Senses of ``name`` that a part-of phrase may sit at: a state or county, or a city of
    100k people ('Northeast Georgia' is in the state). Not a country or a continent ('Western
    Europe', 'eastern China', 'West Africa' are too big to sit at the whole's point), nor a
    name that is also a common word."""
    if normalize(name) in COMMON_WORDS:
        return []
    return [c for c in gazetteer.candidates(name) if not c.alternate and (
        c.feature in ("admin1", "admin2") or (c.feature == "city" and c.population >= 100_000))]


# A name the model calls a person or an organisation ('said Amstutz, of Wooster', 'the semi
# final against Delano') is a place when a town of that name lies this close to a town or
# county the article already names: local news names the towns around its own.
NEARBY_KM = 50.0


TITLES = {"mr", "mrs", "ms", "miss", "dr", "coach", "sen", "senator", "rep", "gov", "governor",
          "president", "judge", "officer", "sgt", "lt", "capt", "chief", "rev", "father",
          "sister", "mayor", "sheriff", "deputy", "pastor", "prof", "professor", "st", "saint"}


def surnames_of(doc: Doc) -> set[str]:
    """Surnames of the article's people: 'Jackson' after 'Mayor Tom Jackson' is the mayor."""
    # 'Syrias Homs' (a lost apostrophe) is no person called Homs
    return {e[-1].lower_ for e in doc.ents if e.label_ == "PERSON" and len(e) > 1
            and not possessive_place(e[0].text)}


def names_a_person(span: Span, surnames: set[str]) -> bool:
    """A person's name: a known surname standing alone, after a title ('Coach Jackson'), or
    the subject of 'said'/'told'."""
    doc = span.doc
    before = doc[span.start - 1] if span.start > 0 else None
    after = doc[span.end] if span.end < len(doc) else None
    return ((len(span) == 1 and span[0].lower_ in surnames)
            or (before is not None and before.lower_.rstrip(".") in TITLES)
            or (after is not None and after.lemma_ in ("say", "tell", "add")))


def nearby_mentions(doc: Doc, article: Optional[Article], mentions: list[Mention],
                     places: list[Place], gazetteer: Gazetteer) -> list[Mention]:
    # one anchor per point: a list of 8,000 mentions of ten towns is ten anchors
    anchors = list(dict.fromkeys((p.lat, p.lon) for p in places
                                 if p.precision in ("city", "admin2")))
    if not anchors:
        return []
    text = doc_text(doc)
    taken = bytearray(len(text))
    for m in mentions:
        taken[m.start:m.end] = b"\x01" * (m.end - m.start)
    surnames = surnames_of(doc)
    out = []
    for ent in doc.ents:
        if ent.label_ not in MISLABELS:
            continue
        span = _trim(ent)
        if span is None or is_stop(span.text) or not _proper(span) or _is_demonym(span):
            continue
        if names_a_person(span, surnames):
            continue
        s, e = span.start_char, span.end_char
        if any(taken[s:e]):
            continue
        if article is not None and article.is_boilerplate(s, e):
            continue
        towns = [c for c in gazetteer.candidates(span.text)
                 if c.feature == "city" and not c.alternate]
        if any(haversine_km(c.lat, c.lon, lat, lon) <= NEARBY_KM
               for c in towns for lat, lon in anchors):
            taken[s:e] = b"\x01" * (e - s)
            out.append(Mention(s, e, text[s:e], "nearby", ent.label_,
                               text[e:e + AFTER_CHARS],
                               says_unit(text, s, e)))
    return out
