"""Rate-limit counts in a SQLite file every worker shares (app/ratelimits.py), the default
without Redis; production refuses per-process counting. The real-gunicorn proof is in
tests/cluster/test_rate_limits.py."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from limits import parse
from limits.errors import ConfigurationError
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

from app import create_app
from app.ratelimits import SQLiteStorage, default_storage_uri
from app.security import PerProcessRateLimitError
from tests.conftest import IsolatedClient
from tests.helpers import csrf_token

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "x" * 20 + "a-long-random-enough-value-0123456789"


def _storage(tmp_path) -> SQLiteStorage:
    return SQLiteStorage(default_storage_uri(str(tmp_path)))


def test_counts_expire_and_clear(tmp_path):
    storage = _storage(tmp_path)
    before = time.time()
    assert storage.incr("k", 2) == 1
    assert storage.incr("k", 2, amount=3) == 4
    assert storage.get("k") == 4
    assert before + 2 <= storage.get_expiry("k") <= time.time() + 2  # set by the first hit
    assert storage.get("other") == 0
    assert storage.check()
    time.sleep(2.05)
    assert storage.get("k") == 0  # the window passed
    assert storage.incr("k", 60) == 1  # and a new one starts at 1
    assert storage.get_expiry("k") > time.time() + 50
    storage.incr("j", 60)
    storage.clear("k")
    assert (storage.get("k"), storage.get("j")) == (0, 1)
    assert storage.reset() == 1
    assert storage.get("j") == 0


def test_file_is_private(tmp_path):
    storage = _storage(tmp_path)
    storage.incr("k", 60)
    assert stat.S_IMODE(os.stat(storage.path).st_mode) == 0o600


def test_expired_counters_are_swept(tmp_path):
    storage = _storage(tmp_path)
    storage.incr("old", 1)
    time.sleep(1.05)
    storage._next_purge = 0.0  # as when a minute has passed
    storage.incr("new", 60)
    rows = storage._connection().execute("SELECT key FROM ratelimit").fetchall()
    assert rows == [("new",)]


def test_threads_never_lose_or_share_a_count(tmp_path):
    storage = _storage(tmp_path)
    with ThreadPoolExecutor(max_workers=8) as pool:
        values = list(pool.map(lambda _: storage.incr("k", 60), range(400)))
    assert sorted(values) == list(range(1, 401))


_HIT_MANY = """
import sys, time
from app.ratelimits import SQLiteStorage
storage = SQLiteStorage(sys.argv[1])
storage.check()  # connected before the start line
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
print(*(storage.incr("shared", 60) for _ in range(int(sys.argv[3]))))
"""


def test_processes_never_lose_or_share_a_count(tmp_path):
    """Four processes (as gunicorn's workers) increment one key at the same moment: every
    value is handed out exactly once, so a limit of N lets exactly N through."""
    uri = default_storage_uri(str(tmp_path))
    start_at = str(time.time() + 3)
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _HIT_MANY, uri, start_at, "250"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    values = []
    for worker in workers:
        out, _ = worker.communicate(timeout=60)
        assert worker.returncode == 0
        values.extend(int(value) for value in out.split())
    assert sorted(values) == list(range(1, 1001))
    assert SQLiteStorage(uri).get("shared") == 1000


def test_fixed_window_strategy_holds_the_limit(tmp_path):
    limiter = FixedWindowRateLimiter(_storage(tmp_path))
    item = parse("3 per minute")
    assert [limiter.hit(item, "1.2.3.4") for _ in range(5)] == [True] * 3 + [False] * 2
    assert limiter.get_window_stats(item, "1.2.3.4").remaining == 0
    assert limiter.hit(item, "5.6.7.8")


def test_strategies_it_does_not_implement_are_refused_at_start(tmp_path):
    with pytest.raises(NotImplementedError):
        MovingWindowRateLimiter(_storage(tmp_path))


@pytest.mark.parametrize(
    "uri", ["sqlite://", "sqlite:///", "sqlite:///:memory:", "sqlite://host/x.sqlite3"]
)
def test_uri_must_name_a_file(uri):
    with pytest.raises(ConfigurationError):
        SQLiteStorage(uri)


def _fresh_env(monkeypatch, tmp_path):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    for name in ("SECRET_KEY", "APP_ENV", "REDIS_URL", "RATELIMIT_STORAGE_URI"):
        monkeypatch.delenv(name, raising=False)


def test_default_storage_is_the_file_in_the_instance_folder(monkeypatch, tmp_path):
    from app.extensions import limiter

    _fresh_env(monkeypatch, tmp_path)
    app = create_app()
    expected = tmp_path / "inst" / "ratelimits.sqlite3"
    assert app.config["RATELIMIT_STORAGE_URI"] == f"sqlite:///{expected}"
    assert isinstance(limiter.storage, SQLiteStorage)
    assert limiter.storage.path == expected


def test_redis_url_still_wins(monkeypatch, tmp_path):
    _fresh_env(monkeypatch, tmp_path)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert create_app().config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


def test_a_broken_storage_falls_back_to_counting_in_memory(app_config, tmp_path, monkeypatch):
    """The file cannot be made: no 500; limits are counted per process until it can."""
    from app.extensions import limiter

    monkeypatch.setattr(limiter, "_storage_dead", False)  # the flag outlives init_app: restore it
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "inst"))
    (tmp_path / "not-a-folder").write_text("")
    config = {
        **app_config,
        "RATELIMIT_STORAGE_URI": f"sqlite:///{tmp_path / 'not-a-folder' / 'r.sqlite3'}",
        "RATELIMIT_LOGIN": "2 per minute",
    }
    application = create_app(config)
    application.test_client_class = IsolatedClient
    with application.app_context():
        from app.extensions import db

        db.create_all()
    client = application.test_client()
    token = csrf_token(client)
    statuses = [
        client.post(
            "/login", data={"csrf_token": token, "email": "x@example.com", "password": "x"}
        ).status_code
        for _ in range(3)
    ]
    assert 500 not in statuses and statuses[-1] == 429


def test_production_refuses_per_process_storage(monkeypatch, tmp_path, production_hasher):
    _fresh_env(monkeypatch, tmp_path)
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("SITE_URL", "https://mascot.example.go.th")
    monkeypatch.setenv("TRUSTED_HOSTS", "mascot.example.go.th")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    with pytest.raises(PerProcessRateLimitError, match="RATELIMIT_STORAGE_URI=memory://"):
        create_app()
    monkeypatch.delenv("RATELIMIT_STORAGE_URI")
    app = create_app()  # the default, the shared file, is accepted
    assert app.config["RATELIMIT_STORAGE_URI"].startswith("sqlite:///")
