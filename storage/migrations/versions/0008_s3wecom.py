"""WeCom group analytics: the sender's pseudonym on a group's message activity (active members).

Revision ID: 0008_s3wecom
Revises: 0007_jobs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_s3wecom"
down_revision = "0008_handoffops"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("wecom_group_activity") as batch_op:
        batch_op.add_column(sa.Column("member_ref", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("wecom_group_activity") as batch_op:
        batch_op.drop_column("member_ref")
