"""Demo content for a local site. Each feature adds its part; every step is safe to repeat."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app

from app.accounts import services as accounts
from app.accounts.models import User
from app.extensions import db
from app.models import utcnow

# Known to anyone who reads this file: seed-demo refuses to run in production.
DEMO_PASSWORD = "demo-mascot-password-2553"  # noqa: S105
DEMO_CITIZENS = [
    ("สมศรี ใจดี", "somsri@example.com"),
    ("Somchai P.", "somchai@example.com"),
    ("น้องมะลิ", "mali@example.com"),
]


class DemoRefused(RuntimeError):
    pass


def seed_citizens() -> int:
    added = 0
    for name, email in DEMO_CITIZENS:
        if accounts.find_user_by_email(email) is not None:
            continue
        user = User(
            email=email,
            display_name=name,
            password_hash=accounts.hash_password(DEMO_PASSWORD),
            consent_version=current_app.config["PRIVACY_NOTICE_VERSION"],
            email_verified_at=utcnow(),
        )
        db.session.add(user)
        added += 1
    db.session.flush()
    return added


#: Features add a function ``seeder(phase) -> str`` (a line for the summary), run in order
#: after the demo citizens exist. Each must be safe to run twice.
SEEDERS: list[Callable[[str], str]] = []


def add_seeder(seeder: Callable[[str], str]) -> None:
    if seeder not in SEEDERS:
        SEEDERS.append(seeder)


def seed(phase: str = "submissions") -> str:
    """Add the demo content that is missing; return a short summary for the terminal."""
    if current_app.config.get("APP_ENV") == "production":
        raise DemoRefused("seed-demo refuses to run with APP_ENV=production")
    lines = [f"{seed_citizens()} new demo citizens"]
    db.session.commit()
    for seeder in SEEDERS:
        lines.append(seeder(phase))
        db.session.commit()
    lines.append(f"Log in as {DEMO_CITIZENS[0][1]} with the password {DEMO_PASSWORD}")
    return "Demo content ready: " + "; ".join(lines)


def database_is_empty() -> bool:
    return db.session.scalar(sa.select(User.id).limit(1)) is None
