"""The summary staff read when they pick up a conversation cold.

It answers, without reading the transcript: what the customer actually needs (the question the bot could
not answer, not the last "转人工" or "yes please"), what the bot already said and from which source, what
the customer tried and how they rated it, which personal data was masked, and a reply the agent can edit
and send, drafted from the best passage found. Everything is built from redacted text, so it is safe to
show in the console and to log.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from agent.classify import Classification, Intent
from agent.prompts import SUGGESTED_NEXT_STEP
from agent.routing import HANDOFF_REASONS
from agent.state import TranscriptLine
from core.status import HandoffReason, Urgency
from privacy.entities import PLACEHOLDER_RE

CATEGORY: dict[Intent, HandoffReason] = dict(HANDOFF_REASONS)  # a handoff's category is its reason

_SENTENCES = re.compile(r"(?<=[。！？!?；;])")
# Words that only ask for a person or agree to an offer: a message made of them carries no question.
_FILLER = re.compile(
    r"转人工|人工客服|人工服务|真人|人工|客服|转接|麻烦|帮我|给我|我要|我想|请|找|接|要|的|吧|呢|啊|呀|哦|嗯|好的|好|"
    r"是的|是|对的|对|可以|行|需要|谢谢|快点|赶紧|"
    r"\b(?:yes|yeah|yep|ok|okay|sure|please|pls|thanks|thank you|a|an|the|to|me|with|talk|speak|human|agent|"
    r"person|staff|someone|real|live|connect|transfer|need|want|i|do|it)\b",
    re.IGNORECASE,
)
_NOT_WORDS = re.compile(r"[\s\W_]+", re.UNICODE)
# Bot actions that mean the customer's message went unanswered.
_UNANSWERED = {"fallback", "handoff"}
# A source line the text channels append to an answer ("参考来源：《…》"): the summary lists sources itself.
_SOURCE_LINE = re.compile(r"\n?(?:参考来源|Sources)[：:][^\n]*")


SERVICE_TZ: tzinfo = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Passage:
    """A retrieved passage: the best one drafts the suggested reply."""

    title: str
    text: str
    score: float
    source: str = ""


def urgency_for(reason: str, classification: Classification) -> Urgency:
    if reason == HandoffReason.URGENT_RISK:
        return Urgency.URGENT
    if reason == HandoffReason.COMPLAINT and classification.sentiment <= -0.6:
        return Urgency.HIGH
    if classification.urgency in (Urgency.URGENT, Urgency.HIGH):
        return Urgency(classification.urgency)
    return Urgency.NORMAL


def brief(text: str, max_sentences: int = 2, max_chars: int = 160) -> str:
    """The first sentence or two of a text, at most `max_chars` long."""
    sentences = [s for s in _SENTENCES.split(text.strip()) if s.strip()]
    short = "".join(sentences[:max_sentences]) or text
    return short if len(short) <= max_chars else short[: max_chars - 1] + "…"


_SUBSTANTIVE_INTENTS = {str(i) for i in (Intent.FAQ, Intent.COMPLAINT, Intent.ACCOUNT, Intent.URGENT)}


def is_filler(text: str, intent: str | None = None) -> bool:
    """True for "转人工", "yes please", "好的，人工" and the like: no question in it. A short message the
    classifier read as a question, complaint or risk ("我要投诉") is not filler."""
    left = len(_NOT_WORDS.sub("", _FILLER.sub("", text)))
    return left < 1 if intent in _SUBSTANTIVE_INTENTS else left < 3


def unanswered_question(history: Sequence[TranscriptLine]) -> TranscriptLine | None:
    """The customer message the case is about: the latest substantive one the bot did not answer, else the
    latest substantive one (answered, but the customer still wants a person), else None."""
    customer = [m for m in history if m.role == "customer" and not is_filler(m.text, m.intent)]
    after = _reply_after(history)
    for m in reversed(customer):
        reply = after.get(id(m))
        if m.action in _UNANSWERED or (reply is not None and reply.action in _UNANSWERED):
            return m
    return customer[-1] if customer else None


def _reply_after(history: Sequence[TranscriptLine]) -> dict[int, TranscriptLine]:
    """The bot message right after each customer message (keyed by object id: pending ones have no id)."""
    out: dict[int, TranscriptLine] = {}
    for before, after in zip(history, history[1:], strict=False):
        if before.role == "customer" and after.role == "bot":
            out[id(before)] = after
    return out


def _at(m: TranscriptLine, now: datetime) -> datetime:
    at = m.created_at or now
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _titles(m: TranscriptLine) -> list[str]:
    return list(dict.fromkeys(str(c.get("title", "")) for c in m.citations if c.get("title")))


def bot_answer_lines(history: Sequence[TranscriptLine], now: datetime) -> list[dict[str, Any]]:
    """One entry per bot answer: when, a short form of what it said, its sources, the customer's rating."""
    lines = []
    for m in history:
        if m.role != "bot" or not m.text:
            continue
        lines.append(
            {
                "at": _at(m, now).isoformat(timespec="seconds"),
                "text": brief(_SOURCE_LINE.sub("", m.text), max_sentences=1, max_chars=80),
                "sources": _titles(m),
                "feedback": m.feedback,
                "feedback_comment": m.feedback_comment,
            }
        )
    return lines


