"""WeCom operations: staff copilot suggestions, group settings and activity, the 微信客服 reply outbox,
WeCom customer links.

Revision ID: 0006_wecom_ops
Revises: 0003_wecom
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_wecom_ops"
down_revision = "0003_wecom"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "copilot_suggestions",
        sa.Column("id", sa.String(length=40), primary_key=True),
        sa.Column("conversation_id", sa.String(length=40), sa.ForeignKey("conversations.id"), nullable=False),
        sa.Column("handoff_id", sa.String(length=40), sa.ForeignKey("handoffs.id"), nullable=False),
        sa.Column("message_id", sa.String(length=40), nullable=False, unique=True),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("citations", sa.JSON(), nullable=False),
        sa.Column("checks", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("final_text", sa.Text(), nullable=True),
        sa.Column("sent_message_id", sa.String(length=40), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_copilot_suggestions_handoff_id", "copilot_suggestions", ["handoff_id"])
    op.create_index("ix_copilot_suggestions_status", "copilot_suggestions", ["status"])
    op.create_table(
        "wecom_group_settings",
        sa.Column("chat_id", sa.String(length=128), primary_key=True),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "wecom_group_activity",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("chat_id", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.String(length=32), nullable=True),
        sa.Column("msgid", sa.String(length=128), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_wecom_group_activity_chat_at", "wecom_group_activity", ["chat_id", "at"])
    op.create_table(
        "wecom_outbox",
        sa.Column("message_id", sa.String(length=40), primary_key=True),
        sa.Column("conversation_id", sa.String(length=40), sa.ForeignKey("conversations.id"), nullable=False),
        sa.Column("open_kfid", sa.String(length=64), nullable=False),
        sa.Column("external_userid", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(length=256), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_wecom_outbox_status_next", "wecom_outbox", ["status", "next_attempt_at"])
    op.create_index("ix_wecom_outbox_conversation_id", "wecom_outbox", ["conversation_id"])
    op.create_table(
        "wecom_customer_links",
        sa.Column("external_userid", sa.String(length=64), primary_key=True),
        sa.Column("customer_ref", sa.String(length=64), nullable=False),
        sa.Column("customer_id_enc", sa.Text(), nullable=False),
        sa.Column("linked_by", sa.String(length=64), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_wecom_customer_links_customer_ref", "wecom_customer_links", ["customer_ref"])


def downgrade() -> None:
    op.drop_table("wecom_customer_links")
    op.drop_table("wecom_outbox")
    op.drop_table("wecom_group_activity")
    op.drop_table("wecom_group_settings")
    op.drop_table("copilot_suggestions")
