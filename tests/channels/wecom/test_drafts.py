"""The sidebar drafts' lifecycle: one per question, sent/edited/dismissed recorded, superseded by staff."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from channels.wecom.drafts import DraftBook, DraftKind, DraftNotPending, DraftStatus, InMemoryDraftStore

T0 = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def wall() -> Clock:
    return Clock()


@pytest.fixture
def book(wall: Clock) -> DraftBook:
    return DraftBook(InMemoryDraftStore(), wall)


def answer(book: DraftBook, question: str = "信用卡年费怎么收？", asker: str = "wmA") -> str:
    draft = book.create("g1", DraftKind.ANSWER, "年费标准见……", asker=asker, question=question)
    assert draft is not None
    return draft.id


def test_one_draft_per_question(book: DraftBook, wall: Clock) -> None:
    answer(book)
    assert book.create("g1", DraftKind.ANSWER, "x", asker="wmA", question="信用卡年费怎么收 ?") is None
    assert book.create("g1", DraftKind.ANSWER, "x", asker="wmB", question="信用卡年费怎么收？") is not None
    wall.now += timedelta(hours=3)
    assert book.create("g1", DraftKind.ANSWER, "x", asker="wmA", question="信用卡年费怎么收？") is not None


def test_sent_as_written_edited_and_dismissed_are_recorded(book: DraftBook, wall: Clock) -> None:
    a, b, c = answer(book, "问一"), answer(book, "问二"), answer(book, "问三")
    wall.now += timedelta(minutes=3)
    as_written = book.sent(a, "年费标准见……", by="li.na")
    edited = book.sent(b, "年费标准见官网，首年免年费。", by="li.na")
    dismissed = book.dismiss(c, by="li.na")
    assert (as_written.status, as_written.edited) == (DraftStatus.SENT, False)
    assert (edited.status, edited.edited, edited.final_text) == (
        DraftStatus.SENT,
        True,
        "年费标准见官网，首年免年费。",
    )
    assert dismissed.status is DraftStatus.DISMISSED and dismissed.decided_at == T0 + timedelta(minutes=3)
    with pytest.raises(DraftNotPending):
        book.sent(c, "太晚了", by="li.na")
    with pytest.raises(KeyError):
        book.dismiss("nope", by="li.na")


def test_staff_answering_in_the_group_supersedes_recent_replies(book: DraftBook, wall: Clock) -> None:
    old = answer(book, "很早的问题")
    wall.now += timedelta(hours=1)
    recent = answer(book, "刚刚的问题")
    reminder = book.create("g1", DraftKind.REMINDER, "温馨提示……")
    assert reminder is not None
    wall.now += timedelta(minutes=5)
    superseded = book.staff_answered("g1", "li.na", wall.now)
    assert [d.id for d in superseded] == [recent]
    pending = {d.id for d in book.store.for_chat("g1", DraftStatus.PENDING)}
    assert pending == {old, reminder.id}


def test_scheduled_posts_land_as_education_drafts(book: DraftBook) -> None:
    draft_id = book.add_draft("g2", "金融知识：如何识别诈骗短信", kind="education", source="kb:edu-fraud")
    draft = book.store.get(draft_id)
    assert draft is not None and draft.kind is DraftKind.EDUCATION and draft.sources[0].url == "kb:edu-fraud"
