"""The event a figure counts the losses of, in ACLED's top-level event types (ACLED Codebook,
2023, section 2; ``geo.records.EVENT_TYPES``), read from the words of its sentence:

- ``explosions``  the means is remote or explosive: shelling, air strikes, bombs, mines,
                  missiles, drones ("Explosions/Remote violence");
- ``protests``    the victims or the scene are protesters or a demonstration;
- ``riots``       a riot or a mob;
- ``violence_against_civilians``  civilians executed, abducted, tortured, massacred, or shot
                  or killed by an armed attacker with no explosive named;
- ``battles``     clashes, fighting, an ambush or an assault between armed groups, or armed
                  victims killed by a named attacker with no explosive named;
- ``strategic_developments``  arrests and detentions (a "captured" figure by arrest).

Cue words are matched as lemmas by a spaCy ``Matcher``; the attacker's own words decide first
("killed in an air strike", "gunmen shot"), then the sentence's cues by the order above. With
no cue and no attacker the type stays None: the dashboard shows it as unspecified, never as a
guess."""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

from spacy.matcher import Matcher
from spacy.tokens import Span, Token

from geo.nlp import subtree

# Cue lemmas per type (lower-case lemmas; multi-word cues are patterns below).
CUES = {
    "explosions": ["shell", "shelling", "airstrike", "bomb", "bombing", "bombard",
                   "bombardment", "blast", "explosion", "explode", "detonate", "explosive",
                   "ied", "mine", "landmine", "missile", "rocket", "mortar", "artillery",
                   "drone", "shrapnel", "grenade", "warplane", "jet", "aircraft", "bomber",
                   "munition", "projectile", "strike", "airstrikes", "barrage", "howitzer",
                   "helicopter", "aerial", "chemical", "gas", "sarin", "chlorine",
                   "poison"],
    "protests": ["protest", "protester", "protestor", "demonstration", "demonstrator",
                 "rally", "sit-in"],
    "riots": ["riot", "rioter", "mob", "lynch", "lynching", "looter"],
    "violence_against_civilians": ["execute", "execution", "massacre", "behead", "beheading",
                                   "torture", "kidnap", "abduct", "abduction", "assassinate",
                                   "assassination", "rape", "slaughter"],
    "battles": ["clash", "fighting", "fight", "battle", "combat", "firefight", "gunfight",
                "skirmish", "offensive", "ambush", "assault", "confrontation"],
    "strategic_developments": ["arrest", "detain", "detention"],
}
# The order in which the sentence's cues decide when the attacker's words do not: the means
# (an explosive) before the scene (a protest), the scene before the fighting around it.
PRIORITY = ("explosions", "protests", "riots", "violence_against_civilians", "battles",
            "strategic_developments")
# Multi-word cues: "air raid", "car bomb", "exchange of fire", "shot dead" is a shooting
PHRASES = {
    "explosions": [[{"LOWER": {"IN": ["air", "aerial"]}}, {"LEMMA": {"IN": ["raid", "attack"]}}],
                   [{"LOWER": "suicide"}, {"LEMMA": {"IN": ["attack", "bomber", "bombing"]}}]],
    "battles": [[{"LEMMA": "exchange"}, {"LOWER": "of"}, {"LOWER": {"IN": ["fire", "gunfire"]}}],
                [{"LOWER": "armed"}, {"LEMMA": "confrontation"}]],
}
# Words of a shooting, an armed attack or an armed attacker: with civilian victims an attack on
# civilians, with armed victims a battle
SHOOTING = {"shoot", "gunman", "attack", "raid", "counterattack", "operation", "storm", "gunmen", "gunfire", "sniper", "gun", "militant", "fighter",
            "rebel", "soldier", "troop", "force", "militia", "army", "police", "insurgent",
            "jihadist", "terrorist", "attacker", "assailant", "regime", "group"}
ARMED_VICTIMS = ("military", "official")
RIOT_UNITS = {"police", "policemen", "gear", "squad", "squads", "control", "officers", "unit"}
MEANS_PREPS = {"in", "during", "by", "amid", "after", "with", "from", "under"}


