"""factory_boy factories that add to the Flask-SQLAlchemy session and flush."""

from __future__ import annotations

import factory

from app.accounts.models import Role, User
from app.accounts.services import hash_password
from app.extensions import db
from app.models import utcnow

PASSWORD = "correct horse battery staple 42"
_PASSWORD_HASH = hash_password(PASSWORD)  # argon2 is slow on purpose: hash once per run


class UserFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        model = User
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"

    class Params:
        verified = factory.Trait(email_verified_at=factory.LazyFunction(utcnow))

    email = factory.Sequence(lambda n: f"citizen{n}@example.com")
    display_name = factory.Sequence(lambda n: f"ประชาชน {n}")
    password_hash = _PASSWORD_HASH
    role = Role.CITIZEN.value
    locale = "th"
    consent_version = "2026-11-01"
