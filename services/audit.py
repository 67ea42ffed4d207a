"""The audit trail: one append-only record per staff action that changes data or reveals PII."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import AuditRecord, StaffUser


def record(
    session: Session,
    actor: StaffUser | None,
    action: str,
    target_type: str,
    target_id: str | None = None,
    **detail: Any,
) -> AuditRecord:
    """Add an audit record in the caller's transaction, so the change and its record commit together."""
    entry = AuditRecord(
        actor_id=actor.id if actor else None,
        actor=actor.username if actor else "system",
        action=action,
        target_type=target_type,
        target_id=target_id,
        detail=detail,
    )
    session.add(entry)
    session.flush()
    return entry


def list_records(
    session: Session,
    *,
    action: str | None = None,
    target_id: str | None = None,
    actor: str | None = None,
    limit: int = 100,
) -> Sequence[AuditRecord]:
    stmt = select(AuditRecord)
    if action:
        stmt = stmt.where(AuditRecord.action == action)
    if target_id:
        stmt = stmt.where(AuditRecord.target_id == target_id)
    if actor:
        stmt = stmt.where(AuditRecord.actor == actor)
    return session.scalars(stmt.order_by(AuditRecord.at.desc()).limit(limit)).all()
