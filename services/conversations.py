"""The customer-turn use case: every channel's message goes through `ConversationService.handle`.

Three short transactions, in this order:
1. find or start the conversation (committed: the vault numbers placeholders per conversation and
   writes them in its own transaction, and SQLite allows one writer at a time);
2. redact and store the customer's message, committed *before* the agent works on it, so a crash or a
   failing model mid-answer loses nothing the customer wrote;
3. run the SQL-free pipeline on values and store its outcome (the message's triage, the bot's reply,
   the handoff, the conversation's mode and state) in one transaction.
Then the domain events go out (after the commit, so a listener that reads back sees the change).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from agent.conversation_state import ConversationState
from agent.identity import Pseudonymizer
from agent.pipeline import Agent, UnknownConversation
from agent.state import (
    Action,
    AgentReply,
    HandoffChange,
    HandoffPlan,
    IncomingMessage,
    OpenHandoff,
    RedactedMessage,
    TranscriptLine,
    TurnContext,
    TurnOutcome,
)
from core import metrics
from core.clock import aware
from core.status import ConversationMode, HandoffStatus, Role, urgency_rank
from events.dispatch import Publisher
from events.domain import CustomerMessaged, HandoffOpened
from services.teams import RouteInput, route_team
from storage import repository
from storage.models import Conversation, Handoff, Message

log = logging.getLogger(__name__)

__all__ = ["ConversationService", "UnknownConversation", "read_conversation"]


class WaitingStatus(Protocol):
    @property
    def queue_position(self) -> int | None: ...
    @property
    def expected_first_response_s(self) -> int | None: ...
    @property
    def staff_name(self) -> str | None: ...


# Where the conversation's case stands (services.handoffs.waiting_for with the deployment's SLA policy).
WaitingLookup = Callable[[Session, str], WaitingStatus | None]


class ConversationService:
    def __init__(
        self,
        *,
        sessions: sessionmaker[Session],
        agent: Agent,
        pseudonymizer: Pseudonymizer,
        events: Publisher,
        waiting: WaitingLookup | None = None,
    ) -> None:
        self.sessions = sessions
        self.waiting = waiting
        self.agent = agent
        self.pseudonymizer = pseudonymizer
        self.events = events
        self._turns = KeyedLocks()

    def handle(self, message: IncomingMessage) -> AgentReply:
        with metrics.timed_step("total"):
            customer_ref = self.pseudonymizer.customer_ref(message.channel, message.sender_id)
            with metrics.timed_step("open"):
                conversation_id = self._open(message, customer_ref)
            # One turn at a time per conversation in this process: the next turn sees this one's
            # outcome (state, handoff). Across processes the row lock in add_message keeps both.
            with self._turns.hold(conversation_id):
                return self._turn(message, conversation_id, customer_ref)

    def _turn(self, message: IncomingMessage, conversation_id: str, customer_ref: str) -> AgentReply:
        with metrics.timed_step("redact"):
            redacted = self.agent.redact(message.text, conversation_id)
        with metrics.timed_step("store_message"):
            ctx, message_id = self._store_customer_message(conversation_id, message, customer_ref, redacted)
        with metrics.timed_step("agent"):
            outcome = self.agent.run(ctx, redacted)
        with metrics.timed_step("store_outcome"):
            handoff_id, retriaged, reply_id = self._store_outcome(ctx, message_id, outcome)
        metrics.count_redactions(list(redacted.pii_types))
        if handoff_id and outcome.handoff is not None:
            metrics.HANDOFFS.labels(reason=outcome.handoff.reason).inc()
        log.info(
            "turn conversation=%s intent=%s action=%s handoff=%s pii=%s",
            conversation_id,
            outcome.intent,
            outcome.action,
            handoff_id,
            ",".join(redacted.pii_types),
        )
        if handoff_id:
            urgency = outcome.handoff.urgency if outcome.handoff else ""
            self.events.publish(
                HandoffOpened(conversation_id, handoff_id, retriaged=retriaged, urgency=urgency)
            )
        elif outcome.action == Action.HUMAN_MODE:
            self.events.publish(CustomerMessaged(conversation_id))
        return AgentReply(
            conversation_id=conversation_id,
            action=outcome.action,
            reply=outcome.reply,
            redacted_text=redacted.text,
            pii_types=redacted.pii_types,
            intent=outcome.intent,
            confidence=outcome.confidence,
            citations=outcome.citations,
            handoff_id=handoff_id,
            message_id=message_id,
            reply_message_id=reply_id,
        )

    # -- the three transactions ----------------------------------------------------------------------
    def _open(self, message: IncomingMessage, customer_ref: str) -> str:
        with self.sessions() as session:
            conversation: Conversation | None = None
            if message.conversation_id:
                conversation = repository.find_conversation(session, message.conversation_id)
                if conversation is None:
                    raise UnknownConversation(message.conversation_id)
            elif message.channel == "group" and message.group_id:
                conversation = repository.group_conversation(session, message.group_id, customer_ref)
            if conversation is None:
                conversation = Conversation(
                    channel=message.channel,
                    group_id=message.group_id,
                    customer_ref=customer_ref,
                    customer_tier=message.customer_tier,
                )
                session.add(conversation)
            elif message.customer_tier:
                conversation.customer_tier = message.customer_tier
            session.commit()
            return conversation.id

    def _store_customer_message(
        self, conversation_id: str, message: IncomingMessage, customer_ref: str, redacted: RedactedMessage
    ) -> tuple[TurnContext, str]:
        with self.sessions() as session:
            conversation = _conversation(session, conversation_id)
            stored = repository.add_message(
                session,
                conversation,
                Role.CUSTOMER,
                redacted.text,
                sender_ref=customer_ref,
                pii_types=list(redacted.pii_types),
            )
            waiting = repository.open_handoff(session, conversation_id)
            status = self.waiting(session, conversation_id) if waiting and self.waiting else None
            ctx = TurnContext(
                conversation_id=conversation_id,
                channel=message.channel,
                customer_ref=customer_ref,
                group_id=conversation.group_id,
                customer_tier=conversation.customer_tier,
                mentions=message.mentions,
                mode=ConversationMode(conversation.mode),
                state=ConversationState.from_json(conversation.state),
                transcript=tuple(_line(m) for m in repository.transcript(session, conversation_id)),
                open_handoff=(
                    OpenHandoff(
                        waiting.id,
                        waiting.reason,
                        waiting.urgency,
                        dict(waiting.summary),
                        queue_position=status.queue_position if status else None,
                        expected_first_response_s=status.expected_first_response_s if status else None,
                        staff_name=status.staff_name if status else None,
                    )
                    if waiting
                    else None
                ),
            )
            session.commit()
            return ctx, stored.id

    def _store_outcome(
        self, ctx: TurnContext, message_id: str, outcome: TurnOutcome
    ) -> tuple[str | None, bool, str | None]:
        with self.sessions() as session:
            conversation = _conversation(session, ctx.conversation_id)
            repository.update_message(
                session,
                message_id,
                intent=outcome.intent,
                action=str(outcome.action),
                confidence=outcome.confidence,
                standalone=outcome.standalone,
            )
            handoff_id, retriaged = (
                _apply_handoff(session, conversation, outcome.handoff) if outcome.handoff else (None, False)
            )
            if outcome.mode is not None:
                conversation.mode = outcome.mode
            conversation.state = outcome.state.to_json()
            reply_id = None
            if outcome.reply is not None:
                bot = repository.add_message(
                    session,
                    conversation,
                    Role.BOT,
                    outcome.reply,
                    action=str(outcome.action),
                    citations=[c.__dict__ for c in outcome.citations],
                )
                reply_id = bot.id
            session.commit()
            return handoff_id, retriaged, reply_id


class KeyedLocks:
    """One lock per key, created on demand and dropped when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, tuple[threading.Lock, int]] = {}

    @contextmanager
    def hold(self, key: str) -> Iterator[None]:
        with self._guard:
            lock, users = self._locks.get(key, (threading.Lock(), 0))
            self._locks[key] = (lock, users + 1)
        try:
            with lock:
                yield
        finally:
            with self._guard:
                lock, users = self._locks[key]
                if users == 1:
                    del self._locks[key]
                else:
                    self._locks[key] = (lock, users - 1)


