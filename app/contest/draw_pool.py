"""Who can win the prize, as the rules state it from the start, and when that is fixed (the
draw's seed source announced for it)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.contest.models import Campaign, DrawPool
from app.extensions import db

#: Who can win the prize, by the campaign's draw-pool setting: the one sentence every page uses.
WHO_CAN_WIN = {
    DrawPool.ENTRANTS.value: _l(
        "The prize is drawn among the citizens whose approved entry is the winning name."
    ),
    DrawPool.VOTERS.value: _l(
        "The prize is drawn among the citizens who voted for the winning name."
    ),
}
#: Stated in advance, because the ministry must be able to reach the winner.
DELETED_ACCOUNTS_RULE = _l(
    "Anyone whose account has been deleted by the time of the draw is not in it, since we "
    "could not contact them."
)


def who_can_win(pool_kind: str):
    """The sentence that says who can win, for a draw-pool setting (or an announced draw's)."""
    return WHO_CAN_WIN[DrawPool(pool_kind).value]


def announced_draw(campaign: Campaign):
    """The prize draw as announced (attempt 1: seed source, time, pool kind), or None. Public
    from the moment it is made; the draw-pool setting is fixed from then on."""
    from app.voting.models import PrizeDraw  # voting builds on the contest, not the other way

    if campaign.id is None:
        return None
    return db.session.scalar(
        sa.select(PrizeDraw).where(PrizeDraw.campaign_id == campaign.id, PrizeDraw.attempt == 1)
    )


def draw_pool_locked(campaign: Campaign, *, for_update: bool = False) -> bool:
    """Whether the seed source has been announced: the pool is named, the setting is fixed."""
    if for_update and campaign.id is not None:
        # PostgreSQL: wait for an announcement being made now (it locks this row too).
        db.session.execute(
            sa.select(Campaign.id).where(Campaign.id == campaign.id).with_for_update()
        )
    return announced_draw(campaign) is not None
