"""Engine settings per database, and write transactions that take SQLite's lock up front.

The transaction rule: services add and flush, and take their own locks (``begin_write()``,
``SELECT ... FOR UPDATE``); the view commits once, or the error handler (app/errors.py) rolls
back. A service never commits or rolls back, except ``begin_write()`` on SQLite, which ends a
read-only transaction to begin one that holds the lock. Not yet following it:
``staff.totp.setup_secret`` commits on a GET, and ``accounts.services.register_user`` rolls
back a lost sign-up race. CLI commands and the demo commit for themselves, as a view does.

SQLite gets WAL (readers never wait for the writer), a busy timeout and foreign keys. A
transaction that will write must start with BEGIN IMMEDIATE: one that reads first and writes
later fails at once with "database is locked" when another writer got in between (a WAL
snapshot cannot be upgraded), whatever the busy timeout. So every request that may write
(POST, PUT, PATCH, DELETE) begins its transactions IMMEDIATE, and ``begin_write()`` does the
same for a GET that writes. PostgreSQL needs none of this: unique keys and row locks decide.

A GET that forgets ``begin_write()`` fails only when another writer commits at the wrong
moment (seen: verification links answering 503 while others signed up), so a watch on every
SQLite statement catches the pattern itself: a write after a read in a transaction that does
not hold the lock. Under TESTING it raises, so any such GET fails its own tests; otherwise it
logs a warning naming the statement.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from dataclasses import dataclass
from math import ceil

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context, request

from app.extensions import db

_begin_immediate: ContextVar[bool] = ContextVar("begin_immediate", default=False)
log = logging.getLogger(__name__)
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class UnlockedWrite(RuntimeError):
    """A request wrote after reading in a transaction that did not take SQLite's write lock."""


def _sqlite_on_connect(dbapi_connection, connection_record) -> None:
    # Python's sqlite3 opens transactions lazily; we issue BEGIN ourselves (see below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_on_begin(connection) -> None:
    immediate = _begin_immediate.get()
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
    connection.info["immediate"] = immediate
    connection.info["has_read"] = False


def _sqlite_watch_writes(connection, cursor, statement, parameters, context, executemany) -> None:
    info = connection.info
    if info.get("immediate", True):
        return
    verb = statement.lstrip()[:7].upper()
    if verb.startswith(("SELECT", "WITH")):
        info["has_read"] = True
    elif verb.startswith(_WRITES) and info.get("has_read") and _dispatching_a_read():
        message = (
            f"{request.method} {request.path} wrote after reading without SQLite's write lock "
            "(call app.database.begin_write() before the reads): " + statement[:80]
        )
        if current_app.config.get("TESTING"):
            raise UnlockedWrite(message)
        log.warning(message)


def begin_write() -> None:
    """Make sure the session's transaction holds SQLite's write lock before the reads that a
    write depends on. In a writing request it already does; otherwise the read transaction
    is ended and a new one begins IMMEDIATE. Elsewhere (PostgreSQL) it does nothing."""
    if db.session.get_bind().dialect.name != "sqlite":
        return
    if db.session.connection().info.get("immediate"):
        return
    db.session.commit()
    token = _begin_immediate.set(True)
    try:
        db.session.connection()
    finally:
        _begin_immediate.reset(token)


_WRITING_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _dispatching_a_read() -> bool:
    # Set by the hook below, so a test's own test_request_context() is not watched.
    return has_request_context() and g.get("watch_unlocked_writes", False)


def _writing_request_begins_immediate() -> None:
    if request.method in _WRITING_METHODS:
        g.begin_immediate_token = _begin_immediate.set(True)
    else:
        g.watch_unlocked_writes = True


def _end_of_request(exc) -> None:
    token = g.pop("begin_immediate_token", None)
    if token is not None:
        _begin_immediate.reset(token)


def like_pattern(term: str) -> str:
    """A LIKE pattern matching ``term`` anywhere, with %, _ and the escape character itself
    escaped: use it with ``escape="\\"``."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass
class Page:
    """The parts of ``db.paginate``'s pagination that the templates use, for a page of rows
    that ``db.paginate`` cannot count (a grouped query)."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def init_app(app: Flask) -> None:
    """Attach per-connection settings to the engine once the app context exists. Called by
    create_app before any other request hook is registered: any of them may read the database
    (the user, for one), and a writing request's transaction must begin IMMEDIATE from its
    very first read."""
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            sa.event.listen(engine, "connect", _sqlite_on_connect)
            sa.event.listen(engine, "begin", _sqlite_on_begin)
            sa.event.listen(engine, "before_cursor_execute", _sqlite_watch_writes)
            app.before_request(_writing_request_begins_immediate)
            app.teardown_request(_end_of_request)
