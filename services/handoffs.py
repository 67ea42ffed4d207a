"""What staff do with handoffs: the queue order, SLA timers, claim, reply, note, resolve, return, reveal.

Every action that changes data writes an audit record in the same transaction, commits, and then
announces itself on the event bus (after the commit, so a listener that reads back sees the change).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.state import AgentReply
from events.bus import STAFF_TOPIC, EventBus, conversation_topic
from privacy import Redactor, Vault
from services import audit
from storage import repository
from storage.models import Conversation, Handoff, HandoffNote, Message, OutboxMessage, StaffUser, utcnow

ACTIVE = ("open", "claimed")
OUTCOMES = ("answered", "resolved_by_phone", "account_action", "complaint_registered", "no_response", "other")


class ConsoleError(Exception):
    """A handoff action that the handoff's state does not allow (claimed by another person, closed)."""


class RevealRefused(Exception):
    """The staff member lacks the can_reveal permission."""


@dataclass(frozen=True)
class Sla:
    first_response_due: datetime
    resolution_due: datetime
    first_response_breached: bool
    resolution_breached: bool


def sla_for(handoff: Handoff, first_response_hours: float, resolution_hours: float) -> Sla:
    created = aware(handoff.created_at)
    now = datetime.now(UTC)
    first_due = created + timedelta(hours=first_response_hours)
    resolve_due = created + timedelta(hours=resolution_hours)
    responded = aware(handoff.first_response_at) if handoff.first_response_at else None
    resolved = aware(handoff.resolved_at) if handoff.resolved_at else None
    return Sla(
        first_response_due=first_due,
        resolution_due=resolve_due,
        first_response_breached=(responded or now) > first_due,
        resolution_breached=(resolved or now) > resolve_due,
    )


def queue(
    session: Session, priority_tiers: Sequence[str], status: str | None = None, limit: int = 100
) -> list[Handoff]:
    """Urgent risk first, then the customer's tier (as configured), then the longest wait."""
    stmt = select(Handoff).join(Conversation)
    stmt = stmt.where(Handoff.status == status) if status else stmt.where(Handoff.status.in_(ACTIVE))
    rows = list(session.scalars(stmt).all())
    tiers = {tier: rank for rank, tier in enumerate(priority_tiers)}

    def key(h: Handoff) -> tuple[int, int, datetime]:
        tier = tiers.get(h.conversation.customer_tier or "", len(tiers))
        return (repository.URGENCY_RANK.get(h.urgency, 9), tier, aware(h.created_at))

    return sorted(rows, key=key)[:limit]


def claim(session: Session, bus: EventBus, handoff: Handoff, staff: StaffUser) -> Handoff:
    _require_active(handoff)
    if handoff.status == "claimed" and handoff.claimed_by not in (None, staff.username):
        raise ConsoleError(f"handoff {handoff.id} is already claimed by {handoff.claimed_by}")
    handoff.status, handoff.claimed_by, handoff.claimed_at = "claimed", staff.username, utcnow()
    audit.record(session, staff, "handoff.claim", "handoff", handoff.id)
    session.commit()
    _announce(bus, handoff, "handoff.claimed")
    bus.publish(conversation_topic(handoff.conversation_id), "staff_joined", name=staff.display_name)
    return handoff


def reply(
    session: Session, bus: EventBus, redactor: Redactor, handoff: Handoff, staff: StaffUser, text: str
) -> Message:
    """Send a reply to the customer: live to the widget, or to the group's outbox for the connector.

    Staff text is redacted like customer text before it is stored or posted to a group (a group is
    public); only the live push to the customer's own widget carries what the staff member typed.
    """
    _require_mine(handoff, staff)
    conversation = handoff.conversation
    stored = redactor.redact(text, conversation.id).text
    message = repository.add_message(session, conversation, "staff", stored, sender_ref=staff.username)
    handoff.first_response_at = handoff.first_response_at or utcnow()
    conversation.mode = "human"
    if conversation.channel == "group" and conversation.group_id:
        session.add(
            OutboxMessage(
                group_id=conversation.group_id,
                conversation_id=conversation.id,
                message_id=message.id,
                text=stored,
                staff_name=staff.display_name,
            )
        )
    audit.record(session, staff, "handoff.reply", "handoff", handoff.id, message_id=message.id)
    session.commit()
    bus.publish(
        conversation_topic(conversation.id),
        "staff_message",
        id=message.id,
        text=text,
        name=staff.display_name,
        at=message.created_at.isoformat(),
    )
    _announce(bus, handoff, "handoff.message")
    return message


