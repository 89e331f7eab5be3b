"""Results visibility, the tie rule, publishing, the prize draw and its verification,
voiding a vote, and the admin role checks."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.contest.models import Entry
from app.voting import services as svc
from app.voting.draw import compute_draw, pool_tag
from app.voting.models import PrizeDraw, Vote, VoteTally
from tests.conftest import TEST_SECRET
from tests.factories import PASSWORD, UserFactory
from tests.helpers import login, post_form
from tests.voting.conftest import make_voting_campaign, move_to


def _cast(campaign, finalist, user=None):
    vote = svc.cast_vote(campaign, user or UserFactory(verified=True), finalist.id)
    from app.extensions import db

    db.session.commit()
    return vote


def _admin(client):
    admin = UserFactory(verified=True, role="admin")
    login(client, admin.email, PASSWORD)
    return admin


def test_window_boundaries(app, db):
    campaign = make_voting_campaign("voting")
    finalist = campaign.finalists[0]
    with pytest.raises(svc.VotingClosed):
        svc.cast_vote(
            campaign,
            UserFactory(verified=True),
            finalist.id,
            now=campaign.voting_open - timedelta(microseconds=1),
        )
    db.session.rollback()
    svc.cast_vote(campaign, UserFactory(verified=True), finalist.id, now=campaign.voting_open)
    db.session.commit()
    with pytest.raises(svc.VotingClosed):
        svc.cast_vote(campaign, UserFactory(verified=True), finalist.id, now=campaign.voting_close)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote)) == 1


def test_deleting_the_account_and_registering_again_does_not_give_a_second_vote(app, db):
    campaign = make_voting_campaign("voting")
    first = UserFactory(verified=True, email="s.omchai+contest@gmail.com")
    _cast(campaign, campaign.finalists[0], first)
    from app.accounts.services import delete_account

    with app.test_request_context():
        delete_account(first)
    db.session.commit()
    vote = db.session.scalar(sa.select(Vote))
    assert vote.user_id is None  # kept, unlinked
    again = UserFactory(verified=True, email="somchai@gmail.com")
    with pytest.raises(svc.AlreadyVoted):
        svc.cast_vote(campaign, again, campaign.finalists[1].id)


def test_results_hidden_until_close_by_default(client, db):
    campaign = make_voting_campaign("voting")
    _cast(campaign, campaign.finalists[0])
    html = client.get("/results?lang=en").get_data(as_text=True)
    assert "The results will be shown here after voting closes" in html
    assert "Total votes" not in html
    move_to(campaign, "closed")
    html = client.get("/results?lang=en").get_data(as_text=True)
    assert "Total votes: 1" in html
    assert '<rect class="result-fill" x="0" y="0" width="100.0"' in html
    assert "<script" not in html


def test_live_results_during_voting(client, db):
    campaign = make_voting_campaign("voting", results_visibility="live")
    _cast(campaign, campaign.finalists[1])
    html = client.get("/results?lang=en").get_data(as_text=True)
    assert "Live count" in html and "Total votes: 1" in html
    assert f"{campaign.finalists[1].display_name}</strong>" in html


def test_tie_goes_to_the_name_that_reached_the_total_first(client, db):
    campaign = make_voting_campaign("voting")
    a, b = campaign.finalists[0], campaign.finalists[1]
    _cast(campaign, b)  # b reaches 1 first
    _cast(campaign, a)
    _cast(campaign, a)  # a reaches 2 first
    _cast(campaign, b)  # b reaches 2 later
    results = svc.tally(campaign)
    assert results.winner.finalist_id == a.id
    assert results.tie_rule_used
    move_to(campaign, "closed")
    html = client.get("/results?lang=en").get_data(as_text=True)
    assert "the name that reached the tied total first wins" in html


def test_tally_matches_a_recount(db):
    campaign = make_voting_campaign("voting")
    for n in range(7):
        _cast(campaign, campaign.finalists[n % 3])
    recount = svc.recount(campaign)
    for row in svc.tally(campaign).rows:
        assert (row.votes, row.reached_at) == recount.get(row.finalist_id, (0, None))


def _closed_with_votes(db):
    campaign = make_voting_campaign("voting")
    winner = campaign.finalists[0]
    for _ in range(3):
        _cast(campaign, winner)
    _cast(campaign, campaign.finalists[1])
    move_to(campaign, "closed")
    return campaign, winner


def test_publish_freezes_the_results_and_names_the_mascot(client, db):
    campaign, winner = _closed_with_votes(db)
    admin = _admin(client)
    response = post_form(client, "/admin/results/publish", {}, page="/admin/results")
    assert response.status_code == 302
    db.session.refresh(campaign)
    assert campaign.results_published_at is not None
    assert svc.winning_name(campaign) == winner.display_name
    # A later change to the tally does not move the published figures.
    db.session.execute(sa.update(VoteTally).values(votes=VoteTally.votes + 100))
    db.session.commit()
    html = client.get("/results?lang=en").get_data(as_text=True)
    assert "Total votes: 4" in html
    assert (
        f"Our mascot&#39;s name is {winner.display_name}" in html
        or f"Our mascot's name is {winner.display_name}" in html
    )
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "results.publish"))
    assert entry.actor_id == admin.id


def test_publishing_before_close_is_refused(client, db):
    make_voting_campaign("voting")
    _admin(client)
    response = post_form(client, "/admin/results/publish?lang=en", {}, page="/admin/results")
    assert response.status_code == 302
    published = sa.select(AuditEntry).where(AuditEntry.action == "results.publish")
    assert db.session.scalar(published) is None
    assert "only after voting closes" in client.get("/admin/results?lang=en").get_data(as_text=True)


def _published(client, db, **settings):
    campaign, winner = _closed_with_votes(db)
    for name, value in settings.items():
        setattr(campaign, name, value)
    db.session.commit()
    _admin(client)
    post_form(client, "/admin/results/publish", {}, page="/admin/results")
    return campaign, winner


def test_prize_draw_from_entrants_is_public_and_verifiable(client, db, runner):
    campaign, winner = _published(client, db)
    # Two more people proposed the winning name.
    for person in (
        UserFactory(verified=True, display_name="สมชาย ใจดี"),
        UserFactory(verified=True),
    ):
        entry = Entry(
            campaign_id=campaign.id,
            user_id=person.id,
            owner_key=f"k{person.id}",
            seq=1,
            reference_code=f"MN-2569-T{person.id:05d}",
            submission_token=f"{person.id:032x}",
            proposed_name=winner.display_name,
            normalised_name=winner.normalised_name,
            meaning="ความหมายของชื่อที่ยาวพอ",
            status="approved",
        )
        db.session.add(entry)
    db.session.commit()
    post_form(
        client,
        "/admin/results/draw/source",
        {"seed_source": "สลากกินแบ่งรัฐบาล รางวัลที่ 1 งวด 16 ต.ค. 2553"},
        page="/admin/results",
    )
    public = client.get("/results?lang=en").get_data(as_text=True)
    assert "สลากกินแบ่งรัฐบาล" in public and "Not drawn yet." in public
    response = post_form(client, "/admin/results/draw", {"seed": "123456"}, page="/admin/results")
    assert response.status_code == 302
    draw = db.session.scalar(sa.select(PrizeDraw))
    codes = sorted(
        db.session.scalars(
            sa.select(Entry.reference_code).where(
                Entry.normalised_name == winner.normalised_name, Entry.status == "approved"
            )
        )
    )
    # The pool is published as draw tags, and the draw runs over the sorted tags.
    tags = {pool_tag(code, TEST_SECRET.encode()): code for code in codes}
    expected = compute_draw("123456", list(tags))
    assert draw.winner_code == tags[expected.winner_code] and draw.digest == expected.digest
    assert [member["tag"] for member in draw.pool] == sorted(tags)
    public = client.get("/results?lang=en").get_data(as_text=True)
    assert expected.digest in public and "123456" in public
    assert expected.winner_code in public and all(tag in public for tag in tags)
    assert not any(code in public for code in codes)  # no reference code is published
    assert "สมชาย ใจดี" not in public  # names are masked
    result = runner.invoke(args=["draw", "verify"])
    assert result.exit_code == 0 and "OK" in result.output
    # Running it again is refused; the record does not change.
    post_form(client, "/admin/results/draw", {"seed": "999999"}, page="/admin/results")
    db.session.refresh(draw)
    assert draw.seed == "123456"
    # Tampering with a row of the pool makes verify fail.
    db.session.execute(
        sa.update(Entry)
        .where(Entry.reference_code == codes[0])
        .values(reference_code="MN-2569-FORGED")
    )
    db.session.commit()
    result = runner.invoke(args=["draw", "verify"])
    assert result.exit_code == 1 and "MISMATCH" in result.output


def test_redraw_excludes_the_previous_winner_and_is_audited(client, db):
    _published(client, db, draw_pool="voters")
    post_form(
        client,
        "/admin/results/draw/source",
        {"seed_source": "Lottery of 1 Oct 2553"},
        page="/admin/results",
    )
    post_form(client, "/admin/results/draw", {"seed": "42"}, page="/admin/results")
    first = db.session.scalar(sa.select(PrizeDraw))
    assert len(first.pool) == 3  # the three voters for the winner
    response = post_form(
        client,
        "/admin/results/redraw",
        {"redraw-reason": "ติดต่อผู้โชคดีไม่ได้ภายใน 30 วัน"},
        page="/admin/results",
    )
    assert response.status_code == 302
    second = db.session.scalar(sa.select(PrizeDraw).where(PrizeDraw.attempt == 2))
    assert second.winner_code != first.winner_code
    first_tag = pool_tag(first.winner_code, TEST_SECRET.encode())
    assert first_tag in [m["tag"] for m in first.pool]
    assert first_tag not in [m["tag"] for m in second.pool]
    assert second.excluded_codes == [first.winner_code]
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"draw.announce_source", "draw.run", "draw.redraw"} <= actions
    html = client.get("/results?lang=en").get_data(as_text=True)
    assert "Why this draw was repeated" in html
    assert f"excluded: {first_tag}" in html and first.winner_code not in html


def test_void_a_vote(client, db, outbox):
    campaign = make_voting_campaign("voting")
    voter = UserFactory(verified=True)
    vote = _cast(campaign, campaign.finalists[0], voter)
    _admin(client)
    assert "Vote checks" in client.get("/admin/votes?lang=en").get_data(as_text=True)
    response = post_form(
        client, f"/admin/votes/{vote.id}/void", {"reason": "บัญชีซ้ำซ้อน"}, page="/admin/votes"
    )
    assert response.status_code == 302
    db.session.refresh(vote)
    assert vote.voided_at is not None
    assert db.session.get(VoteTally, campaign.finalists[0].id).votes == 0
    assert [m.to for m in outbox] == [[voter.email]]
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.action == "vote.void"))
    with pytest.raises(svc.AlreadyVoted):
        svc.cast_vote(campaign, voter, campaign.finalists[1].id)


def test_only_admins_reach_results_and_vote_checks(client, db):
    make_voting_campaign("voting")
    moderator = UserFactory(verified=True, role="moderator")
    login(client, moderator.email, PASSWORD)
    for url in ("/admin/results", "/admin/votes"):
        assert client.get(url).status_code == 403
    assert post_form(client, "/admin/results/publish", {}, page="/admin/").status_code == 403


def test_home_page_names_the_mascot_once_published(client, db):
    _, winner = _closed_with_votes(db)
    html = client.get("/?lang=en").get_data(as_text=True)
    assert (
        "our mascot&#39;s name is" not in html.lower()
        and "our mascot's name is" not in html.lower()
    )
    _admin(client)
    post_form(client, "/admin/results/publish", {}, page="/admin/results")
    html = client.get("/?lang=en").get_data(as_text=True)
    assert f'<figcaption class="mascot-name">{winner.display_name}</figcaption>' in html
    assert f"Meet {winner.display_name}" in html
