"""A citizen's journey through the site in a real browser."""

from __future__ import annotations

import re
import time
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import first_link, open_menu, read_mail, t

pytestmark = pytest.mark.e2e

DISPLAY_NAME = "น้ำใจ ทดสอบ"  # Thai with combining marks (mai tho above, sara am)
PASSWORD = "ทดลอง correct horse battery 42"
CONSENT = (
    "I have read the privacy notice and agree to the collection and use of my data as it says."
)


def _unique_email(tag: str) -> str:
    return f"e2e-{tag}-{uuid.uuid4().hex[:10]}@example.com"


def _header(page):
    return page.locator("header.site-header")


def _register(page, live_server, email: str) -> None:
    """From the home page, through the header link, to the 'check your e-mail' page."""
    page.goto(live_server("/"))
    expect(page.locator("html")).to_have_attribute("lang", "th")

    open_menu(page)
    _header(page).get_by_role("link", name=t("th", "Register"), exact=True).click()
    expect(page).to_have_url(live_server("/register"))
    shown_at = time.monotonic()

    form = page.locator("main form")
    form.get_by_label(t("th", "Display name")).fill(DISPLAY_NAME)
    form.get_by_label(t("th", "E-mail")).fill(email)
    form.get_by_label(t("th", "Password")).fill(PASSWORD)
    form.get_by_label(t("th", CONSENT)).check()
    expect(form.locator("input[name=consent]")).to_be_checked()
    # The sign-up bot timer refuses a form sent back within REGISTER_MIN_SECONDS (1 s).
    wait = 1.3 - (time.monotonic() - shown_at)
    if wait > 0:
        page.wait_for_timeout(wait * 1000)
    form.get_by_role("button", name=t("th", "Create my account")).click()

    expect(page).to_have_url(live_server("/register/sent"))
    expect(page.locator("main h1")).to_have_text(t("th", "Check your e-mail"))


def _log_in(page, live_server, email: str, password: str, lang: str = "th") -> None:
    if not page.url.startswith(live_server("/login")):
        page.goto(live_server("/login"))
    expect(page).to_have_url(re.compile(re.escape(live_server("/login"))))
    form = page.locator("main form")
    form.get_by_label(t(lang, "E-mail")).fill(email)
    form.get_by_label(t(lang, "Password")).fill(password)
    form.get_by_role("button", name=t(lang, "Log in"), exact=True).click()


@pytest.mark.e2e
def test_register_verify_log_in_switch_language_log_out(page, live_server):
    email = _unique_email("journey")
    _register(page, live_server, email)

    # The verification link arrives in the outbox and confirms the address.
    message = read_mail(live_server.outbox, email)
    link = first_link(message)
    assert link.startswith(live_server("/verify/")), link
    page.goto(link)
    expect(page).to_have_url(live_server("/login"))
    expect(page.locator(".flash-success")).to_have_count(1)

    _log_in(page, live_server, email, PASSWORD)
    expect(page).to_have_url(live_server("/"))
    expect(page.locator("html")).to_have_attribute("lang", "th")

    # The header now names the citizen, and their account shows the address as confirmed.
    open_menu(page)
    account_nav = _header(page).locator(".account-nav")
    expect(account_nav.get_by_role("link", name=DISPLAY_NAME)).to_be_visible()
    expect(account_nav.get_by_role("link", name=t("th", "Log in"), exact=True)).to_have_count(0)
    account_nav.get_by_role("link", name=DISPLAY_NAME).click()
    expect(page).to_have_url(live_server("/account"))
    status = page.locator("section[aria-labelledby=status-title]")
    expect(status).to_contain_text(email)
    expect(status.locator(".badge")).to_be_visible()
    expect(status.get_by_role("button", name=t("th", "Send me a new link"))).to_have_count(0)

    # Switch to English: same page, English markup, English text.
    open_menu(page)
    _header(page).get_by_role("link", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(re.escape(live_server("/account")) + r"(\?|$)"))
    expect(page.locator("main h1")).to_have_text("My account")
    expect(page.locator("section[aria-labelledby=status-title] .badge")).to_contain_text(
        "Confirmed on"
    )

    # The choice is remembered (cookie): another page without ?lang stays English.
    page.goto(live_server("/login"))  # logged in: sends us home
    expect(page).to_have_url(live_server("/"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    open_menu(page)
    expect(_header(page).get_by_role("button", name="Log out")).to_be_visible()

    # And back to Thai.
    _header(page).get_by_role("link", name="ไทย", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "th")
    expect(page).to_have_url(re.compile(re.escape(live_server("/")) + r"(\?|$)"))
    page.goto(live_server("/register/sent"))
    expect(page.locator("html")).to_have_attribute("lang", "th")

    # Log out with the header's POST form: the header offers to log in again.
    open_menu(page)
    _header(page).get_by_role("button", name=t("th", "Log out")).click()
    expect(page).to_have_url(live_server("/"))
    open_menu(page)
    account_nav = _header(page).locator(".account-nav")
    expect(account_nav.get_by_role("link", name=t("th", "Log in"), exact=True)).to_be_visible()
    expect(account_nav.get_by_role("link", name=DISPLAY_NAME)).to_have_count(0)
    expect(_header(page).get_by_role("button", name=t("th", "Log out"))).to_have_count(0)

    # The account page now needs a log-in again.
    page.goto(live_server("/account"))
    expect(page).to_have_url(re.compile(re.escape(live_server("/login")) + r"\?next="))


@pytest.mark.e2e
def test_wrong_password_shows_the_error_and_stays_on_login(page, live_server):
    email = _unique_email("wrong")
    _register(page, live_server, email)

    page.goto(live_server("/login?lang=en"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    _log_in(page, live_server, email, "not the right password at all", lang="en")

    expect(page).to_have_url(re.compile(re.escape(live_server("/login")) + r"(\?|$)"))
    alert = page.get_by_role("alert").filter(has=page.locator("#login-error-title"))
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("We could not log you in")
    expect(alert).to_contain_text("The e-mail or password is not correct.")
    # The address is kept, the password is not, and the header still offers to log in.
    expect(page.locator("main form input[name=email]")).to_have_value(email)
    expect(page.locator("main form input[name=password]")).to_have_value("")
    open_menu(page)
    expect(
        _header(page).locator(".account-nav").get_by_role("link", name="Log in", exact=True)
    ).to_be_visible()
