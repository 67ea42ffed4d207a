"""Follow-up rewriting. The LLM path runs against tests.fakes.RecordingChatModel: a fake at the one
boundary we cannot reach (a remote chat model), implementing LangChain's real BaseChatModel interface."""

from __future__ import annotations

import pytest

from agent.conversation_state import ConversationState
from agent.understanding.followup import (
    LLMRewriter,
    SlotRewriter,
    bare_question,
    looks_elliptical,
    remember,
    subject_of,
)
from agent.understanding.vocabulary import SlotVocabulary
from tests.fakes import RecordingChatModel


def after(question: str) -> ConversationState:
    return ConversationState(last_question=question)


@pytest.mark.parametrize(
    ("previous", "message", "expected"),
    [
        ("信用卡年费多少", "那金卡呢", "金卡年费多少？"),
        ("信用卡年费多少", "那借记卡呢", "借记卡年费多少？"),
        ("定期存款利率多少", "五年的呢", "五年定期存款利率多少？"),
        ("定期存款三年利率多少", "五年的呢", "定期存款五年利率多少？"),
        ("借记卡取现手续费多少", "那境外呢", "境外借记卡取现手续费多少？"),
        ("转账五万要手续费吗", "超过十万呢", "转账超过十万要手续费吗？"),
        ("房贷利率多少", "公积金贷款呢", "公积金贷款利率多少？"),
        ("信用卡分期手续费怎么算", "12期呢", "12期信用卡分期手续费怎么算？"),
    ],
)
def test_slot_values_are_swapped_or_added(
    vocabulary: SlotVocabulary, previous: str, message: str, expected: str
) -> None:
    rewrite = SlotRewriter(vocabulary).rewrite(message, after(previous))
    assert (rewrite.question, rewrite.how) == (expected, "slot")


@pytest.mark.parametrize(
    ("previous", "message", "expected"),
    [
        ("信用卡丢了怎么办？", "要手续费吗", "信用卡丢了要手续费吗？"),
        ("跨行转账多久到账", "要收钱吗", "跨行转账要收钱吗？"),
        ("大额存单怎么买", "这个能提前取吗", "大额存单能提前取吗？"),
        ("手机银行转账限额是多少", "超过十万呢", "手机银行转账限额超过十万是多少？"),
        # A bare modifier keeps the previous question's ending (it was "跨行转账超过五万呢？").
        ("跨行转账多久到账", "超过五万呢", "跨行转账超过五万多久到账？"),
        # More than a slot value: a new predicate on the subject, not "青禾e贷违约金多少".
        ("青禾e贷利率多少", "提前还要违约金吗", "青禾e贷利率提前还要违约金吗？"),
    ],
)
def test_predicates_attach_to_the_previous_subject(
    vocabulary: SlotVocabulary, previous: str, message: str, expected: str
) -> None:
    rewrite = SlotRewriter(vocabulary).rewrite(message, after(previous))
    assert (rewrite.question, rewrite.how) == (expected, "subject")


@pytest.mark.parametrize(
    ("previous", "message", "expected"),
    [("年费多少", "信用卡", "信用卡年费多少？"), ("利率多少", "定期存款", "定期存款利率多少？")],
)
def test_a_bare_product_names_what_the_question_was_about(
    vocabulary: SlotVocabulary, previous: str, message: str, expected: str
) -> None:
    assert looks_elliptical(message, vocabulary)
    rewrite = SlotRewriter(vocabulary).rewrite(message, after(previous))
    assert (rewrite.question, rewrite.how) == (expected, "slot")


def test_bare_follow_ups_attach_to_the_topic_not_to_the_last_follow_up(vocabulary: SlotVocabulary) -> None:
    rewriter, state = SlotRewriter(vocabulary), after("网点几点开门")
    weekend = rewriter.rewrite("周末呢", state)
    state = remember(state, weekend.question, vocabulary, topic=weekend.topic)
    holiday = rewriter.rewrite("国庆节呢", state)
    assert weekend.question == "网点周末几点开门？"
    assert holiday.question == "网点国庆节几点开门？"  # not "网点周末国庆节几点开门？"


def test_a_full_question_starting_with_na_is_standalone(vocabulary: SlotVocabulary) -> None:
    rewrite = SlotRewriter(vocabulary).rewrite("那信用卡年费多少", after("ETC能在你们这办吗"))
    assert not rewrite.rewritten


@pytest.mark.parametrize(
    ("message", "bare"), [("首付要多少", True), ("怎么关", True), ("信用卡怎么关", False)]
)
def test_a_short_question_naming_nothing_is_bare(
    vocabulary: SlotVocabulary, message: str, bare: bool
) -> None:
    assert bare_question(message, vocabulary) is bare


