"""Staff alerts through the robot webhook: dedup and WeCom's 20-a-minute limit, with a frozen clock."""

from __future__ import annotations

from channels.wecom.alerts import AlertKind, AlertOutcome, StaffAlert, StaffAlerter
from channels.wecom.client import WeComClient
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
