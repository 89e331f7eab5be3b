"""News: posts, comments, trackbacks, the view counter, feeds and search."""

from flask import Blueprint

bp = Blueprint("news", __name__)


def _home_context() -> dict:
    from app.news.posts import latest_posts

    return {"posts": latest_posts(3)}


@bp.record_once
def _setup(state) -> None:
    from app.accounts.services import account_deleting, data_exporters
    from app.news import counter
    from app.news.comments import anonymise_comments, export_comments

    counter.init_app(state.app)
    account_deleting.connect(anonymise_comments)
    if export_comments not in data_exporters:
        data_exporters.append(export_comments)


from app.demo import add_seeder  # noqa: E402
from app.main.views import add_home_section  # noqa: E402
from app.news import admin_views, models, views  # noqa: E402,F401  (routes register on import)
from app.news.demo import seed_news  # noqa: E402

add_home_section(order=20, template="news/_home_latest.html", context=_home_context)
add_seeder(seed_news)
