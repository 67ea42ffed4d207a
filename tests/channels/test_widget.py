"""The web widget channel: messages land in the widget's own conversation, redacted; feedback only on its
bot answers, with the comment redacted too. On the real sample deployment (tests/conftest.py)."""

from __future__ import annotations

from sqlalchemy import select

from agent.state import AgentReply
from channels import widget
from core.status import MessageFeedback, Role
from core.wiring import Services
from services.widget_sessions import start_session
from storage.models import Message

PHONE = "13912345678"


def _start(services: Services) -> str:
    with services.sessions() as session:
        _, conversation = start_session(session, services.pseudonymizer, 1.0)
        return conversation.id


def _ask(services: Services, conversation_id: str, text: str) -> AgentReply:
    return widget.receive(services.conversations, widget.WidgetMessage(conversation_id, text))


def test_a_message_joins_the_widget_conversation_and_is_stored_redacted(services: Services) -> None:
    conversation_id = _start(services)
    reply = _ask(services, conversation_id, f"我的手机号是{PHONE}，一年期定期存款利率是多少？")
    assert reply.conversation_id == conversation_id
    assert reply.reply is not None
    with services.sessions() as session:
        texts = session.scalars(select(Message.text).where(Message.conversation_id == conversation_id)).all()
    assert len(texts) >= 2  # the customer's message and the answer
    assert all(PHONE not in t for t in texts)


def test_feedback_is_stored_on_a_bot_answer_with_the_comment_redacted(services: Services) -> None:
    conversation_id = _start(services)
    reply = _ask(services, conversation_id, "信用卡年费是多少？")
    assert reply.reply_message_id is not None
    given = widget.Feedback(conversation_id, reply.reply_message_id, False, f"  没用，打我电话{PHONE}  ")
    with services.sessions() as session:
        assert widget.record_feedback(session, services.redactor, given)
    with services.sessions() as session:  # committed: a new session sees it
        stored = session.get(Message, reply.reply_message_id)
        assert stored is not None
        assert stored.feedback == MessageFeedback.NOT_HELPFUL
        assert stored.feedback_comment is not None and PHONE not in stored.feedback_comment
        assert stored.feedback_comment.startswith("没用")


def test_feedback_is_refused_on_other_messages(services: Services) -> None:
    mine, other = _start(services), _start(services)
    reply = _ask(services, mine, "信用卡年费是多少？")
    assert reply.reply_message_id is not None
    refused = [
        widget.Feedback(mine, reply.message_id, True),  # the customer's own message
        widget.Feedback(other, reply.reply_message_id, True),  # an answer in another conversation
        widget.Feedback(mine, "msg_unknown", True),
    ]
    with services.sessions() as session:
        assert [widget.record_feedback(session, services.redactor, f) for f in refused] == [False] * 3
        customer = session.get(Message, reply.message_id)
        assert customer is not None and customer.role == Role.CUSTOMER and customer.feedback is None
