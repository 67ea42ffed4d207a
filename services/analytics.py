"""Service analytics (数据分析) for supervisors: volumes, how much the bot resolved on its own, why
conversations went to people, first-response and resolution times against the SLA, satisfaction, and
the biggest knowledge gaps. Computed from SQL on request for a window of days; nothing here is stored.

"Bot-resolved" (containment): a conversation with no handoff and no answer rated 👎.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import mean
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import aware, utcnow
from core.status import MessageFeedback, Role
from knowledge.embedders.base import Embedder
from services.gaps import gap_report
from services.sla import SlaPolicy, TimerState
from storage.models import Conversation, Handoff, Message


@dataclass
class DayRow:
    day: str  # YYYY-MM-DD in the service time zone
    conversations: int = 0
    handoffs: int = 0


@dataclass
class Analytics:
    since: datetime
    until: datetime
    conversations: int
    by_channel: dict[str, int]
    bot_resolved: int
    containment: float | None  # bot_resolved / conversations
    handoffs: int
    handoff_rate: float | None
    handoff_reasons: dict[str, int]
    by_tier: dict[str, int]
    first_response_met: float | None  # share of answered cases answered within the SLA
    resolution_met: float | None
    mean_first_response_min: float | None
    mean_resolution_min: float | None
    csat_responses: int
    csat_average: float | None
    csat_distribution: dict[str, int]
    top_gaps: list[dict[str, object]] = field(default_factory=list)
    days: list[DayRow] = field(default_factory=list)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def analytics(
    session: Session,
    policy: SlaPolicy,
    embedder: Embedder | None,
    *,
    days: int = 30,
    channel: str | None = None,
    gap_threshold: float = 0.5,
    tz: str = "Asia/Shanghai",
    now: datetime | None = None,
) -> Analytics:
    until = now or utcnow()
    since = until - timedelta(days=days)
    zone = ZoneInfo(tz)
    conv_stmt = select(Conversation).where(Conversation.created_at >= since, Conversation.created_at <= until)
    if channel:
        conv_stmt = conv_stmt.where(Conversation.channel == channel)
    conversations = list(session.scalars(conv_stmt).all())
    ids = {c.id for c in conversations}
    in_window = select(Handoff).where(Handoff.created_at >= since, Handoff.created_at <= until)
    handoffs = [h for h in session.scalars(in_window) if not channel or h.conversation.channel == channel]
    handed = {h.conversation_id for h in handoffs}
    disliked = set(
        session.scalars(
            select(Message.conversation_id).where(
                Message.role == Role.BOT,
                Message.feedback == MessageFeedback.NOT_HELPFUL,
                Message.created_at >= since,
            )
        ).all()
    )
    bot_resolved = len(ids - handed - disliked)

    first_met = first_all = res_met = res_all = 0
    first_minutes: list[float] = []
    resolution_minutes: list[float] = []
    for h in handoffs:
        opened = aware(h.created_at)
        status = policy.status(
            urgency=h.urgency,
            tier=h.conversation.customer_tier,
            opened_at=opened,
            now=until,
            first_response_at=aware(h.first_response_at) if h.first_response_at else None,
            resolved_at=aware(h.resolved_at) if h.resolved_at else None,
        )
        if h.first_response_at or status.first_response.state == TimerState.BREACHED:
            first_all += 1
            first_met += status.first_response.state == TimerState.MET
        if h.first_response_at:
            first_minutes.append((aware(h.first_response_at) - opened).total_seconds() / 60)
        if h.resolved_at or status.resolution.state == TimerState.BREACHED:
            res_all += 1
            res_met += status.resolution.state == TimerState.MET
        if h.resolved_at:
            resolution_minutes.append((aware(h.resolved_at) - opened).total_seconds() / 60)

    scores = [h.csat_score for h in handoffs if h.csat_score is not None]
    by_day: dict[str, DayRow] = {}
    for offset in range(days, -1, -1):
        key = (until - timedelta(days=offset)).astimezone(zone).date().isoformat()
        by_day[key] = DayRow(key)
    for c in conversations:
        key = aware(c.created_at).astimezone(zone).date().isoformat()
        by_day.setdefault(key, DayRow(key)).conversations += 1
    for h in handoffs:
        key = aware(h.created_at).astimezone(zone).date().isoformat()
        by_day.setdefault(key, DayRow(key)).handoffs += 1

    gaps = []
    if embedder is not None:
        gaps = [
            {"question": g.question, "count": g.count}
            for g in gap_report(session, embedder, days=days, threshold=gap_threshold, limit=5)
        ]
    return Analytics(
        since=since,
        until=until,
        conversations=len(conversations),
        by_channel=dict(Counter(c.channel for c in conversations)),
        bot_resolved=bot_resolved,
        containment=_share(bot_resolved, len(conversations)),
        handoffs=len(handoffs),
        handoff_rate=_share(len(handed & ids), len(conversations)),
        handoff_reasons=dict(Counter(h.reason for h in handoffs).most_common()),
        by_tier=dict(Counter(h.conversation.customer_tier or "standard" for h in handoffs)),
        first_response_met=_share(first_met, first_all),
        resolution_met=_share(res_met, res_all),
        mean_first_response_min=round(mean(first_minutes), 1) if first_minutes else None,
        mean_resolution_min=round(mean(resolution_minutes), 1) if resolution_minutes else None,
        csat_responses=len(scores),
        csat_average=round(mean(scores), 2) if scores else None,
        csat_distribution={str(n): scores.count(n) for n in range(1, 6)},
        top_gaps=gaps,
        days=sorted(by_day.values(), key=lambda d: d.day),
    )
