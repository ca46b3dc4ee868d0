"""Casualty figures and claims of one article, placed and dated.

``extract_events(doc, article, places, parties)`` runs over the article's non-boilerplate
sentences: ``geo.events.casualties`` binds count phrases to outcomes, ``geo.events.claims`` finds the
parties' reported speech. A claim is placed at the most specific resolved place of its
sentence (nearest to it on ties), else at the article's main place. A casualty figure is
placed by syntax (``_Context.place_for`` with anchors): the place attached to its outcome
("killed in X", "shelling of X", "X militiaman") before another of its clause, before one of
another clause, the finest first; never a place that names a party as an actor ("Kiev says",
"Kiev forces", "Russia's war"); else the article's main place among the others. Both are
dated by the nearest date expression of their sentence resolved against the article date,
else the article date.
"""
from __future__ import annotations

from collections import Counter
from typing import Optional

from spacy.tokens import Doc, Span, Token

from geo.events.casualties import find_casualties
from geo.events.claims import find_claims
from geo.events.dates import resolve_date
from geo.events.speakers import (STANCE_LEMMAS, according_to, headline_source, subject_of,
                                 subject_phrase)
from geo.events.victims import PERSON_NOUNS, land_of
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


# Where a figure's place is chosen (``_Context.place_for`` with the figure's anchor tokens):
# prepositions that put the outcome somewhere ("killed in X", "shelling of X", "near X");
# "by X" / "from X" name the agent, "ahead of" / "during" an occasion.
LOCATIVE_PREPS = {"in", "near", "at", "on", "of", "across", "around", "outside", "inside",
                  "throughout", "into", "along", "within", "over", "off", "between", "outskirts"}
# Dependencies that keep a place attached to the outcome: its prepositional phrases, the
# victims' or the attack's modifiers ("Donetsk militiaman", "residents of X", "Ukraine fighting
# kills"), lists and appositions.
ATTACHED_DEPS = {"prep", "pobj", "compound", "poss", "amod", "nmod", "appos", "conj", "npadvmod",
                 "nsubj", "nsubjpass", "dobj", "nummod", "case", "punct", "cc", "acl", "advcl"}
# A clause starts at these dependencies (and at a conjoined verb).
CLAUSE_DEPS = {"ROOT", "advcl", "ccomp", "relcl", "parataxis", "xcomp", "csubj", "pcomp"}
# Heads that make a party's place name an actor, not a location: "Kiev forces", "Kiev's
# shelling", "Russia's war", "pro-Russia rebels".
ACTOR_NOUNS = {"forces", "force", "troops", "army", "military", "militia", "government",
               "authorities", "regime", "side", "command", "soldiers", "servicemen", "rebels",
               "separatists", "militants", "fighters", "gunmen", "sniper", "snipers",
               "artillery", "aviation", "officials", "ministry", "spokesman", "envoy"}
# Of those, the ones naming an institution rather than people: "Ukraine soldiers" says who the
# victims are, "Ukraine army" who acts.
INSTITUTION_NOUNS = {"forces", "force", "army", "military", "government", "authorities",
                     "regime", "side", "command", "artillery", "aviation", "ministry"}
ATTACK_NOUNS = {"shelling", "shellings", "attack", "attacks", "aggression", "war", "offensive",
                "strike", "strikes", "airstrike", "airstrikes", "fire", "bombardment", "raid",
                "raids", "occupation", "assault", "operation", "blockade", "invasion"}
AGENT_PREPS = {"by", "from"}
BLAME_LEMMAS = {"blame", "accuse", "condemn", "urge", "warn", "criticize", "criticise"}


def _token_span(doc: Doc, place: Place) -> Optional[Span]:
    return doc.char_span(place.start, place.end, alignment_mode="expand")


