"""The SQLite database holds transcripts and the vault: its files are created 0600 (issue 12: bank.db
was world-readable next to vault.key)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy import text

from storage.engine import build_engine


def test_sqlite_files_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        engine = build_engine(f"sqlite:///{tmp_path / 'bank.db'}", tmp_path)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (n integer)"))
            connection.execute(text("INSERT INTO t VALUES (1)"))
        with engine.connect() as connection:  # a new connection sees the WAL files
            connection.execute(text("SELECT n FROM t"))
    finally:
        os.umask(old)
    for name in ("bank.db", "bank.db-wal", "bank.db-shm"):
        path = tmp_path / name
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
    engine.dispose()
