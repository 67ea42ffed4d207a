"""The web chat widget: a customer's message in, and feedback on a bot answer."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from agent.state import AgentReply, IncomingMessage
from core.status import MessageFeedback, Role
from privacy import Redactor
from services.conversations import ConversationService
from storage.models import Message


@dataclass(frozen=True)
class WidgetMessage:
    conversation_id: str
    text: str


def receive(conversations: ConversationService, message: WidgetMessage) -> AgentReply:
    return conversations.handle(
        IncomingMessage(
            text=message.text,
            channel="web",
            sender_id=message.conversation_id,
            conversation_id=message.conversation_id,
        )
    )


@dataclass(frozen=True)
class Feedback:
    conversation_id: str
    message_id: str
    helpful: bool
    comment: str | None = None


def record_feedback(session: Session, redactor: Redactor, feedback: Feedback) -> bool:
    """Store helpful/not helpful (the comment redacted) on a bot answer of this conversation; False when
    there is no such answer."""
    message = session.get(Message, feedback.message_id)
    if message is None or message.conversation_id != feedback.conversation_id or message.role != Role.BOT:
        return False
    comment = None
    if feedback.comment and feedback.comment.strip():
        comment = redactor.redact(feedback.comment.strip(), feedback.conversation_id).text
    message.feedback = MessageFeedback.HELPFUL if feedback.helpful else MessageFeedback.NOT_HELPFUL
    message.feedback_comment = comment
    session.commit()
    return True
