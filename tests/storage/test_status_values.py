"""Status vocabularies (core.status) are stored as their string values and read back as the same members."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from core.status import (
    ConversationMode,
    HandoffReason,
    HandoffStatus,
    JobStatus,
    KbDocumentStatus,
    MessageFeedback,
    Role,
    StaffRole,
    Urgency,
)
from storage.engine import build_engine
from storage.kb_models import KbDocument, KbJob
from storage.migrations import upgrade
from storage.models import Conversation, Handoff, Message, StaffUser


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = build_engine(f"sqlite:///{tmp_path / 'bank.db'}", tmp_path)
    upgrade(engine)
    yield engine
    engine.dispose()


def _stored(engine: Engine, row: object, column: str) -> object:
    """Write `row`, then read `column` back through a fresh session (no identity-map shortcut)."""
    with Session(engine) as session:
        session.add(row)
        session.commit()
        model, key = type(row), row.id  # type: ignore[attr-defined]
    with Session(engine) as session:
        return getattr(session.get(model, key), column)


def _rows() -> Iterator[tuple[type[StrEnum], str, object]]:
    conv = Conversation(channel="web", customer_ref="c1")
    seq = itertools.count()
    for mode in ConversationMode:
        yield ConversationMode, "mode", Conversation(channel="web", customer_ref="c1", mode=mode)
    for role in Role:
        yield Role, "role", Message(conversation=conv, seq=next(seq), role=role, text="x")
    for feedback in MessageFeedback:
        yield (
            MessageFeedback,
            "feedback",
            Message(conversation=conv, seq=next(seq), role=Role.BOT, text="x", feedback=feedback),
        )
    for status in HandoffStatus:
        yield HandoffStatus, "status", _handoff(conv, status=status)
    for reason in HandoffReason:
        yield HandoffReason, "reason", _handoff(conv, reason=reason)
    for urgency in Urgency:
        yield Urgency, "urgency", _handoff(conv, urgency=urgency)
    for staff_role in StaffRole:
        yield (
            StaffRole,
            "role",
            StaffUser(username=f"u-{staff_role}", display_name="u", role=staff_role, password_hash="h"),
        )
    for job_status in JobStatus:
        yield JobStatus, "status", KbJob(filename="a.md", created_by="u", status=job_status)


def _handoff(conv: Conversation, **values: object) -> Handoff:
    fields: dict[str, object] = {
        "reason": HandoffReason.COMPLAINT,
        "category": "complaint",
        "urgency": Urgency.NORMAL,
    }
    return Handoff(conversation=conv, **(fields | values))


def test_every_stored_status_reads_back_as_its_member(engine: Engine) -> None:
    seen: set[type[StrEnum]] = set()
    for n, (enum, column, row) in enumerate(_rows()):
        written = getattr(row, column)
        value = _stored(engine, row, column)
        assert type(value) is str, (enum, column)  # stored as the plain string value
        assert enum(value) is written, (enum, column, n)
        seen.add(enum)
    assert len(seen) == 8


def test_job_status_starts_queued() -> None:
    assert KbJob(filename="a.md", created_by="u").status in (None, JobStatus.QUEUED)


@pytest.mark.parametrize(
    ("published", "draft", "deleted", "status"),
    [
        (1, None, False, KbDocumentStatus.PUBLISHED),
        (None, 1, False, KbDocumentStatus.DRAFT),
        (1, 2, False, KbDocumentStatus.PUBLISHED_WITH_DRAFT),
        (1, None, True, KbDocumentStatus.DELETED),
    ],
)
def test_document_status_follows_its_versions(
    published: int | None, draft: int | None, deleted: bool, status: KbDocumentStatus
) -> None:
    doc = KbDocument(id="d", published_version=published, draft_version=draft, deleted=deleted)
    assert doc.status is status
