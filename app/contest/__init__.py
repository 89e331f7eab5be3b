"""The naming contest: campaign schedule, name entries, review, shortlist and its admin area."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("contest", __name__)


def init_app(app: Flask) -> None:
    """Routes, ``flask campaign``, the admin menu, the account hooks, the demo (the home
    panel, which names the winner once announced, is voting's)."""
    from app import hooks
    from app.accounts.services import account_deleting
    from app.contest.cli import campaign_cli
    from app.contest.demo import seed_contest
    from app.contest.entries import export_entries

    app.register_blueprint(bp)
    app.cli.add_command(campaign_cli)  # at the top level, as SPEC section 6 says
    hooks.add_menu_item(app, "admin.contest_overview", _l("Contest overview"))
    hooks.add_menu_item(app, "admin.entries", _l("Name entries"))
    hooks.add_menu_item(app, "admin.shortlist", _l("Shortlist"), admin_only=True)
    hooks.add_menu_item(app, "admin.campaign", _l("Campaign schedule"), admin_only=True)
    hooks.add_data_exporter(app, export_entries)
    hooks.add_seeder(app, seed_contest)
    account_deleting.connect(_unlink_on_delete, sender=app)


def _unlink_on_delete(sender, user, **extra) -> None:
    from app.contest.entries import unlink_entries

    unlink_entries(user)


# Routes register on import (the admin screens on app.admin.bp).
from app.contest import admin_campaign, admin_shortlist, admin_views, views  # noqa: E402,F401
