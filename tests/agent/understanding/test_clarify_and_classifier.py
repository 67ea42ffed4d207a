from __future__ import annotations

from agent.intents import Intent
from agent.understanding.clarify import near_tie
from agent.understanding.classifier import to_classification
from agent.understanding.intent_model import IntentPrediction
from knowledge import Chunk, Hit


def hit(doc_id: str, dense: float, title: str = "", title_en: str | None = None) -> Hit:
    chunk = Chunk(
        id=f"{doc_id}#0", doc_id=doc_id, title=title or doc_id, category="fee", source="", text="",
        content_hash="", kind="faq", question=None, answer=None, heading=None, tags=(), title_en=title_en,
    )  # fmt: skip
    return Hit(chunk=chunk, score=dense, dense=dense, sparse=0.0)


def test_two_documents_nearly_tied_are_offered_as_choices() -> None:
    tie = near_tie(
        [hit("a", 0.90, "信用卡年费"), hit("a", 0.899), hit("b", 0.895, "借记卡收费", "Debit card fees")]
    )
    assert tie is not None
    assert [c.doc_id for c in tie.choices] == ["a", "b"]
    english = near_tie(
        [hit("a", 0.90, "x", "Credit card fee"), hit("b", 0.895, "y", "Debit card fees")], "en"
    )
    assert english is not None and [c.title for c in english.choices] == [
        "Credit card fee",
        "Debit card fees",
    ]


def test_a_clear_lead_or_weak_candidates_are_no_tie() -> None:
    assert near_tie([hit("a", 0.92), hit("b", 0.89)]) is None
    assert near_tie([hit("a", 0.84), hit("b", 0.839)]) is None
    assert near_tie([hit("a", 0.92), hit("a", 0.919)]) is None


def prediction(label: str | None, top: str, p: float, **others: float) -> IntentPrediction:
    return IntentPrediction(label=label, top=top, probability=p, probabilities={top: p, **others})


def test_only_a_confident_label_routes_and_abstention_means_a_question() -> None:
    unsure = to_classification("你们这存款保险靠谱吗", prediction(None, "complaint", 0.55))
    assert unsure.intent is Intent.FAQ and "model:complaint=0.55(abstain)" in unsure.reasons
    urgent = to_classification("卡丢了怎么办", prediction("urgent", "urgent", 0.97, faq=0.02))
    assert urgent.intent is Intent.URGENT and urgent.urgency == "urgent"


def test_a_complaint_that_also_asks_keeps_the_question_flag() -> None:
    c = to_classification("年费怎么又扣了，到底多少钱", prediction("complaint", "complaint", 0.7, faq=0.25))
    assert c.intent is Intent.COMPLAINT and Intent.FAQ in c.flags and c.negative


def test_an_explicit_request_for_a_person_read_as_small_talk_hands_off() -> None:
    c = to_classification("算了，直接给我转人工", prediction("smalltalk", "smalltalk", 0.8))
    assert c.intent is Intent.HUMAN
    question = to_classification("人工客服几点上班", prediction(None, "faq", 0.6))
    assert question.intent is Intent.FAQ  # a question about staff is still a question
