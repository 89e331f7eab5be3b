"""The view counter: which loads count, buffering, concurrency, Redis, flush on exit."""

from __future__ import annotations

import os
import signal
import threading
import time
import urllib.request
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.news import counter
from app.news.models import Post
from tests.conftest import both_databases
from tests.news.conftest import BROWSER, BROWSER_UA, make_post
from tests.support.servers import flask_cli, gunicorn

GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


@pytest.fixture
def app_config(app_config):
    # Never flush by itself during a test: the tests decide when.
    return {**app_config, "NEWS_VIEW_FLUSH_EVERY": 10**9, "NEWS_VIEW_FLUSH_SECONDS": 10**9}


def stored(db, post_id: int) -> int:
    db.session.commit()  # end the snapshot: see what the flush wrote
    return db.session.scalar(sa.select(Post.view_count).where(Post.id == post_id))


def test_a_browser_get_counts_once_per_30_minutes(app, client, db, post):
    client.get("/news/hello", headers=BROWSER)
    html = client.get("/news/hello?lang=en", headers=BROWSER).get_data(as_text=True)
    assert "views: 1" in html  # the reload did not count; pending counts are shown
    assert stored(db, post.id) == 0  # nothing written per view
    assert app.extensions["news_view_counter"].flush() == 1
    assert stored(db, post.id) == 1


def test_the_30_minutes_run_out(app, client, db, post, monkeypatch):
    client.get("/news/hello", headers=BROWSER)
    later = time.time() + counter.REVISIT_SECONDS + 1
    monkeypatch.setattr(counter.time, "time", lambda: later)
    client.get("/news/hello", headers=BROWSER)
    assert app.extensions["news_view_counter"].pending(post.id) == 2


def test_different_visitors_count_separately(app, db, post):
    for _ in range(3):
        app.test_client().get("/news/hello", headers=BROWSER)
    assert app.extensions["news_view_counter"].pending(post.id) == 3


@pytest.mark.parametrize(
    "headers",
    [
        {"User-Agent": GOOGLEBOT},
        {"User-Agent": "curl/8.5.0"},
        {"User-Agent": "python-requests/2.32"},
        {"User-Agent": ""},
        {"User-Agent": BROWSER_UA, "Sec-Purpose": "prefetch;prerender"},
        {"User-Agent": BROWSER_UA, "Purpose": "prefetch"},
        {"User-Agent": BROWSER_UA, "X-Moz": "prefetch"},
    ],
)
def test_bots_and_prefetches_do_not_count(app, client, db, post, headers):
    assert client.get("/news/hello", headers=headers).status_code == 200
    assert app.extensions["news_view_counter"].pending(post.id) == 0


def test_head_does_not_count(app, client, db, post):
    assert client.head("/news/hello", headers=BROWSER).status_code == 200
    assert app.extensions["news_view_counter"].pending(post.id) == 0


def test_a_forged_cookie_is_ignored(app, client, db, post):
    client.set_cookie(counter.COOKIE_NAME, "not-signed", path="/news")
    client.get("/news/hello", headers=BROWSER)
    assert app.extensions["news_view_counter"].pending(post.id) == 1


def test_counting_can_be_switched_off(app, client, db, post):
    app.extensions["news_view_counter"].enabled = False
    client.get("/news/hello", headers=BROWSER)
    assert app.extensions["news_view_counter"].pending(post.id) == 0


def test_flush_every_n_hits(app, db, post):
    views = app.extensions["news_view_counter"]
    views.flush_every = 5
    for _ in range(12):
        views.add(post.id)
    assert stored(db, post.id) == 10
    assert views.pending(post.id) == 2


def test_a_failed_flush_keeps_the_counts(app, db, post, monkeypatch):
    views = app.extensions["news_view_counter"]
    views.add(post.id, 4)

    class Broken:
        def begin(self):
            raise sa.exc.OperationalError("UPDATE", {}, Exception("database is locked"))

    monkeypatch.setattr(counter, "db", SimpleNamespace(engine=Broken()))
    assert views.flush() == 0
    monkeypatch.undo()
    assert views.pending(post.id) == 4
    assert views.flush() == 4
    assert stored(db, post.id) == 4


def test_flush_all_is_what_exit_hooks_call(app, db, post):
    app.extensions["news_view_counter"].add(post.id, 3)
    assert counter.flush_all() >= 3
    assert stored(db, post.id) == 3


