"""Voting fixtures: a campaign in a chosen phase with five finalists (and their entrants)."""

from __future__ import annotations

import pytest

from app.extensions import db as _db
from app.voting import services as svc
from tests.contest.conftest import add_entry, log_in, make_campaign, move_to  # noqa: F401
from tests.factories import FinalistFactory, UserFactory

NAMES = ["น้องอีจี", "ใจดี", "Egov", "ฟ้าใส", "มะลิ"]


def cast_votes(campaign, finalist, count: int) -> list:
    """``count`` new verified citizens each vote for ``finalist``; returns them."""
    voters = [UserFactory(verified=True) for _ in range(count)]
    for voter in voters:
        svc.cast_vote(campaign, voter, finalist.id)
    _db.session.commit()
    return voters


def ready_for_draw(campaign):
    """Voting closed, the results published and the seed source announced by an admin: the
    campaign waits for its prize draw. Returns the admin."""
    move_to(campaign, "closed")
    admin = UserFactory(verified=True, role="admin")
    svc.publish_results(campaign, admin)
    svc.announce_seed_source(campaign, "Government Lottery, 1 Nov 2569", admin)
    _db.session.commit()
    return admin


def make_voting_campaign(phase: str = "voting", **settings):
    """A campaign whose five finalists each have one approved entry by a different citizen."""
    campaign = make_campaign("submissions", **settings)
    for name in NAMES:
        FinalistFactory(
            campaign=campaign,
            entry=add_entry(campaign, UserFactory(verified=True), name, status="approved"),
        )
    move_to(campaign, phase)
    return campaign


@pytest.fixture
def voting_campaign(db):
    return make_voting_campaign("voting")


@pytest.fixture
def finalists(voting_campaign):
    return sorted(voting_campaign.finalists, key=lambda f: f.position)
