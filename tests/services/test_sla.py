"""SLA policy with a frozen clock: targets by priority and tier, business hours, holidays, warnings,
breaches, and alerts sent once."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.alerts import LogAlertSender, describe, dispatch
from services.sla import BusinessCalendar, SlaAlert, SlaCase, SlaPolicy, Timer, TimerState, alerts_due

CST = ZoneInfo("Asia/Shanghai")
# Thursday 2026-12-03 10:00 in Shanghai.
THU_10 = datetime(2026, 12, 3, 10, 0, tzinfo=CST)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=CST)


@pytest.mark.parametrize(
    ("urgency", "first", "resolution"),
    [
        ("urgent", timedelta(minutes=15), timedelta(hours=4)),
        ("normal", timedelta(hours=24), timedelta(hours=48)),
    ],
)
def test_round_the_clock_targets_by_priority(urgency: str, first: timedelta, resolution: timedelta) -> None:
    status = SlaPolicy().status(urgency=urgency, tier=None, opened_at=THU_10, now=THU_10)
    assert status.first_response.due == THU_10 + first
    assert status.resolution.due == THU_10 + resolution


def test_a_stolen_card_at_night_is_due_in_15_minutes_not_the_next_morning() -> None:
    night = at(5, 23, 50)  # Saturday
    status = SlaPolicy().status(urgency="urgent", tier=None, opened_at=night, now=night)
    assert status.first_response.due == at(6, 0, 5)


def test_high_priority_runs_on_business_hours_and_skips_weekend_and_holidays() -> None:
    calendar = BusinessCalendar(holidays=frozenset({date(2026, 12, 7)}))  # Monday off
    policy = SlaPolicy(calendar=calendar)
    friday_evening = at(4, 17, 0)  # 30 min before closing
    status = policy.status(urgency="high", tier=None, opened_at=friday_evening, now=friday_evening)
    # 30 min on Friday, the weekend and the Monday holiday skipped, 30 min on Tuesday from 09:00.
    assert status.first_response.due == at(8, 9, 30)


def test_an_adjusted_working_saturday_counts() -> None:
    calendar = BusinessCalendar(workdays_extra=frozenset({date(2026, 12, 5)}))
    policy = SlaPolicy(calendar=calendar)
    status = policy.status(urgency="high", tier=None, opened_at=at(4, 17, 0), now=at(4, 17, 0))
    assert status.first_response.due == at(5, 9, 30)


def test_a_case_opened_before_opening_starts_at_opening() -> None:
    early = at(3, 7, 12)
    status = SlaPolicy().status(urgency="high", tier=None, opened_at=early, now=early)
    assert status.first_response.due == at(3, 10, 0)


def test_vip_and_private_tiers_are_served_one_level_up() -> None:
    policy = SlaPolicy()
    vip = policy.status(urgency="normal", tier="vip", opened_at=THU_10, now=THU_10)
    plain = policy.status(urgency="normal", tier="gold-claimed-by-nobody", opened_at=THU_10, now=THU_10)
    assert vip.priority == "high" and vip.first_response.due == THU_10 + timedelta(hours=1)
    assert plain.priority == "normal"
    assert policy.status(urgency="urgent", tier="private", opened_at=THU_10, now=THU_10).priority == "urgent"


def test_timer_states_move_from_running_to_warning_to_breached_then_met_or_missed() -> None:
    policy = SlaPolicy()

    def first(now: datetime, responded: datetime | None = None) -> TimerState:
        return policy.status(
            urgency="urgent", tier=None, opened_at=THU_10, now=now, first_response_at=responded
        ).first_response.state

    assert first(THU_10 + timedelta(minutes=5)) == TimerState.RUNNING
    assert first(THU_10 + timedelta(minutes=12)) == TimerState.WARNING  # 80 % used, warn at 75 %
    assert first(THU_10 + timedelta(minutes=16)) == TimerState.BREACHED
    assert first(THU_10 + timedelta(hours=1), responded=THU_10 + timedelta(minutes=10)) == TimerState.MET
    assert first(THU_10 + timedelta(hours=1), responded=THU_10 + timedelta(minutes=20)) == TimerState.MISSED


def test_remaining_time_on_a_business_clock_ignores_the_night() -> None:
    policy = SlaPolicy()
    status = policy.status(urgency="high", tier=None, opened_at=at(3, 17, 0), now=at(3, 20, 0))
    assert status.first_response.due == at(4, 9, 30)
    assert status.first_response.remaining == timedelta(minutes=30)
    assert status.first_response.state == TimerState.RUNNING


def test_alerts_are_found_once_most_pressing_first_and_logged() -> None:
    policy = SlaPolicy()
    cases = [
        SlaCase("ho-normal", "normal", None, THU_10 - timedelta(hours=30)),  # first response breached
        SlaCase("ho-urgent", "urgent", None, THU_10 - timedelta(minutes=12)),  # warning
        SlaCase("ho-fine", "normal", None, THU_10 - timedelta(hours=1)),
        SlaCase("ho-done", "urgent", None, THU_10 - timedelta(hours=1), first_response_at=THU_10),
    ]
    found = alerts_due(policy, cases, THU_10, already_sent=())
    assert [(a.handoff_id, a.timer, a.state) for a in found] == [
        ("ho-normal", Timer.FIRST_RESPONSE, TimerState.BREACHED),
        ("ho-urgent", Timer.FIRST_RESPONSE, TimerState.WARNING),
    ]
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep()
    logger = logging.getLogger("bankcs.sla")
    # Other tests configure logging (JSON logs, uvicorn): make this logger's own settings explicit.
    level, disabled = logger.level, logger.disabled
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.disabled = False
    try:
        sent = dispatch(LogAlertSender(), found)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.disabled = disabled
    assert sent == found
    assert [r.levelno for r in records] == [logging.ERROR, logging.WARNING]
    assert "ho-normal 首次响应已超时" in records[0].getMessage()
    again = alerts_due(policy, cases, THU_10 + timedelta(minutes=1), [a.key for a in sent])
    assert again == []


def test_a_failing_sender_keeps_the_alert_for_the_next_round() -> None:
    class Broken:
        def send(self, alert: SlaAlert) -> None:
            raise ConnectionError("robot down")

    alert = SlaAlert("ho-1", Timer.RESOLUTION, TimerState.BREACHED, THU_10, "urgent")
    assert dispatch(Broken(), [alert]) == []
    assert "解决已超时" in describe(alert)


def test_routing_prefers_tier_then_category_then_topic_words() -> None:
    from services.teams import RouteInput, route
    from storage.models import Team

    teams = [
        Team(id="cards", name="银行卡", tiers=[], categories=[], keywords=["信用卡"], rank=30),
        Team(id="vip", name="贵宾", tiers=["vip"], categories=[], keywords=[], rank=10),
        Team(id="complaints", name="投诉", tiers=[], categories=["complaint"], keywords=[], rank=20),
    ]
    pick = lambda tier, category, q: getattr(route(teams, RouteInput(tier, category, q)), "id", None)  # noqa: E731
    assert pick("vip", "complaint", "信用卡年费") == "vip"
    assert pick(None, "complaint", "信用卡年费") == "complaints"
    assert pick(None, "urgent_risk", "我的信用卡被盗刷") == "cards"
    assert pick(None, "human_request", "转人工") is None
