"""Drafts for the owner of an external customer group (the copilot's output; nothing is auto-posted).

A draft is a reply the agent wrote for a group message, or a rules reminder, or a scheduled education
post. The owner sees them in the sidebar (opened from the chat toolbar), edits, sends (JS-SDK
`sendChatMessage`, fired by the owner's click) or dismisses. What happened is recorded — sent as
written, sent edited, dismissed, or superseded because staff answered in the group themselves — and
feeds the gap report and the group analytics.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

ANSWERED_WINDOW = timedelta(minutes=30)  # a staff message this soon after a question answers it
SAME_QUESTION_WINDOW = timedelta(hours=2)  # one reply per question: a repeat gets no second draft


class DraftKind(StrEnum):
    ANSWER = "answer"
    ACKNOWLEDGE = "acknowledge"  # a short public acknowledgement of a complaint (handled privately)
    PRIVATE_FOLLOWUP = "private_followup"  # account matters and personal data: continue in 微信客服
    REMINDER = "reminder"  # a neutral reminder of the group rules
    EDUCATION = "education"  # a scheduled finance-education post


class DraftStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    DISMISSED = "dismissed"
    SUPERSEDED = "superseded"


@dataclass(frozen=True)
class DraftSource:
    title: str
    url: str


@dataclass(frozen=True)
class Draft:
    id: str
    chat_id: str
    kind: DraftKind
    text: str  # redacted: placeholders, never a customer's personal data
    created_at: datetime
    asker: str | None = None  # external_userid of the member the draft answers (@-named in the sidebar)
    question_msgid: str | None = None
    question: str | None = None  # the redacted question
    question_at: datetime | None = None  # when the member asked (the archive's time, behind ours)
    sources: tuple[DraftSource, ...] = ()
    followup_url: str | None = None  # the 微信客服 link for a private follow-up
    handoff_id: str | None = None
    status: DraftStatus = DraftStatus.PENDING
    final_text: str | None = None  # what the owner actually sent
    decided_by: str | None = None
    decided_at: datetime | None = None

    @property
    def edited(self) -> bool:
        return self.final_text is not None and _norm(self.final_text) != _norm(self.text)


class DraftNotPending(Exception):
    code = "draft_not_pending"


class DraftStore(Protocol):
    def add(self, draft: Draft) -> None: ...

    def get(self, draft_id: str) -> Draft | None: ...

    def save(self, draft: Draft) -> None: ...

    def for_chat(self, chat_id: str, status: DraftStatus | None = None) -> list[Draft]: ...


class InMemoryDraftStore:
    def __init__(self) -> None:
        self._drafts: dict[str, Draft] = {}
        self._lock = threading.Lock()

    def add(self, draft: Draft) -> None:
        with self._lock:
            self._drafts[draft.id] = draft

    save = add

    def get(self, draft_id: str) -> Draft | None:
        return self._drafts.get(draft_id)

    def for_chat(self, chat_id: str, status: DraftStatus | None = None) -> list[Draft]:
        with self._lock:
            found = [
                d
                for d in self._drafts.values()
                if d.chat_id == chat_id and (status is None or d.status is status)
            ]
        return sorted(found, key=lambda d: d.created_at)


@dataclass
class DraftBook:
    """The draft lifecycle over a store; the clock is injectable."""

    store: DraftStore
    clock: Callable[[], datetime]
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def create(
        self,
        chat_id: str,
        kind: DraftKind,
        text: str,
        *,
        asker: str | None = None,
        question_msgid: str | None = None,
        question: str | None = None,
        question_at: datetime | None = None,
        sources: tuple[DraftSource, ...] = (),
        followup_url: str | None = None,
        handoff_id: str | None = None,
    ) -> Draft | None:
        """A new pending draft, or None when this member's question already has one (one per question)."""
        with self._lock:
            if question and asker and self._already_drafted(chat_id, asker, question):
                return None
            draft = Draft(
                id=uuid.uuid4().hex,
                chat_id=chat_id,
                kind=kind,
                text=text,
                created_at=self.clock(),
                asker=asker,
                question_msgid=question_msgid,
                question=question,
                question_at=question_at,
                sources=sources,
                followup_url=followup_url,
                handoff_id=handoff_id,
            )
            self.store.add(draft)
            return draft

    def add_draft(self, chat_id: str, text: str, *, kind: str, source: str | None) -> str:
        """`DraftSink` for scheduled posts."""
        sources = (DraftSource(source, source),) if source else ()
        draft = self.create(chat_id, DraftKind(kind), text, sources=sources)
        assert draft is not None  # no question: never deduplicated
        return draft.id

    def sent(self, draft_id: str, text: str, by: str) -> Draft:
        """The owner sent it (as written or edited): record what went out."""
        return self._decide(draft_id, DraftStatus.SENT, by, final_text=text)

    def dismiss(self, draft_id: str, by: str) -> Draft:
        return self._decide(draft_id, DraftStatus.DISMISSED, by)

    def staff_answered(self, chat_id: str, staff_userid: str, at: datetime) -> list[Draft]:
        """Staff wrote in the group themselves: pending replies to questions just before it are moot."""
        superseded = []
        with self._lock:
            for draft in self.store.for_chat(chat_id, DraftStatus.PENDING):
                if draft.kind not in (DraftKind.ANSWER, DraftKind.ACKNOWLEDGE):
                    continue
                if timedelta(0) <= at - (draft.question_at or draft.created_at) <= ANSWERED_WINDOW:
                    draft = replace(
                        draft, status=DraftStatus.SUPERSEDED, decided_by=staff_userid, decided_at=self.clock()
                    )
                    self.store.save(draft)
                    superseded.append(draft)
        return superseded

    def _decide(self, draft_id: str, status: DraftStatus, by: str, final_text: str | None = None) -> Draft:
        with self._lock:
            draft = self.store.get(draft_id)
            if draft is None:
                raise KeyError(draft_id)
            if draft.status is not DraftStatus.PENDING:
                raise DraftNotPending(f"draft {draft_id} is already {draft.status}")
            draft = replace(
                draft, status=status, final_text=final_text, decided_by=by, decided_at=self.clock()
            )
            self.store.save(draft)
            return draft

    def _already_drafted(self, chat_id: str, asker: str, question: str) -> bool:
        now = self.clock()
        key = _norm(question)
        return any(
            d.asker == asker
            and d.question is not None
            and _norm(d.question) == key
            and now - d.created_at <= SAME_QUESTION_WINDOW
            for d in self.store.for_chat(chat_id)
        )


def _norm(text: str) -> str:
    return re.sub(r"[\s，。！？!?,.~、]+", "", text).lower()
