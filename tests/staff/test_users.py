"""Users and roles: admin only, search, change a role, disable; audited; never oneself."""

from __future__ import annotations

import sqlalchemy as sa

from app.audit.models import AuditEntry
from tests.contest.conftest import log_in
from tests.factories import PASSWORD, UserFactory
from tests.helpers import csrf_token, login


def _post(client, url, data):
    return client.post(url, data={"csrf_token": csrf_token(client, "/admin/users"), **data})


def test_moderator_cannot_open_users(client, db, moderator):
    log_in(client, moderator)
    assert client.get("/admin/users").status_code == 403


def test_list_and_search(client, db, admin):
    UserFactory(email="somsri@example.com", display_name="สมศรี ใจดี")
    UserFactory(email="other@example.com", display_name="Other")
    log_in(client, admin)
    html = client.get("/admin/users?q=ใจดี&lang=en").get_data(as_text=True)
    assert "somsri@example.com" in html and "other@example.com" not in html
    html = client.get("/admin/users?q=zzz&lang=en").get_data(as_text=True)
    assert "No accounts match" in html
    html = client.get("/admin/users?role=admin&lang=en").get_data(as_text=True)
    assert admin.email in html and "somsri@example.com" not in html


def test_change_role_is_audited(client, db, admin):
    user = UserFactory(verified=True)
    log_in(client, admin)
    assert _post(client, f"/admin/users/{user.id}/role", {"role": "moderator"}).status_code == 302
    db.session.refresh(user)
    assert user.role == "moderator"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.role"))
    assert entry.before["role"] == "citizen" and entry.after["role"] == "moderator"
    assert entry.actor_id == admin.id


def test_unknown_role_and_unknown_user(client, db, admin):
    user = UserFactory(verified=True)
    log_in(client, admin)
    _post(client, f"/admin/users/{user.id}/role", {"role": "emperor"})
    db.session.refresh(user)
    assert user.role == "citizen"
    assert _post(client, "/admin/users/9999/role", {"role": "admin"}).status_code == 404


def test_admin_cannot_demote_or_disable_themself(client, db, admin):
    log_in(client, admin)
    _post(client, f"/admin/users/{admin.id}/role", {"role": "citizen"})
    _post(client, f"/admin/users/{admin.id}/disable", {"disabled": "1"})
    db.session.refresh(admin)
    assert admin.role == "admin" and not admin.disabled
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_disable_ends_access_and_enable_restores_it(app, client, db, admin):
    user = UserFactory(verified=True)
    log_in(client, admin)
    assert _post(client, f"/admin/users/{user.id}/disable", {"disabled": "1"}).status_code == 302
    db.session.refresh(user)
    assert user.disabled
    other = app.test_client()
    assert login(other, user.email, PASSWORD).status_code == 400
    _post(client, f"/admin/users/{user.id}/disable", {"disabled": "0"})
    db.session.refresh(user)
    assert not user.disabled
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["user.disable", "user.enable"]
