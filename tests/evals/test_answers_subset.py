"""The answer-quality eval (quick dev subset) through the API on the test deployment, and its scoring."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.wiring import Services
from evals import answers


@pytest.mark.slow
def test_quick_subset_does_not_fall_below_the_measured_floor(services: Services, tmp_path: Path) -> None:
    section = answers.run(quick=True, plots_dir=tmp_path, services=services)
    figures = section.metrics["all"]
    # Only dev items: the held-out split is never run by the tests.
    assert section.metrics["heldout"]["turns"] == 0
    assert section.metrics["singles"] > 50 and section.metrics["conversations"] >= 7
    # Measured before issue 9 (76 questions, 11 conversations, 102 turns): answerable 0.41, not-ours
    # refused 0.64 (11 items). Floors: those minus a margin; raise them as the issue lands.
    assert figures["answerable_correct"] >= FLOOR_ANSWERABLE
    assert figures["not_ours_refused"] >= FLOOR_NOT_OURS
    # Before the answer gate 17.8 % of the dev split's answers cited the wrong source; with it 3-5 %.
    assert figures["wrong_confident_of_answers"] <= CEILING_WRONG_CONFIDENT


FLOOR_ANSWERABLE = 0.33
FLOOR_NOT_OURS = 0.45
CEILING_WRONG_CONFIDENT = 0.12


def test_every_item_has_a_split_and_a_known_expectation() -> None:
    singles, conversations = answers.load(answers.SINGLE), answers.load(answers.MULTITURN)
    turns = singles + [t for c in conversations for t in c["turns"]]
    assert all(i["split"] in ("dev", "heldout") for i in singles + conversations)
    assert all(t["expect"] in ("answer", "refuse", "handoff", "ack") for t in turns)
    assert all(t["sources"] for t in turns if t["expect"] == "answer")
    assert all(t["reason"] in answers.REASON_CATEGORY for t in turns if t["expect"] == "handoff")
    heldout = sum(i["split"] == "heldout" for i in singles) / len(singles)
    assert 0.25 <= heldout <= 0.35


def _reply(action: str, *cited: str) -> dict[str, object]:
    return {"action": action, "citations": [{"doc_id": d} for d in cited], "reply": "…"}


def test_scoring_tells_correct_wrong_confident_and_missed_apart() -> None:
    answer = {"expect": "answer", "sources": ["faq-credit-card-lost", "credit-card-loss"]}
    assert answers.score(answer, _reply("answer", "credit-card-loss", "faq-x"), None)[1] == "correct"
    # Only the top citation counts.
    assert answers.score(answer, _reply("answer", "faq-x", "credit-card-loss"), None)[1] == "wrong_confident"
    assert answers.score(answer, _reply("fallback"), None)[1] == "missed"
    assert answers.score(answer, _reply("handoff"), "urgent_risk") == ("handoff:urgent_risk", "missed")
    refuse = {"expect": "refuse"}
    assert answers.score(refuse, _reply("fallback"), None)[1] == "correct"
    assert answers.score(refuse, _reply("handoff"), "human_request")[1] == "correct"
    assert answers.score(refuse, _reply("answer", "faq-credit-card-annual-fee"), None)[1] == "wrong_confident"
    ack = {"expect": "ack"}
    assert answers.score(ack, _reply("smalltalk"), None)[1] == "correct"
    assert answers.score(ack, _reply("handoff"), "human_request")[1] == "other"
    clarify = {"expect": "answer", "sources": ["credit-card-loss"], "clarify_ok": True}
    assert answers.score(clarify, _reply("answer"), None)[1] == "correct"


def test_english_replies_are_told_from_chinese_ones() -> None:
    assert answers.is_english("Call 400-860-1234 to report the loss of your 青禾银行 card at once.")
    assert not answers.is_english("Sorry, only Chinese: 信用卡挂失请拨打400-860-1234，挂失立即生效。")


def test_a_declined_offer_is_not_followed_when_a_person_already_holds_the_chat() -> None:
    assert answers.score({"expect": "ack"}, _reply("human_mode"), None)[1] == "other"
