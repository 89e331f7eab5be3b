"""Contest screens in the admin area: overview, review and CSV export (the shortlist is in
``admin_shortlist``, the schedule and settings in ``admin_campaign``).

The admin blueprint's guard already keeps out anyone who is not staff; admin-only screens
add ``admin_required``.
"""

from __future__ import annotations

from datetime import datetime

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import admin_required, bp
from app.audit import services as audit
from app.contest import review
from app.contest.campaigns import current_campaign
from app.contest.errors import ReviewError
from app.contest.export import export_csv
from app.contest.forms import ReviewForm
from app.contest.models import Entry, EntryStatus
from app.contest.phases import countdown, finalists_saved, phase, voting_waits_for_shortlist
from app.contest.shortlist import finalist_held_by, finalists, finalists_stranded_by
from app.database import begin_write
from app.extensions import db
from app.forms import EmptyForm
from app.i18n import BANGKOK, PHASE_LABELS
from app.models import utcnow

PAGE_SIZE = 50


def campaign_or_empty():
    campaign = current_campaign()
    if campaign is None:
        return None, (render_template("contest/admin/no_campaign.html"), 200)
    return campaign, None


def acting_user() -> object:
    """The staff member acting, as the services and the audit log take it."""
    return current_user._get_current_object()


# --- overview (the dashboard's contest section) -----------------------------------------------


@bp.route("/contest")
def contest_overview():
    campaign, empty = campaign_or_empty()
    if empty:
        return empty
    now = utcnow()
    per_day = review.entries_per_day(campaign, days=14, now=now)
    peak = max((count for _day, count in per_day), default=0)
    return render_template(
        "contest/admin/overview.html",
        campaign=campaign,
        phase=phase(campaign, now),
        labels=PHASE_LABELS,
        countdown=countdown(campaign, now),
        counts=review.status_counts(campaign),
        per_day=per_day,
        peak=peak,
        finalists=finalists(campaign),
        waiting=waiting(campaign, now),
    )


# --- review -----------------------------------------------------------------------------------


def _filters() -> dict:
    status = request.args.get("status", "")
    if status not in {s.value for s in EntryStatus}:
        status = ""
    view = request.args.get("view", "list")
    return {
        "status": status,
        "q": request.args.get("q", "").strip()[:100],
        "view": view if view in ("list", "groups") else "list",
    }


@bp.route("/entries")
def entries():
    campaign, empty = campaign_or_empty()
    if empty:
        return empty
    filters = _filters()
    page_number = request.args.get("page", 1, type=int) or 1
    counts = review.status_counts(campaign)
    if filters["view"] == "groups":
        page = review.groups_page(
            campaign, filters["status"], filters["q"], page_number, per_page=PAGE_SIZE
        )
        group_counts = {}
    else:
        page = review.entries_page(
            campaign, filters["status"], filters["q"], page_number, per_page=PAGE_SIZE
        )
        group_counts = review.group_counts(campaign, [e.normalised_name for e in page.items])
    return render_template(
        "contest/admin/entries.html",
        campaign=campaign,
        page=page,
        filters=filters,
        counts=counts,
        group_counts=group_counts,
        form=EmptyForm(),
        review_open=review.review_open(campaign),
        review_closed=review.REVIEW_CLOSED,
    )


@bp.route("/entries/<int:entry_id>", methods=["GET", "POST"])
def entry_detail(entry_id: int):
    entry = db.get_or_404(Entry, entry_id)
    form = ReviewForm()
    if form.validate_on_submit():
        review.review_entry(
            entry, review.Decision(form.decision.data), form.reason.data, acting_user()
        )
        db.session.commit()
        flash(_("Entry %(code)s saved.", code=entry.reference_code), "success")
        return redirect(url_for("admin.entries"))
    same = review.group_counts(entry.campaign, [entry.normalised_name]).get(
        entry.normalised_name, 1
    )
    keeps = finalist_held_by(entry)  # rejecting it is refused: the option is not offered
    return (
        render_template(
            "contest/admin/entry.html",
            entry=entry,
            form=form,
            same=same,
            keeps=keeps,
            review_open=review.review_open(entry.campaign),
            review_closed=review.REVIEW_CLOSED,
        ),
        400 if form.errors else 200,
    )


