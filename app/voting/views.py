"""The ballot, the confirmation step, the receipt and the public results."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user

from app.accounts.decorators import verified_required
from app.cache import cached_page
from app.contest.campaigns import current_campaign
from app.contest.draw_pool import announced_draw
from app.contest.phases import Phase, phase
from app.extensions import db, limiter
from app.models import utcnow
from app.voting import bp
from app.voting import services as svc
from app.voting.forms import BallotForm, ConfirmForm


def _vote_limit() -> str:
    return current_app.config["RATELIMIT_VOTE"]


def _ballot_form(campaign, finalists):
    # Only a citizen who may vote gets a CSRF token: the anonymous page is the same for all
    # (no session) and can be served from the page cache. Its POST is refused before checking.
    may_vote = current_user.is_authenticated and current_user.is_verified
    form = BallotForm() if may_vote else BallotForm(meta={"csrf": False})
    form.finalist.choices = [(str(f.id), f.display_name) for f in finalists]
    return form


@bp.route("/vote", methods=["GET", "POST"])
@limiter.limit(_vote_limit, methods=["POST"])
@cached_page(args=("finalist",))
def ballot():
    """GET: the finalists. POST (verified citizens): the confirmation step for the choice."""
    campaign = current_campaign()
    svc.require_voting_open(campaign)
    finalists = svc.ballot(campaign)
    if current_user.is_authenticated and current_user.is_verified:
        existing = svc.vote_of(campaign, current_user)
        if existing is not None:
            raise svc.AlreadyVoted(existing, status=200 if request.method == "GET" else 409)
    form = _ballot_form(campaign, finalists)
    if request.method == "POST":
        return _confirm_step(campaign, finalists, form)
    if request.args.get("finalist"):
        form.finalist.data = request.args["finalist"]
    return render_template("voting/ballot.html", campaign=campaign, finalists=finalists, form=form)


@verified_required
def _confirm_step(campaign, finalists, form):
    if not form.validate_on_submit():
        return render_template(
            "voting/ballot.html", campaign=campaign, finalists=finalists, form=form
        ), 400
    try:
        finalist = svc.finalist_on_ballot(campaign, form.finalist.data)
    except svc.UnknownFinalist as unknown:
        form.finalist.errors = [unknown.message]
        return render_template(
            "voting/ballot.html", campaign=campaign, finalists=finalists, form=form
        ), 400
    confirm = ConfirmForm(formdata=None, finalist=str(finalist.id))
    return render_template(
        "voting/confirm.html", campaign=campaign, finalist=finalist, form=confirm
    )


@bp.route("/vote/confirm", methods=["POST"])
@verified_required
@limiter.limit(_vote_limit)
def confirm():
    campaign = current_campaign()
    svc.require_voting_open(campaign)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return redirect(url_for("voting.ballot"))
    try:
        svc.cast_vote(campaign, current_user, form.finalist.data, request.remote_addr)
        db.session.commit()
    except svc.UnknownFinalist:
        db.session.rollback()
        return redirect(url_for("voting.ballot"))
    return redirect(url_for("voting.receipt"))


@bp.route("/vote/receipt")
@verified_required
def receipt():
    campaign = current_campaign()
    vote = svc.vote_of(campaign, current_user) if campaign else None
    if vote is None:
        return redirect(url_for("voting.ballot"))
    if not svc.cast_by(vote, current_user):
        raise svc.AlreadyVoted(vote, status=200)  # another account of the mailbox voted
    return render_template("voting/receipt.html", campaign=campaign, vote=vote)


@bp.route("/results")
@cached_page()
def results():
    campaign = current_campaign()
    now = utcnow()
    shown = svc.public_results(campaign, now) if campaign else None
    viewer = current_user if current_user.is_authenticated else None
    draws = svc.public_draws(campaign, viewer) if campaign and shown and shown.published else []
    return render_template(
        "voting/results.html",
        campaign=campaign,
        results=shown,
        phase=phase(campaign, now) if campaign else None,
        Phase=Phase,
        draws=draws,
        # Public from the moment it is made: during voting, after close, before publication.
        announcement=announced_draw(campaign) if campaign else None,
    )
