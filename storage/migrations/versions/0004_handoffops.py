"""Handoff operations: teams and routing, SLA alerts sent, CSAT on handoffs, the feedback inbox, KB validity.

Revision ID: 0004_handoffops
Revises: 0006_wecom_ops
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_handoffops"
down_revision = "0006_wecom_ops"  # re-chained after main's 0006 in the merge (was 0003_wecom)
branch_labels = None
depends_on = None

# The bank's default teams (a deployment edits them through /v1/teams). Routing order: tier, then
# category, then topic words (services.teams).
DEFAULT_TEAMS = [
    {
        "id": "vip",
        "name": "贵宾服务",
        "tiers": ["private", "vip"],
        "categories": [],
        "keywords": [],
        "rank": 10,
    },
    {
        "id": "complaints",
        "name": "投诉处理",
        "tiers": [],
        "categories": ["complaint"],
        "keywords": [],
        "rank": 20,
    },
    {
        "id": "cards",
        "name": "银行卡",
        "tiers": [],
        "categories": [],
        "keywords": ["信用卡", "借记卡", "储蓄卡", "银行卡", "挂失", "盗刷", "额度", "card"],
        "rank": 30,
    },
    {
        "id": "loans",
        "name": "贷款",
        "tiers": [],
        "categories": [],
        "keywords": ["贷款", "房贷", "车贷", "按揭", "还款", "loan", "mortgage"],
        "rank": 40,
    },
    {
        "id": "wealth",
        "name": "理财",
        "tiers": [],
        "categories": [],
        "keywords": ["理财", "基金", "积存金", "黄金", "定期", "大额存单", "wealth", "fund"],
        "rank": 50,
    },
]


def upgrade() -> None:
    teams = op.create_table(
        "teams",
        sa.Column("id", sa.String(length=32), primary_key=True),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("tiers", sa.JSON(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
    )
    op.bulk_insert(teams, DEFAULT_TEAMS)
    op.create_table(
        "team_members",
        sa.Column("team_id", sa.String(length=32), sa.ForeignKey("teams.id"), primary_key=True),
        sa.Column("staff_id", sa.String(length=40), sa.ForeignKey("staff_users.id"), primary_key=True),
    )
    op.create_table(
        "sla_alerts_sent",
        sa.Column("handoff_id", sa.String(length=40), primary_key=True),
        sa.Column("timer", sa.String(length=16), primary_key=True),
        sa.Column("state", sa.String(length=16), primary_key=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("handoffs") as batch:
        batch.add_column(sa.Column("team_id", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("csat_score", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("csat_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_handoffs_team_id", ["team_id"])
    with op.batch_alter_table("kb_documents") as batch:
        batch.add_column(sa.Column("effective_from", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("expires_on", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("feedback_handled_by", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("feedback_handled_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("kb_documents") as batch:
        batch.drop_column("expires_on")
        batch.drop_column("effective_from")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("feedback_handled_at")
        batch.drop_column("feedback_handled_by")
    with op.batch_alter_table("handoffs") as batch:
        batch.drop_index("ix_handoffs_team_id")
        batch.drop_column("csat_at")
        batch.drop_column("csat_score")
        batch.drop_column("team_id")
    op.drop_table("sla_alerts_sent")
    op.drop_table("team_members")
    op.drop_table("teams")
