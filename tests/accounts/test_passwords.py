"""The password rule, and the argon2 hashing."""

from __future__ import annotations

import pytest

from app.accounts.services import check_password, hash_password, password_problems


@pytest.mark.parametrize(
    ("password", "inputs"),
    [
        ("short", []),
        ("password123", []),
        ("qwertyuiop", []),
        ("somchai@example.com", ["somchai@example.com"]),
        ("Somchai-is-my-password!", ["somchai@example.com"]),
        ("x" * 129, []),
    ],
)
def test_weak_passwords(app, password, inputs):
    with app.test_request_context():
        assert password_problems(password, inputs)


@pytest.mark.parametrize(
    "password",
    ["correct horse battery staple 42", "ทดลอง correct horse battery 42", "v9#Lq2!mZr7@"],
)
def test_strong_passwords(app, password):
    with app.test_request_context():
        assert password_problems(password, ["someone@example.com", "ประชาชน"]) == []


def test_argon2_hash_verifies_only_the_right_password(app):
    class Holder:
        password_hash = ""

    with app.app_context():  # the app's hasher, at the cost its config sets
        Holder.password_hash = hash_password("correct horse battery staple 42")
        assert Holder.password_hash.startswith("$argon2id$")
        assert check_password(Holder, "correct horse battery staple 42")
        assert not check_password(Holder, "correct horse battery staple 43")
        Holder.password_hash = "not-a-hash"
        assert not check_password(Holder, "anything")
