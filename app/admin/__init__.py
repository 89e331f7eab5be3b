"""The admin area under /admin. Features add their screens to this blueprint; the role check
lives here, once, for all of them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import Blueprint, abort
from flask_login import current_user

from app.extensions import login_manager

bp = Blueprint("admin", __name__, url_prefix="/admin")


@dataclass(frozen=True)
class MenuItem:
    endpoint: str
    label: object  # a lazy string
    admin_only: bool = False


#: The left menu, in order. Features call ``add_menu_item`` when they register their screens.
MENU: list[MenuItem] = []


def add_menu_item(endpoint: str, label, admin_only: bool = False) -> None:
    if all(item.endpoint != endpoint for item in MENU):
        MENU.append(MenuItem(endpoint, label, admin_only))


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
    return {"admin_menu": MENU}


from app.admin import views  # noqa: E402,F401  (routes register on import)
