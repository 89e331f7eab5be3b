"""The one-vote key under concurrent requests, on SQLite and PostgreSQL: one row, no 500,
no "database is locked"."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from app.voting.models import Vote, VoteTally
from tests.conftest import both_databases
from tests.factories import PASSWORD, UserFactory
from tests.helpers import csrf_token, login
from tests.voting.conftest import make_voting_campaign


def _session_clients(app, user, count):
    """``count`` clients sharing one logged-in session (like many tabs of one browser)."""
    first = app.test_client()
    login(first, user.email, PASSWORD)
    token = csrf_token(first, "/account")
    cookie = first.get_cookie("session")
    clients = []
    for _ in range(count):
        client = app.test_client()
        client.set_cookie(cookie.key, cookie.value, domain="localhost")
        clients.append(client)
    return clients, token


@both_databases
def test_fifty_concurrent_votes_by_one_person_make_one_row(app, db, caplog):
    campaign = make_voting_campaign("voting")
    finalist_ids = [f.id for f in campaign.finalists]
    voter = UserFactory(verified=True)
    clients, token = _session_clients(app, voter, 50)

    def vote(n):
        client = clients[n]
        data = {"csrf_token": token, "finalist": str(finalist_ids[n % len(finalist_ids)])}
        response = client.post("/vote/confirm?lang=en", data=data)
        return response.status_code, response.get_data(as_text=True)

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(vote, range(50)))
    statuses = [status for status, _ in answers]
    assert statuses.count(302) == 1, statuses
    assert statuses.count(409) == 49, statuses
    assert all("You already voted for" in body for status, body in answers if status == 409)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote)) == 1
    assert db.session.scalar(sa.select(sa.func.sum(VoteTally.votes))) == 1
    assert "database is locked" not in caplog.text


@both_databases
def test_many_people_voting_at_once_are_all_counted(app, db, caplog):
    campaign = make_voting_campaign("voting")
    finalist_ids = [f.id for f in campaign.finalists]
    app.config["RATELIMIT_LOGIN"] = "1000 per minute"  # thirty people log in from one address
    voters = [UserFactory(verified=True) for _ in range(30)]
    sessions = [_session_clients(app, voter, 1) for voter in voters]

    def vote(n):
        (client,), token = sessions[n]
        data = {"csrf_token": token, "finalist": str(finalist_ids[n % 5])}
        return client.post("/vote/confirm", data=data).status_code

    with ThreadPoolExecutor(max_workers=15) as pool:
        statuses = list(pool.map(vote, range(30)))
    assert statuses == [302] * 30
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote)) == 30
    tallies = dict(db.session.execute(sa.select(VoteTally.finalist_id, VoteTally.votes)).all())
    assert tallies == dict.fromkeys(finalist_ids, 6)
    assert "database is locked" not in caplog.text
