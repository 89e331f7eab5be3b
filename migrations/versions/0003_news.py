"""News: posts, tags, comments, comment reports, trackbacks, moderation words.

Revision ID: 0003_news
Revises: 0002_audit
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_news"
down_revision = "0002_audit"
branch_labels = None
depends_on = None

STATUS_CHECK = "status IN ('pending', 'approved', 'hidden', 'spam')"


def upgrade():
    op.create_table(
        "tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag")),
        sa.UniqueConstraint("name", name=op.f("uq_tag_name")),
    )
    op.create_table(
        "post",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("title_th", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("body_th", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("html_th", sa.Text(), nullable=False),
        sa.Column("html_en", sa.Text(), nullable=False),
        sa.Column("summary_th", sa.String(length=300), nullable=False),
        sa.Column("summary_en", sa.String(length=300), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("title_words", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("image_path", sa.String(length=200), nullable=True),
        sa.Column("image_alt", sa.String(length=200), nullable=False),
        sa.Column("view_count", sa.Integer(), nullable=False),
        sa.Column("comment_count", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("view_count >= 0", name=op.f("ck_post_view_count_positive")),
        sa.CheckConstraint("comment_count >= 0", name=op.f("ck_post_comment_count_positive")),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_post_author_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post")),
        sa.UniqueConstraint("slug", name=op.f("uq_post_slug")),
    )
    op.create_index("ix_post_published_at", "post", ["published_at"])
    op.create_index(op.f("ix_post_author_id"), "post", ["author_id"])
    op.create_table(
        "post_tag",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"], ["post.id"], name=op.f("fk_post_tag_post_id_post"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tag.id"], name=op.f("fk_post_tag_tag_id_tag"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("post_id", "tag_id", name=op.f("pk_post_tag")),
    )
    op.create_index("ix_post_tag_tag_id", "post_tag", ["tag_id"])
    op.create_table(
        "comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("held_reason", sa.String(length=32), nullable=True),
        sa.Column("report_count", sa.Integer(), nullable=False),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(STATUS_CHECK, name=op.f("ck_comment_status_known")),
        sa.CheckConstraint("report_count >= 0", name=op.f("ck_comment_report_count_positive")),
        sa.ForeignKeyConstraint(
            ["post_id"], ["post.id"], name=op.f("fk_comment_post_id_post"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_comment_author_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["comment.id"],
            name=op.f("fk_comment_parent_id_comment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment")),
    )
    op.create_index("ix_comment_post_id_status", "comment", ["post_id", "status"])
    op.create_index("ix_comment_author_id_created_at", "comment", ["author_id", "created_at"])
    op.create_index("ix_comment_status", "comment", ["status"])
    op.create_index(op.f("ix_comment_parent_id"), "comment", ["parent_id"])
    op.create_table(
        "comment_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comment.id"],
            name=op.f("fk_comment_report_comment_id_comment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_comment_report_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment_report")),
        sa.UniqueConstraint(
            "comment_id", "user_id", name=op.f("uq_comment_report_comment_id_user_id")
        ),
    )
    op.create_index(op.f("ix_comment_report_user_id"), "comment_report", ["user_id"])
    op.create_table(
        "trackback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("excerpt", sa.String(length=255), nullable=False),
        sa.Column("blog_name", sa.String(length=200), nullable=False),
        sa.Column("ip_address", sa.String(length=45), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(STATUS_CHECK, name=op.f("ck_trackback_status_known")),
        sa.ForeignKeyConstraint(
            ["post_id"], ["post.id"], name=op.f("fk_trackback_post_id_post"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trackback")),
    )
    op.create_index("ix_trackback_post_id_status", "trackback", ["post_id", "status"])
    op.create_table(
        "moderation_word",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("word", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_word")),
        sa.UniqueConstraint("word", name=op.f("uq_moderation_word_word")),
    )


def downgrade():
    op.drop_table("moderation_word")
    op.drop_index("ix_trackback_post_id_status", table_name="trackback")
    op.drop_table("trackback")
    op.drop_index(op.f("ix_comment_report_user_id"), table_name="comment_report")
    op.drop_table("comment_report")
    op.drop_index(op.f("ix_comment_parent_id"), table_name="comment")
    op.drop_index("ix_comment_status", table_name="comment")
    op.drop_index("ix_comment_author_id_created_at", table_name="comment")
    op.drop_index("ix_comment_post_id_status", table_name="comment")
    op.drop_table("comment")
    op.drop_index("ix_post_tag_tag_id", table_name="post_tag")
    op.drop_table("post_tag")
    op.drop_index(op.f("ix_post_author_id"), table_name="post")
    op.drop_index("ix_post_published_at", table_name="post")
    op.drop_table("post")
    op.drop_table("tag")
