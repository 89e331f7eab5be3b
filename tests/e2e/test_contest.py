"""A citizen proposes a name; an admin approves it and shortlists five (real browser)."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    PASSWORD,
    assert_accessible,
    first_link,
    log_in,
    pass_second_factor,
    read_mail,
    register,
    t,
)

pytestmark = pytest.mark.e2e

ADMIN_PASSWORD = "an e2e admin horse battery staple 7"
MEANING = "ชื่อที่สื่อถึงความใส่ใจและความสะดวกของบริการภาครัฐออนไลน์"


@pytest.fixture(scope="module")
def contest(live_server):
    """A demo campaign open for proposals (with approved demo names) and an admin."""
    live_server.flask("seed-demo", "--phase", "submissions")
    admin = f"e2e-admin-{uuid.uuid4().hex[:8]}@example.com"
    live_server.flask("create-admin", admin, "--password-stdin", input=ADMIN_PASSWORD + "\n")
    return admin


def test_propose_review_shortlist(browser, live_server, contest):
    name = "น้องใจดี" + uuid.uuid4().hex[:4].translate(
        str.maketrans("0123456789abcdef", "กขคงจฉชซฌญฎฏฐฑฒณ")
    )
    citizen_ctx = browser.new_context()
    citizen_ctx.set_default_timeout(10_000)
    page = citizen_ctx.new_page()

    # The citizen registers, verifies and logs in.
    email = f"e2e-contest-{uuid.uuid4().hex[:10]}@example.com"
    register(page, live_server, email)
    page.goto(first_link(read_mail(live_server.outbox, email)))
    log_in(page, live_server, email, PASSWORD)
    expect(page).to_have_url(live_server("/"))

    # The home page's one call to action leads to the form.
    expect(page.locator("main h1")).to_have_count(1)
    assert_accessible(page, "/")
    page.locator(".contest-panel a.btn-large").click()
    expect(page).to_have_url(live_server("/contest/submit"))
    assert_accessible(page, "/contest/submit")
    form = page.locator("main form.entry-form")
    form.get_by_label(t("th", "Proposed name")).fill(name)
    form.get_by_label(t("th", "Meaning of the name")).fill(MEANING)
    form.get_by_label(t("th", "I have read and accept the contest rules.")).check()
    form.get_by_role("button", name=t("th", "Submit name")).click()

    expect(page).to_have_url(re.compile(re.escape(live_server("/contest/entries/MN-"))))
    code = page.locator(".reference-code").inner_text().strip()
    assert re.fullmatch(r"MN-\d{4}-[A-Z2-9]{6}", code)
    page.goto(live_server("/contest/my-entries"))
    expect(page.locator("main table")).to_contain_text(name)
    expect(page.locator("main table")).to_contain_text(t("th", "Waiting for review"))
    assert_accessible(page, "/contest/my-entries")

    # The admin approves it.
    admin_ctx = browser.new_context()
    admin_ctx.set_default_timeout(10_000)
    admin = admin_ctx.new_page()
    admin.goto(live_server("/login?lang=en"))
    log_in(admin, live_server, contest, ADMIN_PASSWORD, lang="en")
    admin.goto(live_server("/admin/entries?status=pending"))
    pass_second_factor(admin)
    if "/admin/entries" not in admin.url:
        admin.goto(live_server("/admin/entries?status=pending"))
    assert_accessible(admin, "/admin/entries")
    row = admin.locator("main table tbody tr").filter(has_text=name)
    expect(row).to_have_count(1)
    row.get_by_role("button", name=re.compile("^Approve")).click()
    expect(admin.locator(".flash-success")).to_contain_text(code)

    # ... and shortlists five approved names, the citizen's among them.
    admin.goto(live_server("/admin/shortlist"))
    boxes = admin.locator("main form input[name=name]")
    for i in range(boxes.count()):
        boxes.nth(i).uncheck()
    admin.get_by_label(re.compile("^" + re.escape(name))).check()
    checked = 1
    for i in range(boxes.count()):
        if checked == 5:
            break
        if not boxes.nth(i).is_checked():
            boxes.nth(i).check()
            checked += 1
    admin.get_by_role("button", name="Save the shortlist").click()
    expect(admin.locator(".flash-success")).to_be_visible()
    expect(admin.locator("ol.finalists > li")).to_have_count(5)
    expect(admin.locator("ol.finalists")).to_contain_text(name)

    assert_accessible(admin, "/admin/shortlist")
    for path in ("/admin/contest", "/admin/campaign", "/admin/users", "/admin/entries?view=groups"):
        admin.goto(live_server(path))
        assert_accessible(admin, path)
    admin.goto(live_server("/admin/shortlist"))

    # Reorder: the second finalist moves up.
    second = admin.locator("ol.finalists > li").nth(1).locator("strong").inner_text()
    admin.locator("ol.finalists > li").nth(1).get_by_role(
        "button", name=re.compile("^Move up")
    ).click()
    expect(admin.locator("ol.finalists > li").first.locator("strong")).to_have_text(second)

    # The citizen sees the approval.
    page.goto(live_server("/contest/my-entries"))
    expect(page.locator("main table")).to_contain_text(t("th", "Approved"))
    citizen_ctx.close()
    admin_ctx.close()
