"""The SLA alert scheduler: every interval, find warnings and breaches of open cases and alert staff once.

Runs by itself in the app (a `services.periodic.PeriodicWorker` started in the lifespan) so a breach
is alerted even when no one has the console open. Each (handoff, timer, state) is claimed by inserting
its `sla_alerts_sent` row before the alert leaves: with several workers running the loop, only the one
whose insert succeeds sends it; a failed send deletes the row so the next round retries.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.clock import aware
from core.status import ACTIVE_HANDOFF
from services.alerts import AlertSender, dispatch
from services.sla import SlaAlert, SlaCase, SlaPolicy, alerts_due
from storage.models import Conversation, Handoff, SlaAlertSent


def open_cases(session: Session) -> list[SlaCase]:
    rows = session.execute(
        select(Handoff, Conversation.customer_tier)
        .join(Conversation)
        .where(Handoff.status.in_(ACTIVE_HANDOFF))
    )
    return [
        SlaCase(
            handoff_id=h.id,
            urgency=h.urgency,
            tier=tier,
            opened_at=aware(h.created_at),
            first_response_at=aware(h.first_response_at) if h.first_response_at else None,
        )
        for h, tier in rows
    ]


def check_sla(
    sessions: sessionmaker[Session], policy: SlaPolicy, sender: AlertSender, now: datetime | None = None
) -> list[SlaAlert]:
    """One round: the alerts this call delivered (each alerted once, whichever worker gets it)."""
    now = now or datetime.now(UTC)
    with sessions() as session:
        cases = open_cases(session)
        ids = [c.handoff_id for c in cases]
        sent = session.execute(
            select(SlaAlertSent.handoff_id, SlaAlertSent.timer, SlaAlertSent.state).where(
                SlaAlertSent.handoff_id.in_(ids)
            )
        )
        due = alerts_due(policy, cases, now, [(str(a), str(b), str(c)) for a, b, c in sent])
        claimed: list[SlaAlert] = []
        for alert in due:
            handoff_id, timer, state = alert.key
            session.add(SlaAlertSent(handoff_id=handoff_id, timer=timer, state=state, sent_at=now))
            try:
                session.commit()
            except IntegrityError:  # another worker claimed it first
                session.rollback()
                continue
            claimed.append(alert)
        delivered = dispatch(sender, claimed)
        for alert in claimed:
            if alert not in delivered:
                handoff_id, timer, state = alert.key
                session.execute(
                    delete(SlaAlertSent).where(
                        SlaAlertSent.handoff_id == handoff_id,
                        SlaAlertSent.timer == timer,
                        SlaAlertSent.state == state,
                    )
                )
        session.commit()
        return delivered
