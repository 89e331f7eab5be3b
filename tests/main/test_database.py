"""SQLite: a request that reads, then writes, must not fail when another writer commits in
between (the reason writing requests begin IMMEDIATE)."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from app.accounts import services as accounts
from tests.factories import PASSWORD
from tests.helpers import login


def test_log_in_survives_a_commit_by_another_worker_meanwhile(
    app, client, db, citizen, monkeypatch
):
    other = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], connect_args={"timeout": 10})
    real_check = accounts.check_password
    finished = []

    def another_worker_writes():
        with other.begin() as connection:
            connection.execute(sa.text("CREATE TABLE IF NOT EXISTS other_worker (n INTEGER)"))
            connection.execute(sa.text("INSERT INTO other_worker VALUES (1)"))
        finished.append(True)

    def check_during_a_commit(user, password):
        # While the argon2 check runs, another process commits a write.
        worker = threading.Thread(target=another_worker_writes)
        worker.start()
        worker.join(timeout=0.5)
        return real_check(user, password)

    monkeypatch.setattr(accounts, "check_password", check_during_a_commit)
    response = login(client, citizen.email, PASSWORD)
    assert response.status_code == 302
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and thread.name.startswith("Thread"):
            thread.join(timeout=15)
    assert finished == [True]  # the other writer waited its turn and then succeeded
    other.dispose()
