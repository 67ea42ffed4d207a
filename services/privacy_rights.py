"""PIPL data-subject rights and retention: export, erase, purge, vault key rotation, all audited.

A customer is known here by their pseudonymous `customer_ref` (agent.identity), found from the bank's
customer id and channel, or from one of their conversations. Originals leave the vault only in an export
whose caller asked for them and may reveal (audited as a reveal); erasure deletes the vault's originals
first (the part that identifies a person), then the transcripts or, by policy, unlinks them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from agent.identity import Pseudonymizer
from core.clock import aware, utcnow
from core.status import ACTIVE_HANDOFF
from privacy.vault import SqlVault
from services import audit
from services.periodic import PeriodicWorker
from storage.models import (
    AuditRecord,
    Conversation,
    GroupDirectMessage,
    Handoff,
    HandoffNote,
    Message,
    OutboxMessage,
    StaffUser,
    WidgetSession,
)
from storage.wecom_models import WeComGroupActivity, WeComKfContact

log = logging.getLogger(__name__)

ERASED_REF = "erased"
TranscriptPolicy = Literal["delete", "keep_redacted"]


class RightsError(Exception):
    """The request cannot be served (no such customer, reveal not allowed); safe to show staff."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Subject:
    """Who the request is about: one of the three ways to name a customer."""

    customer_ref: str | None = None
    channel: str | None = None
    customer_id: str | None = None
    conversation_id: str | None = None


@dataclass(frozen=True)
class ErasureReport:
    customer_ref: str
    conversations: int
    vault_originals: int
    transcripts: TranscriptPolicy


@dataclass(frozen=True)
class PurgeReport:
    vault_originals: int
    conversations: int
    vault_cutoff: datetime
    transcript_cutoff: datetime


class PrivacyRights:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        vault: SqlVault,
        pseudonymizer: Pseudonymizer,
        *,
        vault_retention_days: int,
        transcript_retention_days: int,
        erasure_transcripts: TranscriptPolicy,
    ) -> None:
        self.sessions = sessions
        self.vault = vault
        self.pseudonymizer = pseudonymizer
        self.vault_retention = timedelta(days=vault_retention_days)
        self.transcript_retention = timedelta(days=transcript_retention_days)
        self.erasure_transcripts: TranscriptPolicy = erasure_transcripts

    def customer_ref(self, session: Session, subject: Subject) -> str:
        if subject.customer_ref:
            return subject.customer_ref
        if subject.customer_id and subject.channel:
            return self.pseudonymizer.customer_ref(subject.channel, subject.customer_id)
        if subject.conversation_id:
            conversation = session.get(Conversation, subject.conversation_id)
            if conversation is None or conversation.customer_ref == ERASED_REF:
                raise RightsError("not_found", "no such conversation")
            return conversation.customer_ref
        raise RightsError("bad_subject", "name a customer_ref, a channel and customer_id, or a conversation")

    # -- export ------------------------------------------------------------------------------------------
    def export(
        self, actor: StaffUser | None, subject: Subject, *, reveal: bool, reason: str, via: str
    ) -> dict[str, Any]:
        """Everything stored about the customer; originals only with `reveal` (audited as a reveal)."""
        if reveal and actor is not None and not actor.can_reveal:
            with self.sessions() as session:
                audit.record(session, actor, "privacy.export_refused", "customer", None, reason=reason)
                session.commit()
            raise RightsError("reveal_not_allowed", "revealing originals needs the can_reveal permission")
        with self.sessions() as session:
            ref = self.customer_ref(session, subject)
            conversations = _conversations(session, ref)
            body = {
                "customer_ref": ref,
                "exported_at": utcnow().isoformat(),
                "conversations": [self._conversation(c, reveal) for c in conversations],
            }
            audit.record(
                session, actor, "privacy.export", "customer", ref,
                conversations=len(conversations), revealed=reveal, reason=reason, via=via,
            )  # fmt: skip
            session.commit()
        return body

    def _conversation(self, conversation: Conversation, reveal: bool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": conversation.id,
            "channel": conversation.channel,
            "created_at": conversation.created_at.isoformat(),
            "updated_at": conversation.updated_at.isoformat(),
            "messages": [
                {"seq": m.seq, "role": m.role, "text": m.text, "at": m.created_at.isoformat()}
                for m in conversation.messages
            ],
            "handoffs": [
                {"id": h.id, "status": h.status, "reason": h.reason, "created_at": h.created_at.isoformat()}
                for h in conversation.handoffs
            ],
        }
        placeholders = self.vault.placeholders(conversation.id)
        if reveal:
            out["originals"] = [
                {"placeholder": p, "type": t, "value": v} for p, t, v in self.vault.originals(conversation.id)
            ]
        else:
            out["originals"] = [{"placeholder": p, "type": t} for p, t in placeholders]
        return out

    # -- erasure -----------------------------------------------------------------------------------------
    def erase(self, actor: StaffUser | None, subject: Subject, *, reason: str, via: str) -> ErasureReport:
        """Originals deleted from the vault first; then transcripts deleted or kept redacted and unlinked."""
        with self.sessions() as session:
            ref = self.customer_ref(session, subject)
            ids = [c.id for c in _conversations(session, ref)]
        originals = self.vault.erase(ids)
        with self.sessions() as session:
            if self.erasure_transcripts == "delete":
                _delete_conversations(session, ids)
            else:
                _unlink_conversations(session, ids)
            if ref != ERASED_REF:  # the group analytics keep the count of messages, not who sent them
                activity = WeComGroupActivity
                session.execute(update(activity).where(activity.member_ref == ref).values(member_ref=None))
            report = ErasureReport(ref, len(ids), originals, self.erasure_transcripts)
            audit.record(session, actor, "privacy.erase", "customer", ref, reason=reason, via=via,
                         **_jsonable(asdict(report)))  # fmt: skip
            session.commit()
        log.info("erased customer %s: %d conversation(s), %d original(s)", ref, len(ids), originals)
        return report

    # -- retention ---------------------------------------------------------------------------------------
    def purge(self, actor: StaffUser | None, *, via: str, now: datetime | None = None) -> PurgeReport:
        """Originals older than the vault's retention, conversations idle longer than the transcripts'
        (never one with a handoff still open or claimed)."""
        now = now or utcnow()
        vault_cutoff, transcript_cutoff = now - self.vault_retention, now - self.transcript_retention
        originals = self.vault.purge_before(vault_cutoff)
        with self.sessions() as session:
            active = select(Handoff.conversation_id).where(Handoff.status.in_(ACTIVE_HANDOFF))
            ids = list(
                session.scalars(
                    select(Conversation.id).where(
                        Conversation.updated_at < transcript_cutoff, Conversation.id.not_in(active)
                    )
                )
            )
        originals += self.vault.erase(ids)
        with self.sessions() as session:
            _delete_conversations(session, ids)
            report = PurgeReport(originals, len(ids), vault_cutoff, transcript_cutoff)
            detail = _jsonable(asdict(report))
            audit.record(session, actor, "privacy.purge", "retention", None, via=via, **detail)
            session.commit()
        return report

    def scheduled_purge(self, every: timedelta, *, now: datetime | None = None) -> PurgeReport | None:
        """The background job's step: purge unless a purge ran less than `every` ago. The last run is read
        from the audit trail, so several workers, and a worker restarted often, purge once per `every`."""
        now = now or utcnow()
        with self.sessions() as session:
            last = session.scalar(
                select(AuditRecord.at).where(AuditRecord.action == "privacy.purge").order_by(
                    AuditRecord.at.desc()
                ).limit(1)
            )
        if last is not None and now - aware(last) < every:
            return None
        report = self.purge(None, via="schedule", now=now)
        log.info("retention purge: %d original(s), %d conversation(s)", report.vault_originals,
                 report.conversations)  # fmt: skip
        return report

    # -- key rotation ------------------------------------------------------------------------------------
    def rotate_vault_key(self, actor: StaffUser | None, *, via: str, batch: int = 500) -> int:
        """Re-encrypt every original under the current VAULT_KEY (old ones in VAULT_OLD_KEYS); audited."""
        total = 0
        while rotated := self.vault.rotate(batch):
            total += rotated
        with self.sessions() as session:
            audit.record(session, actor, "vault.rotate", "vault", self.vault.key_id, rows=total, via=via)
            session.commit()
        return total


