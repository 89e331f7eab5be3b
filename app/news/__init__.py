"""News: posts, comments, trackbacks, the view counter, feeds and search."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("news", __name__)


def init_app(app: Flask) -> None:
    """Routes, the view counter, the home block, the admin menu, the account hooks, the demo."""
    from app import hooks
    from app.accounts.services import account_deleting
    from app.news import counter
    from app.news.comments import anonymise_comments, export_comments
    from app.news.demo import seed_news

    app.register_blueprint(bp)
    counter.init_app(app)
    hooks.add_home_section(app, order=20, template="news/_home_latest.html", context=_home)
    hooks.add_menu_item(app, "admin.news_posts", _l("News posts"))
    hooks.add_menu_item(app, "admin.news_comments", _l("Comments and trackbacks"))
    hooks.add_data_exporter(app, export_comments)
    hooks.add_seeder(app, seed_news)
    account_deleting.connect(anonymise_comments, sender=app)


def _home() -> dict:
    from app.news.posts import latest_posts

    return {"posts": latest_posts(3)}


from app.news import admin_views, models, views  # noqa: E402,F401  (routes register on import)
