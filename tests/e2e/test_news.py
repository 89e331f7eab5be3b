"""A citizen reads a post and comments; the comment waits; a moderator approves it; it appears."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, pass_second_factor
from tests.news.conftest import BROWSER_UA

pytestmark = pytest.mark.e2e

PASSWORD = "news journey horse battery 42"
# Run in `flask shell` against the server's database (the arguments are set before it).
SETUP = """
from app.accounts.models import User
from app.accounts.services import hash_password
from app.extensions import db
from app.models import utcnow
from app.news import services

for email, role in (citizen, "citizen"), (moderator, "moderator"):
    db.session.add(User(email=email, display_name="ผู้อ่าน " + role, role=role,
        password_hash=hash_password(password), consent_version="2026-11-01",
        email_verified_at=utcnow()))
services.create_post(services.PostData(
    slug=slug, title_th="ข่าวสำหรับทดสอบความคิดเห็น", title_en="A post to comment on",
    body_th="เนื้อหาข่าว", body_en="The news text.", tags=["test"], published_at=utcnow()))
db.session.commit()
print("SET UP")
"""


def _setup(live_server, citizen: str, moderator: str, slug: str) -> None:
    arguments = (citizen, moderator, PASSWORD, slug)
    script = f"citizen, moderator, password, slug = {arguments!r}\nexec({SETUP!r})\n"
    assert "SET UP" in live_server.flask("shell", input=script)


def _log_in(page, live_server, email: str, go: bool = True) -> None:
    if go:
        page.goto(live_server("/login?lang=en"))
    form = page.locator("main form")
    form.get_by_label("E-mail").fill(email)
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Log in", exact=True).click()
    expect(page.locator(".flash-error")).to_have_count(0)


def test_comment_waits_for_moderation_then_appears(browser, live_server):
    tag = uuid.uuid4().hex[:8]
    citizen, moderator = f"reader-{tag}@example.com", f"mod-{tag}@example.com"
    slug = f"comment-journey-{tag}"
    _setup(live_server, citizen, moderator, slug)
    text = f"ขอบคุณสำหรับข่าวครับ see https://example.com/{tag}"

    # Headless Chromium says "HeadlessChrome", which the counter rightly takes for a bot.
    reader = browser.new_context(user_agent=BROWSER_UA)
    page = reader.new_page()
    page.goto(live_server(f"/news/{slug}?lang=en"))
    expect(page.locator("main h1")).to_have_text("A post to comment on")
    expect(page.locator(".view-count")).to_have_text("views: 1")
    expect(page.get_by_text("You must be logged in to post a comment.")).to_be_visible()
    page.get_by_role("link", name="Log in").last.click()
    _log_in(page, live_server, citizen, go=False)  # the link carries ?next= back to the post
    expect(page).to_have_url(re.compile(re.escape(live_server(f"/news/{slug}"))))

    page.get_by_label("Your comment").fill(text)
    page.get_by_role("button", name="Send comment").click()
    comment = page.locator("article.comment", has_text=tag)
    expect(comment).to_contain_text("awaiting moderation")
    expect(page.locator(".flash-info")).to_contain_text("once a moderator has approved it")

    staff = browser.new_context()
    admin_page = staff.new_page()
    _log_in(admin_page, live_server, moderator)
    admin_page.goto(live_server("/admin/comments?tab=pending&lang=en"))
    pass_second_factor(admin_page)  # staff set up their authenticator on first use
    admin_page.goto(live_server("/admin/comments?tab=pending&lang=en"))
    row = admin_page.locator("tr", has_text=tag)
    expect(row).to_contain_text("Held: first comment of this person")
    row.get_by_role("button", name="Approve").click()
    expect(admin_page.locator(".flash-success")).to_be_visible()
    expect(admin_page.locator("tr", has_text=tag)).to_have_count(0)

    visitor = browser.new_context()
    anonymous = visitor.new_page()
    anonymous.goto(live_server(f"/news/{slug}?lang=en"))
    shown = anonymous.locator("article.comment", has_text=tag)
    expect(shown).to_be_visible()
    expect(shown).not_to_contain_text("awaiting moderation")
    expect(shown.get_by_role("link", name=re.compile(tag))).to_have_attribute(
        "rel", "nofollow ugc noopener"
    )
    expect(anonymous.locator("#comments-title")).to_contain_text("1")
    for context in (reader, staff, visitor):
        context.close()


def test_a_moderator_writes_a_post_with_a_photo(browser, live_server, tmp_path):
    """The staff form takes a photo from the person's disk; the post shows it, cleaned."""
    from PIL import Image

    tag = uuid.uuid4().hex[:8]
    citizen, moderator = f"reader-{tag}@example.com", f"mod-{tag}@example.com"
    _setup(live_server, citizen, moderator, f"unused-{tag}")
    photo = tmp_path / "mascot photo.jpg"
    Image.new("RGB", (3000, 2000), (20, 120, 200)).save(photo, "JPEG")

    staff = browser.new_context()
    page = staff.new_page()
    _log_in(page, live_server, moderator)
    page.goto(live_server("/admin/posts/new?lang=en"))
    pass_second_factor(page)
    page.goto(live_server("/admin/posts/new?lang=en"))
    form = page.locator("main form.form")
    form.get_by_label("Title in English").fill(f"Photo news {tag}")
    form.get_by_label("Address (slug)").fill(f"photo-{tag}")
    form.get_by_label("Text in English (Markdown)").fill("Our mascot came to visit.")
    form.get_by_label("Upload an image (optional)").set_input_files(str(photo))
    form.get_by_label("Image description").fill("The mascot waving")
    form.get_by_label("Publish at (Bangkok time)").fill("2026-01-01T09:00")
    form.get_by_role("button", name="Save post").click()
    expect(page.locator(".flash-success")).to_contain_text("The post has been saved.")
    expect(page.locator("main form.form input[name=image_path]")).to_have_value(
        re.compile(r"^/media/[0-9a-f]{32}\.jpg$")
    )
    expect(page.locator(".news-image-current img")).to_be_visible()
    assert_accessible(page, "post edit form with an image (en)")

    visitor = browser.new_context(user_agent=BROWSER_UA)
    reader = visitor.new_page()
    reader.goto(live_server(f"/news/photo-{tag}?lang=en"))
    image = reader.locator("img.news-image")
    expect(image).to_have_attribute("alt", "The mascot waving")
    element = image.element_handle()
    reader.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=element)
    assert reader.evaluate("img => [img.naturalWidth, img.naturalHeight]", element) == [1600, 1067]
    assert_accessible(reader, "post with an uploaded image (en)")
    for context in (staff, visitor):
        context.close()
