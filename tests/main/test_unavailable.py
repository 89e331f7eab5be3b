"""When a backing service is down: the database gives a 503 page, Redis is done without."""

from __future__ import annotations

import socket

import pytest
import sqlalchemy as sa

from app.extensions import db as _db
from app.news.models import Post
from tests.news.conftest import BROWSER, make_post


def test_an_unreachable_database_gives_a_translated_503_with_retry_after(app, client, db):
    @app.get("/_test/db-down")
    def db_down():
        raise sa.exc.OperationalError(
            "SELECT 1", {}, Exception("connection to server at 127.0.0.1 failed")
        )

    response = client.get("/_test/db-down")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "ขณะนี้ระบบไม่พร้อมให้บริการชั่วคราว" in response.get_data(as_text=True)
    english = client.get("/_test/db-down?lang=en").get_data(as_text=True)
    assert "The service is busy for a moment" in english


def test_a_database_failure_while_loading_the_user_is_503_not_500(app, client, db, monkeypatch):
    from app.accounts import services as accounts

    with client.session_transaction() as session:
        session["_user_id"] = "1:1"

    def down(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(accounts, "load_user", down)
    response = client.get("/account")
    assert response.status_code == 503


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again on return: nothing listens there


@pytest.fixture
def app_config(app_config):
    # Redis named but unreachable; the rate-limit storage stays in memory as in other tests.
    return {
        **app_config,
        "REDIS_URL": f"redis://127.0.0.1:{_closed_port()}/0",
        "NEWS_VIEW_FLUSH_EVERY": 10**9,
        "NEWS_VIEW_FLUSH_SECONDS": 10**9,
    }


def test_with_redis_unreachable_pages_serve_and_views_are_counted_in_memory(app, db):
    post = make_post()
    for _ in range(3):
        response = app.test_client().get("/news/hello", headers=BROWSER)
        assert response.status_code == 200
        assert response.headers.get("X-Page-Cache") is None  # the cache is skipped, not fatal
    for path in ("/", "/results", "/news"):
        assert app.test_client().get(path).status_code == 200
    views = app.extensions["news_view_counter"]
    assert views.pending(post.id) == 3
    assert views.flush() == 3
    _db.session.commit()
    assert _db.session.get(Post, post.id).view_count == 3
