"""Contest fixtures: campaigns placed in a phase relative to now, entries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.contest import services as svc
from app.contest.models import Campaign, Finalist
from app.extensions import db as _db
from app.models import utcnow
from tests.factories import PASSWORD
from tests.helpers import login

DAY = timedelta(days=1)


def schedule_for(phase: str, now=None):
    """Four dates that put ``now`` inside ``phase``."""
    now = now or utcnow()
    return {
        "upcoming": (now + 2 * DAY, now + 5 * DAY, now + 6 * DAY, now + 9 * DAY),
        "submissions": (now - 2 * DAY, now + 5 * DAY, now + 6 * DAY, now + 9 * DAY),
        "review": (now - 5 * DAY, now - 2 * DAY, now + 2 * DAY, now + 9 * DAY),
        "voting": (now - 9 * DAY, now - 6 * DAY, now - 2 * DAY, now + 3 * DAY),
        "closed": (now - 9 * DAY, now - 6 * DAY, now - 4 * DAY, now - 1 * DAY),
    }[phase]


def make_campaign(phase: str = "submissions", **settings) -> Campaign:
    """A campaign placed in ``phase`` (a seed, past the rules of schedule change); from voting
    on it gets a complete shortlist of placeholder names, since voting opens only on one."""
    campaign = svc.seed_schedule(None, *schedule_for(phase))
    for name, value in settings.items():
        setattr(campaign, name, value)
    if phase in ("voting", "closed"):
        for position in range(1, campaign.finalists_count + 1):
            _db.session.add(
                Finalist(
                    campaign_id=campaign.id,
                    normalised_name=f"ชื่อที่{position}",
                    display_name=f"ชื่อที่ {position}",
                    meaning="ความหมายของชื่อที่ผ่านเข้ารอบ",
                    position=position,
                )
            )
    _db.session.commit()
    return campaign


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


def add_entry(
    campaign, user, name, meaning="ความหมายที่ยาวพอสำหรับการทดสอบ", status="pending", reason=None
):
    """An entry straight through the service (inside the window), then reviewed if asked."""
    result = svc.submit_entry(
        campaign, user, name, meaning, svc.new_submission_token(), now=campaign.submissions_open
    )
    entry = result.entry
    if status != "pending":
        entry.status = status
        entry.review_reason = reason or ("ไม่เหมาะสม" if status == "rejected" else None)
    _db.session.commit()
    return entry
