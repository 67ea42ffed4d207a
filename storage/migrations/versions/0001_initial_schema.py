"""The schema as it was before migrations existed (what `create_all` built), the vault's table included.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Databases made before migrations existed already have some or all of these tables (the vault made
    # its own): create only what is missing, so such a database is adopted as this revision with its data.
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "audit_records" not in existing:
        op.create_table(
            "audit_records",
            sa.Column("id", sa.String(length=40), nullable=False),
            sa.Column("at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("actor_id", sa.String(length=40), nullable=True),
            sa.Column("actor", sa.String(length=64), nullable=False),
            sa.Column("action", sa.String(length=48), nullable=False),
            sa.Column("target_type", sa.String(length=32), nullable=False),
            sa.Column("target_id", sa.String(length=128), nullable=True),
            sa.Column("detail", sa.JSON(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("audit_records", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_audit_records_action"), ["action"], unique=False)
            batch_op.create_index(batch_op.f("ix_audit_records_actor_id"), ["actor_id"], unique=False)
            batch_op.create_index(batch_op.f("ix_audit_records_at"), ["at"], unique=False)
    if "conversations" not in existing:
        op.create_table(
            "conversations",
            sa.Column("id", sa.String(length=40), nullable=False),
            sa.Column("channel", sa.String(length=16), nullable=False),
            sa.Column("group_id", sa.String(length=128), nullable=True),
            sa.Column("customer_ref", sa.String(length=32), nullable=False),
            sa.Column("customer_tier", sa.String(length=32), nullable=True),
            sa.Column("language", sa.String(length=8), nullable=False),
            sa.Column("mode", sa.String(length=16), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("conversations", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_conversations_customer_ref"), ["customer_ref"], unique=False)
            batch_op.create_index(batch_op.f("ix_conversations_group_id"), ["group_id"], unique=False)
    if "kb_documents" not in existing:
        op.create_table(
            "kb_documents",
            sa.Column("id", sa.String(length=64), nullable=False),
            sa.Column("kind", sa.String(length=8), nullable=False),
            sa.Column("title", sa.String(length=512), nullable=False),
            sa.Column("category", sa.String(length=32), nullable=False),
            sa.Column("source", sa.String(length=512), nullable=False),
            sa.Column("published_version", sa.Integer(), nullable=True),
            sa.Column("draft_version", sa.Integer(), nullable=True),
            sa.Column("deleted", sa.Boolean(), nullable=False),
            sa.Column("file_hash", sa.String(length=64), nullable=True),
            sa.Column("updated_by", sa.String(length=64), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
    if "kb_jobs" not in existing:
        op.create_table(
            "kb_jobs",
            sa.Column("id", sa.String(length=40), nullable=False),
            sa.Column("filename", sa.String(length=256), nullable=False),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("total", sa.Integer(), nullable=False),
            sa.Column("done", sa.Integer(), nullable=False),
            sa.Column("doc_ids", sa.JSON(), nullable=False),
            sa.Column("error_code", sa.String(length=32), nullable=True),
            sa.Column("error", sa.String(length=512), nullable=True),
            sa.Column("created_by", sa.String(length=64), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
    if "staff_users" not in existing:
        op.create_table(
            "staff_users",
            sa.Column("id", sa.String(length=40), nullable=False),
            sa.Column("username", sa.String(length=64), nullable=False),
            sa.Column("display_name", sa.String(length=64), nullable=False),
            sa.Column("role", sa.String(length=16), nullable=False),
            sa.Column("can_reveal", sa.Boolean(), nullable=False),
            sa.Column("password_hash", sa.String(length=255), nullable=False),
            sa.Column("active", sa.Boolean(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("username"),
        )
    if "group_outbox" not in existing:
        op.create_table(
            "group_outbox",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("group_id", sa.String(length=128), nullable=False),
            sa.Column("conversation_id", sa.String(length=40), nullable=False),
            sa.Column("message_id", sa.String(length=40), nullable=False),
            sa.Column("text", sa.Text(), nullable=False),
            sa.Column("staff_name", sa.String(length=64), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(
                ["conversation_id"],
                ["conversations.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("group_outbox", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_group_outbox_group_id"), ["group_id"], unique=False)
    if "handoffs" not in existing:
        op.create_table(
            "handoffs",
            sa.Column("id", sa.String(length=40), nullable=False),
            sa.Column("conversation_id", sa.String(length=40), nullable=False),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("reason", sa.String(length=32), nullable=False),
            sa.Column("category", sa.String(length=32), nullable=False),
            sa.Column("urgency", sa.String(length=16), nullable=False),
            sa.Column("sentiment", sa.Float(), nullable=False),
            sa.Column("private_followup", sa.Boolean(), nullable=False),
            sa.Column("summary", sa.JSON(), nullable=False),
            sa.Column("claimed_by", sa.String(length=64), nullable=True),
            sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("first_response_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("outcome", sa.String(length=32), nullable=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(
                ["conversation_id"],
                ["conversations.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("handoffs", schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f("ix_handoffs_conversation_id"), ["conversation_id"], unique=False
            )
            batch_op.create_index(batch_op.f("ix_handoffs_created_at"), ["created_at"], unique=False)
            batch_op.create_index(batch_op.f("ix_handoffs_status"), ["status"], unique=False)
    if "kb_versions" not in existing:
        op.create_table(
            "kb_versions",
            sa.Column("id", sa.String(length=40), nullable=False),
            sa.Column("doc_id", sa.String(length=64), nullable=False),
            sa.Column("number", sa.Integer(), nullable=False),
            sa.Column("content", sa.JSON(), nullable=False),
            sa.Column("content_hash", sa.String(length=64), nullable=False),
            sa.Column("author", sa.String(length=64), nullable=False),
            sa.Column("note", sa.String(length=256), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(
                ["doc_id"],
                ["kb_documents.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("kb_versions", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_kb_versions_doc_id"), ["doc_id"], unique=False)
            batch_op.create_index("ix_kb_versions_doc_number", ["doc_id", "number"], unique=True)
    if "messages" not in existing:
        op.create_table(
            "messages",
            sa.Column("id", sa.String(length=40), nullable=False),
            sa.Column("conversation_id", sa.String(length=40), nullable=False),
            sa.Column("seq", sa.Integer(), nullable=False),
            sa.Column("role", sa.String(length=16), nullable=False),
            sa.Column("sender_ref", sa.String(length=64), nullable=True),
            sa.Column("text", sa.Text(), nullable=False),
            sa.Column("intent", sa.String(length=32), nullable=True),
            sa.Column("action", sa.String(length=32), nullable=True),
            sa.Column("confidence", sa.Float(), nullable=True),
            sa.Column("pii_types", sa.JSON(), nullable=False),
            sa.Column("citations", sa.JSON(), nullable=False),
            sa.Column("feedback", sa.String(length=16), nullable=True),
            sa.Column("feedback_comment", sa.Text(), nullable=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(
                ["conversation_id"],
                ["conversations.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("messages", schema=None) as batch_op:
            batch_op.create_index("ix_messages_conv_seq", ["conversation_id", "seq"], unique=True)
            batch_op.create_index(
                batch_op.f("ix_messages_conversation_id"), ["conversation_id"], unique=False
            )
    if "staff_tokens" not in existing:
        op.create_table(
            "staff_tokens",
            sa.Column("token_hash", sa.String(length=64), nullable=False),
            sa.Column("staff_id", sa.String(length=40), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("revoked", sa.Boolean(), nullable=False),
            sa.ForeignKeyConstraint(
                ["staff_id"],
                ["staff_users.id"],
            ),
            sa.PrimaryKeyConstraint("token_hash"),
        )
        with op.batch_alter_table("staff_tokens", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_staff_tokens_staff_id"), ["staff_id"], unique=False)
    if "widget_sessions" not in existing:
        op.create_table(
            "widget_sessions",
            sa.Column("token_hash", sa.String(length=64), nullable=False),
            sa.Column("conversation_id", sa.String(length=40), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(
                ["conversation_id"],
                ["conversations.id"],
            ),
            sa.PrimaryKeyConstraint("token_hash"),
        )
        with op.batch_alter_table("widget_sessions", schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f("ix_widget_sessions_conversation_id"), ["conversation_id"], unique=False
            )
    if "handoff_notes" not in existing:
        op.create_table(
            "handoff_notes",
            sa.Column("id", sa.String(length=40), nullable=False),
            sa.Column("handoff_id", sa.String(length=40), nullable=False),
            sa.Column("author", sa.String(length=64), nullable=False),
            sa.Column("text", sa.Text(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(
                ["handoff_id"],
                ["handoffs.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
        with op.batch_alter_table("handoff_notes", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_handoff_notes_handoff_id"), ["handoff_id"], unique=False)
    # privacy/vault.py's table (its own metadata; the vault no longer creates it).
    if "pii_vault" not in existing:
        op.create_table(
            "pii_vault",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("conversation_id", sa.String(length=128), nullable=False),
            sa.Column("placeholder", sa.String(length=64), nullable=False),
            sa.Column("entity_type", sa.String(length=32), nullable=False),
            sa.Column("digest", sa.String(length=64), nullable=False),
            sa.Column("ciphertext", sa.Text(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("conversation_id", "placeholder", name="uq_pii_vault_placeholder"),
            sa.UniqueConstraint("conversation_id", "digest", name="uq_pii_vault_digest"),
        )


def downgrade() -> None:
    op.drop_table("pii_vault")
    with op.batch_alter_table("handoff_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoff_notes_handoff_id"))

    op.drop_table("handoff_notes")
    with op.batch_alter_table("widget_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_widget_sessions_conversation_id"))

    op.drop_table("widget_sessions")
    with op.batch_alter_table("staff_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_tokens_staff_id"))

    op.drop_table("staff_tokens")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_messages_conversation_id"))
        batch_op.drop_index("ix_messages_conv_seq")

    op.drop_table("messages")
    with op.batch_alter_table("kb_versions", schema=None) as batch_op:
        batch_op.drop_index("ix_kb_versions_doc_number")
        batch_op.drop_index(batch_op.f("ix_kb_versions_doc_id"))

    op.drop_table("kb_versions")
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoffs_status"))
        batch_op.drop_index(batch_op.f("ix_handoffs_created_at"))
        batch_op.drop_index(batch_op.f("ix_handoffs_conversation_id"))

    op.drop_table("handoffs")
    with op.batch_alter_table("group_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_outbox_group_id"))

    op.drop_table("group_outbox")
    op.drop_table("staff_users")
    op.drop_table("kb_jobs")
    op.drop_table("kb_documents")
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversations_group_id"))
        batch_op.drop_index(batch_op.f("ix_conversations_customer_ref"))

    op.drop_table("conversations")
    with op.batch_alter_table("audit_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_records_at"))
        batch_op.drop_index(batch_op.f("ix_audit_records_actor_id"))
        batch_op.drop_index(batch_op.f("ix_audit_records_action"))

    op.drop_table("audit_records")
