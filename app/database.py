"""Engine settings per database, and write transactions that take SQLite's lock up front.

SQLite gets WAL (readers never wait for the writer), a busy timeout and foreign keys. A
transaction that will write must start with BEGIN IMMEDIATE: one that reads first and writes
later fails at once with "database is locked" when another writer got in between (a WAL
snapshot cannot be upgraded), whatever the busy timeout. So every request that may write
(POST, PUT, PATCH, DELETE) begins its transactions IMMEDIATE, and ``begin_write()`` does the
same for a GET that writes. PostgreSQL needs none of this: unique keys and row locks decide.
"""

from __future__ import annotations

from contextvars import ContextVar

import sqlalchemy as sa
from flask import Flask, g, request

from app.extensions import db

_begin_immediate: ContextVar[bool] = ContextVar("begin_immediate", default=False)


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


def _writing_request_begins_immediate() -> None:
    if request.method in _WRITING_METHODS:
        g.begin_immediate_token = _begin_immediate.set(True)


def _end_of_request(exc) -> None:
    token = g.pop("begin_immediate_token", None)
    if token is not None:
        _begin_immediate.reset(token)


def init_app(app: Flask) -> None:
    """Attach per-connection settings to the engine once the app context exists."""
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            sa.event.listen(engine, "connect", _sqlite_on_connect)
            sa.event.listen(engine, "begin", _sqlite_on_begin)
            # First of all hooks: any of them may read the database (the user, for one), and
            # a writing request's transaction must begin IMMEDIATE from its very first read.
            app.before_request_funcs.setdefault(None, []).insert(
                0, _writing_request_begins_immediate
            )
            app.teardown_request(_end_of_request)
