"""Turn an elliptical or referring turn into a standalone question, from the conversation state.

"信用卡年费多少" then "那金卡呢" means "金卡年费多少"; "要手续费吗" after a lost-card question means
"信用卡丢了要手续费吗". The rewritten question is what the rest of the turn classifies, retrieves, stores
for staff and reports as a gap, so it must read as the customer's own question.

Two rewriters share the `FollowupRewriter` protocol: `SlotRewriter` (the default, no model) swaps or
adds slot values from the knowledge base's own vocabulary; `LLMRewriter` asks the configured chat model
and falls back to the slot rewriter on any failure. Both see redacted text only: the message and the state
hold placeholders (`<PHONE_1>`), never originals.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from langchain_core.language_models import BaseChatModel
from langchain_core.prompts import ChatPromptTemplate

from agent.conversation_state import ConversationState
from agent.understanding.vocabulary import SUBJECT_SLOTS, Slot, SlotValue, SlotVocabulary

log = logging.getLogger(__name__)

How = Literal["standalone", "slot", "subject", "llm"]

_PUNCT_END = re.compile(r"[\s?？。.!！~～,，、]+$")
_PUNCT_START = re.compile(r"^[\s,，、.。]+")
# Chinese: "那…呢", "…的呢", "还有…呢", "如果…呢"; the opener or the closer alone is enough in a short turn.
_ZH_OPENER = re.compile(r"^(那么|那要是|那如果|那假如|那|如果是|如果|要是|假如|换成|还有|另外|那换成)")
_ZH_CLOSER = re.compile(r"(的话)?(的)?(呢|咧|嘞|捏)$")
_ZH_REFERENCE = re.compile(
    r"^(这个|那个|这种|那种|这张卡|那张卡|这张|那张|这样|这项|那项|这笔|那笔|它|这|那)"
)
_ZH_QUESTION = re.compile(
    r"吗|么$|多少|多久|几|怎么|怎样|如何|哪|什么时候|能不能|可不可以|可以|行不行|是不是|有没有|要不要"
)
# A predicate worth attaching to the previous subject ("要收钱吗", "多久到账", "在哪办").
_ZH_PREDICATE = re.compile(
    r"费|钱|收|免|利息|利率|多久|多长时间|几天|到账|办|额度|限额|带|材料|证件|时间|申请|还|取|存|转|扣|上限|"
    r"起|门槛|条件|影响|征信|可以|能"
)
# Question tails dropped from the previous question to get its subject ("信用卡丢了怎么办" → "信用卡丢了").
_ZH_TAIL = re.compile(
    r"(应该|需要|要|该|能|可以)?(是多少钱|是多少|多少钱|多少|(怎么|如何|怎样|咋)(才能)?[\u4e00-\u9fff]{0,2}"
    r"|多久到账|多久能到|多久|多长时间|有哪些|有什么|是什么|是啥|吗|么|呢|啊|呀|吧)+$"
)
_EN_OPENER = re.compile(
    r"^(and |so |ok,? |okay,? )?(what|how) about\b|^and (for|if|with|in|on|the)\b|^what if\b|^(and|also) ",
    re.IGNORECASE,
)
_EN_REFERENCE = re.compile(r"^(is|does|do|are|can|will|would) (it|that|this|they|there)\b", re.IGNORECASE)
_EN_FILLER = re.compile(
    r"^(and |so |ok,? |okay,? )?((what|how) about|what if|and|also)\s+(the |a |an |for |if )?", re.I
)
_EN_TAIL = re.compile(r"[?.!\s]+$")
_SMALLTALK = re.compile(
    r"^(在吗|你好|您好|好的|谢谢|嗯|哦|ok|好|行|可以|对|是的?|不用|不要|需要)[吗呢啊呀了的!！。.?？]*$", re.I
)
MAX_ELLIPTICAL_CHARS = 18  # longer messages say enough to stand alone
MAX_PREDICATE_CHARS = 10
# Terms go in front of a product ("五年" + "定期存款"); regions, channels and currencies in front of the
# whole question ("境外" + "借记卡取现手续费多少").
_PREFIX_SLOTS: frozenset[Slot] = frozenset({"region", "channel", "currency"})


@dataclass(frozen=True)
class Rewrite:
    """`question`: what the turn is about, standalone; `how`: "standalone" when nothing was rewritten."""

    question: str
    how: How
    # What a bare predicate attaches to next time: the question a "subject" rewrite started from.
    topic: str | None = None

    @property
    def rewritten(self) -> bool:
        return self.how != "standalone"


class FollowupRewriter(Protocol):
    def rewrite(self, message: str, state: ConversationState, *, force: bool = False) -> Rewrite:
        """`force`: the intent model is sure this leans on the last question, even if no rule says so."""
        ...


def asked_again(message: str, previous: str | None) -> bool:
    """The last question asked again word for word: a new turn, not a follow-up nor a reply to an offer."""
    if not previous:
        return False
    return _PUNCT_END.sub("", message.strip()) == _PUNCT_END.sub("", previous.strip())


def looks_elliptical(message: str, vocabulary: SlotVocabulary) -> bool:
    """Whether a message leans on what came before: "那金卡呢", "五年的呢", "要收钱吗", "what about…"."""
    text = _PUNCT_START.sub("", _PUNCT_END.sub("", message.strip()))
    if not text or _SMALLTALK.match(text):
        return False
    if text.isascii():
        return bool(_EN_OPENER.search(text) or (_EN_REFERENCE.search(text) and len(text.split()) <= 8))
    if len(text) > MAX_ELLIPTICAL_CHARS:
        return False
    if _ZH_CLOSER.search(text) and not _ZH_QUESTION.search(_ZH_CLOSER.sub("", text)):
        return True  # "那金卡呢", "三年的呢", "超过十万呢"
    values = vocabulary.find(text)
    names_subject = any(v.slot in SUBJECT_SLOTS for v in values)
    if values and not _residue(_ZH_OPENER.sub("", text), values):
        # Nothing but slot values: "信用卡", "定期存款", "信用卡的" (answering "which one?"); but a product,
        # what about it and a question word ("信用卡年费多少") is a whole question.
        return not _names_subject_and_attribute(text, values)
    if _ZH_OPENER.match(text) and len(text) <= MAX_PREDICATE_CHARS + 2:
        # "那白金卡", "如果是境外"; not a full question that only starts with "那" ("那信用卡年费多少")
        return not (names_subject and _ZH_QUESTION.search(text))
    if _ZH_REFERENCE.match(text) and not names_subject:
        return True  # "这个要收费吗"
    return (
        len(text) <= MAX_PREDICATE_CHARS
        and not names_subject
        and bool(_ZH_QUESTION.search(text))
        and bool(_ZH_PREDICATE.search(text))
    )  # "要收钱吗", "多久到账"


def asks_about_its_own_subject(message: str, vocabulary: SlotVocabulary) -> bool:
    """A Chinese question that names its product and asks something of it ("信用卡年费多少") stands alone,
    whatever came before: gluing it to the last question (a complaint, say) changes what it asks."""
    text = _PUNCT_START.sub("", _PUNCT_END.sub("", message.strip()))
    if not text or text.isascii() or looks_elliptical(text, vocabulary):
        return False
    values = vocabulary.find(text)
    if not any(v.slot in SUBJECT_SLOTS for v in values):
        return False
    said = len(_residue(_ZH_OPENER.sub("", text), values)) >= 2
    return bool(_ZH_QUESTION.search(text)) and (said or _names_subject_and_attribute(text, values))


def _names_subject_and_attribute(text: str, values: Sequence[SlotValue]) -> bool:
    slots = {v.slot for v in values}
    return bool(slots & SUBJECT_SLOTS) and bool(slots - SUBJECT_SLOTS) and bool(_ZH_QUESTION.search(text))


class SlotRewriter:
    """Rewrite by slot substitution over the knowledge base's vocabulary; no model involved."""

    def __init__(self, vocabulary: SlotVocabulary) -> None:
        self.vocabulary = vocabulary

    def rewrite(self, message: str, state: ConversationState, *, force: bool = False) -> Rewrite:
        previous = state.last_question
        if not previous or not (force or looks_elliptical(message, self.vocabulary)):
            return Rewrite(message, "standalone")
        if force and asks_about_its_own_subject(message, self.vocabulary):
            return Rewrite(message, "standalone")  # the model's hunch loses to a complete question
        if asked_again(message, previous):
            return Rewrite(message, "standalone")
        if message.strip().isascii():
            return Rewrite(self._english(message, previous), "slot")
        core = _core(message)
        new = self.vocabulary.find(core)
        if len(new) == 1 and not _ZH_QUESTION.search(core):
            # A bare noun phrase ("公积金贷款", "超过十万"): it replaces the old value with its modifiers.
            new = [SlotValue(new[0].slot, core, 0, len(core))]
        # "提前还要违约金吗" says more than its slot value: it is a new predicate, not a substitution.
        if new and len(_residue(core, new)) < 2:
            swapped = self._substitute(previous, new)
            if swapped is not None:
                return Rewrite(swapped, "slot")
        # A bare predicate attaches to the topic the previous follow-up attached to, not to that follow-up
        # ("网点几点开门" → "周末呢" → "国庆节呢" is about opening hours on the holiday, not on weekends).
        topic = state.topic_question or previous
        return Rewrite(_attach(topic, core), "subject", topic)

    def _substitute(self, previous: str, new: Sequence[SlotValue]) -> str | None:
        """Swap each new value for the previous value of its slot, or add it where it belongs."""
        question = _PUNCT_END.sub("", previous)
        changed = False
        for value in new:
            old = self._previous_value(question, value.slot)
            if old is not None:
                question = question[: old.start] + value.value + question[old.end :]
                changed = True
            elif value.slot == "term":
                anchor = next((v for v in self.vocabulary.find(question) if v.slot in SUBJECT_SLOTS), None)
                at = anchor.start if anchor else 0
                question = question[:at] + value.value + question[at:]
                changed = True
            elif value.slot in _PREFIX_SLOTS or value.slot in SUBJECT_SLOTS:
                # "年费多少" → "信用卡": the customer names what the question was about.
                question = value.value + question
                changed = True
        return question + "？" if changed else None

    def _previous_value(self, question: str, slot: Slot) -> SlotValue | None:
        values = self.vocabulary.find(question)
        same = next((v for v in values if v.slot == slot), None)
        if same is None and slot in SUBJECT_SLOTS:
            # A card type stands in for the product asked about, and back ("信用卡年费" → "金卡").
            same = next((v for v in values if v.slot in SUBJECT_SLOTS), None)
        return same

    def _english(self, message: str, previous: str) -> str:
        core = _EN_TAIL.sub("", _EN_FILLER.sub("", message.strip()))
        new = self.vocabulary.find(core)
        question = _EN_TAIL.sub("", previous)
        for value in new:
            old = self._previous_value(question, value.slot)
            if old is not None:
                question = question[: old.start] + value.value + question[old.end :]
                return question + "?"
        return f"{question}, {core}?"


