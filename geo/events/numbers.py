"""Count phrases: "14", "fourteen", "two dozen", "10 to 15", "at least 67", "around 100",
"several", "dozens", "no one".

``find_counts(doc)`` returns one ``Count`` per phrase, found by token patterns (one family per
qualifier) over a token attribute ``._.geo_num`` that marks number tokens. Numbers inside
DATE/TIME/PERCENT/MONEY/QUANTITY/ORDINAL entities ("past 24 hours", "since 2014") and model
designations ("F-16", "Su-25") are not counts.

Vague words keep the word and get ``low`` by a stated conservative rule (the least the word
can mean; ACLED's convention for tens=10, dozens=12, hundreds=100): see ``VAGUE_LOW``.
"""
from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
        "eighty": 80, "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
DOZEN = {"dozen": 12}
log = logging.getLogger(__name__)

# Least value a vague word can mean (conservative count_low). ACLED: tens=10, dozens=12,
# hundreds=100; "several" >= 3 and "a few"/"a number of"/"many" >= 2 by their plain meaning.
# "many" and "a number of" keep the word and no number (the FA-KES adjudication, as ACLED:
# no figure is invented for a word that sets no floor beyond "more than one").
VAGUE_LOW = {
    "a few": 2, "few": 2, "a handful of": 2, "numerous": 3,
    "several": 3, "tens": 10, "dozens": 12, "scores": 20, "hundreds": 100, "thousands": 1000,
    "tens of thousands": 10_000, "hundreds of thousands": 100_000, "millions": 1_000_000,
}
EXCLUDED_ENTS = {"PERCENT", "MONEY", "QUANTITY", "ORDINAL"}
# The NER calls bare large numbers MONEY or QUANTITY ("more than 10 million displaced"):
# those two exclude a number only when a currency or unit word is there to say so.
NEEDS_UNIT = {"MONEY", "QUANTITY"}
NUMBER_WORDS = {"more", "than", "over", "about", "around", "some", "nearly", "almost", "up",
                "to", "at", "least", "less", "fewer", "and", "a", "an", "as", "many",
                "hundred", "hundreds", "thousand", "thousands", "million", "millions",
                "billion", "of", "-", ","}
# Numbers of time are no counts: "past 24 hours", "Sept 11", "11 October", "since 2014". The
# statistical NER labels headline counts as DATE too often ("clashes kill 8") to rely on it.
TIME_UNITS = {"hour", "hours", "day", "days", "week", "weeks", "month", "months", "year",
              "years", "minute", "minutes", "am", "pm", "a.m.", "p.m.", "times", "o'clock",
              "h", "hrs", "y.o", "y.o.", "yo", "year-old", "km", "kilometres", "kilometers",
              "miles", "metres", "meters", "percent", "%", "mm", "tonnes", "tons"}
MONTH_WORDS = {"jan", "january", "feb", "february", "mar", "march", "apr", "april", "may",
               "jun", "june", "jul", "july", "aug", "august", "sep", "sept", "september", "oct",
               "october", "nov", "november", "dec", "december"}

