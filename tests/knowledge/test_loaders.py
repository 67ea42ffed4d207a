from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import IngestError, load_folder
from knowledge.loaders import load_faq, load_markdown

from .conftest import FIXTURES


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_markdown_front_matter_gives_id_title_category_and_tags() -> None:
    doc = load_markdown(FIXTURES / "kb" / "docs" / "card-loss.md")
    assert (doc.id, doc.title, doc.category, doc.tags) == (
        "fx-card-loss",
        "借记卡挂失",
        "howto",
        ("debit-card", "urgent"),
    )
    assert doc.kind == "doc"
    assert doc.body.startswith("# 借记卡挂失")
    assert Path(doc.source).is_absolute()


def test_markdown_title_falls_back_to_first_heading_and_inline_tags_split() -> None:
    doc = load_markdown(FIXTURES / "kb" / "docs" / "mortgage.md")
    assert doc.title == "个人住房贷款"
    assert doc.tags == ("mortgage", "loan")


def test_markdown_without_front_matter_uses_file_name_as_id(tmp_path: Path) -> None:
    path = write(
        tmp_path / "docs" / "plain-doc.md", "---\ncategory: policy\n---\n# 隐私政策\n我们保护您的信息。"
    )
    assert load_markdown(path).id == "plain-doc"


def test_yaml_faq_keeps_alt_questions() -> None:
    faqs = load_faq(FIXTURES / "kb" / "faq" / "cards.yaml")
    assert [f.id for f in faqs] == ["fx-faq-card-lost", "fx-faq-transfer-limit"]
    first = faqs[0]
    assert first.kind == "faq" and first.question == "借记卡丢了怎么办？" and first.title == first.question
    assert first.alt_questions == ("银行卡丢失了如何挂失", "卡被偷了怎么办")
    assert faqs[1].alt_questions == ()


def test_csv_faq_splits_tags_on_pipe() -> None:
    faqs = load_faq(FIXTURES / "kb" / "faq" / "loans.csv")
    assert [f.id for f in faqs] == ["fx-faq-prepay", "fx-faq-credit-report"]
    assert faqs[0].tags == ("mortgage", "loan")
    assert faqs[1].answer is not None and faqs[1].answer.startswith("可以通过")


def test_folder_loads_docs_and_faq() -> None:
    docs = load_folder(FIXTURES / "kb")
    assert sorted(d.kind for d in docs).count("faq") == 4
    assert len(docs) == 7


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        (
            "docs/bad-category.md",
            "---\nid: x\ntitle: T\ncategory: marketing\n---\n正文。",
            "`category` must be one of",
        ),
        ("docs/no-title.md", "---\nid: x\ncategory: fee\n---\n正文没有标题。", "no title"),
        ("docs/bad-yaml.md", "---\nid: [unclosed\ncategory: fee\n---\n# T\n正文。", "invalid YAML"),
        ("docs/empty.md", "---\nid: x\ntitle: T\ncategory: fee\n---\n", "no body"),
        ("faq/not-a-list.yaml", "id: x\nquestion: q\n", "must be a list"),
        (
            "faq/missing-answer.yaml",
            "- id: x\n  question: 问题？\n  category: fee\n",
            "item 1: missing `answer`",
        ),
        ("faq/bad.csv", "id,question,category\nx,问题？,fee\n", "CSV header lacks answer"),
        ("faq/bad-row.csv", "id,question,answer,category,tags\nx,问,答,fee,a,extra\n", "line 2: more fields"),
    ],
)
def test_bad_files_raise_ingest_error_naming_file_and_problem(
    tmp_path: Path, name: str, text: str, problem: str
) -> None:
    path = write(tmp_path / name, text)
    with pytest.raises(IngestError) as info:
        load_folder(tmp_path)
    assert path.name in str(info.value)
    assert problem in str(info.value)


def test_duplicate_ids_across_files_are_refused(tmp_path: Path) -> None:
    write(tmp_path / "faq" / "a.yaml", "- {id: dup, question: 问一, answer: 答一, category: fee}\n")
    write(tmp_path / "faq" / "b.csv", "id,question,answer,category,tags\ndup,问二,答二,fee,\n")
    with pytest.raises(IngestError, match="'dup' is already used"):
        load_folder(tmp_path)


def test_folder_without_docs_or_faq_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no docs/ or faq/"):
        load_folder(tmp_path)


def test_non_utf8_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "faq" / "gbk.csv"
    path.parent.mkdir()
    path.write_bytes("id,question,answer,category\nx,挂失,答,fee\n".encode("gbk"))
    with pytest.raises(IngestError, match="not UTF-8"):
        load_folder(tmp_path)
