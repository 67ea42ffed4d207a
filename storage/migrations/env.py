"""Alembic environment: migrate the engine handed over in `config.attributes` (see `storage.migrations`),
or the URL in `alembic.ini`/`DATABASE_URL` when run from the `alembic` command line."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Engine, create_engine

from storage import kb_models  # noqa: F401  (registers the knowledge catalog tables on Base)
from storage.models import Base

config = context.config
target_metadata = Base.metadata  # the vault's table (privacy/vault.py) is written out in revision 1


def _engine() -> Engine:
    engine = config.attributes.get("engine")
    if isinstance(engine, Engine):
        return engine
    url = (
        os.environ.get("DATABASE_URL") or config.get_main_option("sqlalchemy.url") or "sqlite:///data/bank.db"
    )
    return create_engine(url)


def run_migrations_online() -> None:
    engine = _engine()
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # batch mode copies tables; foreign keys must not fire while it does (outside a tx)
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=sqlite,  # SQLite alters tables by copying them
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")


run_migrations_online()
