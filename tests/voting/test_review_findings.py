"""Rules that keep the contest's outcome fixed once voting opens, and bad input that must not
reach the database as a 500."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.contest import services as contest
from app.contest.models import Entry
from app.voting import services as votes
from tests.factories import PASSWORD, UserFactory
from tests.helpers import csrf_token, login, post_form
from tests.voting.conftest import make_voting_campaign, move_to


def test_entries_cannot_be_reviewed_once_voting_opens(db):
    campaign = make_voting_campaign("voting")
    entry = db.session.scalar(sa.select(Entry).where(Entry.campaign_id == campaign.id))
    admin = UserFactory(verified=True, role="admin")
    with pytest.raises(contest.ReviewError):
        contest.review_entry(entry, contest.Decision.REJECT, "เปลี่ยนใจ", admin)


def test_draw_pool_and_visibility_are_fixed_once_voting_opens(db):
    campaign = make_voting_campaign("voting")
    for change in ({"draw_pool": "voters"}, {"results_visibility": "live"}):
        with pytest.raises(contest.ShortlistLocked):
            contest.update_settings(campaign, change)
    contest.update_settings(campaign, {"title_en": "A new title"})  # the rest still changes


def test_a_vote_keeps_the_shortlist_locked_even_if_the_schedule_moves_back(db):
    campaign = make_voting_campaign("voting")
    votes.cast_vote(campaign, UserFactory(verified=True), campaign.finalists[0].id)
    db.session.commit()
    move_to(campaign, "review")
    assert contest.shortlist_locked(campaign, campaign.voting_open.replace(year=2000))


def test_finalists_are_not_searchable_before_voting_opens(client, db):
    campaign = make_voting_campaign("review")
    name = campaign.finalists[0].display_name
    assert f"#finalist-{campaign.finalists[0].id}" not in client.get(f"/search?q={name}").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/news?page=²", 200),  # read as the first page
        ("/search?q=x&page=²", 200),
        ("/admin/entries/99999999999999999999999", 404),
        ("/feedback/" + "9" * 60, 404),
    ],
)
def test_odd_numbers_in_urls_are_not_500(client, db, url, status):
    assert client.get(url).status_code == status


def test_huge_ids_in_forms_are_4xx(client, db, citizen):
    make_voting_campaign("voting")
    login(client, citizen.email, PASSWORD)
    token = csrf_token(client, "/vote")
    huge = "9" * 30
    assert client.post("/vote", data={"csrf_token": token, "finalist": huge}).status_code == 400
    confirm = client.post("/vote/confirm", data={"csrf_token": token, "finalist": huge})
    assert confirm.status_code == 302 and confirm.headers["Location"].endswith("/vote")
    response = post_form(
        client, "/feedback", {"topic": huge, "message": "ข้อความที่ยาวพอสมควร", "consent": "y"}
    )
    assert response.status_code == 400


def test_trackback_with_a_broken_url_gets_an_xml_error(client, db):
    from tests.news.conftest import make_post

    post = make_post()
    response = client.post(f"/news/{post.slug}/trackback", data={"url": "http://[::1"})
    assert response.status_code == 400
    assert "<error>1</error>" in response.get_data(as_text=True)


def test_vote_confirm_without_a_campaign_is_a_friendly_page(client, db, citizen):
    login(client, citizen.email, PASSWORD)
    token = csrf_token(client, "/account")
    response = client.post("/vote/confirm", data={"csrf_token": token, "finalist": "1"})
    assert response.status_code == 409


def test_a_name_of_hyphens_only_is_refused(app):
    with app.test_request_context():
        assert contest.name_problems("-----")
        assert not contest.name_problems("น้อง-ไอซี")
