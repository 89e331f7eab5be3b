"""Public contest pages: propose a name, the confirmation, my entries, the rules."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.decorators import verified_required
from app.contest import bp
from app.contest import services as svc
from app.contest.forms import EntryForm
from app.extensions import db, limiter
from app.models import utcnow


def _entry_limit() -> str:
    return current_app.config["RATELIMIT_ENTRY"]


# Who can win, one sentence from the draw-pool setting, for every template that states it.
bp.add_app_template_global(svc.who_can_win, "who_can_win")
bp.add_app_template_global(svc.entry_limit_rule, "entry_limit_rule")


@bp.route("/contest")
def rules():
    campaign = svc.current_campaign()
    now = utcnow()
    return render_template(
        "contest/rules.html",
        campaign=campaign,
        phase=svc.phase(campaign, now) if campaign else None,
        countdown=svc.countdown(campaign, now) if campaign else None,
        Phase=svc.Phase,
        labels=svc.PHASE_LABELS,
        announcement=svc.announced_draw(campaign) if campaign else None,
        deleted_accounts_rule=svc.DELETED_ACCOUNTS_RULE,
    )


@bp.route("/contest/submit", methods=["GET", "POST"])
@verified_required
@limiter.limit(_entry_limit, methods=["POST"])
def submit():
    campaign = svc.current_campaign()
    svc.require_submissions_open(campaign)
    form = EntryForm()
    error = None
    if form.validate_on_submit():
        try:
            result = svc.submit_entry(
                campaign,
                current_user,
                form.proposed_name.data,
                form.meaning.data,
                form.submission_token.data or "",
            )
            db.session.commit()
        except svc.EntryRefused as refused:
            db.session.rollback()
            error = str(refused.message)
        if error is None:
            if not result.repeated:
                flash(_("Thank you. Your proposed name has been received."), "success")
            return redirect(url_for("contest.confirmation", code=result.entry.reference_code))
    if not form.submission_token.data or error:
        form.submission_token.data = svc.new_submission_token()
    mine = svc.entries_of(current_user, campaign)
    status = 400 if (form.errors or error) else 200
    return (
        render_template(
            "contest/submit.html",
            form=form,
            campaign=campaign,
            error=error,
            used=len(mine),
        ),
        status,
    )


@bp.route("/contest/entries/<code>")
@login_required
def confirmation(code: str):
    entry = svc.owned_entry(code, current_user)
    if entry is None:
        abort(404)
    return render_template("contest/confirmation.html", entry=entry, campaign=entry.campaign)


@bp.route("/contest/my-entries")
@login_required
def my_entries():
    campaign = svc.current_campaign()
    entries = svc.entries_of(current_user)
    now = utcnow()
    can_submit = campaign is not None and svc.phase(campaign, now) is svc.Phase.SUBMISSIONS
    return render_template(
        "contest/my_entries.html",
        entries=entries,
        campaign=campaign,
        can_submit=can_submit,
    )


def _voting_waits(campaign) -> bool:
    return svc.voting_waits_for_shortlist(campaign, utcnow())


# Voting's time has come without a complete shortlist: pages say so instead of a past date.
bp.add_app_template_global(_voting_waits, "voting_waits")
