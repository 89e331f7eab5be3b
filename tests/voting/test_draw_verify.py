"""`flask draw verify` catches each stored part of a draw altered on its own (seed, hash,
winner), a consistent forgery of all three, and still verifies draws made with the first
formula; /results publishes draw tags, never reference codes."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.extensions import db as _db
from app.voting import services as svc
from app.voting.draw import compute_draw, pool_tag
from app.voting.models import PrizeDraw, Vote
from tests.conftest import TEST_SECRET
from tests.contest.conftest import log_in
from tests.voting.conftest import cast_votes, make_voting_campaign, ready_for_draw

KEY = TEST_SECRET.encode()


@pytest.fixture
def drawn(db):
    """A published campaign whose prize was drawn among the five voters for the winner."""
    campaign = make_voting_campaign("voting", draw_pool="voters")
    voters = cast_votes(campaign, campaign.finalists[0], 5)
    cast_votes(campaign, campaign.finalists[1], 1)
    draw = svc.run_draw(campaign, "123456", ready_for_draw(campaign))
    _db.session.commit()
    return {"campaign": campaign, "draw": draw, "voters": voters}


def _tags(draw):
    return [member["tag"] for member in draw.pool]


def _alter(draw, **values):
    _db.session.execute(sa.update(PrizeDraw).where(PrizeDraw.id == draw.id).values(**values))
    _db.session.commit()
    _db.session.expire_all()


def _verify(runner):
    result = runner.invoke(args=["draw", "verify"])
    return result.exit_code, result.output


def _mismatch(runner, says=(), not_says=()) -> str:
    """`flask draw verify` fails with MISMATCH, saying each of ``says`` and none of
    ``not_says``; returns its output."""
    code, output = _verify(runner)
    assert code == 1 and "MISMATCH" in output
    for words in says:
        assert words in output
    for words in not_says:
        assert words not in output
    return output


def test_an_untouched_draw_verifies(drawn, runner):
    code, output = _verify(runner)
    assert code == 0 and "OK" in output and "MISMATCH" not in output


def test_an_altered_seed_alone_is_a_mismatch(drawn, runner):
    draw = drawn["draw"]
    tags = _tags(draw)
    index = compute_draw("123456", tags).index
    # A seed that picks the same winner: only the hash and the audit record can tell.
    seed = next(s for s in map(str, range(1000)) if compute_draw(s, tags).index == index)
    _alter(draw, seed=seed)
    _mismatch(
        runner,
        says=["hash differs", "seed differs from the audit record"],
        not_says=["winner differs"],
    )


def test_an_altered_hash_alone_is_a_mismatch(drawn, runner):
    draw = drawn["draw"]
    n = len(draw.pool)
    number = int(draw.digest, 16)
    # Another hash that points at the same winner.
    forged = number - n if number >= n else number + n
    _alter(draw, digest=f"{forged:064x}")
    _mismatch(
        runner,
        says=["hash differs", "digest differs from the audit record"],
        not_says=["winner differs"],
    )


def test_an_altered_winner_alone_is_a_mismatch(drawn, runner):
    draw = drawn["draw"]
    codes = _db.session.scalars(
        sa.select(Vote.reference_code).where(Vote.reference_code != draw.winner_code)
    ).all()
    _alter(draw, winner_code=codes[0])
    _mismatch(
        runner,
        says=["winner differs:", "winner differs from the audit record"],
        not_says=["hash differs"],
    )


def test_seed_hash_and_winner_forged_together_still_show(drawn, runner):
    draw = drawn["draw"]
    by_tag = {pool_tag(voter_code, KEY): voter_code for voter_code in _pool_codes(draw)}
    forged = next(
        result
        for result in (compute_draw(str(s), list(by_tag)) for s in range(1000))
        if by_tag[result.winner_code] != draw.winner_code
    )
    _alter(draw, seed=forged.seed, digest=forged.digest, winner_code=by_tag[forged.winner_code])
    _mismatch(
        runner,
        says=["seed differs from the audit record"],
        not_says=["hash differs", "winner differs:"],
    )


def _pool_codes(draw):
    codes = _db.session.scalars(sa.select(Vote.reference_code)).all()
    return [code for code in codes if pool_tag(code, KEY) in _tags(draw)]


def test_a_draw_made_with_the_first_formula_still_verifies(drawn, runner):
    """Draws published before tags (the pool as sorted reference codes) verify as made."""
    draw = drawn["draw"]
    codes = sorted(_pool_codes(draw))
    old = compute_draw("123456", codes)
    _alter(
        draw,
        pool=[{"code": code, "name": "ปร***"} for code in codes],
        digest=old.digest,
        winner_code=old.winner_code,
    )
    entry = _db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "draw.run"))
    entry.after = {**entry.after, "digest": old.digest, "winner": old.winner_code}
    _db.session.commit()
    code, output = _verify(runner)
    assert code == 0 and "OK" in output, output
    _alter(draw, winner_code=next(c for c in codes if c != old.winner_code))
    code, output = _verify(runner)
    assert code == 1 and "winner differs:" in output


def test_results_list_tags_and_show_each_person_only_their_own(drawn, app):
    draw, voters = drawn["draw"], drawn["voters"]
    vote_of = {v.user_id: v.reference_code for v in _db.session.scalars(sa.select(Vote)).all()}
    winner = next(voter for voter in voters if vote_of[voter.id] == draw.winner_code)
    loser = next(voter for voter in voters if voter is not winner)
    winner_tag = pool_tag(draw.winner_code, KEY)
    loser_tag = pool_tag(vote_of[loser.id], KEY)

    anonymous = app.test_client().get("/results?lang=en").get_data(as_text=True)
    assert winner_tag in anonymous and loser_tag in anonymous
    assert not any(code in anonymous for code in vote_of.values())  # no reference code
    assert "draw tag" in anonymous and "You are" not in anonymous

    as_loser = app.test_client()
    log_in(as_loser, loser)
    page = as_loser.get("/results?lang=en").get_data(as_text=True)
    assert f"You are in this draw as {loser_tag}" in page
    assert "You are the prize winner" not in page

    as_winner = app.test_client()
    log_in(as_winner, winner)
    page = as_winner.get("/results?lang=en").get_data(as_text=True)
    assert "You are the prize winner of this draw" in page


def test_an_altered_published_pool_alone_is_a_mismatch(drawn, runner):
    draw = drawn["draw"]
    forged = [dict(member) for member in draw.pool]
    forged[0]["tag"] = "0" * 16  # the database still gives the same hash and winner
    _alter(draw, pool=forged)
    code, output = _verify(runner)
    assert code == 1 and "pool differs" in output
    assert "hash differs" not in output and "winner differs" not in output


def test_a_seed_entered_before_the_announcement_is_a_mismatch(drawn, runner):
    """The source must be announced before the seed is entered: the row says when."""
    draw = drawn["draw"]
    _alter(draw, announced_at=draw.drawn_at + timedelta(seconds=1))
    _mismatch(runner, says=["announced after the seed was entered"])


def test_an_announcement_moved_back_in_the_row_still_shows_in_the_audit_log(drawn, runner):
    draw = drawn["draw"]
    entry = _db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "draw.announce_source")
    )
    run = _db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "draw.run"))
    entry.created_at = run.created_at + timedelta(seconds=1)
    _db.session.commit()
    code, output = _verify(runner)
    assert code == 1 and "audit log does not show the announcement before the draw" in output
    assert "announced after the seed" not in output  # the row itself is still in order
    assert draw.announced_at < draw.drawn_at
