"""Boilerplate spans: a table of named line rules (``BOILERPLATE_RULES``) marking what is not
the article's own text. ``Article.text`` is stored whole; these spans say what to ignore.

- photo captions are content, only the credit ("Photo: NAME / AGENCY") is boilerplate: captions
  carry places (the seed's Hadrut appears only in one);
- after an "also read"/"read more" marker, the short lines without sentence-final punctuation
  that follow are teaser headlines, up to the first real paragraph;
- every rule works on one line at a time and skips lines longer than its ``max_len``, so a
  paragraph that merely mentions a newsletter or a sponsor is never dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator


@dataclass(frozen=True)
class LineRule:
    """One boilerplate rule, applied to each stripped line of the text.

    ``whole_line``: the span is the whole line (``pattern`` must match somewhere in it);
    otherwise the span is the match's group ``b`` (e.g. only the photo credit of a caption).
    Lines longer than ``max_len`` are real paragraphs and never match, which keeps phrases such
    as "sponsored" or "newsletter" inside news sentences safe.
    """
    name: str
    pattern: re.Pattern
    whole_line: bool = True
    max_len: int = 120
    doc: str = ""


@dataclass(frozen=True)
class BoilerplateHit:
    rule: str
    start: int
    end: int


_I = re.IGNORECASE
# A credit/copyright notice starts a line, follows a sentence end, or sits in parentheses.
_AFTER_SENTENCE = r"(?:^|(?<=[.!?…\"”’)\]]\s))"
_CREDIT_LABEL = (r"(?:photo(?:graph)?s?|foto|images?|pictures?|illustration|graphics?|video"
                 r"|(?:photo |image )?credits?|image source)")
_SOCIAL = (r"(?:share|tweet|e-?mail|print|whatsapp|facebook|twitter|x|linkedin|reddit|messenger"
           r"|telegram|pinterest|copy link|comments?(?: \(\d+\))?)")

TEASER_MARKER = LineRule(
    "teaser_marker",
    re.compile(r"^(?:also read|read also|read more|more reading|related(?: articles?| stories"
               r"| coverage| content| links| news)?|see also|more on (?:this|the) (?:story|topic)"
               r"|you (?:may|might) also (?:like|be interested in)|recommended(?: for you| reading)?"
               r"|most read|les også|lees ook|lesen sie auch)\s*:?$", _I),
    max_len=40,
    doc="a line that only announces links to other articles; the short headline lines right "
        "after it are marked too (teaser_headline)",
)

BOILERPLATE_RULES: tuple[LineRule, ...] = (
    LineRule(
        "ad_marker",
        re.compile(r"^\[?\s*(?:ad(?:[_ -]?\d+)?|ads|advert(?:isement)?s?|annonse|anzeige"
                   r"|sponsored(?: content)?|paid content)\s*\]?$", _I),
        max_len=40,
        doc="ad slot placeholders: [ad_1], [advertisement], ADVERTISEMENT",
    ),
    LineRule(
        "photo_credit",
        re.compile(_AFTER_SENTENCE + r"(?P<b>" + _CREDIT_LABEL + r"\s*:\s*\S.{0,78}?)\s*$", _I),
        whole_line=False, max_len=400,
        doc="'Photo: NAME / AGENCY' closing a line or a caption; only the credit is marked, "
            "the caption keeps its places (the seed's Hadrut is only in a caption)",
    ),
    LineRule(
        "photo_by",
        re.compile(_AFTER_SENTENCE + r"(?P<b>(?i:(?:staff |file |courtesy |submitted |contributed )?"
                   r"(?:photo(?:graph)?s?|images?|pictures?))\s+by\s+"
                   r"[A-Z][^.!?]{0,60}?)\s*$"),
        whole_line=False, max_len=400,
        doc="'Photo by Jane Doe/Getty Images', 'Staff photo by ...' closing a line",
    ),
    LineRule(
        "paren_credit",
        re.compile(r"(?P<b>\((?:[^()\n]{0,40}\s)?(?:photo(?:graph)?s?|foto|images?|pictures?|credits?)"
                   r"\b[^()\n]{0,60}\))", _I),
        whole_line=False, max_len=10_000,
        doc="a short parenthesis naming a photo: '(Photo: AP)', '(AP Photo/Jane Doe)', "
            "'(Associated Press file photo)', anywhere in a line",
    ),
    LineRule(
        "copyright",
        re.compile(_AFTER_SENTENCE + r"(?P<b>(?:©|copyright\s*(?:©|\(c\)|\d{4})).{0,80}?)\s*$", _I),
        whole_line=False, max_len=400,
        doc="'© 2020 Reuters', 'Copyright 2009 ...' closing a line",
    ),
    LineRule(
        "rights_reserved",
        re.compile(r"\ball rights reserved\.?$", _I),
        doc="a short line ending 'All rights reserved'",
    ),
    TEASER_MARKER,
    LineRule(
        "teaser_inline",
        re.compile(r"^(?:also read|read also|read more|related|see also|more on this story)"
                   r"\s*[:|»>]\s*\S", _I),
        max_len=200,
        doc="'Read more: <headline>' on one line",
    ),
    LineRule(
        "commerce",
        re.compile(r"\b(?:discount|coupon|promo|voucher|rabatt)[ -]?codes?\b"
                   r"|\b(?:business|commercial|paid|advertising)\s+(?:collaboration|partnership"
                   r"|cooperation)\b|\bsponsored\s+(?:content|post|article)\b|^sponsored by\b[^.!?]*$"
                   r"|\baffiliate\s+links?\b|\bwe (?:may )?(?:earn|receive) (?:a )?(?:small )?"
                   r"(?:commission|fee)\b|\badvertiser content\b", _I),
        doc="discount codes, affiliate and 'a business collaboration with' lines",
    ),
    LineRule(
        "newsletter",
        re.compile(r"\b(?:sign up|subscribe|register)\b.{0,60}\bnewsletters?\b"
                   r"|\bnewsletters?\b.{0,40}\b(?:sign up|subscribe|inbox)\b"
                   r"|^get (?:our|the) .{0,40}newsletter", _I),
        max_len=160,
        doc="newsletter sign-up prompts",
    ),
    LineRule(
        "cookie",
        re.compile(r"\b(?:we|this (?:site|website)) uses? cookies\b|\bcookie (?:policy|settings"
                   r"|preferences|consent)\b|\baccept (?:all )?cookies\b", _I),
        max_len=200,
        doc="cookie banners",
    ),
    LineRule(
        "share",
        re.compile(r"^(?:share(?: this(?: article| story| page| post)?| on \w+)?|follow us(?: on .{1,40})?"
                   r"|click here to .{1,50}|" + _SOCIAL + r")(?:\s*[|/·•,]\s*" + _SOCIAL + r")*\s*:?$",
                   _I),
        max_len=80,
        doc="share/follow/social button rows",
    ),
)

# A teaser headline: short, no sentence-final punctuation (closing quotes/brackets ignored).
_TEASER_MAX_LEN = 120
_TEASER_MAX_LINES = 6
_SENTENCE_END = re.compile(r"[.!;:,]$")


def _is_teaser_line(line: str) -> bool:
    return (len(line) <= _TEASER_MAX_LEN
            and not _SENTENCE_END.search(line.rstrip("\"'”’»)]"))
            and not line.startswith(("–", "—", "-", "“", '"')))  # dialogue/quote paragraphs


def text_lines(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, stripped line) for every line; blank lines give ''."""
    pos = 0
    for raw in text.split("\n"):
        body = raw.rstrip("\r")
        stripped = body.strip()
        start = pos + (len(body) - len(body.lstrip()))
        yield start, start + len(stripped), stripped
        pos += len(raw) + 1


