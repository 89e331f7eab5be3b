"""Public contest pages: propose a name, the confirmation, my entries, the rules."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.decorators import verified_required
from app.contest import bp
from app.contest.campaigns import current_campaign
from app.contest.draw_pool import DELETED_ACCOUNTS_RULE, announced_draw, who_can_win
from app.contest.entries import (
    entries_of,
    entries_used,
    entry_limit_rule,
    new_submission_token,
    owned_entry,
    require_submissions_open,
    submit_entry,
)
from app.contest.errors import EntryRefused
from app.contest.forms import EntryForm
from app.contest.phases import Phase, countdown, phase, voting_waits_for_shortlist
from app.extensions import db, limiter
from app.i18n import PHASE_LABELS
from app.models import utcnow


def _entry_limit() -> str:
    return current_app.config["RATELIMIT_ENTRY"]


# Who can win, one sentence from the draw-pool setting, for every template that states it.
bp.add_app_template_global(who_can_win, "who_can_win")
bp.add_app_template_global(entry_limit_rule, "entry_limit_rule")


@bp.route("/contest")
def rules():
    campaign = current_campaign()
    now = utcnow()
    return render_template(
        "contest/rules.html",
        campaign=campaign,
        phase=phase(campaign, now) if campaign else None,
        countdown=countdown(campaign, now) if campaign else None,
        Phase=Phase,
        labels=PHASE_LABELS,
        announcement=announced_draw(campaign) if campaign else None,
        deleted_accounts_rule=DELETED_ACCOUNTS_RULE,
    )


@bp.route("/contest/submit", methods=["GET", "POST"])
@verified_required
@limiter.limit(_entry_limit, methods=["POST"])
def submit():
    campaign = current_campaign()
    require_submissions_open(campaign)
    form = EntryForm()
    error = None
    if form.validate_on_submit():
        try:
            result = submit_entry(
                campaign,
                current_user,
                form.proposed_name.data,
                form.meaning.data,
                form.submission_token.data or "",
            )
            db.session.commit()
        except EntryRefused as refused:
            db.session.rollback()
            error = str(refused.message)
        if error is None:
            if not result.repeated:
                flash(_("Thank you. Your proposed name has been received."), "success")
            return redirect(url_for("contest.confirmation", code=result.entry.reference_code))
    if not form.submission_token.data or error:
        form.submission_token.data = new_submission_token()
    status = 400 if (form.errors or error) else 200
    return (
        render_template(
            "contest/submit.html",
            form=form,
            campaign=campaign,
            error=error,
            used=entries_used(campaign, current_user),
        ),
        status,
    )


@bp.route("/contest/entries/<code>")
@login_required
def confirmation(code: str):
    entry = owned_entry(code, current_user)
    if entry is None:
        abort(404)
    return render_template("contest/confirmation.html", entry=entry, campaign=entry.campaign)


@bp.route("/contest/my-entries")
@login_required
def my_entries():
    campaign = current_campaign()
    # The limit ``submit_entry`` checks: this person's entries, an earlier account's too.
    can_submit = (
        campaign is not None
        and phase(campaign, utcnow()) is Phase.SUBMISSIONS
        and entries_used(campaign, current_user) < campaign.entries_per_person
    )
    return render_template(
        "contest/my_entries.html",
        entries=entries_of(current_user),
        campaign=campaign,
        can_submit=can_submit,
    )


def _voting_waits(campaign) -> bool:
    return voting_waits_for_shortlist(campaign, utcnow())


# Voting's time has come without a complete shortlist: pages say so instead of a past date.
bp.add_app_template_global(_voting_waits, "voting_waits")
