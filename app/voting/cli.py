"""``flask draw verify``: recompute the prize draw from the database and compare."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.contest.models import Campaign
from app.contest.services import current_campaign
from app.extensions import db
from app.voting.verify import verify_draws

draw_cli = AppGroup("draw", help="The verifiable prize draw.")


@draw_cli.command("verify")
@click.option(
    "--campaign", "campaign_id", type=int, default=None, help="Campaign id (default: current)."
)
def verify(campaign_id: int | None) -> None:
    """Recompute every finished draw from the database; exit 1 if anything differs."""
    campaign = db.session.get(Campaign, campaign_id) if campaign_id else current_campaign()
    if campaign is None:
        raise click.ClickException("No such campaign.")
    checks = verify_draws(campaign)
    if not checks:
        raise click.ClickException("No finished draw to verify.")
    for check in checks:
        status = (
            "OK: matches the published record"
            if check.ok
            else "MISMATCH: " + "; ".join(check.problems)
        )
        click.echo(f"Draw {check.attempt}: {status}")
    if not all(check.ok for check in checks):
        raise SystemExit(1)


def init_app(app: Flask) -> None:
    app.cli.add_command(draw_cli)
