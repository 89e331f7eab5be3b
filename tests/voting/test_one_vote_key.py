"""The one-vote rule is a database key, not only a check in Python: a second row for one
(campaign, voter key) written straight into the table, bypassing ``cast_vote``, is refused on
SQLite and on PostgreSQL, in the schema the tests build and in the one the migrations build."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db as _db
from app.voting import services as svc
from app.voting.models import Vote
from tests.conftest import both_databases
from tests.factories import UserFactory
from tests.voting.conftest import make_voting_campaign


def _second_row_for_the_same_key(session) -> None:
    """Cast one vote by the rules, then insert another row with the same key by hand."""
    campaign = make_voting_campaign("voting")
    first, second = campaign.finalists[0], campaign.finalists[1]
    vote = svc.cast_vote(campaign, UserFactory(verified=True), first.id)
    session.commit()
    with pytest.raises(sa.exc.IntegrityError):
        session.execute(
            sa.insert(Vote).values(
                campaign_id=campaign.id,
                finalist_id=second.id,
                voter_key=vote.voter_key,
                user_id=None,
                reference_code="VT-2569-DUPL1CAT",
                created_at=vote.created_at,
            )
        )
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(Vote)) == 1
    # The same key in another campaign is a different vote: the key is per campaign.
    other = make_voting_campaign("voting")
    session.execute(
        sa.insert(Vote).values(
            campaign_id=other.id,
            finalist_id=other.finalists[0].id,
            voter_key=vote.voter_key,
            reference_code="VT-2569-OTHERCMP",
            created_at=vote.created_at,
        )
    )
    session.commit()


@both_databases
def test_the_database_refuses_a_second_vote_row_for_one_key(db):
    _second_row_for_the_same_key(db.session)


@pytest.fixture
def migrated_app(app_config, tmp_path, monkeypatch):
    """The app on a database built by the migrations (not ``create_all``)."""
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "migrated"))
    application = create_app(app_config)
    with application.app_context():
        upgrade()
        yield application
        _db.session.remove()
        downgrade(revision="base")
        _db.engine.dispose()


@both_databases
def test_the_migrations_make_the_one_vote_key(migrated_app):
    keys = sa.inspect(_db.engine).get_unique_constraints("vote")
    assert ["campaign_id", "voter_key"] in [key["column_names"] for key in keys]
    _second_row_for_the_same_key(_db.session)
