"""Optional English versions of knowledge items (Chinese stays required)."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import IngestError, load_folder
from knowledge.chunking import index_document
from knowledge.ingest import content_hash
from knowledge.loaders import load_faq


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_faq_carries_an_english_version_that_is_indexed(tmp_path: Path) -> None:
    path = write(
        tmp_path / "faq" / "faq.yaml",
        "- id: fee\n  question: 年费多少？\n  answer: 100元。\n  category: fee\n"
        "  en:\n    question: What is the annual fee?\n    answer: RMB 100.\n"
        "    alt_questions: ['How much is the yearly fee?']\n",
    )
    [doc] = load_faq(path)
    english = doc.version("en")
    assert english is not None
    assert (english.question, english.answer, english.alt_questions) == (
        "What is the annual fee?",
        "RMB 100.",
        ("How much is the yearly fee?",),
    )
    entries = index_document(doc, content_hash="h")
    assert {"What is the annual fee?", "How much is the yearly fee?"} <= {e.text for e in entries}
    chunk = entries[0].chunk
    assert (chunk.title_en, chunk.answer_en) == ("What is the annual fee?", "RMB 100.")
    assert type(chunk).from_metadata(chunk.to_metadata()) == chunk


def test_csv_columns_carry_the_english_version(tmp_path: Path) -> None:
    path = write(
        tmp_path / "faq.csv",
        "id,question,answer,category,question_en,answer_en\nfee,年费多少？,100元。,fee,Annual fee?,RMB 100.\n"
        "rate,利率？,1%。,rate,,\n",
    )
    fee, rate = load_faq(path)
    assert fee.version("en") is not None and fee.version("en").answer == "RMB 100."  # type: ignore[union-attr]
    assert rate.translations == {}


def test_a_translation_without_its_answer_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path / "faq.yaml",
        "- {id: a, question: 问？, answer: 答。, category: fee, en: {question: 'Q?'}}\n",
    )
    with pytest.raises(IngestError, match="both `question` and `answer`"):
        load_faq(path)


def test_an_article_takes_its_english_version_from_the_sibling_file(tmp_path: Path) -> None:
    write(tmp_path / "docs" / "fees.md", "---\nid: fees\ntitle: 收费标准\ncategory: fee\n---\n正文。\n")
    write(tmp_path / "docs" / "fees.en.md", "# Fee schedule\n\nBody.\n")
    [doc] = load_folder(tmp_path)
    assert doc.id == "fees" and doc.version("en") is not None
    assert doc.version("en").title == "Fee schedule"  # type: ignore[union-attr]
    chunks = index_document(doc, content_hash="h")
    assert all(e.chunk.title_en == "Fee schedule" for e in chunks)


def test_changing_only_the_english_version_changes_the_content_hash(tmp_path: Path) -> None:
    base = "- id: fee\n  question: 年费多少？\n  answer: 100元。\n  category: fee\n"
    [zh_only] = load_faq(write(tmp_path / "a.yaml", base))
    [with_en] = load_faq(write(tmp_path / "a.yaml", base + "  en: {question: 'Fee?', answer: RMB 100.}\n"))
    assert content_hash(zh_only, "published") != content_hash(with_en, "published")
