"""Staff second-factor screens: /admin/2fa/setup and /admin/2fa (a code at each log-in)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user
from flask_wtf import FlaskForm

from app.accounts.models import User
from app.accounts.views import safe_next
from app.admin import admin_required, bp
from app.extensions import db, limiter
from app.forms import EmptyForm, text_field
from app.staff import totp


class CodeForm(FlaskForm):
    code = text_field(
        _l("Code"),
        20,
        strip=False,
        required=_l("Please enter the code."),
        too_long=_l("This code is too long."),
        description=_l("The 6-digit code from your authenticator app, or a recovery code."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


def _limit() -> str:
    return current_app.config.get("RATELIMIT_TWO_FACTOR", "10 per 15 minutes")


def _per_account() -> str:
    """The same limit per staff account: codes guessed from many addresses add up."""
    if current_user.is_authenticated:
        return f"account:{current_user.id}"
    return get_remote_address()


def _next() -> str:
    return safe_next(request.args.get("next")) or url_for("admin.index")


@bp.route("/2fa/setup", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
@limiter.limit(_limit, methods=["POST"], key_func=_per_account)
def two_factor_setup():
    user = current_user._get_current_object()
    if totp.is_enrolled(user):
        return redirect(url_for("admin.two_factor_verify", next=request.args.get("next")))
    factor = totp.factor_for(user)
    if factor is None:
        # GET changes nothing: the secret is made by the "start" button (a POST).
        return render_template("staff/two_factor_start.html", form=EmptyForm())
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        codes = totp.confirm_setup(user, form.code.data)
        if codes is not None:
            totp.mark_passed(user)
            db.session.commit()
            response = current_app.make_response(
                render_template("staff/recovery_codes.html", codes=codes, next=_next())
            )
            response.headers["Cache-Control"] = "no-store"
            return response
        db.session.rollback()
        error = _("That code is not right. Check the time on your phone and try again.")
    secret = totp.setup_secret(factor)
    uri = totp.provisioning_uri(user, secret)
    return (
        render_template(
            "staff/two_factor_setup.html",
            form=form,
            qr=totp.qr_svg(uri),
            secret=secret,
            error=error,
        ),
        400 if (error or form.errors) else 200,
        {"Cache-Control": "no-store"},
    )


@bp.route("/2fa/setup/start", methods=["POST"])
def two_factor_start():
    if EmptyForm().validate_on_submit():
        totp.start_setup(current_user._get_current_object())
        db.session.commit()
    return redirect(url_for("admin.two_factor_setup", next=request.args.get("next")))


@bp.route("/2fa", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
@limiter.limit(_limit, methods=["POST"], key_func=_per_account)
def two_factor_verify():
    user = current_user._get_current_object()
    if not totp.is_enrolled(user):
        return redirect(url_for("admin.two_factor_setup", next=request.args.get("next")))
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        if totp.verify(user, form.code.data):
            totp.mark_passed(user)
            db.session.commit()
            return redirect(_next())
        db.session.rollback()
        error = _("That code is not right. Please try again.")
    return (
        render_template("staff/two_factor_verify.html", form=form, error=error),
        400 if (error or form.errors) else 200,
    )


@bp.route("/users/<int:user_id>/2fa-reset", methods=["POST"])
@admin_required
def user_two_factor_reset(user_id: int):
    user = db.get_or_404(User, user_id)
    if not EmptyForm().validate_on_submit() or user.id == current_user.id:
        flash(_("You cannot reset your own second factor. Ask another admin."), "error")
        return redirect(url_for("admin.users"))
    totp.reset(user, current_user._get_current_object())
    db.session.commit()
    flash(_("The second factor of %(email)s has been reset.", email=user.email), "success")
    return redirect(url_for("admin.users"))
