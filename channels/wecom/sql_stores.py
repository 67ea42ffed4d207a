"""SQL implementations of the WeCom stores (cursor, handled msgids, staff ids, contacts, drafts)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from channels.wecom.drafts import Draft, DraftKind, DraftSource, DraftStatus
from core.clock import aware
from storage.models import StaffUser
from storage.wecom_models import WeComCursor, WeComDraft, WeComKfContact, WeComSeenMessage, WeComStaffId

Sessions = sessionmaker[Session]


class SqlCursorStore:
    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    def get(self, open_kfid: str) -> str | None:
        with self._sessions() as session:
            row = session.get(WeComCursor, open_kfid)
            return row.cursor if row else None

    def set(self, open_kfid: str, cursor: str) -> None:
        with self._sessions() as session:
            row = session.get(WeComCursor, open_kfid)
            if row is None:
                session.add(WeComCursor(open_kfid=open_kfid, cursor=cursor))
            else:
                row.cursor = cursor
            session.commit()


class SqlSeenIds:
    """`claim` inserts the msgid; the primary key makes two workers' claims exclusive."""

    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    def claim(self, msgid: str) -> bool:
        with self._sessions() as session:
            session.add(WeComSeenMessage(msgid=msgid))
            try:
                session.commit()
            except IntegrityError:
                return False
            return True

    def release(self, msgid: str) -> None:
        with self._sessions() as session:
            row = session.get(WeComSeenMessage, msgid)
            if row is not None:
                session.delete(row)
                session.commit()


class SqlServicerDirectory:
    """Staff usernames ↔ WeCom user ids."""

    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    def wecom_userid(self, username: str) -> str | None:
        with self._sessions() as session:
            stmt = select(WeComStaffId.wecom_userid).join(StaffUser, StaffUser.id == WeComStaffId.staff_id)
            return session.scalar(stmt.where(StaffUser.username == username))

    def username(self, wecom_userid: str) -> str | None:
        with self._sessions() as session:
            stmt = select(StaffUser.username).join(WeComStaffId, StaffUser.id == WeComStaffId.staff_id)
            return session.scalar(stmt.where(WeComStaffId.wecom_userid == wecom_userid))

    def link(self, username: str, wecom_userid: str) -> None:
        with self._sessions() as session:
            staff = session.scalar(select(StaffUser).where(StaffUser.username == username))
            if staff is None:
                raise KeyError(username)
            row = session.get(WeComStaffId, staff.id)
            if row is None:
                session.add(WeComStaffId(staff_id=staff.id, wecom_userid=wecom_userid))
            else:
                row.wecom_userid = wecom_userid
            session.commit()


class KfContacts:
    """Conversation ↔ (open_kfid, external_userid)."""

    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    def link(self, conversation_id: str, open_kfid: str, external_userid: str) -> None:
        with self._sessions() as session:
            if session.get(WeComKfContact, conversation_id) is None:
                session.add(
                    WeComKfContact(
                        conversation_id=conversation_id, open_kfid=open_kfid, external_userid=external_userid
                    )
                )
                session.commit()

    def of(self, conversation_id: str) -> tuple[str, str] | None:
        with self._sessions() as session:
            row = session.get(WeComKfContact, conversation_id)
            return (row.open_kfid, row.external_userid) if row else None

    def conversation_of(self, open_kfid: str, external_userid: str) -> str | None:
        with self._sessions() as session:
            stmt = select(WeComKfContact.conversation_id).where(
                WeComKfContact.open_kfid == open_kfid, WeComKfContact.external_userid == external_userid
            )
            return session.scalar(stmt)


class SqlDraftStore:
    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    def add(self, draft: Draft) -> None:
        self.save(draft)

    def save(self, draft: Draft) -> None:
        with self._sessions() as session:
            row = session.get(WeComDraft, draft.id) or WeComDraft(id=draft.id)
            row.chat_id, row.kind, row.text, row.created_at = (
                draft.chat_id,
                draft.kind,
                draft.text,
                draft.created_at,
            )
            row.asker, row.question_msgid, row.question = draft.asker, draft.question_msgid, draft.question
            row.question_at = draft.question_at
            row.sources = [asdict(s) for s in draft.sources]
            row.followup_url, row.handoff_id, row.status = draft.followup_url, draft.handoff_id, draft.status
            row.final_text, row.decided_by, row.decided_at = (
                draft.final_text,
                draft.decided_by,
                draft.decided_at,
            )
            session.merge(row)
            session.commit()

    def get(self, draft_id: str) -> Draft | None:
        with self._sessions() as session:
            row = session.get(WeComDraft, draft_id)
            return _draft(row) if row else None

    def for_chat(self, chat_id: str, status: DraftStatus | None = None) -> list[Draft]:
        with self._sessions() as session:
            stmt = select(WeComDraft).where(WeComDraft.chat_id == chat_id)
            if status is not None:
                stmt = stmt.where(WeComDraft.status == status)
            return [_draft(row) for row in session.scalars(stmt.order_by(WeComDraft.created_at))]


def _draft(row: WeComDraft) -> Draft:
    return Draft(
        id=row.id,
        chat_id=row.chat_id,
        kind=DraftKind(row.kind),
        text=row.text,
        created_at=aware(row.created_at),
        asker=row.asker,
        question_msgid=row.question_msgid,
        question=row.question,
        question_at=_aware_or_none(row.question_at),
        sources=tuple(DraftSource(**s) for s in row.sources or []),
        followup_url=row.followup_url,
        handoff_id=row.handoff_id,
        status=DraftStatus(row.status),
        final_text=row.final_text,
        decided_by=row.decided_by,
        decided_at=_aware_or_none(row.decided_at),
    )


def _aware_or_none(value: datetime | None) -> datetime | None:
    return aware(value) if value else None
