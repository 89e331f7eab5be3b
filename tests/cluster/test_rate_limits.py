"""Rate limits hold at their configured number across several real gunicorn workers, in the
default setup: SQLite, no REDIS_URL (limits counted in instance/ratelimits.sqlite3).

With per-process (memory://) counting, each of the 4 workers let its own 10 through: about
30 of 30 log-in posts and second-factor codes were answered instead of 10.
Runs everywhere: it needs neither PostgreSQL nor Redis.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pyotp
import pytest

from tests.support.servers import ROOT, Browser, flask_cli, gunicorn

LIMIT = 10
ATTEMPTS = 30
WORKERS = 4
PASSWORD = "correct horse battery staple 42"
STAFF = [f"staff{n}@example.com" for n in range(4)]

# Staff accounts with a confirmed TOTP second factor, made through the app's own services;
# prints each secret.
_MAKE_STAFF = """
import sys
import pyotp
from app import create_app
from app.accounts import services
from app.extensions import db
from app.staff import totp

app = create_app()
with app.app_context():
    for email in sys.argv[1:]:
        user = services.create_or_promote_admin(email, sys.stdin.readline().strip(), None)
        db.session.flush()
        secret = totp.setup_secret(totp.start_setup(user))
        assert totp.confirm_setup(user, pyotp.TOTP(secret).now()) is not None
        db.session.commit()
        print(secret)
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("limits")
    unset = {"APP_ENV", "MAIL_SERVER", "REDIS_URL", "DATABASE_URL", "RATELIMIT_STORAGE_URI"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(
        SECRET_KEY="limits-" + secrets.token_urlsafe(48),
        INSTANCE_PATH=str(tmp / "instance"),
        MAIL_BACKEND="file",
        RATELIMIT_LOGIN=f"{LIMIT} per 15 minutes",
        RATELIMIT_TWO_FACTOR=f"{LIMIT} per 15 minutes",
        PROXY_HOPS="1",  # X-Forwarded-For gives each request the address the test chooses
    )

    flask_cli(env, "db", "upgrade")
    made = subprocess.run(
        [sys.executable, "-c", _MAKE_STAFF, *STAFF],
        cwd=ROOT,
        env=env,
        input=f"{PASSWORD}\n" * len(STAFF),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    secrets_ = made.stdout.split()
    with gunicorn(env, tmp, workers=WORKERS) as (_, url, log_path):
        yield {"url": url, "secrets": dict(zip(STAFF, secrets_, strict=True)), "log": log_path}


def _post(browser: Browser, url: str, data: dict, address: str) -> int:
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode(data).encode(),
        method="POST",
        headers={"X-Forwarded-For": address},
    )
    return browser._open(request)[0]


def _in_parallel(function, count: int) -> list[int]:
    # More requests in flight than workers: every worker takes its share at the same time.
    with ThreadPoolExecutor(max_workers=2 * WORKERS) as pool:
        return list(pool.map(function, range(count)))


def _answered(statuses: list[int]) -> int:
    assert 500 not in statuses, statuses
    return sum(status != 429 for status in statuses)


def _staff_session(site, email: str, address: str) -> tuple[Browser, str, str]:
    """Logged in with the password, at the second-factor step; a code that is surely wrong."""
    browser = Browser()
    token = browser.token(site["url"] + "/login")
    status = _post(
        browser,
        site["url"] + "/login",
        {"csrf_token": token, "email": email, "password": PASSWORD},
        address,
    )
    assert status == 302
    code = pyotp.TOTP(site["secrets"][email])
    now = time.time()
    right = {code.at(now + step) for step in (-60, -30, 0, 30, 60)}
    wrong = next(c for c in ("000000", "111111", "222222") if c not in right)
    return browser, browser.token(site["url"] + "/admin/2fa"), wrong


def test_log_in_limit_holds_across_workers(site):
    url = site["url"] + "/login"
    people = [Browser() for _ in range(ATTEMPTS)]  # many connections, each with its token
    tokens = _in_parallel(lambda n: people[n].token(url), ATTEMPTS)

    def attempt(n):
        data = {"csrf_token": tokens[n], "email": f"nobody{n}@example.com", "password": "x"}
        return _post(people[n], url, data, "198.51.100.7")

    statuses = _in_parallel(attempt, ATTEMPTS)
    assert abs(_answered(statuses) - LIMIT) <= LIMIT // 10, statuses


def test_second_factor_limit_per_account_holds_across_workers(site):
    """One account, a new address for every code: the per-account limit stops the guessing."""
    browser, token, wrong = _staff_session(site, STAFF[0], "10.1.0.1")

    def guess(n):
        data = {"csrf_token": token, "code": wrong}
        return _post(browser, site["url"] + "/admin/2fa", data, f"203.0.113.{n + 1}")

    statuses = _in_parallel(guess, ATTEMPTS)
    assert abs(_answered(statuses) - LIMIT) <= LIMIT // 10, statuses


def test_second_factor_limit_per_address_holds_across_workers(site):
    """Three accounts, one address: the per-address limit stops the guessing."""
    sessions = [_staff_session(site, email, f"10.1.0.{n + 2}") for n, email in enumerate(STAFF[1:])]

    def guess(n):
        browser, token, wrong = sessions[n % len(sessions)]
        data = {"csrf_token": token, "code": wrong}
        return _post(browser, site["url"] + "/admin/2fa", data, "192.0.2.55")

    statuses = _in_parallel(guess, ATTEMPTS)
    assert abs(_answered(statuses) - LIMIT) <= LIMIT // 10, statuses
