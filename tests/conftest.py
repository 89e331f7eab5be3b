"""Shared fixtures: a fresh app and database per test, on SQLite and (when asked) PostgreSQL.

Environment:
- TEST_DATABASE_URL: a PostgreSQL URL; tests marked for both databases also run there, each in
  a schema of its own. Unset: those runs are skipped. Set but unreachable: they fail.
- TEST_REDIS_URL: a Redis URL for the tests of shared rate-limit storage (same rule).
"""

from __future__ import annotations

import os
import tempfile
import uuid

# Cheap password hashes for the whole run, servers started by tests included (they inherit
# the environment): argon2's production cost is 64 MiB and ~0.1-0.2 s per log-in.
os.environ.setdefault("ARGON2_TIME_COST", "1")
os.environ.setdefault("ARGON2_MEMORY_KIB", "8192")
# Hypothesis keeps its example database outside the working tree (it wrote ./.hypothesis).
os.environ.setdefault(
    "HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "mascot-tests-hypothesis")
)

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient

from app import create_app
from app.extensions import db as _db

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"

both_databases = pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)


@pytest.fixture
def backend(request) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture
def database(backend, tmp_path):
    """Yield (url, engine options) for a database nobody else uses."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}", {}
        return
    base_url = os.environ.get("TEST_DATABASE_URL")
    if not base_url:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL runs skipped")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield base_url, {"connect_args": {"options": f"-csearch_path={schema}"}}
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def app_config(database, tmp_path) -> dict:
    url, engine_options = database
    return {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, **engine_options},
        "MAIL_BACKEND": "locmem",
        "MAIL_FILE_PATH": str(tmp_path / "instance" / "mail"),
        "RATELIMIT_STORAGE_URI": "memory://",
        "REGISTER_MIN_SECONDS": 0,
        "STAFF_SECOND_FACTOR": False,  # tests/staff switch it on; e2e servers keep it on
        "SERVER_NAME": "localhost",
        "SITE_URL": "http://localhost",
    }


class IsolatedClient(FlaskClient):
    """Each request gets its own app context, so ``g`` and the DB session never leak between
    requests (or from the test's own context), as in production."""

    def open(self, *args, **kwargs):
        if has_app_context():
            # End the test's own transaction: its writes become visible to the request, and
            # its next read sees the request's writes (SQLite WAL reads from a snapshot).
            _db.session.commit()
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(app_config, tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("APP_ENV", raising=False)
    application = create_app(app_config)
    application.test_client_class = IsolatedClient
    with application.app_context():
        _db.create_all()  # tests only: the migrations are checked in test_migrations.py
    yield application
    with application.app_context():
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


@pytest.fixture
def bare_app(app_config, tmp_path, monkeypatch):
    """The app on an empty database, for the tests that build the schema with the migrations;
    it is taken down to the base revision afterwards."""
    from flask_migrate import downgrade

    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "inst"))
    application = create_app(app_config)
    yield application
    with application.app_context():
        _db.session.remove()
        downgrade(revision="base")
        _db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    with app.app_context():
        yield _db


@pytest.fixture
def outbox(app) -> list:
    """Messages sent during the test (Flask-Mailman's in-memory backend)."""
    mailman = app.extensions["mailman"]
    mailman.outbox = []
    return mailman.outbox


@pytest.fixture
def redis_url():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set: Redis runs skipped")
    import redis

    redis.Redis.from_url(url).ping()  # unreachable when asked for: a failure, not a skip
    return url


@pytest.fixture
def production_hasher(monkeypatch):
    """argon2 at its production cost (the config's defaults), for tests that start the app
    with APP_ENV=production."""
    monkeypatch.delenv("ARGON2_TIME_COST", raising=False)
    monkeypatch.delenv("ARGON2_MEMORY_KIB", raising=False)


# --- People: one fixture per role, each with the factories' PASSWORD ----------------------------


@pytest.fixture
def citizen(db):
    """A verified citizen with a known password."""
    from tests.factories import UserFactory

    return UserFactory(verified=True)


@pytest.fixture
def moderator(db):
    """A verified moderator (news, comments, entries under review)."""
    from tests.factories import UserFactory

    return UserFactory(verified=True, role="moderator")


@pytest.fixture
def admin(db):
    """A verified admin."""
    from tests.factories import UserFactory

    return UserFactory(verified=True, role="admin")


@pytest.fixture(autouse=True)
def _drop_pending_views(request):
    """Views a test left buffered must not be flushed at exit into a dropped database."""
    app = request.getfixturevalue("app") if "app" in request.fixturenames else None
    yield
    if app is not None:
        views = app.extensions.get("news_view_counter")
        if views is not None and views._redis is None:
            views._take()
