"""The admin area under /admin. Features add their screens to this blueprint and their
entries to the menu (app/hooks.py); the role check lives here, once, for all of them."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, Flask, abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.extensions import login_manager
from app.hooks import add_menu_item, hooks

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def _staff_only():
    """Anonymous: log in first. Without a staff role: 403. Staff: their second factor."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_staff:
        abort(403)
    from app.staff.totp import require_staff_second_factor

    return require_staff_second_factor()


def admin_required(view):
    """For screens that moderators may not use (posts' publishing rights aside)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.app_context_processor
def _admin_menu() -> dict:
    return {"admin_menu": hooks().menu}


def init_app(app: Flask) -> None:
    """The admin blueprint with every feature's screens (their modules are imported by then)."""
    app.register_blueprint(bp)
    add_menu_item(app, "admin.index", _l("Dashboard"))
    add_menu_item(app, "admin.audit_log", _l("Audit log"), admin_only=True)


from app.admin import views  # noqa: E402,F401  (routes register on import)
