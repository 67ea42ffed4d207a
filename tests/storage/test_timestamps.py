"""Finding "timestamps without a timezone" (issue 12): SQLite keeps no offset, so every stored time read
back naive and the API sent it without a zone. `storage.types.UtcDateTime` reads them back aware, in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from privacy import SqlVault, generate_key
from privacy.vault import _VaultRow  # the vault's own table, read directly
from storage.engine import build_engine
from storage.migrations import upgrade
from storage.models import Conversation


def test_stored_times_read_back_aware_in_utc_and_keep_their_instant(tmp_path: Path) -> None:
    engine = build_engine(f"sqlite:///{tmp_path / 'bank.db'}", tmp_path)
    upgrade(engine)
    sessions = sessionmaker(engine)
    beijing = timezone(timedelta(hours=8))
    at = datetime(2026, 12, 3, 22, 0, tzinfo=beijing)  # 14:00 UTC
    with sessions() as session:
        conversation = Conversation(channel="web", customer_ref="ref", created_at=at, updated_at=at)
        session.add(conversation)
        session.commit()
        conversation_id = conversation.id
    SqlVault(engine, generate_key()).placeholder_for(conversation_id, "PHONE_NUMBER", "13812345678")
    with sessions() as session:
        stored = session.get(Conversation, conversation_id)
        assert stored is not None
        assert stored.created_at == datetime(2026, 12, 3, 14, 0, tzinfo=UTC)
        assert stored.created_at.utcoffset() == timedelta(0)
        assert stored.created_at.isoformat().endswith("+00:00")
        since = at - timedelta(hours=1)  # 13:00 UTC, given in Beijing time
        newer = session.scalars(select(Conversation.id).where(Conversation.created_at > since))
        assert list(newer) == [conversation_id]  # comparisons still see the same instant
        (vault_time,) = session.scalars(select(_VaultRow.created_at))
        assert vault_time.tzinfo is not None
    engine.dispose()
