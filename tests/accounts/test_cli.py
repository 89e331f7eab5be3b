"""flask create-admin."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import User
from tests.factories import UserFactory

GOOD = "an admin horse battery staple 7"


def _user(db, email):
    return db.session.scalar(sa.select(User).where(User.email == email))


def test_create_admin_from_stdin(runner, db):
    result = runner.invoke(
        args=["create-admin", "Boss@Example.com", "--password-stdin"], input=GOOD + "\n"
    )
    assert result.exit_code == 0, result.output
    user = _user(db, "boss@example.com")
    assert user.role == "admin" and user.is_verified


def test_create_admin_with_a_prompt(runner, db):
    result = runner.invoke(args=["create-admin", "p@example.com"], input=f"{GOOD}\n{GOOD}\n")
    assert result.exit_code == 0, result.output
    assert _user(db, "p@example.com").role == "admin"


def test_create_admin_promotes_an_existing_citizen(runner, db):
    citizen = UserFactory(email="c@example.com")
    result = runner.invoke(args=["create-admin", "c@example.com", "--password-stdin"], input=GOOD)
    assert result.exit_code == 0, result.output
    db.session.refresh(citizen)
    assert citizen.role == "admin"


def test_create_admin_refuses_weak_password_and_bad_address(runner, db):
    weak = runner.invoke(args=["create-admin", "w@example.com", "--password-stdin"], input="abc\n")
    assert weak.exit_code != 0
    bad = runner.invoke(args=["create-admin", "not-an-email", "--password-stdin"], input=GOOD)
    assert bad.exit_code != 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_seed_demo_is_safe_to_run_twice(runner, db):
    first = runner.invoke(args=["seed-demo"])
    second = runner.invoke(args=["seed-demo"])
    assert first.exit_code == second.exit_code == 0
    count = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    assert count == 3
    skipped = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "already" in skipped.output


def test_seed_demo_refuses_production(app, runner, db):
    app.config["APP_ENV"] = "production"
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0
