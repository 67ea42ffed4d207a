"""Where staff alerts go (SLA warnings and breaches, re-triaged cases): a small Protocol, so a deployment
can plug in its channel (the WeCom group robot comes with the WeCom issue). The log sender is the default
and needs nothing."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from events.domain import DomainEvent, HandoffOpened
from services.sla import SlaAlert, TimerState

log = logging.getLogger("bankcs.sla")

_TIMER_ZH = {"first_response": "首次响应", "resolution": "解决"}


@dataclass(frozen=True)
class RetriageAlert:
    """A customer already with staff wrote something more serious: the case's urgency went up."""

    handoff_id: str
    urgency: str


Alert = SlaAlert | RetriageAlert
A = TypeVar("A", SlaAlert, RetriageAlert)


class AlertSender(Protocol):
    def send(self, alert: Alert) -> None:
        """Deliver one alert; raise on failure so the caller can retry it later."""


def describe(alert: Alert) -> str:
    """One line for people: which case, which timer, warned or breached, and when it is (was) due."""
    if isinstance(alert, RetriageAlert):
        return f"[{alert.urgency}] 转人工 {alert.handoff_id} 客户新消息提升了紧急程度，请优先处理"
    what = "已超时" if alert.state == TimerState.BREACHED else "即将超时"
    due = alert.due.isoformat(timespec="minutes")
    return f"[{alert.priority}] 转人工 {alert.handoff_id} {_TIMER_ZH[str(alert.timer)]}{what}（截止 {due}）"


class LogAlertSender:
    """Writes each alert to the `bankcs.sla` logger: breaches as errors, warnings as warnings."""

    def send(self, alert: Alert) -> None:
        if isinstance(alert, RetriageAlert):
            log.error(describe(alert), extra={"handoff_id": alert.handoff_id})
            return
        level = logging.ERROR if alert.state == TimerState.BREACHED else logging.WARNING
        log.log(level, describe(alert), extra={"handoff_id": alert.handoff_id, "sla_timer": str(alert.timer)})


@dataclass(frozen=True)
class RetriageAlerts:
    """Domain-event listener: a re-triage that raised a case's urgency alerts staff at once."""

    sender: AlertSender

    def __call__(self, event: DomainEvent) -> None:
        if isinstance(event, HandoffOpened) and event.retriaged:
            dispatch(self.sender, [RetriageAlert(event.handoff_id, event.urgency)])


def dispatch(sender: AlertSender, alerts: Iterable[A]) -> list[A]:
    """Send each alert; the ones delivered (a failing sender leaves the rest for the next round)."""
    delivered: list[A] = []
    for alert in alerts:
        try:
            sender.send(alert)
        except Exception:  # noqa: BLE001 - any sender failure must not stop the other alerts
            log.exception("SLA alert for %s could not be sent", alert.handoff_id)
            continue
        delivered.append(alert)
    return delivered