def _line(entry: dict[str, Any], tz: tzinfo) -> str:
    hhmm = datetime.fromisoformat(entry["at"]).astimezone(tz).strftime("%H:%M")
    source = f"（来源：{'、'.join(f'《{t}》' for t in entry['sources'])}）" if entry["sources"] else ""
    rated = {"helpful": " 👍", "not_helpful": " 👎"}.get(entry["feedback"] or "", "")
    return f"{hhmm} {entry['text']}{source}{rated}"


def customer_tried(history: Sequence[TranscriptLine]) -> list[str]:
    """What the customer already asked and got, in one line each (so the agent does not repeat it)."""
    after = _reply_after(history)
    tried = []
    for m in history:
        if m.role != "customer" or is_filler(m.text, m.intent):
            continue
        reply = after.get(id(m))
        if reply is None:
            continue
        if reply.action == "answer":
            titles = "、".join(f"《{t}》" for t in _titles(reply))
            got = "机器人已答复" + (f"（{titles}）" if titles else "")
            if reply.feedback == "not_helpful":
                got += "，客户评价没帮助" + (f"：{reply.feedback_comment}" if reply.feedback_comment else "")
        elif reply.action == "fallback":
            got = "机器人无法回答"
        else:
            continue
        tried.append(f"问“{brief(m.text, 1, 40)}” → {got}")
    return tried


def placeholders(history: Sequence[TranscriptLine]) -> list[str]:
    """Masked personal data the customer gave, first mention first (the agent may reveal one, audited)."""
    found: dict[str, None] = {}
    for m in history:
        if m.role == "customer":
            found.update(dict.fromkeys(PLACEHOLDER_RE.findall(m.text)))
    return list(found)


def draft_reply(reason: str, question: str, passage: Passage | None) -> str:
    """A reply the agent edits and sends: an apology for complaints, the best passage's first sentences
    when one was found, and an offer of more help. Never a placeholder (the customer must not read one)."""
    if reason == "complaint":
        opening = "您好，非常抱歉给您带来不便，我们已收到您反映的问题。"
    else:
        opening = "您好，感谢您的耐心等待。"
    body = ""
    if passage is not None and passage.text.strip():
        text = PLACEHOLDER_RE.sub("", _SOURCE_LINE.sub("", passage.text))
        body = f"关于“{brief(PLACEHOLDER_RE.sub('', question), 1, 40)}”：{brief(text, 3, 220)}"
    elif reason == "urgent_risk":
        body = "为保障您的资金安全，请立即冻结或挂失相关卡片，我们正在为您核查可疑交易。"
    elif reason == "complaint":
        body = "我们正在为您核实处理，并会尽快给您答复。"
    return opening + body + "请问还有什么可以帮您？"


def build_summary(
    *,
    customer_ref: str,
    customer_tier: str | None,
    channel: str,
    group_id: str | None,
    reason: str,
    classification: Classification,
    question: str,
    history: Sequence[TranscriptLine],
    private_followup: bool,
    passages: Sequence[Passage] = (),
    now: datetime | None = None,
    tz: tzinfo = SERVICE_TZ,
) -> dict[str, Any]:
    """The summary stored with the handoff. `history` ends with the current (maybe unsaved) message;
    `question` is its redacted text; `passages` are what retrieval found for the unanswered question;
    times in one-line texts are in `tz` (the service team's), ISO times in UTC."""
    now = now or datetime.now(UTC)
    asked = unanswered_question(history)
    answers = bot_answer_lines(history, now)
    best = max(passages, key=lambda p: p.score) if passages else None
    the_question = brief(asked.text if asked is not None else question)
    return {
        "customer": {"ref": customer_ref, "tier": customer_tier, "channel": channel, "group_id": group_id},
        "tier": customer_tier,
        "category": reason,
        "intent": str(classification.intent),
        "urgency": urgency_for(reason, classification),
        "sentiment": round(classification.sentiment, 2),
        "question": the_question,
        "question_at": _at(asked, now).isoformat(timespec="seconds") if asked is not None else None,
        "last_message": brief(question),
        "bot_answered": [_line(a, tz) for a in answers[-5:]],
        "bot_answers": answers,
        "tried": customer_tried(history),
        "placeholders": placeholders(history),
        "transcript": [
            {"role": m.role, "text": m.text, "at": _at(m, now).isoformat(timespec="seconds")}
            for m in history[-20:]
        ],
        "suggested_next_step": SUGGESTED_NEXT_STEP.get(reason, SUGGESTED_NEXT_STEP["human_request"]),
        "suggested_reply": draft_reply(reason, the_question, best),
        "suggested_reply_source": best.title if best is not None else None,
        "private_followup": private_followup,
        "reasons": list(classification.reasons),
    }
