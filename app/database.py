"""Engine settings per database, and a write transaction that takes SQLite's lock up front.

SQLite gets WAL (readers never wait for the writer), a busy timeout and foreign keys. A
transaction that will write should start with BEGIN IMMEDIATE: a transaction that reads
first and writes later can fail at once with "database is locked" when another writer got
in between (WAL snapshots cannot be upgraded), whatever the busy timeout.
"""

from __future__ import annotations

from contextvars import ContextVar

import sqlalchemy as sa
from flask import Flask

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
    connection.exec_driver_sql("BEGIN IMMEDIATE" if _begin_immediate.get() else "BEGIN")


def begin_write() -> None:
    """End the request's read transaction and open a write transaction now.

    On SQLite the new transaction holds the write lock from its first statement (other
    writers wait up to the busy timeout instead of failing); elsewhere it is a plain BEGIN.
    Call it before the reads that a write depends on; the caller commits as usual.
    """
    db.session.commit()
    token = _begin_immediate.set(True)
    try:
        db.session.connection()
    finally:
        _begin_immediate.reset(token)


def init_app(app: Flask) -> None:
    """Attach per-connection settings to the engine once the app context exists."""
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            sa.event.listen(engine, "connect", _sqlite_on_connect)
            sa.event.listen(engine, "begin", _sqlite_on_begin)
