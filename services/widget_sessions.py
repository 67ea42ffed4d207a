"""Customer widget sessions: an opaque token bound to one web conversation (only its hash is stored)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from agent.identity import Pseudonymizer
from storage.models import Conversation, WidgetSession, utcnow


def start_session(
    session: Session,
    pseudonymizer: Pseudonymizer,
    ttl_hours: float,
    *,
    language: str = "zh",
    customer_tier: str | None = None,
) -> tuple[str, Conversation]:
    """A new conversation and the token that alone (besides staff) may read and write it."""
    token = secrets.token_urlsafe(32)
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
            token_hash=_digest(token),
            conversation_id=conversation.id,
            expires_at=utcnow() + timedelta(hours=ttl_hours),
        )
    )
    session.flush()
    return token, conversation


def conversation_for(session: Session, token: str) -> str | None:
    """The conversation id a live token is bound to, or None."""
    row = session.get(WidgetSession, _digest(token))
    if row is None:
        return None
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
    return row.conversation_id if expires > datetime.now(UTC) else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