def retention_loop(rights: PrivacyRights, interval_s: float) -> PeriodicWorker:
    """The retention purge as a background loop: checked hourly (sooner for a shorter interval), run once
    per `interval_s` across the deployment (`PrivacyRights.scheduled_purge`)."""
    every = timedelta(seconds=interval_s)
    return PeriodicWorker("retention-purge", lambda: rights.scheduled_purge(every), min(interval_s, 3600.0))


def _conversations(session: Session, customer_ref: str) -> Sequence[Conversation]:
    if customer_ref == ERASED_REF:
        return []
    stmt = select(Conversation).where(Conversation.customer_ref == customer_ref)
    return session.scalars(stmt.order_by(Conversation.created_at)).all()


def _delete_conversations(session: Session, ids: Sequence[str]) -> None:
    if not ids:
        return
    handoffs = select(Handoff.id).where(Handoff.conversation_id.in_(ids))
    session.execute(delete(HandoffNote).where(HandoffNote.handoff_id.in_(handoffs)))
    for table in (Handoff, Message, WidgetSession, OutboxMessage, GroupDirectMessage, WeComKfContact):
        session.execute(delete(table).where(table.conversation_id.in_(ids)))
    session.execute(delete(Conversation).where(Conversation.id.in_(ids)))


def _unlink_conversations(session: Session, ids: Sequence[str]) -> None:
    """Keep the redacted transcript, with nothing left that leads back to the customer."""
    if not ids:
        return
    for table in (WidgetSession, GroupDirectMessage, WeComKfContact):
        session.execute(delete(table).where(table.conversation_id.in_(ids)))
    session.execute(
        update(Message)
        .where(Message.conversation_id.in_(ids), Message.role == "customer")
        .values(sender_ref=None)
    )
    session.execute(
        update(Conversation).where(Conversation.id.in_(ids)).values(customer_ref=ERASED_REF, group_id=None)
    )


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}
