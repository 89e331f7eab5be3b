"""A citizen votes in a real browser, sees the receipt and cannot vote again; after voting
closes an admin publishes the results and runs the prize draw, and the public sees both."""

from __future__ import annotations

import re

import pytest

from app.demo import DEMO_CITIZENS, DEMO_PASSWORD
from tests.e2e.conftest import assert_accessible, open_menu, pass_second_factor, running_server

pytestmark = pytest.mark.e2e

ADMIN_EMAIL = "e2e-admin@example.com"
ADMIN_PASSWORD = "an admin horse battery staple 7"


@pytest.fixture(scope="module")
def voting_server(tmp_path_factory, chromium_path):
    """A server of its own: this journey moves the contest through its phases."""
    with running_server(tmp_path_factory.mktemp("e2e-voting")) as server:
        server.flask("seed-demo", "--phase", "voting")
        server.flask("create-admin", ADMIN_EMAIL, "--password-stdin", input=ADMIN_PASSWORD + "\n")
        yield server


def _log_in(page, server, email, password):
    page.goto(server("/login?lang=en"))
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=False).first.fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r".*/(\?.*)?$|.*/admin.*"))


def _log_out(page):
    open_menu(page)
    page.get_by_role("button", name=re.compile("Log out|ออกจากระบบ")).click()


def test_vote_receipt_no_second_vote_then_results_and_draw(page, voting_server):
    server = voting_server
    citizen = DEMO_CITIZENS[0][1]
    _log_in(page, server, citizen, DEMO_PASSWORD)

    page.goto(server("/vote?lang=en"))
    cards = page.locator("label.ballot-card")
    assert cards.count() == 5
    assert_accessible(page, "/vote (en)")
    chosen = cards.nth(1).locator(".ballot-name").inner_text()
    cards.nth(1).click()
    page.get_by_role("button", name="Continue").click()
    assert page.locator("h1").inner_text() == "Confirm your vote"
    assert chosen in page.locator(".ballot-choice").inner_text()
    page.get_by_role("button", name="Confirm my vote").click()
    page.wait_for_url(re.compile(r".*/vote/receipt.*"))
    assert chosen in page.locator(".receipt").inner_text()
    assert re.search(r"VT-\d{4}-[A-Z0-9]{8}", page.locator(".receipt").inner_text())

    page.goto(server("/vote?lang=en"))
    assert page.locator("h1").inner_text() == "You have already voted"
    assert f"You already voted for {chosen}" in page.locator("main").inner_text()

    # Thai by default: the same page in Thai keeps the html lang right.
    page.goto(server("/vote/receipt?lang=th"))
    assert page.locator("html").get_attribute("lang") == "th"
    assert_accessible(page, "/vote/receipt (th)")
    _log_out(page)

    # Voting closes (the demo campaign is built again, closed: its seed source was announced
    # while voting ran); an admin publishes and draws.
    server.flask("seed-demo", "--phase", "counting")
    _log_in(page, server, ADMIN_EMAIL, ADMIN_PASSWORD)
    page.goto(server("/admin/results?lang=en"))
    pass_second_factor(page)
    page.goto(server("/admin/results?lang=en"))
    if page.locator("h1").inner_text() != "Results and prize draw":
        pytest.fail(
            "the admin could not open /admin/results: " + page.locator("main").inner_text()[:300]
        )
    page.get_by_role("button", name="Publish the results").click()
    page.locator("#seed").fill("123456")
    page.get_by_role("button", name="Run the draw").click()
    assert "The prize draw is done and published." in page.locator(".flashes").inner_text()

    page.goto(server("/results?lang=en"))
    main = page.locator("main").inner_text()
    assert "Our mascot's name is" in main
    assert chosen in main
    assert "First prize of the Government Lottery drawn on" in main
    assert re.search(r"\b[0-9a-f]{64}\b", main)
    assert "123456" in main
    assert_accessible(page, "/results (en)")
    page.goto(server("/results?lang=th"))
    assert "ผล" in page.locator("h1").inner_text()
    assert_accessible(page, "/results (th)")
    assert "OK: matches" in server.flask("draw", "verify")