_PARTICLES = re.compile(r"[的了吗呢啊呀吧么要是有还呗哈]")


def _residue(text: str, values: Sequence[SlotValue]) -> str:
    """What `text` says besides its slot values, question words and particles."""
    rest = text
    for value in sorted(values, key=lambda v: -v.start):
        if rest[value.start : value.end] == value.value:
            rest = rest[: value.start] + rest[value.end :]
    rest = _ZH_QUESTION.sub("", _PUNCT_END.sub("", rest))
    return _PARTICLES.sub("", _ZH_CLOSER.sub("", rest)).strip(" ，,、")


def bare_question(message: str, vocabulary: SlotVocabulary) -> bool:
    """A short question that names no card or product ("首付要多少", "怎么关"): in a conversation with a
    topic it is about that topic."""
    text = _PUNCT_START.sub("", _PUNCT_END.sub("", message.strip()))
    if not text or text.isascii() or _SMALLTALK.match(text) or len(text) > MAX_PREDICATE_CHARS:
        return False
    names_subject = any(v.slot in SUBJECT_SLOTS for v in vocabulary.find(text))
    return bool(_ZH_QUESTION.search(text)) and not names_subject


def subject_of(question: str) -> str:
    """The previous question without its question words: "信用卡丢了怎么办？" → "信用卡丢了"."""
    text = _PUNCT_END.sub("", question.strip())
    stripped = _ZH_TAIL.sub("", text)
    return stripped or text


