"""Opinions, suggestions and complaints about e-Government services: private, answered by staff."""

from flask import Blueprint

bp = Blueprint("feedback", __name__)

from app.feedback import admin_views, views  # noqa: E402,F401  (routes register on import)
from app.feedback.services import export_feedback, forget_person  # noqa: E402


def _on_account_deleting(sender, user) -> None:
    forget_person(user)


def _seed_topics(phase: str) -> str:
    from app.feedback.services import ensure_default_topics

    return f"{ensure_default_topics()} new feedback topics"


def _register_account_hooks() -> None:
    from app.demo import add_seeder

    add_seeder(_seed_topics)
    from app.accounts.services import account_deleting, data_exporters

    account_deleting.connect(_on_account_deleting)
    if export_feedback not in data_exporters:
        data_exporters.append(export_feedback)


_register_account_hooks()
