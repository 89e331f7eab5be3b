"""Users and roles screen: /admin/users (admins only)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.accounts.models import Role, User
from app.admin import admin_required, bp
from app.extensions import db
from app.forms import EmptyForm
from app.staff import services as svc

PAGE_SIZE = 50
ROLE_LABELS = {
    Role.CITIZEN.value: _l("Citizen"),
    Role.MODERATOR.value: _l("Moderator"),
    Role.ADMIN.value: _l("Admin"),
}


def _back() -> str:
    args = {k: request.form.get(k) for k in ("q", "role", "page") if request.form.get(k)}
    return url_for("admin.users", **args)


@bp.route("/users")
@admin_required
def users():
    search = request.args.get("q", "").strip()[:100]
    role = request.args.get("role", "")
    if role not in ROLE_LABELS:
        role = ""
    page = db.paginate(
        svc.users_query(search, role),
        per_page=PAGE_SIZE,
        max_per_page=PAGE_SIZE,
        error_out=False,
    )
    return render_template(
        "staff/users.html",
        page=page,
        q=search,
        role=role,
        roles=ROLE_LABELS,
        form=EmptyForm(),
    )


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@admin_required
def user_role(user_id: int):
    user = db.get_or_404(User, user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        svc.change_role(user, request.form.get("role", ""), current_user._get_current_object())
    except svc.StaffError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(_back())
    db.session.commit()
    flash(_("The role of %(email)s has been saved.", email=user.email), "success")
    return redirect(_back())


@bp.route("/users/<int:user_id>/disable", methods=["POST"])
@admin_required
def user_disable(user_id: int):
    user = db.get_or_404(User, user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    disable = request.form.get("disabled") == "1"
    try:
        svc.set_disabled(user, disable, current_user._get_current_object())
    except svc.StaffError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return redirect(_back())
    db.session.commit()
    if disable:
        flash(_("The account %(email)s has been disabled.", email=user.email), "success")
    else:
        flash(_("The account %(email)s has been enabled again.", email=user.email), "success")
    return redirect(_back())