@lru_cache(maxsize=4)
def _matcher(vocab) -> Matcher:
    matcher = Matcher(vocab, validate=True)
    for label, lemmas in CUES.items():
        matcher.add(label, [[{"LEMMA": {"IN": lemmas}}], [{"LOWER": {"IN": lemmas}}]])
    for label, patterns in PHRASES.items():
        matcher.add(label, patterns)
    return matcher


def _cues(span: Span) -> dict[str, list[int]]:
    """Token indices of each type's cues in ``span``."""
    found: dict[str, list[int]] = {}
    for match_id, start, end in _matcher(span.doc.vocab)(span):
        label = span.doc.vocab.strings[match_id]
        if span[start].pos_ == "PROPN" and label != "explosions":
            continue  # a name: "Fight for Freedom", "Operation Assault"
        following = span.doc[span.start + end].lower_ if span.start + end < len(span.doc) else ""
        if label == "riots" and following in RIOT_UNITS:
            continue  # "riot police" are no riot
        found.setdefault(label, []).append(span.start + start)
    return found


def _cue_type(words: list[Token]) -> Optional[str]:
    types = set(_cues(words[0].doc[words[0].i:words[-1].i + 1])) if words else set()
    return next((label for label in PRIORITY if label in types), None)


def _armed(words: list[Token], victim: str) -> Optional[str]:
    """A shooting or an armed attacker with no other cue: a battle when the victims are armed
    or officials, an attack on civilians when they are civilians."""
    if not any(t.lemma_.lower() in SHOOTING or t.lower_ in SHOOTING for t in words):
        return None
    return "battles" if victim in ARMED_VICTIMS else \
        "violence_against_civilians" if victim == "civilian" else None


def _means(trigger: Token, sent: Span) -> list[Token]:
    """What the outcome happened in or by: "killed in clashes", "wounded by shrapnel",
    "died during the bombardment" (the noun and the words before it); not a place ("killed
    in the rebel east")."""
    words = []
    for child in trigger.children:
        if child.dep_ in ("prep", "agent") and child.lower_ in MEANS_PREPS:
            for obj in child.children:
                if obj.dep_ == "pobj" and _names_means(obj):
                    words += [t for t in subtree(obj) if t.i <= obj.i
                              and sent.start <= t.i < sent.end]
    return words


def _names_means(noun: Token) -> bool:
    lemma = noun.lemma_.lower()
    return lemma in SHOOTING or noun.lower_ in SHOOTING or bool(_cues(noun.doc[noun.i:noun.i + 1]))


def _attack_words(attacker: Token, sent: Span) -> list[Token]:
    """The attacker's noun, what precedes it and who made it ("a barrage of rocket fire from
    rebels"), not a relative clause about it ("the war, which began with protests")."""
    words = [t for t in subtree(attacker) if t.i <= attacker.i]
    for child in attacker.children:
        if child.dep_ == "prep" and child.lower_ in ("of", "by", "from"):
            words += subtree(child)
    return [t for t in words if sent.start <= t.i < sent.end]


def event_type(sent: Span, trigger: Optional[Token], outcome: str, victim: str,
               attacker: Optional[Token] = None,
               figure_kind: Optional[str] = None) -> Optional[str]:
    """The ACLED event type of a figure in ``sent`` (see the module's docstring). A running
    or past war's toll ("the war has killed 400,000") is no one event: only its own attacker
    or means may type it, never the other words of its sentence."""
    if outcome == "displaced":
        return None  # ACLED codes no displacement; a flight is no event of its own
    attack = _attack_words(attacker, sent) if attacker is not None else []
    own = [[trigger] if trigger is not None else [],
           _means(trigger, sent) if trigger is not None else [], attack]
    for words in own:
        found = _cue_type(words) if words else None
        if found is not None:
            return found
    if figure_kind in ("cumulative", "historical"):
        return None
    cues = _cues(sent)
    if outcome == "captured" and "strategic_developments" in cues:
        return "strategic_developments"
    for label in PRIORITY[:-1]:
        if label in cues:
            return label
    return _armed([t for words in own for t in words], victim)
