"""One canonical form per mailbox: accounts, votes and entries re-keyed.

Before this, an address was only trimmed and lower-cased, so ``v.o.t.e@ｇmail.com``,
``vote@gmail.com`` and ``x@bücher.example`` / ``x@xn--bcher-kva.example`` were different
people to the site although mail reached one inbox. This migration:

- stores each address as mail delivers it (NFKC, IDNA domain, lower-case) where that spelling
  is free, and a new ``email_canonical`` column (unique) for the account of each mailbox;
- re-keys votes and entries with the canonical form (HMAC with the site's SECRET_KEY, as the
  app computes them: run it with the site's own key; ``flask db upgrade`` uses the app's);
- deletes nothing. An account that shares a mailbox with an earlier one keeps its own
  address and has no canonical form. When two votes of one mailbox now have one key, the
  one that already held it keeps it (else the earlier), and the other keeps its old key and
  points at it (``shares_mailbox_with_id``): staff see both in the vote checks and decide.
  Entries that would clash the same way keep their old key. The counts are printed.

The canonical form is written out here, frozen, rather than imported from the app, so that
this migration keeps giving the same keys as the app changes.

Revision ID: 0009_canonical_email
Revises: 0008_sealed_totp_secret
Create Date: 2026-12-01
"""

import hashlib
import hmac
import unicodedata

import sqlalchemy as sa
from alembic import op
from email_validator import EmailNotValidError, validate_email
from flask import current_app

revision = "0009_canonical_email"
down_revision = "0008_sealed_totp_secret"
branch_labels = None
depends_on = None

GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}


def _deliverable(email: str) -> str | None:
    text = unicodedata.normalize("NFKC", email or "").strip()
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain or not local.isascii():
        return None
    try:
        checked = validate_email(text, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        return None
    return f"{checked.local_part.casefold()}@{checked.ascii_domain.lower()}"


def _canonical(email: str) -> str:
    address = _deliverable(email)
    if address is None:
        return unicodedata.normalize("NFKC", email or "").strip().casefold()
    local, _, domain = address.rpartition("@")
    base = local.split("+", 1)[0]
    if base:
        local = base
    if domain in GMAIL_DOMAINS:
        local = local.replace(".", "") or local
        domain = "gmail.com"
    return f"{local}@{domain}"


def _key(email: str, purpose: str = "") -> str:
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    canonical = _canonical(email)
    message = f"{purpose}|{canonical}" if purpose else canonical
    return hmac.new(secret, message.encode("utf-8"), hashlib.sha256).hexdigest()


def _accounts(bind) -> tuple[dict[int, str], int]:
    """Give each mailbox's first account the canonical form; return every account's address
    (as stored afterwards) and how many accounts share a mailbox with an earlier one."""
    rows = bind.execute(sa.text("SELECT id, email FROM user_account ORDER BY id")).all()
    taken = {email for _, email in rows}
    seen: set[str] = set()
    addresses: dict[int, str] = {}
    shared = 0
    for user_id, email in rows:
        canonical = _canonical(email)
        deliverable = _deliverable(email) or email
        if deliverable != email and deliverable not in taken:
            taken.discard(email)
            taken.add(deliverable)
            email = deliverable
        addresses[user_id] = email
        if canonical in seen:
            shared += 1
            canonical = None
        else:
            seen.add(canonical)
        bind.execute(
            sa.text("UPDATE user_account SET email = :email, email_canonical = :c WHERE id = :id"),
            {"email": email, "c": canonical, "id": user_id},
        )
    return addresses, shared


def _rekey(bind, table: str, column: str, rows, new_key, slots) -> list[tuple[int, int]]:
    """Move each row to its new key unless another row holds one of the unique ``slots`` that
    key gives it; return (row id, holder id) for the rows that keep their old key.

    Rows whose key does not change hold theirs first (a deleted account's rows among them:
    there is no address to compute another); the rest follow in id order. Rows move through a
    temporary key, so two rows that swap keys never meet the unique constraint."""
    held: dict[tuple, int] = {}
    staying = {row.id for row in rows if new_key(row) == getattr(row, column)}
    for row in rows:
        if row.id in staying:
            held.update(dict.fromkeys(slots(row, getattr(row, column)), row.id))
    moves, kept = [], []
    for row in rows:
        if row.id in staying:
            continue
        key = new_key(row)
        holder = next((held[slot] for slot in slots(row, key) if slot in held), None)
        if holder is None:
            moves.append((row.id, key))
        else:
            kept.append((row.id, holder))
            key = getattr(row, column)
        held.update(dict.fromkeys(slots(row, key), row.id))
    update = sa.text(f"UPDATE {table} SET {column} = :key WHERE id = :id")  # noqa: S608 (our names)
    for row_id, _ in moves:
        bind.execute(update, {"key": f"moving-{row_id}", "id": row_id})
    for row_id, key in moves:
        bind.execute(update, {"key": key, "id": row_id})
    return kept


def _votes(bind, addresses: dict[int, str]) -> int:
    rows = bind.execute(
        sa.text("SELECT id, campaign_id, voter_key, user_id FROM vote ORDER BY id")
    ).all()

    def new_key(row):
        return _key(addresses[row.user_id]) if row.user_id in addresses else row.voter_key

    kept = _rekey(
        bind, "vote", "voter_key", rows, new_key, lambda row, key: [(row.campaign_id, key)]
    )
    for vote_id, other_id in kept:
        bind.execute(
            sa.text("UPDATE vote SET shares_mailbox_with_id = :other WHERE id = :id"),
            {"other": other_id, "id": vote_id},
        )
    return len(kept)


def _entries(bind, addresses: dict[int, str]) -> int:
    rows = bind.execute(
        sa.text(
            "SELECT id, campaign_id, owner_key, user_id, normalised_name, seq FROM entry "
            "ORDER BY id"
        )
    ).all()

    def new_key(row):
        if row.user_id not in addresses:
            return row.owner_key
        return _key(addresses[row.user_id], purpose="contest-entry-owner")

    def slots(row, key):
        return [
            ("name", row.campaign_id, key, row.normalised_name),
            ("seq", row.campaign_id, key, row.seq),
        ]

    return len(_rekey(bind, "entry", "owner_key", rows, new_key, slots))


def upgrade():
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("email_canonical", sa.String(254), nullable=True))
        batch.create_unique_constraint("uq_user_account_email_canonical", ["email_canonical"])
    with op.batch_alter_table("vote") as batch:
        batch.add_column(sa.Column("shares_mailbox_with_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_vote_shares_mailbox_with_id_vote",
            "vote",
            ["shares_mailbox_with_id"],
            ["id"],
            ondelete="SET NULL",
        )
    bind = op.get_bind()
    addresses, shared_accounts = _accounts(bind)
    shared_votes = _votes(bind, addresses)
    kept_entries = _entries(bind, addresses)
    print(
        f"0009_canonical_email: {len(addresses)} accounts; {shared_accounts} share a mailbox "
        f"with an earlier account (kept); {shared_votes} votes listed in the vote checks as "
        f"a mailbox's second vote; {kept_entries} entries kept their earlier key"
    )


def downgrade():
    # Keys stay in their canonical form: the earlier form cannot be told apart from it.
    with op.batch_alter_table("vote") as batch:
        batch.drop_constraint("fk_vote_shares_mailbox_with_id_vote", type_="foreignkey")
        batch.drop_column("shares_mailbox_with_id")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_constraint("uq_user_account_email_canonical", type_="unique")
        batch.drop_column("email_canonical")
