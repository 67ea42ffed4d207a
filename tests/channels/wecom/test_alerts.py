"""Staff alerts through the robot webhook: dedup and WeCom's 20-a-minute limit, with a frozen clock."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from channels.wecom.alerts import (
    AlertKind,
    AlertOutcome,
    StaffAlert,
    StaffAlerter,
    UrgentHandoffAlerts,
    WeComAlertSender,
)
from channels.wecom.client import WeComClient
from core.status import Urgency
from events.domain import CustomerMessaged, HandoffOpened
from services.alerts import RetriageAlert, describe, dispatch
from services.sla import SlaAlert, Timer, TimerState
from tests.channels.wecom.conftest import FakeClock, FakeWeCom


def alert(key: str, kind: AlertKind = AlertKind.SLA_BREACH) -> StaffAlert:
    return StaffAlert(kind, key, f"会话 {key} 已超过处理时限", mention=("li.na",))


def test_same_alert_within_the_window_is_sent_once(
    wecom_client: WeComClient, fake_wecom: FakeWeCom, clock: FakeClock
) -> None:
    alerter = StaffAlerter(wecom_client, clock=clock, dedup_window_s=600)
    assert alerter.send(alert("h1")) is AlertOutcome.SENT
    clock.advance(599)
    assert alerter.send(alert("h1")) is AlertOutcome.DUPLICATE
    assert (
        alerter.send(alert("h1", AlertKind.SLA_WARNING)) is AlertOutcome.SENT
    )  # another kind, another alert
    clock.advance(601)
    assert alerter.send(alert("h1")) is AlertOutcome.SENT
    assert len(fake_wecom.state.robot_messages) == 3
    assert fake_wecom.state.robot_messages[0]["text"]["mentioned_list"] == ["li.na"]


def test_rate_limit_queues_and_flushes_in_order(
    wecom_client: WeComClient, fake_wecom: FakeWeCom, clock: FakeClock
) -> None:
    alerter = StaffAlerter(wecom_client, clock=clock, per_minute=3)
    outcomes = [alerter.send(alert(f"h{n}")) for n in range(5)]
    assert outcomes == [AlertOutcome.SENT] * 3 + [AlertOutcome.QUEUED] * 2
    assert alerter.flush() == 0  # the minute is not over
    clock.advance(60)
    assert alerter.flush() == 2
    contents = [m["text"]["content"] for m in fake_wecom.state.robot_messages]
    assert contents == [f"会话 h{n} 已超过处理时限" for n in range(5)]
    assert alerter.pending == 0


def test_overflow_collapses_into_one_summary(
    wecom_client: WeComClient, fake_wecom: FakeWeCom, clock: FakeClock
) -> None:
    alerter = StaffAlerter(wecom_client, clock=clock, per_minute=1, max_pending=2)
    for n in range(6):
        alerter.send(alert(f"h{n}"))
    assert alerter.pending == 3  # two queued and one summary of the other three
    for _ in range(3):
        clock.advance(60)
        alerter.flush()
    contents = [m["text"]["content"] for m in fake_wecom.state.robot_messages]
    assert len(contents) == 4 and "另有 3 条提醒" in contents[-1]


def test_a_failed_send_is_kept_for_the_next_flush(
    wecom_client: WeComClient, fake_wecom: FakeWeCom, clock: FakeClock
) -> None:
    fake_wecom.state.fail("webhook/send", "http500", times=4)
    alerter = StaffAlerter(wecom_client, clock=clock)
    assert alerter.send(alert("h1")) is AlertOutcome.FAILED
    assert alerter.pending == 1
    assert alerter.flush() == 1
    assert len(fake_wecom.state.robot_messages) == 1


def test_sla_and_retriage_alerts_reach_the_staff_group_once_and_the_log(
    wecom_client: WeComClient, fake_wecom: FakeWeCom, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    sender = WeComAlertSender(StaffAlerter(wecom_client, clock=clock))
    due = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    warning = SlaAlert("ho_sla1", Timer.FIRST_RESPONSE, TimerState.WARNING, due, "high")
    breach = SlaAlert("ho_sla1", Timer.FIRST_RESPONSE, TimerState.BREACHED, due, "high")
    with caplog.at_level(logging.WARNING, logger="bankcs.sla"):
        delivered = dispatch(sender, [warning, breach, warning])  # the warning again: deduplicated
    assert delivered == [warning, breach, warning]
    sender.send(RetriageAlert("ho_sla2", "urgent"))
    contents = [m["text"]["content"] for m in fake_wecom.state.robot_messages]
    assert contents == [describe(warning), describe(breach), describe(RetriageAlert("ho_sla2", "urgent"))]
    assert "已超时" in contents[1] and "即将超时" in contents[0]
    assert any("ho_sla1" in r.getMessage() for r in caplog.records)  # still logged as before


def test_a_new_urgent_handoff_alerts_staff_and_an_ordinary_one_does_not(
    wecom_client: WeComClient, fake_wecom: FakeWeCom, clock: FakeClock
) -> None:
    listener = UrgentHandoffAlerts(StaffAlerter(wecom_client, clock=clock))
    listener(HandoffOpened("conv_u1", "ho_urgent1", urgency=Urgency.URGENT))
    listener(HandoffOpened("conv_u1", "ho_urgent1", urgency=Urgency.URGENT))  # updated: not again
    listener(HandoffOpened("conv_u2", "ho_normal1", urgency=Urgency.NORMAL))
    listener(HandoffOpened("conv_u3", "ho_retriaged1", retriaged=True, urgency=Urgency.URGENT))  # SLA path
    listener(CustomerMessaged("conv_u1"))
    [message] = fake_wecom.state.robot_messages
    assert "ho_urgent1" in message["text"]["content"]
