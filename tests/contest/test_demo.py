"""``flask seed-demo --phase P``: each phase as a citizen meets it, built through the services.

The demo campaign is kept when it already shows the phase asked for and built anew otherwise
(the rules refuse to move a campaign back or to close voting early); other campaigns and
their rows are never touched.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.accounts import services as accounts
from app.accounts.models import User
from app.contest import services as svc
from app.contest.models import Campaign, Entry, Finalist
from app.demo import DEMO_CITIZENS
from app.models import utcnow
from app.voting import services as voting
from app.voting.models import PrizeDraw, ResultSnapshot, Vote, VoteTally
from tests.conftest import both_databases
from tests.contest.conftest import make_campaign

PHASE_SHOWN = {
    "submissions": svc.Phase.SUBMISSIONS,
    "voting": svc.Phase.VOTING,
    "counting": svc.Phase.CLOSED,
    "closed": svc.Phase.ANNOUNCED,
}


def _seed(runner, phase: str) -> str:
    result = runner.invoke(args=["seed-demo", "--phase", phase])
    assert result.exit_code == 0, result.output
    return result.output


def _count(db, model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _counts(db) -> dict[str, int]:
    models = (Campaign, Entry, Finalist, Vote, VoteTally, PrizeDraw, ResultSnapshot, User)
    return {model.__name__: _count(db, model) for model in models}


def _text(client, path: str) -> str:
    return client.get(path).get_data(as_text=True)


@pytest.mark.parametrize("phase", list(PHASE_SHOWN))
def test_seed_demo_puts_the_campaign_in_the_phase(runner, db, phase):
    _seed(runner, phase)
    campaign = svc.current_campaign()
    assert svc.phase(campaign, utcnow()) is PHASE_SHOWN[phase]
    assert set(db.session.scalars(sa.select(Entry.status))) == {"pending", "approved", "rejected"}
    assert _count(db, Finalist) == (0 if phase == "submissions" else 5)


def test_submissions_open_with_entries_and_no_finalists(runner, client, db):
    _seed(runner, "submissions")
    assert "Name proposals are open" in _text(client, "/contest?lang=en")
    assert 'href="/contest/submit' in _text(client, "/?lang=en")
    assert 'class="ballot-card"' not in _text(client, "/vote?lang=en")
    assert (_count(db, Finalist), _count(db, Vote), _count(db, PrizeDraw)) == (0, 0, 0)


@both_databases
def test_voting_has_a_ballot_votes_and_an_announced_seed_source(runner, client, db):
    _seed(runner, "voting")
    ballot = _text(client, "/vote?lang=en")
    assert ballot.count('class="ballot-card"') == 5
    assert _count(db, Vote) == 12
    (draw,) = db.session.scalars(sa.select(PrizeDraw))
    campaign = svc.current_campaign()
    # Announced on voting's first morning, before the votes, for the lottery after the close.
    assert (
        campaign.voting_open
        < draw.announced_at
        < min(db.session.scalars(sa.select(Vote.created_at)))
    )
    assert draw.seed is None
    assert draw.seed_source.startswith("เลขรางวัลที่ 1 ของสลากกินแบ่งรัฐบาล งวดวันที่")
    assert "Government Lottery" in draw.seed_source
    assert re.search(r"25\d\d", draw.seed_source)  # the Buddhist-Era year
    # The people who log in have not voted: whoever tries the demo can.
    for _name, email in DEMO_CITIZENS:
        assert voting.vote_of(campaign, accounts.find_user_by_email(email)) is None


@both_databases
def test_closed_shows_a_winner_the_draw_and_verifies(runner, client, db):
    _seed(runner, "closed")
    page = _text(client, "/results?lang=en")
    assert "Our mascot's name is น้องไอซี" in page
    assert "5 votes (41.7%)" in page
    (draw,) = db.session.scalars(sa.select(PrizeDraw))
    campaign = svc.current_campaign()
    assert draw.announced_at < campaign.voting_close < campaign.results_published_at
    assert draw.announced_at < draw.drawn_at
    assert draw.seed_source in page.replace("&nbsp;", "\u00a0")
    assert draw.seed in page and draw.digest in page
    assert draw.winner_masked_name in page
    verified = runner.invoke(args=["draw", "verify"])
    assert verified.exit_code == 0, verified.output
    assert "OK" in verified.output


def test_counting_leaves_results_and_draw_to_staff(runner, client, db):
    _seed(runner, "counting")
    campaign = svc.current_campaign()
    page = _text(client, "/results?lang=en")
    assert "5 votes (41.7%)" in page and "Leading" in page
    assert campaign.results_published_at is None
    (draw,) = db.session.scalars(sa.select(PrizeDraw))
    assert draw.seed is None
    voting.publish_results(campaign, None)
    voting.run_draw(campaign, "123456", None)
    db.session.commit()
    assert runner.invoke(args=["draw", "verify"]).exit_code == 0
    # Then --phase closed keeps what staff did.
    assert "kept in phase closed" in _seed(runner, "closed")
    assert db.session.scalar(sa.select(PrizeDraw.seed)) == "123456"


@both_databases
def test_back_from_closed_to_submissions_leaves_no_finalists_votes_or_draws(runner, client, db):
    _seed(runner, "voting")
    _seed(runner, "closed")
    _seed(runner, "submissions")
    counts = _counts(db)
    assert counts["Campaign"] == 1
    assert (counts["Finalist"], counts["Vote"], counts["VoteTally"]) == (0, 0, 0)
    assert (counts["PrizeDraw"], counts["ResultSnapshot"]) == (0, 0)
    assert counts["Entry"] == 9
    assert 'class="ballot-card"' not in _text(client, "/vote?lang=en")
    assert "น้องไอซี" not in _text(client, "/results?lang=en")
    # ... and forward again: a new draw that verifies (no old audit record is taken for it).
    _seed(runner, "closed")
    assert runner.invoke(args=["draw", "verify"]).exit_code == 0


@pytest.mark.parametrize("phase", list(PHASE_SHOWN))
def test_seed_demo_twice_changes_nothing(runner, db, phase):
    _seed(runner, phase)
    first, campaign_id = _counts(db), svc.current_campaign().id
    assert "kept in phase" in _seed(runner, phase)
    assert _counts(db) == first
    assert svc.current_campaign().id == campaign_id


def test_other_campaigns_are_never_touched(runner, db):
    real = make_campaign("closed", title_en="A real campaign")
    real_id = real.id
    for phase in ("closed", "submissions", "voting"):
        _seed(runner, phase)
    db.session.expire_all()
    kept = db.session.get(Campaign, real_id)
    assert kept is not None and kept.title_en == "A real campaign"
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Finalist.id)).where(Finalist.campaign_id == real_id)
        )
        == 5
    )


def test_one_password_hash_for_every_demo_account(runner, db, monkeypatch):
    """make run's first start: argon2 at production cost takes ~0.15 s per hash."""
    calls = []
    real = accounts.hash_password
    monkeypatch.setattr(
        accounts, "hash_password", lambda password: calls.append(1) or real(password)
    )
    _seed(runner, "closed")
    assert _count(db, User) == 15
    assert len(calls) == 1
