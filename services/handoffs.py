"""What staff do with handoffs: the queue order, SLA timers, claim, reply, note, resolve, return, reveal.

Every action that changes data writes an audit record in the same transaction, commits, and then
publishes a domain event (after the commit, so a listener that reads back sees the change); listeners
in `api/` turn those into the console's and the widget's live updates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from core.clock import aware, utcnow
from core.status import (
    ACTIVE_HANDOFF,
    LOW_CONFIDENCE,
    ConversationMode,
    HandoffStatus,
    StaffRole,
    urgency_rank,
)
from events.dispatch import Publisher
from events.domain import (
    HandoffClaimed,
    HandoffResolved,
    HandoffReturned,
    HandoffTransferred,
    NoteAdded,
    StaffReplied,
    StaffTyping,
)
from privacy import Redactor, Vault
from services import audit, csat
from services.sla import SlaPolicy, TimerState
from storage import repository
from storage.models import Conversation, Handoff, HandoffNote, Message, OutboxMessage, StaffUser, Team

ACTIVE = ACTIVE_HANDOFF
OUTCOMES = ("answered", "resolved_by_phone", "account_action", "complaint_registered", "no_response", "other")


class ConsoleError(Exception):
    """A handoff action that the handoff's state does not allow (claimed by another person, closed)."""


class TransferRefused(ValueError):
    """A transfer to someone who cannot take it (unknown, inactive, not an agent) or to no team."""


@dataclass(frozen=True)
class Transfer:
    """Where a case goes: `username` (that person takes it) and/or `team_id` (that team's queue)."""

    username: str | None = None
    team_id: str | None = None
    note: str = ""


class RevealRefused(Exception):
    """The staff member lacks the can_reveal permission."""


@dataclass(frozen=True)
class Sla:
    first_response_due: datetime
    resolution_due: datetime
    first_response_breached: bool
    resolution_breached: bool
    priority: str  # the SLA priority: the urgency, raised for priority tiers
    first_response_state: str  # services.sla.TimerState
    resolution_state: str


def sla_for(handoff: Handoff, policy: SlaPolicy, now: datetime | None = None) -> Sla:
    status = policy.status(
        urgency=handoff.urgency,
        tier=handoff.conversation.customer_tier,
        opened_at=aware(handoff.created_at),
        now=now or datetime.now(UTC),
        first_response_at=aware(handoff.first_response_at) if handoff.first_response_at else None,
        resolved_at=aware(handoff.resolved_at) if handoff.resolved_at else None,
    )
    late = (TimerState.BREACHED, TimerState.MISSED)
    return Sla(
        first_response_due=status.first_response.due,
        resolution_due=status.resolution.due,
        first_response_breached=status.first_response.state in late,
        resolution_breached=status.resolution.state in late,
        priority=status.priority,
        first_response_state=str(status.first_response.state),
        resolution_state=str(status.resolution.state),
    )


GENERAL_QUEUE = "general"  # the `teams` filter value for handoffs routed to no team


def queue(
    session: Session,
    priority_tiers: Sequence[str],
    status: str | None = None,
    limit: int = 100,
    teams: Sequence[str] | None = None,
) -> list[Handoff]:
    """Urgent risk first, then the customer's tier (as configured), then the longest wait. `teams`:
    only these teams' queues (GENERAL_QUEUE: the cases routed to no team); None: every queue."""
    stmt = select(Handoff).join(Conversation)
    stmt = stmt.where(Handoff.status == status) if status else stmt.where(Handoff.status.in_(ACTIVE))
    if teams is not None:
        named = [t for t in teams if t != GENERAL_QUEUE]
        in_team = Handoff.team_id.in_(named)
        stmt = stmt.where(or_(in_team, Handoff.team_id.is_(None)) if GENERAL_QUEUE in teams else in_team)
    rows = list(session.scalars(stmt).all())
    tiers = {tier: rank for rank, tier in enumerate(priority_tiers)}

    def key(h: Handoff) -> tuple[int, int, datetime]:
        tier = tiers.get(h.conversation.customer_tier or "", len(tiers))
        return (urgency_rank(h.urgency), tier, aware(h.created_at))

    return sorted(rows, key=key)[:limit]


