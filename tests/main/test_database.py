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


def _another_worker_commits_meanwhile(app):
    """A function that, called in the middle of a request, has another connection commit a
    write (a registration elsewhere) and returns a check that it finished."""
    other = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], connect_args={"timeout": 10})
    finished: list[bool] = []
    workers: list[threading.Thread] = []

    def write():
        with other.begin() as connection:
            connection.execute(sa.text("CREATE TABLE IF NOT EXISTS other_worker (n INTEGER)"))
            connection.execute(sa.text("INSERT INTO other_worker VALUES (1)"))
        finished.append(True)

    def meanwhile():
        worker = threading.Thread(target=write)
        workers.append(worker)
        worker.start()
        worker.join(timeout=0.5)

    def done() -> bool:
        for worker in workers:
            worker.join(timeout=15)
        other.dispose()
        return finished == [True] * len(workers)

    return meanwhile, done


def test_verification_link_survives_a_sign_up_by_another_worker_meanwhile(
    app, client, db, monkeypatch
):
    """The live defect: GET /verify/<token> read the account, another worker committed a
    sign-up, and the verification's write then failed at once with "database is locked" (503)."""
    from tests.factories import UserFactory

    user = UserFactory()
    token = accounts.make_token(user, accounts.TokenPurpose.VERIFY_EMAIL)
    meanwhile, done = _another_worker_commits_meanwhile(app)
    real_read = accounts.read_token

    def read_then_someone_writes(*args, **kwargs):
        result = real_read(*args, **kwargs)
        meanwhile()
        return result

    monkeypatch.setattr(accounts, "read_token", read_then_someone_writes)
    response = client.get(f"/verify/{token}")
    assert response.status_code == 302, response.status_code
    assert done()
    db.session.refresh(user)
    assert user.email_verified_at is not None


def test_verification_links_during_a_burst_of_sign_ups_never_answer_503(app, db):
    """Three people signing up while others open their verification links (the live report:
    503 "database is locked" for the links whenever someone else was signing up)."""
    from concurrent.futures import ThreadPoolExecutor

    from app.accounts.models import User
    from tests.factories import UserFactory
    from tests.helpers import post_form

    app.config["RATELIMIT_REGISTER"] = "1000 per hour"  # one test address signs up them all
    waiting = [UserFactory() for _ in range(24)]
    links = [
        f"/verify/{accounts.make_token(user, accounts.TokenPurpose.VERIFY_EMAIL)}"
        for user in waiting
    ]
    db.session.commit()

    def sign_up(n: int) -> list[int]:
        client = app.test_client()
        data = {
            "display_name": f"ผู้สมัคร {n}",
            "email": f"burst{n}@example.com",
            "password": "ทดลอง correct horse battery 42",
            "consent": "y",
        }
        return [post_form(client, "/register", data).status_code]

    def open_links(part: list[str]) -> list[int]:
        client = app.test_client()
        return [client.get(link).status_code for link in part]

    with ThreadPoolExecutor(max_workers=6) as pool:
        sign_ups = [pool.submit(sign_up, n) for n in range(18)]
        opened = [pool.submit(open_links, links[i::3]) for i in range(3)]
        statuses = [s for f in sign_ups + opened for s in f.result()]
    assert 503 not in statuses and 500 not in statuses, statuses
    assert statuses.count(302) == len(statuses), sorted(set(statuses))
    verified = db.session.scalar(
        sa.select(sa.func.count()).select_from(User).where(User.email_verified_at.is_not(None))
    )
    assert verified == len(waiting)
