"""Citizen and staff accounts."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, validates

from app.accounts.identity import canonical_email
from app.extensions import db
from app.models import TimestampMixin, utcnow


class Role(enum.StrEnum):
    CITIZEN = "citizen"
    MODERATOR = "moderator"
    ADMIN = "admin"


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "user_account"
    __table_args__ = (
        sa.CheckConstraint("role IN ('citizen', 'moderator', 'admin')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored as mail will be delivered (app/accounts/identity.py: deliverable_email).
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    # Every spelling of one mailbox has one canonical form: one account per mailbox. NULL only
    # for an account that migration 0009 found sharing a mailbox with an earlier one.
    email_canonical: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(80))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(16), default=Role.CITIZEN.value)
    email_verified_at: Mapped[datetime | None]
    disabled: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str] = mapped_column(sa.String(8), default="th")
    consent_version: Mapped[str] = mapped_column(sa.String(32))
    consented_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Bumped when the password changes, so every other session and remember cookie ends.
    session_version: Mapped[int] = mapped_column(default=1)

    @validates("email")
    def _canonical_follows_email(self, key: str, address: str) -> str:
        self.email_canonical = canonical_email(address)
        return address

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"

    @property
    def is_active(self) -> bool:
        return not self.disabled

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.MODERATOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class LoginFailure(db.Model):
    """One failed log-in for an existing account; five in 15 minutes lock further tries."""

    __tablename__ = "login_failure"
    __table_args__ = (sa.Index("ix_login_failure_user_id_created_at", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
