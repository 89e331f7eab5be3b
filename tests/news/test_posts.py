"""Public news pages and the staff screens for posts."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.models import utcnow
from app.news.models import Post
from tests.factories import PASSWORD, UserFactory
from tests.helpers import login, post_form
from tests.news.conftest import BROWSER, make_post


def test_list_is_newest_first_and_paginated(client, db):
    for i in range(12):
        make_post(slug=f"p{i}", title_en=f"Post number {i}", days_ago=20 - i)
    html = client.get("/news?lang=en").get_data(as_text=True)
    assert html.index("Post number 11") < html.index("Post number 10")
    assert "Post number 1<" not in html  # on page 2
    assert 'rel="next"' in html and 'aria-current="page"' in html
    page2 = client.get("/news?page=2&lang=en").get_data(as_text=True)
    assert "Post number 1<" in page2 and 'rel="prev"' in page2
    assert client.get("/news?page=abc").status_code == 200
    assert client.get("/news?page=99999").status_code == 200


def test_empty_list_says_what_will_appear(client, db):
    html = client.get("/news?lang=en").get_data(as_text=True)
    assert "No news yet" in html


def test_future_and_draft_posts_are_not_shown(client, db):
    make_post(slug="future", published_at=utcnow() + timedelta(hours=1), title_en="Future")
    make_post(slug="draft", draft=True, title_en="Drafty")
    assert client.get("/news/future").status_code == 404
    assert client.get("/news/draft").status_code == 404
    html = client.get("/news?lang=en").get_data(as_text=True)
    assert "Future" not in html and "Drafty" not in html


def test_post_page_in_both_languages_with_fallback(client, db):
    make_post(slug="both", title_th="หัวข้อไทย", title_en="English title")
    make_post(slug="thai-only", title_th="เฉพาะภาษาไทย", title_en="", body_en="")
    assert "หัวข้อไทย" in client.get("/news/both?lang=th", headers=BROWSER).get_data(as_text=True)
    assert "English title" in client.get("/news/both?lang=en", headers=BROWSER).get_data(
        as_text=True
    )
    assert "เฉพาะภาษาไทย" in client.get("/news/thai-only?lang=en", headers=BROWSER).get_data(
        as_text=True
    )


def test_post_page_shows_what_the_seed_page_shows(client, db):
    make_post(slug="seedlike", tags=["e-government"])
    html = client.get("/news/seedlike?lang=en", headers=BROWSER).get_data(as_text=True)
    assert html.count("<h1") == 1
    assert "views: 1" in html
    assert "Related posts" in html
    assert "No comments yet." in html
    assert "No trackbacks yet." in html
    assert "You must be logged in to post a comment." in html
    assert 'href="/login?next=' in html and 'href="/register"' in html
    assert "http://localhost/news/seedlike/trackback" in html
    assert "https://www.facebook.com/sharer/sharer.php?u=http%3A//localhost/news/seedlike" in html
    assert 'property="og:locale" content="en_US"' in html
    assert 'name="twitter:card"' in html
    thai = client.get("/news/seedlike?lang=th", headers=BROWSER).get_data(as_text=True)
    assert 'property="og:locale" content="th_TH"' in thai


def test_html_in_titles_is_escaped(client, db):
    make_post(slug="xss", title_en="<script>alert(1)</script>", tags=["<b>tag</b>"])
    html = client.get("/news/xss?lang=en", headers=BROWSER).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "<b>tag</b>" not in html


def test_home_shows_the_latest_posts(client, db):
    make_post(slug="on-home", title_en="Home news item")
    html = client.get("/?lang=en").get_data(as_text=True)
    assert "Home news item" in html


# --- staff screens --------------------------------------------------------------------------


def test_roles_on_post_screens(client, db):
    assert client.get("/admin/posts").status_code == 302
    citizen = UserFactory(verified=True)
    login(client, citizen.email, PASSWORD)
    assert client.get("/admin/posts").status_code == 403
    assert client.get("/admin/posts/new").status_code == 403


def _form(**overrides):
    data = {
        "title_th": "ข่าวใหม่",
        "title_en": "New post",
        "slug": "new-post",
        "tags": "Contest, มาสคอต, contest",
        "body_th": "สวัสดี **ครับ**",
        "body_en": "Hello <script>x</script>",
        "published_at": "",
        "image_path": "",
        "image_alt": "",
        "save": "1",
    }
    data.update(overrides)
    return data


def test_moderator_creates_previews_publishes_and_unpublishes(client, db, moderator):
    login(client, moderator.email, PASSWORD)
    preview = post_form(client, "/admin/posts/new", _form(preview="1", save=""))
    assert preview.status_code == 200
    assert "<strong>ครับ</strong>" in preview.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 0

    response = post_form(client, "/admin/posts/new", _form())
    assert response.status_code == 302
    post = db.session.scalar(sa.select(Post))
    assert post.published_at is None
    assert [t.name for t in post.tags] == ["contest", "มาสคอต"]
    assert "<script>" not in post.html_en
    assert client.get("/news/new-post").status_code == 404

    edit_url = f"/admin/posts/{post.id}/edit"
    assert (
        post_form(client, f"/admin/posts/{post.id}/publish", {}, page=edit_url).status_code == 302
    )
    assert client.get("/news/new-post", headers=BROWSER).status_code == 200
    assert (
        post_form(client, f"/admin/posts/{post.id}/unpublish", {}, page=edit_url).status_code == 302
    )
    assert client.get("/news/new-post").status_code == 404

    updated = post_form(client, edit_url, _form(title_en="Renamed"))
    assert updated.status_code == 302
    actions = list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["post.create", "post.publish", "post.unpublish", "post.edit"]
    edit_entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "post.edit"))
    assert edit_entry.before["title_en"] == "New post"
    assert edit_entry.after["title_en"] == "Renamed"
    assert edit_entry.actor_id == moderator.id


def test_scheduled_post_appears_at_its_time(client, db, moderator):
    login(client, moderator.email, PASSWORD)
    response = post_form(client, "/admin/posts/new", _form(published_at="2099-01-01T09:00"))
    assert response.status_code == 302
    post = db.session.scalar(sa.select(Post))
    assert post.published_at.year == 2099 and post.published_at.hour == 2  # 09:00 Bangkok
    assert client.get("/news/new-post").status_code == 404


def test_bad_post_input_is_refused_with_messages(client, db, moderator):
    make_post(slug="taken")
    login(client, moderator.email, PASSWORD)
    cases = [
        {"slug": "Bad Slug!"},
        {"slug": "taken"},
        {"title_th": "", "title_en": ""},
        {"body_th": "", "body_en": ""},
        {"image_path": "https://evil.example/x.png", "image_alt": "x"},
        {"image_path": "/static/../instance/secret.png", "image_alt": "x"},
        {"image_path": "/static/img/mascot.svg", "image_alt": ""},
        {"published_at": "not a date"},
        {"title_en": "x" * 201},
    ]
    for overrides in cases:
        response = post_form(client, "/admin/posts/new?lang=en", _form(**overrides))
        assert response.status_code == 400, overrides
        assert 'class="field-error"' in response.get_data(as_text=True), overrides
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 1


def test_unknown_post_ids_are_404(client, db, moderator):
    login(client, moderator.email, PASSWORD)
    assert client.get("/admin/posts/999/edit").status_code == 404
    assert post_form(client, "/admin/posts/999/publish", {}, page="/admin/posts").status_code == 404


def test_publish_needs_csrf(client, db, moderator, post):
    login(client, moderator.email, PASSWORD)
    assert client.post(f"/admin/posts/{post.id}/unpublish").status_code == 400
