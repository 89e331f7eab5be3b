"""Deleted accounts and the prize draw (issue 17 §5, stated in the rules in advance): people
whose account was deleted before the draw are not in its pool (nobody could contact them);
the pool is frozen at the draw, so a deletion afterwards does not upset `flask draw verify`."""

from __future__ import annotations

import sqlalchemy as sa

from app.accounts.services import delete_account
from app.extensions import db as _db
from app.voting import services as svc
from app.voting.draw import pool_tag
from app.voting.models import Vote
from tests.conftest import TEST_SECRET, both_databases
from tests.voting.conftest import cast_votes, make_voting_campaign, ready_for_draw

KEY = TEST_SECRET.encode()


def _code_of(user) -> str:
    return _db.session.scalar(sa.select(Vote.reference_code).where(Vote.user_id == user.id))


@both_databases
def test_deleted_accounts_are_left_out_of_the_draw_and_verify_holds(db, runner):
    campaign = make_voting_campaign("voting", draw_pool="voters")
    voters = cast_votes(campaign, campaign.finalists[0], 4)
    codes = {voter.id: _code_of(voter) for voter in voters}
    admin = ready_for_draw(campaign)

    gone_before = voters[0]
    delete_account(gone_before)
    _db.session.commit()
    draw = svc.run_draw(campaign, "123456", admin)
    _db.session.commit()
    tags = [member["tag"] for member in draw.pool]
    assert len(tags) == 3
    assert pool_tag(codes[gone_before.id], KEY) not in tags
    assert draw.winner_code != codes[gone_before.id]
    assert "de***" not in draw.winner_masked_name  # never "deleted account"

    # Someone in the frozen pool deletes their account after the draw: the record stands.
    in_pool = next(voter for voter in voters[1:] if codes[voter.id] != draw.winner_code)
    delete_account(in_pool)
    _db.session.commit()
    result = runner.invoke(args=["draw", "verify"])
    assert result.exit_code == 0 and "OK" in result.output, result.output


@both_databases
def test_a_living_voter_missing_from_the_stored_pool_is_a_mismatch(db, runner):
    campaign = make_voting_campaign("voting", draw_pool="voters")
    cast_votes(campaign, campaign.finalists[0], 3)
    draw = svc.run_draw(campaign, "123456", ready_for_draw(campaign))
    _db.session.commit()
    # A member dropped from the stored record: the database still holds a voter with an
    # account whom the record leaves out.
    kept = [m for m in draw.pool if m["tag"] != pool_tag(draw.winner_code, KEY)][:1]
    kept.append(next(m for m in draw.pool if m["tag"] == pool_tag(draw.winner_code, KEY)))
    draw.pool = sorted(kept, key=lambda m: m["tag"])
    _db.session.commit()
    result = runner.invoke(args=["draw", "verify"])
    assert result.exit_code == 1 and "pool differs" in result.output
