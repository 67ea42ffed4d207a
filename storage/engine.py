"""The SQLAlchemy engine: SQLite (WAL, foreign keys, a busy timeout) by default, any URL otherwise."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url


def _private_file(path: Path) -> None:
    """Create the database file readable by its owner only (it holds transcripts and the vault)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    path.chmod(0o600)


def build_engine(url: str, data_dir: Path | None = None) -> Engine:
    if url.startswith("sqlite"):
        if data_dir is not None:
            Path(data_dir).mkdir(parents=True, exist_ok=True)
        database = make_url(url).database
        db_file = Path(database) if database and database != ":memory:" else None
        if db_file is not None:
            _private_file(db_file)
        engine = create_engine(url, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()
            if db_file is not None:  # the WAL and shared-memory files hold the same data
                for suffix in ("-wal", "-shm"):
                    side = db_file.with_name(db_file.name + suffix)
                    if side.exists():
                        side.chmod(0o600)

        return engine
    return create_engine(url, pool_pre_ping=True)
