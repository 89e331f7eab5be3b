"""``flask seed-demo``: demo content for a fresh site (grows with each feature)."""

from __future__ import annotations

import click
from flask import Flask


@click.command("seed-demo")
@click.option(
    "--phase",
    type=click.Choice(["submissions", "voting", "closed"]),
    default="submissions",
    show_default=True,
    help="Campaign phase to set up (used once the contest exists).",
)
@click.option("--if-empty", is_flag=True, help="Do nothing unless the database has no users.")
def seed_demo(phase: str, if_empty: bool) -> None:
    """Load demo content; safe to run twice."""
    from app.demo import DemoRefused, database_is_empty, seed

    if if_empty and not database_is_empty():
        click.echo("Database already has content; demo data not loaded.")
        return
    try:
        click.echo(seed(phase))
    except DemoRefused as error:
        raise click.ClickException(str(error)) from error


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_demo)
