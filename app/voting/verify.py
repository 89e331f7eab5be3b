"""Checking finished prize draws (``flask draw verify`` and the admin's results page): each is
redone from the database as it is now and held against its own record and the audit log."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.contest.models import Campaign
from app.extensions import db
from app.voting.draw import FORMULA_CODES, compute_draw, pool_tag
from app.voting.models import PrizeDraw
from app.voting.prize import PoolMember, draw_formula, draw_keys, draw_pool, draws


@dataclass
class Verification:
    attempt: int
    ok: bool
    problems: list[str]


def verify_draws(campaign: Campaign) -> list[Verification]:
    """Recompute every finished draw from the database as it is now, and hold its stored
    pool, seed, hash and winner against the recomputation and against the audit record of
    the draw (each of them altered alone is a mismatch); the seed source must have been
    announced before the seed was entered."""
    checks = []
    attempts = draws(campaign)
    for draw in attempts:
        if draw.seed is None:
            continue
        members = draw_pool(campaign, draw.pool_kind, draw.excluded_codes or [], with_deleted=True)
        problems = _recompute(draw, members)
        problems += _announced_first(campaign, attempts[0], draw)
        problems += _against_audit(draw)
        checks.append(Verification(draw.attempt, not problems, problems))
    return checks


def _recompute(draw: PrizeDraw, members: list[PoolMember]) -> list[str]:
    """Problems found by redoing the draw with the stored seed over the pool the database
    gives: everyone eligible with an account, and those whose account was deleted since
    only where the stored pool holds them (it was frozen at the draw)."""
    published = [member.get("code") or member.get("tag") for member in draw.pool or []]
    if draw_formula(draw) == FORMULA_CODES:
        labellings = [{m.code: m for m in members}]
    else:  # the key that made the published tags (SECRET_KEY may have moved on since)
        labellings = [{pool_tag(m.code, key): m for m in members} for key in draw_keys()]
    expected = [
        {label: m.code for label, m in labelled.items() if not m.deleted or label in published}
        for labelled in labellings
    ]
    code_of = next((e for e in expected if sorted(e) == sorted(published)), expected[0])
    if not code_of:
        return ["pool is empty"]
    problems = []
    if sorted(code_of) != published:
        problems.append(
            f"pool differs: database has {len(code_of)} members, record has {len(published)}"
        )
    result = compute_draw(draw.seed, list(code_of))
    if result.digest != draw.digest:
        problems.append("hash differs: the stored seed and pool do not give the stored hash")
    if code_of[result.winner_code] != draw.winner_code:
        problems.append(f"winner differs: {code_of[result.winner_code]} != {draw.winner_code}")
    return problems


def _announced_first(campaign: Campaign, first: PrizeDraw, draw: PrizeDraw) -> list[str]:
    """The seed source (announced with attempt 1; a redraw reuses it) came before the seed,
    in the row and in the audit log."""
    if draw.drawn_at is None or not first.announced_at < draw.drawn_at:
        return ["the seed source was announced after the seed was entered"]
    ran = db.session.scalar(
        sa.select(AuditEntry.created_at)
        .where(
            AuditEntry.action == "draw.run",
            AuditEntry.object_id == str(draw.id),
            *_recorded_with(draw),
        )
        .order_by(AuditEntry.id)
        .limit(1)
    )
    # The campaign's latest announcement (SQLite may give a rebuilt campaign an old id).
    announced = db.session.scalar(
        sa.select(AuditEntry.created_at)
        .where(
            AuditEntry.action == "draw.announce_source",
            AuditEntry.object_id == str(campaign.id),
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    if announced is None or (ran is not None and not announced < ran):
        return ["the audit log does not show the announcement before the draw"]
    return []


def _recorded_with(draw: PrizeDraw) -> tuple:
    """The draw's own audit record is written as it is made: SQLite gives a deleted row's id
    again (the demo rebuilds its campaign), so an older record under the same id is not it."""
    return (AuditEntry.created_at >= draw.drawn_at,)


def _against_audit(draw: PrizeDraw) -> list[str]:
    """The audit log wrote down the seed, hash and winner when the draw ran: a row changed
    consistently afterwards (seed, hash and winner together) still shows here."""
    entry = db.session.scalar(
        sa.select(AuditEntry)
        .where(
            AuditEntry.action == "draw.run",
            AuditEntry.object_id == str(draw.id),
            *_recorded_with(draw),
        )
        .order_by(AuditEntry.id)
        .limit(1)
    )
    if entry is None or not entry.after:
        return ["no audit record of this draw"]
    stored = {"seed": draw.seed, "digest": draw.digest, "winner": draw.winner_code}
    return [
        f"{field} differs from the audit record"
        for field, value in stored.items()
        if entry.after.get(field) != value
    ]
