"""Migration 0009 re-keys stored accounts, votes and entries with the canonical address, and
deletes nothing: two accounts of one mailbox both stay, the second vote goes to the checks."""

from __future__ import annotations

import hashlib
import hmac

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.accounts import services as accounts
from app.accounts.models import User
from app.extensions import db
from app.voting import services as voting
from app.voting.models import Vote
from tests.conftest import both_databases
from tests.contest.conftest import add_entry
from tests.factories import UserFactory
from tests.voting.conftest import make_voting_campaign


def _old_key(app, email: str, purpose: str = "") -> str:
    """The key as the site computed it before 0009: trimmed, lower-cased, +tag cut, Gmail dots
    removed only for a domain spelled exactly gmail.com or googlemail.com."""
    address = email.strip().lower()
    local, _, domain = address.rpartition("@")
    local = local.split("+", 1)[0]
    if domain in {"gmail.com", "googlemail.com"}:
        local, domain = local.replace(".", ""), "gmail.com"
    message = f"{local}@{domain}"
    message = f"{purpose}|{message}" if purpose else message
    return hmac.new(app.config["SECRET_KEY"].encode(), message.encode(), hashlib.sha256).hexdigest()


@both_databases
def test_stored_rows_are_re_keyed_and_nothing_is_deleted(bare_app, capsys):
    app = bare_app
    with app.app_context():
        upgrade()
        campaign = make_voting_campaign("voting")
        first, second, idn = (
            UserFactory(verified=True, email=address)
            for address in ("vote.tester@gmail.com", "second@example.com", "x@bucher.example")
        )
        finalists = sorted(campaign.finalists, key=lambda f: f.position)
        add_entry(campaign, first, "ชื่อเดียวกัน")
        add_entry(campaign, second, "ชื่อเดียวกัน")
        db.session.commit()
        for person, finalist in zip((first, second, idn), finalists, strict=False):
            voting.cast_vote(campaign, person, finalist.id)
            db.session.commit()
        ids = first.id, second.id, idn.id
        campaign_id = campaign.id
        db.session.remove()

        # Back to 0008, and the rows as the site stored them then: the second account of the
        # mailbox spelled with a full-width g, the third with its Unicode domain.
        downgrade(revision="0008_sealed_totp_secret")
        legacy = {ids[1]: "v.o.t.e.tester@ｇmail.com", ids[2]: "x@bücher.example"}
        with db.engine.begin() as connection:
            for user_id, email in legacy.items():
                connection.execute(
                    sa.text("UPDATE user_account SET email = :e WHERE id = :id"),
                    {"e": email, "id": user_id},
                )
            emails = {**legacy, ids[0]: "vote.tester@gmail.com"}
            for user_id, email in emails.items():
                connection.execute(
                    sa.text("UPDATE vote SET voter_key = :k WHERE user_id = :id"),
                    {"k": _old_key(app, email), "id": user_id},
                )
                connection.execute(
                    sa.text("UPDATE entry SET owner_key = :k WHERE user_id = :id"),
                    {"k": _old_key(app, email, "contest-entry-owner"), "id": user_id},
                )
        capsys.readouterr()
        upgrade()
        printed = capsys.readouterr().out

        assert "1 share a mailbox" in printed and "1 votes listed" in printed
        assert "1 entries kept" in printed
        campaign = db.session.get(type(campaign), campaign_id)
        users = {user.id: user for user in db.session.scalars(sa.select(User))}
        assert ids[1] in users  # nothing deleted
        assert users[ids[0]].email_canonical == "votetester@gmail.com"
        assert users[ids[1]].email_canonical is None
        assert users[ids[1]].email == "v.o.t.e.tester@gmail.com"  # as mail delivers it
        assert users[ids[2]].email == "x@xn--bcher-kva.example"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote)) == 3
        shared = voting.shared_mailbox_votes(campaign)
        assert [(vote.user_id, other.user_id) for vote, other in shared] == [(ids[1], ids[0])]
        # The re-keyed vote of the IDN account is found with the key the app computes now.
        assert voting.vote_of(campaign, users[ids[2]]).user_id == ids[2]
        # Every spelling of the mailbox finds the mailbox's account.
        assert accounts.find_user_by_email("VOTE.TESTER@ｇmail.com").id == ids[0]
        assert accounts.find_user_by_email("v.o.t.e.tester@ｇmail.com").id == ids[1]