def _actor_role(span: Span, speaker_tokens: set[int]) -> Optional[str]:
    """How a place name that is also a party's name stands for the party: "speaker" ("Kiev
    says", "...: Kiev", "according to Moscow"), "modifier" of an actor or attack ("Kiev
    forces", "Kiev's shelling", "pro-Russia rebels"), "agent" ("shelled by Kiev", "blames
    Russia"); None when it is used as a place."""
    if any(t.i in speaker_tokens for t in span):
        return "speaker"
    root = span.root
    doc = span.doc
    head = root.head
    # "in eastern Ukraine - Defence Ministry": the parse may join a place to a trailing
    # source; a separator in between cuts the link
    # ("Ukraine-Defence Ministry" too; "Russia-occupation forces" stays one phrase)
    cut = any(t.text in ("-", "–", "—", ":") and (
        t.whitespace_ or t.text == ":" or (t.i + 1 < len(doc) and doc[t.i + 1].is_title))
        for t in doc[min(span.end, head.i):max(span.start, head.i)])
    if root.dep_ in ("poss", "compound", "amod", "nmod") and head.i != root.i and not cut:
        # "Russia-occupation forces", "Kiev's forces": up a compound chain to its noun
        while head.dep_ in ("compound", "amod") and head.head.i != head.i \
                and head.head.i > head.i:
            head = head.head
        word = head.lower_
        prefixed = span.start > 0 and doc[span.start - 1].text in ("-",) and span.start > 1 \
            and doc[span.start - 2].lower_ in ("pro", "anti")
        if word in INSTITUTION_NOUNS or prefixed or (word in ACTOR_NOUNS
                                                     and root.dep_ == "poss"):
            return "modifier"
        if word in ACTOR_NOUNS or head.lemma_.lower() in PERSON_NOUNS:
            return "nationality"  # "Kiev soldiers", "Ukraine troops", "Ukraine civilians"
        if word in ATTACK_NOUNS:
            return "modifier" if root.dep_ == "poss" else "attack"
    # the parse of a headline may miss the link: read the next words ("Kiev shelling in X",
    # "by Kiev's forces - DPR command")
    nxt = [t for t in doc[span.end:span.end + 3] if not t.is_space]
    possessive = bool(nxt) and nxt[0].text in ("'s", "’s", "'", "’")
    if possessive:
        nxt = nxt[1:]
    if nxt and not (len(nxt) > 1 and nxt[1].text == "-" and not nxt[0].whitespace_):
        # (not the first half of a compound adjective: "Ukraine's war-torn east")
        word = nxt[0].lower_
        if word in INSTITUTION_NOUNS or (possessive and word in ACTOR_NOUNS | ATTACK_NOUNS):
            return "modifier"
        if word in ATTACK_NOUNS:
            return "attack"
        if word in ACTOR_NOUNS or nxt[0].lemma_.lower() in PERSON_NOUNS:
            return "nationality"
    if root.dep_ == "pobj" and head.lower_ in AGENT_PREPS:
        return "agent"
    if root.dep_ == "dobj" and head.lemma_ in BLAME_LEMMAS:
        return "agent"
    return None


def _bare_participle(token: Token) -> bool:
    """An adverbial clause with no subject and no conjunction: "killed in rebel shelling
    near X" (the parser's advcl), part of the clause it hangs on."""
    return token.dep_ == "advcl" and not any(c.dep_ in ("nsubj", "nsubjpass", "mark")
                                             for c in token.children)


def _clause_head(token: Token) -> Token:
    while token.head.i != token.i and (
            (token.dep_ not in CLAUSE_DEPS or _bare_participle(token))
            and not (token.dep_ == "conj" and token.pos_ in ("VERB", "AUX"))):
        token = token.head
    return token


def _attached(anchors: list[Token], blocked: set[int] = frozenset()) -> set[int]:
    """Token ids hanging off the figure's anchors (its outcome word, victims, count) through
    locative prepositions and noun modifiers, never into another clause (an adverbial
    clause only as a bare participle: "killed in rebel shelling near X") nor into a
    speaker's phrase (``blocked``)."""
    seen: set[int] = set()
    stack = list(anchors)
    while stack:
        tok = stack.pop()
        if tok.i in seen:
            continue
        seen.add(tok.i)
        for child in tok.children:
            if child.dep_ not in ATTACHED_DEPS or child.i in blocked:
                continue
            if child.dep_ == "prep" and child.lower_ not in LOCATIVE_PREPS:
                continue
            if child.dep_ == "advcl" and not _bare_participle(child):
                continue
            stack.append(child)
    return seen


