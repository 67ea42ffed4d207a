"""Resumable upload jobs: the validated documents stored with the job, a lease (owner, until), attempts.

Revision ID: 0007_jobs
Revises: 0005_production
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_jobs"
down_revision = "0007_wecom2"  # after 0007_wecom2 (both were written on 0005_production)
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kb_jobs") as batch_op:
        batch_op.add_column(sa.Column("documents", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("owner", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("kb_jobs") as batch_op:
        batch_op.drop_column("attempts")
        batch_op.drop_column("lease_until")
        batch_op.drop_column("owner")
        batch_op.drop_column("documents")
