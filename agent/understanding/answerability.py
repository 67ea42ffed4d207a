"""Answer or abstain: a second, calibrated judgement over the retrieval and what the question names.

The retriever's confidence (`knowledge.confidence`) sees three numbers: the top cosine, its lead over the
next chunk and the BM25 score. Customers' own questions showed what it misses: the fused top hit is often
not the most similar passage ("申请信用卡多久能收到卡" → the activation FAQ on a BM25 hit, the application
FAQ a closer neighbour), the lead over the next *document* is what separates a right answer from a
neighbour, and a question whose key words the passage never uses ("你们代销哪些保险" → the guaranteed-
return FAQ) or that the knowledge base does not know at all is not answered by it. `AnswerGate` is a
logistic model over those signals, fitted by `python -m evals.answer_gate` on the dev split of the
answers eval only; it decides `Retrieval.answerable` for the pipeline. Abstaining costs one honest
"I can't answer that reliably — shall I get a person?"; a wrong confident answer costs the customer.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from agent.understanding.vocabulary import SlotVocabulary
from knowledge import Hit, Retrieval
from knowledge.bm25 import tokenize

GATE_PATH = Path(__file__).resolve().parent.parent / "data" / "answer_gate.json"
FEATURE_NAMES: tuple[str, ...] = (
    "top_dense",  # cosine of the fused top hit
    "dense_deficit",  # how much more similar the most similar other document is (0 when the top is it)
    "doc_margin",  # fused-score lead over the next different document
    "dense_doc_margin",  # cosine lead over the next different document (negative: another is closer)
    "other_topic_margin",  # cosine lead over the closest document sharing no tag with the top one
    "log_sparse",  # log(1 + BM25) of the top hit
    "coverage",  # idf-weighted share of the question's words that the top passage uses
    "unknown",  # idf-weighted share of the question's words the knowledge base never uses
    "subject_missing",  # the question names a card/product the top passage does not mention
    "subject_named",  # the question names cards/products and the top passage mentions them all (any language)
    "english",  # the question has no Chinese character
    "retrieval_logit",  # the retriever's own calibrated confidence, as a logit
    "follow_up",  # the question is a follow-up rewritten from the conversation state
    "same_topic",  # the top hit is a document the last answer cited
    # A follow-up that stays on the document the conversation is about and whose named subject it covers
    # ("what about the platinum card?" → the annual-fee FAQ naming 白金卡): a cross-lingual follow-up sits
    # at a lower cosine than its first question, though nothing else changed (dev: 19 of 19 right).
    "on_topic_subject",
)
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class PassageWords:
    """Per chunk, the words of everything that answers from it; document frequencies over all chunks."""

    words: Mapping[str, frozenset[str]]
    idf: Mapping[str, float]
    unknown_idf: float

    @classmethod
    def build(cls, rows: Iterable[tuple[str, str]]) -> PassageWords:
        words = {chunk_id: frozenset(tokenize(text)) for chunk_id, text in rows}
        n = max(len(words), 1)
        df: dict[str, int] = {}
        for ws in words.values():
            for w in ws:
                df[w] = df.get(w, 0) + 1
        idf = {w: math.log((n + 1) / (d + 0.5)) for w, d in df.items()}
        return cls(words=words, idf=idf, unknown_idf=math.log((n + 1) / 0.5))

    def weight(self, word: str) -> float:
        return self.idf.get(word, self.unknown_idf)


@dataclass(frozen=True)
class Context:
    """What the conversation adds: whether the question was rewritten, what the last answer cited."""

    follow_up: bool = False
    topic_doc_ids: tuple[str, ...] = ()


def features(
    question: str,
    retrieval: Retrieval,
    passages: PassageWords,
    vocabulary: SlotVocabulary,
    context: Context = Context(),
) -> tuple[float, ...]:
    """The `FEATURE_NAMES` values for answering `question` from the top hit of `retrieval`."""
    hits = retrieval.hits
    english = 0.0 if _CJK.search(question) else 1.0
    logit = _logit(retrieval.confidence)
    follow_up = 1.0 if context.follow_up else 0.0
    if not hits:
        return (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, english, logit, follow_up, 0.0, 0.0)
    top = hits[0]
    others = [h for h in hits[1:] if h.chunk.doc_id != top.chunk.doc_id]
    best_other_dense = max((h.dense for h in others), default=0.0)
    next_score = others[0].score if others else 0.0
    # A close article about the same thing (the FAQ's own topic, sharing a tag) is no rival answer.
    tags = set(top.chunk.tags)
    best_other_topic = max((h.dense for h in others if not tags & set(h.chunk.tags)), default=0.0)
    qwords = set(tokenize(question))
    total = sum(passages.weight(w) for w in qwords) or 1.0
    covered_words = passages.words.get(top.chunk.id, frozenset())
    covered = sum(passages.weight(w) for w in qwords if w in covered_words) / total
    unknown = sum(passages.unknown_idf for w in qwords if w not in passages.idf) / total
    named = vocabulary.subjects(question)
    mentioned = vocabulary.subjects(_passage(top)) if named else frozenset()
    subject_named = 1.0 if named and named <= mentioned else 0.0
    same_topic = 1.0 if top.chunk.doc_id in context.topic_doc_ids else 0.0
    return (
        top.dense,
        max(best_other_dense - top.dense, 0.0),
        top.score - next_score,
        top.dense - best_other_dense,
        top.dense - best_other_topic,
        math.log1p(max(top.sparse, 0.0)),
        covered,
        unknown,
        1.0 if named and not named & mentioned else 0.0,
        subject_named,
        english,
        logit,
        follow_up,
        same_topic,
        follow_up * same_topic * subject_named,
    )


def subject_missing(question: str, top: Hit, vocabulary: SlotVocabulary) -> bool:
    """The question names cards or products, and the top passage mentions none of them, in either language
    ("platinum card" is found as 白金卡 in a Chinese-only passage; 金卡 is not found inside 白金卡)."""
    named = vocabulary.subjects(question)
    return bool(named) and not named & vocabulary.subjects(_passage(top))


def _passage(top: Hit) -> str:
    chunk = top.chunk
    return "\n".join(filter(None, (chunk.title, chunk.text, chunk.title_en, chunk.answer_en)))


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


@dataclass(frozen=True)
class AnswerGate:
    """p(the top hit answers the question) = sigmoid(intercept + Σ weight·feature); answer at ≥ threshold."""

    intercept: float
    weights: tuple[float, ...]
    threshold: float
    feature_names: tuple[str, ...] = FEATURE_NAMES

    def probability(self, values: Sequence[float]) -> float:
        z = self.intercept + sum(w * x for w, x in zip(self.weights, values, strict=True))
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    def judge(
        self,
        question: str,
        retrieval: Retrieval,
        passages: PassageWords,
        vocabulary: SlotVocabulary,
        context: Context = Context(),
    ) -> Retrieval:
        """`retrieval` with the gate's probability as its confidence and its decision as `answerable`."""
        p = self.probability(features(question, retrieval, passages, vocabulary, context))
        return replace(retrieval, confidence=round(p, 4), answerable=p >= self.threshold)

    def to_json(self) -> dict[str, object]:
        return {
            "feature_names": list(self.feature_names),
            "intercept": self.intercept,
            "weights": list(self.weights),
            "threshold": self.threshold,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> AnswerGate:
        names = tuple(str(n) for n in data["feature_names"])  # type: ignore[attr-defined]
        if names != FEATURE_NAMES:
            raise ValueError(f"answer gate fitted on {names}, code computes {FEATURE_NAMES}: refit it")
        return cls(
            intercept=float(data["intercept"]),  # type: ignore[arg-type]
            weights=tuple(float(w) for w in data["weights"]),  # type: ignore[attr-defined]
            threshold=float(data["threshold"]),  # type: ignore[arg-type]
        )


def load_gate(path: Path = GATE_PATH) -> AnswerGate | None:
    """The fitted gate, or None when none has been fitted (the retriever's judgement stands)."""
    if not path.exists():
        return None
    return AnswerGate.from_json(json.loads(path.read_text(encoding="utf-8")))
