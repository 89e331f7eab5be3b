"""Opinions and suggestions: send, track by code, answer, close; privacy and bad input."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.feedback.models import Feedback, FeedbackTopic
from app.feedback.services import answer as send_feedback_answer
from app.feedback.services import ensure_default_topics
from tests.conftest import both_databases
from tests.factories import PASSWORD, UserFactory
from tests.helpers import links_in, login, post_form

MESSAGE = "อยากให้ระบบยื่นภาษีออนไลน์แสดงสถานะคำร้องชัดเจนกว่านี้"


@pytest.fixture
def topic(db):
    ensure_default_topics()
    db.session.commit()
    return db.session.scalar(sa.select(FeedbackTopic).order_by(FeedbackTopic.id))


def _send(client, chosen, **overrides):
    data = {
        "topic": str(chosen.id),
        "message": MESSAGE,
        "reply_email": "visitor@example.com",
        "consent": "y",
    }
    data.update(overrides)
    return post_form(client, "/feedback?lang=en", data, page="/feedback")


def test_a_visitor_sends_and_follows_a_message(client, db, topic, outbox):
    response = _send(client, topic)
    assert response.status_code == 302
    feedback = db.session.scalar(sa.select(Feedback))
    assert feedback.code.startswith("FB-") and len(feedback.code) == 23
    assert response.headers["Location"].startswith(f"/feedback/{feedback.code}")
    page = client.get(f"/feedback/{feedback.code}?lang=en")
    assert page.status_code == 200
    assert MESSAGE in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert "noindex" in page.headers["X-Robots-Tag"]
    (mail,) = outbox
    assert mail.to == ["visitor@example.com"]
    assert any(feedback.code in link for link in links_in(mail))


@both_databases
def test_a_visitor_may_send_without_a_reply_address(client, db, topic, outbox):
    # Rule: the reply address is optional; the tracking code is how a visitor follows the answer.
    form = client.get("/feedback?lang=en").get_data(as_text=True)
    assert "E-mail for our answer (optional)" in form
    (field,) = re.findall(r"<input[^>]*reply_email[^>]*>", form)
    assert "required" not in field and "keep the tracking code" in form
    response = _send(client, topic, reply_email="")
    assert response.status_code == 302
    feedback = db.session.scalar(sa.select(Feedback))
    assert feedback.reply_email is None and feedback.user_id is None
    assert outbox == []  # nothing to mail; the page shows the code
    page = client.get(response.headers["Location"] + "&lang=en").get_data(as_text=True)
    assert feedback.code in page and "keep the tracking code to come back" in page
    # Staff answer it; the answer appears on the tracking page.
    moderator = UserFactory(verified=True, role="moderator")
    send_feedback_answer(feedback, "ขอบคุณสำหรับข้อเสนอแนะ", moderator)
    db.session.commit()
    assert "ขอบคุณสำหรับข้อเสนอแนะ" in client.get(f"/feedback/{feedback.code}").get_data(as_text=True)


def test_tracking_by_code_form(client, db, topic):
    _send(client, topic)
    code = db.session.scalar(sa.select(Feedback.code))
    response = client.get(f"/feedback/track?code={code.lower()}")
    assert response.status_code == 302 and code in response.headers["Location"]
    assert client.get("/feedback/track?code=FB-NOPE").status_code == 404


def test_unknown_or_hostile_codes_are_404(client, db, topic):
    for code in ("FB-AAAAAAAAAAAAAAAAAAAA", "x" * 500, "<script>", "1' OR '1'='1"):
        assert client.get(f"/feedback/{code}").status_code == 404


def test_a_visitor_must_consent_and_a_given_reply_address_must_work(client, db, topic):
    assert _send(client, topic, consent="").status_code == 400
    assert _send(client, topic, reply_email="not-an-address").status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Feedback)) == 0


def test_message_length_limits_and_escaping(client, db, topic):
    assert _send(client, topic, message="สั้นไป").status_code == 400
    assert _send(client, topic, message="ก" * 3001).status_code == 400
    _send(client, topic, message='<script>alert("x")</script> ข้อความยาวพอ')
    code = db.session.scalar(sa.select(Feedback.code))
    html = client.get(f"/feedback/{code}").get_data(as_text=True)
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_an_unknown_or_hidden_topic_is_refused(client, db, topic):
    assert _send(client, topic, topic="999999").status_code == 400
    topic.active = False
    db.session.commit()
    assert _send(client, topic).status_code == 400


def test_a_logged_in_citizen_is_answered_at_the_account_address(client, db, topic, citizen):
    login(client, citizen.email, PASSWORD)
    assert _send(client, topic, reply_email="").status_code == 302
    feedback = db.session.scalar(sa.select(Feedback))
    assert feedback.reply_email == citizen.email and feedback.user_id == citizen.id


def test_moderator_answers_and_closes(client, db, topic, outbox):
    _send(client, topic)
    feedback = db.session.scalar(sa.select(Feedback))
    moderator = UserFactory(verified=True, role="moderator")
    staff = client.application.test_client()
    login(staff, moderator.email, PASSWORD)
    assert MESSAGE in staff.get("/admin/feedback").get_data(as_text=True)
    response = post_form(
        staff,
        f"/admin/feedback/{feedback.id}/answer",
        {"answer": "ขอบคุณ เราจะปรับปรุงหน้าสถานะ"},
        page=f"/admin/feedback/{feedback.id}",
    )
    assert response.status_code == 302
    db.session.refresh(feedback)
    assert feedback.status == "answered"
    assert outbox[-1].to == ["visitor@example.com"] and "ขอบคุณ" in outbox[-1].body
    assert "ขอบคุณ เราจะปรับปรุงหน้าสถานะ" in client.get(f"/feedback/{feedback.code}").get_data(
        as_text=True
    )
    post_form(
        staff, f"/admin/feedback/{feedback.id}/close", {}, page=f"/admin/feedback/{feedback.id}"
    )
    db.session.refresh(feedback)
    assert feedback.status == "closed"
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"feedback.answer", "feedback.close"} <= actions


def test_citizens_cannot_open_the_inbox(client, db, topic, citizen):
    login(client, citizen.email, PASSWORD)
    assert client.get("/admin/feedback").status_code == 403


def test_only_admins_keep_the_topics(client, db, topic):
    moderator = UserFactory(verified=True, role="moderator")
    login(client, moderator.email, PASSWORD)
    assert client.get("/admin/feedback/topics").status_code == 403


def test_admin_adds_a_topic(client, db, topic):
    admin = UserFactory(verified=True, role="admin")
    login(client, admin.email, PASSWORD)
    response = post_form(
        client, "/admin/feedback/topics", {"name_th": "ภาษี", "name_en": "Taxes", "active": "y"}
    )
    assert response.status_code == 302
    assert db.session.scalar(sa.select(FeedbackTopic).where(FeedbackTopic.name_en == "Taxes"))


def test_feedback_is_rate_limited(app, client, db, topic):
    app.config["RATELIMIT_FEEDBACK"] = "2 per hour"
    statuses = [_send(client, topic).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]


def test_account_deletion_erases_the_messages(app, client, db, topic, citizen):
    login(client, citizen.email, PASSWORD)
    _send(client, topic, reply_email="")
    from app.accounts.services import delete_account

    with app.test_request_context():
        delete_account(citizen)
    db.session.commit()
    assert db.session.scalar(sa.select(Feedback)) is None