@bp.route("/entries/<int:entry_id>/approve", methods=["POST"])
def approve_entry(entry_id: int):
    entry = db.get_or_404(Entry, entry_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    review.review_entry(entry, review.Decision.APPROVE, None, acting_user())
    db.session.commit()
    flash(_("Entry %(code)s approved.", code=entry.reference_code), "success")
    return redirect(url_for("admin.entries", **_return_filters()))


def _return_filters() -> dict:
    keys = ("status", "q", "view", "page")
    return {k: request.form.get(k) for k in keys if request.form.get(k)}


def _selected_ids() -> list[int]:
    return [int(v) for v in request.form.getlist("entry") if v.isdecimal()][: review.BULK_MAX]


@bp.route("/entries/bulk", methods=["POST"])
def bulk_review():
    campaign, empty = campaign_or_empty()
    if empty:
        return empty
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    action = request.form.get("action", "")
    reason = request.form.get("reason", "").strip()
    back = url_for("admin.entries", **_return_filters())
    if action not in ("approve", "reject"):
        flash(_("Please choose an action for the selected entries."), "error")
        return redirect(back)
    chosen = review.entries_by_ids(campaign, _selected_ids())
    if not chosen:
        flash(_("Please choose at least one entry."), "error")
        return redirect(back)
    try:
        review.decision_reason(review.Decision(action), reason)
    except ReviewError as refused:  # said beside the list, before the confirmation
        flash(str(refused.message), "error")
        return redirect(back)
    if request.form.get("confirm") != "yes":
        stranded = finalists_stranded_by(campaign.id, chosen) if action == "reject" else []
        return render_template(
            "contest/admin/bulk_confirm.html",
            entries=chosen,
            action=action,
            reason=reason,
            form=form,
            filters=_return_filters(),
            stranded=stranded,  # the service refuses these: no confirm button then
        )
    done = review.bulk_review(
        campaign, [e.id for e in chosen], review.Decision(action), reason, acting_user()
    )
    db.session.commit()
    flash(_("%(num)d entries saved.", num=done), "success")
    return redirect(back)


@bp.route("/entries.csv")
@admin_required
def entries_csv():
    begin_write()  # a GET that writes (the audit entry): SQLite's lock before the reads
    campaign, empty = campaign_or_empty()
    if empty:
        return empty
    filters = _filters()
    stamp = datetime.now(BANGKOK).strftime("%Y%m%d-%H%M")
    audit.record(
        "entries.export",
        "campaign",
        campaign.id,
        after={"status": filters["status"] or None, "search": filters["q"] or None},
        actor=acting_user(),
    )
    db.session.commit()
    # Streamed in chunks: the first bytes leave at once and memory stays flat at 100,000 rows.
    chunks = export_csv(campaign, filters["status"], filters["q"])
    return Response(
        stream_with_context(chunk.encode("utf-8") for chunk in chunks),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="entries-{campaign.id}-{stamp}.csv"',
            "Cache-Control": "no-store",
        },
    )


def waiting(campaign, now) -> dict | None:
    """Voting's time has come without a complete shortlist: what the admin screens say."""
    if campaign is None or not voting_waits_for_shortlist(campaign, now):
        return None
    return {"saved": finalists_saved(campaign), "count": campaign.finalists_count}


def dashboard_context() -> dict:
    """For the admin dashboard (app/admin/views.py index): the contest's card, or None."""
    campaign = current_campaign()
    if campaign is None:
        return {"contest_card": None}
    now = utcnow()
    return {
        "contest_card": {
            "phase_label": PHASE_LABELS[phase(campaign, now)],
            "countdown": countdown(campaign, now),
            "counts": review.status_counts(campaign),
            "per_day": review.entries_per_day(campaign, days=7, now=now),
            "waiting": waiting(campaign, now),
        }
    }
