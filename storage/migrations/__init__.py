"""Alembic migrations of the whole SQL schema (the vault's `pii_vault` table included), run in code.

`serve`, the CLI and `build_services` call `upgrade(engine)` at start; a new schema change is a new
revision under `versions/` (`alembic -c storage/migrations/alembic.ini revision --autogenerate -m ...`
against a database at head), never `create_all`.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

HERE = Path(__file__).parent


def config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision`. A database made before migrations existed (tables from
    `create_all`, no `alembic_version`) goes through revision 0001, which creates only the tables it
    lacks, and then upgrades like any other, keeping its data."""
    command.upgrade(config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(config(engine), revision)


def current(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
