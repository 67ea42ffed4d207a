"""Alembic migrations on real SQLite files: an old database with data upgrades and downgrades intact."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, MetaData, inspect, text

from privacy.vault import VAULT_METADATA
from storage import kb_models  # noqa: F401  (registers the knowledge catalog tables on Base)
from storage.engine import build_engine
from storage.migrations import current, downgrade, upgrade
from storage.models import Base


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = build_engine(f"sqlite:///{tmp_path / 'bank.db'}", tmp_path)
    yield engine
    engine.dispose()


def _columns(engine: Engine, table: str) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns(table)}


_T0 = "2026-01-01 00:00:00"


def _seed(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO conversations (id, channel, customer_ref, language, mode, created_at,"
                " updated_at) VALUES ('conv_1', 'web', 'Cabc', 'zh', 'human', :t, :t)"
            ),
            {"t": _T0},
        )
        conn.execute(
            text(
                "INSERT INTO messages (id, conversation_id, seq, role, text, pii_types, citations,"
                " created_at) VALUES ('msg_1', 'conv_1', 1, 'customer', :text, :pii, '[]', :t)"
            ),
            {"text": "我的手机号是<PHONE_1>", "pii": '["PHONE_NUMBER"]', "t": _T0},
        )
        conn.execute(
            text(
                "INSERT INTO pii_vault (conversation_id, placeholder, entity_type, digest, ciphertext,"
                " created_at) VALUES ('conv_1', '<PHONE_1>', 'PHONE_NUMBER', 'd1', 'c1', :t)"
            ),
            {"t": _T0},
        )


def _data(engine: Engine) -> tuple[object, ...]:
    with engine.connect() as conn:
        return (
            conn.execute(text("SELECT id, mode FROM conversations")).all(),
            conn.execute(text("SELECT id, text, pii_types FROM messages")).all(),
            conn.execute(text("SELECT placeholder, ciphertext FROM pii_vault")).all(),
        )


def test_upgrade_from_revision_1_keeps_data_adds_state_and_downgrades(engine: Engine) -> None:
    upgrade(engine, "0001")
    assert "state" not in _columns(engine, "conversations")
    _seed(engine)
    before = _data(engine)

    upgrade(engine)
    assert current(engine) == "0002"
    assert "state" in _columns(engine, "conversations")
    assert _data(engine) == before
    with engine.begin() as conn:
        conn.execute(text("""UPDATE conversations SET state = '{"turns": 3}' WHERE id = 'conv_1'"""))

    downgrade(engine, "0001")
    assert current(engine) == "0001"
    assert "state" not in _columns(engine, "conversations")
    assert _data(engine) == before


def test_a_database_made_before_migrations_is_adopted_and_upgraded(engine: Engine) -> None:
    upgrade(engine, "0001")
    _seed(engine)
    with engine.begin() as conn:  # what `create_all` left behind: the tables, no alembic_version ...
        conn.execute(text("DROP TABLE alembic_version"))
        conn.execute(text("DROP TABLE kb_jobs"))  # ... and maybe not all of them (never served)
    upgrade(engine)
    assert "kb_jobs" in inspect(engine).get_table_names()
    assert current(engine) == "0002"
    assert "state" in _columns(engine, "conversations")
    assert len(_data(engine)[1]) == 1


def test_head_matches_the_models_and_the_vault(engine: Engine) -> None:
    """A model change without a migration (or the reverse) fails here."""
    upgrade(engine)
    wanted = MetaData()
    for source in (Base.metadata, VAULT_METADATA):
        for table in source.tables.values():
            table.to_metadata(wanted)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), wanted)
    assert diff == []
