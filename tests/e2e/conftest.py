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
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.support import Translations

ROOT = Path(__file__).resolve().parents[2]
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


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return f"({path.name}: not written)"
    text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return f"--- last {lines} lines of {path.name} ---\n" + "\n".join(text[-lines:])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


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
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi.py", *args],
            cwd=ROOT,
            env=self.env,
            input=input,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            pytest.fail(
                f"flask {' '.join(args)} failed ({done.returncode})\n{done.stdout}\n{done.stderr}"
            )
        return done.stdout


@contextlib.contextmanager
def running_server(tmp: Path) -> Iterator[LiveServer]:
    """gunicorn (2 workers) on a free port, on a fresh migrated SQLite database in ``tmp``."""
    instance = tmp / "instance"
    bin_dir = Path(sys.executable).parent
    gunicorn = bin_dir / "gunicorn"
    if not gunicorn.exists():
        pytest.fail(f"gunicorn not found next to {sys.executable}")

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "APP_ENV", "MAIL_SERVER", "SECRET_KEY", "DATABASE_URL"}
    }
    env.update(
        {
            "INSTANCE_PATH": str(instance),
            "DATABASE_URL": f"sqlite:///{tmp / 'e2e.sqlite3'}",
            "SECRET_KEY": "e2e-" + secrets.token_urlsafe(48),
            "MAIL_BACKEND": "file",
            "REGISTER_MIN_SECONDS": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    server = LiveServer("", instance, env)
    server.flask("db", "upgrade")

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server.url = url
    env["SITE_URL"] = url  # links in mails name this server, as `make run` names its own
    stdout_log = tmp / "server-stdout.log"
    stderr_log = tmp / "server-stderr.log"
    with stdout_log.open("wb") as out, stderr_log.open("wb") as err:
        proc = subprocess.Popen(
            [
                str(gunicorn),
                "--config",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=err,
        )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not _healthy(url + "/healthz"):
            if proc.poll() is not None:
                pytest.fail(
                    f"gunicorn exited with {proc.returncode} during start-up\n"
                    f"{_tail(stderr_log)}\n{_tail(stdout_log)}"
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"gunicorn did not answer {url}/healthz within {STARTUP_TIMEOUT:.0f} s\n"
                    f"{_tail(stderr_log)}\n{_tail(stdout_log)}"
                )
            time.sleep(0.1)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


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


# --- Accessibility -----------------------------------------------------------------------------

AXE_BLOCKING = {"serious", "critical"}


def assert_accessible(page, label: str) -> None:
    """axe-core on the page as it is now: no serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    page.wait_for_load_state("load")
    violations = Axe().run(page).response["violations"]
    blocking = [v for v in violations if v.get("impact") in AXE_BLOCKING]
    details = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(map(str, n["target"])) for n in v["nodes"])
        for v in blocking
    )
    assert not blocking, f"axe on {label}:\n{details}"


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
