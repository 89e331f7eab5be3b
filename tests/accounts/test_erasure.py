"""Erasure that erases: after "delete my account", nothing the person wrote that was never
published stays (comments held for moderation, feedback messages, feedback sent without logging
in from the same mailbox), and the data download lists that feedback too."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from app.feedback.models import Feedback, FeedbackTopic
from app.feedback.services import ensure_default_topics
from app.news.models import Comment, Status
from tests.conftest import both_databases
from tests.factories import PASSWORD, UserFactory
from tests.helpers import csrf_token, login, post_form
from tests.news.conftest import BROWSER, make_post

PHONE = "โทร 081-234-5678 ได้เลย"


def _delete_account(client, user) -> None:
    login(client, user.email, PASSWORD)
    response = client.post(
        "/account/delete",
        data={
            "csrf_token": csrf_token(client, "/account"),
            "del-current_password": PASSWORD,
            "del-confirm": "y",
        },
    )
    assert response.status_code == 302


def _comment(db, post, author, body, status, parent=None) -> Comment:
    row = Comment(
        post_id=post.id,
        author_id=author.id,
        body=body,
        status=status.value,
        parent_id=parent.id if parent else None,
    )
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def topic(db):
    ensure_default_topics()
    db.session.commit()
    return db.session.scalar(sa.select(FeedbackTopic).order_by(FeedbackTopic.id))


def _bodies(db) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Comment.body).order_by(Comment.id)))


@both_databases
def test_a_comment_held_for_moderation_is_erased_with_the_account(client, db, citizen):
    post = make_post()
    login(client, citizen.email, PASSWORD)
    # A first comment is held for moderation: never published.
    post_form(client, "/news/hello", {"body": PHONE}, page="/news/hello", headers=BROWSER)
    assert _bodies(db) == [PHONE]
    assert db.session.scalar(sa.select(Comment.status)) == Status.PENDING
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    _comment(db, post, citizen, "a published comment", Status.APPROVED)
    _delete_account(client, citizen)
    assert _bodies(db) == ["a published comment"]
    assert db.session.scalar(sa.select(Comment.author_id)) is None


@both_databases
def test_hidden_and_spam_comments_are_erased_and_others_replies_kept(client, db, citizen):
    post = make_post()
    other = UserFactory(verified=True)
    hidden = _comment(db, post, citizen, f"hidden: {PHONE}", Status.HIDDEN)
    _comment(db, post, other, "a reply by someone else", Status.APPROVED, parent=hidden)
    _comment(db, post, citizen, f"spam: {PHONE}", Status.SPAM)
    _delete_account(client, citizen)
    # The hidden comment had a reply: blanked, so the other person's reply stays.
    assert _bodies(db) == ["", "a reply by someone else"]
    assert not any("081" in body for body in _bodies(db))


def _feedback(client, topic, reply_email="", ip="192.0.2.1"):
    response = post_form(
        client,
        "/feedback",
        {
            "topic": str(topic.id),
            "message": f"ข้อเสนอแนะของข้าพเจ้า {PHONE}",
            "reply_email": reply_email,
            "consent": "y",
        },
        environ_base={"REMOTE_ADDR": ip},
    )
    assert response.status_code == 302


def test_feedback_sent_while_logged_in_is_erased_with_the_account(client, db, topic, citizen):
    login(client, citizen.email, PASSWORD)
    _feedback(client, topic)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Feedback)) == 1
    _delete_account(client, citizen)
    db.session.expire_all()
    assert db.session.scalars(sa.select(Feedback.message)).all() == []


@both_databases
def test_anonymous_feedback_from_the_same_mailbox_is_downloaded_and_erased(app, db, topic, citizen):
    visitor, other = app.test_client(), app.test_client()
    # Sent without logging in, from a spelling of the citizen's own address.
    _feedback(visitor, topic, reply_email=f"  {citizen.email.upper()} ", ip="192.0.2.7")
    _feedback(other, topic, reply_email="someone.else@example.com", ip="192.0.2.8")
    client = app.test_client()
    login(client, citizen.email, PASSWORD)
    data = json.loads(client.get("/account/data.json").get_data(as_text=True))
    [item] = data["feedback"]
    assert PHONE in item["message"] and item["sent_logged_in"] is False
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})

    _delete_account(client, citizen)
    db.session.expire_all()
    rows = db.session.execute(sa.select(Feedback.reply_email, Feedback.message)).all()
    assert [address for address, _ in rows] == ["someone.else@example.com"]


def test_an_unverified_account_gets_no_one_elses_anonymous_feedback(app, db, topic):
    """An address nobody proved: its anonymous messages are neither shown nor erased."""
    visitor = app.test_client()
    _feedback(visitor, topic, reply_email="owner@example.com")
    squatter = UserFactory(email="owner@example.com")  # never verified
    client = app.test_client()
    login(client, squatter.email, PASSWORD)
    data = json.loads(client.get("/account/data.json").get_data(as_text=True))
    assert data["feedback"] == []
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    _delete_account(client, squatter)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Feedback)) == 1