QUALIFIER_PREFIXES: dict[str, list[list[dict]]] = {
    "at_least": [[{"LOWER": "at"}, {"LOWER": "least"}],
                 [{"LOWER": {"IN": ["more", "no"]}}, {"LOWER": {"IN": ["than", "fewer", "less"]}},
                  {"LOWER": "than", "OP": "?"}],
                 # "over 200", but not the particle of "hands over 2 bodies"
                 [{"LOWER": "over", "DEP": {"NOT_IN": ["prt"]}}],
                 [{"LOWER": "a"}, {"LOWER": "minimum"}, {"LOWER": "of"}],
                 [{"LOWER": {"IN": ["upwards", "upward"]}}, {"LOWER": "of"}],
                 [{"LOWER": "in"}, {"LOWER": "excess"}, {"LOWER": "of"}]],
    "at_most": [[{"LOWER": "up"}, {"LOWER": "to"}],
                [{"LOWER": "as"}, {"LOWER": {"IN": ["many", "high"]}}, {"LOWER": "as"}],
                [{"LOWER": "no"}, {"LOWER": "more"}, {"LOWER": "than"}],
                [{"LOWER": {"IN": ["fewer", "less"]}}, {"LOWER": "than"}],
                [{"LOWER": "at"}, {"LOWER": "most"}],
                [{"LOWER": "a"}, {"LOWER": "maximum"}, {"LOWER": "of"}]],
    "approximate": [[{"LOWER": {"IN": ["around", "about", "nearly", "almost", "some",
                                       "approximately", "roughly", "estimated", "circa",
                                       "approx", "approx."]}}],
                    [{"LOWER": "an"}, {"LOWER": "estimated"}],
                    [{"LOWER": "close"}, {"LOWER": "to"}]],
    "exact": [[]],
}
NUM = {"_": {"geo_num": True}}
NUM_ALPHA = {"_": {"geo_num": True}, "IS_ALPHA": True}
NUM_DIGITS = {"_": {"geo_num": True}, "IS_ALPHA": False}
# Shapes of one number: "14", "1,000", "2.5 million", "two hundred", "twenty-four", "two hundred
# and fifty", "a quarter of a million". Digits are one token: "190703 35" is two numbers.
NUMBER_SHAPES: list[list[dict]] = [
    [NUM_DIGITS, {"LOWER": {"IN": ["hundred", "thousand", "million", "billion"]}, "OP": "?"}],
    [dict(NUM_ALPHA, OP="+")],
    [{"LOWER": {"IN": ["a", "one", "three"]}, "OP": "?"},
     {"LOWER": {"IN": ["quarter", "quarters", "half", "third", "thirds"]}}, {"LOWER": "of"},
     {"LOWER": {"IN": ["a", "one"]}}, {"LOWER": {"IN": ["million", "thousand", "billion"]}}],
    [{"LOWER": "half"}, {"LOWER": "a"}, {"LOWER": {"IN": ["million", "thousand", "billion"]}}],
    [{"LOWER": {"IN": list(TENS)}}, {"ORTH": "-"}, {"LOWER": {"IN": list(UNITS)}}],
    [dict(NUM_ALPHA, OP="*"), {"LOWER": {"IN": ["hundred", "thousand"]}}, {"LOWER": "and"},
     dict(NUM_ALPHA, OP="+")],
]
RANGE_JOINERS = ["to", "-", "–", "—", "and", "or"]
# "from 500 to well over 1000": a hedge on the upper end
HEDGE_WORDS = ["well", "over", "more", "than", "nearly", "almost", "about", "around"]
RANGE_HEDGE = {"LOWER": {"IN": HEDGE_WORDS}, "OP": "{0,2}"}
VAGUE_PATTERNS: list[list[dict]] = [
    [{"LOWER": {"IN": ["tens", "hundreds"]}}, {"LOWER": "of"}, {"LOWER": "thousands"}],
    [{"LOWER": "a"}, {"LOWER": {"IN": ["number", "handful"]}}, {"LOWER": "of"}],
    # "a big number of them", "large numbers of terrorists": no floor beyond "a number of"
    [{"LOWER": "a", "OP": "?"}, {"LOWER": {"IN": ["big", "large", "great", "huge",
                                                  "significant", "considerable"]}},
     {"LOWER": {"IN": ["number", "numbers"]}}, {"LOWER": "of"}],
    [{"LOWER": "a"}, {"LOWER": "few"}],
    [{"LOWER": {"IN": ["several", "many", "numerous", "tens", "dozens", "scores", "hundreds",
                       "thousands", "millions"]}}],
]
ZERO_PATTERNS: list[list[dict]] = [
    [{"LOWER": "no"}, {"LOWER": "one"}],
    [{"LOWER": {"IN": ["nobody", "none"]}}],
    [{"LOWER": "no"}],
]
APPROX_DOZEN: list[list[dict]] = [
    [{"LOWER": {"IN": ["a", "half"]}}, {"LOWER": "a", "OP": "?"}, {"LOWER": "dozen"}],
]
INCREMENT_BEFORE = [{"LOWER": {"IN": ["another", "further", "additional"]}}]
INCREMENT_AFTER = [{"LOWER": "more"}]


@dataclass
class Count:
    """One count phrase. ``start``/``end`` are token indices in the doc."""
    best: Optional[int]
    qualifier: str  # one of records.QUALIFIERS
    start: int
    end: int
    low: Optional[int] = None
    high: Optional[int] = None
    vague_word: Optional[str] = None
    increment: bool = False  # "two more", "another three": adds to an earlier figure

    def span(self, doc: Doc) -> Span:
        return doc[self.start:self.end]


# No casualty figure is this large: "10^30 killed" or "1e309" is no count (a warning is logged).
MAX_COUNT = 100_000_000
_DECIMAL = re.compile(r"^\d+(?:\.\d+)?$")
FRACTIONS = {"quarter": 0.25, "quarters": 0.25, "half": 0.5, "third": 1 / 3, "thirds": 1 / 3}


