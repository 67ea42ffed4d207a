"""One customer message, start to finish: redact → classify → route → retrieve → respond → hand off → reply.

Every channel reaches this through the conversation service (`services/conversations.py`), which loads
the conversation, commits the customer's (redacted) message, calls `Agent.run` and stores the
`TurnOutcome` in one transaction. The steps are plain functions over values: none of them touches SQL,
and the raw text exists only in `Agent.redact`'s argument.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from agent.classify import Classification, Intent, MessageClassifier
from agent.compliance import check_answer
from agent.group import is_addressed, is_mentioned
from agent.handoff import CATEGORY, build_summary, urgency_for
from agent.prompts import (
    ANSWER_LEAD_EN,
    FALLBACK,
    GREETING,
    GROUP_PRIVATE,
    HANDOFF,
    HUMAN_MODE,
    OUT_OF_SCOPE,
    PII_WARNING,
    PII_WARNING_PRIVATE,
    RISK_NOTICE,
    SOURCES_LABEL,
    THANKS,
    say,
)
from agent.responders import Responder
from agent.routing import decide
from agent.state import (
    Action,
    Citation,
    HandoffChange,
    HandoffPlan,
    RedactedMessage,
    TranscriptLine,
    TurnContext,
    TurnOutcome,
    source_url,
)
from core.status import LOW_CONFIDENCE, ConversationMode, Role, urgency_rank
from knowledge import KnowledgeBase, Retrieval
from privacy import Redactor, detect_language

log = logging.getLogger(__name__)

# PII whose appearance in a message deserves a warning to the customer.
WARN_PII = {"CN_ID_CARD", "BANK_CARD", "PASSPORT"}
# Intents for which the knowledge base is consulted.
RETRIEVE_FOR = {Intent.FAQ, Intent.URGENT, Intent.COMPLAINT}
_THANKS_WORDS = ("谢", "thank", "感谢", "多谢")


@dataclass(frozen=True)
class AgentConfig:
    bank_name: str
    hotline: str
    bot_names: tuple[str, ...]
    retrieval_k: int = 5


@dataclass(frozen=True)
class Route:
    """The action decided so far, why a person is needed (if one is), and any retrieval already done."""

    action: Action
    handoff_reason: str | None = None
    retrieval: Retrieval | None = None


@dataclass(frozen=True)
class Answer:
    text: str
    notices: tuple[str, ...]
    citations: tuple[Citation, ...]


class UnknownConversation(LookupError):
    """The channel named a conversation that does not exist."""


class Agent:
    def __init__(
        self,
        *,
        redactor: Redactor,
        classifier: MessageClassifier,
        knowledge: KnowledgeBase,
        responder: Responder,
        config: AgentConfig,
    ) -> None:
        self.redactor = redactor
        self.classifier = classifier
        self.knowledge = knowledge
        self.responder = responder
        self.config = config

    # -- the two entry points the conversation service calls --------------------------------------
    def redact(self, text: str, conversation_id: str) -> RedactedMessage:
        """Replace PII by placeholders numbered per conversation (originals go to the vault)."""
        redaction = self.redactor.redact(text, conversation_id)
        return RedactedMessage(
            text=redaction.text,
            pii_types=tuple(sorted({e.entity_type for e in redaction.entities})),
            language="en" if detect_language(text) == "en" else "zh",
        )

    def run(self, ctx: TurnContext, message: RedactedMessage) -> TurnOutcome:
        c = self.classifier.classify(message.text)
        route = self.route(ctx, message, c)
        route = self.retrieve(message, c, route)
        route, answer = self.respond(ctx, message, route)
        handoff = self.hand_off(ctx, message, c, route)
        reply = self.reply(ctx, message, c, route, answer)
        mode = ConversationMode.HUMAN if handoff and route.handoff_reason != LOW_CONFIDENCE else None
        citations = answer.citations if answer else ()
        state = ctx.state.with_(
            language=message.language,
            turns=ctx.state.turns + 1,
            topic_doc_ids=tuple(dict.fromkeys(ci.doc_id for ci in citations)) or ctx.state.topic_doc_ids,
        )
        return TurnOutcome(
            action=route.action,
            reply=reply,
            intent=str(c.intent),
            confidence=route.retrieval.confidence if route.retrieval else None,
            citations=citations,
            handoff=handoff,
            mode=mode,
            state=state,
        )

    # -- steps ---------------------------------------------------------------------------------------
    def route(self, ctx: TurnContext, message: RedactedMessage, c: Classification) -> Route:
        """Decide the action before any answer is written; retrieval may still refine FAQ routes."""
        addressed, retrieval = True, None
        if ctx.channel == "group":
            mentioned = is_mentioned(message.text, ctx.mentions, self.config.bot_names)
            addressed = is_addressed(message.text, c, mentioned)
            if not addressed and c.intent == Intent.FAQ and mentioned is False:
                # A question that mentions no one: speak only if the base can answer it confidently.
                retrieval = self.knowledge.search(message.text, k=self.config.retrieval_k)
                addressed = is_addressed(message.text, c, mentioned, retrieval.answerable)
        if ctx.mode == ConversationMode.HUMAN and c.intent != Intent.URGENT:
            return Route(Action.HUMAN_MODE, retrieval=retrieval)
        if not addressed:
            return Route(Action.SILENT, retrieval=retrieval)
        action, reason = decide(c.intent, ctx.channel)
        return Route(action, reason, retrieval)

    def retrieve(self, message: RedactedMessage, c: Classification, route: Route) -> Route:
        wants_answer = route.action == Action.ANSWER or (
            route.action == Action.HANDOFF
            and (c.intent == Intent.URGENT or (c.intent == Intent.COMPLAINT and Intent.FAQ in c.flags))
        )
        if not wants_answer or c.intent not in RETRIEVE_FOR:
            return route
        retrieval = route.retrieval or self.knowledge.search(message.text, k=self.config.retrieval_k)
        route = replace(route, retrieval=retrieval)
        if route.action == Action.ANSWER and not retrieval.answerable:
            return replace(route, action=Action.FALLBACK, handoff_reason=LOW_CONFIDENCE)
        return route

    def respond(
        self, ctx: TurnContext, message: RedactedMessage, route: Route
    ) -> tuple[Route, Answer | None]:
        """Write the answer and run the compliance check on it."""
        retrieval = route.retrieval
        if (
            retrieval is None
            or not retrieval.answerable
            or route.action not in (Action.ANSWER, Action.HANDOFF)
        ):
            return route, None
        unanswered = (
            replace(route, action=Action.FALLBACK, handoff_reason=LOW_CONFIDENCE)
            if route.action == Action.ANSWER
            else route
        )
        text = self.responder.respond(message.text, retrieval, message.language)
        if not text:
            return unanswered, None
        top = retrieval.hits[:1]
        result = check_answer(text, message.text, [h.chunk for h in top])
        if result.blocked:
            log.warning("answer blocked by compliance check conversation=%s", ctx.conversation_id)
            return unanswered, None
        notices = (say(RISK_NOTICE, message.language),) if result.needs_risk_notice else ()
        citations = tuple(
            Citation(
                title=h.chunk.title,
                source=source_url(h.chunk.doc_id),
                doc_id=h.chunk.doc_id,
                chunk_id=h.chunk.id,
                score=round(h.score, 4),
            )
            for h in top
        )
        return route, Answer(result.text, notices, citations)

    def hand_off(
        self, ctx: TurnContext, message: RedactedMessage, c: Classification, route: Route
    ) -> HandoffPlan | None:
        """What to open or update for staff, or None when no person is needed."""
        reason = route.handoff_reason
        if not reason:
            return None
        private = route.action == Action.PRIVATE_FOLLOWUP
        summary = build_summary(
            customer_ref=ctx.customer_ref,
            customer_tier=ctx.customer_tier,
            channel=ctx.channel,
            group_id=ctx.group_id,
            reason=reason,
            classification=c,
            question=message.text,
            history=ctx.transcript,
            private_followup=private,
        )
        low = reason == LOW_CONFIDENCE
        urgency = "low" if low else urgency_for(reason, c)
        waiting = ctx.open_handoff
        if waiting is None:
            change = HandoffChange.OPEN
        elif urgency_rank(urgency) < urgency_rank(waiting.urgency) or waiting.reason == LOW_CONFIDENCE:
            change = HandoffChange.RETRIAGE
        else:
            change = HandoffChange.TRANSCRIPT
            summary = {**waiting.summary, "transcript": summary["transcript"]}
        return HandoffPlan(
            change=change,
            reason=reason,
            category=LOW_CONFIDENCE if low else CATEGORY.get(c.intent, reason),
            urgency=urgency,
            sentiment=c.sentiment,
            private_followup=private,
            summary=summary,
        )

    def reply(
        self,
        ctx: TurnContext,
        message: RedactedMessage,
        c: Classification,
        route: Route,
        answer: Answer | None,
    ) -> str | None:
        """Compose what the customer reads (None: stay silent)."""
        lang = message.language
        facts = {"bank": self.config.bank_name, "hotline": self.config.hotline}
        parts: list[str] = []
        if set(message.pii_types) & WARN_PII:
            parts.append(say(PII_WARNING if ctx.channel == "group" else PII_WARNING_PRIVATE, lang))
        if route.action == Action.SMALLTALK:
            thanks = any(w in message.text.lower() for w in _THANKS_WORDS)
            parts.append(say(THANKS if thanks else GREETING, lang, **facts))
        elif route.action == Action.HUMAN_MODE:
            if ctx.channel != "group" and not human_mode_announced(ctx.transcript):
                parts.append(say(HUMAN_MODE, lang))
        elif route.action == Action.FALLBACK:
            parts.append(say(OUT_OF_SCOPE if c.intent == Intent.OUT_OF_SCOPE else FALLBACK, lang, **facts))
        elif route.action == Action.PRIVATE_FOLLOWUP:
            parts.append(say(GROUP_PRIVATE, lang))
        elif route.action in (Action.ANSWER, Action.HANDOFF):
            if answer:
                parts.append(format_answer(answer, lang))
            if route.action == Action.HANDOFF and route.handoff_reason:
                parts.append(say(HANDOFF[route.handoff_reason], lang, **facts))
        return "\n\n".join(parts) if parts else None


def format_answer(answer: Answer, lang: str) -> str:
    body = f"{ANSWER_LEAD_EN}\n{answer.text}" if lang == "en" else answer.text
    lines = [body, *answer.notices]
    if answer.citations:
        titles = "；".join(f"《{c.title}》" for c in answer.citations)
        lines.append(f"{say(SOURCES_LABEL, lang)}：{titles}")
    return "\n".join(lines)


def human_mode_announced(transcript: tuple[TranscriptLine, ...]) -> bool:
    """Say "a person is handling this" once: not again after saying it, nor once staff have spoken."""
    for line in reversed(transcript):
        if line.role == Role.STAFF:
            return True
        if line.role == Role.BOT:
            return line.action == Action.HUMAN_MODE
    return False
