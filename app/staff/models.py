"""The staff second factor: one TOTP secret per staff account and its recovery codes."""

from __future__ import annotations

import base64
import os
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models import utcnow


class SecretUnreadable(Exception):
    """A sealed secret that the current SECRET_KEY cannot open (the key was changed)."""


SEALED_PREFIX = "v1:"
_NONCE_BYTES = 12


def _box():
    """AES-GCM under a key derived from SECRET_KEY (so a database copy alone reveals nothing).
    cryptography is imported here, not at the top: only staff log-ins need it, and workers that
    serve citizens stay 9 MB smaller."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"mascot staff totp secret"
    ).derive(secret)
    return AESGCM(key)


class StaffTotp(db.Model):
    """A TOTP secret; ``confirmed_at`` is set once the person has entered a first code.

    The secret is stored sealed (AES-GCM under a key derived from SECRET_KEY, bound to the
    account's id), so a leaked database or backup does not hand out the staff's codes."""

    __tablename__ = "staff_totp"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    sealed_secret: Mapped[str] = mapped_column("secret", sa.String(255))
    confirmed_at: Mapped[datetime | None]
    # The last accepted 30-second step: a code cannot be used twice.
    last_step: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def _bound_to(self) -> bytes:
        return f"staff_totp:{self.user_id}".encode()

    def set_secret(self, secret: str) -> None:
        """Seal and keep ``secret`` (base32); ``user_id`` must be set first."""
        assert self.user_id is not None, "the account comes first: the seal is bound to it"
        nonce = os.urandom(_NONCE_BYTES)
        box = _box().encrypt(nonce, secret.encode(), self._bound_to())
        self.sealed_secret = SEALED_PREFIX + base64.urlsafe_b64encode(nonce + box).decode()

    @property
    def secret(self) -> str:
        """The base32 secret; SecretUnreadable when SECRET_KEY has changed since sealing."""
        stored = self.sealed_secret or ""
        if not stored.startswith(SEALED_PREFIX):
            raise SecretUnreadable("not sealed")
        from cryptography.exceptions import InvalidTag

        try:
            raw = base64.urlsafe_b64decode(stored.removeprefix(SEALED_PREFIX))
            plain = _box().decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], self._bound_to())
        except (InvalidTag, ValueError) as error:
            raise SecretUnreadable(str(error) or "the key does not open it") from None
        return plain.decode()


class RecoveryCode(db.Model):
    """A one-time recovery code, stored only as a keyed hash."""

    __tablename__ = "staff_recovery_code"
    __table_args__ = (sa.Index("ix_staff_recovery_code_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    used_at: Mapped[datetime | None]
