"""The answer gate: its features read what the question names against the top passage; the fitted
model (agent/data/answer_gate.json, `python -m evals.answer_gate`) matches the code's features."""

from __future__ import annotations

import math

import pytest

from agent.understanding.answerability import (
    FEATURE_NAMES,
    AnswerGate,
    PassageWords,
    features,
    load_gate,
    subject_missing,
)
from agent.understanding.vocabulary import SlotVocabulary
from knowledge import Chunk, Hit, Retrieval


def hit(doc_id: str, dense: float, text: str, score: float = 1.0, tags: tuple[str, ...] = ()) -> Hit:
    chunk = Chunk(
        id=f"{doc_id}#0", doc_id=doc_id, title=doc_id, category="howto", source="", text=text,
        content_hash="", kind="faq", question=None, answer=None, heading=None, tags=tags,
    )  # fmt: skip
    return Hit(chunk=chunk, score=score, dense=dense, sparse=3.0)


ANNUAL_FEE = hit(
    "annual", 0.91, "问：信用卡年费多少？\n答：白金卡年费800元，刷卡6次免次年年费。", tags=("credit-card",)
)
DEBIT_FEES = hit(
    "debit", 0.93, "问：借记卡收费吗？\n答：借记卡免年费和小额账户管理费。", 0.8, ("debit-card",)
)
PASSAGES = PassageWords.build([(h.chunk.id, h.chunk.text) for h in (ANNUAL_FEE, DEBIT_FEES)])


def retrieval(*hits: Hit, confidence: float = 0.9) -> Retrieval:
    return Retrieval(query="", hits=list(hits), confidence=confidence, answerable=True)


def named(values: tuple[float, ...]) -> dict[str, float]:
    return dict(zip(FEATURE_NAMES, values, strict=True))


def test_a_question_about_another_product_than_the_passage_is_flagged(vocabulary: SlotVocabulary) -> None:
    assert subject_missing("大额存单起存金额多少", ANNUAL_FEE, vocabulary)
    assert not subject_missing("信用卡年费多少", ANNUAL_FEE, vocabulary)
    assert not subject_missing("年费多少", ANNUAL_FEE, vocabulary)  # names nothing: nothing to miss
    assert subject_missing("金卡年费多少", ANNUAL_FEE, vocabulary)  # 金卡 is not read inside 白金卡


def test_an_english_question_finds_its_subject_in_a_chinese_passage(vocabulary: SlotVocabulary) -> None:
    # ANNUAL_FEE has no English version: "platinum card" must be matched to its 白金卡.
    platinum = named(
        features("What is the annual fee for a platinum card?", retrieval(ANNUAL_FEE), PASSAGES, vocabulary)
    )
    assert (platinum["subject_missing"], platinum["subject_named"]) == (0.0, 1.0)
    gold_question = "What is the annual fee for a gold card?"
    gold = named(features(gold_question, retrieval(ANNUAL_FEE), PASSAGES, vocabulary))
    assert (gold["subject_missing"], gold["subject_named"]) == (1.0, 0.0)
    bare = named(features("what is the annual fee?", retrieval(ANNUAL_FEE), PASSAGES, vocabulary))
    assert (bare["subject_missing"], bare["subject_named"]) == (0.0, 0.0)  # names nothing


def test_features_see_a_closer_rival_and_the_words_the_passage_does_not_use(
    vocabulary: SlotVocabulary,
) -> None:
    values = named(features("信用卡年费多少", retrieval(ANNUAL_FEE, DEBIT_FEES), PASSAGES, vocabulary))
    assert values["dense_deficit"] == pytest.approx(0.02)  # the debit-card FAQ is more similar
    assert values["dense_doc_margin"] == pytest.approx(-0.02)
    assert values["doc_margin"] == pytest.approx(0.2)
    assert values["coverage"] == pytest.approx(1.0)
    assert values["english"] == 0.0
    unknown = named(features("纸黄金年费多少", retrieval(ANNUAL_FEE, DEBIT_FEES), PASSAGES, vocabulary))
    assert unknown["unknown"] > 0.3 and unknown["coverage"] < 0.7


def test_the_gate_replaces_the_retrievers_decision(vocabulary: SlotVocabulary) -> None:
    weights = tuple(1.0 if name == "coverage" else 0.0 for name in FEATURE_NAMES)
    gate = AnswerGate(intercept=-0.5, weights=weights, threshold=0.6)
    covered = gate.judge("信用卡年费多少", retrieval(ANNUAL_FEE, confidence=0.1), PASSAGES, vocabulary)
    assert covered.answerable and covered.confidence == pytest.approx(1 / (1 + math.exp(-0.5)), abs=1e-4)
    off = gate.judge("纸黄金怎么买", retrieval(ANNUAL_FEE, confidence=0.99), PASSAGES, vocabulary)
    assert not off.answerable


def test_the_fitted_gate_matches_the_features_the_code_computes() -> None:
    gate = load_gate()
    assert gate is not None
    assert len(gate.weights) == len(FEATURE_NAMES) and 0.0 < gate.threshold < 1.0
