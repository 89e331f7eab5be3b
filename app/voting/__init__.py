from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("voting", __name__)


def init_app(app: Flask) -> None:
    """Routes, ``flask draw``, the admin menu, the account hooks, the search and feed entries,
    and the demo (after the contest's seeder: create_app calls the contest first)."""
    from app import hooks
    from app.accounts.services import account_deleting
    from app.voting import cli
    from app.voting.demo import seed_voting
    from app.voting.votes import export_votes

    app.register_blueprint(bp)
    cli.init_app(app)
    hooks.add_home_section(app, order=10, template="contest/_home_panel.html", context=_home)
    hooks.add_menu_item(app, "admin.results", _l("Results and prize draw"), admin_only=True)
    hooks.add_menu_item(app, "admin.votes", _l("Vote checks"), admin_only=True)
    hooks.add_data_exporter(app, export_votes)
    hooks.add_search_provider(app, _search_finalists)
    hooks.add_feed_provider(app, _feed_draw_announcement)
    hooks.add_seeder(app, seed_voting)
    account_deleting.connect(_on_account_deleting, sender=app)


def _home() -> dict:
    from app.voting.home import panel_context

    return panel_context()


def _on_account_deleting(sender, user) -> None:
    from app.voting.votes import unlink_votes

    unlink_votes(user)


def _search_finalists(terms: list[str]) -> list:
    """Finalists of the current campaign whose name or meaning holds every search term."""
    from flask import url_for

    from app.contest.services import current_campaign, voting_has_opened
    from app.models import utcnow
    from app.news.search import SearchHit
    from app.voting.votes import ballot

    campaign = current_campaign()
    # The shortlist is public once voting opens; before, staff may still be changing it.
    if campaign is None or not terms or not voting_has_opened(campaign, utcnow()):
        return []
    wanted = [term.casefold() for term in terms]
    return [
        SearchHit(
            title=finalist.display_name,
            url=url_for("voting.ballot") + f"#finalist-{finalist.id}",
            summary=finalist.meaning,
            kind=_l("Finalist"),
        )
        for finalist in ballot(campaign)
        if all(t in f"{finalist.display_name} {finalist.meaning}".casefold() for t in wanted)
    ]


def _feed_draw_announcement() -> list:
    """The prize draw's announcement as one entry of the news feed, from the moment it is
    made (its id and time never change)."""
    from flask_babel import gettext as _

    from app.contest.services import announced_draw, current_campaign, who_can_win
    from app.i18n import format_datetime
    from app.news.search import FeedItem
    from app.urls import absolute_url

    campaign = current_campaign()
    draw = announced_draw(campaign) if campaign else None
    if draw is None:
        return []
    url = absolute_url("voting.results")
    summary = _(
        "Seed source of the prize draw: %(source)s (announced on %(date)s).",
        source=draw.seed_source,
        date=format_datetime(draw.announced_at),
    )
    return [
        FeedItem(
            id=absolute_url("voting.results", _anchor=f"prize-draw-{campaign.id}"),
            title=_("Prize draw: the seed source is announced"),
            url=url,
            summary=f"{summary} {who_can_win(draw.pool_kind)}",
            published=draw.announced_at,
            updated=draw.announced_at,
        )
    ]


from app.voting import admin_views, views  # noqa: E402,F401  (routes register on import)
