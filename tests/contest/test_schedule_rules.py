"""Issue 17 §3, §4, §7: voting opens only on a complete shortlist, the schedule cannot reopen
what has closed, and times mean what people read."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.audit.models import AuditEntry
from app.contest import services as svc
from app.contest.models import Finalist, VotingExtension
from app.contest.services import Phase
from app.i18n import BANGKOK, format_end
from app.models import utcnow
from app.voting import services as votes
from tests.conftest import both_databases
from tests.contest.conftest import (
    DAY,
    add_entry,
    campaign_form,
    log_in,
    make_campaign,
    move_to,
    schedule_for,
)
from tests.factories import UserFactory
from tests.helpers import csrf_token
from tests.voting.conftest import make_voting_campaign

HOUR = timedelta(hours=1)


@contextmanager
def refused(words: str):
    """The service says no (ScheduleError), in words that contain ``words`` (in English)."""
    with pytest.raises(svc.ScheduleError) as caught:
        yield
    with force_locale("en"):
        assert words in str(caught.value.message)


def _approved(campaign, count=6):
    people = [UserFactory(verified=True) for _ in range(3)]
    names = ["น้องไอซี", "ฟ้าใส", "มะลิ", "ดิจิ", "สะดวก", "ใจดี", "อีจัย"][:count]
    entries = [
        add_entry(campaign, people[i % 3], name, status="approved") for i, name in enumerate(names)
    ]
    return [e.normalised_name for e in entries]


def _finalists(db, campaign) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Finalist.id)).where(Finalist.campaign_id == campaign.id)
    )


# --- §3 voting opens only on a complete shortlist -------------------------------------------


@both_databases
def test_voting_waits_in_review_until_the_shortlist_is_complete(db, backend):
    campaign = make_campaign("submissions")
    names = _approved(campaign)
    admin = UserFactory(verified=True, role="admin")
    move_to(campaign, "voting")  # the time comes, with no shortlist
    now = utcnow()
    assert svc.phase(campaign, now) is Phase.REVIEW
    assert svc.voting_waits_for_shortlist(campaign, now)
    assert not votes.voting_open(campaign)
    assert svc.countdown(campaign, now) is None  # no "opens in 1 minute" for a past date
    with pytest.raises(votes.VotingClosed):
        votes.cast_vote(campaign, UserFactory(verified=True), 1)
    db.session.rollback()
    # Still fixable: the shortlist is not locked, and four of five is not enough.
    assert not svc.shortlist_locked(campaign, now)
    with pytest.raises(svc.ShortlistError):
        svc.set_shortlist(campaign, names[:4], admin)
    db.session.rollback()
    svc.set_shortlist(campaign, names[:5], admin)
    db.session.commit()
    assert svc.phase(campaign, utcnow()) is Phase.VOTING
    assert svc.shortlist_locked(campaign, utcnow())
    assert not svc.voting_waits_for_shortlist(campaign, utcnow())


@both_databases
def test_a_schedule_that_opens_voting_now_without_a_shortlist_is_refused(db, backend):
    campaign = make_campaign("review")
    names = _approved(campaign)
    admin = UserFactory(verified=True, role="admin")
    times = list(schedule_for("voting"))
    with refused("shortlist is complete"):
        svc.set_schedule(campaign, *times, actor=admin)
    db.session.rollback()
    assert svc.phase(campaign, utcnow()) is Phase.REVIEW
    # A new campaign has no shortlist either.
    with refused("shortlist is complete"):
        svc.set_schedule(None, *times)
    db.session.rollback()
    # With the shortlist saved, opening voting now is allowed.
    svc.set_shortlist(campaign, names[:5], admin)
    svc.set_schedule(campaign, *times, actor=admin)
    db.session.commit()
    assert svc.phase(campaign, utcnow()) is Phase.VOTING


def _shortlisted(db):
    """A campaign taking names, six of them approved and the first five shortlisted by an
    admin: the campaign, the names and the admin."""
    campaign = make_campaign("submissions")
    names = _approved(campaign)
    admin = UserFactory(verified=True, role="admin")
    svc.set_shortlist(campaign, names[:5], admin)
    db.session.commit()
    return campaign, names, admin


@both_databases
def test_finalists_count_cannot_change_away_from_a_saved_shortlist(db, backend):
    campaign, names, admin = _shortlisted(db)
    with refused("clear the shortlist"):
        svc.update_settings(campaign, {"finalists_count": 6}, actor=admin)
    db.session.rollback()
    assert campaign.finalists_count == 5
    assert svc.locked_settings(campaign, utcnow()) == {
        "finalists_count": svc.FINALISTS_COUNT_LOCKED
    }
    svc.update_settings(campaign, {"finalists_count": 5, "title_en": "Same count"}, actor=admin)
    # Cleared first (audited), the number may change and a new shortlist be chosen.
    svc.clear_shortlist(campaign, admin)
    svc.update_settings(campaign, {"finalists_count": 6}, actor=admin)
    svc.set_shortlist(campaign, names[:6], admin)
    db.session.commit()
    assert _finalists(db, campaign) == 6
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert "shortlist.clear" in actions


def test_settings_screen_locks_the_number_of_finalists(client, db):
    campaign, _names, admin = _shortlisted(db)
    log_in(client, admin)
    html = client.get("/admin/campaign?lang=en").get_data(as_text=True)
    assert 'disabled id="settings-finalists_count"' in html or (
        'id="settings-finalists_count"' in html and "disabled" in html
    )
    assert "clear the shortlist first" in html
    data = campaign_form(
        client,
        "settings",
        title_th="ประกวด",
        title_en="Contest",
        entries_per_person="4",
        results_visibility="after_close",
        draw_pool="entrants",
    )
    # The disabled field is not sent: the rest saves, the number stays.
    assert client.post("/admin/campaign/settings", data=data).status_code == 302
    db.session.refresh(campaign)
    assert (campaign.entries_per_person, campaign.finalists_count) == (4, 5)
    # A hand-made request that sends it anyway is refused with the sentence.
    data["settings-finalists_count"] = "7"
    response = client.post("/admin/campaign/settings?lang=en", data=data)
    assert response.status_code == 400
    assert "clear the shortlist first" in response.get_data(as_text=True)
    db.session.refresh(campaign)
    assert campaign.finalists_count == 5
    # The shortlist screen offers the way out.
    assert (
        client.post("/admin/shortlist/clear", data={"csrf_token": data["csrf_token"]})
        .headers["Location"]
        .endswith("/admin/shortlist")
    )
    assert _finalists(db, campaign) == 0


def test_admin_screens_say_voting_waits_for_the_shortlist(client, db):
    campaign = make_campaign("submissions")
    _approved(campaign)
    move_to(campaign, "voting")
    admin = UserFactory(verified=True, role="admin")
    log_in(client, admin)
    for url in ("/admin/?lang=en", "/admin/contest?lang=en", "/admin/shortlist?lang=en"):
        html = client.get(url).get_data(as_text=True)
        assert "Voting waits for the shortlist." in html, url
        assert "0 of 5 finalists are chosen" in html, url
    # The public sees the review phase, not a past opening date or a ballot.
    home = client.get("/?lang=en").get_data(as_text=True)
    assert "Entries are being reviewed" in home
    ballot = client.get("/vote?lang=en")
    assert ballot.status_code == 409
    assert "as soon as the shortlist of finalists is ready" in ballot.get_data(as_text=True)


# --- §4 the schedule cannot reopen what has closed ------------------------------------------


@both_databases
def test_after_close_the_schedule_cannot_change(db, backend):
    campaign = make_voting_campaign("closed")
    admin = UserFactory(verified=True, role="admin")
    now = utcnow()
    reopen = [*schedule_for("closed")[:3], now + 3 * DAY]
    reopen[:3] = [campaign.submissions_open, campaign.submissions_close, campaign.voting_open]
    with refused("Voting has closed"):
        svc.set_schedule(campaign, *reopen, actor=admin, reason="ขยายเวลา")
    with refused("Voting has closed"):
        svc.extend_voting(campaign, now + DAY, "ขยายเวลา", actor=admin)
    with refused("Voting has closed"):
        svc.set_schedule(campaign, *schedule_for("review"), actor=admin)
    db.session.rollback()
    assert svc.phase(campaign, utcnow()) is Phase.CLOSED
    assert svc.schedule_changes(campaign, utcnow()) is svc.ScheduleChanges.NONE
    with pytest.raises(votes.VotingClosed):
        votes.cast_vote(campaign, UserFactory(verified=True), campaign.finalists[0].id)


@both_databases
def test_once_voting_opened_only_a_reasoned_extension_of_the_close(db, backend):
    campaign = make_voting_campaign("voting")
    admin = UserFactory(verified=True, role="admin")
    first = [campaign.submissions_open, campaign.submissions_close, campaign.voting_open]
    close = campaign.voting_close
    # Moving the opening (or anything before) is refused; so is an earlier close.
    with refused("only change left"):
        svc.set_schedule(campaign, *first[:2], first[2] + HOUR, close, actor=admin, reason="x")
    with refused("never earlier"):
        svc.extend_voting(campaign, close - HOUR, "ปิดก่อน", actor=admin)
    with refused("reason"):
        svc.extend_voting(campaign, close + DAY, "  ", actor=admin)
    db.session.rollback()
    assert svc.schedule_changes(campaign, utcnow()) is svc.ScheduleChanges.EXTEND
    # Re-saving the same dates changes nothing and records nothing.
    svc.set_schedule(campaign, *first, close, actor=admin)
    assert db.session.scalar(sa.select(sa.func.count(VotingExtension.id))) == 0
    svc.extend_voting(campaign, close + DAY, "ระบบขัดข้อง 2 ชั่วโมง", actor=admin)
    db.session.commit()
    assert campaign.voting_close == close + DAY
    extension = db.session.scalar(sa.select(VotingExtension))
    assert (extension.previous_close, extension.new_close) == (close, close + DAY)
    assert extension.reason == "ระบบขัดข้อง 2 ชั่วโมง"
    audit = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "campaign.extend_voting")
    )
    assert audit.reason == "ระบบขัดข้อง 2 ชั่วโมง" and audit.actor_id == admin.id


def test_the_results_page_says_why_voting_was_extended(client, db):
    campaign = make_voting_campaign("voting", results_visibility="live")
    new_close = datetime(2040, 10, 1, 0, 0, tzinfo=BANGKOK)
    svc.extend_voting(campaign, new_close, "ระบบขัดข้องในวันที่ 29")
    db.session.commit()
    html = client.get("/results?lang=th").get_data(as_text=True)
    assert "ระบบขัดข้องในวันที่ 29" in html
    assert "30 ก.ย. 2583 เวลา 24.00 น." in html
    english = client.get("/results?lang=en").get_data(as_text=True)
    assert "Voting was extended from" in english
    assert "to 30 Sep 2040 (end of the day) because: " in english


def test_the_schedule_screen_offers_only_what_the_rules_allow(client, db):
    campaign = make_voting_campaign("voting")
    admin = UserFactory(verified=True, role="admin")
    log_in(client, admin)
    html = client.get("/admin/campaign?lang=en").get_data(as_text=True)
    assert 'name="schedule-voting_open"' not in html  # no fields that could move the dates
    assert 'name="extend-voting_close"' in html and 'name="extend-reason"' in html
    assert "The only change left is to extend voting" in html
    token = csrf_token(client, "/admin/campaign")
    close = campaign.voting_close
    # A hand-made POST to the full schedule form is refused with the sentence.
    local = {
        name: getattr(campaign, name).astimezone(BANGKOK).strftime("%Y-%m-%dT%H:%M")
        for name in svc.SCHEDULE_FIELDS
    }
    data = {"csrf_token": token, **{f"schedule-{k}": v for k, v in local.items()}}
    data["schedule-voting_open"] = "2000-01-01T00:00"
    data["schedule-submissions_open"] = "1999-12-01T00:00"
    data["schedule-submissions_close"] = "1999-12-31T00:00"
    response = client.post("/admin/campaign/schedule?lang=en", data=data)
    assert response.status_code == 400
    assert "only change left" in response.get_data(as_text=True)
    # The extension form: a reason is required, then it saves.
    later = (close + DAY).astimezone(BANGKOK).strftime("%Y-%m-%dT%H:%M")
    data = {"csrf_token": token, "extend-voting_close": later, "extend-reason": ""}
    assert client.post("/admin/campaign/extend?lang=en", data=data).status_code == 400
    data["extend-reason"] = "ระบบขัดข้อง"
    assert client.post("/admin/campaign/extend", data=data).status_code == 302
    db.session.refresh(campaign)
    assert campaign.voting_close > close
    # After the close: no form at all, and a sentence why.
    move_to(campaign, "closed")
    html = client.get("/admin/campaign?lang=en").get_data(as_text=True)
    assert "Voting has closed: the schedule can no longer change." in html
    assert 'name="schedule-voting_close"' not in html and 'name="extend-voting_close"' not in html


def test_the_cli_keeps_the_same_rules(runner, db):
    campaign = make_voting_campaign("closed")
    local = {
        name: getattr(campaign, name).astimezone(BANGKOK).isoformat()
        for name in svc.SCHEDULE_FIELDS
    }
    future = (utcnow() + 5 * DAY).astimezone(BANGKOK).isoformat()
    args = ["campaign", "schedule", "--submissions", local["submissions_open"]]
    args += [local["submissions_close"], "--voting", local["voting_open"], future]
    result = runner.invoke(args=[*args, "--reason", "again"])
    assert result.exit_code != 0
    assert "Voting has closed: the schedule can no longer change." in result.output
    result = runner.invoke(args=["campaign", "extend-voting", future, "--reason", "again"])
    assert result.exit_code != 0 and "Voting has closed" in result.output
    db.session.expire_all()
    assert svc.phase(campaign, utcnow()) is Phase.CLOSED
    move_to(campaign, "voting")
    result = runner.invoke(args=["campaign", "extend-voting", future])
    assert result.exit_code != 0  # --reason is required
    result = runner.invoke(args=["campaign", "extend-voting", future, "--reason", "ระบบขัดข้อง"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalar(sa.select(VotingExtension.reason)) == "ระบบขัดข้อง"


# --- §7 times mean what people read ---------------------------------------------------------


def _last_day_campaign():
    """Voting until the end of 30 Sep 2010, as a date-only END means."""
    times = (
        svc.parse_bangkok("2010-08-01"),
        svc.parse_bangkok("2010-08-31", end=True),
        svc.parse_bangkok("2010-09-01"),
        svc.parse_bangkok("2010-09-30", end=True),
    )
    campaign = svc.seed_schedule(None, *times)
    for position in range(1, 6):
        campaign.finalists.append(
            Finalist(
                normalised_name=f"n{position}", display_name="n", meaning="m", position=position
            )
        )
    return campaign


def test_a_date_only_end_is_the_whole_day(db):
    campaign = _last_day_campaign()
    db.session.commit()
    last_moment = datetime(2010, 9, 30, 23, 59, 59, 500000, tzinfo=BANGKOK)
    assert svc.phase(campaign, last_moment) is Phase.VOTING
    assert svc.phase(campaign, datetime(2010, 10, 1, 0, 0, tzinfo=BANGKOK)) is Phase.CLOSED
    assert svc.phase(campaign, datetime(2010, 8, 31, 23, 59, 59, 900000, tzinfo=BANGKOK)) is (
        Phase.SUBMISSIONS
    )


def test_a_vote_in_the_last_half_second_counts(db):
    campaign = _last_day_campaign()
    db.session.commit()
    last_moment = datetime(2010, 9, 30, 23, 59, 59, 500000, tzinfo=BANGKOK)
    vote = votes.cast_vote(
        campaign, UserFactory(verified=True), campaign.finalists[0].id, now=last_moment
    )
    assert vote.id is not None


def test_an_end_at_midnight_reads_as_the_end_of_the_day_before(app):
    midnight = datetime(2010, 10, 1, 0, 0, tzinfo=BANGKOK)
    with app.test_request_context("/"):
        assert format_end(midnight, "th") == "30 ก.ย. 2553 เวลา 24.00 น."
        assert format_end(midnight, "en") == "30 Sep 2010 (end of the day)"
        with force_locale("en"):
            assert format_end(midnight + timedelta(minutes=30), "en") == "1 Oct 2010 12:30 am"


def test_public_dates_show_the_end_of_the_day(client, db):
    campaign = make_campaign("submissions")
    end = (utcnow() + 5 * DAY).astimezone(BANGKOK).date()
    campaign.submissions_close = datetime.combine(end, datetime.min.time(), BANGKOK)
    db.session.commit()
    html = client.get("/contest?lang=en").get_data(as_text=True)
    day_before = end - timedelta(days=1)
    assert f"{day_before.day} {day_before:%b} {day_before.year} (end of the day)" in html


def test_resaving_the_schedule_form_unchanged_keeps_the_stored_seconds(client, db):
    campaign = make_campaign("upcoming")
    # A close stored with seconds (as the old date-only rule wrote them: 23:59:59).
    closes = {
        "submissions_close": campaign.submissions_close.replace(second=59),
        "voting_close": campaign.voting_close.replace(second=59, microsecond=0),
    }
    for name, value in closes.items():
        setattr(campaign, name, value)
    db.session.commit()
    before = {name: getattr(campaign, name) for name in svc.SCHEDULE_FIELDS}
    admin = UserFactory(verified=True, role="admin")
    log_in(client, admin)
    html = client.get("/admin/campaign").get_data(as_text=True)
    data = {"csrf_token": csrf_token(client, "/admin/campaign")}
    for name in svc.SCHEDULE_FIELDS:
        value = before[name].astimezone(BANGKOK).strftime("%Y-%m-%dT%H:%M")
        assert f'value="{value}"' in html
        data[f"schedule-{name}"] = value
    assert client.post("/admin/campaign/schedule", data=data).status_code == 302
    db.session.expire_all()
    assert {name: getattr(campaign, name) for name in svc.SCHEDULE_FIELDS} == before
