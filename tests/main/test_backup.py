"""flask backup: an online copy of the SQLite database that restores with the same rows."""

from __future__ import annotations

import sqlalchemy as sa

from app import create_app
from app.accounts.models import User
from app.extensions import db as _db
from tests.factories import UserFactory


def _counts(engine) -> dict[str, int]:
    with engine.connect() as connection:
        tables = sa.inspect(connection).get_table_names()
        return {
            t: connection.execute(sa.select(sa.func.count()).select_from(sa.table(t))).scalar()
            for t in tables
        }


def test_backup_and_restore_keep_every_row(app, app_config, runner, db, tmp_path, monkeypatch):
    for _ in range(5):
        UserFactory()
    runner.invoke(args=["seed-demo"])
    target = tmp_path / "backup.sqlite3"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    before = _counts(db.engine)
    assert before["user_account"] == 8
    # Restore: a fresh app on the copy sees the same rows.
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "restored"))
    restored = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{target}"})
    with restored.app_context():
        assert _counts(_db.engine) == before
        assert _db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 8


def test_backup_refuses_to_overwrite(runner, db, tmp_path):
    target = tmp_path / "exists.sqlite3"
    target.write_text("keep me")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code != 0
    assert target.read_text() == "keep me"
