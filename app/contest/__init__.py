"""The naming contest: campaign schedule, name entries, review, shortlist and its admin area."""

from flask import Blueprint

# cli_group=None: ``flask campaign schedule`` sits at the top level, as SPEC section 6 says.
bp = Blueprint("contest", __name__, cli_group=None)


def _home_context() -> dict:
    from app.contest.home import panel_context

    return panel_context()


def _connect() -> None:
    from app.accounts import services as accounts
    from app.contest.entries import export_entries
    from app.demo import add_seeder
    from app.main.views import add_home_section

    add_home_section(order=10, template="contest/_home_panel.html", context=_home_context)
    if export_entries not in accounts.data_exporters:
        accounts.data_exporters.append(export_entries)
    accounts.account_deleting.connect(_unlink_on_delete, weak=False)

    from app.contest.demo import seed_contest

    add_seeder(seed_contest)


def _unlink_on_delete(sender, user, **extra) -> None:
    from app.contest.entries import unlink_entries

    unlink_entries(user)


_connect()

# Routes and commands register on import.
from app.contest import admin_campaign, admin_shortlist, admin_views, cli, views  # noqa: E402,F401
from app.staff import two_factor_views  # noqa: E402,F401  (users, roles, second factor)
from app.staff import views as staff_views  # noqa: E402,F401