def waiting_handoffs(sessions: sessionmaker[Session]) -> int:
    """Handoffs no person has claimed yet (the queue-depth metric)."""
    with sessions() as session:
        count = session.scalar(select(func.count()).where(Handoff.status == HandoffStatus.OPEN))
        return int(count or 0)


@dataclass(frozen=True)
class Waiting:
    """What the customer is told while a person is (to be) on the case: the widget's `waiting` object."""

    handoff_id: str
    status: str  # "open" (in the queue) | "claimed" (a person is on it)
    queue_position: int | None  # 1 = next to be picked up; None once claimed
    first_response_due: datetime | None  # None once staff have replied
    expected_first_response_s: int | None  # seconds from now to first_response_due (>= 0)
    staff_name: str | None  # display name of the staff member on the case


def waiting_for(
    session: Session,
    conversation_id: str,
    policy: SlaPolicy,
    priority_tiers: Sequence[str],
    now: datetime | None = None,
) -> Waiting | None:
    """The conversation's open or claimed handoff as the customer sees it; None when no person is due."""
    handoff = repository.open_handoff(session, conversation_id)
    if handoff is None or handoff.status not in ACTIVE or handoff.reason == LOW_CONFIDENCE:
        return None
    now = now or datetime.now(UTC)
    position = None
    if handoff.status == HandoffStatus.OPEN:
        line = queue(session, priority_tiers, status=HandoffStatus.OPEN, limit=100_000)
        position = next((i for i, h in enumerate(line, start=1) if h.id == handoff.id), None)
    due = None
    if handoff.first_response_at is None:
        due = sla_for(handoff, policy, now).first_response_due
    staff = repository.staff_by_username(session, handoff.claimed_by) if handoff.claimed_by else None
    return Waiting(
        handoff_id=handoff.id,
        status=str(handoff.status),
        queue_position=position,
        first_response_due=due,
        expected_first_response_s=max(0, int((due - now).total_seconds())) if due else None,
        staff_name=staff.display_name if staff else handoff.claimed_by,
    )


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
        """Take an open handoff. A compare-and-set in the database (UPDATE … WHERE status = 'open'), so of
        two people clicking at the same moment exactly one gets it and the other a conflict."""
        session, handoff, staff = act.session, act.handoff, act.staff
        _require_active(handoff)
        if handoff.status == HandoffStatus.CLAIMED and handoff.claimed_by == staff.username:
            return handoff
        taken = session.execute(
            update(Handoff)
            .where(Handoff.id == handoff.id, Handoff.status == HandoffStatus.OPEN)
            .values(status=HandoffStatus.CLAIMED, claimed_by=staff.username, claimed_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            session.rollback()
            session.refresh(handoff)
            raise ConsoleError(f"handoff {handoff.id} is already claimed by {handoff.claimed_by}")
        session.refresh(handoff)
        audit.record(session, staff, "handoff.claim", "handoff", handoff.id)
        session.commit()
        self.events.publish(HandoffClaimed(handoff.conversation_id, handoff.id, staff.display_name))
        return handoff

    def reply(self, act: StaffAction, text: str) -> Message:
        """Send a reply to the customer: live to the widget, or to the group's outbox for the connector.

        Staff text is redacted like customer text before it is stored or posted to a group (a group is
        public), except the staff member's own name, which the customer is meant to see; only the live
        push to the customer's own widget carries what the staff member typed.
        """
        session, handoff, staff = act.session, act.handoff, act.staff
        _require_mine(handoff, staff)
        conversation = handoff.conversation
        own_name = (staff.display_name, staff.username)
        stored = self.redactor.redact(text, conversation.id, allow=own_name).text
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

    def transfer(self, act: StaffAction, to: Transfer) -> Handoff:
        """Hand the case on with a note: to a person (claimed by them at once) or to a team's queue (open,
        unclaimed). The claimer or an admin may transfer a claimed case, anyone an open one. A
        compare-and-set on (status, claimed_by), so it cannot cross a concurrent claim."""
        session, handoff, staff = act.session, act.handoff, act.staff
        _require_active(handoff)
        if handoff.status == HandoffStatus.CLAIMED and handoff.claimed_by != staff.username:
            if staff.role != StaffRole.ADMIN:
                raise ConsoleError(f"handoff {handoff.id} is claimed by {handoff.claimed_by}")
        target = None
        if to.username:
            target = repository.staff_by_username(session, to.username)
            if target is None or not target.active or target.role not in (StaffRole.AGENT, StaffRole.ADMIN):
                raise TransferRefused(f"{to.username} is not an active agent")
        if to.team_id and session.get(Team, to.team_id) is None:
            raise TransferRefused(f"team {to.team_id} does not exist")
        if target is None and not to.team_id:
            raise TransferRefused("transfer to a person or a team")
        before, previous = handoff.status, handoff.claimed_by
        values: dict[str, object] = {"team_id": to.team_id or handoff.team_id}
        if target is not None:
            values |= {"status": HandoffStatus.CLAIMED, "claimed_by": target.username, "claimed_at": utcnow()}
        else:
            values |= {"status": HandoffStatus.OPEN, "claimed_by": None, "claimed_at": None}
        moved = session.execute(
            update(Handoff)
            .where(Handoff.id == handoff.id, Handoff.status == before, _same_claimer(previous))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            session.rollback()
            session.refresh(handoff)
            raise ConsoleError(f"handoff {handoff.id} changed meanwhile; reload it")
        session.refresh(handoff)
        where = target.display_name if target else f"team:{to.team_id}"
        stored = self.redactor.redact(to.note, handoff.conversation_id).text if to.note else ""
        session.add(
            HandoffNote(handoff_id=handoff.id, author=staff.username, text=f"转交 → {where}：{stored}")
        )
        audit.record(
            session, staff, "handoff.transfer", "handoff", handoff.id,
            to=target.username if target else None, team=to.team_id, previous=previous,
        )  # fmt: skip
        session.commit()
        previous_name = ""
        if previous:
            prior = repository.staff_by_username(session, previous)
            previous_name = prior.display_name if prior else previous
        self.events.publish(
            HandoffTransferred(
                handoff.conversation_id,
                handoff.id,
                from_name=previous_name,
                to_name=target.display_name if target else None,
                team_id=handoff.team_id,
            )
        )
        return handoff

    def typing(self, act: StaffAction) -> None:
        """The claimer is typing: the customer's widget shows "客服正在输入…" (nothing is stored)."""
        _require_mine(act.handoff, act.staff)
        self.events.publish(StaffTyping(act.handoff.conversation_id, act.handoff.id, act.staff.display_name))

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
        """Close the case; a group customer gets the satisfaction survey privately, never in the group."""
        session, handoff, staff = act.session, act.handoff, act.staff
        _require_mine(handoff, staff)
        handoff.status, handoff.outcome, handoff.resolved_at = HandoffStatus.RESOLVED, outcome, utcnow()
        handoff.conversation.mode = ConversationMode.BOT
        csat.survey_privately(session, self.vault, handoff)
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
        # Only the person handling the case (or an admin acting as supervisor, audited like anyone).
        if staff.role != "admin" and handoff.claimed_by != staff.username:
            audit.record(
                session, staff, "pii.reveal_refused", "handoff", handoff.id, placeholder=placeholder,
                why="not_claimed",
            )  # fmt: skip
            session.commit()
            raise RevealRefused("claim the handoff before revealing its originals")
        original = self.vault.reveal(handoff.conversation_id, placeholder)
        if original is None:
            return None
        audit.record(
            session, staff, "pii.reveal", "handoff", handoff.id, placeholder=placeholder, reason=reason
        )
        session.commit()
        return original


def _same_claimer(username: str | None) -> ColumnElement[bool]:
    return Handoff.claimed_by.is_(None) if username is None else Handoff.claimed_by == username


def _require_active(handoff: Handoff) -> None:
    if handoff.status not in ACTIVE:
        raise ConsoleError(f"handoff {handoff.id} is {handoff.status}")


def _require_mine(handoff: Handoff, staff: StaffUser) -> None:
    """Reply and resolve need the handoff claimed by this person, so two people never answer at once."""
    _require_active(handoff)
    if handoff.status != HandoffStatus.CLAIMED or handoff.claimed_by != staff.username:
        raise ConsoleError(f"claim handoff {handoff.id} before replying to or resolving it")
