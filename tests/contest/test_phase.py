"""The phase is derived from the clock: every boundary, in UTC and with other offsets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.contest import services as svc
from app.contest.models import Campaign, Finalist
from app.contest.services import Phase, phase
from app.i18n import BANGKOK

SO = datetime(2010, 8, 1, 0, 0, tzinfo=BANGKOK)
SC = datetime(2010, 8, 31, 23, 59, 59, tzinfo=BANGKOK)
VO = datetime(2010, 9, 1, 0, 0, tzinfo=BANGKOK)
VC = datetime(2010, 9, 30, 23, 59, 59, tzinfo=BANGKOK)
TICK = timedelta(microseconds=1)
BEFORE = SO - timedelta(days=30)  # "now" for schedules set ahead of the contest


def _campaign(shortlisted: int = 5, **extra) -> Campaign:
    """A campaign (not stored) with ``shortlisted`` of its 5 finalists chosen."""
    return Campaign(
        submissions_open=SO.astimezone(UTC),
        submissions_close=SC.astimezone(UTC),
        voting_open=VO.astimezone(UTC),
        voting_close=VC.astimezone(UTC),
        finalists_count=5,
        finalists=[
            Finalist(normalised_name=f"n{i}", display_name=f"n{i}", meaning="m", position=i)
            for i in range(1, shortlisted + 1)
        ],
        **extra,
    )


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (SO - TICK, Phase.UPCOMING),
        (SO, Phase.SUBMISSIONS),  # at open: inside
        (SC - TICK, Phase.SUBMISSIONS),
        (SC, Phase.REVIEW),  # at close: outside
        (VO - TICK, Phase.REVIEW),
        (VO, Phase.VOTING),
        (VC - TICK, Phase.VOTING),
        (VC, Phase.CLOSED),
        (VC + timedelta(days=400), Phase.CLOSED),
    ],
)
def test_every_boundary(now, expected):
    assert phase(_campaign(), now) is expected
    # The same instant written in another zone is the same instant.
    assert phase(_campaign(), now.astimezone(UTC)) is expected
    assert phase(_campaign(), now.astimezone(timezone(timedelta(hours=-5)))) is expected


def test_bangkok_midnight_is_the_evening_before_in_utc():
    # 1 Aug 2010 00:00 in Bangkok is 31 Jul 17:00 UTC: submissions are already open then.
    assert phase(_campaign(), datetime(2010, 7, 31, 17, 0, tzinfo=UTC)) is Phase.SUBMISSIONS
    assert phase(_campaign(), datetime(2010, 7, 31, 16, 59, 59, tzinfo=UTC)) is Phase.UPCOMING


def test_announced_once_results_are_published():
    campaign = _campaign(results_published_at=VC.astimezone(UTC))
    assert phase(campaign, VC + timedelta(hours=1)) is Phase.ANNOUNCED


def test_naive_now_is_refused():
    with pytest.raises(ValueError):
        phase(_campaign(), datetime(2010, 8, 2))


def test_next_milestone_and_countdown(app):
    campaign = _campaign()
    with app.test_request_context("/?lang=en"):
        now = SC - timedelta(days=3, hours=4)
        assert svc.next_milestone(campaign, now).at == campaign.submissions_close
        assert svc.countdown(campaign, now) == "Name proposals close in 3 days 4 hours."
        assert svc.countdown(campaign, SC) == "Voting opens in 1 minute."
        assert svc.countdown(campaign, VC - timedelta(minutes=90)) == (
            "Voting closes in 1 hour 30 minutes."
        )
        assert svc.countdown(campaign, VC - timedelta(seconds=5)) == "Voting closes in 1 minute."
        assert svc.countdown(campaign, SO - timedelta(days=1)) == "Name proposals open in 1 day."
        assert svc.countdown(campaign, VC) is None


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("2010-09-01", False, datetime(2010, 9, 1, 0, 0, tzinfo=BANGKOK)),
        ("2010-09-30", True, datetime(2010, 10, 1, 0, 0, tzinfo=BANGKOK)),  # the whole day
        ("2010-09-01T08:30", False, datetime(2010, 9, 1, 8, 30, tzinfo=BANGKOK)),
        ("2010-09-01T08:30+00:00", True, datetime(2010, 9, 1, 8, 30, tzinfo=UTC)),
    ],
)
def test_parse_bangkok(text, end, expected):
    assert svc.parse_bangkok(text, end=end) == expected


@pytest.mark.parametrize("text", ["", "tomorrow", "2010-13-01", "1/9/2553"])
def test_parse_bangkok_refuses_nonsense(app, text):
    with app.test_request_context("/?lang=en"), pytest.raises(svc.ScheduleError):
        svc.parse_bangkok(text)


@pytest.mark.parametrize(
    "times",
    [
        (SO, SO, VO, VC),  # submissions close at their opening
        (SC, SO, VO, VC),
        (SO, SC, VC, VO),
        (SO, SC, VO, VO),
        (SO, VO + TICK, VO, VC),  # voting before submissions close
    ],
)
def test_schedule_checks(app, times):
    with app.test_request_context("/?lang=en"), pytest.raises(svc.ScheduleError):
        svc.check_schedule(*times)


def test_voting_may_open_the_instant_submissions_close(app):
    svc.check_schedule(SO, SC, SC, VC)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("submissions_close", SO),
        ("voting_close", VO),
        ("voting_open", SC - timedelta(seconds=1)),
        ("entries_per_person", 0),
        ("finalists_count", 1),
        ("results_visibility", "sometimes"),
        ("draw_pool", "everyone"),
    ],
)
def test_the_database_checks_too(db, field, value):
    campaign = svc.set_schedule(None, SO, SC, VO, VC, now=BEFORE)
    db.session.commit()
    values = {field: value.astimezone(UTC) if isinstance(value, datetime) else value}
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.update(Campaign).where(Campaign.id == campaign.id).values(**values))
        db.session.flush()
    db.session.rollback()


def test_current_campaign_is_the_latest_not_archived(db):
    old = svc.set_schedule(None, SO, SC, VO, VC, now=BEFORE)
    newer = svc.set_schedule(None, *(t + timedelta(days=365) for t in (SO, SC, VO, VC)), now=BEFORE)
    db.session.commit()
    assert svc.current_campaign() == newer
    newer.archived = True
    db.session.commit()
    assert svc.current_campaign() == old


def test_schedule_change_is_audited(db):
    from app.audit.models import AuditEntry

    campaign = svc.set_schedule(None, SO, SC, VO, VC, now=BEFORE)
    svc.set_schedule(campaign, SO, SC, VO, VC + timedelta(days=1), now=BEFORE)
    db.session.commit()
    entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["campaign.schedule", "campaign.schedule"]
    assert entries[1].before["voting_close"] != entries[1].after["voting_close"]
