"""Rate-limit counts shared by every worker on this machine, without Redis.

``limits`` (Flask-Limiter's storage layer) ships memory, Redis, Memcached and MongoDB stores,
nothing on disk, and memory is per process: with gunicorn's N workers every limit was N times
looser. :class:`SQLiteStorage` keeps the counters in a SQLite file of their own
(``instance/ratelimits.sqlite3`` by default; WAL, one short ``BEGIN IMMEDIATE`` transaction per
hit), so every worker that sees the instance folder counts in one place.

It supports the fixed-window strategy, the one this site uses (``RATELIMIT_STRATEGY`` unset);
``limits`` refuses to start a moving-window or sliding-window strategy on it. Several machines
need Redis (``REDIS_URL``), which is then used instead.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

from flask import Flask
from limits.errors import ConfigurationError
from limits.storage import Storage

SCHEME = "sqlite"
FILE_NAME = "ratelimits.sqlite3"
PURGE_EVERY = 60.0  # seconds between sweeps of expired counters, per process

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ratelimit (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL,
    expires_at REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ratelimit_expires_at ON ratelimit (expires_at);
"""

# One statement: a new or expired window starts at `amount`, a live one adds to it.
_INCR = """
INSERT INTO ratelimit (key, value, expires_at) VALUES (:key, :amount, :expires_at)
ON CONFLICT (key) DO UPDATE SET
    value = CASE WHEN ratelimit.expires_at <= :now THEN excluded.value
                 ELSE ratelimit.value + excluded.value END,
    expires_at = CASE WHEN ratelimit.expires_at <= :now THEN excluded.expires_at
                      ELSE ratelimit.expires_at END
RETURNING value
"""


class SQLiteStorage(Storage):
    """A ``limits`` storage in a SQLite file: ``sqlite:////absolute/path/ratelimits.sqlite3``.

    Options (``RATELIMIT_STORAGE_OPTIONS``): ``timeout``, seconds to wait for the write lock
    (default 10, as the site's database). An error is a ``sqlite3.Error``, which Flask-Limiter answers by counting in
    memory until the file answers again (``RATELIMIT_IN_MEMORY_FALLBACK_ENABLED``).
    """

    # limits' documented way to add a storage: the class registers its scheme when defined.
    STORAGE_SCHEME: ClassVar[list[str]] = [SCHEME]

    def __init__(
        self,
        uri: str | None = None,
        wrap_exceptions: bool = False,
        timeout: float = 10.0,
        **_options: float | str | bool,
    ) -> None:
        prefix = f"{SCHEME}:///"
        if not uri or not uri.startswith(prefix) or uri == prefix or ":memory:" in uri:
            raise ConfigurationError(
                f"a rate-limit storage URI needs a file: {prefix}/path/to/{FILE_NAME} (got {uri!r})"
            )
        self.path = Path(uri[len(prefix) :])
        self.timeout = float(timeout)
        self._local = threading.local()
        self._inherited: list[sqlite3.Connection] = []
        self._next_purge = 0.0
        super().__init__(uri, wrap_exceptions=wrap_exceptions)

    @property
    def base_exceptions(self) -> tuple[type[Exception], ...]:
        return (sqlite3.Error, OSError)  # OSError: the folder cannot be made or written

    # --- connections: one per thread and process, opened on first use ------------------------

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Created 0600 before SQLite opens it; SQLite gives its -wal and -shm files the same mode.
        os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        connection = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")  # a power cut may lose the last counts only
        connection.executescript(_SCHEMA)
        return connection

    def _connection(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            if getattr(local, "connection", None) is not None:
                # Opened before a fork: never used or closed in the child (SQLite's rule).
                self._inherited.append(local.connection)
            local.connection, local.pid = self._connect(), os.getpid()
        return local.connection

    @contextmanager
    def _write(self):
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")  # take the write lock first: no upgrade deadlock
        try:
            yield connection
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise

    # --- the limits.storage.Storage interface -----------------------------------------------

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add ``amount`` to the key's counter in its window (a new one lasts ``expiry`` s)."""
        now = time.time()
        with self._write() as connection:
            row = connection.execute(
                _INCR, {"key": key, "amount": amount, "expires_at": now + expiry, "now": now}
            ).fetchone()
            if time.monotonic() >= self._next_purge:
                self._next_purge = time.monotonic() + PURGE_EVERY
                connection.execute("DELETE FROM ratelimit WHERE expires_at <= ?", (now,))
        return int(row[0])

    def get(self, key: str) -> int:
        row = (
            self._connection()
            .execute(
                "SELECT value FROM ratelimit WHERE key = ? AND expires_at > ?", (key, time.time())
            )
            .fetchone()
        )
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        row = (
            self._connection()
            .execute(
                "SELECT expires_at FROM ratelimit WHERE key = ? AND expires_at > ?", (key, now)
            )
            .fetchone()
        )
        return float(row[0]) if row else now

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT count(*) FROM ratelimit").fetchone()
        except (sqlite3.Error, OSError):
            return False
        return True

    def reset(self) -> int | None:
        with self._write() as connection:
            return connection.execute("DELETE FROM ratelimit").rowcount

    def clear(self, key: str) -> None:
        with self._write() as connection:
            connection.execute("DELETE FROM ratelimit WHERE key = ?", (key,))


def default_storage_uri(instance_path: str) -> str:
    """The storage every worker on this machine shares: a SQLite file in the instance folder."""
    return f"{SCHEME}:///{Path(instance_path).resolve() / FILE_NAME}"


def init_app(app: Flask) -> None:
    """Without a configured storage (no REDIS_URL, no RATELIMIT_STORAGE_URI), use the file.

    The file, its WAL mode and its table are made here, once, before gunicorn forks: workers
    that all made them at their first request together waited on each other's schema lock,
    and a hit that waits past the timeout is let through (seen once, on a loaded machine)."""
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = default_storage_uri(app.instance_path)
    uri = app.config["RATELIMIT_STORAGE_URI"]
    if uri.startswith(f"{SCHEME}:///"):
        try:
            SQLiteStorage(uri)._connect().close()
        except (sqlite3.Error, OSError):
            app.logger.warning("rate-limit file %s cannot be prepared now", uri)