def word_value(text: str) -> Optional[float]:
    """The value of one number token ("14", "1,000", "1.5", "fourteen", "dozen"); words such as
    "Infinity", "NaN", "1e309" or "-5" are no numbers."""
    t = text.lower().replace(",", "")
    if _DECIMAL.match(t):
        value = float(t)
        if value > MAX_COUNT:
            log.warning("a number too large to be a count: %r", text[:40])
            return None
        return value
    for table in (UNITS, TENS, SCALES, DOZEN):
        if t in table:
            return table[t]
    return None


def number_value(words: list[str]) -> Optional[int]:
    """The value of a number written in one or more tokens: "two hundred and fifty" -> 250,
    "a quarter of a million" -> 250000; None for no number or one too large to be a count."""
    lowered = [w.lower() for w in words]
    fraction = next((FRACTIONS[w] for w in lowered if w in FRACTIONS), None)
    if fraction is not None and lowered and lowered[-1] in SCALES:
        parts = 3 if lowered[0] == "three" else 2 if lowered[0] == "two" else 1
        if "and" not in lowered:  # "a quarter of a million", "half a million"
            return int(round(parts * fraction * SCALES[lowered[-1]]))
    total, current, seen = 0.0, 0.0, False
    for word in words:
        if word.lower() in ("and", "-", "a", "half"):
            if word.lower() == "half":
                current = current or 0.5
            continue
        value = word_value(word)
        if value is None:
            return None
        seen = True
        if word.lower() in SCALES or word.lower() in DOZEN:
            current = (current or 1) * value
            if value >= 1000:
                total, current = total + current, 0.0
        else:
            current += value
    value = total + current
    if not seen or not math.isfinite(value) or value > MAX_COUNT or value < 0:
        if seen:
            log.warning("a number too large to be a count: %r", " ".join(words)[:40])
        return None
    return int(round(value))


def _is_time_number(token: Token) -> bool:
    doc, i = token.doc, token.i
    text = token.text.replace(",", "")
    if text.isdecimal() and len(text) == 4 and 1900 <= int(text) <= 2100 and "," not in token.text:
        return True
    nxt = doc[i + 1].lower_.rstrip(".") if i + 1 < len(doc) else ""
    prev = doc[i - 1].lower_.rstrip(".") if i > 0 else ""
    if nxt in TIME_UNITS or doc[i + 1:i + 2].text.lower() in TIME_UNITS:
        return True
    if nxt == "-" and doc[i + 2:i + 3].text.lower() in TIME_UNITS:
        return True  # "the five-year conflict", "a 24-hour truce"
    return text.isdecimal() and (nxt in MONTH_WORDS or prev in MONTH_WORDS)


def _entity_has_unit(token: Token) -> bool:
    """Whether the MONEY/QUANTITY entity around ``token`` holds a currency or unit word (or
    one follows it): "$5 million", "10 tons", not "more than 10 million" alone."""
    if token.ent_type_ not in NEEDS_UNIT:
        return True
    doc, lo, hi = token.doc, token.i, token.i + 1
    while lo > 0 and doc[lo - 1].ent_type_ == token.ent_type_ and doc[lo].ent_iob_ != "B":
        lo -= 1
    while hi < len(doc) and doc[hi].ent_iob_ == "I":
        hi += 1
    inside = any(t.is_currency or (t.is_alpha and t.lower_ not in NUMBER_WORDS
                                   and word_value(t.text) is None) for t in doc[lo:hi])
    return inside or (hi < len(doc) and (doc[hi].is_currency or doc[hi].lower_ in AMOUNT_UNITS))


AMOUNT_UNITS = {"dollars", "euros", "pounds", "rubles", "roubles", "lira", "liras", "yuan",
              "dinars", "hryvnias", "tons", "tonnes", "litres", "liters", "barrels", "km",
              "kilometres", "kilometers", "miles", "metres", "meters", "kg", "kilograms",
              "usd", "eur"}


