"""Voting extensions: once voting has opened, its close may only move later, with a reason
that the results page publishes ("voting was extended to … because …").

Revision ID: 0010_voting_extension
Revises: 0009_canonical_email
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_voting_extension"
down_revision = "0009_canonical_email"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "voting_extension",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("previous_close", sa.DateTime(timezone=True), nullable=False),
        sa.Column("new_close", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("new_close > previous_close", name=op.f("ck_voting_extension_extends")),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_voting_extension_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voting_extension")),
    )
    op.create_index("ix_voting_extension_campaign_id", "voting_extension", ["campaign_id"])


def downgrade():
    op.drop_index("ix_voting_extension_campaign_id", table_name="voting_extension")
    op.drop_table("voting_extension")
