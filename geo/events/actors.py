"""Who inflicted a figure's outcome, kept apart from the victims' side and the reporter: the
subject of an active outcome verb ("Russian airstrikes killed 12"), the agent of a passive one
("were killed by rebels"), the attack the outcome happened in ("killed in government
shelling"), or the subject of the clause a bare participle hangs off ("a car bomb exploded,
killing 12"). The actor is a party id when the attacker's words name one, and the attacker's
phrase as written whenever the sentence names one ("gunmen", "a car bomb")."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from spacy.tokens import Span, Token

from geo.events.binding import Binding
from geo.events.event_types import event_type
from geo.events.victims import MILITARY, OFFICIAL, party_in
from geo.nlp import subtree

# The attack that inflicts an outcome: "killed in Ukrainian shelling", "X's attack kills".
ATTACKS = {"attack", "shelling", "strike", "airstrike", "raid", "offensive", "bombardment",
           "fire", "assault", "ambush", "bombing", "shell"}
# Verbs of an attack: "killed when warplanes struck the village", not "as Ukraine warns"
ATTACK_VERBS = {"strike", "shell", "attack", "fire", "bomb", "drop", "hit", "target", "launch",
                "open", "storm", "shoot", "ambush", "raid", "pound", "bombard", "explode",
                "detonate", "blow", "use", "clash", "assault", "raze", "blast", "gun"}
# Verbs whose subject loses the victims rather than inflicting the outcome ("Ukraine lost
# three soldiers")
LOSS_VERBS = {"lose", "suffer", "mourn", "bury", "evacuate", "rescue"}
SUBJECT_PRONOUNS = {"it", "they", "we"}
# Words that make an attacker's phrase name an agent, not only a means or an event ("a car
# bomb", "the war", "Tuesday's attack" name none): armed or official persons and bodies, and
# the craft an armed body flies; names (a party, a nationality) count too (``_names_agent``)
AGENT_NOUNS = MILITARY | OFFICIAL | {
    "regime", "government", "coalition", "jet", "warplane", "aircraft", "aviation",
    "helicopter", "force", "terrorist", "gunman", "bomber", "attacker", "assailant",
    "opposition", "jihadist", "security", "group", "organization", "organisation", "isis",
    "militia", "faction", "battalion", "brigade", "unit", "artillery", "navy", "airforce"}
MAX_ACTOR_WORDS = 8  # a longer attacker phrase is cut to its noun and what precedes it


@dataclass
class Actor:
    party: Optional[str]  # party id, when the attacker's words name a party
    text: Optional[str]  # the attacker's phrase as written (None for a pronoun)
    token: Token  # the attacker's head word


def _inside(sent: Span, token: Optional[Token]) -> bool:
    return token is not None and sent.start <= token.i < sent.end


def attacker_of(b: Binding, sent: Span) -> Optional[Token]:
    """Who inflicts the outcome: the subject of an active outcome verb that has the victims
    as its object ("opposition forces killed a pilot"), the agent of a passive one ("were
    killed by rebels"), or the attack it happened in ("killed in Ukrainian shelling")."""
    verb = b.trigger
    if verb is None:
        return None
    for child in verb.children:
        if child.dep_ == "agent":
            return next((c for c in child.children if c.dep_ == "pobj" and _inside(sent, c)),
                        None)
        if child.dep_ == "prep" and child.lower_ in ("in", "after", "during", "by") and any(
                c.lemma_.lower() in ATTACKS for c in child.children if c.dep_ == "pobj"):
            return next(c for c in child.children if c.dep_ == "pobj")
    if verb.pos_ not in ("VERB", "AUX") or b.victim is None or b.victim.head.i != verb.i \
            or b.victim.dep_ != "dobj":
        return None
    if verb.dep_ == "acl" and sent.start <= verb.head.i < verb.i:
        return verb.head  # "the opposition killed 20 troops" parsed as a reduced relative
    return next((c for c in verb.children if c.dep_ == "nsubj" and _inside(sent, c)), None)


def _clause_subject(verb: Token, sent: Span) -> Optional[Token]:
    """"A car bomb exploded in Azaz, killing 12": a bare participle with no subject of its
    own takes the subject of the clause it hangs off (not a passive one: "a man was found,
    killed" names no attacker)."""
    if verb.dep_ not in ("advcl", "xcomp", "conj") \
            or (verb.tag_ != "VBG" and not (verb.dep_ == "conj" and verb.pos_ == "VERB")) \
            or any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
        return None  # ("killed 32 and wounded dozens": a verb conjunct shares the subject)
    head = verb.head
    if not _inside(sent, head) or head.lemma_.lower() in LOSS_VERBS:
        return None
    return next((c for c in head.children if c.dep_ == "nsubj" and _inside(sent, c)), None)


def attacking_token(b: Binding, sent: Span) -> Optional[Token]:
    """The head word of what inflicted the figure's outcome (``attacker_of``, else the subject
    of the clause a bare participle hangs off), whether or not it names an agent."""
    if b.trigger is None or b.party_from_subject is not None \
            or b.trigger.lemma_.lower() in LOSS_VERBS:
        return None
    token = attacker_of(b, sent) or _when_subject(b.trigger, sent) \
        or _clause_subject(b.trigger, sent) or _conjunct_object_subject(b, sent) \
        or _gerund_attack(b.trigger, sent)
    if token is not None and token.lemma_.lower() in PLACE_NOUNS and token.dep_ == "pobj" \
            and token.head.head.pos_ in ("NOUN", "PROPN") and _inside(sent, token.head.head):
        # "air strikes on opposition-held towns killed 32" parsed with "killed" on "towns":
        # the attack on the place, not the place
        token = token.head.head
    if token is not None and token.lemma_.lower() in QUANTITY_NOUNS:
        token = next((o for p in token.children if p.dep_ == "prep" and p.lower_ == "of"
                      for o in p.children if o.dep_ == "pobj"), token)
    return token


def _conjunct_object_subject(b: Binding, sent: Span) -> Optional[Token]:
    """"US air strikes killed 50 militants and eight civilians": the victims of a later
    conjunct share the first object's verb and its subject."""
    victim, verb = b.victim, b.trigger
    if victim is None or verb is None or victim.dep_ != "conj":
        return None
    first = victim
    while first.dep_ == "conj" and first.head.i != first.i:
        first = first.head
    if first.dep_ != "dobj" or first.head.i != verb.i or verb.pos_ != "VERB":
        return None
    return next((c for c in verb.children if c.dep_ == "nsubj" and _inside(sent, c)), None)


def _gerund_attack(verb: Token, sent: Span) -> Optional[Token]:
    """"killed in shelling by Kiev forces" with "shelling" parsed as a gerund (a headline's
    parse): the attack all the same."""
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in ("in", "after", "during", "by"):
            found = next((c for c in child.children if c.dep_ == "pcomp"
                          and c.lemma_.lower() in ATTACKS | {"shell"}), None)
            if _inside(sent, found):
                return found
    return None


def _when_subject(verb: Token, sent: Span) -> Optional[Token]:
    """"were killed when regime warplanes struck the village": the subject of the clause that
    says when, if the outcome verb has no attacker of its own."""
    for child in verb.children:
        if child.dep_ == "advcl" and child.lemma_.lower() in ATTACK_VERBS and any(
                m.dep_ in ("mark", "advmod") and m.lower_ in ("when", "as")
                for m in child.children):
            subject = next((c for c in child.children if c.dep_ == "nsubj"), None)
            if _inside(sent, subject):
                return subject
    return None


def _phrase(token: Token, sent: Span) -> list[Token]:
    """The attacker's words: its noun and what precedes it ("the Syrian army", "Russian
    airstrikes"), and for an attack who made it ("shelling by government forces")."""
    words = [t for t in subtree(token) if _inside(sent, t) and t.i <= token.i]
    # not a stray number or what precedes the phrase's own article ("38 A US missile strike")
    articles = [k for k, t in enumerate(words) if t.dep_ == "det" and t.head.i == token.i]
    if articles:
        words = words[articles[0]:]
    # nor a dateline run into the sentence ("BEIRUT Air strikes on a market")
    while words and (words[0].dep_ in ("det", "cc", "punct", "prep", "case")
                     or words[0].pos_ == "NUM"
                     or (words[0].is_upper and len(words[0]) > 3 and words[0].i < token.i)):
        words = words[1:]
    if token.lemma_.lower() in ATTACKS or token.lower_ in ATTACKS:
        # "by"/"from" name who attacked; "of" names the target ("shelling of Donetsk")
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ in ("by", "from"):
                words += [t for t in subtree(child) if _inside(sent, t)]
    # a trailing source run into the phrase: "Kiev's forces - DPR command"
    cut = next((k for k, t in enumerate(words) if t.text in ("-", "–", "—") and t.whitespace_
                and k > 0), None)
    if cut is not None:
        words = words[:cut]
    if len(words) > MAX_ACTOR_WORDS:
        words = [t for t in words if t.i <= token.i][-MAX_ACTOR_WORDS:]
    return words


# Heads that name a war, never an agent, whatever names precede them ("Syria's civil war")
WAR_NOUNS = {"war", "conflict", "violence", "crisis", "uprising", "revolution", "unrest"}
# Heads that name an event, an agent only with a party named ("Russia's attack", not
# "Tuesday's attack")
NAMED_EVENT_NOUNS = {"fighting", "clash", "battle", "incident", "attack", "explosion", "blast"}


# Heads that name a place or a thing hit, not an agent ("opposition-held cities")
PLACE_NOUNS = {"city", "area", "neighborhood", "neighbourhood", "village", "town", "district",
               "province", "site", "camp", "entrance", "hall", "region", "countryside",
               "suburb", "building", "market", "hospital", "school", "street", "road"}
# A quantity of attacks names its attacks: "a series of strikes by the coalition"
QUANTITY_NOUNS = {"series", "barrage", "wave", "volley", "spate", "string", "number"}


def _names_agent(words: list[Token], head: Token, party: Optional[str]) -> bool:
    if head.lemma_.lower() in WAR_NOUNS:
        return False
    if party is None and (head.lemma_.lower() in NAMED_EVENT_NOUNS | PLACE_NOUNS
                          or head.ent_type_ in ("GPE", "LOC", "FAC", "DATE", "TIME")
                          or not head.is_alpha):
        return False
    return party is not None or any(
        t.lemma_.lower() in AGENT_NOUNS or t.lower_ in AGENT_NOUNS
        or t.ent_type_ in ("NORP", "ORG", "GPE", "PERSON") for t in words)


def actor_of(b: Binding, sent: Span, parties, reporter_party: Optional[str] = None,
             victims_party: Optional[str] = None,
             reporter_text: Optional[str] = None) -> Optional[Actor]:
    """The actor of a figure (see the module's docstring), or None when the sentence names
    none. A pronoun subject ("the army said it killed 20 militants") is the reporter. An attacker that names the victims' own party is no actor: it is the
    victims' side described ("Syrian troops, killed in a Syrian army convoy")."""
    token = attacking_token(b, sent)
    if token is None or (b.victim is not None and token.i == b.victim.i):
        return None
    if token.lower_ in SUBJECT_PRONOUNS:
        if reporter_text and reporter_text.lower().startswith("the "):
            reporter_text = reporter_text[4:]
        return Actor(reporter_party, reporter_text, token) \
            if reporter_party or reporter_text else None
    if token.pos_ == "PRON":
        return None  # "who", "which": the relative clause's noun is not resolved here
    words = _phrase(token, sent)
    if not words:
        return None
    party = party_in(words, parties)
    if not _names_agent(words, token, party):
        return None
    if party is not None and victims_party is not None and party == victims_party:
        party = None
    text = sent.doc[words[0].i:words[-1].i + 1].text.strip()
    return Actor(party, text or None, token)


def attack_fields(b: Binding, sent: Span, parties, victim: str, victims_party: Optional[str],
                  speaker, figure_kind: Optional[str]) -> dict:
    """A figure's ``actor``, ``actor_text`` and ``event_type`` (``geo.events.event_types``),
    as ``Casualty`` fields; ``speaker`` is the figure's source (a ``Speaker`` or None)."""
    actor = actor_of(b, sent, parties, speaker.party if speaker else None, victims_party,
                     speaker.text if speaker else None)
    kind = event_type(sent, b.trigger, b.outcome, victim, attacking_token(b, sent),
                      figure_kind)
    return {"actor": actor.party if actor else None,
            "actor_text": actor.text if actor else None, "event_type": kind}
