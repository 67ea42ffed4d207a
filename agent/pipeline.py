"""One customer message, start to finish: redact → classify → retrieve → respond → check → reply or hand off.

Every channel (web widget, group chat, CLI) calls `Agent.handle`. The steps are LangChain runnables
chained in order, each taking and returning the `Turn`; the raw text exists only in `turn.incoming`
and is read by `redact` alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from langchain_core.runnables import Runnable, RunnableLambda
from sqlalchemy.orm import Session, sessionmaker

from agent.classify import Classification, Intent, MessageClassifier
from agent.compliance import check_answer
from agent.group import is_addressed, is_mentioned
from agent.handoff import CATEGORY, build_summary, urgency_for
from agent.identity import Pseudonymizer
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
from agent.state import Action, AgentReply, Citation, IncomingMessage, Turn, source_url
from knowledge import KnowledgeBase
from privacy import Redactor, detect_language
from storage import repository
from storage.models import Conversation, Handoff, Message

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


class Agent:
    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        redactor: Redactor,
        classifier: MessageClassifier,
        knowledge: KnowledgeBase,
        responder: Responder,
        pseudonymizer: Pseudonymizer,
        config: AgentConfig,
    ) -> None:
        self.sessions = sessions
        self.redactor = redactor
        self.classifier = classifier
        self.knowledge = knowledge
        self.responder = responder
        self.pseudonymizer = pseudonymizer
        self.config = config
        steps: list[Callable[[Turn], Turn]] = [
            self.open_conversation,
            self.redact,
            self.classify,
            self.route,
            self.retrieve,
            self.respond,
            self.hand_off,
            self.reply,
        ]
        chain: Runnable[Turn, Turn] = RunnableLambda(steps[0])
        for step in steps[1:]:
            chain = chain | RunnableLambda(step)
        self.chain = chain

    # -- entry point -------------------------------------------------------------------------------
    def handle(self, message: IncomingMessage) -> AgentReply:
        with self.sessions() as session:
            turn = self.chain.invoke(Turn(incoming=message, session=session), config={"run_name": "turn"})
            session.commit()
            turn.session = None
        log.info(
            "turn conversation=%s intent=%s action=%s handoff=%s pii=%s",
            turn.conversation_id,
            turn.classification.intent if turn.classification else None,
            turn.action,
            turn.handoff_id,
            ",".join(turn.pii_types),
        )
        return AgentReply(
            conversation_id=turn.conversation_id,
            action=turn.action,
            reply=turn.reply,
            redacted_text=turn.redacted,
            pii_types=turn.pii_types,
            intent=str(turn.classification.intent) if turn.classification else None,
            confidence=turn.retrieval.confidence if turn.retrieval else None,
            citations=tuple(turn.citations),
            handoff_id=turn.handoff_id,
            message_id=turn.customer_message_id,
            reply_message_id=turn.reply_message_id,
        )

    # -- steps ---------------------------------------------------------------------------------------
    def open_conversation(self, turn: Turn) -> Turn:
        """Find or start the conversation first: placeholders are numbered per conversation."""
        session = _session(turn)
        msg = turn.incoming
        turn.customer_ref = self.pseudonymizer.customer_ref(msg.channel, msg.sender_id)
        conversation: Conversation | None = None
        if msg.conversation_id:
            conversation = repository.find_conversation(session, msg.conversation_id)
            if conversation is None:
                raise UnknownConversation(msg.conversation_id)
        elif msg.channel == "group" and msg.group_id:
            conversation = repository.group_conversation(session, msg.group_id, turn.customer_ref)
        if conversation is None:
            conversation = Conversation(
                channel=msg.channel,
                group_id=msg.group_id,
                customer_ref=turn.customer_ref,
                customer_tier=msg.customer_tier,
            )
            session.add(conversation)
            session.flush()
        elif msg.customer_tier:
            conversation.customer_tier = msg.customer_tier
        turn.conversation_id = conversation.id
        # Commit now: the vault writes placeholders for this conversation in its own transactions, and
        # SQLite allows one writer at a time.
        session.commit()
        return turn

    def redact(self, turn: Turn) -> Turn:
        redaction = self.redactor.redact(turn.incoming.text, turn.conversation_id)
        turn.redacted = redaction.text
        turn.pii_types = tuple(sorted({e.entity_type for e in redaction.entities}))
        turn.language = "en" if detect_language(turn.incoming.text) == "en" else "zh"
        return turn

    def classify(self, turn: Turn) -> Turn:
        turn.classification = self.classifier.classify(turn.redacted)
        return turn

    def route(self, turn: Turn) -> Turn:
        """Decide the action before any answer is written; retrieval may still refine FAQ routes."""
        c = _classification(turn)
        conversation = self._conversation(turn)
        msg = turn.incoming
        if msg.channel == "group":
            mentioned = is_mentioned(turn.redacted, msg.mentions, self.config.bot_names)
            turn.addressed = is_addressed(turn.redacted, c, mentioned)
            if not turn.addressed and c.intent == Intent.FAQ and mentioned is False:
                # A question that mentions no one: speak only if the base can answer it confidently.
                retrieval = self.knowledge.search(turn.redacted, k=self.config.retrieval_k)
                turn.retrieval = retrieval
                turn.addressed = is_addressed(turn.redacted, c, mentioned, retrieval.answerable)
        if conversation.mode == "human" and c.intent != Intent.URGENT:
            turn.action = Action.HUMAN_MODE
        elif not turn.addressed:
            turn.action = Action.SILENT
        else:
            turn.action, turn.handoff_reason = decide(c.intent, msg.channel)
        return turn

    def retrieve(self, turn: Turn) -> Turn:
        c = _classification(turn)
        wants_answer = turn.action == Action.ANSWER or (
            turn.action == Action.HANDOFF
            and (c.intent == Intent.URGENT or (c.intent == Intent.COMPLAINT and Intent.FAQ in c.flags))
        )
        if not wants_answer or c.intent not in RETRIEVE_FOR:
            return turn
        if turn.retrieval is None:
            turn.retrieval = self.knowledge.search(turn.redacted, k=self.config.retrieval_k)
        if turn.action == Action.ANSWER and not turn.retrieval.answerable:
            turn.action, turn.handoff_reason = Action.FALLBACK, "low_confidence"
        return turn

    def respond(self, turn: Turn) -> Turn:
        """Write the answer and run the compliance check on it."""
        retrieval = turn.retrieval
        if (
            retrieval is None
            or not retrieval.answerable
            or turn.action not in (Action.ANSWER, Action.HANDOFF)
        ):
            return turn
        answer = self.responder.respond(turn.redacted, retrieval, turn.language)
        if not answer:
            if turn.action == Action.ANSWER:
                turn.action, turn.handoff_reason = Action.FALLBACK, "low_confidence"
            return turn
        top = retrieval.hits[:1]
        chunks = [h.chunk for h in top]
        result = check_answer(answer, turn.redacted, chunks)
        if result.blocked:
            log.warning("answer blocked by compliance check conversation=%s", turn.conversation_id)
            if turn.action == Action.ANSWER:
                turn.action, turn.handoff_reason = Action.FALLBACK, "low_confidence"
            return turn
        turn.answer = result.text
        if result.needs_risk_notice:
            turn.notices.append(say(RISK_NOTICE, turn.language))
        turn.citations = [
            Citation(
                title=h.chunk.title,
                source=source_url(h.chunk.doc_id),
                doc_id=h.chunk.doc_id,
                chunk_id=h.chunk.id,
                score=round(h.score, 4),
            )
            for h in top
        ]
        return turn

    def hand_off(self, turn: Turn) -> Turn:
        if not turn.handoff_reason:
            return turn
        session = _session(turn)
        conversation = self._conversation(turn)
        c = _classification(turn)
        history = list(repository.transcript(session, turn.conversation_id))
        summary = build_summary(
            customer_ref=turn.customer_ref,
            customer_tier=conversation.customer_tier,
            channel=conversation.channel,
            group_id=conversation.group_id,
            reason=turn.handoff_reason,
            classification=c,
            question=turn.redacted,
            history=history + [_pending(turn)],
            private_followup=turn.action == Action.PRIVATE_FOLLOWUP,
        )
        low = turn.handoff_reason == "low_confidence"
        fields = {
            "reason": turn.handoff_reason,
            "category": "low_confidence" if low else CATEGORY.get(c.intent, turn.handoff_reason),
            "urgency": "low" if low else urgency_for(turn.handoff_reason, c),
            "sentiment": c.sentiment,
            "private_followup": turn.action == Action.PRIVATE_FOLLOWUP,
            "summary": summary,
        }
        handoff = repository.open_handoff(session, conversation.id)
        if handoff is None:
            handoff = Handoff(conversation_id=conversation.id, **fields)
            session.add(handoff)
        elif _rank(str(fields["urgency"])) < _rank(handoff.urgency) or handoff.reason == "low_confidence":
            for name, value in fields.items():  # the case got more serious: re-triage it
                setattr(handoff, name, value)
        else:
            handoff.summary = {**handoff.summary, "transcript": summary["transcript"]}
        if turn.handoff_reason != "low_confidence":
            conversation.mode = "human"
        session.flush()
        turn.handoff_id = handoff.id
        return turn

    def reply(self, turn: Turn) -> Turn:
        """Compose what the customer reads, and store both sides (redacted) of the turn."""
        session = _session(turn)
        conversation = self._conversation(turn)
        c = _classification(turn)
        lang = turn.language
        facts = {"bank": self.config.bank_name, "hotline": self.config.hotline}
        parts: list[str] = []
        if set(turn.pii_types) & WARN_PII:
            parts.append(say(PII_WARNING if conversation.channel == "group" else PII_WARNING_PRIVATE, lang))
        if turn.action == Action.SMALLTALK:
            thanks = any(w in turn.redacted.lower() for w in _THANKS_WORDS)
            parts.append(say(THANKS if thanks else GREETING, lang, **facts))
        elif turn.action == Action.HUMAN_MODE:
            if conversation.channel != "group" and not _human_mode_announced(session, conversation):
                parts.append(say(HUMAN_MODE, lang))
        elif turn.action == Action.FALLBACK:
            if c.intent == Intent.OUT_OF_SCOPE:
                parts.append(say(OUT_OF_SCOPE, lang, **facts))
            else:
                parts.append(say(FALLBACK, lang, **facts))
        elif turn.action == Action.PRIVATE_FOLLOWUP:
            parts.append(say(GROUP_PRIVATE, lang))
        elif turn.action in (Action.ANSWER, Action.HANDOFF):
            if turn.answer:
                parts.append(self._format_answer(turn))
            if turn.action == Action.HANDOFF and turn.handoff_reason:
                parts.append(say(HANDOFF[turn.handoff_reason], lang, **facts))
        turn.reply = "\n\n".join(parts) if parts else None

        customer = repository.add_message(
            session,
            conversation,
            "customer",
            turn.redacted,
            sender_ref=turn.customer_ref,
            intent=str(c.intent),
            action=str(turn.action),
            confidence=turn.retrieval.confidence if turn.retrieval else None,
            pii_types=list(turn.pii_types),
        )
        turn.customer_message_id = customer.id
        if turn.reply is not None:
            bot = repository.add_message(
                session,
                conversation,
                "bot",
                turn.reply,
                action=str(turn.action),
                citations=[c.__dict__ for c in turn.citations],
            )
            turn.reply_message_id = bot.id
        return turn

    # -- helpers ------------------------------------------------------------------------------------
    def _format_answer(self, turn: Turn) -> str:
        lang = turn.language
        body = turn.answer or ""
        if lang == "en":
            body = f"{ANSWER_LEAD_EN}\n{body}"
        lines = [body, *turn.notices]
        if turn.citations:
            titles = "；".join(f"《{c.title}》" for c in turn.citations)
            lines.append(f"{say(SOURCES_LABEL, lang)}：{titles}")
        return "\n".join(lines)

    def _conversation(self, turn: Turn) -> Conversation:
        conversation = _session(turn).get(Conversation, turn.conversation_id)
        assert conversation is not None
        return conversation


class UnknownConversation(LookupError):
    """The channel named a conversation that does not exist."""


def _session(turn: Turn) -> Session:
    assert turn.session is not None, "steps run inside Agent.handle"
    return turn.session


def _classification(turn: Turn) -> Classification:
    assert turn.classification is not None, "classify runs before this step"
    return turn.classification


def _human_mode_announced(session: Session, conversation: Conversation) -> bool:
    """Say "a person is handling this" once: not again after saying it, nor once staff have spoken."""
    for message in reversed(repository.transcript(session, conversation.id)):
        if message.role == "staff":
            return True
        if message.role == "bot":
            return message.action == Action.HUMAN_MODE
    return False


def _rank(urgency: str) -> int:
    return repository.URGENCY_RANK.get(urgency, 9)


def _pending(turn: Turn) -> Message:
    """The customer's current message, shown in the summary before it is stored."""
    return Message(role="customer", text=turn.redacted)
