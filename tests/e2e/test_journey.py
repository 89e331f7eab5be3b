"""A citizen's journey through the site in a real browser."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    DISPLAY_NAME,
    PASSWORD,
    first_link,
    log_in,
    open_menu,
    read_mail,
    register,
    t,
)

pytestmark = pytest.mark.e2e


def _unique_email(tag: str) -> str:
    return f"e2e-{tag}-{uuid.uuid4().hex[:10]}@example.com"


def _header(page):
    return page.locator("header.site-header")


@pytest.mark.e2e
def test_register_verify_log_in_switch_language_log_out(page, live_server):
    email = _unique_email("journey")
    register(page, live_server, email)

    # The verification link arrives in the outbox and confirms the address.
    message = read_mail(live_server.outbox, email)
    link = first_link(message)
    assert link.startswith(live_server("/verify/")), link
    page.goto(link)
    expect(page).to_have_url(live_server("/login"))
    expect(page.locator(".flash-success")).to_have_count(1)

    log_in(page, live_server, email, PASSWORD)
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
    register(page, live_server, email)

    page.goto(live_server("/login?lang=en"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    log_in(page, live_server, email, "not the right password at all", lang="en")

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
