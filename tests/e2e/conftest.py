"""Browser tests: a real gunicorn server and Debian's Chromium driven by Playwright (sync API).

Environment:
- CHROMIUM_PATH: the Chromium executable (default /usr/bin/chromium). Playwright's own browser
  download is never used.
- REQUIRE_BROWSER=1: a missing browser fails the tests instead of skipping them (set it in CI).
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import os
import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.support import Translations
from playwright.sync_api import expect

from tests.support.servers import ROOT, flask_cli, free_port, gunicorn

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_TIMEOUT = 30.0
MAIL_TIMEOUT = 5.0
_URL = re.compile(r"https?://[^\s<>\"']+")


# --- Translations: the same catalogues the server reads --------------------------------------

_catalogues: dict[str, Translations] = {}


def t(lang: str, message: str) -> str:
    """``message`` as the site shows it in ``lang`` (the English msgid while untranslated)."""
    if lang not in _catalogues:
        _catalogues[lang] = Translations.load(str(ROOT / "app" / "translations"), [lang])
    return _catalogues[lang].gettext(message)


# --- The live server -------------------------------------------------------------------------


class LiveServer:
    def __init__(self, url: str, instance: Path, env: dict[str, str]) -> None:
        self.url = url
        self.instance = instance
        self.env = env

    @property
    def outbox(self) -> Path:
        return self.instance / "mail"

    def __call__(self, path: str = "/") -> str:
        return self.url + path

    def flask(self, *args: str, input: str | None = None) -> str:
        """Run a ``flask`` command against this server's database; return its output."""
        return flask_cli(self.env, *args, input=input)


@contextlib.contextmanager
def running_server(tmp: Path) -> Iterator[LiveServer]:
    """gunicorn (2 workers) on a free port, on a fresh migrated SQLite database in ``tmp``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "APP_ENV", "MAIL_SERVER", "SECRET_KEY", "DATABASE_URL"}
    }
    env.update(
        {
            "INSTANCE_PATH": str(tmp / "instance"),
            "DATABASE_URL": f"sqlite:///{tmp / 'e2e.sqlite3'}",
            "SECRET_KEY": "e2e-" + secrets.token_urlsafe(48),
            "MAIL_BACKEND": "file",
            "REGISTER_MIN_SECONDS": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    flask_cli(env, "db", "upgrade")
    port = free_port()
    env["SITE_URL"] = f"http://127.0.0.1:{port}"  # links in mails name this server, as `make run`
    with gunicorn(env, tmp, timeout=STARTUP_TIMEOUT, port=port) as (_proc, url, _log):
        yield LiveServer(url, tmp / "instance", env)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    """A server shared by the journeys that need no particular contest phase."""
    with running_server(tmp_path_factory.mktemp("e2e")) as server:
        yield server


# --- The outbox ------------------------------------------------------------------------------


def _addressed_to(message, address: str) -> bool:
    header = message.get("To")
    if header is None:
        return False
    return any(a.addr_spec.lower() == address.lower() for a in header.addresses)


def read_mail(outbox: Path, to: str, timeout: float = MAIL_TIMEOUT):
    """The newest message in ``outbox`` addressed to ``to``, waiting up to ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        if outbox.is_dir():
            # The file names start with a UTC time stamp: newest last.
            for path in sorted(outbox.glob("*.eml"), reverse=True):
                message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                if _addressed_to(message, to):
                    return message
        if time.monotonic() > deadline:
            found = sorted(p.name for p in outbox.glob("*.eml")) if outbox.is_dir() else []
            pytest.fail(f"no message to {to} in {outbox} after {timeout} s (found: {found})")
        time.sleep(0.1)


def first_link(message) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None, "the message has no text/plain part"
    match = _URL.search(body.get_content())
    assert match, f"no link in the message:\n{body.get_content()}"
    return match.group(0)


# --- The browser -----------------------------------------------------------------------------


def _chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        reason = f"Chromium not found at {path} (set CHROMIUM_PATH)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return _chromium_path()


@pytest.fixture(scope="session")
def playwright(chromium_path):
    from playwright.sync_api import sync_playwright

    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()


@pytest.fixture(scope="session")
def browser(playwright, chromium_path):
    browser = playwright.chromium.launch(
        executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context()
    context.set_default_timeout(10_000)
    context.set_default_navigation_timeout(15_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(context):
    return context.new_page()


def open_menu(page) -> None:
    """On a narrow screen the header links sit in a closed <details>: open it like a user."""
    toggle = page.locator("details.nav-menu > summary")
    if toggle.is_visible() and page.locator("details.nav-menu[open]").count() == 0:
        toggle.click()


# --- A citizen's forms ----------------------------------------------------------------------

DISPLAY_NAME = "น้ำใจ ทดสอบ"  # Thai with combining marks (mai tho above, sara am)
PASSWORD = "ทดลอง correct horse battery 42"
CONSENT = (
    "I have read the privacy notice and agree to the collection and use of my data as it says."
)


def register(page, live_server, email: str) -> None:
    """From the home page, through the header link, to the 'check your e-mail' page."""
    page.goto(live_server("/"))
    expect(page.locator("html")).to_have_attribute("lang", "th")

    open_menu(page)
    page.locator("header.site-header").get_by_role(
        "link", name=t("th", "Register"), exact=True
    ).click()
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


def log_in(page, live_server, email: str, password: str, lang: str = "th") -> None:
    """Fill in and send the log-in form (opening /login first unless already there)."""
    if not page.url.startswith(live_server("/login")):
        page.goto(live_server("/login"))
    expect(page).to_have_url(re.compile(re.escape(live_server("/login"))))
    form = page.locator("main form")
    form.get_by_label(t(lang, "E-mail")).fill(email)
    form.get_by_label(t(lang, "Password")).fill(password)
    form.get_by_role("button", name=t(lang, "Log in"), exact=True).click()


# --- Accessibility -----------------------------------------------------------------------------

AXE_BLOCKING = {"serious", "critical"}


def axe_report(violations: list[dict]) -> str:
    """axe-core's violations, one line per rule and per element it found."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v.get('helpUrl', '')}>")
        for node in v["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


def assert_accessible(page, label: str) -> None:
    """axe-core on the page as it is now: no serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("load")
    violations = Axe().run(page).response["violations"]
    blocking = [v for v in violations if v.get("impact") in AXE_BLOCKING]
    assert not blocking, f"axe on {label}:\n" + axe_report(blocking)


def pass_second_factor(page) -> None:
    """When the admin area asks a staff member to set up TOTP, do it as a person would."""
    if "/admin/2fa/setup" not in page.url:
        return
    import pyotp

    page.locator("main form button[type=submit]").click()  # "Show my QR code"
    page.locator(".totp-secret").wait_for()
    secret = page.locator(".totp-secret").inner_text().strip()
    page.locator("main form input[name=code]").fill(pyotp.TOTP(secret).now())
    page.locator("main form button[type=submit]").click()
    page.locator(".recovery-codes").wait_for()
    page.locator("main a.btn-primary").click()
