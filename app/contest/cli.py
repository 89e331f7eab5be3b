"""``flask campaign schedule --submissions START END --voting START END``."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from app.contest.campaigns import current_campaign
from app.contest.errors import ContestError, ScheduleError
from app.contest.models import Campaign
from app.contest.schedule import check_schedule, parse_bangkok, set_schedule
from app.contest.schedule import extend_voting as extend_voting_close
from app.extensions import db
from app.i18n import BANGKOK

campaign_cli = AppGroup("campaign", help="The naming contest's campaign.")


def _show(value) -> str:
    return value.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M:%S %Z")


def _refused(error: ContestError):
    with force_locale("en"):  # the terminal speaks English
        return click.ClickException(str(error.message))


def _find_campaign(campaign_id):
    if campaign_id is None:
        return current_campaign()
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise click.ClickException(f"No campaign with id {campaign_id}.")
    return campaign


def _echo(campaign, verb: str) -> None:
    click.echo(
        f"{verb} campaign {campaign.id}: "
        f"submissions {_show(campaign.submissions_open)} – {_show(campaign.submissions_close)}; "
        f"voting {_show(campaign.voting_open)} – {_show(campaign.voting_close)}"
    )


_CAMPAIGN_OPTION = click.option(
    "--campaign",
    "campaign_id",
    type=int,
    default=None,
    help="Campaign id (default: the current one; a new one is created when none exists).",
)


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
    "--reason",
    default=None,
    help="Why voting's close moves later (required for that once voting has opened; published).",
)
@_CAMPAIGN_OPTION
def schedule(submissions, voting, reason, campaign_id):
    """Set the schedule of the current campaign.

    Dates are ISO (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]) in Asia/Bangkok time unless they carry
    an offset. A date-only START means 00:00 that day; a date-only END means the whole of that
    day (until 00:00 the next day). Each window is open from its START (included) to its END
    (excluded). Voting cannot open (now) before the shortlist is complete; once it has opened,
    only its close may move later, with --reason; after it closes, nothing changes.
    """
    try:
        times = [
            parse_bangkok(submissions[0]),
            parse_bangkok(submissions[1], end=True),
            parse_bangkok(voting[0]),
            parse_bangkok(voting[1], end=True),
        ]
        check_schedule(*times)
        campaign = _find_campaign(campaign_id)
        created = campaign is None
        campaign = set_schedule(campaign, *times, reason=reason)
    except ScheduleError as error:
        db.session.rollback()
        raise _refused(error) from error
    db.session.commit()
    _echo(campaign, "Created" if created else "Updated")


@campaign_cli.command("extend-voting")
@click.argument("end")
@click.option("--reason", required=True, help="Why voting is extended (published with results).")
@_CAMPAIGN_OPTION
def extend_voting(end, reason, campaign_id):
    """Move voting's close later while voting is open (END as for `schedule`)."""
    campaign = _find_campaign(campaign_id)
    if campaign is None:
        raise click.ClickException("There is no campaign.")
    try:
        extend_voting_close(campaign, parse_bangkok(end, end=True), reason)
    except ScheduleError as error:
        db.session.rollback()
        raise _refused(error) from error
    db.session.commit()
    _echo(campaign, "Extended voting of")
