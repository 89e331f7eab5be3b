"""Dashboard and the read-only audit log."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, request

from app.accounts.models import User
from app.admin import admin_required, bp
from app.audit.models import AuditEntry
from app.extensions import db

AUDIT_PAGE_SIZE = 50


@bp.route("/")
def index():
    from app.contest.admin_views import dashboard_context
    from app.contest.services import current_campaign
    from app.feedback.services import status_counts as feedback_counts
    from app.news.moderation import queue_counts
    from app.voting.checks import votes_per_day

    users = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    campaign = current_campaign()
    return render_template(
        "admin/index.html",
        users=users,
        moderation=queue_counts(),
        feedback=feedback_counts(),
        votes_per_day=votes_per_day(campaign) if campaign else [],
        **dashboard_context(),
    )


@bp.route("/audit")
@admin_required
def audit_log():
    query = sa.select(AuditEntry).order_by(AuditEntry.id.desc())
    action = request.args.get("action", "").strip()
    if action:
        query = query.where(AuditEntry.action == action)
    page = db.paginate(query, per_page=AUDIT_PAGE_SIZE, max_per_page=AUDIT_PAGE_SIZE)
    return render_template("admin/audit.html", page=page, action=action)