def read_conversation(session: Session, conversation_id: str) -> Conversation | None:
    """The conversation with its (redacted) messages, for staff or the customer it belongs to."""
    return repository.find_conversation(session, conversation_id)


def _line(m: Message) -> TranscriptLine:
    return TranscriptLine(
        m.role,
        m.text,
        m.action,
        intent=m.intent,
        created_at=aware(m.created_at),
        citations=tuple(m.citations or ()),
        feedback=m.feedback,
        feedback_comment=m.feedback_comment,
    )


def _conversation(session: Session, conversation_id: str) -> Conversation:
    conversation = repository.find_conversation(session, conversation_id)
    if conversation is None:
        raise UnknownConversation(conversation_id)
    return conversation


def _apply_handoff(session: Session, conversation: Conversation, plan: HandoffPlan) -> tuple[str, bool]:
    """Open the handoff (routed to its team) or update the waiting one; True when the update raised its
    urgency (a re-triage staff are alerted to)."""
    triage = {
        "reason": plan.reason,
        "category": plan.category,
        "urgency": plan.urgency,
        "sentiment": plan.sentiment,
        "private_followup": plan.private_followup,
        "summary": plan.summary,
    }
    handoff = repository.open_handoff(session, conversation.id)
    asked = " ".join(str(plan.summary.get(k) or "") for k in ("question", "last_message"))
    route = RouteInput(conversation.customer_tier, plan.category, asked)
    retriaged = False
    if handoff is None:  # also when staff closed the one the pipeline saw, between the two transactions
        handoff = Handoff(conversation_id=conversation.id, team_id=route_team(session, route), **triage)
        session.add(handoff)
    elif plan.change == HandoffChange.TRANSCRIPT:
        handoff.summary = plan.summary
    else:
        retriaged = urgency_rank(plan.urgency) < urgency_rank(handoff.urgency)
        for name, value in triage.items():
            setattr(handoff, name, value)
        if handoff.status == HandoffStatus.OPEN:  # not yet picked up: the new topic may be another team's
            handoff.team_id = route_team(session, route)
    session.flush()
    return handoff.id, retriaged
