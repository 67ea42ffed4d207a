"""WeCom: the education-post slots already posted per group (one row per group and slot).

Revision ID: 0007_wecom2
Revises: 0005_production
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_wecom2"
down_revision = "0005_production"  # re-chained after main's head in the merge (was 0006_wecom_ops)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wecom_education_posts",
        sa.Column("chat_id", sa.String(length=128), primary_key=True),
        sa.Column("slot_at", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("topic", sa.String(length=80), primary_key=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=128), nullable=True),
        sa.Column("task_msgid", sa.String(length=128), nullable=True),
        sa.Column("error", sa.String(length=256), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("wecom_education_posts")
