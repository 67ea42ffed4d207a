"""The SQL stores behind the WeCom Protocols, on a migrated SQLite file; the WeCom migration downgrades."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, inspect
from sqlalchemy.orm import Session, sessionmaker

from channels.wecom.drafts import DraftBook, DraftKind, DraftSource, DraftStatus
from channels.wecom.sql_stores import SqlCursorStore, SqlDraftStore, SqlSeenIds, SqlServicerDirectory
from services.staff import create_staff
from storage.migrations import downgrade, upgrade

WECOM_TABLES = {
    "wecom_kf_contacts",
    "wecom_cursors",
    "wecom_seen_messages",
    "wecom_staff_ids",
    "wecom_drafts",
}


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'bank.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def test_cursor_and_seen_ids(sessions: sessionmaker[Session]) -> None:
    cursors, seen = SqlCursorStore(sessions), SqlSeenIds(sessions)
    assert cursors.get("wk1") is None
    cursors.set("wk1", "c1")
    cursors.set("wk1", "c2")
    assert cursors.get("wk1") == "c2"
    assert seen.claim("m1") and not seen.claim("m1")
    seen.release("m1")
    assert seen.claim("m1")


def test_servicer_directory(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        create_staff(session, "agent7", "correct horse battery", "agent")
        session.commit()
    directory = SqlServicerDirectory(sessions)
    assert directory.wecom_userid("agent7") is None
    directory.link("agent7", "zhang.wei")
    assert (directory.wecom_userid("agent7"), directory.username("zhang.wei")) == ("zhang.wei", "agent7")
    directory.link("agent7", "zhang.wei2")
    assert directory.username("zhang.wei") is None
    with pytest.raises(KeyError):
        directory.link("nobody", "x")


def test_drafts_round_trip(sessions: sessionmaker[Session]) -> None:
    now = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    book = DraftBook(SqlDraftStore(sessions), lambda: now)
    draft = book.create(
        "g1",
        DraftKind.ANSWER,
        "年费见收费标准。",
        asker="wmA",
        question="年费多少",
        sources=(DraftSource("收费标准", "/v1/sources/fee-schedule"),),
    )
    assert draft is not None
    assert book.store.get(draft.id) == draft
    assert book.create("g1", DraftKind.ANSWER, "x", asker="wmA", question="年费多少？") is None
    sent = book.sent(draft.id, "年费见官网收费标准。", by="li.na")
    stored = book.store.get(draft.id)
    assert stored == sent and stored.edited and stored.status is DraftStatus.SENT
    assert [d.id for d in book.store.for_chat("g1", DraftStatus.SENT)] == [draft.id]
    assert book.store.for_chat("g1", DraftStatus.PENDING) == []
    assert stored.decided_at is not None and stored.decided_at - now == timedelta(0)


def test_wecom_migration_downgrades(engine: Engine) -> None:
    assert WECOM_TABLES <= set(inspect(engine).get_table_names())
    downgrade(engine, "0002")
    assert not WECOM_TABLES & set(inspect(engine).get_table_names())
    upgrade(engine)
    assert WECOM_TABLES <= set(inspect(engine).get_table_names())
