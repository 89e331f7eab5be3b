"""``flask seed-demo``: demo content for a fresh site (grows with each feature)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask


@click.command("seed-demo")
@click.option(
    "--phase",
    type=click.Choice(["submissions", "voting", "counting", "closed"]),
    default="submissions",
    show_default=True,
    help=(
        "The demo campaign's phase: proposals open; voting open (with demo votes and the "
        "draw's seed source announced); counting (voting closed, results and prize draw left "
        "to staff); closed (results published, prize draw made). Another phase rebuilds the "
        "demo campaign."
    ),
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


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def backup(path: str) -> None:
    """Copy the SQLite database to PATH while the site runs (SQLite's online backup API)."""
    import sqlite3

    from app.extensions import db

    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database:
        raise click.ClickException(
            "This command backs up SQLite. For PostgreSQL use pg_dump (see the README)."
        )
    target = Path(path)
    if target.exists():
        raise click.ClickException(f"{target} exists; choose a new file name.")
    source = sqlite3.connect(url.database)
    destination = sqlite3.connect(target)
    try:
        with destination:
            source.backup(destination, pages=1024)
    finally:
        destination.close()
        source.close()
    click.echo(f"Backed up {url.database} to {target}")


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(backup)
