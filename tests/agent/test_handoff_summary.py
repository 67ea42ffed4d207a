"""The handoff summary, useful to an agent picking the case up cold (frozen clock, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from agent.classify import Classification, Intent
from agent.handoff import Passage, build_summary, draft_reply, is_filler, unanswered_question
from agent.state import TranscriptLine

T0 = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def msg(role: str, text: str, minute: int, **fields: Any) -> TranscriptLine:
    if "citations" in fields:
        fields["citations"] = tuple(fields["citations"])
    return TranscriptLine(role=role, text=text, created_at=T0 + timedelta(minutes=minute), **fields)


def classification(intent: Intent = Intent.HUMAN, sentiment: float = 0.0) -> Classification:
    return Classification(
        intent=intent, flags=frozenset({intent}), sentiment=sentiment, negative=sentiment < 0,
        urgency="normal", reasons=("test",),
    )


FEE_TITLE = "信用卡年费是多少？怎么免年费？"
FEE_SOURCE = [{"title": FEE_TITLE, "source": "/v1/sources/faq-fee", "doc_id": "faq-fee"}]
HISTORY = [
    msg("customer", "信用卡年费多少？", 0, intent="faq", action="answer"),
    msg(
        "bot",
        f"青禾标准卡年费100元，首年免年费。刷卡满6次免次年年费。\n参考来源：《{FEE_TITLE}》",
        0, action="answer", citations=FEE_SOURCE, feedback="not_helpful", feedback_comment="我的是白金卡",
    ),
    msg("customer", "白金卡年费能不能用积分抵扣？我的手机<PHONE_1>", 3, intent="faq", action="fallback"),
    msg("bot", "抱歉，这个问题我暂时无法准确回答。需要为您转接人工客服吗？", 3, action="fallback"),
    msg("customer", "yes please", 4, intent="chitchat"),
]


def summary(history: list[TranscriptLine], **kw: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "customer_ref": "C123", "customer_tier": "vip", "channel": "web", "group_id": None,
        "reason": "human_request", "classification": classification(), "question": history[-1].text,
        "history": history, "private_followup": False, "now": T0 + timedelta(minutes=5),
    }
    args.update(kw)
    return build_summary(**args)


def test_the_question_is_the_one_the_bot_could_not_answer_not_the_last_message() -> None:
    s = summary(HISTORY)
    assert s["question"] == "白金卡年费能不能用积分抵扣？我的手机<PHONE_1>"
    assert s["question_at"] == "2026-12-03T02:03:00+00:00"
    assert s["last_message"] == "yes please"


def test_a_request_for_a_person_after_an_answer_points_back_to_that_question() -> None:
    history = [*HISTORY[:2], msg("customer", "转人工", 1, intent="human_request")]
    assert summary(history)["question"] == "信用卡年费多少？"


def test_fillers_and_short_real_messages() -> None:
    for text in ("转人工", "yes please", "好的，麻烦转人工客服", "OK, talk to a human", "是的"):
        assert is_filler(text), text
    assert not is_filler("我要投诉", "complaint")
    assert not is_filler("房贷能提前还吗")
    pending = TranscriptLine(role="customer", text="人工")  # no intent, no time
    assert unanswered_question([pending]) is None


def test_one_line_per_bot_answer_with_time_source_and_rating() -> None:
    s = summary(HISTORY)
    assert s["bot_answered"] == [
        "10:00 青禾标准卡年费100元，首年免年费。（来源：《信用卡年费是多少？怎么免年费？》） 👎",
        "10:03 抱歉，这个问题我暂时无法准确回答。",
    ]
    assert s["bot_answers"][0]["feedback_comment"] == "我的是白金卡"


def test_tried_placeholders_tier_and_timestamps() -> None:
    s = summary(HISTORY)
    assert s["tried"] == [
        f"问“信用卡年费多少？” → 机器人已答复（《{FEE_TITLE}》），客户评价没帮助：我的是白金卡",
        "问“白金卡年费能不能用积分抵扣？” → 机器人无法回答",
    ]
    assert s["placeholders"] == ["<PHONE_1>"]
    assert s["tier"] == "vip" and s["customer"]["tier"] == "vip"
    assert [t["at"][11:16] for t in s["transcript"]] == ["02:00", "02:00", "02:03", "02:03", "02:04"]


def test_suggested_reply_is_drafted_from_the_best_passage_without_placeholders() -> None:
    passages = [
        Passage("信用卡积分规则", "积分可兑换礼品。", 0.41),
        Passage("白金卡权益", "白金卡年费800元，可用8万积分抵扣当年年费。需在App申请。其他说明。", 0.83),
    ]
    s = summary(HISTORY, passages=passages)
    reply = s["suggested_reply"]
    assert reply.startswith("您好，感谢您的耐心等待。关于“白金卡年费能不能用积分抵扣？")
    assert "可用8万积分抵扣当年年费" in reply and reply.endswith("请问还有什么可以帮您？")
    assert "<" not in reply
    assert s["suggested_reply_source"] == "白金卡权益"


def test_a_complaint_without_a_passage_gets_an_apology_draft() -> None:
    draft = draft_reply("complaint", "排队两小时", None)
    assert draft.startswith("您好，非常抱歉给您带来不便") and "核实处理" in draft
