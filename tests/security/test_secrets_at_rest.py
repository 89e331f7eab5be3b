"""Issue 12 §7: tokens never reach a log line, a verification token does not show the address,
and the instance folder (database, mail outbox, cache) is private to the site's account."""

from __future__ import annotations

import io
import json
import logging
import os
import stat
import time
import urllib.error
import urllib.request
import zlib
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask_mailman import EmailMessage
from itsdangerous import base64_decode

from app import create_app
from app.accounts import services as account_services
from app.extensions import db as _db
from app.logging import redact
from tests.factories import UserFactory
from tests.helpers import links_in, post_form
from tests.support.servers import flask_cli, gunicorn

TOKENS = {
    "verify": "/verify/eyJpZCI6MSwiZnAiOiJhYmMifQ.aBcDeF.SiGnAtUrE-secret1",
    "reset": "/reset/eyJpZCI6MSwiZnAiOiJ4eXoifQ.aBcDeF.SiGnAtUrE-secret2",
    "feedback": "/feedback/FB-SECRETCODE0000000001",
    "track": "/feedback/track?code=FB-SECRETCODE0000000002",
}
SECRETS = ("secret1", "secret2", "SECRETCODE0000000001", "SECRETCODE0000000002")


def _payload(token: str) -> str:
    """What anyone holding a signed link can read in it (itsdangerous only signs)."""
    compressed = token.startswith(".")
    data = base64_decode(token.lstrip(".").split(".")[0])
    return (zlib.decompress(data) if compressed else data).decode()


def test_the_verification_token_does_not_show_the_address(client, db, outbox):
    email = "somsri.private@example.com"
    data = {"display_name": "สมศรี", "email": email, "password": "correct horse 42 battery"}
    post_form(client, "/register", {**data, "consent": "y"})
    (message,) = outbox
    link = next(link for link in links_in(message) if "/verify/" in link)
    payload = _payload(link.rsplit("/verify/", 1)[1])
    assert "somsri" not in payload and "example.com" not in payload
    assert len(json.loads(payload)["fp"]) == 16
    assert client.get(link).status_code == 302  # and the link still works


def test_the_reset_token_does_not_show_the_password_hash(app, db):
    user = UserFactory(verified=True)
    token = account_services.make_token(user, account_services.TokenPurpose.RESET_PASSWORD)
    payload = _payload(token)
    assert user.password_hash[-16:] not in payload
    assert user.email not in payload


@pytest.mark.parametrize("path", TOKENS.values())
def test_redact_takes_out_every_token_and_code(path):
    line = f'127.0.0.1 "GET {path} HTTP/1.1" 200'
    cleaned = redact(line)
    assert not any(secret in cleaned for secret in SECRETS)
    assert "[redacted]" in cleaned


def test_plain_paths_are_left_alone():
    for path in ("/feedback", "/feedback/track", "/reset", "/news/hello?page=2"):
        assert redact(f"GET {path} HTTP/1.1") == f"GET {path} HTTP/1.1"


def test_the_apps_own_log_lines_never_show_a_token(app, client, monkeypatch):
    """Flask logs the path of a request that failed ("Exception on /reset/<token>")."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    stream = io.StringIO()
    handler = app.logger.handlers[0]  # the stderr handler app/logging.py sets up
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(account_services, "read_token", broken)
    monkeypatch.setattr(account_services, "verify_email", broken)
    for name in ("verify", "reset"):
        assert client.get(TOKENS[name]).status_code == 500
    written = stream.getvalue()
    assert "Exception on /verify/[redacted]" in written
    assert "Exception on /reset/[redacted]" in written
    assert not any(secret in written for secret in SECRETS)


def test_gunicorn_access_log_never_shows_a_token(tmp_path):
    """A real gunicorn, started the way `make run` starts it (gunicorn.conf.py)."""
    env = {k: v for k, v in os.environ.items() if k not in {"APP_ENV", "REDIS_URL", "MAIL_SERVER"}}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
        INSTANCE_PATH=str(tmp_path / "instance"),
        SECRET_KEY="log-test-" + "k" * 40,
        MAIL_BACKEND="file",
        LOG_LEVEL="INFO",
    )
    flask_cli(env, "db", "upgrade")
    with gunicorn(env, tmp_path, workers=1) as (_proc, url, log_path):
        for path in TOKENS.values():
            try:
                urllib.request.urlopen(url + path, timeout=10).close()
            except urllib.error.HTTPError as error:
                error.close()
        written = log_path.read_text()
        for _ in range(50):  # the access line is written after the response
            if written.count("[redacted]") >= len(TOKENS):
                break
            time.sleep(0.1)
            written = log_path.read_text()
    assert written.count("[redacted]") >= len(TOKENS), written
    assert not any(secret in written for secret in SECRETS), written
    assert '"GET /feedback/track?code=[redacted] HTTP/1.1"' in written


# --- The instance folder ------------------------------------------------------------------------


@contextmanager
def _umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def fresh_instance(monkeypatch, tmp_path):
    """The app as `make run` starts it: everything in the instance folder, the usual umask."""
    instance = tmp_path / "instance"
    monkeypatch.setenv("INSTANCE_PATH", str(instance))
    for name in ("DATABASE_URL", "REDIS_URL", "APP_ENV", "SECRET_KEY", "MAIL_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    with _umask(0o022):
        app = create_app({"TESTING": True, "SITE_URL": "http://localhost"})
        with app.app_context():
            _db.create_all()
        yield app, instance
        with app.app_context():
            _db.engine.dispose()


def test_the_instance_folder_database_and_key_are_private(fresh_instance):
    _app, instance = fresh_instance
    assert _mode(instance) == 0o700
    files = [path for path in instance.iterdir() if path.is_file()]
    assert {path.name for path in files} >= {"mascot.sqlite3", "secret_key"}
    for path in files:
        assert _mode(path) == 0o600, path


def test_the_mail_outbox_is_private(fresh_instance):
    app, instance = fresh_instance
    assert app.config["MAIL_BACKEND"] == "app.mail.OutboxEmailBackend"
    with _umask(0o022), app.app_context():
        message = EmailMessage("รีเซ็ตรหัสผ่าน", "http://localhost/reset/x", to=["a@example.com"])
        assert message.send() == 1
    outbox = instance / "mail"
    (written,) = list(outbox.iterdir())
    assert _mode(outbox) == 0o700
    assert _mode(written) == 0o600


def test_the_page_cache_is_private(fresh_instance):
    app, instance = fresh_instance
    with _umask(0o022):
        client = app.test_client()
        client.get("/")
        assert client.get("/").headers.get("X-Page-Cache") == "hit"
    cache = instance / "cache"
    assert _mode(cache) == 0o700
    assert list(cache.iterdir())
    for path in cache.iterdir():
        assert _mode(path) == 0o600, path


def test_an_instance_folder_made_open_by_an_earlier_version_is_closed(monkeypatch, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    instance.chmod(0o755)
    monkeypatch.setenv("INSTANCE_PATH", str(instance))
    create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    assert _mode(instance) == 0o700
