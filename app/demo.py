"""Demo content for a local site. Each feature adds its seeder (app/hooks.py); every step is
safe to repeat."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, g

from app.accounts import services as accounts
from app.accounts.models import User
from app.extensions import db
from app.hooks import hooks
from app.models import utcnow

# Known to anyone who reads this file: seed-demo refuses to run in production.
DEMO_PASSWORD = "demo-mascot-password-2553"  # noqa: S105
DEMO_CITIZENS = [
    ("สมศรี ใจดี", "somsri@example.com"),
    ("Somchai P.", "somchai@example.com"),
    ("น้องมะลิ", "mali@example.com"),
]


#: What ``flask seed-demo --phase P`` can show: proposals open; voting open; voting closed
#: with the results and the prize draw left to staff; the contest over, results published
#: and the prize draw made.
PHASES = ("submissions", "voting", "counting", "closed")


class DemoRefused(RuntimeError):
    pass


def demo_password_hash() -> str:
    """One argon2 hash of the demo password, shared by every demo account made in this run:
    hashing is the slow part (about 0.15 s each at production cost), the password is public."""
    if "demo_password_hash" not in g:
        g.demo_password_hash = accounts.hash_password(DEMO_PASSWORD)
    return g.demo_password_hash


def seed_citizens(people: list[tuple[str, str]] = DEMO_CITIZENS) -> int:
    """Demo accounts (verified, consent given) for ``people``, (display name, e-mail) pairs."""
    added = 0
    for name, email in people:
        if accounts.find_user_by_email(email) is not None:
            continue
        user = User(
            email=email,
            display_name=name,
            password_hash=demo_password_hash(),
            consent_version=current_app.config["PRIVACY_NOTICE_VERSION"],
            email_verified_at=utcnow(),
        )
        db.session.add(user)
        added += 1
    db.session.flush()
    return added


def seed(phase: str = "submissions") -> str:
    """Add the demo content that is missing; return a short summary for the terminal."""
    if current_app.config.get("APP_ENV") == "production":
        raise DemoRefused("seed-demo refuses to run with APP_ENV=production")
    if phase not in PHASES:
        raise DemoRefused(f"unknown demo phase {phase!r}: one of {', '.join(PHASES)}")
    lines = [f"{seed_citizens()} new demo citizens"]
    db.session.commit()
    for seeder in hooks().seeders:  # what the features added in their init_app
        lines.append(seeder(phase))
        db.session.commit()
    lines.append(f"Log in as {DEMO_CITIZENS[0][1]} with the password {DEMO_PASSWORD}")
    return "Demo content ready: " + "; ".join(lines)


def database_is_empty() -> bool:
    return db.session.scalar(sa.select(User.id).limit(1)) is None
