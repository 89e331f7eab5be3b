"""Account pages: thin views that parse a form, call one service, then redirect or render."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import bp
from app.accounts import services as svc
from app.accounts.forms import (
    ChangePasswordForm,
    DeleteAccountForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from app.accounts.models import User
from app.accounts.sessions import (
    device_knows,
    end_session,
    remember_device,
    revoke_sessions,
    start_session,
)
from app.extensions import db, limiter, login_manager
from app.forms import EmptyForm
from app.i18n import current_language
from app.mail import send_mail
from app.urls import absolute_url


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    return svc.load_user(user_id)


def _limit(name: str):
    return limiter.limit(lambda: current_app.config[name], methods=["POST"])


def safe_next(target: str | None) -> str | None:
    """Only a path on this site may follow a log-in (no scheme, host or '//' tricks)."""
    if not target or "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _form_status(form) -> int:
    """A form sent back with errors answers 400; a fresh one 200."""
    return 400 if form.errors else 200


def _send_link(user: User, purpose, template: str, endpoint: str) -> None:
    """Mail the person a signed link (verification or password reset) in their language."""
    token = svc.make_token(user, purpose)
    send_mail(
        user.email, template, user.locale, user=user, link=absolute_url(endpoint, token=token)
    )


def _send_verification(user: User) -> None:
    _send_link(user, svc.TokenPurpose.VERIFY_EMAIL, "verify_email", "accounts.verify")


def _send_already_registered(email: str) -> None:
    existing = svc.find_user_by_email(email)
    if existing is not None:
        send_mail(
            existing.email,
            "already_registered",
            existing.locale,
            user=existing,
            login_link=absolute_url("accounts.login"),
            reset_link=absolute_url("accounts.reset_request"),
        )


@bp.route("/register", methods=["GET", "POST"])
@_limit("RATELIMIT_REGISTER")
def register():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.account"))
    form = RegisterForm()
    if form.validate_on_submit():
        if form.looks_like_a_bot():
            current_app.logger.info("sign-up refused: bot trap tripped")
            return redirect(url_for("accounts.register_sent"))
        result = svc.register_user(
            form.display_name.data, form.email.data, form.password.data, current_language()
        )
        db.session.commit()
        if result.user is not None:
            _send_verification(result.user)
        else:
            _send_already_registered(form.email.data)
        return redirect(url_for("accounts.register_sent"))
    form.stamp()
    return render_template("accounts/register.html", form=form), _form_status(form)


@bp.route("/register/sent")
def register_sent():
    return render_template("accounts/register_sent.html")


@bp.route("/verify/<token>")
def verify(token: str):
    result = svc.verify_email(token)
    if isinstance(result, svc.TokenError):
        db.session.rollback()
        expired = result is svc.TokenError.EXPIRED
        return render_template("accounts/verify_failed.html", expired=expired), 400
    db.session.commit()
    flash(_("Thank you. Your e-mail address is verified."), "success")
    if current_user.is_authenticated:
        return redirect(url_for("accounts.account"))
    return redirect(url_for("accounts.login"))


@bp.route("/account/verify/resend", methods=["POST"])
@login_required
@_limit("RATELIMIT_RESEND")
def resend_verification():
    form = EmptyForm()
    if form.validate_on_submit() and not current_user.is_verified:
        _send_verification(current_user)
        flash(
            _("We have sent a new verification link to %(email)s.", email=current_user.email),
            "info",
        )
    return redirect(url_for("accounts.account"))


@bp.route("/login", methods=["GET", "POST"])
@_limit("RATELIMIT_LOGIN")
def login():
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("main.home"))
    form = LoginForm()
    error = None
    status = 200
    if form.validate_on_submit():
        result = svc.authenticate(form.email.data, form.password.data, device_knows)
        db.session.commit()
        if result.outcome is svc.LoginOutcome.OK:
            start_session(result.user, remember=form.remember.data)
            remember_device(result.user.id)
            flash(_("Welcome, %(name)s.", name=result.user.display_name), "success")
            return redirect(next_url or url_for("main.home"))
        status = 400
        if result.outcome is svc.LoginOutcome.DISABLED:
            error = _(
                "This account has been disabled. Please contact us if you think this is a mistake."
            )
        else:  # an unknown address, a wrong password and a guarded account read alike
            error = _(
                "The e-mail or password is not correct. After several wrong tries, an "
                "account opens for 15 minutes only on a device that logged in to it before, "
                "or after its password is reset by e-mail."
            )
    if form.errors:
        status = 400
    return render_template("accounts/login.html", form=form, error=error, next=next_url), status


@bp.route("/logout", methods=["POST"])
def logout():
    form = EmptyForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            # Every copy of this session and of the remember-me cookie ends (all devices).
            revoke_sessions(current_user._get_current_object())
            db.session.commit()
        end_session()
        flash(_("You have logged out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/reset", methods=["GET", "POST"])
@_limit("RATELIMIT_RESET")
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = svc.find_user_by_email(form.email.data)
        if user is not None and not user.disabled:
            _send_link(
                user, svc.TokenPurpose.RESET_PASSWORD, "reset_password", "accounts.reset_password"
            )
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_template("accounts/reset_request.html", form=form), _form_status(form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@_limit("RATELIMIT_RESET")
def reset_password(token: str):
    user = svc.read_token(token, svc.TokenPurpose.RESET_PASSWORD)
    if isinstance(user, svc.TokenError):
        expired = user is svc.TokenError.EXPIRED
        return render_template("accounts/reset_failed.html", expired=expired), 400
    form = ResetPasswordForm(personal_words=(user.email, user.display_name))
    if form.validate_on_submit():
        svc.reset_password(token, form.password.data)
        db.session.commit()
        logout_user()
        flash(_("Your password has been changed. Please log in with the new one."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form), _form_status(form)


def _account_forms(**overrides):
    forms = {
        "profile_form": ProfileForm(prefix="profile", display_name=current_user.display_name),
        "password_form": ChangePasswordForm(prefix="pw"),
        "delete_form": DeleteAccountForm(prefix="del"),
        "resend_form": EmptyForm(),
    }
    forms.update(overrides)
    return forms


@bp.route("/account")
@login_required
def account():
    return render_template("accounts/account.html", **_account_forms())


@bp.route("/account/profile", methods=["POST"])
@login_required
def update_profile():
    form = ProfileForm(prefix="profile")
    if not form.validate_on_submit():
        return render_template("accounts/account.html", **_account_forms(profile_form=form)), 400
    svc.change_display_name(current_user, form.display_name.data)
    db.session.commit()
    flash(_("Your display name has been saved."), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm(
        prefix="pw", personal_words=(current_user.email, current_user.display_name)
    )
    valid = form.validate_on_submit()
    if valid and not svc.check_password(current_user, form.current_password.data):
        form.current_password.errors.append(_("Your current password is not correct."))
        valid = False
    if not valid:
        return render_template("accounts/account.html", **_account_forms(password_form=form)), 400
    svc.set_password(current_user, form.password.data)
    db.session.commit()
    # The session id changed with the password; log in again on this device only.
    login_user(current_user._get_current_object())
    flash(_("Your password has been changed. Other devices have been logged out."), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/account/data.json")
@login_required
def download_data():
    payload = json.dumps(svc.export_personal_data(current_user), ensure_ascii=False, indent=2)
    return Response(
        payload,
        mimetype="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="my-data.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/account/delete", methods=["POST"])
@login_required
def delete_account():
    form = DeleteAccountForm(prefix="del")
    valid = form.validate_on_submit()
    if valid and not svc.check_password(current_user, form.current_password.data):
        form.current_password.errors.append(_("Your password is not correct."))
        valid = False
    if not valid:
        return render_template("accounts/account.html", **_account_forms(delete_form=form)), 400
    user = current_user._get_current_object()
    logout_user()
    svc.delete_account(user)
    db.session.commit()
    flash(_("Your account has been deleted. Thank you for taking part."), "info")
    return redirect(url_for("main.home"))