def _core(message: str) -> str:
    """The new content of a follow-up: without "那…呢", a leading "这个", or trailing punctuation."""
    text = _PUNCT_START.sub("", _PUNCT_END.sub("", message.strip()))
    text = _ZH_CLOSER.sub("", _ZH_OPENER.sub("", text))
    return _ZH_REFERENCE.sub("", text) or text


def _attach(topic: str, core: str) -> str:
    """Previous subject + new predicate: "信用卡丢了" + "要收钱吗" → "信用卡丢了要收钱吗？"; a bare
    modifier keeps the previous question's ending:
    "跨行转账多久到账" + "超过五万" → "跨行转账超过五万多久到账？"."""
    text = _PUNCT_END.sub("", topic.strip())
    subject = subject_of(topic)
    if _ZH_QUESTION.search(core):
        return subject + core + "？"
    tail = text[len(subject) :] if text.startswith(subject) else ""
    return subject + core + (tail or "呢") + "？"


REWRITE_PROMPT = ChatPromptTemplate.from_messages(
    [
        (
            "system",
            "你是银行客服对话的改写助手。把客户最新的一句话改写成一个完整、独立、可以单独理解的问题，"
            "补全它省略或指代的内容（产品、卡种、期限、金额等），只依据上一个问题，不要回答问题，"
            "不要添加新信息。形如 <PHONE_1> 的占位符保持原样。只输出改写后的问题。"
            "If the customer writes English, write the question in English.",
        ),
        ("human", "上一个问题：{previous}\n已知信息：{slots}\n客户最新的话：{message}"),
    ]
)
MAX_REWRITE_CHARS = 200


