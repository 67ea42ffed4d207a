"""Staff replies to 微信客服 customers, queued in SQL and retried with backoff until WeCom takes them.

A reply typed in our console is stored first (`wecom_outbox`, keyed by our message id) and then sent; if
WeCom errors or times out (after the client's own quick retries), the row waits `backoff(attempts)` and
the background step tries again, up to `max_attempts`, then it is `failed` and staff can retry it from the
console. Nothing is lost: the row is written before the first attempt. Nothing is sent twice: our message
id is the `msgid` WeCom deduplicates on (a retry after a timeout that did reach WeCom is the same
message), and a row is leased with a compare-and-set before each attempt, so two workers never send it
at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from channels.wecom.client import KfApi, WeComApiError, WeComUnavailable
from core.clock import aware, utcnow
from services import audit
from storage.models import StaffUser
from storage.wecom_models import WeComOutbox

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)  # an attempt in flight holds its row this long


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


@dataclass
class KfReplyOutbox:
    sessions: sessionmaker[Session]
    api: KfApi
    clock: Callable[[], datetime] = utcnow
    max_attempts: int = 8
    backoff_base_s: float = 5.0
    backoff_max_s: float = 900.0

    def backoff(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.backoff_max_s, self.backoff_base_s * 2 ** max(0, attempts - 1)))

    def enqueue(
        self, message_id: str, conversation_id: str, open_kfid: str, external_userid: str, text: str
    ) -> bool:
        """Store the reply before any attempt; False when it is already queued (an event delivered twice)."""
        with self.sessions() as session:
            if session.get(WeComOutbox, message_id) is not None:
                return False
            session.add(
                WeComOutbox(
                    message_id=message_id,
                    conversation_id=conversation_id,
                    open_kfid=open_kfid,
                    external_userid=external_userid,
                    text=text,
                    status=OutboxStatus.PENDING,
                    attempts=0,
                    next_attempt_at=self.clock(),
                    created_at=self.clock(),
                )
            )
            session.commit()
        return True

    def deliver(self, message_id: str) -> OutboxStatus | None:
        """One attempt now, if the row is due and not leased by another worker; returns its status after."""
        with self.sessions() as session:
            if not self._lease(session, message_id):
                row = session.get(WeComOutbox, message_id)
                return OutboxStatus(row.status) if row else None
            row = session.get(WeComOutbox, message_id)
            assert row is not None
            try:
                self.api.send_text(
                    open_kfid=row.open_kfid,
                    external_userid=row.external_userid,
                    content=row.text,
                    msgid=row.message_id,
                )
            except (WeComApiError, WeComUnavailable) as exc:
                row.attempts += 1
                row.last_error = f"{type(exc).__name__}: {exc}"[:256]
                if row.attempts >= self.max_attempts:
                    row.status = OutboxStatus.FAILED
                    log.error(
                        "wecom kf: reply %s failed %d times; staff must retry it", message_id, row.attempts
                    )
                else:
                    row.next_attempt_at = self.clock() + self.backoff(row.attempts)
                    log.warning(
                        "wecom kf: reply %s not sent (%s); retrying later", message_id, row.last_error
                    )
            else:
                row.attempts += 1
                row.status, row.sent_at, row.last_error = OutboxStatus.SENT, self.clock(), None
            session.commit()
            return OutboxStatus(row.status)

    def run_once(self, limit: int = 50) -> int:
        """Attempt every due pending reply (the background step); returns how many were sent."""
        with self.sessions() as session:
            due = session.scalars(
                select(WeComOutbox.message_id)
                .where(
                    WeComOutbox.status == OutboxStatus.PENDING, WeComOutbox.next_attempt_at <= self.clock()
                )
                .order_by(WeComOutbox.created_at)
                .limit(limit)
            ).all()
        return sum(self.deliver(message_id) is OutboxStatus.SENT for message_id in due)

    def retry(self, message_id: str, staff: StaffUser) -> bool:
        """Staff asked to try a failed reply again: pending, due now, attempts counted afresh (audited)."""
        with self.sessions() as session:
            done = session.execute(
                update(WeComOutbox)
                .where(WeComOutbox.message_id == message_id, WeComOutbox.status == OutboxStatus.FAILED)
                .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=self.clock())
            )
            if not done.rowcount:  # type: ignore[attr-defined]
                return False
            audit.record(session, staff, "wecom.reply_retry", "message", message_id)
            session.commit()
        self.deliver(message_id)
        return True

    def for_conversation(self, conversation_id: str) -> list[dict[str, Any]]:
        with self.sessions() as session:
            rows = session.scalars(
                select(WeComOutbox)
                .where(WeComOutbox.conversation_id == conversation_id)
                .order_by(WeComOutbox.created_at)
            ).all()
            return [_out(row) for row in rows]

    def for_message(self, message_id: str) -> list[dict[str, Any]]:
        with self.sessions() as session:
            row = session.get(WeComOutbox, message_id)
            return [_out(row)] if row else []

    def counts(self) -> dict[str, int]:
        with self.sessions() as session:
            rows = session.execute(
                select(WeComOutbox.status, func.count()).group_by(WeComOutbox.status)
            ).all()
        return {str(status): int(count) for status, count in rows}

    def _lease(self, session: Session, message_id: str) -> bool:
        now = self.clock()
        taken = session.execute(
            update(WeComOutbox)
            .where(
                WeComOutbox.message_id == message_id,
                WeComOutbox.status == OutboxStatus.PENDING,
                WeComOutbox.next_attempt_at <= now,
            )
            .values(next_attempt_at=now + LEASE)
        )
        session.commit()
        return bool(taken.rowcount)  # type: ignore[attr-defined]


def _out(row: WeComOutbox) -> dict[str, Any]:
    return {
        "message_id": row.message_id,
        "status": row.status,
        "attempts": row.attempts,
        "last_error": row.last_error,
        "next_attempt_at": aware(row.next_attempt_at).isoformat()
        if row.status == OutboxStatus.PENDING
        else None,
        "sent_at": aware(row.sent_at).isoformat() if row.sent_at else None,
    }
