"""messages.standalone: a follow-up rewritten into a standalone question ("那金卡呢" → "金卡年费多少？").

Staff and the gap report read the question the bot actually answered, not only the customer's ellipsis.

Revision ID: 0004_understanding
Revises: 0004_handoffops
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_understanding"
down_revision = "0004_handoffops"  # re-chained after main's 0004_handoffops in the merge (was 0003_wecom)
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch_op:
        batch_op.add_column(sa.Column("standalone", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch_op:
        batch_op.drop_column("standalone")
