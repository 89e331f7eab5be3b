"""Automated accessibility checks (axe-core) and keyboard access in a real browser."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.conftest import AXE_BLOCKING, axe_report

pytestmark = pytest.mark.e2e

PAGES = ["/", "/register", "/login"]
LANGUAGES = ["th", "en"]
_axe = Axe()


@pytest.mark.e2e
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_axe_violations(page, live_server, path, lang):
    response = page.goto(live_server(f"{path}?lang={lang}"))
    assert response is not None and response.ok, f"{path}?lang={lang}: {response}"
    expect(page.locator("html")).to_have_attribute("lang", lang)
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")

    # Runs under the site's real CSP: Playwright's evaluate (DevTools protocol) is not subject
    # to script-src, so no bypass_csp is needed and the page is checked as citizens get it.
    results = _axe.run(page)
    blocking = [v for v in results.response["violations"] if v.get("impact") in AXE_BLOCKING]
    others = [v for v in results.response["violations"] if v.get("impact") not in AXE_BLOCKING]
    if others:
        print(f"\nMinor axe findings on {path}?lang={lang}:\n{axe_report(others)}")
    assert not blocking, (
        f"axe found {len(blocking)} serious/critical violation(s) on {path}?lang={lang}:\n"
        + axe_report(blocking)
    )


@pytest.mark.e2e
def test_first_tab_reaches_a_visible_skip_link(page, live_server):
    page.goto(live_server("/"))
    skip = page.locator("a.skip-link")
    expect(skip).to_have_count(1)
    expect(skip).to_have_attribute("href", "#main")

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    expect(skip).to_be_in_viewport()
    box = skip.bounding_box()
    assert box is not None and box["width"] > 1 and box["height"] > 1, box
    # Not clipped or covered: the point at its centre belongs to the link itself.
    page.wait_for_function(
        """() => {
            const link = document.querySelector("a.skip-link");
            const r = link.getBoundingClientRect();
            const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return hit !== null && (hit === link || link.contains(hit));
        }""",
        timeout=5_000,
    )

    # Following it moves focus to the main content.
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
