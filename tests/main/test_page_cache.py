"""The anonymous page cache (app/cache/): what it serves, to whom, and when it lets go."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app import cache as page_cache
from app.extensions import db as _db
from app.news import services
from app.news.models import Comment, Status
from tests.factories import PASSWORD
from tests.helpers import login
from tests.news.conftest import BROWSER, make_post


def state(response) -> str | None:
    return response.headers.get("X-Page-Cache")


def test_an_anonymous_page_is_rendered_once_then_served_from_the_cache(client, db):
    first, second = client.get("/"), client.get("/")
    assert (state(first), state(second)) == ("miss", "hit")
    assert first.get_data() == second.get_data()
    assert "session=" not in " ".join(second.headers.getlist("Set-Cookie"))
    # The site's headers are set on a served copy as on a rendered page.
    assert "frame-ancestors" in second.headers["Content-Security-Policy"]


def test_each_language_has_its_own_copy(client, db):
    client.get("/")
    client.set_cookie("lang", "en")
    english = client.get("/")
    assert state(english) == "miss"
    assert 'lang="en"' in english.get_data(as_text=True)


def test_publishing_a_post_shows_at_once(client, db):
    client.get("/")
    assert state(client.get("/")) == "hit"
    make_post(slug="fresh", title_th="ข่าวใหม่ล่าสุดวันนี้")
    page = client.get("/")
    assert state(page) == "miss"
    assert "ข่าวใหม่ล่าสุดวันนี้" in page.get_data(as_text=True)


def test_unpublishing_a_cached_post_gives_404_at_once(client, db):
    post = make_post(slug="going")
    assert client.get("/news/going").status_code == 200
    assert state(client.get("/news/going")) == "hit"
    services.unpublish_post(post)
    _db.session.commit()
    assert client.get("/news/going").status_code == 404


def test_an_approved_comment_shows_to_anonymous_readers_at_once(client, db, citizen):
    post = make_post()
    client.get("/news/hello")
    comment = Comment(post_id=post.id, author_id=citizen.id, body="ความเห็นรอตรวจ", status="pending")
    _db.session.add(comment)
    _db.session.commit()
    assert "ความเห็นรอตรวจ" not in client.get("/news/hello").get_data(as_text=True)
    services.moderate_comment(comment, "approve")
    _db.session.commit()
    assert comment.status == Status.APPROVED
    assert "ความเห็นรอตรวจ" in client.get("/news/hello").get_data(as_text=True)


def test_a_held_comment_keeps_the_cached_pages_an_approved_one_drops_them(client, db, citizen):
    post = make_post()
    for path in ("/", "/news/hello"):
        client.get(path)
        assert state(client.get(path)) == "hit"
    comment = services.add_comment(post, citizen, "ความเห็นแรกรอผู้ดูแลตรวจ")  # a first one is held
    _db.session.commit()
    assert comment.status == Status.PENDING
    assert (state(client.get("/")), state(client.get("/news/hello"))) == ("hit", "hit")
    services.moderate_comment(comment, "approve")
    _db.session.commit()
    page = client.get("/news/hello")
    assert state(page) == "miss" and "ความเห็นแรกรอผู้ดูแลตรวจ" in page.get_data(as_text=True)
    assert state(client.get("/")) == "miss"


def test_a_cached_post_still_counts_and_shows_every_view(app, db):
    make_post()
    shown = []
    for _ in range(3):
        response = app.test_client().get("/news/hello", headers=BROWSER)
        shown.append(state(response))
        assert "news_seen=" in " ".join(response.headers.getlist("Set-Cookie"))
    assert shown == ["miss", "hit", "hit"]
    assert app.extensions["news_view_counter"].flush() == 3  # stored: 3, buffered: 0
    assert state(app.test_client().get("/news/hello", headers=BROWSER)) == "hit"
    assert "views: 5" in app.test_client().get("/news/hello?lang=en", headers=BROWSER).get_data(
        as_text=True
    )


def test_logged_in_pages_are_never_cached(client, db, citizen):
    client.get("/")
    login(client, citizen.email, PASSWORD)
    page = client.get("/")
    assert state(page) is None
    assert citizen.display_name in page.get_data(as_text=True)
    make_post()
    assert state(client.get("/news/hello")) is None


def test_unknown_query_arguments_skip_the_cache(client, db):
    client.get("/")
    assert state(client.get("/?utm=x")) is None
    assert state(client.get("/?utm=y")) is None


def test_a_page_with_a_message_waiting_is_rendered(client, db):
    client.get("/")
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "ข้อความทดสอบเฉพาะคน")]
    page = client.get("/")
    assert state(page) is None
    assert "ข้อความทดสอบเฉพาะคน" in page.get_data(as_text=True)
    assert "ข้อความทดสอบเฉพาะคน" not in client.get("/").get_data(as_text=True)


def test_the_anonymous_ballot_has_no_token_and_is_shared(client, db):
    from app.demo import seed

    seed(phase="voting")
    _db.session.commit()
    first, second = client.get("/vote"), client.get("/vote")
    assert first.status_code == 200
    assert (state(first), state(second)) == ("miss", "hit")
    assert "csrf_token" not in second.get_data(as_text=True)


@pytest.fixture
def broken_store(app, monkeypatch):
    def fail(*args, **kwargs):
        raise ConnectionError("store down")

    monkeypatch.setattr(page_cache.cache, "get", fail)
    monkeypatch.setattr(page_cache.cache, "set", fail)


def test_a_broken_store_means_rendering_every_time(client, db, broken_store):
    make_post()
    for path, status in (("/", 200), ("/news/hello", 200), ("/results", 200), ("/vote", 409)):
        response = client.get(path)
        assert response.status_code == status, path  # /vote: no campaign, 409
        assert state(response) is None
    services.create_post(
        services.PostData(
            slug="written",
            title_th="เขียนได้แม้แคชล่ม",
            title_en="Saved",
            body_th="x",
            body_en="x",
            tags=[],
            published_at=None,
        )
    )
    _db.session.commit()  # a commit's cache drop fails quietly: the post is saved
    from app.news.models import Post

    assert _db.session.scalar(sa.select(Post.id).where(Post.slug == "written")) is not None


def test_related_posts_kept_for_logged_in_readers_follow_new_posts(client, db, citizen):
    make_post(slug="first", title_th="มาสคอตรัฐบาล", tags=["mascot"])
    login(client, citizen.email, PASSWORD)
    assert "ข่าวมาสคอตใหม่" not in client.get("/news/first").get_data(as_text=True)
    make_post(slug="second", title_th="ข่าวมาสคอตใหม่", tags=["mascot"])
    assert "ข่าวมาสคอตใหม่" in client.get("/news/first").get_data(as_text=True)


def test_a_forged_host_never_reaches_other_visitors(app, client, db):
    app.config["SERVER_NAME"] = None  # as in production without TRUSTED_HOSTS: any Host
    make_post()
    forged = client.get("/news/hello", headers={"Host": "evil.example"})
    assert "evil.example" not in forged.get_data(as_text=True)  # links come from SITE_URL
    page = client.get("/news/hello")
    assert "evil.example" not in page.get_data(as_text=True)
    # One copy for every Host: random hosts cannot fill the store with copies of a page.
    assert state(page) == "hit"


def test_odd_query_values_are_not_cached(client, db):
    assert state(client.get("/vote?finalist=" + "x" * 40)) is None
    assert state(client.get("/vote?finalist=<b>")) is None


def test_trusted_hosts_refuse_a_forged_host(app, client, db):
    app.config.update(SERVER_NAME=None, TRUSTED_HOSTS=["localhost"])
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/").status_code == 200


def test_a_comment_drops_the_pages_but_not_what_posts_alone_decide(app, client, db, citizen):
    post = make_post()
    client.get("/")

    def versions():
        return (
            page_cache.cache.get(page_cache.VERSION_KEY),
            page_cache.cache.get(page_cache.POSTS_VERSION_KEY),
        )

    with app.test_request_context():
        page_cache._version(page_cache.POSTS_VERSION_KEY)
        pages, posts = versions()
        _db.session.add(
            Comment(post_id=post.id, author_id=citizen.id, body="ดีมาก", status="approved")
        )
        post.comment_count += 1
        _db.session.commit()
        after_pages, after_posts = versions()
        assert after_pages != pages and after_posts == posts
        post.title_th = "หัวข้อใหม่"
        _db.session.commit()
        assert versions()[1] != posts


def test_a_change_made_elsewhere_reaches_this_worker_within_the_memo_time(
    app, client, db, monkeypatch
):
    """Each worker keeps the version it read for VERSION_MEMO_SECONDS: a hit costs one store
    read. A version moved by another worker or instance (here: straight in the store) is seen
    once that time is up."""
    clock = [1000.0]
    monkeypatch.setattr(page_cache, "_clock", lambda: clock[0])
    client.get("/")
    assert state(client.get("/")) == "hit"
    page_cache.cache.set(page_cache.VERSION_KEY, "moved-elsewhere", timeout=60)
    assert state(client.get("/")) == "hit"  # still the version this worker read
    clock[0] += page_cache.VERSION_MEMO_SECONDS + 0.01
    assert state(client.get("/")) == "miss"
    assert state(client.get("/")) == "hit"


def test_a_new_display_name_shows_on_cached_comments_at_once_but_a_log_in_drops_nothing(
    client, db, citizen
):
    post = make_post()
    _db.session.add(
        Comment(post_id=post.id, author_id=citizen.id, body="ชื่อเดิมของฉัน", status="approved")
    )
    citizen.display_name = "ชื่อเดิม"
    _db.session.commit()
    client.get("/news/hello")
    assert state(client.get("/news/hello")) == "hit"
    citizen.last_login_at = services.utcnow()  # what a log-in writes: the pages stay
    _db.session.commit()
    assert state(client.get("/news/hello")) == "hit"
    citizen.display_name = "ชื่อใหม่"
    _db.session.commit()
    page = client.get("/news/hello")
    assert state(page) == "miss" and "ชื่อใหม่" in page.get_data(as_text=True)
