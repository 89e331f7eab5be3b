"""Voting fixtures: a campaign in a chosen phase with five finalists (and their entrants)."""

from __future__ import annotations

import pytest

from tests.contest.conftest import add_entry, log_in, make_campaign, move_to  # noqa: F401
from tests.factories import FinalistFactory, UserFactory

NAMES = ["น้องอีจี", "ใจดี", "Egov", "ฟ้าใส", "มะลิ"]


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
