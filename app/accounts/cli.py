"""``flask create-admin EMAIL`` and ``flask reset-2fa EMAIL``: account recovery on the server."""

from __future__ import annotations

import sys

import click
from flask import Flask

from app.accounts import services as svc
from app.accounts.identity import AddressError, deliverable_email
from app.audit import services as audit
from app.extensions import db


@click.command("create-admin")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--name", "display_name", default=None, help="Display name for a new account.")
def create_admin(email: str, password_stdin: bool, display_name: str | None) -> None:
    """Create an admin account for EMAIL, or make an existing account an admin."""
    try:
        deliverable_email(email)
    except AddressError as error:
        raise click.BadParameter(str(error), param_hint="EMAIL") from error
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problems = svc.password_problems(password, [email])
    if problems:
        raise click.ClickException(" ".join(problems))
    existed = svc.find_user_by_email(email) is not None
    user = svc.create_or_promote_admin(email, password, display_name)
    audit.record(
        "user.promote_admin" if existed else "user.create_admin",
        "user",
        user.id,
        after={"email": user.email, "role": user.role},
    )
    db.session.commit()
    click.echo(f"Admin ready: {user.email} (id {user.id})")


@click.command("reset-2fa")
@click.argument("email")
def reset_two_factor(email: str) -> None:
    """Remove the second factor of the staff account EMAIL (for when no admin who can log in
    is left to do it, e.g. after SECRET_KEY was replaced); they set it up again at log-in."""
    from app.staff import totp

    user = svc.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account uses {email}.")
    totp.reset(user, actor=None)
    db.session.commit()
    click.echo(f"Second factor removed for {user.email}: they set it up again at next log-in.")


def init_app(app: Flask) -> None:
    app.cli.add_command(create_admin)
    app.cli.add_command(reset_two_factor)
