"""An announced seed source is public during voting, before any result is published: it stands
on /results and /contest, readable on a desktop (1280 px) and a phone (390 px) screen."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_accessible, running_server

pytestmark = pytest.mark.e2e

SOURCE = "Government Lottery, first prize of 16 Oct 2553"
# Run in `flask shell` against the server's database: announce (unless the demo already did)
# and print what the public pages must show.
ANNOUNCE = f"""
from app.contest.services import announced_draw, current_campaign
from app.extensions import db
from app.voting.services import announce_seed_source
campaign = current_campaign()
draw = announced_draw(campaign) or announce_seed_source(campaign, {SOURCE!r}, None)
db.session.commit()
print("SOURCE=" + draw.seed_source)
"""


@pytest.fixture(scope="module")
def announced_server(tmp_path_factory, chromium_path):
    with running_server(tmp_path_factory.mktemp("e2e-draw")) as server:
        server.flask("seed-demo", "--phase", "voting")
        output = server.flask("shell", input=ANNOUNCE)
        source = next(line for line in output.splitlines() if "SOURCE=" in line)
        yield server, source.split("SOURCE=", 1)[1].strip()


@pytest.mark.parametrize("width", [1280, 390])
def test_an_announced_source_is_visible_on_results_and_contest_during_voting(
    browser, announced_server, width
):
    server, source = announced_server
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        for path in ("/results?lang=en", "/contest?lang=en"):
            page.goto(server(path))
            box = page.locator("#draw-announcement")
            box.scroll_into_view_if_needed()
            assert box.is_visible(), path
            assert source in box.inner_text(), path
            assert "Who can win" in box.inner_text() and "Announced on" in box.inner_text()
            bounds = box.bounding_box()
            assert bounds and bounds["x"] >= 0 and bounds["x"] + bounds["width"] <= width, path
            assert page.get_by_text(source).first.is_visible(), path
        page.goto(server("/results?lang=th"))
        assert source in page.locator("#draw-announcement").inner_text()
        if width == 390:
            assert_accessible(page, "/results (th, 390 px)")
    finally:
        context.close()