def find_boilerplate(text: str, rules: Iterable[LineRule] = BOILERPLATE_RULES) -> list[BoilerplateHit]:
    """Every rule hit, with the rule's name (for tests and for measuring rules on corpora)."""
    hits: list[BoilerplateHit] = []
    rules = tuple(rules)
    in_teaser = 0  # teaser headlines still allowed after a marker line
    for start, end, line in text_lines(text):
        if not line:
            continue
        if in_teaser and _is_teaser_line(line) and not any(
                r.name != TEASER_MARKER.name and r.pattern.search(line) for r in rules):
            hits.append(BoilerplateHit("teaser_headline", start, end))
            in_teaser -= 1
            continue
        in_teaser = 0
        for rule in rules:
            if len(line) > rule.max_len:
                continue
            m = rule.pattern.search(line)
            if not m:
                continue
            if rule.whole_line:
                hits.append(BoilerplateHit(rule.name, start, end))
            else:
                hits.append(BoilerplateHit(rule.name, start + m.start("b"), start + m.end("b")))
            if rule is TEASER_MARKER:
                in_teaser = _TEASER_MAX_LINES
    return hits


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def boilerplate_spans(text: str) -> list[tuple[int, int]]:
    return merge_spans((h.start, h.end) for h in find_boilerplate(text))