class LLMRewriter:
    """The configured chat model rewrites follow-ups; the slot rewriter decides whether one is needed.

    Only turns the slot rewriter also recognises as follow-ups are sent (a standalone question costs no
    model call), and the model's answer replaces the slot rewrite only when it is a plausible question.
    """

    def __init__(self, model: BaseChatModel, fallback: SlotRewriter) -> None:
        self.chain = REWRITE_PROMPT | model
        self.fallback = fallback

    def rewrite(self, message: str, state: ConversationState, *, force: bool = False) -> Rewrite:
        basic = self.fallback.rewrite(message, state, force=force)
        if not basic.rewritten:
            return basic
        slots = "，".join(f"{k}={v}" for k, v in sorted(state.slots.items())) or "无"
        try:
            reply = self.chain.invoke({"previous": state.last_question, "slots": slots, "message": message})
        except Exception:  # noqa: BLE001 - any model failure falls back to the rule rewrite
            log.warning("follow-up rewriting by the LLM failed; using slot substitution", exc_info=True)
            return basic
        text = str(reply.content).strip().splitlines()[0].strip() if str(reply.content).strip() else ""
        if not text or len(text) > MAX_REWRITE_CHARS:
            return basic
        return Rewrite(text, "llm")


def remember(
    state: ConversationState,
    question: str,
    vocabulary: SlotVocabulary,
    *,
    doc_ids: Sequence[str] = (),
    language: Literal["zh", "en"] | None = None,
    topic: str | None = None,
) -> ConversationState:
    """The state after a turn about `question`: its slots, the documents cited, the language; `topic`:
    the question a bare predicate was attached to (None: `question` is the new topic)."""
    slots = vocabulary.slots(question)
    return state.with_(
        last_question=question,
        topic_question=topic or question,
        slots=slots or dict(state.slots),
        topic_doc_ids=tuple(doc_ids) or state.topic_doc_ids,
        language=language or state.language,
        turns=state.turns + 1,
    )