def _is_num(token: Token) -> bool:
    if word_value(token.text) is None and not _dash_range(token.text):
        return False  # most words: the cheap test first (the matcher asks for every token)
    if (token.ent_type_ in EXCLUDED_ENTS and _entity_has_unit(token)) or \
            _is_time_number(token):
        return False
    i = token.i
    # "F-16", "Su-25": a number glued by a hyphen to letters is a model, not a count.
    if i >= 2 and token.doc[i - 1].text == "-" and not token.doc[i - 2].whitespace_ \
            and not token.doc[i - 1].whitespace_ and token.doc[i - 2].is_alpha \
            and not token.doc[i - 2].like_num:
        return False
    if any(c.isalpha() for c in token.text) and any(c.isdigit() for c in token.text):
        return False
    # "13-year-old", "UPDATE 1-Ukraine says": a number glued to a following word
    if i + 2 < len(token.doc) and not token.whitespace_ and token.doc[i + 1].text == "-" \
            and not token.doc[i + 1].whitespace_ and token.doc[i + 2].is_alpha \
            and word_value(token.doc[i + 2].text) is None:
        return False
    if _dash_range(token.text):
        return True
    if _designator(token):
        return False
    if token.text.startswith(("-", "−")) or (token.text[:1].isdigit() and _negative(token)):
        return False  # a negative number counts nobody
    if _power(token):
        log.warning("a power of ten is no count: %r", token.sent.text[:60])
        return False
    return word_value(token.text) is not None


# Capitalised nouns a number names rather than counts: "Base 46", "Brigade 17", "Route 5".
DESIGNATORS = {"base", "brigade", "division", "regiment", "battalion", "route", "highway",
               "resolution", "article", "gate", "flight", "block", "hill", "point", "camp",
               "sector", "zone", "building", "checkpoint", "airbase", "unit"}


def _designator(token: Token) -> bool:
    """A digit number right after a capitalised designator noun ("captured Base 46")."""
    prev = token.doc[token.i - 1] if token.i > 0 else None
    return prev is not None and token.text.isdigit() and prev.text[:1].isupper() \
        and prev.lower_ in DESIGNATORS


def _dash_range(text: str) -> Optional[tuple[int, int]]:
    for dash in "–—-":
        left, sep, right = text.partition(dash)
        if sep and left.replace(",", "").isdecimal() and right.replace(",", "").isdecimal():
            low, high = int(left.replace(",", "")), int(right.replace(",", ""))
            return (low, high) if high <= MAX_COUNT else None
    return None


def _power(token: Token) -> bool:
    """"10^30", "10**6": a number written as a power is no count."""
    doc, i = token.doc, token.i
    glued_after = not token.whitespace_ and i + 1 < len(doc) and doc[i + 1].text in ("^", "**")
    glued_before = i >= 1 and doc[i - 1].text in ("^", "**") and not doc[i - 1].whitespace_
    return glued_after or glued_before


def _negative(token: Token) -> bool:
    """"-5 soldiers": a minus sign glued to the number (not "5-10", not "F-16")."""
    doc, i = token.doc, token.i
    return i >= 1 and doc[i - 1].text in ("-", "−") and not doc[i - 1].whitespace_ and (
        i == 1 or doc[i - 2].whitespace_ or doc[i - 2].is_punct)


if not Token.has_extension("geo_num"):
    Token.set_extension("geo_num", getter=_is_num)


def _count_patterns() -> dict[str, list[list[dict]]]:
    patterns = {qualifier: [p + n for p in prefixes for n in NUMBER_SHAPES]
                for qualifier, prefixes in QUALIFIER_PREFIXES.items()}
    more = {"range": [[{"LOWER": {"IN": ["between", "from"]}, "OP": "?"}] + a
                      + [{"LOWER": {"IN": RANGE_JOINERS}}, RANGE_HEDGE] + b
                      for a in NUMBER_SHAPES for b in NUMBER_SHAPES],
            "approximate": APPROX_DOZEN,  # beside the "about N" prefixes of that label
            "vague": VAGUE_PATTERNS,
            "zero": ZERO_PATTERNS,
            "increment": ([INCREMENT_BEFORE + n for n in NUMBER_SHAPES]
                          + [n + INCREMENT_AFTER for n in NUMBER_SHAPES])}
    for label, extra in more.items():
        patterns[label] = patterns.get(label, []) + extra
    return patterns


@lru_cache(maxsize=4)
def _matcher(vocab) -> Matcher:
    matcher = Matcher(vocab, validate=True)
    for label, patterns in _count_patterns().items():
        matcher.add(label, patterns)
    return matcher


