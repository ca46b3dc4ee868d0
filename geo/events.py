"""Casualty figures and claims of one article, placed and dated.

``extract_events(doc, article, places, parties)`` runs over the article's non-boilerplate
sentences: ``geo.casualties`` binds count phrases to outcomes, ``geo.claims`` finds the
parties' reported speech. Both place an item at the most specific resolved place of its
sentence (nearest to the item on ties), else at the article's main place, and date it by the
nearest date expression of its sentence resolved against the article date, else the article
date.
"""
from __future__ import annotations

from collections import Counter
from typing import Optional

from spacy.tokens import Doc, Span, Token

from geo.casualties import find_casualties
from geo.claims import find_claims
from geo.dates import resolve_date
from geo.records import Article, Casualty, Claim, Place

PRECISION_RANK = {"point": 0, "city": 1, "admin2": 2, "admin1": 3, "region": 4, "country": 5,
                  "unresolved": 9}


def main_place(places: list[Place], article: Optional[Article] = None) -> Optional[Place]:
    """The most mentioned resolved place finer than a country, else the most mentioned one."""
    resolved = [p for p in places if p.resolved and not (
        article is not None and article.is_boilerplate(p.start, p.end))]
    if not resolved:
        return None

    def key(p: Place) -> str:
        return p.gazetteer_id or p.resolved_name or p.name

    counts = Counter(key(p) for p in resolved)
    first = {}
    for p in resolved:
        first.setdefault(key(p), p)
    sub = [p for p in first.values() if PRECISION_RANK.get(p.precision, 9) < 5]
    pool = sub or list(first.values())
    return max(pool, key=lambda p: (counts[key(p)], -PRECISION_RANK.get(p.precision, 9),
                                    -p.start))


class _Context:
    """Place and date lookups shared by casualties and claims."""

    def __init__(self, article: Article, places: list[Place]):
        self.article = article
        self.places = [p for p in places if p.resolved]
        self.main = main_place(places, article)

    def place_for(self, start: int, end: int, sent: Span) -> tuple:
        """(name, lat, lon, key): ``key`` identifies the place (gazetteer id, else name) when
        the sentence itself names it, and is None for the article's main place by default."""
        inside = [p for p in self.places
                  if p.start >= sent.start_char and p.end <= sent.end_char]
        if inside:
            mid = (start + end) / 2
            best = min(inside, key=lambda p: (PRECISION_RANK.get(p.precision, 9),
                                              abs((p.start + p.end) / 2 - mid)))
            key = best.gazetteer_id or best.resolved_name or best.name
        elif self.main is not None:
            best, key = self.main, None
        else:
            return (None, None, None, None)
        return (best.resolved_name or best.name, best.lat, best.lon, key)

    def date_for(self, token: Token, sent: Span) -> Optional[str]:
        candidates = []
        for ent in sent.ents:
            if ent.label_ not in ("DATE", "TIME"):
                continue
            # "since the conflict broke out on Sunday": the weekday is in the entity's context
            resolved = resolve_date(ent.text, self.article.date)
            if resolved:
                candidates.append((abs(ent.start - token.i), resolved))
        if candidates:
            return min(candidates)[1]
        return self.article.date


def _line_break(tok: Token) -> bool:
    """A newline that ends a sentence: a title line, a paragraph, a list item.

    A single newline before a lowercase word is a hard wrap inside a sentence ("five
    soldiers were\nkilled"), not a boundary.
    """
    if not (tok.is_space and "\n" in tok.text):
        return False
    if tok.text.count("\n") > 1:
        return True
    nxt = next((t for t in tok.doc[tok.i + 1:tok.i + 3] if not t.is_space), None)
    return nxt is None or not nxt.text[:1].islower()


def content_sentences(doc: Doc, article: Article) -> list[Span]:
    """Sentences that are not boilerplate, cut at line breaks and at boilerplate.

    The parser may run a title line into the first paragraph, or a paragraph into the next;
    a newline always ends a sentence here (``_line_break``). A title line and its source
    suffix, or an ad marker sharing a parse sentence with real text, must not hide that
    text: such sentences are cut at the boilerplate span.
    """
    out: list[Span] = []
    for sent in doc.sents:
        if not sent.text.strip():
            continue
        if not article.is_boilerplate(sent.start_char, sent.end_char) and not any(
                _line_break(t) for t in sent):
            out.append(sent)
            continue
        # keep the runs of tokens outside boilerplate, split at line breaks
        run: list[Token] = []
        for tok in sent:
            bad = article.is_boilerplate(tok.idx, tok.idx + len(tok.text)) or _line_break(tok)
            if bad:
                if any(not t.is_space for t in run):
                    out.append(_trim(doc, run))
                run = []
            else:
                run.append(tok)
        if any(not t.is_space for t in run):
            out.append(_trim(doc, run))
    return out


def _trim(doc: Doc, run: list[Token]) -> Span:
    """The run without leading/trailing whitespace tokens."""
    words = [t for t in run if not t.is_space]
    return doc[words[0].i:words[-1].i + 1]


def extract_events(doc: Doc, article: Article, places: list[Place],
                   parties=None) -> tuple[list[Casualty], list[Claim]]:
    """Casualty figures and claims of ``article``; ``doc`` = nlp(article.text)."""
    if parties is None:
        from geo.parties import load_parties

        parties = load_parties()
    sentences = content_sentences(doc, article)
    ctx = _Context(article, places)
    casualties = find_casualties(doc, sentences, parties, ctx.place_for, ctx.date_for)
    claims = find_claims(doc, sentences, parties, article.date, ctx.place_for, ctx.date_for)
    return casualties, claims
