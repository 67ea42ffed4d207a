"""External groups in SQL: each group's settings (edited in the console) and its activity for analytics.

Activity rows carry no text and no member id: a message, a question, a handoff or a flag (with its kind),
with the time. Questions answered are the owner's sent answer drafts (`wecom_drafts`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from channels.wecom.drafts import DraftKind, DraftStatus
from channels.wecom.group_rules import GroupConfig
from core.clock import utcnow
from services import audit
from storage.models import StaffUser
from storage.wecom_models import WeComDraft, WeComGroupActivity, WeComGroupSettings

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
        self, chat_id: str, kind: str, *, detail: str | None = None, msgid: str | None = None, at: datetime
    ) -> None:
        with self._sessions() as session:
            session.add(WeComGroupActivity(chat_id=chat_id, kind=kind, detail=detail, msgid=msgid, at=at))
            session.commit()


A = WeComGroupActivity


def group_analytics(
    sessions: Sessions, since: datetime, until: datetime, chat_ids: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """Per group in [since, until): messages, questions, questions answered (answer drafts the owner sent),
    drafts dismissed, handoffs and violations (flags, by kind)."""
    wanted = set(chat_ids) if chat_ids is not None else None
    groups: dict[str, dict[str, Any]] = {}

    def group(chat_id: str) -> dict[str, Any]:
        counts = dict.fromkeys(("message", "question", "handoff", "answered", "dismissed", "violations"), 0)
        return groups.setdefault(
            chat_id, {"chat_id": chat_id, **counts, "violations_by_kind": Counter[str]()}
        )

    with sessions() as session:
        activity = session.execute(
            select(A.chat_id, A.kind, A.detail, func.count())
            .where(A.at >= since, A.at < until)
            .group_by(A.chat_id, A.kind, A.detail)
        ).all()
        decided = session.execute(
            select(WeComDraft.chat_id, WeComDraft.status, func.count())
            .where(
                WeComDraft.kind.in_([DraftKind.ANSWER, DraftKind.PRIVATE_FOLLOWUP, DraftKind.ACKNOWLEDGE]),
                WeComDraft.decided_at >= since,
                WeComDraft.decided_at < until,
            )
            .group_by(WeComDraft.chat_id, WeComDraft.status)
        ).all()
    for chat_id, kind, detail, count in activity:
        if wanted is not None and chat_id not in wanted:
            continue
        row = group(chat_id)
        if kind == "flag":
            row["violations"] += count
            row["violations_by_kind"][detail or "other"] += count
        elif kind in row:
            row[kind] += count
    for chat_id, status, count in decided:
        if wanted is not None and chat_id not in wanted:
            continue
        if status == DraftStatus.SENT:
            group(chat_id)["answered"] += count
        elif status == DraftStatus.DISMISSED:
            group(chat_id)["dismissed"] += count
    out = []
    for chat_id in sorted(groups):
        row = groups[chat_id]
        row["violations_by_kind"] = dict(row["violations_by_kind"])
        out.append(row)
    return out
