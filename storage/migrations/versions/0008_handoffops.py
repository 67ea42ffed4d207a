"""Private messages to one group member (the satisfaction survey after a group customer's case).

Revision ID: 0008_handoffops
Revises: 0007_jobs
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_handoffops"
down_revision = "0007_jobs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "group_direct_outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("group_id", sa.String(length=128), nullable=False),
        sa.Column("conversation_id", sa.String(length=40), nullable=False),
        sa.Column("handoff_id", sa.String(length=40), nullable=False),
        sa.Column("member", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversations.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("group_direct_outbox") as batch_op:
        batch_op.create_index("ix_group_direct_outbox_group_id", ["group_id"])
        batch_op.create_index("ix_group_direct_outbox_conversation_id", ["conversation_id"])


def downgrade() -> None:
    with op.batch_alter_table("group_direct_outbox") as batch_op:
        batch_op.drop_index("ix_group_direct_outbox_conversation_id")
        batch_op.drop_index("ix_group_direct_outbox_group_id")
    op.drop_table("group_direct_outbox")
