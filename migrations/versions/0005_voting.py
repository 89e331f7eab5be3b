"""Voting: votes, the running tally, the published results and the prize draw.

Revision ID: 0005_voting
Revises: 0004_contest
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_voting"
down_revision = "0004_contest"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("finalist_id", sa.Integer(), nullable=False),
        sa.Column("voter_key", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("reference_code", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("client_key", sa.String(length=64), nullable=True),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaign.id"], name=op.f("fk_vote_campaign_id_campaign"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["finalist_id"], ["finalist.id"], name=op.f("fk_vote_finalist_id_finalist"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_vote_user_id_user_account"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vote")),
        sa.UniqueConstraint("campaign_id", "voter_key", name=op.f("uq_vote_campaign_id_voter_key")),
        sa.UniqueConstraint("reference_code", name=op.f("uq_vote_reference_code")),
    )
    op.create_index("ix_vote_campaign_id_finalist_id_id", "vote", ["campaign_id", "finalist_id", "id"])
    op.create_index("ix_vote_campaign_id_created_at", "vote", ["campaign_id", "created_at"])
    op.create_index("ix_vote_campaign_id_client_key", "vote", ["campaign_id", "client_key"])
    op.create_index("ix_vote_user_id", "vote", ["user_id"])

    op.create_table(
        "vote_tally",
        sa.Column("finalist_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.Column("last_vote_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaign.id"], name=op.f("fk_vote_tally_campaign_id_campaign"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["finalist_id"], ["finalist.id"], name=op.f("fk_vote_tally_finalist_id_finalist"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("finalist_id", name=op.f("pk_vote_tally")),
    )
    op.create_index(op.f("ix_vote_tally_campaign_id"), "vote_tally", ["campaign_id"])

    op.create_table(
        "result_snapshot",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaign.id"], name=op.f("fk_result_snapshot_campaign_id_campaign"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("campaign_id", name=op.f("pk_result_snapshot")),
    )

    op.create_table(
        "prize_draw",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("pool_kind", sa.String(length=16), nullable=False),
        sa.Column("seed_source", sa.Text(), nullable=False),
        sa.Column("announced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seed", sa.String(length=200), nullable=True),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("digest", sa.String(length=64), nullable=True),
        sa.Column("pool", sa.JSON(), nullable=True),
        sa.Column("excluded_codes", sa.JSON(), nullable=False),
        sa.Column("winner_code", sa.String(length=20), nullable=True),
        sa.Column("winner_masked_name", sa.String(length=200), nullable=True),
        sa.Column("redraw_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaign.id"], name=op.f("fk_prize_draw_campaign_id_campaign"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prize_draw")),
        sa.UniqueConstraint("campaign_id", "attempt", name=op.f("uq_prize_draw_campaign_id_attempt")),
    )


def downgrade():
    op.drop_table("prize_draw")
    op.drop_table("result_snapshot")
    op.drop_index(op.f("ix_vote_tally_campaign_id"), table_name="vote_tally")
    op.drop_table("vote_tally")
    op.drop_index("ix_vote_user_id", table_name="vote")
    op.drop_index("ix_vote_campaign_id_client_key", table_name="vote")
    op.drop_index("ix_vote_campaign_id_created_at", table_name="vote")
    op.drop_index("ix_vote_campaign_id_finalist_id_id", table_name="vote")
    op.drop_table("vote")
