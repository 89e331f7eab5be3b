"""The reviewed migrations build exactly the schema the models describe, and go back down."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.conftest import both_databases


@both_databases
def test_upgrade_matches_the_models_and_downgrade_empties(bare_app):
    with bare_app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        downgrade(revision="base")
        tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()


@both_databases
def test_stored_totp_secrets_are_sealed_in_place_and_unsealed_going_back(bare_app):
    from app.staff.models import StaffTotp

    plain = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    with bare_app.app_context():
        upgrade(revision="0007_entry_person_index")
        with db.engine.begin() as connection:
            user_id = connection.execute(
                sa.text(
                    "INSERT INTO user_account (email, display_name, password_hash, role, locale, "
                    "consent_version, consented_at, created_at, updated_at, session_version, disabled) "
                    "VALUES ('a@example.com', 'A', 'x', 'admin', 'th', 'v', :now, :now, :now, 1, false) "
                    "RETURNING id"
                ),
                {"now": "2026-11-27 10:00:00"},
            ).scalar_one()
            connection.execute(
                sa.text(
                    "INSERT INTO staff_totp (user_id, secret, last_step, created_at) "
                    "VALUES (:id, :secret, 0, :now)"
                ),
                {"id": user_id, "secret": plain, "now": "2026-11-27 10:00:00"},
            )
        upgrade()
        stored = db.session.scalar(sa.text("SELECT secret FROM staff_totp"))
        assert stored.startswith("v1:") and plain not in stored
        assert db.session.get(StaffTotp, user_id).secret == plain
        db.session.remove()
        downgrade(revision="0007_entry_person_index")
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT secret FROM staff_totp")).scalar() == plain
        downgrade(revision="base")
