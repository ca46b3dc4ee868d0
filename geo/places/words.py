"""Capitalised words that are not places: days and months, news agencies, organisations,
demonyms, and admin-1 or region names that are ordinary words at a sentence start."""
from __future__ import annotations

import re

from geo.places.names import normalize

# Words that the gazetteer knows as some town but that, capitalised in news, are something else.
TIME_WORDS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "today", "tonight", "yesterday", "tomorrow",
    # abbreviated in datelines and page furniture ('Mon Jul 18 2016')
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat",
    "jan", "feb", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}
NEWS_AGENCIES = {
    "ap", "afp", "reuters", "upi", "dpa", "ansa", "efe", "tass", "ria", "ria novosti",
    "interfax", "xinhua", "kyodo", "yonhap", "anadolu", "bbc", "cnn", "vg", "nrk", "ntb",
    "al jazeera", "sana", "irna", "wafa", "apa", "armenpress", "trend", "pti", "ians",
}
ORGANISATIONS = {
    "nato", "osce", "un", "u n", "eu", "who", "unhcr", "unicef", "icrc", "imf", "wto", "opec",
    "iaea", "unesco", "asean", "au", "ecowas", "csto", "cis", "g7", "g20", "fbi", "cia", "kgb",
    "fsb", "pkk", "ypg", "sdf", "isis", "isil", "hamas", "idf", "hrw", "msf", "ocha", "unsc",
    # armed groups named in Arabic or by acronym
    "daesh", "daish", "nusra", "al nusra", "hts", "fsa", "hezbollah", "hizbollah",
}
# Demonyms and adjectives of nationality are not places ('Armenian forces').
DEMONYM_SUFFIXES = ("ian", "ians", "ean", "eans", "ese", "ish", "ani", "anis", "ic", "ics",
                    "i", "is", "ite", "ites", "ern", "an", "ans")
STOP_NAMES = TIME_WORDS | NEWS_AGENCIES | ORGANISATIONS
# Generic words around a name ('Bulacan province', 'the city of Aleppo'): retried without.
GENERIC = re.compile(
    r"^(?:(?:the )?(?:city|town|village|province|state|region|district|county|republic|"
    r"governorate|oblast|municipality) of )|(?: (?:city|town|village|province|state|region|"
    r"district|county|parish|governorate|oblast|municipality|enclave|area|island|islands|"
    r"air ?base|military airport))$",
    re.IGNORECASE)

# Admin-1 and region names that are ordinary capitalised words at the start of a sentence.
COMMON_WORDS = {"central", "north", "south", "east", "west", "northern", "southern", "eastern",
                 "western", "capital", "centre", "center", "coast", "islands", "island", "lakes",
                 "mountain", "river", "lake", "valley", "plateau", "upper", "lower", "border",
                 "national", "federal", "littoral", "interior", "highlands", "lowlands", "orient",
                 "occidental", "oriental", "sud", "nord", "est", "ouest", "centre-est", "plains",
                 "savanes", "maritime", "superior", "supreme", "metro", "olympic", "justice",
                 "home", "union", "liberty", "independence", "victoria", "midlands",
                 # a town's quarter described, not named ('the Old City of Homs' is no town in
                 # Palestine): the town named with it is the place
                 "old city", "old town", "new city", "city centre", "city center", "city", "town"}


def is_stop(text: str) -> bool:
    return normalize(text) in STOP_NAMES
