"""Mail backends: the .eml outbox by default, and SMTP to a real server on loopback."""

from __future__ import annotations

import email
import email.policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app import create_app
from app.accounts.models import User
from app.extensions import db as _db
from app.mail import send_mail
from tests.conftest import IsolatedClient
from tests.helpers import register
from tests.support.servers import free_port


class _Collect:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


@pytest.fixture
def smtp_server():
    handler = _Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


@pytest.fixture(autouse=True)
def _own_instance_folder(tmp_path, monkeypatch):
    # The apps built here are not the `app` fixture's: without this they would write their
    # cache and outbox into the working tree's instance/.
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "inst"))


def test_file_outbox_is_the_default(app_config, tmp_path, monkeypatch):
    monkeypatch.delenv("MAIL_SERVER", raising=False)
    monkeypatch.delenv("MAIL_BACKEND", raising=False)
    config = {k: v for k, v in app_config.items() if not k.startswith("MAIL_")}
    app = create_app(config)
    assert app.config["MAIL_BACKEND"] == "app.mail.OutboxEmailBackend"
    with app.test_request_context():
        send_mail("someone@example.com", "reset_password", "th", user=_Stub(), link="http://x/r/1")
    (eml,) = (tmp_path / "inst" / "mail").glob("*.eml")
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert message["To"] == "someone@example.com"
    assert message["Subject"].strip() == "ตั้งรหัสผ่านใหม่"  # folded after "Subject:"
    assert "http://x/r/1" in message.get_content()


class _Stub:
    display_name = "สมใจ"


def _smtp_app(app_config, port):
    """Flask-Mailman reads its settings at start-up: build an app that talks SMTP."""
    app = create_app(
        {**app_config, "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port}
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        _db.create_all()
    return app


def test_registration_mail_goes_through_a_real_smtp_server(app_config, smtp_server):
    controller, handler = smtp_server
    client = _smtp_app(app_config, controller.port).test_client()

    response = register(
        client,
        display_name="ส่งจริง",
        email="smtp@example.com",
        password="correct horse battery 42 loopback",
    )
    assert response.status_code == 302
    (message,) = handler.messages
    assert message["To"] == "smtp@example.com"
    assert "/verify/" in message.get_content()


def test_an_unreachable_smtp_server_does_not_lose_the_account(app_config):
    app = _smtp_app(app_config, free_port())
    client = app.test_client()

    response = register(
        client,
        display_name="ไม่มีเมล",
        email="nomail@example.com",
        password="correct horse battery 42 offline",
    )
    assert response.status_code == 302
    with app.app_context():
        assert _db.session.scalar(sa.select(User).where(User.email == "nomail@example.com"))
