"""Access rules for views: a verified citizen, staff, admin."""

from __future__ import annotations

from functools import wraps

from flask import render_template
from flask_login import current_user

from app.extensions import login_manager


def unverified_response():
    """None for a logged-in citizen with a confirmed e-mail address; otherwise the answer:
    log in, or a page that says why (for a view that only sometimes needs one)."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_verified:
        return render_template("accounts/verify_needed.html"), 403
    return None


def verified_required(view):
    """Logged in with a confirmed e-mail address; otherwise log in, or a page that says why."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        refused = unverified_response()
        return refused if refused is not None else view(*args, **kwargs)

    return wrapped
