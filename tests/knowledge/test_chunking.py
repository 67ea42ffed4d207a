from __future__ import annotations

from knowledge.chunking import MAX_CHARS, chunk_article, index_document, pack, split_sections, split_sentences
from knowledge.loaders import Document, load_markdown

from .conftest import FIXTURES


def article(body: str, title: str = "信用卡账单") -> Document:
    return Document(
        id="doc", title=title, category="howto", tags=("t",), source="/kb/docs/doc.md", body=body, kind="doc"
    )


def test_sentences_split_on_chinese_and_western_ends_and_newlines() -> None:
    text = (
        "卡丢了怎么办？请立即挂失！挂失免费。注意：“不要告诉他人验证码。”\n"
        "第二行；第三句 rate is 3.5%. Next one"
    )
    assert split_sentences(text) == [
        "卡丢了怎么办？",
        "请立即挂失！",
        "挂失免费。",
        "注意：“不要告诉他人验证码。”",
        "第二行；",
        "第三句 rate is 3.5%.",
        "Next one",
    ]


def test_sections_follow_headings_and_drop_an_h1_equal_to_the_title() -> None:
    body = "# 信用卡账单\n简介。\n## 还款\n按时还款。\n### 最低还款\n最低还款额为10%。\n## 分期\n可以分期。"
    assert list(split_sections(body, "信用卡账单")) == [
        ("", "简介。"),
        ("还款", "按时还款。"),
        ("还款 > 最低还款", "最低还款额为10%。"),
        ("分期", "可以分期。"),
    ]


def test_chunks_carry_title_and_heading_as_context() -> None:
    chunks = chunk_article(load_markdown(FIXTURES / "kb" / "docs" / "card-loss.md"))
    assert [c.heading for c in chunks] == [None, "临时挂失", "正式挂失"]
    assert chunks[1].text.startswith("借记卡挂失 > 临时挂失\n拨打客服热线")
    assert chunks[0].text == "借记卡挂失\n借记卡丢失后请立即挂失，以免资金被盗用。"
    assert {c.doc_id for c in chunks} == {"fx-card-loss"}
    assert [c.id for c in chunks] == ["fx-card-loss#0", "fx-card-loss#1", "fx-card-loss#2"]


def test_long_sections_are_split_with_one_sentence_overlap() -> None:
    sentences = [f"第{i}句说明信用卡的一项重要规则，内容比较长需要仔细阅读。" for i in range(40)]
    chunks = chunk_article(article("## 规则\n" + "".join(sentences)))
    assert len(chunks) > 3
    bodies = [c.text.split("\n", 1)[1] for c in chunks]
    assert all(len(b) <= MAX_CHARS for b in bodies)
    assert all(c.text.startswith("信用卡账单 > 规则\n") for c in chunks)
    for previous, following in zip(bodies, bodies[1:], strict=False):
        last_sentence = split_sentences(previous)[-1]
        assert following.startswith(last_sentence)
    assert all(s in "".join(bodies) for s in sentences)


def test_a_sentence_longer_than_the_limit_is_cut() -> None:
    assert [len(p) for p in pack(["长" * 700], 300)] == [300, 300, 100]


def test_markdown_syntax_is_removed_from_chunk_text() -> None:
    body = "## 费用\n| 项目 | 费用 |\n|---|---|\n| **补卡** | 5元 |\n- 详见[收费标准](https://example.com)"
    text = chunk_article(article(body))[0].text
    assert text == "信用卡账单 > 费用\n项目，费用\n补卡，5元\n详见收费标准"


def test_faq_is_one_chunk_matched_by_each_question_variant_and_the_pair() -> None:
    faq = Document(
        id="faq-1",
        title="卡丢了怎么办？",
        category="howto",
        tags=("card",),
        source="/kb/faq/a.yaml",
        body="请立即挂失。",
        kind="faq",
        question="卡丢了怎么办？",
        answer="请立即挂失。",
        alt_questions=("银行卡丢失如何挂失",),
    )
    entries = index_document(faq, content_hash="h")
    assert [(e.text, e.role) for e in entries] == [
        ("卡丢了怎么办？", "question"),
        ("银行卡丢失如何挂失", "question"),
        ("卡丢了怎么办？\n请立即挂失。", "qa"),
    ]
    assert [e.id for e in entries] == ["faq-1@0", "faq-1@1", "faq-1@2"]
    assert {e.chunk for e in entries} == {entries[0].chunk}
    chunk = entries[0].chunk
    assert (chunk.id, chunk.kind, chunk.text) == ("faq-1", "faq", "问：卡丢了怎么办？\n答：请立即挂失。")
    assert [e.text for e in index_document(faq, content_hash="h", faq_indexing="questions")] == [
        "卡丢了怎么办？",
        "银行卡丢失如何挂失",
    ]


def test_chunk_round_trips_through_chroma_metadata() -> None:
    chunk = chunk_article(load_markdown(FIXTURES / "kb" / "docs" / "card-loss.md"), "hash", "draft")[1]
    metadata = chunk.to_metadata()
    assert all(isinstance(v, (str, int, float, bool)) for v in metadata.values())
    assert metadata["tags"] == "debit-card,urgent"
    assert type(chunk).from_metadata(metadata) == chunk