def _anchors() -> Optional[frozenset]:
    """The words one of which every count phrase holds ("" standing for any number): for each
    pattern, a number it requires, else its rarest required word. A sentence with none of them
    holds no count, so the matcher (a third of the events' time) need not read it. None when
    some pattern requires no such token (then every sentence is read)."""
    words = set()
    for patterns in _count_patterns().values():
        for pattern in patterns:
            required = [t for t in pattern if t.get("OP") in (None, "+")]
            if any(t.get("_") == {"geo_num": True} for t in required):
                words.add("")
                continue
            choices = [{t["LOWER"]} if isinstance(t.get("LOWER"), str) else set(t["LOWER"]["IN"])
                       for t in required if isinstance(t.get("LOWER"), (str, dict))
                       and (isinstance(t["LOWER"], str) or set(t["LOWER"]) == {"IN"})]
            if not choices:
                return None
            words.update(min(choices, key=lambda c: (bool(c & COMMON_ANCHORS), len(c))))
    return frozenset(words)


# Words too common to tell a sentence with a count from one without
COMMON_ANCHORS = {"a", "an", "the", "of", "in", "at", "as", "up", "to", "and", "more", "over",
                  "than", "from", "between"}


_ANCHORS = _anchors()


def may_hold_count(tokens) -> bool:
    """Whether ``tokens`` (a sentence) hold a word a count phrase needs; False means
    ``find_counts`` finds nothing there."""
    if _ANCHORS is None:
        return True
    number = "" in _ANCHORS
    return any(t.lower_ in _ANCHORS or (number and t._.geo_num) for t in tokens)


def find_counts(doc_or_span) -> list[Count]:
    """Every count phrase, longest match first, in reading order."""
    if not may_hold_count(doc_or_span):
        return []
    doc = doc_or_span.doc if isinstance(doc_or_span, Span) else doc_or_span
    offset = doc_or_span.start if isinstance(doc_or_span, Span) else 0
    matcher = _matcher(doc.vocab)
    spans = [Span(doc, s + offset, e + offset, label=doc.vocab.strings[m])
             for m, s, e in matcher(doc_or_span)]
    counts = [_to_count(span) for span in filter_spans(spans)]
    return [c for c in counts if c is not None]


def _to_count(span: Span) -> Optional[Count]:
    label = span.label_
    words = [t.text for t in span]
    if label == "vague":
        word = span.text.lower()
        return Count(None, "vague", span.start, span.end, low=VAGUE_LOW.get(word),
                     vague_word=word)
    if label == "zero":
        return Count(0, "exact", span.start, span.end, low=0, high=0)
    if label == "range" or (len(span) == 1 and _dash_range(span.text)):
        if len(span) == 1:
            low, high = _dash_range(span.text)
        else:
            joiner = next(i for i, t in enumerate(span) if i > 0 and t.lower_ in RANGE_JOINERS
                          and not (t.text == "-" and span[i - 1].lower_ in TENS
                                   and i + 1 < len(span) and span[i + 1].lower_ in UNITS))
            first = [w for w in words[:joiner] if w.lower() not in ("between", "from")]
            low = number_value(first)
            high = number_value([w for w in words[joiner + 1:] if w.lower() not in HEDGE_WORDS])
        if low is None or high is None or low >= high:
            return None
        return Count(None, "range", span.start, span.end, low=low, high=high)
    fraction = next((i for i, t in enumerate(span) if t.lower_ in FRACTIONS and t.lower_ != "half"
                     or (t.lower_ == "half" and i + 1 < len(span) and span[i + 1].lower_ in
                         ("a", "of") and span[-1].lower_ in SCALES)), None)
    if fraction is not None:  # "more than a quarter of a million", "half a million"
        first = fraction - 1 if fraction > 0 and span[fraction - 1].lower_ in (
            "a", "one", "two", "three") else fraction
        value = number_value(words[first:])
        if value is None:
            return None
        if label == "at_least":
            return Count(value, "at_least", span.start, span.end, low=value)
        return Count(value, "approximate", span.start, span.end)
    numbers = [t.text for t in span if t._.geo_num or t.lower_ in ("and", "-", "a", "half")]
    if label == "approximate" and "dozen" in (w.lower() for w in words):
        numbers = [w for w in words if w.lower() in ("a", "half", "dozen") or word_value(w)]
    while numbers and numbers[0].lower() in ("and", "-", "a"):
        numbers = numbers[1:]
    value = number_value(numbers)
    if value is None:
        return None
    if label == "at_least":
        return Count(value, "at_least", span.start, span.end, low=value)
    if label == "at_most":
        return Count(value, "at_most", span.start, span.end, high=value)
    if label == "approximate" or "dozen" in (w.lower() for w in words):
        return Count(value, "approximate", span.start, span.end)
    return Count(value, "exact", span.start, span.end, low=value, high=value,
                 increment=label == "increment")
