"""Shared fixtures. Tests never read the development folder beside the project: fixtures
live in tests/fixtures/."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SEED_NAME = "000_6b9e2fcaa4d74d82"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return FIXTURES / f"{SEED_NAME}.txt"


@pytest.fixture(scope="session")
def seed_text(seed_path) -> str:
    return seed_path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def gold() -> dict:
    return json.loads((FIXTURES / f"{SEED_NAME}.gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def gazetteer():
    """The offline gazetteer index (built on first use)."""
    from geo.places import load_gazetteer

    return load_gazetteer()


@pytest.fixture(scope="session")
def nlp(gazetteer):
    """The place pipeline: spaCy's model plus the gazetteer phrase matcher."""
    from geo.places import load_place_pipeline

    return load_place_pipeline(gazetteer)