class _Context:
    """Place and date lookups shared by casualties and claims."""

    def __init__(self, article: Article, places: list[Place], doc: Optional[Doc] = None,
                 parties=None, sentences: Optional[list[Span]] = None):
        self.article = article
        self.places = [p for p in places if p.resolved]
        self.main = main_place(places, article)
        self.doc = doc
        # places that name a party as an actor: never a figure's place (a capital as
        # metonym in any actor role, a country as modifier/agent), or a last resort (a
        # country as speaker: "Armenia claimed ... the pilot was killed")
        self.excluded: set[int] = set()
        self.demoted: set[int] = set()
        self.spans: dict[int, Span] = {}
        self.speaker_tokens: set[int] = set()
        self.nationality: set[int] = set()  # a country naming the victims' nationality
        if doc is not None and parties is not None:
            self._roles(doc, parties, sentences if sentences is not None else
                        list(doc.sents))
        usable = [p for p in places if id(p) not in self.excluded]
        self.figure_main = main_place(usable, article)

    def _roles(self, doc: Doc, parties, sentences: list[Span]) -> None:
        speaker_tokens: set[int] = set()
        for sent in sentences:
            for sp in (according_to(sent, parties), headline_source(sent, parties)):
                if sp is not None:
                    speaker_tokens.update(range(sp.start, sp.end))
            for tok in sent:
                if tok.lemma_ in STANCE_LEMMAS and tok.pos_ in ("VERB", "AUX"):
                    # "Twelve killed in Ukraine, Kiev says ...": of two subjects the one
                    # next to the verb speaks
                    subjects = [c for c in tok.children if c.dep_ == "nsubj"
                                and sent.start <= c.i < tok.i]
                    subj = subjects[-1] if subjects else subject_of(tok, sent)
                    if subj is not None:
                        speaker_tokens.update(t.i for t in subject_phrase(subj, sent))
            # "DPR: 4 militiamen killed": a leading "X:" source
            words = [t for t in sent if not t.is_space]
            if len(words) > 2 and words[1].text == ":" and words[0].pos_ == "PROPN":
                if parties.match(words[0].text):
                    speaker_tokens.add(words[0].i)
        self.speaker_tokens = speaker_tokens
        for p in self.places:
            span = _token_span(doc, p)
            if span is None:
                continue
            self.spans[id(p)] = span
            party = parties.match(p.name)
            if party is None or parties.get(party) is None:
                continue
            if parties.get(party).country_code is None:
                continue  # a non-state party's place name ("Donetsk") stays a place
            role = _actor_role(span, speaker_tokens)
            if role is None:
                continue
            if role == "nationality":
                if p.precision == "country":
                    self.nationality.add(id(p))
                    continue
            capital = p.precision in ("city", "point")
            if role == "attack" and not capital:
                continue  # "Ukraine shelling": where, for a country
            if capital or role in ("modifier", "agent"):
                self.excluded.add(id(p))
            elif role == "speaker":
                self.demoted.add(id(p))

    def place_for(self, start: int, end: int, sent: Span,
                  anchors: Optional[list[Token]] = None) -> tuple:
        """(name, lat, lon, key): ``key`` identifies the place (gazetteer id, else name) when
        the sentence itself names it, and is None for the article's main place by default.

        With ``anchors`` (a casualty figure's outcome word, victims and count) the place is
        chosen by syntax: a place attached to the outcome ("killed in X", "shelling of X",
        "X militiaman") before one elsewhere in its clause, before one in another clause;
        then the finest, then the nearest. A place that names a party as an actor ("Kiev
        says", "Kiev forces", "shelled by Moscow") is never taken. Without anchors (claims),
        the finest place of the sentence, nearest on ties."""
        inside = [p for p in self.places
                  if p.start >= sent.start_char and p.end <= sent.end_char]
        main = self.main
        if anchors is not None and self.doc is not None:
            inside = [p for p in inside if id(p) not in self.excluded]
            main = self.figure_main
        if inside:
            mid = (start + end) / 2
            tier = {}
            if anchors:
                attached = _attached(anchors, self.speaker_tokens)
                clauses = {_clause_head(a).i for a in anchors}
                for p in inside:
                    span = self.spans.get(id(p))
                    if span is None:
                        tier[id(p)] = 2
                    elif any(t.i in attached for t in span) and id(p) not in self.nationality:
                        tier[id(p)] = 0
                    elif _clause_head(span.root).i in clauses:
                        tier[id(p)] = 1
                    else:
                        tier[id(p)] = 2
            best = min(inside, key=lambda p: (tier.get(id(p), 0), id(p) in self.demoted,
                                              PRECISION_RANK.get(p.precision, 9),
                                              abs((p.start + p.end) / 2 - mid)))
            key = best.gazetteer_id or best.resolved_name or best.name
        elif main is not None:
            best, key = main, None
        else:
            return (None, None, None, None)
        return (best.resolved_name or best.name, best.lat, best.lon, key)

    def date_for(self, token: Token, sent: Span) -> Optional[str]:
        candidates = []
        for ent in sent.ents:
            if ent.label_ not in ("DATE", "TIME"):
                continue
            if _starts_a_period(ent):
                continue  # "since Sunday": when a running total began, not its date
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
    return [cut for cut in map(_before_teasers, out) if cut is not None]


# Headings of the lists of other stories that close a page ("Related News", "Read more"): when
# line breaks are lost they run on in the last sentence, and their headlines are no figures.
TEASER_HEADINGS = (("related", "news"), ("related", "stories"), ("related", "articles"),
                   ("related", "content"), ("read", "more"), ("read", "also"),
                   ("see", "also"), ("more", "stories"))


