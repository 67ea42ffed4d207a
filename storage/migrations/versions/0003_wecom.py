"""WeCom: 微信客服 contacts, cursors, handled msgids, staff WeCom ids, sidebar drafts.

Revision ID: 0003_wecom
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_wecom"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wecom_kf_contacts",
        sa.Column(
            "conversation_id", sa.String(length=40), sa.ForeignKey("conversations.id"), primary_key=True
        ),
        sa.Column("open_kfid", sa.String(length=64), nullable=False),
        sa.Column("external_userid", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("open_kfid", "external_userid"),
    )
    op.create_table(
        "wecom_cursors",
        sa.Column("open_kfid", sa.String(length=64), primary_key=True),
        sa.Column("cursor", sa.String(length=256), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "wecom_seen_messages",
        sa.Column("msgid", sa.String(length=128), primary_key=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_wecom_seen_messages_seen_at", "wecom_seen_messages", ["seen_at"])
    op.create_table(
        "wecom_staff_ids",
        sa.Column("staff_id", sa.String(length=40), sa.ForeignKey("staff_users.id"), primary_key=True),
        sa.Column("wecom_userid", sa.String(length=64), nullable=False, unique=True),
    )
    op.create_table(
        "wecom_drafts",
        sa.Column("id", sa.String(length=40), primary_key=True),
        sa.Column("chat_id", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("asker", sa.String(length=64), nullable=True),
        sa.Column("question_msgid", sa.String(length=128), nullable=True),
        sa.Column("question", sa.Text(), nullable=True),
        sa.Column("question_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("followup_url", sa.String(length=512), nullable=True),
        sa.Column("handoff_id", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("final_text", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_wecom_drafts_chat_id", "wecom_drafts", ["chat_id"])
    op.create_index("ix_wecom_drafts_created_at", "wecom_drafts", ["created_at"])
    op.create_index("ix_wecom_drafts_status", "wecom_drafts", ["status"])


def downgrade() -> None:
    op.drop_table("wecom_drafts")
    op.drop_table("wecom_staff_ids")
    op.drop_table("wecom_seen_messages")
    op.drop_table("wecom_cursors")
    op.drop_table("wecom_kf_contacts")
