"""Voting fixtures: a campaign in a chosen phase with five finalists (and their entrants)."""

from __future__ import annotations

import pytest

from app.contest.models import Finalist
from app.extensions import db as _db
from tests.contest.conftest import add_entry, log_in, make_campaign, move_to  # noqa: F401
from tests.factories import UserFactory

NAMES = ["น้องอีจี", "ใจดี", "Egov", "ฟ้าใส", "มะลิ"]


def make_voting_campaign(phase: str = "voting", **settings):
    """A campaign whose five finalists each have one approved entry by a different citizen."""
    campaign = make_campaign("submissions", **settings)
    entrants = [UserFactory(verified=True) for _ in NAMES]
    entries = [
        add_entry(campaign, person, name, status="approved")
        for person, name in zip(entrants, NAMES, strict=True)
    ]
    for position, entry in enumerate(entries, start=1):
        _db.session.add(
            Finalist(
                campaign_id=campaign.id,
                normalised_name=entry.normalised_name,
                display_name=entry.proposed_name,
                meaning=entry.meaning,
                position=position,
            )
        )
    _db.session.commit()
    move_to(campaign, phase)
    return campaign


@pytest.fixture
def voting_campaign(db):
    return make_voting_campaign("voting")


@pytest.fixture
def finalists(voting_campaign):
    return sorted(voting_campaign.finalists, key=lambda f: f.position)