@pytest.mark.parametrize(
    "message", ["借记卡怎么挂失", "好的", "在吗", "谢谢你", "我要投诉你们", "你好", "开户需要带什么？"]
)
def test_standalone_messages_are_left_alone(vocabulary: SlotVocabulary, message: str) -> None:
    rewrite = SlotRewriter(vocabulary).rewrite(message, after("信用卡年费多少"))
    assert (rewrite.question, rewrite.rewritten) == (message, False)


@pytest.mark.parametrize("message", ["信用卡年费多少", "借记卡怎么挂失", "房贷利率多少", "开户需要带什么"])
def test_a_complete_question_stays_standalone_even_when_the_model_leans_on_the_last_one(
    vocabulary: SlotVocabulary, message: str
) -> None:
    # Regression: after a complaint returned to the bot, "信用卡年费多少" was forced into
    # "信用卡我要投诉，…？" and handed off as a second complaint.
    previous = after("我要投诉，你们网点服务态度太差了！请打我电话<PHONE_1>")
    rewrite = SlotRewriter(vocabulary).rewrite(message, previous, force=True)
    assert (rewrite.question, rewrite.rewritten) == (message, False)


def test_a_forced_bare_question_is_still_attached(vocabulary: SlotVocabulary) -> None:
    assert SlotRewriter(vocabulary).rewrite("首付要多少", after("房贷利率多少"), force=True).rewritten


def test_nothing_is_rewritten_without_a_previous_question(vocabulary: SlotVocabulary) -> None:
    assert not SlotRewriter(vocabulary).rewrite("那金卡呢", ConversationState()).rewritten


def test_english_follow_ups_swap_a_slot() -> None:
    vocabulary = SlotVocabulary.from_texts(["The credit card annual fee; the platinum card annual fee."])
    state = after("What is the annual fee for a credit card?")
    rewrite = SlotRewriter(vocabulary).rewrite("What about the platinum card?", state)
    assert rewrite.question == "What is the annual fee for a platinum card?"
    assert looks_elliptical("and for 5 years?", vocabulary)
    assert not looks_elliptical("How do I report a lost card?", vocabulary)


def test_subject_drops_the_question_words() -> None:
    assert subject_of("信用卡丢了怎么办？") == "信用卡丢了"
    assert subject_of("定期存款利率是多少") == "定期存款利率"


def test_subject_drops_what_and_when_questions_whole() -> None:
    """"…带什么" lost only its final 么 ("销户要带什" + "老人" → "销户要带什老人么")."""
    assert subject_of("销户要带什么？") == "销户"
    assert subject_of("办信用卡需要准备啥材料") == "办信用卡"
    assert subject_of("柜台几点开门") == "柜台"


def test_llm_rewriter_sends_only_what_it_is_given_and_uses_the_answer(vocabulary: SlotVocabulary) -> None:
    model = RecordingChatModel(canned="尾号<BANK_CARD_1>的信用卡丢了补卡要收费吗？")
    rewriter = LLMRewriter(model, SlotRewriter(vocabulary))
    state = ConversationState(last_question="我的卡<BANK_CARD_1>丢了怎么办", slots={"card": "信用卡"})
    rewrite = rewriter.rewrite("要收钱吗", state)
    assert (rewrite.question, rewrite.how) == ("尾号<BANK_CARD_1>的信用卡丢了补卡要收费吗？", "llm")
    sent = model.sent_text()
    assert "<BANK_CARD_1>" in sent and "要收钱吗" in sent and "card=信用卡" in sent


def test_llm_rewriter_skips_standalone_questions(vocabulary: SlotVocabulary) -> None:
    model = RecordingChatModel(canned="ignored")
    rewrite = LLMRewriter(model, SlotRewriter(vocabulary)).rewrite("借记卡怎么挂失", after("信用卡年费多少"))
    assert not rewrite.rewritten and model.prompts == []


class FailingChatModel(RecordingChatModel):
    def _generate(self, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        raise TimeoutError("model timed out")


def test_llm_failure_falls_back_to_slot_substitution(vocabulary: SlotVocabulary) -> None:
    rewrite = LLMRewriter(FailingChatModel(), SlotRewriter(vocabulary)).rewrite(
        "那金卡呢", after("信用卡年费多少")
    )
    assert (rewrite.question, rewrite.how) == ("金卡年费多少？", "slot")


def test_remember_keeps_the_slots_of_the_standalone_question(vocabulary: SlotVocabulary) -> None:
    state = remember(ConversationState(), "五年定期存款利率多少？", vocabulary, doc_ids=["deposit-rates"])
    assert state.last_question == "五年定期存款利率多少？"
    assert state.slots == {"term": "五年", "product": "定期存款", "attribute": "利率"}
    assert state.topic_doc_ids == ("deposit-rates",) and state.turns == 1
