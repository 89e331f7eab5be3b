"""One role check guards the whole admin area; the audit log is read-only and admin-only."""

from __future__ import annotations

import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.audit.services import record
from tests.factories import PASSWORD, UserFactory
from tests.helpers import login


def test_anonymous_is_sent_to_log_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/login?next=%2Fadmin%2F" in response.headers["Location"]


def test_a_citizen_gets_403(client, db):
    user = UserFactory(verified=True)
    login(client, user.email, PASSWORD)
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/audit").status_code == 403


def test_a_moderator_opens_the_dashboard_but_not_the_audit_log(client, db):
    moderator = UserFactory(verified=True, role="moderator")
    login(client, moderator.email, PASSWORD)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/audit").status_code == 403


def test_admin_reads_the_audit_log(app, client, db):
    admin = UserFactory(verified=True, role="admin")
    with app.test_request_context():
        record(
            "post.publish",
            "post",
            7,
            before={"published": False},
            after={"published": True},
            actor=admin,
        )
    db.session.commit()
    login(client, admin.email, PASSWORD)
    html = client.get("/admin/audit?lang=en").get_data(as_text=True)
    assert "post.publish" in html
    assert admin.email in html
    assert "&#34;published&#34;: true" in html or '"published": true' in html


def test_audit_log_has_no_write_routes(app):
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/admin/audit")]
    assert rules and all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in rules)


def test_create_admin_is_audited(runner, db):
    runner.invoke(
        args=["create-admin", "a@example.com", "--password-stdin"],
        input="an admin horse battery staple 7",
    )
    entry = db.session.scalar(sa.select(AuditEntry))
    assert entry.action == "user.create_admin"
    assert entry.actor_label == "system"
    assert entry.after["role"] == "admin"


def test_dashboard_shows_moderation_feedback_and_votes(client, db):
    from app.voting import services as votes
    from tests.voting.conftest import make_voting_campaign

    campaign = make_voting_campaign("voting")
    votes.cast_vote(campaign, UserFactory(verified=True), campaign.finalists[0].id)
    db.session.commit()
    moderator = UserFactory(verified=True, role="moderator")
    login(client, moderator.email, PASSWORD)
    html = client.get("/admin/?lang=en").get_data(as_text=True)
    for words in ("Comments and trackbacks waiting", "Messages to answer", "Votes per day"):
        assert words in html
    assert '<td class="num">1</td>' in html
