"""Opinions, suggestions and complaints about e-Government services: private, answered by staff."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("feedback", __name__)


def init_app(app: Flask) -> None:
    """Routes, the admin menu, the account hooks and the demo topics."""
    from app import hooks
    from app.accounts.services import account_deleting
    from app.feedback.services import export_feedback

    app.register_blueprint(bp)
    hooks.add_menu_item(app, "admin.feedback_inbox", _l("Opinions and suggestions"))
    hooks.add_menu_item(app, "admin.feedback_topics", _l("Feedback topics"), admin_only=True)
    hooks.add_data_exporter(app, export_feedback)
    hooks.add_seeder(app, _seed_topics)
    account_deleting.connect(_on_account_deleting, sender=app)


def _on_account_deleting(sender, user) -> None:
    from app.feedback.services import forget_person

    forget_person(user)


def _seed_topics(phase: str) -> str:
    from app.feedback.services import ensure_default_topics

    return f"{ensure_default_topics()} new feedback topics"


from app.feedback import admin_views, views  # noqa: E402,F401  (routes register on import)
