"""The pipeline on values alone: no database, no session, only the real classifier, knowledge base and
responder. (End-to-end turns through the conversation service: tests/services/test_conversations.py.)"""

from __future__ import annotations

from agent.conversation_state import ConversationState
from agent.pipeline import Agent
from agent.state import (
    Action,
    HandoffChange,
    OpenHandoff,
    RedactedMessage,
    TranscriptLine,
    TurnContext,
)
from core.status import ConversationMode
from core.wiring import Services


def ctx(**overrides: object) -> TurnContext:
    values: dict[str, object] = {
        "conversation_id": "conv_values",
        "channel": "web",
        "customer_ref": "Cvalues",
    }
    values.update(overrides)
    return TurnContext(**values)  # type: ignore[arg-type]


def msg(text: str, *pii: str) -> RedactedMessage:
    return RedactedMessage(text=text, pii_types=tuple(pii))


def test_a_knowledge_question_is_answered_with_a_citation_and_state(services: Services) -> None:
    agent: Agent = services.agent
    outcome = agent.run(ctx(), msg("定期存款一年期的利率是多少？"))
    assert outcome.action == Action.ANSWER
    assert outcome.reply and outcome.citations
    assert outcome.handoff is None and outcome.mode is None
    assert outcome.state.turns == 1
    assert outcome.state.topic_doc_ids == (outcome.citations[0].doc_id,)


def test_a_complaint_plans_a_handoff_and_human_mode_from_the_transcript_value(services: Services) -> None:
    text = "我要投诉，你们乱扣费！"
    transcript = (TranscriptLine("customer", text),)
    outcome = services.agent.run(ctx(transcript=transcript), msg(text))
    assert outcome.action == Action.HANDOFF
    assert outcome.handoff is not None and outcome.handoff.change == HandoffChange.OPEN
    assert outcome.handoff.summary["transcript"] == [{"role": "customer", "text": text}]
    assert outcome.mode == ConversationMode.HUMAN


def test_a_waiting_handoff_of_the_same_urgency_only_gets_the_new_transcript(services: Services) -> None:
    waiting = OpenHandoff("ho_1", "complaint", "normal", {"question": "之前的问题", "transcript": []})
    transcript = (TranscriptLine("customer", "我要投诉，你们乱扣费！"),)
    outcome = services.agent.run(
        ctx(open_handoff=waiting, transcript=transcript), msg("我要投诉，你们乱扣费！")
    )
    assert outcome.handoff is not None
    if outcome.handoff.change == HandoffChange.TRANSCRIPT:
        assert outcome.handoff.summary["question"] == "之前的问题"
    else:  # a more serious case (high urgency from strong sentiment) is re-triaged instead
        assert outcome.handoff.change == HandoffChange.RETRIAGE and outcome.handoff.urgency != "normal"


def test_human_mode_is_announced_once_judged_from_the_transcript(services: Services) -> None:
    human = ctx(mode=ConversationMode.HUMAN)
    first = services.agent.run(human, msg("还在吗"))
    assert first.action == Action.HUMAN_MODE and first.reply
    said = (TranscriptLine("bot", first.reply, str(Action.HUMAN_MODE)), TranscriptLine("customer", "快点啊"))
    again = services.agent.run(ctx(mode=ConversationMode.HUMAN, transcript=said), msg("快点啊"))
    assert again.action == Action.HUMAN_MODE and again.reply is None


def test_state_carries_language_and_counts_turns(services: Services) -> None:
    state = ConversationState(turns=4, topic_doc_ids=("faq-old",))
    outcome = services.agent.run(ctx(state=state), RedactedMessage("hello", language="en"))
    assert outcome.state.turns == 5 and outcome.state.language == "en"
    assert outcome.state.topic_doc_ids == ("faq-old",)  # nothing cited: the topic stays
