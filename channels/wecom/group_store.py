"""External groups in SQL: each group's settings (edited in the console) and its activity for analytics.

Activity rows carry no text and no member id: a message (with the sender's pseudonym, for the count of
active members), a question, a handoff or a flag (with its kind), with the time. What the owner did with
the drafts (`wecom_drafts`) says which questions were answered; CSAT comes from the group's handoffs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session, sessionmaker

from channels.wecom.drafts import DraftKind, DraftStatus
from channels.wecom.group_rules import GroupConfig
from core.clock import utcnow
from services import audit
from storage.models import Conversation, Handoff, StaffUser
from storage.wecom_models import WeComDraft, WeComEducationPost, WeComGroupActivity, WeComGroupSettings

Sessions = sessionmaker[Session]


class SqlGroupConfigs:
    """`GroupConfigs` over `wecom_group_settings`: the copilot reads, the console writes (audited)."""

    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    def get(self, chat_id: str) -> GroupConfig | None:
        with self._sessions() as session:
            row = session.get(WeComGroupSettings, chat_id)
            return GroupConfig.model_validate(row.config) if row else None

    def all(self) -> list[GroupConfig]:
        with self._sessions() as session:
            rows = session.scalars(select(WeComGroupSettings).order_by(WeComGroupSettings.chat_id))
            return [GroupConfig.model_validate(row.config) for row in rows]

    def put(self, config: GroupConfig, by: StaffUser | None = None) -> GroupConfig:
        with self._sessions() as session:
            row = session.get(WeComGroupSettings, config.chat_id)
            if row is None:
                row = WeComGroupSettings(chat_id=config.chat_id)
                session.add(row)
            row.config = config.model_dump(mode="json")
            row.updated_by, row.updated_at = (by.username if by else None), utcnow()
            if by is not None:
                audit.record(session, by, "wecom.group_settings", "wecom_group", config.chat_id)
            session.commit()
        return config


class GroupActivityLog:
    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    def record(
        self,
        chat_id: str,
        kind: str,
        *,
        detail: str | None = None,
        msgid: str | None = None,
        member_ref: str | None = None,
        at: datetime,
    ) -> None:
        with self._sessions() as session:
            session.add(
                WeComGroupActivity(
                    chat_id=chat_id, kind=kind, detail=detail, msgid=msgid, member_ref=member_ref, at=at
                )
            )
            session.commit()


A = WeComGroupActivity
_REPLIES = (DraftKind.ANSWER, DraftKind.PRIVATE_FOLLOWUP, DraftKind.ACKNOWLEDGE)
_QUESTIONS = (DraftKind.ANSWER, DraftKind.PRIVATE_FOLLOWUP)  # the drafts that answer a member's question
_COUNTS = (
    "message", "members_active", "question", "handoff", "answered", "sent_by_owner", "staff_answered",
    "dismissed", "unanswered", "violations", "csat_responses",
)  # fmt: skip


def group_analytics(
    sessions: Sessions, since: datetime, until: datetime, chat_ids: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """Per group in [since, until):

    - `message`, `members_active` (distinct senders), `question`, `handoff`, `violations` (by kind);
    - `answered`: reply drafts the owner sent; `sent_by_owner`: every draft the owner sent to the group
      (replies, rule reminders, education posts) and every education 群发 task the owner confirmed
      (counted at its slot); `staff_answered`: reply drafts made moot because staff
      wrote in the group themselves; `dismissed`: reply drafts dismissed;
    - `unanswered`: questions asked in the period whose draft was neither sent nor made moot by staff
      (still pending, or dismissed);
    - `csat_responses`, `csat_average`: ratings of the cases raised from the group, rated in the period.
    """
    wanted = set(chat_ids) if chat_ids is not None else None
    groups: dict[str, dict[str, Any]] = {}

    def group(chat_id: str) -> dict[str, Any] | None:
        if wanted is not None and chat_id not in wanted:
            return None
        return groups.setdefault(
            chat_id,
            {
                "chat_id": chat_id,
                **dict.fromkeys(_COUNTS, 0),
                "csat_average": None,
                "violations_by_kind": Counter[str](),
            },
        )

    with sessions() as session:
        activity = session.execute(
            select(A.chat_id, A.kind, A.detail, func.count())
            .where(A.at >= since, A.at < until)
            .group_by(A.chat_id, A.kind, A.detail)
        ).all()
        members = session.execute(
            select(A.chat_id, func.count(distinct(A.member_ref)))
            .where(A.kind == "message", A.at >= since, A.at < until, A.member_ref.is_not(None))
            .group_by(A.chat_id)
        ).all()
        decided = session.execute(
            select(WeComDraft.chat_id, WeComDraft.kind, WeComDraft.status, func.count())
            .where(WeComDraft.decided_at >= since, WeComDraft.decided_at < until)
            .group_by(WeComDraft.chat_id, WeComDraft.kind, WeComDraft.status)
        ).all()
        open_questions = session.execute(
            select(WeComDraft.chat_id, func.count())
            .where(
                WeComDraft.kind.in_(_QUESTIONS),
                WeComDraft.question_msgid.is_not(None),
                WeComDraft.status.in_([DraftStatus.PENDING, DraftStatus.DISMISSED]),
                WeComDraft.created_at >= since,
                WeComDraft.created_at < until,
            )
            .group_by(WeComDraft.chat_id)
        ).all()
        confirmed_posts = session.execute(
            select(WeComEducationPost.chat_id, func.count())
            .where(
                WeComEducationPost.status == "confirmed",
                WeComEducationPost.slot_at >= since,
                WeComEducationPost.slot_at < until,
            )
            .group_by(WeComEducationPost.chat_id)
        ).all()
        ratings = session.execute(
            select(Conversation.group_id, func.count(), func.avg(Handoff.csat_score))
            .join(Conversation, Handoff.conversation_id == Conversation.id)
            .where(
                Conversation.channel == "group",
                Conversation.group_id.is_not(None),
                Handoff.csat_score.is_not(None),
                Handoff.csat_at >= since,
                Handoff.csat_at < until,
            )
            .group_by(Conversation.group_id)
        ).all()
    for chat_id, kind, detail, count in activity:
        if (row := group(chat_id)) is None:
            continue
        if kind == "flag":
            row["violations"] += count
            row["violations_by_kind"][detail or "other"] += count
        elif kind in row:
            row[kind] += count
    for chat_id, count in members:
        if (row := group(chat_id)) is not None:
            row["members_active"] = count
    for chat_id, kind, status, count in decided:
        if (row := group(chat_id)) is None:
            continue
        reply = kind in _REPLIES
        if status == DraftStatus.SENT:
            row["sent_by_owner"] += count
            row["answered"] += count if reply else 0
        elif status == DraftStatus.DISMISSED and reply:
            row["dismissed"] += count
        elif status == DraftStatus.SUPERSEDED and reply:
            row["staff_answered"] += count
    for chat_id, count in confirmed_posts:
        if (row := group(chat_id)) is not None:
            row["sent_by_owner"] += count
    for chat_id, count in open_questions:
        if (row := group(chat_id)) is not None:
            row["unanswered"] = count
    for chat_id, count, average in ratings:
        if chat_id in groups:  # a rated case of a group the copilot does not follow is not its business
            groups[chat_id]["csat_responses"] = count
            groups[chat_id]["csat_average"] = round(float(average), 2)
    out = []
    for chat_id in sorted(groups):
        row = groups[chat_id]
        row["violations_by_kind"] = dict(row["violations_by_kind"])
        out.append(row)
    return out
