"""Admin screens: publish results, the prize draw, and the fraud view (admins only)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.models import User
from app.admin import admin_required, bp
from app.contest.campaigns import current_campaign
from app.contest.phases import phase
from app.extensions import db
from app.forms import EmptyForm
from app.mail import send_mail
from app.models import utcnow
from app.voting import services as svc
from app.voting.forms import ReasonForm, SeedForm, SeedSourceForm
from app.voting.models import Vote


def _campaign_or_404():
    campaign = current_campaign()
    if campaign is None:
        abort(404)
    return campaign


def _results_page(campaign, status=200, **forms):
    context = {
        "campaign": campaign,
        "phase": phase(campaign, utcnow()),
        "results": svc.tally(campaign),
        "draws": svc.draws(campaign),
        "checks": svc.verify_draws(campaign),
        "source_form": forms.get("source_form") or SeedSourceForm(),
        "seed_form": forms.get("seed_form") or SeedForm(),
        "redraw_form": forms.get("redraw_form") or ReasonForm(prefix="redraw"),
        "empty_form": EmptyForm(),
    }
    return render_template("voting/admin/results.html", **context), status


def _done(message):
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        # Two admins (or a double click) at the same moment: the database kept the first.
        db.session.rollback()
        flash(_("Someone else did this a moment ago; here is the result."), "info")
        return redirect(url_for("admin.results"))
    flash(message, "success")
    return redirect(url_for("admin.results"))


def _refused(error):
    db.session.rollback()
    flash(str(error.message), "error")
    return redirect(url_for("admin.results"))


@bp.route("/results")
@admin_required
def results():
    return _results_page(_campaign_or_404())


@bp.route("/results/publish", methods=["POST"])
@admin_required
def publish_results():
    campaign = _campaign_or_404()  # the CSRF token is checked for every POST by CSRFProtect
    try:
        svc.publish_results(campaign, current_user)
    except svc.VotingError as error:
        return _refused(error)
    return _done(_("The results are published."))


@bp.route("/results/draw/source", methods=["POST"])
@admin_required
def announce_seed_source():
    campaign = _campaign_or_404()
    form = SeedSourceForm()
    if not form.validate_on_submit():
        return _results_page(campaign, 400, source_form=form)
    try:
        svc.announce_seed_source(campaign, form.seed_source.data, current_user)
    except svc.VotingError as error:
        return _refused(error)
    return _done(
        _("The seed source is announced: it now stands on the results page and the rules page.")
    )


@bp.route("/results/draw", methods=["POST"])
@admin_required
def run_draw():
    campaign = _campaign_or_404()
    form = SeedForm()
    if not form.validate_on_submit():
        return _results_page(campaign, 400, seed_form=form)
    try:
        svc.run_draw(campaign, form.seed.data, current_user)
    except svc.VotingError as error:
        return _refused(error)
    return _done(_("The prize draw is done and published."))


@bp.route("/results/redraw", methods=["POST"])
@admin_required
def redraw():
    campaign = _campaign_or_404()
    form = ReasonForm(prefix="redraw")
    if not form.validate_on_submit():
        return _results_page(campaign, 400, redraw_form=form)
    try:
        svc.redraw(campaign, form.reason.data, current_user)
    except svc.VotingError as error:
        return _refused(error)
    return _done(_("The prize was drawn again; the reason is published."))


@bp.route("/votes")
@admin_required
def votes():
    campaign = _campaign_or_404()
    return render_template(
        "voting/admin/votes.html",
        campaign=campaign,
        per_hour=svc.votes_per_hour(campaign),
        clusters=svc.shared_client_clusters(campaign),
        fresh=svc.fresh_account_votes(campaign),
        shared=svc.shared_mailbox_votes(campaign),
        new_account_minutes=svc.NEW_ACCOUNT_MINUTES,
        form=ReasonForm(),
    )


@bp.route("/votes/<int:vote_id>/void", methods=["POST"])
@admin_required
def void_vote(vote_id: int):
    vote = db.get_or_404(Vote, vote_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for voiding this vote (5 to 1,000 characters)."), "error")
        return redirect(url_for("admin.votes"))
    try:
        svc.void_vote(vote, form.reason.data, current_user)
    except svc.VotingError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("admin.votes"))
    voter = db.session.get(User, vote.user_id) if vote.user_id else None
    db.session.commit()
    if voter:
        send_mail(
            voter.email,
            "vote_voided",
            voter.locale,
            user=voter,
            vote=vote,
            reason=form.reason.data,
        )
    flash(_("The vote is voided and the voter has been told."), "success")
    return redirect(url_for("admin.votes"))
