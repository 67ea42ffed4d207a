"""What staff do with handoffs: the queue order, SLA timers, claim, reply, note, resolve, return, reveal.

Every action that changes data writes an audit record in the same transaction, commits, and then
publishes a domain event (after the commit, so a listener that reads back sees the change); listeners
in `api/` turn those into the console's and the widget's live updates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import aware, utcnow
from core.status import ACTIVE_HANDOFF, ConversationMode, HandoffStatus, urgency_rank
from events.dispatch import Publisher
from events.domain import HandoffClaimed, HandoffResolved, HandoffReturned, NoteAdded, StaffReplied
from privacy import Redactor, Vault
from services import audit
from storage import repository
from storage.models import Conversation, Handoff, HandoffNote, Message, OutboxMessage, StaffUser

ACTIVE = ACTIVE_HANDOFF
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
        return (urgency_rank(h.urgency), tier, aware(h.created_at))

    return sorted(rows, key=key)[:limit]


def get(session: Session, handoff_id: str) -> Handoff | None:
    return session.get(Handoff, handoff_id)


@dataclass(frozen=True)
class StaffAction:
    """One staff member acting on one handoff, in the caller's unit of work (the request's session)."""

    session: Session
    handoff: Handoff
    staff: StaffUser


class HandoffDesk:
    """The console's actions; each one changes data, audits, commits, then publishes a domain event."""

    def __init__(self, events: Publisher, redactor: Redactor, vault: Vault) -> None:
        self.events = events
        self.redactor = redactor
        self.vault = vault

    def claim(self, act: StaffAction) -> Handoff:
        session, handoff, staff = act.session, act.handoff, act.staff
        _require_active(handoff)
        if handoff.status == HandoffStatus.CLAIMED and handoff.claimed_by not in (None, staff.username):
            raise ConsoleError(f"handoff {handoff.id} is already claimed by {handoff.claimed_by}")
        handoff.status, handoff.claimed_by, handoff.claimed_at = (
            HandoffStatus.CLAIMED,
            staff.username,
            utcnow(),
        )
        audit.record(session, staff, "handoff.claim", "handoff", handoff.id)
        session.commit()
        self.events.publish(HandoffClaimed(handoff.conversation_id, handoff.id, staff.display_name))
        return handoff

    def reply(self, act: StaffAction, text: str) -> Message:
        """Send a reply to the customer: live to the widget, or to the group's outbox for the connector.

        Staff text is redacted like customer text before it is stored or posted to a group (a group is
        public); only the live push to the customer's own widget carries what the staff member typed.
        """
        session, handoff, staff = act.session, act.handoff, act.staff
        _require_mine(handoff, staff)
        conversation = handoff.conversation
        stored = self.redactor.redact(text, conversation.id).text
        message = repository.add_message(session, conversation, "staff", stored, sender_ref=staff.username)
        handoff.first_response_at = handoff.first_response_at or utcnow()
        conversation.mode = ConversationMode.HUMAN
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
        self.events.publish(
            StaffReplied(
                conversation.id,
                handoff.id,
                message.id,
                text,
                staff.display_name,
                message.created_at.isoformat(),
            )
        )
        return message

    def add_note(self, act: StaffAction, text: str) -> HandoffNote:
        """An internal note, stored redacted (originals stay in the vault, revealable with permission)."""
        session, handoff, staff = act.session, act.handoff, act.staff
        stored = self.redactor.redact(text, handoff.conversation_id).text
        note = HandoffNote(handoff_id=handoff.id, author=staff.username, text=stored)
        session.add(note)
        session.flush()
        audit.record(session, staff, "handoff.note", "handoff", handoff.id, note_id=note.id)
        session.commit()
        self.events.publish(NoteAdded(handoff.conversation_id, handoff.id))
        return note

    def resolve(self, act: StaffAction, outcome: str) -> Handoff:
        session, handoff, staff = act.session, act.handoff, act.staff
        _require_mine(handoff, staff)
        handoff.status, handoff.outcome, handoff.resolved_at = HandoffStatus.RESOLVED, outcome, utcnow()
        handoff.conversation.mode = ConversationMode.BOT
        audit.record(session, staff, "handoff.resolve", "handoff", handoff.id, outcome=outcome)
        session.commit()
        self.events.publish(HandoffResolved(handoff.conversation_id, handoff.id))
        return handoff

    def return_to_bot(self, act: StaffAction) -> Handoff:
        session, handoff, staff = act.session, act.handoff, act.staff
        _require_active(handoff)
        handoff.status = HandoffStatus.RETURNED
        handoff.conversation.mode = ConversationMode.BOT
        audit.record(session, staff, "handoff.return", "handoff", handoff.id)
        session.commit()
        self.events.publish(HandoffReturned(handoff.conversation_id, handoff.id))
        return handoff

    def reveal(self, act: StaffAction, placeholder: str, reason: str) -> str | None:
        """The original behind a placeholder of this handoff's conversation; audited either way."""
        session, handoff, staff = act.session, act.handoff, act.staff
        if not staff.can_reveal:
            audit.record(session, staff, "pii.reveal_refused", "handoff", handoff.id, placeholder=placeholder)
            session.commit()
            raise RevealRefused("revealing originals needs the can_reveal permission")
        original = self.vault.reveal(handoff.conversation_id, placeholder)
        if original is None:
            return None
        audit.record(
            session, staff, "pii.reveal", "handoff", handoff.id, placeholder=placeholder, reason=reason
        )
        session.commit()
        return original


def _require_active(handoff: Handoff) -> None:
    if handoff.status not in ACTIVE:
        raise ConsoleError(f"handoff {handoff.id} is {handoff.status}")


def _require_mine(handoff: Handoff, staff: StaffUser) -> None:
    """Reply and resolve need the handoff claimed by this person, so two people never answer at once."""
    _require_active(handoff)
    if handoff.status != HandoffStatus.CLAIMED or handoff.claimed_by != staff.username:
        raise ConsoleError(f"claim handoff {handoff.id} before replying to or resolving it")
