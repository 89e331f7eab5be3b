"""Staff TOTP: set-up before /admin opens, a code at each log-in, recovery codes.

The admin guard (app/admin/__init__.py, owned by the lead) will call
``require_staff_second_factor()``; until then these tests install the same call on the admin
blueprint of their own app, exactly as the guard will.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.models import utcnow
from app.staff import totp
from app.staff.models import RecoveryCode, SecretUnreadable, StaffTotp
from tests.contest.conftest import log_in
from tests.factories import PASSWORD, UserFactory
from tests.helpers import csrf_token, login, logout


@pytest.fixture
def guarded(app):
    """The app with the second-factor check in the admin guard."""
    app.config["STAFF_SECOND_FACTOR"] = True
    app.before_request_funcs.setdefault("admin", []).append(totp.require_staff_second_factor)
    return app


def _setup(client, user, db):
    """Scan (read the secret from the page), confirm with a code; return the recovery codes."""
    page = client.get("/admin/2fa/setup")
    assert page.status_code == 200 and "segno" not in page.get_data(as_text=True)
    assert db.session.get(StaffTotp, user.id) is None  # a GET makes no secret
    start = client.post(
        "/admin/2fa/setup/start", data={"csrf_token": csrf_token(client, "/admin/2fa/setup")}
    )
    assert start.status_code == 302
    html = client.get("/admin/2fa/setup").get_data(as_text=True)
    assert "<svg" in html and "segno" in html
    secret = re.search(r'class="totp-secret">([A-Z2-7]+)<', html).group(1)
    code = pyotp.TOTP(secret).now()
    response = client.post(
        "/admin/2fa/setup",
        data={"csrf_token": csrf_token(client, "/admin/2fa/setup"), "code": code},
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", response.get_data(as_text=True))
    assert len(codes) == totp.RECOVERY_CODES
    return secret, codes


def test_staff_must_set_up_before_admin_opens(guarded, client, db):
    admin = UserFactory(verified=True, role="admin")
    log_in(client, admin)
    response = client.get("/admin/entries")
    assert response.status_code == 302
    assert "/admin/2fa/setup" in response.headers["Location"]
    _secret, codes = _setup(client, admin, db)
    assert client.get("/admin/").status_code == 200
    stored = db.session.scalars(sa.select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)  # hashed, never plain
    assert db.session.scalar(sa.select(AuditEntry.action)) == "user.2fa_setup"


def test_a_code_at_each_log_in(guarded, client, db):
    moderator = UserFactory(verified=True, role="moderator")
    log_in(client, moderator)
    secret, _codes = _setup(client, moderator, db)
    logout(client)
    log_in(client, moderator)
    response = client.get("/admin/")
    assert "/admin/2fa" in response.headers["Location"]
    token = csrf_token(client, "/admin/2fa")
    wrong = client.post("/admin/2fa", data={"csrf_token": token, "code": "000000"})
    assert wrong.status_code == 400
    # The code used at set-up cannot be replayed; the next step's code works.
    factor = db.session.get(StaffTotp, moderator.id)
    next_code = pyotp.TOTP(secret).generate_otp(factor.last_step + 1)
    ok = client.post(
        "/admin/2fa?next=/admin/entries", data={"csrf_token": token, "code": next_code}
    )
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/admin/entries")
    assert client.get("/admin/").status_code == 200


def test_replayed_code_is_refused(db, app):
    user = UserFactory(verified=True, role="admin")
    factor = totp.start_setup(user)
    now = utcnow()
    code = pyotp.TOTP(factor.secret).at(now)
    assert totp.confirm_setup(user, code, now=now) is not None
    assert not totp.verify(user, code, now=now)
    later = now + timedelta(seconds=30)
    assert totp.verify(user, pyotp.TOTP(factor.secret).at(later), now=later)


def test_recovery_code_works_once(guarded, client, db):
    admin = UserFactory(verified=True, role="admin")
    log_in(client, admin)
    _secret, codes = _setup(client, admin, db)
    logout(client)
    log_in(client, admin)
    token = csrf_token(client, "/admin/2fa")
    assert (
        client.post("/admin/2fa", data={"csrf_token": token, "code": codes[0]}).status_code == 302
    )
    logout(client)
    log_in(client, admin)
    token = csrf_token(client, "/admin/2fa")
    assert (
        client.post("/admin/2fa", data={"csrf_token": token, "code": codes[0]}).status_code == 400
    )


def test_citizens_and_anonymous_are_unaffected(guarded, client, db, citizen):
    assert client.get("/admin/2fa/setup").status_code == 302  # log in first
    log_in(client, citizen)
    assert client.get("/admin/2fa/setup").status_code == 403
    assert client.get("/admin/2fa").status_code == 403


def test_admin_resets_a_lost_factor(guarded, app, client, db):
    moderator = UserFactory(verified=True, role="moderator")
    other = app.test_client()
    log_in(other, moderator)
    _setup(other, moderator, db)
    admin = UserFactory(verified=True, role="admin")
    log_in(client, admin)
    _setup(client, admin, db)
    token = csrf_token(client, "/admin/users")
    response = client.post(f"/admin/users/{moderator.id}/2fa-reset", data={"csrf_token": token})
    assert response.status_code == 302
    assert db.session.get(StaffTotp, moderator.id) is None
    # The moderator's session ended; after logging in again, set-up starts over.
    assert other.get("/admin/").status_code == 302
    login(other, moderator.email, PASSWORD)
    assert "/admin/2fa/setup" in other.get("/admin/").headers["Location"]
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert "user.2fa_reset" in actions


def test_switch_off_for_other_tests(app, client, db):
    app.config["STAFF_SECOND_FACTOR"] = False
    app.before_request_funcs.setdefault("admin", []).append(totp.require_staff_second_factor)
    admin = UserFactory(verified=True, role="admin")
    log_in(client, admin)
    assert client.get("/admin/").status_code == 200


def test_guessing_codes_from_many_addresses_is_limited_per_account(guarded, app, client, db):
    """RATELIMIT_TWO_FACTOR holds per address and per account: someone who has the password
    cannot try the million codes by changing address after each few tries."""
    app.config["RATELIMIT_TWO_FACTOR"] = "3 per 15 minutes"
    moderator = UserFactory(verified=True, role="moderator")
    log_in(client, moderator)
    _setup(client, moderator, db)
    logout(client)
    log_in(client, moderator)
    token = csrf_token(client, "/admin/2fa")
    statuses = [
        client.post(
            "/admin/2fa",
            data={"csrf_token": token, "code": "000000"},
            environ_base={"REMOTE_ADDR": f"203.0.113.{n}"},
        ).status_code
        for n in range(4)
    ]
    assert statuses == [400, 400, 400, 429]
    # Another staff account, from one of those addresses, is not held back by it.
    other = UserFactory(verified=True, role="moderator")
    second = app.test_client()
    log_in(second, other)
    _setup(second, other, db)
    logout(second)
    log_in(second, other)
    wrong = second.post(
        "/admin/2fa",
        data={"csrf_token": csrf_token(second, "/admin/2fa"), "code": "000000"},
        environ_base={"REMOTE_ADDR": "203.0.113.1"},
    )
    assert wrong.status_code == 400


def test_the_secret_is_stored_sealed_and_bound_to_its_account(guarded, app, client, db):
    admin = UserFactory(verified=True, role="admin")
    log_in(client, admin)
    secret, _codes = _setup(client, admin, db)
    stored = db.session.scalar(sa.text("SELECT secret FROM staff_totp"))
    assert stored.startswith("v1:") and secret not in stored
    assert db.session.get(StaffTotp, admin.id).secret == secret
    # Copied onto another account's row, it opens for nobody.
    other = UserFactory(verified=True, role="moderator")
    moved = StaffTotp(user_id=other.id, sealed_secret=stored, last_step=0)
    db.session.add(moved)
    db.session.commit()
    with pytest.raises(SecretUnreadable):
        _ = moved.secret


def test_a_changed_secret_key_refuses_codes_without_an_error(guarded, app, client, db, caplog):
    admin = UserFactory(verified=True, role="admin")
    log_in(client, admin)
    secret, _codes = _setup(client, admin, db)
    logout(client)
    app.config["SECRET_KEY"] = "another-key-" + "k" * 40  # also logs everyone out
    log_in(client, admin)
    token = csrf_token(client, "/admin/2fa")
    response = client.post(
        "/admin/2fa", data={"csrf_token": token, "code": pyotp.TOTP(secret).now()}
    )
    assert response.status_code == 400  # refused, not a 500
    assert "cannot be opened with SECRET_KEY or its fallbacks" in caplog.text


def test_an_unfinished_set_up_under_an_old_key_starts_again(guarded, app, client, db):
    moderator = UserFactory(verified=True, role="moderator")
    log_in(client, moderator)
    client.post(
        "/admin/2fa/setup/start", data={"csrf_token": csrf_token(client, "/admin/2fa/setup")}
    )
    old = db.session.get(StaffTotp, moderator.id).sealed_secret
    app.config["SECRET_KEY"] = "another-key-" + "k" * 40
    log_in(client, moderator)
    page = client.get("/admin/2fa/setup")
    assert page.status_code == 200
    fresh = re.search(r'class="totp-secret">([A-Z2-7]+)<', page.get_data(as_text=True)).group(1)
    db.session.expire_all()
    factor = db.session.get(StaffTotp, moderator.id)
    assert factor.sealed_secret != old and factor.secret == fresh


def test_moving_to_a_new_secret_key_with_the_old_one_as_fallback(guarded, app, client, db):
    """SECRET_KEY_FALLBACKS: codes and recovery codes made under the old key keep working,
    and the secret is sealed again with the new key at the next log-in."""
    admin = UserFactory(verified=True, role="admin")
    log_in(client, admin)
    secret, codes = _setup(client, admin, db)
    logout(client)
    old_key = app.config["SECRET_KEY"]
    app.config.update(SECRET_KEY="the-new-key-" + "n" * 40, SECRET_KEY_FALLBACKS=[old_key])
    before = db.session.get(StaffTotp, admin.id).sealed_secret
    log_in(client, admin)
    factor = db.session.get(StaffTotp, admin.id)
    code = pyotp.TOTP(secret).generate_otp(factor.last_step + 1)
    token = csrf_token(client, "/admin/2fa")
    assert client.post("/admin/2fa", data={"csrf_token": token, "code": code}).status_code == 302
    db.session.expire_all()
    after = db.session.get(StaffTotp, admin.id)
    assert after.sealed_secret != before  # sealed again, now with the new key
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert after.secret == secret  # opens with the new key alone
    logout(client)
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    log_in(client, admin)
    token = csrf_token(client, "/admin/2fa")
    response = client.post("/admin/2fa", data={"csrf_token": token, "code": codes[0]})
    assert response.status_code == 302  # a recovery code made under the old key


def test_reset_2fa_on_the_server_when_no_admin_can_log_in(guarded, app, client, db):
    admin = UserFactory(verified=True, role="admin")
    log_in(client, admin)
    _setup(client, admin, db)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reset-2fa", admin.email])
    assert result.exit_code == 0, result.output
    assert db.session.get(StaffTotp, admin.id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)) == 0
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.2fa_reset"))
    assert entry is not None and entry.actor_id is None
    # Their open session ended; at the next log-in they set up a new authenticator.
    assert client.get("/admin/").status_code == 302
    log_in(client, admin)
    assert "/admin/2fa/setup" in client.get("/admin/").headers["Location"]
    missing = runner.invoke(args=["reset-2fa", "nobody@example.com"])
    assert missing.exit_code != 0 and "No account uses" in missing.output
