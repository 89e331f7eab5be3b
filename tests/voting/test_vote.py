"""Casting a vote through the pages: ballot, confirmation, receipt, and every refusal."""

from __future__ import annotations

import sqlalchemy as sa

from app.voting.models import Vote, VoteTally
from tests.factories import PASSWORD, UserFactory
from tests.helpers import csrf_token, login, post_form
from tests.voting.conftest import make_voting_campaign


def _votes(db):
    return db.session.scalar(sa.select(sa.func.count()).select_from(Vote))


def _vote(client, finalist_id):
    """The two steps a person takes: choose, then confirm."""
    chosen = post_form(client, "/vote?lang=en", {"finalist": str(finalist_id)}, page="/vote")
    assert chosen.status_code == 200, chosen.get_data(as_text=True)[:300]
    token = csrf_token(client, "/vote")
    return client.post(
        "/vote/confirm?lang=en", data={"csrf_token": token, "finalist": str(finalist_id)}
    )


def test_a_citizen_votes_and_gets_a_receipt(client, db, citizen, finalists):
    login(client, citizen.email, PASSWORD)
    ballot = client.get("/vote?lang=en").get_data(as_text=True)
    for finalist in finalists:
        assert finalist.display_name in ballot
        assert f'value="{finalist.id}"' in ballot
    chosen = post_form(client, "/vote?lang=en", {"finalist": str(finalists[2].id)}, page="/vote")
    assert "Confirm your vote" in chosen.get_data(as_text=True)
    assert _votes(db) == 0  # choosing is not voting
    response = _vote(client, finalists[2].id)
    assert response.status_code == 302 and response.headers["Location"].endswith("/vote/receipt")
    receipt = client.get("/vote/receipt?lang=en").get_data(as_text=True)
    vote = db.session.scalar(sa.select(Vote))
    assert vote.reference_code in receipt and finalists[2].display_name in receipt
    assert db.session.get(VoteTally, finalists[2].id).votes == 1


def test_a_second_vote_is_refused_politely_and_changes_nothing(client, db, citizen, finalists):
    login(client, citizen.email, PASSWORD)
    _vote(client, finalists[0].id)
    token = csrf_token(client, "/account")
    again = client.post(
        "/vote/confirm?lang=en", data={"csrf_token": token, "finalist": str(finalists[1].id)}
    )
    assert again.status_code == 409
    html = again.get_data(as_text=True)
    assert f"You already voted for {finalists[0].display_name} on" in html
    assert _votes(db) == 1
    assert db.session.get(VoteTally, finalists[0].id).votes == 1
    assert db.session.get(VoteTally, finalists[1].id) is None
    assert "You already voted for" in client.get("/vote?lang=en").get_data(as_text=True)


def test_anonymous_sees_the_finalists_and_a_log_in_prompt(client, finalists):
    html = client.get("/vote?lang=en").get_data(as_text=True)
    assert finalists[0].display_name in html
    assert "You must be logged in to vote." in html
    assert 'name="csrf_token"' not in html  # the same page for every visitor: cacheable
    response = client.post(
        "/vote/confirm", data={"csrf_token": csrf_token(client), "finalist": "1"}
    )
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unverified_cannot_vote(client, db, finalists):
    user = UserFactory()
    login(client, user.email, PASSWORD)
    token = csrf_token(client, "/vote")
    response = client.post(
        "/vote/confirm", data={"csrf_token": token, "finalist": str(finalists[0].id)}
    )
    assert response.status_code == 403
    assert _votes(db) == 0


def test_unknown_or_foreign_finalist_is_a_400(client, db, citizen, finalists):
    login(client, citizen.email, PASSWORD)
    for bad in ("999999", "abc", "", "<script>"):
        response = post_form(client, "/vote?lang=en", {"finalist": bad}, page="/vote")
        assert response.status_code == 400
        assert "Please choose one of the finalists." in response.get_data(as_text=True)
    # Another campaign's finalist; archived, so the campaign in voting stays the current one
    # (a newer open one would make this a "voting is closed" 409 instead).
    other = make_voting_campaign("closed", archived=True)
    foreign = other.finalists[0].id
    token = csrf_token(client, "/vote")
    response = client.post("/vote/confirm", data={"csrf_token": token, "finalist": str(foreign)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/vote")
    assert _votes(db) == 0


def test_outside_the_window_a_friendly_page_with_dates(client, db, citizen):
    campaign = make_voting_campaign("review")
    login(client, citizen.email, PASSWORD)
    response = client.get("/vote?lang=en")
    assert response.status_code == 409
    assert "Voting opens on" in response.get_data(as_text=True)
    token = csrf_token(client, "/account")
    finalist = campaign.finalists[0].id
    response = client.post(
        "/vote/confirm?lang=en", data={"csrf_token": token, "finalist": str(finalist)}
    )
    assert response.status_code == 409
    assert _votes(db) == 0


def test_thai_dates_on_the_closed_page_are_buddhist_era(client, db):
    campaign = make_voting_campaign("closed")
    html = client.get("/vote?lang=th").get_data(as_text=True)
    assert str(campaign.voting_close.year + 543) in html


def test_stale_csrf_token_on_confirm_is_a_400(client, db, citizen, finalists):
    login(client, citizen.email, PASSWORD)
    response = client.post(
        "/vote/confirm", data={"csrf_token": "stale", "finalist": str(finalists[0].id)}
    )
    assert response.status_code == 400
    assert _votes(db) == 0


def test_search_finds_finalists_by_name_and_meaning(client, finalists):
    html = client.get("/search?q=ใจดี&lang=en").get_data(as_text=True)
    assert f"#finalist-{finalists[1].id}" in html
    assert "Finalist" in html
    assert f"#finalist-{finalists[3].id}" not in html
