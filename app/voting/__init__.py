from flask import Blueprint

bp = Blueprint("voting", __name__)

from app.voting import admin_views, cli, views  # noqa: E402,F401  (routes register on import)
from app.voting.votes import export_votes, unlink_votes  # noqa: E402


def _on_account_deleting(sender, user) -> None:
    unlink_votes(user)


def _search_finalists(terms: list[str]) -> list:
    """Finalists of the current campaign whose name or meaning holds every search term."""
    from flask import url_for
    from flask_babel import lazy_gettext as _l

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


def _register_account_hooks() -> None:
    from app.accounts.services import account_deleting, data_exporters
    from app.news.search import add_feed_provider, add_search_provider

    add_search_provider(_search_finalists)
    add_feed_provider(_feed_draw_announcement)

    account_deleting.connect(_on_account_deleting)
    if export_votes not in data_exporters:
        data_exporters.append(export_votes)

    from app.demo import add_seeder
    from app.voting.demo import seed_voting

    add_seeder(seed_voting)  # after the contest's seeder: importing voting imports the contest


_register_account_hooks()
