"""Registration: consent, password strength, bot traps, duplicates, the verification mail."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.models import User
from tests.conftest import both_databases
from tests.helpers import STRONG_PASSWORD, links_in, register

STRONG = STRONG_PASSWORD


def _register(client, **overrides):
    return register(
        client, **{"display_name": "น้ำใจ ทดสอบ", "email": "Somying@Example.com", **overrides}
    )


def _users(db):
    return db.session.scalars(sa.select(User)).all()


@both_databases
def test_register_creates_an_unverified_citizen_and_sends_a_link(app, client, db, outbox):
    response = _register(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/register/sent")
    (user,) = _users(db)
    assert user.email == "somying@example.com"
    assert user.display_name == "น้ำใจ ทดสอบ"
    assert user.role == "citizen"
    assert user.email_verified_at is None
    assert user.consent_version == app.config["PRIVACY_NOTICE_VERSION"]
    assert user.consented_at is not None
    assert user.password_hash.startswith("$argon2")
    (message,) = outbox
    assert message.to == ["somying@example.com"]
    assert any("/verify/" in link for link in links_in(message))


def test_consent_box_is_unticked_and_required(client, db):
    html = client.get("/register").get_data(as_text=True)
    consent = html[html.index('id="consent"') - 10 : html.index('id="consent"') + 120]
    assert "checked" not in consent
    response = _register(client, consent="")
    assert response.status_code == 400
    assert "Please tick the box" in response.get_data(as_text=True)
    assert _users(db) == []


def test_weak_password_is_refused_with_reasons(client, db):
    for weak in ("short", "password123", "somying@example.com"):
        response = _register(client, password=weak)
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert 'aria-invalid="true"' in html
        assert 'id="password-error"' in html
    assert _users(db) == []


def test_errors_are_listed_at_the_top_and_tied_to_fields(client):
    html = _register(client, email="not-an-address", display_name="").get_data(as_text=True)
    assert 'class="error-summary"' in html
    assert 'href="#email"' in html and 'href="#display_name"' in html
    assert 'aria-describedby="email-hint email-error"' in html


def test_typed_values_are_kept_after_an_error(client):
    html = _register(client, consent="").get_data(as_text=True)
    assert 'value="Somying@Example.com"' in html
    assert "น้ำใจ ทดสอบ" in html


def test_html_in_the_display_name_is_stored_as_text_and_shown_escaped(client, db):
    _register(client, display_name='<script>alert("x")</script>')
    (user,) = _users(db)
    assert user.display_name == '<script>alert("x")</script>'


def test_honeypot_gives_the_same_page_and_no_account(client, db, outbox):
    response = _register(client, website="http://spam.example")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/register/sent")
    assert _users(db) == []
    assert outbox == []


def test_too_fast_gives_the_same_page_and_no_account(app, client, db, outbox):
    app.config["REGISTER_MIN_SECONDS"] = 60
    response = _register(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/register/sent")
    assert _users(db) == []
    assert outbox == []


def test_forged_timer_counts_as_a_bot(client, db):
    response = _register(client, started="1.0")
    assert response.status_code == 302
    assert _users(db) == []


def test_existing_address_makes_no_account_but_tells_its_owner(client, db, citizen, outbox):
    response = _register(client, email=citizen.email.upper())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/register/sent")
    assert len(_users(db)) == 1
    (message,) = outbox
    assert message.to == [citizen.email]
    assert "/reset" in message.body


def test_double_submit_makes_one_account(client, db):
    fields = {
        "display_name": "สองครั้ง",
        "email": "twice@example.com",
        "password": STRONG,
        "consent": "y",
    }
    from tests.helpers import form_fields

    hidden = form_fields(client, "/register")
    first = client.post("/register", data={**hidden, **fields})
    second = client.post("/register", data={**hidden, **fields})
    assert first.status_code == second.status_code == 302
    assert len(_users(db)) == 1


def test_very_long_fields_are_refused_not_crashed(client, db):
    response = _register(client, display_name="ก" * 5000, email="a" * 300 + "@example.com")
    assert response.status_code == 400
    assert _users(db) == []


def test_thai_combining_marks_survive(client, db):
    name = "ผู้ใช้ที่ชื่อยาวมากๆ ฟ้าใส"
    _register(client, display_name=name)
    assert _users(db)[0].display_name == name


def test_registration_is_rate_limited_per_ip(app, client):
    app.config["RATELIMIT_REGISTER"] = "3 per hour"
    statuses = [_register(client, email=f"r{n}@example.com").status_code for n in range(4)]
    assert statuses[:3] == [302, 302, 302]
    assert statuses[3] == 429
