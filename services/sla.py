"""Service-level targets for handoffs: by priority and customer tier, on a 24/7 or a business-hours clock.

Pure policy, no storage: callers pass the case's times and `now`, so every rule is testable with a
frozen clock. Defaults follow the bank's rule (24 h first response / 48 h resolution) with urgent cases far
faster: urgent 15 min / 4 h around the clock (stolen cards cannot wait for Monday), high 1 h / 24 h in
business hours, normal and low 24 h / 48 h. Priority tiers (private banking, VIP) are served one level up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from core.settings import Settings

PRIORITIES: tuple[str, ...] = ("urgent", "high", "normal", "low")


class Timer(StrEnum):
    FIRST_RESPONSE = "first_response"
    RESOLUTION = "resolution"


class TimerState(StrEnum):
    RUNNING = "running"  # inside the target, not yet close to it
    WARNING = "warning"  # most of the time is used up: someone should pick it up now
    BREACHED = "breached"  # past due and still not done
    MET = "met"  # done in time
    MISSED = "missed"  # done, but late


@dataclass(frozen=True)
class SlaTarget:
    first_response: timedelta
    resolution: timedelta
    business_hours: bool = False  # True: the clock stops outside opening hours and on holidays


@dataclass(frozen=True)
class BusinessCalendar:
    """Opening hours in the bank's time zone; `holidays` close a weekday, `workdays_extra` open a weekend
    day (China's adjusted working days, 调休)."""

    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    opens: time = time(9, 0)
    closes: time = time(17, 30)
    weekdays: frozenset[int] = frozenset(range(5))  # Monday = 0
    holidays: frozenset[date] = frozenset()
    workdays_extra: frozenset[date] = frozenset()

    def is_workday(self, day: date) -> bool:
        if day in self.workdays_extra:
            return True
        return day.weekday() in self.weekdays and day not in self.holidays

    def _window(self, day: date) -> tuple[datetime, datetime]:
        return (
            datetime.combine(day, self.opens, tzinfo=self.tz),
            datetime.combine(day, self.closes, tzinfo=self.tz),
        )

    def is_open(self, at: datetime) -> bool:
        local = at.astimezone(self.tz)
        start, end = self._window(local.date())
        return self.is_workday(local.date()) and start <= local < end

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The moment `duration` of opening time after `start`."""
        left = duration
        local = start.astimezone(self.tz)
        day = local.date()
        for _ in range(3700):  # ten years of days: a bound, never reached by sane targets
            if self.is_workday(day):
                opens, closes = self._window(day)
                begin = max(local, opens)
                if begin < closes:
                    if begin + left <= closes:
                        return begin + left
                    left -= closes - begin
            day += timedelta(days=1)
            local = datetime.combine(day, time(0), tzinfo=self.tz)
        raise ValueError("the calendar has no opening hours")

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Opening time from `start` to `end` (negative when `end` is earlier)."""
        if end < start:
            return -self.between(end, start)
        total = timedelta(0)
        day = start.astimezone(self.tz).date()
        last = end.astimezone(self.tz).date()
        while day <= last:
            if self.is_workday(day):
                opens, closes = self._window(day)
                lo, hi = max(opens, start), min(closes, end)
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total


DEFAULT_TARGETS: Mapping[str, SlaTarget] = {
    "urgent": SlaTarget(timedelta(minutes=15), timedelta(hours=4)),
    "high": SlaTarget(timedelta(hours=1), timedelta(hours=24), business_hours=True),
    "normal": SlaTarget(timedelta(hours=24), timedelta(hours=48)),
    "low": SlaTarget(timedelta(hours=24), timedelta(hours=48)),
}


@dataclass(frozen=True)
class TimerStatus:
    timer: Timer
    due: datetime
    state: TimerState
    remaining: timedelta  # on the timer's clock; negative once breached


@dataclass(frozen=True)
class SlaStatus:
    priority: str  # after the tier's boost
    first_response: TimerStatus
    resolution: TimerStatus

    def timers(self) -> tuple[TimerStatus, TimerStatus]:
        return (self.first_response, self.resolution)


@dataclass(frozen=True)
class SlaPolicy:
    """Targets per priority; `tier_boost` raises a tier's cases by that many priority levels;
    a timer warns once `warn_at` of its target is used up."""

    targets: Mapping[str, SlaTarget] = field(default_factory=lambda: dict(DEFAULT_TARGETS))
    tier_boost: Mapping[str, int] = field(default_factory=lambda: {"private": 1, "vip": 1})
    calendar: BusinessCalendar = field(default_factory=BusinessCalendar)
    warn_at: float = 0.75

    def priority_for(self, urgency: str, tier: str | None) -> str:
        rank = PRIORITIES.index(urgency) if urgency in PRIORITIES else PRIORITIES.index("normal")
        return PRIORITIES[max(0, rank - self.tier_boost.get(tier or "", 0))]

    def target_for(self, urgency: str, tier: str | None) -> SlaTarget:
        priority = self.priority_for(urgency, tier)
        return self.targets.get(priority) or DEFAULT_TARGETS[priority]

    def due(self, start: datetime, span: timedelta, business_hours: bool) -> datetime:
        return self.calendar.add(start, span) if business_hours else start + span

    def status(
        self,
        *,
        urgency: str,
        tier: str | None,
        opened_at: datetime,
        now: datetime,
        first_response_at: datetime | None = None,
        resolved_at: datetime | None = None,
    ) -> SlaStatus:
        target = self.target_for(urgency, tier)
        return SlaStatus(
            priority=self.priority_for(urgency, tier),
            first_response=self._timer(
                Timer.FIRST_RESPONSE, target, target.first_response, opened_at, first_response_at, now
            ),
            resolution=self._timer(Timer.RESOLUTION, target, target.resolution, opened_at, resolved_at, now),
        )

    def _timer(
        self,
        timer: Timer,
        target: SlaTarget,
        span: timedelta,
        opened_at: datetime,
        done_at: datetime | None,
        now: datetime,
    ) -> TimerStatus:
        due = self.due(opened_at, span, target.business_hours)
        until = done_at or now
        remaining = self.calendar.between(until, due) if target.business_hours else due - until
        if done_at is not None:
            state = TimerState.MET if done_at <= due else TimerState.MISSED
        elif now >= due:
            state = TimerState.BREACHED
        elif remaining <= span * (1 - self.warn_at):
            state = TimerState.WARNING
        else:
            state = TimerState.RUNNING
        return TimerStatus(timer=timer, due=due, state=state, remaining=remaining)


# Breach alerts ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlaCase:
    """What the policy needs of an open handoff."""

    handoff_id: str
    urgency: str
    tier: str | None
    opened_at: datetime
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None


@dataclass(frozen=True)
class SlaAlert:
    handoff_id: str
    timer: Timer
    state: TimerState  # WARNING or BREACHED
    due: datetime
    priority: str

    @property
    def key(self) -> tuple[str, str, str]:
        """Each (case, timer, state) is alerted once."""
        return (self.handoff_id, str(self.timer), str(self.state))


def alerts_due(
    policy: SlaPolicy, cases: Iterable[SlaCase], now: datetime, already_sent: Iterable[tuple[str, str, str]]
) -> list[SlaAlert]:
    """Warnings and breaches not yet alerted, most pressing first."""
    sent = set(already_sent)
    found: list[SlaAlert] = []
    for case in cases:
        status = policy.status(
            urgency=case.urgency,
            tier=case.tier,
            opened_at=case.opened_at,
            now=now,
            first_response_at=case.first_response_at,
            resolved_at=case.resolved_at,
        )
        for t in status.timers():
            if t.state in (TimerState.WARNING, TimerState.BREACHED):
                alert = SlaAlert(case.handoff_id, t.timer, t.state, t.due, status.priority)
                if alert.key not in sent:
                    found.append(alert)
    order = {TimerState.BREACHED: 0, TimerState.WARNING: 1}
    return sorted(found, key=lambda a: (order[a.state], PRIORITIES.index(a.priority), a.due))


def policy_from_settings(settings: Settings) -> SlaPolicy:
    """The deployment's policy: defaults, the 24 h / 48 h rule for normal and low, then overrides."""
    targets = dict(DEFAULT_TARGETS)
    for priority in ("normal", "low"):
        targets[priority] = SlaTarget(
            timedelta(hours=settings.sla_first_response_hours), timedelta(hours=settings.sla_resolution_hours)
        )
    for priority, values in settings.sla_targets.items():
        if priority not in PRIORITIES:
            raise ValueError(f"SLA_TARGETS: unknown priority {priority!r}")
        base = targets[priority]
        targets[priority] = SlaTarget(
            timedelta(
                minutes=float(values.get("first_response_minutes", base.first_response.total_seconds() / 60))
            ),
            timedelta(minutes=float(values.get("resolution_minutes", base.resolution.total_seconds() / 60))),
            bool(values.get("business_hours", base.business_hours)),
        )
    calendar = BusinessCalendar(
        tz=ZoneInfo(settings.service_timezone),
        opens=time.fromisoformat(settings.business_opens),
        closes=time.fromisoformat(settings.business_closes),
        holidays=frozenset(settings.holidays),
        workdays_extra=frozenset(settings.workdays_extra),
    )
    return SlaPolicy(
        targets=targets,
        tier_boost=dict(settings.sla_tier_boost),
        calendar=calendar,
        warn_at=settings.sla_warn_at,
    )
