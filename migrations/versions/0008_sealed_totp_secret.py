"""Staff TOTP secrets stored sealed (AES-GCM under a key derived from SECRET_KEY).

The column grows to hold the sealed form, and the secrets already stored are sealed in place,
so staff keep their authenticator apps. The sealing is written out here, frozen at format
"v1", rather than imported from the app, so that this migration keeps working as the app
changes. Run it with the site's own SECRET_KEY (``flask db upgrade`` uses the app's).

Revision ID: 0008_sealed_totp_secret
Revises: 0007_entry_person_index
Create Date: 2026-11-27
"""

import base64
import os

import sqlalchemy as sa
from alembic import op
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

revision = "0008_sealed_totp_secret"
down_revision = "0007_entry_person_index"
branch_labels = None
depends_on = None

PREFIX = "v1:"


def _box() -> AESGCM:
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"mascot staff totp secret"
    ).derive(secret)
    return AESGCM(key)


def _rows():
    return op.get_bind().execute(sa.text("SELECT user_id, secret FROM staff_totp")).all()


def _write(user_id: int, value: str) -> None:
    op.get_bind().execute(
        sa.text("UPDATE staff_totp SET secret = :value WHERE user_id = :user_id"),
        {"value": value, "user_id": user_id},
    )


def upgrade():
    with op.batch_alter_table("staff_totp") as batch:
        batch.alter_column(
            "secret", existing_type=sa.String(64), type_=sa.String(255), existing_nullable=False
        )
    box = _box()
    for user_id, secret in _rows():
        if secret.startswith(PREFIX):
            continue
        nonce = os.urandom(12)
        sealed = box.encrypt(nonce, secret.encode(), f"staff_totp:{user_id}".encode())
        _write(user_id, PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode())


def downgrade():
    box = _box()
    for user_id, stored in _rows():
        if not stored.startswith(PREFIX):
            continue
        raw = base64.urlsafe_b64decode(stored.removeprefix(PREFIX))
        try:
            plain = box.decrypt(raw[:12], raw[12:], f"staff_totp:{user_id}".encode())
        except InvalidTag:
            raise RuntimeError(
                f"staff_totp row of user {user_id} does not open with this SECRET_KEY: run the "
                "downgrade with the key that sealed it (nothing was changed)"
            ) from None
        _write(user_id, plain.decode())
    with op.batch_alter_table("staff_totp") as batch:
        batch.alter_column(
            "secret", existing_type=sa.String(255), type_=sa.String(64), existing_nullable=False
        )
