"""The SQLite engine's settings and the privacy of the files it and the development setup create."""

from __future__ import annotations

import stat
from pathlib import Path

from sqlalchemy import text

from core.settings import Settings
from core.wiring import vault_key
from storage.engine import build_engine


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_sqlite_runs_in_wal_mode_with_normal_sync_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = build_engine(f"sqlite:///{tmp_path / 'bank.db'}", tmp_path)
    try:
        with engine.connect() as conn:
            pragma = {
                name: conn.execute(text(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
    finally:
        engine.dispose()
    assert pragma == {"journal_mode": "wal", "synchronous": 1, "foreign_keys": 1, "busy_timeout": 5000}


def test_database_files_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "data" / "bank.db"
    engine = build_engine(f"sqlite:///{db}", db.parent)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
            conn.execute(text("INSERT INTO t VALUES (1)"))
            wal = db.with_name("bank.db-wal")
            assert wal.exists()
            assert _mode(wal) == 0o600
    finally:
        engine.dispose()
    assert _mode(db) == 0o600


def test_development_vault_key_is_created_once_and_private(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", vault_key=None)
    key = vault_key(settings)
    path = tmp_path / "data" / "vault.key"
    assert _mode(path) == 0o600
    assert vault_key(settings) == key == path.read_text()
