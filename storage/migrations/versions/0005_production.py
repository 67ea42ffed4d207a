"""Production: which vault key encrypted each original (key rotation); indexes for the retention purge.

Revision ID: 0005_production
Revises: 0004_handoffops
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_production"
down_revision = "0004_understanding"  # order: 0003, 0006_wecom_ops, 0004_handoffops, 0004_understanding
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pii_vault") as batch_op:
        batch_op.add_column(sa.Column("key_id", sa.String(length=16), nullable=True))
        batch_op.create_index("ix_pii_vault_key_id", ["key_id"])
        batch_op.create_index("ix_pii_vault_created_at", ["created_at"])
    with op.batch_alter_table("conversations") as batch_op:
        batch_op.create_index("ix_conversations_updated_at", ["updated_at"])


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch_op:
        batch_op.drop_index("ix_conversations_updated_at")
    with op.batch_alter_table("pii_vault") as batch_op:
        batch_op.drop_index("ix_pii_vault_created_at")
        batch_op.drop_index("ix_pii_vault_key_id")
        batch_op.drop_column("key_id")
