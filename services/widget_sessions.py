"""Customer widget sessions: an opaque token bound to one web conversation (only its hash is stored)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy.orm import Session

from agent.identity import Pseudonymizer
from core.clock import aware, utcnow
from core.tokens import new_token, token_hash
from storage.models import Conversation, WidgetSession


def start_session(
    session: Session,
    pseudonymizer: Pseudonymizer,
    ttl_hours: float,
    *,
    language: str = "zh",
    customer_tier: str | None = None,
) -> tuple[str, Conversation]:
    """A new conversation and the token that alone (besides staff) may read and write it (committed)."""
    token = new_token()
    conversation = Conversation(
        channel="web",
        customer_ref=pseudonymizer.customer_ref("web", secrets.token_hex(16)),
        customer_tier=customer_tier,
        language=language,
    )
    session.add(conversation)
    session.flush()
    session.add(
        WidgetSession(
            token_hash=token_hash(token),
            conversation_id=conversation.id,
            expires_at=utcnow() + timedelta(hours=ttl_hours),
        )
    )
    session.commit()
    return token, conversation


def conversation_for(session: Session, token: str) -> str | None:
    """The conversation id a live token is bound to, or None."""
    row = session.get(WidgetSession, token_hash(token))
    if row is None:
        return None
    return row.conversation_id if aware(row.expires_at) > utcnow() else None

