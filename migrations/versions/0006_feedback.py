"""Opinions and suggestions: topics (with the starting list) and messages.

Revision ID: 0006_feedback
Revises: 0005_voting
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_feedback"
down_revision = "0005_voting"
branch_labels = None
depends_on = None

STARTING_TOPICS = [
    ("บริการออนไลน์ของหน่วยงานรัฐ", "Government online services"),
    ("เว็บไซต์นี้", "This website"),
    ("การประกวดตั้งชื่อมาสคอต", "The mascot naming contest"),
    ("อื่น ๆ", "Other"),
]


def upgrade():
    topic = op.create_table(
        "feedback_topic",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_th", sa.String(length=120), nullable=False),
        sa.Column("name_en", sa.String(length=120), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_topic")),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("reply_email", sa.String(length=254), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('received', 'answered', 'closed')", name=op.f("ck_feedback_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["feedback_topic.id"], name=op.f("fk_feedback_topic_id_feedback_topic"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_feedback_user_id_user_account"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["user_account.id"], name=op.f("fk_feedback_answered_by_id_user_account"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.UniqueConstraint("code", name=op.f("uq_feedback_code")),
    )
    op.create_index("ix_feedback_status_created_at", "feedback", ["status", "created_at"])
    op.create_index("ix_feedback_user_id", "feedback", ["user_id"])
    op.bulk_insert(
        topic,
        [
            {"name_th": th, "name_en": en, "active": True, "position": n}
            for n, (th, en) in enumerate(STARTING_TOPICS, start=1)
        ],
    )


def downgrade():
    op.drop_index("ix_feedback_user_id", table_name="feedback")
    op.drop_index("ix_feedback_status_created_at", table_name="feedback")
    op.drop_table("feedback")
    op.drop_table("feedback_topic")
