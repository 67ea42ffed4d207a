"""Staff alerts through the internal group robot webhook: deduplicated and rate-limited.

WeCom lets one robot send 20 messages a minute. An alert repeated within `dedup_window_s` (same key:
e.g. "sla-breach:<handoff id>") is dropped; alerts past the rate limit wait in a queue and leave, oldest
first, as the minute frees up (`flush`, called by the scheduler). Nothing is dropped silently: the outcome
says what happened, and a queue past `max_pending` collapses into one summary line.

Wired into the app: `WeComAlertSender` is the deployment's `AlertSender` (SLA warnings and breaches,
re-triaged cases) when a robot key is set, and `UrgentHandoffAlerts` tells staff at once of an urgent
handoff. Alerts carry case ids, timers and categories only, never what the customer wrote.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from channels.wecom.client import RobotSender, WeComApiError, WeComUnavailable
from core.status import Urgency
from events.domain import DomainEvent, HandoffOpened
from services.alerts import Alert, AlertSender, LogAlertSender, RetriageAlert, describe
from services.sla import TimerState

log = logging.getLogger(__name__)

ROBOT_LIMIT_PER_MINUTE = 20


class AlertKind(StrEnum):
    URGENT_HANDOFF = "urgent_handoff"
    SLA_WARNING = "sla_warning"
    SLA_BREACH = "sla_breach"
    GROUP_FLAG = "group_flag"


class AlertOutcome(StrEnum):
    SENT = "sent"
    DUPLICATE = "duplicate"
    QUEUED = "queued"
    FAILED = "failed"  # WeCom refused or was unreachable; kept queued for the next flush


@dataclass(frozen=True)
class StaffAlert:
    kind: AlertKind
    key: str  # what makes two alerts "the same", e.g. the handoff id
    text: str  # already redacted: alerts go to a staff group, never with customer PII
    mention: Sequence[str] = field(default_factory=tuple)  # WeCom user ids to @

    @property
    def dedup_key(self) -> str:
        return f"{self.kind}:{self.key}"


class StaffAlerter:
    def __init__(
        self,
        robot: RobotSender,
        *,
        clock: Callable[[], float] = time.monotonic,
        per_minute: int = ROBOT_LIMIT_PER_MINUTE,
        dedup_window_s: float = 600.0,
        max_pending: int = 100,
    ) -> None:
        self._robot = robot
        self._clock = clock
        self._per_minute = per_minute
        self._dedup_window_s = dedup_window_s
        self._max_pending = max_pending
        self._sent_at: deque[float] = deque()
        self._last_by_key: dict[str, float] = {}
        self._pending: deque[StaffAlert] = deque()
        self._overflow = 0
        self._lock = threading.Lock()

    @property
    def pending(self) -> int:
        return len(self._pending) + (1 if self._overflow else 0)

    def send(self, alert: StaffAlert) -> AlertOutcome:
        with self._lock:
            now = self._clock()
            last = self._last_by_key.get(alert.dedup_key)
            if last is not None and now - last < self._dedup_window_s:
                return AlertOutcome.DUPLICATE
            self._last_by_key[alert.dedup_key] = now
            if self._pending or not self._has_budget(now):
                self._enqueue(alert)
                return AlertOutcome.QUEUED
            return self._deliver(alert, now)

    def flush(self) -> int:
        """Send queued alerts while the rate allows; returns how many left."""
        sent = 0
        with self._lock:
            while self._has_budget(self._clock()):
                alert = self._next_pending()
                if alert is None:
                    break
                if self._deliver(alert, self._clock()) is not AlertOutcome.SENT:
                    break
                sent += 1
        return sent

    def _has_budget(self, now: float) -> bool:
        while self._sent_at and now - self._sent_at[0] >= 60.0:
            self._sent_at.popleft()
        return len(self._sent_at) < self._per_minute

    def _deliver(self, alert: StaffAlert, now: float) -> AlertOutcome:
        try:
            self._robot.send_robot_text(alert.text, alert.mention)
        except (WeComApiError, WeComUnavailable) as exc:
            log.warning("staff alert %s not sent (%s); kept for the next flush", alert.kind, exc)
            self._pending.appendleft(alert)
            return AlertOutcome.FAILED
        self._sent_at.append(now)
        return AlertOutcome.SENT

    def _enqueue(self, alert: StaffAlert) -> None:
        if len(self._pending) < self._max_pending:
            self._pending.append(alert)
        else:
            self._overflow += 1

    def _next_pending(self) -> StaffAlert | None:
        if self._pending:
            return self._pending.popleft()
        if self._overflow:
            count, self._overflow = self._overflow, 0
            text = f"另有 {count} 条提醒因发送频率限制被合并，请到客服后台查看。"
            return StaffAlert(AlertKind.URGENT_HANDOFF, f"overflow:{self._clock()}", text)
        return None


class WeComAlertSender:
    """`services.alerts.AlertSender` through the staff group robot (and the log, as before): deduplicated
    and rate-limited by the `StaffAlerter`; one WeCom refuses waits in its queue for the next flush."""

    def __init__(self, alerter: StaffAlerter, log_sender: AlertSender | None = None) -> None:
        self._alerter = alerter
        self._log = log_sender or LogAlertSender()

    def send(self, alert: Alert) -> None:
        self._log.send(alert)
        if isinstance(alert, RetriageAlert):
            kind, key = AlertKind.URGENT_HANDOFF, f"retriage:{alert.handoff_id}:{alert.urgency}"
        else:
            kind = AlertKind.SLA_BREACH if alert.state == TimerState.BREACHED else AlertKind.SLA_WARNING
            key = f"{alert.handoff_id}:{alert.timer}"
        self._alerter.send(StaffAlert(kind, key, describe(alert)))


class UrgentHandoffAlerts:
    """Domain-event listener: a new urgent handoff (lost card, fraud) alerts the staff group at once.
    A re-triaged case is `WeComAlertSender`'s (through `RetriageAlerts`), not alerted twice."""

    def __init__(self, alerter: StaffAlerter) -> None:
        self._alerter = alerter

    def __call__(self, event: DomainEvent) -> None:
        if isinstance(event, HandoffOpened) and event.urgency == Urgency.URGENT and not event.retriaged:
            text = f"[urgent] 转人工 {event.handoff_id} 紧急，请立即在客服后台认领处理。"
            self._alerter.send(StaffAlert(AlertKind.URGENT_HANDOFF, event.handoff_id, text))
