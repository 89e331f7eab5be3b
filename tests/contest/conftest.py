"""Contest fixtures: campaigns placed in a phase relative to now, entries."""

from __future__ import annotations

import pytest

from app.contest import services as svc
from app.contest.models import Campaign
from app.extensions import db as _db
from tests.factories import (  # noqa: F401  (DAY and schedule_for: imported from here by tests)
    DAY,
    PASSWORD,
    CampaignFactory,
    EntryFactory,
    schedule_for,
)
from tests.helpers import csrf_token, login


def make_campaign(phase: str = "submissions", **settings) -> Campaign:
    """A campaign placed in ``phase`` (see ``CampaignFactory``)."""
    return CampaignFactory(phase=phase, **settings)


def move_to(campaign: Campaign, phase: str) -> None:
    """Time travel for tests: the schedule set directly (``seed_schedule``)."""
    svc.seed_schedule(campaign, *schedule_for(phase))
    _db.session.commit()


@pytest.fixture
def campaign(db):
    return make_campaign("submissions")


def log_in(client, user):
    response = login(client, user.email, PASSWORD)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def campaign_form(client, form: str, **fields) -> dict:
    """What one form of /admin/campaign (``schedule``, ``settings``, ``extend``) sends: a fresh
    CSRF token and each field under the form's prefix."""
    data = {"csrf_token": csrf_token(client, "/admin/campaign")}
    data.update({f"{form}-{name}": value for name, value in fields.items()})
    return data


def add_entry(
    campaign, user, name, meaning="ความหมายที่ยาวพอสำหรับการทดสอบ", status="pending", reason=None
):
    """An entry straight through the service (inside the window), then reviewed if asked."""
    fields = {"review_reason": reason} if reason else {}
    return EntryFactory(
        campaign=campaign, user=user, proposed_name=name, meaning=meaning, status=status, **fields
    )
