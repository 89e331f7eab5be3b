"""/account: display name, password, data download, deletion."""

from __future__ import annotations

import json

import sqlalchemy as sa

from app.accounts.models import User
from app.accounts.services import account_deleting
from tests.factories import PASSWORD, UserFactory
from tests.helpers import login, post_form

NEW_PASSWORD = "another fine horse battery 99"


def _account_form(client, url, data):
    return post_form(client, url, data, page="/account")


def test_change_display_name(client, db, citizen):
    login(client, citizen.email, PASSWORD)
    response = _account_form(client, "/account/profile", {"profile-display_name": "ชื่อใหม่"})
    assert response.status_code == 302
    db.session.refresh(citizen)
    assert citizen.display_name == "ชื่อใหม่"


def test_display_name_with_html_is_shown_escaped(client, db, citizen):
    login(client, citizen.email, PASSWORD)
    _account_form(client, "/account/profile", {"profile-display_name": "<b onclick=x>Bold</b>"})
    html = client.get("/account").get_data(as_text=True)
    assert "<b onclick=x>" not in html
    assert "&lt;b onclick=x&gt;Bold&lt;/b&gt;" in html


def test_change_password_needs_the_current_one(client, db, citizen):
    login(client, citizen.email, PASSWORD)
    wrong = _account_form(
        client, "/account/password", {"pw-current_password": "nope", "pw-password": NEW_PASSWORD}
    )
    assert wrong.status_code == 400
    ok = _account_form(
        client, "/account/password", {"pw-current_password": PASSWORD, "pw-password": NEW_PASSWORD}
    )
    assert ok.status_code == 302
    assert client.get("/account").status_code == 200  # this device stays logged in


def test_changing_the_password_logs_out_other_devices(app, db, citizen):
    phone, laptop = app.test_client(), app.test_client()
    login(phone, citizen.email, PASSWORD, remember=True)
    login(laptop, citizen.email, PASSWORD)
    _account_form(
        laptop, "/account/password", {"pw-current_password": PASSWORD, "pw-password": NEW_PASSWORD}
    )
    assert phone.get("/account").status_code == 302
    assert laptop.get("/account").status_code == 200


def test_download_my_data(client, db, citizen):
    login(client, citizen.email, PASSWORD)
    response = client.get("/account/data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == citizen.email
    assert data["account"]["display_name"] == citizen.display_name
    assert data["account"]["privacy_notice_version"] == "2026-11-01"
    assert "password" not in json.dumps(data)


def test_delete_account(client, db, citizen):
    received = []

    def listener(sender, user):
        received.append(user.id)

    account_deleting.connect(listener)
    try:
        email, user_id = citizen.email, citizen.id
        login(client, email, PASSWORD)
        response = _account_form(
            client, "/account/delete", {"del-current_password": PASSWORD, "del-confirm": "y"}
        )
    finally:
        account_deleting.disconnect(listener)
    assert response.status_code == 302
    assert received == [user_id]
    db.session.expunge_all()
    assert db.session.get(User, user_id) is None
    assert client.get("/account").status_code == 302
    assert login(client, email, PASSWORD).status_code == 400


def test_delete_needs_password_and_confirmation(client, db, citizen):
    login(client, citizen.email, PASSWORD)
    no_tick = _account_form(client, "/account/delete", {"del-current_password": PASSWORD})
    wrong = _account_form(
        client, "/account/delete", {"del-current_password": "wrong", "del-confirm": "y"}
    )
    assert no_tick.status_code == wrong.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_the_address_can_register_again_after_deletion(client, db, outbox):
    user = UserFactory(verified=True, email="again@example.com")
    login(client, user.email, PASSWORD)
    _account_form(client, "/account/delete", {"del-current_password": PASSWORD, "del-confirm": "y"})
    response = post_form(
        client,
        "/register",
        {
            "display_name": "กลับมา",
            "email": "again@example.com",
            "password": NEW_PASSWORD,
            "consent": "y",
        },
    )
    assert response.status_code == 302
    assert db.session.scalar(sa.select(User).where(User.email == "again@example.com")) is not None
