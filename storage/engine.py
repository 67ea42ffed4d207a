"""The SQLAlchemy engine: SQLite (WAL, synchronous=NORMAL, foreign keys, a busy timeout) by default, any
URL otherwise. A SQLite file is created 0600 (its -wal and -shm files inherit that mode)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url

from core.files import create_private


def build_engine(url: str, data_dir: Path | None = None) -> Engine:
    if url.startswith("sqlite"):
        if data_dir is not None:
            Path(data_dir).mkdir(parents=True, exist_ok=True)
        database = make_url(url).database
        if database and database != ":memory:" and not database.startswith("file:"):
            create_private(Path(database))
        engine = create_engine(url, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            # Durable at every checkpoint and safe against corruption in WAL mode; skips an fsync per commit.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)
