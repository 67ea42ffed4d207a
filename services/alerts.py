"""Where SLA warnings and breaches go: a small Protocol, so a deployment can plug in its channel (the WeCom
group robot comes with the WeCom issue). The log sender is the default and needs nothing."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Protocol

from services.sla import SlaAlert, TimerState

log = logging.getLogger("bankcs.sla")

_TIMER_ZH = {"first_response": "首次响应", "resolution": "解决"}


class AlertSender(Protocol):
    def send(self, alert: SlaAlert) -> None:
        """Deliver one alert; raise on failure so the caller can retry it later."""


def describe(alert: SlaAlert) -> str:
    """One line for people: which case, which timer, warned or breached, and when it is (was) due."""
    what = "已超时" if alert.state == TimerState.BREACHED else "即将超时"
    due = alert.due.isoformat(timespec="minutes")
    return f"[{alert.priority}] 转人工 {alert.handoff_id} {_TIMER_ZH[str(alert.timer)]}{what}（截止 {due}）"


class LogAlertSender:
    """Writes each alert to the `bankcs.sla` logger: breaches as errors, warnings as warnings."""

    def send(self, alert: SlaAlert) -> None:
        level = logging.ERROR if alert.state == TimerState.BREACHED else logging.WARNING
        log.log(level, describe(alert), extra={"handoff_id": alert.handoff_id, "sla_timer": str(alert.timer)})


def dispatch(sender: AlertSender, alerts: Iterable[SlaAlert]) -> list[SlaAlert]:
    """Send each alert; the ones delivered (a failing sender leaves the rest for the next round)."""
    delivered: list[SlaAlert] = []
    for alert in alerts:
        try:
            sender.send(alert)
        except Exception:  # noqa: BLE001 - any sender failure must not stop the other alerts
            log.exception("SLA alert for %s could not be sent", alert.handoff_id)
            continue
        delivered.append(alert)
    return delivered
