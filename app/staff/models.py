"""The staff second factor: one TOTP secret per staff account and its recovery codes."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models import utcnow


class StaffTotp(db.Model):
    """A TOTP secret; ``confirmed_at`` is set once the person has entered a first code."""

    __tablename__ = "staff_totp"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    secret: Mapped[str] = mapped_column(sa.String(64))
    confirmed_at: Mapped[datetime | None]
    # The last accepted 30-second step: a code cannot be used twice.
    last_step: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecoveryCode(db.Model):
    """A one-time recovery code, stored only as a keyed hash."""

    __tablename__ = "staff_recovery_code"
    __table_args__ = (sa.Index("ix_staff_recovery_code_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    used_at: Mapped[datetime | None]
