"""Mail that cannot be turned against people: at most MAIL_PER_RECIPIENT_LIMIT mails per
mailbox (every spelling of it), and no link-like display name in a mail."""

from __future__ import annotations

import logging

import pytest

from app.mail import send_mail
from tests.factories import PASSWORD, UserFactory
from tests.helpers import csrf_token, login, post_form, register


def _ask_reset(client, email: str, ip: str):
    # A new address each time: the per-IP limit on the form is not what is tested here.
    return post_form(client, "/reset?lang=en", {"email": email}, environ_base={"REMOTE_ADDR": ip})


def test_the_sixth_reset_mail_for_one_address_within_the_hour_is_not_sent(
    client, citizen, outbox, caplog
):
    pages = []
    with caplog.at_level(logging.WARNING):
        for n in range(6):
            response = _ask_reset(client, citizen.email, f"198.51.100.{n + 1}")
            pages.append((response.status_code, response.get_data(as_text=True)))
    assert len(outbox) == 5
    # The sixth asker sees exactly what the first saw: nothing tells the limit was reached.
    assert pages[5] == pages[0] and pages[0][0] == 200
    refused = [r for r in caplog.records if "not sent" in r.getMessage()]
    assert len(refused) == 1
    assert citizen.email not in refused[0].getMessage()
    assert "example" not in refused[0].getMessage()


def test_spellings_of_one_address_count_together(client, citizen, outbox):
    spellings = [citizen.email, citizen.email.upper(), citizen.email.title(), "  " + citizen.email]
    for n in range(6):
        _ask_reset(client, spellings[n % len(spellings)], f"203.0.113.{n + 1}")
    assert len(outbox) == 5


def test_every_mail_counts_against_the_mailbox_whatever_the_spelling(app, db, outbox):
    with app.test_request_context():
        user = UserFactory(email="vote.tester@gmail.com")
        for address in (
            "vote.tester@gmail.com",
            "VoteTester@gmail.com",
            "v.o.t.e.tester+x@googlemail.com",
            "votetester@GMAIL.com",
            "vote.tester@gmail.com",
        ):
            assert send_mail(address, "reset_password", "en", user=user, link="http://x/")
        assert not send_mail("votetester@gmail.com", "verify_email", "th", user=user, link="x")
        # Another mailbox is counted on its own.
        assert send_mail("someone.else@gmail.com", "verify_email", "th", user=user, link="x")
    assert len(outbox) == 6


def test_the_limit_is_a_setting(app, db, outbox):
    app.config["MAIL_PER_RECIPIENT_LIMIT"] = "2 per hour"
    with app.test_request_context():
        user = UserFactory()
        sent = [send_mail(user.email, "verify_email", "en", user=user, link="x") for _ in range(3)]
    assert sent == [True, True, False]


def test_feedback_cannot_flood_a_mailbox(app, client, db, outbox):
    from app.feedback.models import FeedbackTopic
    from app.feedback.services import ensure_default_topics

    ensure_default_topics()
    db.session.commit()
    topic = db.session.query(FeedbackTopic).first()
    for n in range(7):
        response = post_form(
            client,
            "/feedback",
            {
                "topic": str(topic.id),
                "message": "ข้อความทดสอบที่ยาวพอสำหรับแบบฟอร์มนี้",
                "reply_email": "Victim@Example.com" if n % 2 else "victim@example.com",
                "consent": "y",
            },
            environ_base={"REMOTE_ADDR": f"192.0.2.{n + 1}"},
        )
        assert response.status_code == 302
    assert len(outbox) == 5


# --- display names in mails ---------------------------------------------------------------

LINKY = "visit evil.example/win"


def _register(client, name: str):
    return register(client, display_name=name, email="newcomer@example.com")


@pytest.mark.parametrize(
    "name",
    [
        LINKY,
        "www.win-a-prize.com",
        "https://evil.example",
        "ＥＶＩＬ．ＣＯＭ",
        "evil\u200b.com",
        "prize at 203.0.113.9",
        "ร้าน.ไทย",
    ],
)
def test_registration_refuses_a_display_name_that_holds_a_link(client, db, outbox, name):
    response = _register(client, name)
    assert response.status_code == 400
    assert "cannot contain a web address" in response.get_data(as_text=True)
    assert outbox == []


@pytest.mark.parametrize("name", ["Mr. Somchai", "ม.ล.สมชาย ใจดี", "ดร. สมศรี", "A.B. Cee"])
def test_ordinary_names_with_full_stops_are_accepted(client, db, outbox, name):
    assert _register(client, name).status_code == 302
    assert len(outbox) == 1


def test_the_profile_refuses_a_display_name_that_holds_a_link(client, db, citizen):
    login(client, citizen.email, PASSWORD)
    response = client.post(
        "/account/profile?lang=en",
        data={"csrf_token": csrf_token(client, "/account"), "profile-display_name": LINKY},
    )
    assert response.status_code == 400
    assert "cannot contain a web address" in response.get_data(as_text=True)


def test_a_stored_link_like_name_never_reaches_a_mail(client, db, outbox):
    """A name saved before the rule (or by any other way in) is left out of every mail."""
    user = UserFactory(display_name=LINKY)
    login(client, user.email, PASSWORD)
    client.post("/account/verify/resend", data={"csrf_token": csrf_token(client, "/account")})
    (message,) = outbox
    text = message.subject + message.body
    assert "evil" not in text and "example/win" not in text
    assert message.body.startswith("เรียน ท่านสมาชิก")


def test_the_count_lives_in_the_shared_limiter_store(app_config, redis_url, tmp_path, monkeypatch):
    """Counted in the rate limiter's storage (Redis here): a second process, with its own
    connection and no memory of the first, refuses the sixth mail."""
    import uuid

    from app import create_app
    from app.extensions import db as _db

    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "inst"))
    config = {
        **app_config,
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }
    first = create_app(config)
    with first.app_context():
        _db.create_all()
    with first.test_request_context():
        user = UserFactory()
        email = user.email
        sent = [send_mail(email, "verify_email", "en", user=user, link="x") for _ in range(5)]
    second = create_app(config)  # a new limiter store: only Redis remembers the five
    with second.test_request_context():
        user = _db.session.get(type(user), user.id)
        sent.append(send_mail(email, "verify_email", "en", user=user, link="x"))
    assert sent == [True] * 5 + [False]
