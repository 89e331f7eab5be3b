"""``flask campaign schedule --submissions START END --voting START END``."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from app.contest import bp
from app.contest import services as svc
from app.extensions import db
from app.i18n import BANGKOK

campaign_cli = AppGroup("campaign", help="The naming contest's campaign.")


def _show(value) -> str:
    return value.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M:%S %Z")


@campaign_cli.command("schedule")
@click.option(
    "--submissions",
    nargs=2,
    required=True,
    metavar="START END",
    help="When name proposals open and close.",
)
@click.option(
    "--voting", nargs=2, required=True, metavar="START END", help="When voting opens and closes."
)
@click.option(
    "--campaign",
    "campaign_id",
    type=int,
    default=None,
    help="Campaign id (default: the current one; a new one is created when none exists).",
)
def schedule(submissions, voting, campaign_id):
    """Set the schedule of the current campaign.

    Dates are ISO (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]) in Asia/Bangkok time unless they carry
    an offset. A date-only START means 00:00 that day; a date-only END means 23:59:59 that day.
    Each window is open from its START (included) to its END (excluded).
    """
    try:
        times = [
            svc.parse_bangkok(submissions[0]),
            svc.parse_bangkok(submissions[1], end=True),
            svc.parse_bangkok(voting[0]),
            svc.parse_bangkok(voting[1], end=True),
        ]
        svc.check_schedule(*times)
    except svc.ScheduleError as error:
        with force_locale("en"):  # the terminal speaks English
            raise click.ClickException(str(error.message)) from error
    if campaign_id is not None:
        campaign = db.session.get(svc.Campaign, campaign_id)
        if campaign is None:
            raise click.ClickException(f"No campaign with id {campaign_id}.")
    else:
        campaign = svc.current_campaign()
    created = campaign is None
    campaign = svc.set_schedule(campaign, *times)
    db.session.commit()
    click.echo(
        f"{'Created' if created else 'Updated'} campaign {campaign.id}: "
        f"submissions {_show(campaign.submissions_open)} – {_show(campaign.submissions_close)}; "
        f"voting {_show(campaign.voting_open)} – {_show(campaign.voting_close)}"
    )


bp.cli.add_command(campaign_cli)
