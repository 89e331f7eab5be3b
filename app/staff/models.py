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
    """A sealed secret that neither SECRET_KEY nor SECRET_KEY_FALLBACKS opens."""


SEALED_PREFIX = "v1:"
_NONCE_BYTES = 12


def signing_keys() -> list[bytes]:
    """SECRET_KEY, then Flask's SECRET_KEY_FALLBACKS (earlier keys, while moving to a new one)."""
    keys = [
        current_app.config["SECRET_KEY"],
        *(current_app.config.get("SECRET_KEY_FALLBACKS") or []),
    ]
    return [key.encode() if isinstance(key, str) else key for key in keys if key]


def _box(key: bytes):
    """AES-GCM under a key derived from ``key`` (so a database copy alone reveals nothing).
    cryptography is imported here, not at the top: only staff log-ins need it, and workers that
    serve citizens stay 9 MB smaller."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"mascot staff totp secret"
    ).derive(key)
    return AESGCM(derived)


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
        box = _box(signing_keys()[0]).encrypt(nonce, secret.encode(), self._bound_to())
        self.sealed_secret = SEALED_PREFIX + base64.urlsafe_b64encode(nonce + box).decode()

    @property
    def secret(self) -> str:
        """The base32 secret. Sealed with a fallback key, it is sealed again with SECRET_KEY
        (the caller's commit keeps that). SecretUnreadable when no key opens it."""
        stored = self.sealed_secret or ""
        if not stored.startswith(SEALED_PREFIX):
            raise SecretUnreadable("not sealed")
        from cryptography.exceptions import InvalidTag

        try:
            raw = base64.urlsafe_b64decode(stored.removeprefix(SEALED_PREFIX))
        except ValueError:
            raise SecretUnreadable("not base64") from None
        nonce, box = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
        for index, key in enumerate(signing_keys()):
            try:
                plain = _box(key).decrypt(nonce, box, self._bound_to()).decode()
            except (InvalidTag, ValueError):
                continue
            if index:
                self.set_secret(plain)
            return plain
        raise SecretUnreadable("no key opens it")


class RecoveryCode(db.Model):
    """A one-time recovery code, stored only as a keyed hash."""

    __tablename__ = "staff_recovery_code"
    __table_args__ = (sa.Index("ix_staff_recovery_code_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    used_at: Mapped[datetime | None]
