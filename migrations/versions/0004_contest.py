"""Naming contest: campaign, entry, finalist; the staff second factor (TOTP, recovery codes).

Revision ID: 0004_contest
Revises: 0003_news
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_contest"
down_revision = "0003_news"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title_th", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("rules_th", sa.Text(), nullable=False),
        sa.Column("rules_en", sa.Text(), nullable=False),
        sa.Column("prize_th", sa.String(length=300), nullable=False),
        sa.Column("prize_en", sa.String(length=300), nullable=False),
        sa.Column("submissions_open", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submissions_close", sa.DateTime(timezone=True), nullable=False),
        sa.Column("voting_open", sa.DateTime(timezone=True), nullable=False),
        sa.Column("voting_close", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entries_per_person", sa.Integer(), nullable=False),
        sa.Column("finalists_count", sa.Integer(), nullable=False),
        sa.Column("results_visibility", sa.String(length=16), nullable=False),
        sa.Column("draw_pool", sa.String(length=16), nullable=False),
        sa.Column("results_published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("archived", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "submissions_close > submissions_open", name=op.f("ck_campaign_submissions_window")
        ),
        sa.CheckConstraint("voting_close > voting_open", name=op.f("ck_campaign_voting_window")),
        sa.CheckConstraint(
            "voting_open >= submissions_close", name=op.f("ck_campaign_voting_after_submissions")
        ),
        sa.CheckConstraint(
            "entries_per_person BETWEEN 1 AND 20", name=op.f("ck_campaign_entries_per_person_range")
        ),
        sa.CheckConstraint(
            "finalists_count BETWEEN 2 AND 20", name=op.f("ck_campaign_finalists_count_range")
        ),
        sa.CheckConstraint(
            "results_visibility IN ('after_close', 'live')",
            name=op.f("ck_campaign_results_visibility_known"),
        ),
        sa.CheckConstraint(
            "draw_pool IN ('entrants', 'voters')", name=op.f("ck_campaign_draw_pool_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign")),
    )
    op.create_index(
        "ix_campaign_archived_submissions_open", "campaign", ["archived", "submissions_open"]
    )

    op.create_table(
        "entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("owner_key", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("reference_code", sa.String(length=20), nullable=False),
        sa.Column("submission_token", sa.String(length=36), nullable=False),
        sa.Column("proposed_name", sa.String(length=160), nullable=False),
        sa.Column("normalised_name", sa.String(length=160), nullable=False),
        sa.Column("meaning", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("review_reason", sa.Text(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("seq BETWEEN 1 AND 20", name=op.f("ck_entry_seq_range")),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected')", name=op.f("ck_entry_status_known")
        ),
        sa.CheckConstraint(
            "status != 'rejected' OR review_reason IS NOT NULL",
            name=op.f("ck_entry_rejection_has_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_entry_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_entry_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["user_account.id"],
            name=op.f("fk_entry_reviewed_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entry")),
        sa.UniqueConstraint(
            "campaign_id",
            "owner_key",
            "normalised_name",
            name=op.f("uq_entry_campaign_id_owner_key_normalised_name"),
        ),
        sa.UniqueConstraint(
            "campaign_id", "owner_key", "seq", name=op.f("uq_entry_campaign_id_owner_key_seq")
        ),
        sa.UniqueConstraint("reference_code", name=op.f("uq_entry_reference_code")),
        sa.UniqueConstraint("submission_token", name=op.f("uq_entry_submission_token")),
    )
    op.create_index(
        "ix_entry_campaign_id_status_created_at", "entry", ["campaign_id", "status", "created_at"]
    )
    op.create_index(
        "ix_entry_campaign_id_normalised_name",
        "entry",
        ["campaign_id", "normalised_name", "status"],
    )
    op.create_index("ix_entry_campaign_id_created_at", "entry", ["campaign_id", "created_at"])
    op.create_index("ix_entry_user_id", "entry", ["user_id"])

    op.create_table(
        "finalist",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("normalised_name", sa.String(length=160), nullable=False),
        sa.Column("display_name", sa.String(length=80), nullable=False),
        sa.Column("meaning", sa.Text(), nullable=False),
        sa.Column("image_path", sa.String(length=255), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("position >= 1", name=op.f("ck_finalist_position_positive")),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_finalist_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finalist")),
        sa.UniqueConstraint(
            "campaign_id", "normalised_name", name=op.f("uq_finalist_campaign_id_normalised_name")
        ),
    )
    op.create_index("ix_finalist_campaign_id_position", "finalist", ["campaign_id", "position"])

    op.create_table(
        "staff_totp",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_step", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_staff_totp_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_staff_totp")),
    )
    op.create_table(
        "staff_recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_staff_recovery_code_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_recovery_code")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_staff_recovery_code_code_hash")),
    )
    op.create_index("ix_staff_recovery_code_user_id", "staff_recovery_code", ["user_id"])


def downgrade():
    op.drop_index("ix_staff_recovery_code_user_id", table_name="staff_recovery_code")
    op.drop_table("staff_recovery_code")
    op.drop_table("staff_totp")
    op.drop_index("ix_finalist_campaign_id_position", table_name="finalist")
    op.drop_table("finalist")
    op.drop_index("ix_entry_user_id", table_name="entry")
    op.drop_index("ix_entry_campaign_id_created_at", table_name="entry")
    op.drop_index("ix_entry_campaign_id_normalised_name", table_name="entry")
    op.drop_index("ix_entry_campaign_id_status_created_at", table_name="entry")
    op.drop_table("entry")
    op.drop_index("ix_campaign_archived_submissions_open", table_name="campaign")
    op.drop_table("campaign")
