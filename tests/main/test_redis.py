"""With REDIS_URL, rate limits are shared by every process (here: two app instances)."""

from __future__ import annotations

import uuid

from app import create_app
from app.config import from_environment
from tests.conftest import IsolatedClient
from tests.helpers import csrf_token


def test_redis_url_selects_redis_storage(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert from_environment()["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    monkeypatch.delenv("REDIS_URL")
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    assert from_environment()["RATELIMIT_STORAGE_URI"] is None  # the shared file: app/ratelimits.py


def test_login_limit_holds_across_two_instances(app_config, redis_url, tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "inst"))
    config = {
        **app_config,
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "RATELIMIT_LOGIN": "3 per minute",
    }
    first, second = create_app(config), create_app(config)
    for application in (first, second):
        application.test_client_class = IsolatedClient
        with application.app_context():
            from app.extensions import db

            db.create_all()
    one, two = first.test_client(), second.test_client()
    token_one, token_two = csrf_token(one), csrf_token(two)

    def attempt(client, token):
        data = {"csrf_token": token, "email": "x@example.com", "password": "x"}
        return client.post("/login", data=data).status_code

    assert [attempt(one, token_one), attempt(two, token_two), attempt(one, token_one)] == [400] * 3
    assert attempt(two, token_two) == 429
