"""The words of casualty outcomes (killed, wounded, missing, captured, displaced) and the
token patterns built from them (``PATTERN_FAMILIES``, see ``geo.events.binding``).

The patterns read three token extensions set here: ``geo_cnt`` (B/I/O: inside a count phrase,
set per sentence by ``find_casualties``), ``geo_mod`` (a word inside the victims' noun phrase)
and ``geo_person_sg`` (a singular person noun).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

from spacy.matcher import Matcher
from spacy.tokens import Token

from geo.events.victims import PERSON_NOUNS, plural_form

# Outcome participles that can stand before the victims' noun as an adjective
# ("Two wounded Ukrainian soldiers die in hospital").
ATTRIBUTIVE_PARTICIPLES = {"wounded", "injured", "captured", "abducted", "kidnapped",
                           "displaced", "missing", "dead"}

# Injuries of a gas attack: "suffered suffocation", "cases of asphyxiation to 35 people".
BREATHING = ["suffocation", "asphyxiation", "asphyxia", "choking"]
DASHES = ["-", "–", "—", ","]

OUTCOME_WORDS: dict[str, list[list[dict]]] = {
    # after the victims ("were killed", "died", "shot dead", "taken prisoner")
    "killed": [[{"LOWER": {"IN": ["killed", "dead", "died", "die", "dies", "dying", "perished",
                                  "perish", "slain", "executed", "murdered", "massacred",
                                  "beheaded", "decapitated", "crucified", "lynched",
                                  "assassinated", "martyred", "eliminated", "slaughtered",
                                  # typos seen in event notes
                                  "killled", "kiled", "kllled"]}}],
               [{"LOWER": {"IN": ["shot", "gunned", "found", "beaten", "stabbed", "burned",
                                  "burnt", "hacked", "mowed", "cut"]}},
                {"LOWER": {"IN": ["dead", "down"]}}],
               [{"LOWER": {"IN": ["beaten", "burned", "burnt", "stabbed", "shot", "crushed",
                                  "tortured", "starved"]}}, {"LOWER": "to"}, {"LOWER": "death"}],
               [{"LEMMA": "lose"}, {"LOWER": {"IN": ["their", "his", "her"]}},
                {"LOWER": {"IN": ["lives", "life"]}}]],
    "wounded": [[{"LOWER": {"IN": ["wounded", "injured", "hurt", "maimed"]}}],
                # "more than 35 people suffered suffocation" (a gas attack's injured)
                [{"LEMMA": "suffer"}, {"LOWER": {"IN": ["from", "cases", "of"]}, "OP": "*"},
                 {"LOWER": {"IN": BREATHING}}]],
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
               "claimed", "claiming", "claims", "killling",
               # deliberate killings: "beheaded two men", "executed three officers"
               "behead", "beheads", "beheaded", "beheading", "execute", "executes", "executed",
               "executing", "crucified", "crucify", "crucifying", "murder", "murders",
               "murdered", "murdering", "massacre", "massacred", "massacring", "slaughtered",
               "slaughtering", "assassinated", "assassinating", "eliminated", "eliminating",
               "slew", "slay", "slays"],
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
                  "homeless": "displaced", "displaced": "displaced", "missing": "missing"}
TOLL_LINKS = ["to", "at", "of", "is", "was", "reached", "reaches", "hit", "hits", "stands",
              "stood", "passed", "passes", "topped", "tops", "exceeded", "exceeds", "now",
              "rises", "rose", "climbs", "climbed", "mounts", "nears", "neared"]
MODALS = {"could", "would", "might", "will", "should", "can"}
INCLUDING = ["including", "incl"]
# punctuation that ends the toll's noun phrase (a hyphen does not: "the five-year war's toll")
CLAUSE_PUNCT = [",", ".", ";", ":", "(", ")", "!", "?", '"', "“", "”", "–", "—"]


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
    if token.lower_ in TRIGGER_FORMS:
        return attributive_noun(token) is not None
    # an acronym the tagger reads as a verb: "10 IS members"
    return token.pos_ in ("ADJ", "PROPN", "NOUN") or (
        token.is_upper and token.is_alpha and len(token.text) >= 2 and token.i > 0
        and not token.doc[token.i - 1].is_upper)


def attributive_noun(token: Token) -> Optional[Token]:
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
        if nxt.pos_ not in ("ADJ", "PROPN", "NOUN") or nxt.lower_ in TRIGGER_FORMS \
                or nxt._.geo_cnt != "O":
            return None
    return None


def is_person_sg(token: Token) -> bool:
    return token.tag_ in ("NN", "NNP") and token.lemma_.lower() in PERSON_NOUNS \
        and token._.geo_cnt == "O" and not plural_form(token)


def _words(token_pattern: dict) -> list[str]:
    lower = token_pattern.get("LOWER")
    return lower.get("IN", []) if isinstance(lower, dict) else [lower] if lower else []


# Outcome words usable alone after the victims ("killed", "wounded", "missing").
SINGLE_WORD_OUTCOMES = {w: outcome for outcome, pats in OUTCOME_WORDS.items() for pat in pats
                        if len(pat) == 1 for w in _words(pat[0])}
# Words that can be (part of) an outcome after the victims, its function words left out.
TRIGGER_FORMS = {w for pats in OUTCOME_WORDS.values() for pat in pats for tok in pat
                 for w in _words(tok)} - {"to", "for", "down", "death", "their", "his", "her",
                                          "lives", "life", "from", "cases", "of"}


for _name, _kw in (("geo_cnt", {"default": "O"}), ("geo_mod", {"getter": _is_mod}),
                   ("geo_person_sg", {"getter": is_person_sg})):
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
    # "claiming the lives of a man and his wife", "the killing of a journalist"
    families["singular_object|killed"].append(
        [{"LOWER": {"IN": ["lives", "life", "death", "killing", "murder", "execution"]}},
         {"LOWER": "of"}, {"LOWER": {"IN": ["a", "an", "the"]}, "OP": "?"},
         {"_": {"geo_mod": True}, "OP": "{0,3}"}, PERSON_SG])
    for outcome, nouns in OUTCOME_NOUNS.items():
        families[f"nominal|{outcome}"] = [CNT + [{"_": {"geo_mod": True}, "OP": "{0,3}"},
                                                 {"LOWER": {"IN": nouns}}]]
    for word, outcome in LEAVE_OUTCOMES.items():
        families.setdefault(f"leave|{outcome}", []).append(
            [{"LEMMA": "leave"}] + CNT + MOD + [{"LOWER": word}])
    for word, outcome in LEAVE_OUTCOMES.items():
        # "leaving 23 civilians - including nine children - dead"
        families[f"leave|{outcome}"].append(
            [{"LEMMA": "leave"}] + CNT + MOD + [{"ORTH": {"IN": DASHES}},
                                                {"LOWER": {"IN": INCLUDING}},
                                                {"ORTH": {"NOT_IN": DASHES}, "OP": "{1,6}"},
                                                {"ORTH": {"IN": DASHES}}, {"LOWER": word}])
    # "caused suffocation cases for at least 6 civilians", "cases of asphyxiation to 35"
    families["object|wounded"] += [
        [{"LOWER": {"IN": BREATHING}}, {"IS_ALPHA": True, "OP": "{0,2}"}, {"LOWER": "cases"},
         {"LOWER": {"IN": ["for", "to", "among"]}}] + CNT,
        [{"LOWER": "cases"}, {"LOWER": "of"}, {"LOWER": {"IN": BREATHING}},
         {"LOWER": {"IN": ["for", "to", "among"]}}] + CNT]
    families["deaths_of|killed"] = [[{"LOWER": {"IN": ["deaths", "death", "killing",
                                                       "killings", "lives", "bodies"]}},
                                     {"LOWER": "of"}] + CNT]
    # "caused the displacement of 3000 families", "forced thousands of locals to flee"
    families["deaths_of|displaced"] = [[{"LOWER": {"IN": ["displacement", "exodus",
                                                          "evacuation"]}},
                                        {"LOWER": "of"}] + CNT]
    families["object|displaced"] += [
        [{"LEMMA": {"IN": ["force", "cause", "drive", "prompt"]}}] + CNT + OF + MOD
        + [{"LOWER": "to"}, {"LOWER": {"IN": ["flee", "leave", "abandon"]}}]]
    families["toll|killed"] = [[{"LOWER": "toll"},
                                {"_": {"geo_cnt": "O"}, "ORTH": {"NOT_IN": CLAUSE_PUNCT}, "OP": "{0,10}"},
                                {"LOWER": {"IN": TOLL_LINKS}}] + CNT]
    # "put the number at 60", "puts the figure at 191,000", "put the number of injured at 28"
    put = [{"LEMMA": "put"}, {"LOWER": {"IN": ["the", "its", "their"]}, "OP": "?"},
           {"LOWER": {"IN": ["number", "figure", "tally", "total"]}}]
    # bare "put the number at 60" restates the figure just given, with its outcome
    # (``geo.events.casualties``); never a figure on its own
    families["restate|killed"] = [put + [{"LOWER": "at"}] + CNT]
    families["toll|killed"].append(put + [{"LOWER": "of"}, {"LOWER": {"IN": [
        "dead", "deaths", "killed", "victims", "fatalities"]}}, {"LOWER": "at"}] + CNT)
    families["toll|wounded"] = [
        put + [{"LOWER": "of"}, {"LOWER": {"IN": ["injured", "wounded", "injuries"]}},
               {"LOWER": "at"}] + CNT]
    families["prenominal|killed"] = [[{"LOWER": "dead"}, PERSON_SG]]
    return families


PATTERN_FAMILIES = _families()


@lru_cache(maxsize=4)
def figure_matcher(vocab) -> Matcher:
    """A Matcher of every pattern family, labelled "family|outcome"."""
    matcher = Matcher(vocab, validate=True)
    for label, patterns in PATTERN_FAMILIES.items():
        matcher.add(label, patterns)
    return matcher
