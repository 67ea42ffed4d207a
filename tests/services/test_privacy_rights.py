"""PIPL rights below the HTTP layer: export, erasure, retention, key rotation (issue 12), all audited.

Real SQLite and a real vault; no models are needed (conversations are written as the turn service would).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from agent.identity import Pseudonymizer
from core.clock import utcnow
from privacy import SqlVault, generate_key
from services import csat
from services.privacy_rights import (
    ERASED_REF,
    PrivacyRights,
    RightsError,
    Subject,
    TranscriptPolicy,
    retention_loop,
)
from storage.engine import build_engine
from storage.migrations import upgrade
from storage.models import (
    AuditRecord,
    Conversation,
    GroupDirectMessage,
    Handoff,
    Message,
    StaffUser,
    WidgetSession,
)
from storage.wecom_models import WeComGroupActivity

PSEUDONYMIZER = Pseudonymizer("test-secret")


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = build_engine(f"sqlite:///{tmp_path / 'bank.db'}", tmp_path)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@pytest.fixture
def vault(engine: Engine) -> SqlVault:
    return SqlVault(engine, generate_key())


def rights(
    sessions: sessionmaker[Session], vault: SqlVault, policy: TranscriptPolicy = "delete"
) -> PrivacyRights:
    return PrivacyRights(
        sessions, vault, PSEUDONYMIZER, vault_retention_days=30, transcript_retention_days=365,
        erasure_transcripts=policy,
    )  # fmt: skip


def conversation(sessions: sessionmaker[Session], vault: SqlVault, customer_id: str, phone: str,
                 days_ago: float = 0) -> str:  # fmt: skip
    """A conversation as the turn service leaves it: a redacted message, its original in the vault."""
    ref = PSEUDONYMIZER.customer_ref("web", customer_id)
    with sessions() as session:
        at = utcnow() - timedelta(days=days_ago)
        c = Conversation(channel="web", customer_ref=ref, created_at=at, updated_at=at)
        session.add(c)
        session.commit()  # as the turn service does: the vault writes in its own transaction
        placeholder = vault.placeholder_for(c.id, "PHONE_NUMBER", phone)
        session.add(Message(conversation_id=c.id, seq=1, role="customer", sender_ref=ref,
                            text=f"我的手机号是{placeholder}", created_at=at))  # fmt: skip
        session.add(WidgetSession(token_hash=c.id.ljust(64, "0"), conversation_id=c.id, expires_at=at))
        session.commit()
        return c.id


def staff(sessions: sessionmaker[Session], can_reveal: bool) -> StaffUser:
    with sessions() as session:
        user = StaffUser(username=f"admin-{can_reveal}", display_name="管理员", role="admin",
                         can_reveal=can_reveal, password_hash="x")  # fmt: skip
        session.add(user)
        session.commit()
        return user


def audits(sessions: sessionmaker[Session], action: str) -> list[AuditRecord]:
    with sessions() as session:
        return list(session.scalars(select(AuditRecord).where(AuditRecord.action == action)))


def test_export_gives_every_conversation_redacted_and_originals_only_when_revealed(
    sessions: sessionmaker[Session], vault: SqlVault
) -> None:
    first = conversation(sessions, vault, "cust-1", "13812345678")
    second = conversation(sessions, vault, "cust-1", "13999999999")
    conversation(sessions, vault, "cust-2", "13700000000")
    service = rights(sessions, vault)
    subject = Subject(channel="web", customer_id="cust-1")
    reader = staff(sessions, False)
    plain = service.export(reader, subject, reveal=False, reason="客户申请", via="api")
    assert [c["id"] for c in plain["conversations"]] == [first, second]
    assert plain["conversations"][0]["messages"][0]["text"] == "我的手机号是<PHONE_1>"
    assert "13812345678" not in repr(plain)
    with pytest.raises(RightsError) as refused:
        service.export(reader, subject, reveal=True, reason="客户申请", via="api")
    assert refused.value.code == "reveal_not_allowed"
    revealed = service.export(staff(sessions, True), Subject(conversation_id=second), reveal=True,
                              reason="客户申请", via="api")  # fmt: skip
    values = [o["value"] for c in revealed["conversations"] for o in c["originals"]]
    assert values == ["13812345678", "13999999999"]
    exports = audits(sessions, "privacy.export")
    assert [a.detail["revealed"] for a in exports] == [False, True]
    assert "13812345678" not in repr([a.detail for a in exports])
    assert audits(sessions, "privacy.export_refused")


@pytest.mark.parametrize("policy", ["delete", "keep_redacted"])
def test_erasure_deletes_originals_and_deletes_or_unlinks_transcripts(
    sessions: sessionmaker[Session], vault: SqlVault, policy: TranscriptPolicy
) -> None:
    mine = conversation(sessions, vault, "cust-1", "13812345678")
    other = conversation(sessions, vault, "cust-2", "13812345678")
    report = rights(sessions, vault, policy).erase(None, Subject(channel="web", customer_id="cust-1"),
                                                   reason="客户申请删除", via="cli")  # fmt: skip
    assert (report.conversations, report.vault_originals) == (1, 1)
    assert vault.placeholders(mine) == [] and vault.reveal(other, "<PHONE_1>") == "13812345678"
    with sessions() as session:
        kept = session.get(Conversation, mine)
        messages = session.scalars(select(Message).where(Message.conversation_id == mine)).all()
        tokens = session.scalar(select(func.count()).select_from(WidgetSession).where(
            WidgetSession.conversation_id == mine))  # fmt: skip
        if policy == "delete":
            assert kept is None and not messages
        else:
            assert kept is not None and kept.customer_ref == ERASED_REF
            assert [m.text for m in messages] == ["我的手机号是<PHONE_1>"] and messages[0].sender_ref is None
        assert tokens == 0
        assert session.get(Conversation, other) is not None
    (record,) = audits(sessions, "privacy.erase")
    assert record.actor == "system" and record.detail["via"] == "cli"
    assert record.detail["transcripts"] == policy


def test_purge_applies_both_retention_periods_and_spares_open_handoffs(
    sessions: sessionmaker[Session], vault: SqlVault
) -> None:
    recent = conversation(sessions, vault, "a", "13800000001", days_ago=1)
    month_old = conversation(sessions, vault, "b", "13800000002", days_ago=40)
    ancient = conversation(sessions, vault, "c", "13800000003", days_ago=400)
    ancient_open = conversation(sessions, vault, "d", "13800000004", days_ago=400)
    with sessions() as session:
        session.add(Handoff(conversation_id=ancient_open, reason="human_request", category="other",
                            urgency="normal", status="open"))  # fmt: skip
        session.commit()
    # The vault rows were written now; age them with their conversations.
    with vault._engine.begin() as connection:  # noqa: SLF001 - the test sets the clock on stored rows
        for conv, days in ((month_old, 40), (ancient, 400), (ancient_open, 400)):
            connection.exec_driver_sql("UPDATE pii_vault SET created_at = ? WHERE conversation_id = ?",
                                       ((utcnow() - timedelta(days=days)).isoformat(" "), conv))  # fmt: skip
    report = rights(sessions, vault).purge(None, via="cli")
    assert report.conversations == 1 and report.vault_originals == 3
    assert vault.reveal(recent, "<PHONE_1>") == "13800000001"
    assert vault.reveal(month_old, "<PHONE_1>") is None
    with sessions() as session:
        assert session.get(Conversation, month_old) is not None  # transcript kept, original gone
        assert session.get(Conversation, ancient) is None
        assert session.get(Conversation, ancient_open) is not None  # a person still works on it
    assert audits(sessions, "privacy.purge")


def test_key_rotation_through_the_service_is_audited(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    old_key, new_key = generate_key(), generate_key()
    old = SqlVault(engine, old_key)
    conv = conversation(sessions, old, "a", "13812345678")
    rotating = SqlVault(engine, new_key, old_keys=[old_key])
    assert rights(sessions, rotating).rotate_vault_key(None, via="cli", batch=1) == 1
    assert SqlVault(engine, new_key).reveal(conv, "<PHONE_1>") == "13812345678"
    (record,) = audits(sessions, "vault.rotate")
    assert record.detail["rows"] == 1


@pytest.mark.parametrize("policy", ["delete", "keep_redacted"])
def test_erasure_removes_a_group_members_private_survey_and_their_address(
    sessions: sessionmaker[Session], vault: SqlVault, policy: TranscriptPolicy
) -> None:
    """The member id kept for the private satisfaction survey goes with the conversation."""
    ref = PSEUDONYMIZER.customer_ref("group", "wx-member-9")
    with sessions() as session:
        c = Conversation(channel="group", group_id="g-1", customer_ref=ref)
        session.add(c)
        session.commit()
        member = csat.member_address(vault, c.id, "wx-member-9")
        session.add(GroupDirectMessage(group_id="g-1", conversation_id=c.id, handoff_id="ho_x", member=member,
                                       kind="csat", text="请打分"))  # fmt: skip
        session.commit()
        conversation_id = c.id
    rights(sessions, vault, policy).erase(None, Subject(channel="group", customer_id="wx-member-9"),
                                          reason="客户申请删除", via="cli")  # fmt: skip
    assert vault.reveal(conversation_id, member) is None
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(GroupDirectMessage)) == 0


def test_erasure_clears_the_members_pseudonym_from_group_analytics(
    sessions: sessionmaker[Session], vault: SqlVault
) -> None:
    erased, kept = (PSEUDONYMIZER.customer_ref("group", member) for member in ("wmErase1", "wmKeep1"))
    with sessions() as session:
        session.add(Conversation(channel="group", group_id="wrErase", customer_ref=erased))
        for ref in (erased, kept):
            session.add(WeComGroupActivity(chat_id="wrErase", kind="message", member_ref=ref, at=utcnow()))
        session.commit()
    rights(sessions, vault).erase(None, Subject(channel="group", customer_id="wmErase1"),
                                  reason="客户申请删除", via="cli")  # fmt: skip
    with sessions() as session:
        refs = session.scalars(
            select(WeComGroupActivity.member_ref).where(WeComGroupActivity.chat_id == "wrErase")
        ).all()
    assert len(refs) == 2 and set(refs) == {None, kept}  # the message still counts; who sent it is gone


def test_the_scheduled_purge_runs_once_per_interval_across_workers(
    sessions: sessionmaker[Session], vault: SqlVault
) -> None:
    """Every worker's loop calls `scheduled_purge`; the audit trail makes it one purge per interval."""
    day = timedelta(days=1)
    first = conversation(sessions, vault, "a", "13800000001", days_ago=400)
    worker_a, worker_b = rights(sessions, vault), rights(sessions, vault)
    report = worker_a.scheduled_purge(day)
    assert report is not None and report.conversations == 1
    with sessions() as session:
        assert session.get(Conversation, first) is None
    second = conversation(sessions, vault, "b", "13800000002", days_ago=400)
    assert worker_b.scheduled_purge(day) is None  # another worker purged an hour ago: not again today
    assert worker_a.scheduled_purge(day, now=utcnow() + timedelta(hours=23)) is None
    later = worker_b.scheduled_purge(day, now=utcnow() + timedelta(hours=25))
    assert later is not None and later.conversations == 1
    with sessions() as session:
        assert session.get(Conversation, second) is None
    assert [r.detail["via"] for r in audits(sessions, "privacy.purge")] == ["schedule", "schedule"]


def test_the_retention_loop_purges_in_the_background(
    sessions: sessionmaker[Session], vault: SqlVault
) -> None:
    old = conversation(sessions, vault, "a", "13800000001", days_ago=400)
    loop = retention_loop(rights(sessions, vault), interval_s=86400)
    loop.start()
    try:
        deadline = time.monotonic() + 20
        while loop.runs == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        loop.stop()
    assert loop.runs == 1 and loop.failures == 0
    with sessions() as session:
        assert session.get(Conversation, old) is None
