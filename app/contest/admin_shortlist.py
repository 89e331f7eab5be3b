"""The shortlist screens in the admin area (admins only): choose, clear, edit and order the
finalists."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.admin import admin_required, bp
from app.contest.admin_views import acting_user, campaign_or_empty, waiting
from app.contest.errors import ShortlistError
from app.contest.forms import FinalistForm
from app.contest.models import Finalist
from app.contest.shortlist import (
    approved_names,
    clear_shortlist,
    finalists,
    move_finalist,
    set_shortlist,
    shortlist_locked,
    update_finalist,
)
from app.extensions import db
from app.forms import EmptyForm
from app.models import utcnow


@bp.route("/shortlist", methods=["GET", "POST"])
@admin_required
def shortlist():
    campaign, empty = campaign_or_empty()
    if empty:
        return empty
    form = EmptyForm()
    now = utcnow()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            set_shortlist(campaign, request.form.getlist("name"), acting_user(), now=now)
        except ShortlistError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return redirect(url_for("admin.shortlist"))
        db.session.commit()
        flash(_("The shortlist has been saved."), "success")
        return redirect(url_for("admin.shortlist"))
    current = finalists(campaign)
    return render_template(
        "contest/admin/shortlist.html",
        campaign=campaign,
        finalists=current,
        chosen={f.normalised_name for f in current},
        names=approved_names(campaign),
        locked=shortlist_locked(campaign, now),
        form=form,
        waiting=waiting(campaign, now),
    )


@bp.route("/shortlist/clear", methods=["POST"])
@admin_required
def shortlist_clear():
    campaign, empty = campaign_or_empty()
    if empty:
        return empty
    if not EmptyForm().validate_on_submit():
        abort(400)
    clear_shortlist(campaign, acting_user())
    db.session.commit()
    flash(_("The shortlist has been cleared."), "success")
    return redirect(url_for("admin.shortlist"))


@bp.route("/shortlist/<int:finalist_id>", methods=["GET", "POST"])
@admin_required
def finalist_edit(finalist_id: int):
    finalist = db.get_or_404(Finalist, finalist_id)
    form = FinalistForm(obj=finalist)
    if form.validate_on_submit():
        try:
            update_finalist(finalist, form.display_name.data, form.meaning.data, acting_user())
        except ShortlistError as error:  # the new name is another name: said on the form
            db.session.rollback()
            form.display_name.errors = [error.message]
        else:
            db.session.commit()
            flash(_("The finalist has been saved."), "success")
            return redirect(url_for("admin.shortlist"))
    locked = shortlist_locked(finalist.campaign, utcnow())
    return (
        render_template("contest/admin/finalist.html", finalist=finalist, form=form, locked=locked),
        400 if form.errors else 200,
    )


@bp.route("/shortlist/<int:finalist_id>/move", methods=["POST"])
@admin_required
def finalist_move(finalist_id: int):
    finalist = db.get_or_404(Finalist, finalist_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    move_finalist(finalist, request.form.get("direction", ""), acting_user())
    db.session.commit()
    return redirect(url_for("admin.shortlist"))