def add_note(
    session: Session, bus: EventBus, redactor: Redactor, handoff: Handoff, staff: StaffUser, text: str
) -> HandoffNote:
    """An internal note, stored redacted (originals stay in the vault, revealable with permission)."""
    stored = redactor.redact(text, handoff.conversation_id).text
    note = HandoffNote(handoff_id=handoff.id, author=staff.username, text=stored)
    session.add(note)
    session.flush()
    audit.record(session, staff, "handoff.note", "handoff", handoff.id, note_id=note.id)
    session.commit()
    _announce(bus, handoff, "handoff.note")
    return note


def resolve(session: Session, bus: EventBus, handoff: Handoff, staff: StaffUser, outcome: str) -> Handoff:
    _require_mine(handoff, staff)
    handoff.status, handoff.outcome, handoff.resolved_at = "resolved", outcome, utcnow()
    handoff.conversation.mode = "bot"
    audit.record(session, staff, "handoff.resolve", "handoff", handoff.id, outcome=outcome)
    session.commit()
    _announce(bus, handoff, "handoff.resolved")
    bus.publish(conversation_topic(handoff.conversation_id), "resolved")
    return handoff


def return_to_bot(session: Session, bus: EventBus, handoff: Handoff, staff: StaffUser) -> Handoff:
    _require_active(handoff)
    handoff.status = "returned"
    handoff.conversation.mode = "bot"
    audit.record(session, staff, "handoff.return", "handoff", handoff.id)
    session.commit()
    _announce(bus, handoff, "handoff.returned")
    bus.publish(conversation_topic(handoff.conversation_id), "returned_to_bot")
    return handoff


def reveal(
    session: Session, vault: Vault, handoff: Handoff, staff: StaffUser, placeholder: str, reason: str
) -> str | None:
    """The original behind a placeholder of this handoff's conversation; audited either way."""
    if not staff.can_reveal:
        audit.record(session, staff, "pii.reveal_refused", "handoff", handoff.id, placeholder=placeholder)
        session.commit()
        raise RevealRefused("revealing originals needs the can_reveal permission")
    original = vault.reveal(handoff.conversation_id, placeholder)
    if original is None:
        return None
    audit.record(session, staff, "pii.reveal", "handoff", handoff.id, placeholder=placeholder, reason=reason)
    session.commit()
    return original


def announce_turn(bus: EventBus, reply: AgentReply) -> None:
    """Tell the console about a customer turn: a new or updated handoff, or a message on one."""
    if reply.handoff_id:
        bus.publish(
            STAFF_TOPIC, "handoff.updated", id=reply.handoff_id, conversation_id=reply.conversation_id
        )
    elif reply.action == "human_mode":
        bus.publish(STAFF_TOPIC, "conversation.message", conversation_id=reply.conversation_id)


def aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _require_active(handoff: Handoff) -> None:
    if handoff.status not in ACTIVE:
        raise ConsoleError(f"handoff {handoff.id} is {handoff.status}")


def _require_mine(handoff: Handoff, staff: StaffUser) -> None:
    """Reply and resolve need the handoff claimed by this person, so two people never answer at once."""
    _require_active(handoff)
    if handoff.status != "claimed" or handoff.claimed_by != staff.username:
        raise ConsoleError(f"claim handoff {handoff.id} before replying to or resolving it")


def _announce(bus: EventBus, handoff: Handoff, kind: str) -> None:
    bus.publish(STAFF_TOPIC, kind, id=handoff.id, conversation_id=handoff.conversation_id)
