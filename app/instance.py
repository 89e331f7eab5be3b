"""The instance folder is private: it holds the secret key, the SQLite database, the mail
outbox (live reset links) and the page cache. Folders are made 0700 and files 0600 whatever
the umask, so no other account on the machine can read them."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import sqlalchemy as sa

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: str | os.PathLike) -> Path:
    """Make ``path`` (and missing parents) if needed; a folder we own that others can read or
    enter is closed to them (an instance made by an earlier version was 0755)."""
    folder = Path(path)
    folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    info = folder.stat()
    if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & 0o077:
        folder.chmod(stat.S_IMODE(info.st_mode) & ~0o077)
    return folder


def write_private(path: str | os.PathLike, data: bytes) -> None:
    """Write a new file that only this account can read (fails if it exists)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def private_sqlite_file(uri: str) -> None:
    """Create an SQLite database file 0600 before SQLite does (it would use 0644). SQLite gives
    its -wal and -shm files the mode of the database file."""
    url = sa.engine.make_url(uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    if url.database.startswith("file:") or url.query.get("mode") == "memory":
        return
    path = Path(url.database)
    if path.parent.is_dir() and not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, FILE_MODE))