def _before_teasers(sent: Span) -> Optional[Span]:
    """The sentence up to a teaser heading; None when it starts with one."""
    for tok in sent:
        if not tok.text[:1].isupper() or tok.i + 1 >= sent.end:
            continue
        pair = (tok.lower_, tok.doc[tok.i + 1].lower_)
        nxt = tok.doc[tok.i + 1]
        related = tok.text == "Related" and nxt.text[:1].isupper() and nxt.lower_ not in (
            "to", "by")
        if pair in TEASER_HEADINGS or related:
            before = list(sent.doc[sent.start:tok.i])
            return _trim(sent.doc, before) if any(not t.is_space for t in before) else None
    return sent


def _trim(doc: Doc, run: list[Token]) -> Span:
    """The run without leading/trailing whitespace tokens."""
    words = [t for t in run if not t.is_space]
    return doc[words[0].i:words[-1].i + 1]


def _starts_a_period(ent: Span) -> bool:
    """"since Sunday", "since the conflict broke out on Sunday", "from 27 September": the date
    a period began (the "since" may head the clause the date sits in)."""
    before = ent.doc[ent.start - 1] if ent.start > 0 else None
    if before is not None and before.lower_ in ("since", "from"):
        return True
    head = ent.root
    while head.head.i != head.i and head.i >= ent.sent.start:
        head = head.head
        if any(c.lower_ == "since" and c.dep_ in ("mark", "prep", "advmod")
               for c in head.children):
            return True
        if head.pos_ in ("VERB", "AUX") and head.dep_ not in ("advcl", "prep", "pcomp"):
            break
    return False


def headline_span(article: Article) -> Optional[tuple[int, int]]:
    """Where the headline stands in the text: the title (given with the article) found near
    the start, else a short first line followed by more text; None when neither."""
    text = article.text
    title = " ".join((article.title or "").split())
    if len(title) >= 15:
        at = text.find(title[:60], 0, 600)
        if at >= 0:
            return at, at + len(title)
    line_end = text.find("\n")
    if 0 < line_end <= 200 and text[line_end:].strip():
        return 0, line_end
    return None


def home_state(places: list[Place], parties) -> Optional[str]:
    """The party id of the country most of the article's resolved places lie in, when the
    party table has that country; else None."""
    codes = Counter(p.country_code for p in places if p.resolved and p.country_code)
    if not codes or parties is None:
        return None
    (code, n), *rest = codes.most_common(2)
    if rest and rest[0][1] == n:
        return None  # two countries alike: no single home
    return next((p.id for p in parties if p.country_code == code), None)


WHERE_PREPS = {"in", "near", "across", "inside", "throughout", "outside"}


def named_home_state(sentences: list[Span], parties) -> Optional[str]:
    """With no geoparsed places (a bare headline), the one state the text names as where
    things happen: a country party after "in/near/across" ("killed in eastern Ukraine")."""
    found = set()
    for sent in sentences:
        for m in parties.find(sent) if parties is not None else []:
            party = parties.get(m.party)
            span = sent.doc.char_span(m.start, m.end, alignment_mode="expand")
            if party is None or party.country_code is None or span is None:
                continue
            if span.root.dep_ == "pobj" and span.root.head.lower_ in WHERE_PREPS:
                found.add(m.party)
    if not found:  # "Donetsk militia": the one state whose soil the named fighters hold
        found = {land_of(parties, m.party) for sent in sentences
                 for m in (parties.find(sent) if parties is not None else [])} - {None}
    return found.pop() if len(found) == 1 else None


def extract_events(doc: Doc, article: Article, places: list[Place],
                   parties) -> tuple[list[Casualty], list[Claim]]:
    """Casualty figures and claims of ``article``; ``doc`` = nlp(article.text), ``parties``
    the party table (``geo.parties.load_parties()``)."""
    sentences = content_sentences(doc, article)
    if parties is not None and hasattr(parties, "in_document"):
        # "the Observatory", "the monitor": the organisation this article named
        parties = parties.in_document(doc)
    ctx = _Context(article, places, doc, parties, sentences)
    casualties = find_casualties(doc, sentences, parties, ctx.place_for, ctx.date_for,
                                 article_date=article.date, headline=headline_span(article),
                                 home_state=(home_state(places, parties) if places else None)
                                 or named_home_state(sentences, parties))
    claims = find_claims(doc, sentences, parties, article.date, ctx.place_for, ctx.date_for)
    return casualties, claims
