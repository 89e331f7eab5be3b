"""The contest card the lead includes in the admin dashboard renders on its own."""

from __future__ import annotations

from flask import render_template

from app.contest.admin_views import dashboard_context
from tests.contest.conftest import add_entry, make_campaign
from tests.factories import UserFactory


def test_card_without_a_campaign(app, db):
    with app.test_request_context("/admin/?lang=en"):
        html = render_template("contest/admin/_dashboard.html", **dashboard_context())
    assert "There is no naming campaign yet" in html


def test_card_counts_pending_and_recent_entries(app, db):
    campaign = make_campaign("submissions")
    add_entry(campaign, UserFactory(verified=True), "น้องไอซี")
    add_entry(campaign, UserFactory(verified=True), "ฟ้าใส", status="approved")
    with app.test_request_context("/admin/?lang=en"):
        context = dashboard_context()
        html = render_template("contest/admin/_dashboard.html", **context)
    assert context["contest_card"]["counts"] == {"pending": 1, "approved": 1, "rejected": 0}
    assert sum(count for _day, count in context["contest_card"]["per_day"]) == 2
    assert "Name proposals are open" in html
