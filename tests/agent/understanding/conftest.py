"""The sample knowledge base's own vocabulary and gazetteer, built as the running agent builds them."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.understanding.scope import Gazetteer
from agent.understanding.vocabulary import SlotVocabulary
from knowledge.loaders import load_folder

SAMPLE = Path(__file__).resolve().parents[3] / "knowledge" / "sample"


@pytest.fixture(scope="session")
def sample_texts() -> list[str]:
    return [f"{d.title}\n{d.body}" for d in load_folder(SAMPLE)]


@pytest.fixture(scope="session")
def vocabulary(sample_texts: list[str]) -> SlotVocabulary:
    return SlotVocabulary.from_texts(sample_texts)


@pytest.fixture(scope="session")
def gazetteer(sample_texts: list[str]) -> Gazetteer:
    return Gazetteer.build(sample_texts, "青禾银行")
