"""Two real gunicorn instances on PostgreSQL and Redis: everything that must be shared is.

Runs when TEST_DATABASE_URL and TEST_REDIS_URL are set (CI sets both); otherwise skipped.
"""

from __future__ import annotations

import os
import re
import secrets
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import pytest
import sqlalchemy as sa

from tests.support.servers import Browser, flask_cli, gunicorn
from tests.support.voters import finalist_ids, log_in, make_citizens


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    base_url = os.environ.get("TEST_DATABASE_URL")
    redis_url = os.environ.get("TEST_REDIS_URL")
    if not base_url or not redis_url:
        pytest.skip("TEST_DATABASE_URL and TEST_REDIS_URL are needed for the cluster test")
    schema = f"cluster_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base_url)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    tmp = tmp_path_factory.mktemp("cluster")
    env = {k: v for k, v in os.environ.items() if k not in {"APP_ENV", "MAIL_SERVER"}}
    env.update(
        DATABASE_URL=f"{base_url}?options=-csearch_path%3D{schema}",
        REDIS_URL=redis_url,
        REDIS_KEY_PREFIX=f"cluster-{schema}",
        SECRET_KEY="cluster-" + secrets.token_urlsafe(48),
        INSTANCE_PATH=str(tmp / "instance"),
        MAIL_BACKEND="file",
        RATELIMIT_LOGIN="1000 per minute",
        RATELIMIT_VOTE="1000 per minute",
        RATELIMIT_RESET="5 per 15 minutes",
        WEB_CONCURRENCY="2",
    )

    flask_cli(env, "db", "upgrade")
    flask_cli(env, "seed-demo", "--phase", "voting")
    citizens = make_citizens(env["DATABASE_URL"], 50)
    try:
        with ExitStack() as servers:
            urls = [servers.enter_context(gunicorn(env, tmp))[1] for _ in range(2)]
            yield {"urls": urls, "citizens": citizens, "db": env["DATABASE_URL"], "tmp": tmp}
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_log_in_on_one_instance_vote_on_the_other(cluster):
    one, two = cluster["urls"]
    person = Browser()
    log_in(person, one, cluster["citizens"][0])
    finalists = finalist_ids(person, two)  # the session from instance one works on two
    assert len(finalists) == 5
    token = person.token(two + "/vote")
    status, _ = person.post(two + "/vote/confirm", {"csrf_token": token, "finalist": finalists[0]})
    assert status == 302
    status, html = person.get(one + "/vote/receipt")
    assert status == 200 and re.search(r"VT-\d{4}-[A-Z0-9]{8}", html)


def _counts(database_url: str, emails: list[str]) -> tuple[int, int]:
    """(votes cast by these people, votes in the whole tally)."""
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        votes = connection.execute(
            sa.text(
                "SELECT count(*) FROM vote JOIN user_account ON user_account.id = vote.user_id "
                "WHERE user_account.email IN :emails"
            ).bindparams(sa.bindparam("emails", expanding=True)),
            {"emails": emails},
        ).scalar()
        tallied = connection.execute(sa.text("SELECT coalesce(sum(votes), 0) FROM vote_tally"))
        tallied = tallied.scalar()
    engine.dispose()
    return votes, tallied


def test_each_persons_two_simultaneous_votes_on_both_instances_count_once(cluster):
    """Every person sends two votes released at the same instant (a barrier), one to each
    instance; two people's pairs run at a time, so each instance's two workers take one each.
    Independent of the other tests: it counts only its own people's votes."""
    one, two = cluster["urls"]
    emails = cluster["citizens"][1:]  # 49 people; the first is the other test's
    people = []
    for n, email in enumerate(emails):
        browser = Browser()
        log_in(browser, (one, two)[n % 2], email)
        people.append((browser, browser.token(one + "/vote"), threading.Barrier(2, timeout=30)))
    finalists = finalist_ids(people[0][0], one)
    votes_before, tallied_before = _counts(cluster["db"], emails)
    assert votes_before == 0

    def vote(n):
        browser, token, barrier = people[n // 2]
        url = (one, two)[n % 2]  # the pair's two halves go to different instances
        barrier.wait()
        return browser.post(
            url + "/vote/confirm", {"csrf_token": token, "finalist": finalists[n // 2 % 5]}
        )[0]

    # Tasks are taken in order, so a pair's halves are always running together.
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(vote, range(2 * len(people))))
    assert all(status in (302, 409) for status in statuses), sorted(set(statuses))
    for n in range(len(people)):
        assert sorted(statuses[2 * n : 2 * n + 2]) == [302, 409], (n, statuses[2 * n : 2 * n + 2])
    votes, tallied = _counts(cluster["db"], emails)
    assert votes == len(people) and tallied - tallied_before == len(people)


def test_a_rate_limit_reached_on_one_instance_holds_on_the_other(cluster):
    one, two = cluster["urls"]
    browser = Browser()
    token = browser.token(one + "/reset")
    for _ in range(5):
        status, _ = browser.post(
            one + "/reset", {"csrf_token": token, "email": "nobody@example.com"}
        )
        assert status == 200
    status, _ = browser.post(
        two + "/reset", {"csrf_token": browser.token(two + "/reset"), "email": "nobody@example.com"}
    )
    assert status == 429