@both_databases
def test_concurrent_views_and_flushes_lose_nothing(app, db, backend):
    posts = [make_post(slug=f"c{i}").id for i in range(3)]
    views = app.extensions["news_view_counter"]
    views.flush_every = 7  # flushes happen while other threads add
    threads, per_thread = 8, 50

    def work(n: int) -> None:
        for i in range(per_thread):
            views.add(posts[(n + i) % 3])

    pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    views.flush()
    total = sum(stored(db, pid) for pid in posts)
    assert total == threads * per_thread


@both_databases
def test_concurrent_page_loads_count_exactly(app, db, backend):
    post_id = make_post(slug="busy").id

    def visit() -> None:
        client = app.test_client()
        for _ in range(5):
            client.get("/news/busy", headers=BROWSER)  # same browser: counted once
            client.delete_cookie(counter.COOKIE_NAME, path="/news")  # a new visitor

    pool = [threading.Thread(target=visit) for _ in range(6)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    app.extensions["news_view_counter"].flush()
    assert stored(db, post_id) == 30


@pytest.mark.redis
def test_redis_buffer_is_shared_and_flushed(app_config, redis_url, tmp_path, monkeypatch):
    import redis

    from app import create_app
    from app.extensions import db as _db

    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    config = {**app_config, "REDIS_URL": redis_url, "NEWS_VIEW_FLUSH_SECONDS": 3600}
    first, second = create_app(config), create_app(config)  # two "processes"
    views = first.extensions["news_view_counter"]
    assert views.pending_key == second.extensions["news_view_counter"].pending_key
    store = redis.Redis.from_url(redis_url)
    store.delete(views.pending_key, views.lock_key)
    with first.app_context():
        _db.create_all()
        post_id = make_post(slug="shared").id
    try:
        # Another process flushed a moment ago: nobody flushes during this test.
        store.set(views.lock_key, "1", ex=3600)
        first.test_client().get("/news/shared", headers=BROWSER)
        second.test_client().get("/news/shared", headers=BROWSER)
        assert first.extensions["news_view_counter"].pending(post_id) == 2
        html = second.test_client().get("/news/shared?lang=en", headers=BROWSER)
        assert "views: 3" in html.get_data(as_text=True)
        assert second.extensions["news_view_counter"].flush() == 3
        with first.app_context():
            assert _db.session.scalar(sa.select(Post.view_count)) == 3
    finally:
        store.delete(views.pending_key, views.lock_key)
        with first.app_context():
            _db.drop_all()
            _db.engine.dispose()


# --- a real gunicorn: no count is lost on a graceful stop -----------------------------------


def _get(url: str, cookie: str | None = None) -> int:
    request = urllib.request.Request(url, headers={"User-Agent": BROWSER_UA})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP])
def test_gunicorn_graceful_stop_or_reload_keeps_every_count(tmp_path, stop):
    database = tmp_path / "live.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "APP_ENV", "DATABASE_URL"}}
    env.update(
        {
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": f"sqlite:///{database}",
            "SECRET_KEY": "gunicorn-test-secret-key-0123456789abcdef",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    flask_cli(env, "db", "upgrade")
    engine = sa.create_engine(f"sqlite:///{database}")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO post (slug, title_th, title_en, body_th, body_en, html_th, html_en,"
                " summary_th, summary_en, search_text, title_words, published_at, image_alt,"
                " view_count, comment_count, created_at, updated_at) VALUES ('live', 'ข่าว', 'News',"
                " '', '', '', '', '', '', '', '', '2020-01-01 00:00:00+00:00', '', 0, 0,"
                " '2020-01-01 00:00:00+00:00', '2020-01-01 00:00:00+00:00')"
            )
        )
    with gunicorn(env, tmp_path, workers=2, extra_args=("--no-control-socket",)) as started:
        proc, base, log_path = started
        hits = 40
        for _ in range(hits):  # no cookie kept: each request is a new visitor
            assert _get(base + "/news/live") == 200
        proc.send_signal(stop)
        if stop == signal.SIGHUP:
            time.sleep(0.5)
            deadline = time.monotonic() + 30
            while True:  # new workers answer once the old ones have gone
                try:
                    if _get(base + "/healthz") == 200:
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline
                time.sleep(0.1)
            time.sleep(1)
            proc.terminate()
        proc.wait(timeout=40)
    with engine.connect() as conn:
        count = conn.execute(sa.text("SELECT view_count FROM post WHERE slug = 'live'")).scalar()
    engine.dispose()
    assert count == hits, log_path.read_text(errors="replace")[-3000:]
