"""The prize draw: the seed source announced first, the pool, the draw, redraws, and the
public record. The arithmetic anyone can redo is in ``app.voting.draw``; checking a finished
draw is in ``app.voting.verify``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.audit import services as audit
from app.contest.models import Campaign, DrawPool, Entry, EntryStatus, Finalist
from app.extensions import db
from app.models import utcnow
from app.voting.draw import FORMULA_CODES, FORMULA_TAGS, compute_draw, mask_name, pool_tag
from app.voting.models import PrizeDraw, Vote
from app.voting.results import published_winner
from app.voting.votes import VotingError


class DrawError(VotingError):
    """A prize-draw rule said no (409)."""


def draws(campaign: Campaign) -> list[PrizeDraw]:
    return list(
        db.session.scalars(
            sa.select(PrizeDraw)
            .where(PrizeDraw.campaign_id == campaign.id)
            .order_by(PrizeDraw.attempt)
        )
    )


def announce_seed_source(
    campaign: Campaign, seed_source: str, actor: User | None, now: datetime | None = None
) -> PrizeDraw:
    """Say in advance where the seed will come from (e.g. a lottery draw of a stated date).

    ``now``: when it is announced (the demo's clock; the admin's page leaves it to the clock)."""
    seed_source = (seed_source or "").strip()
    if not 5 <= len(seed_source) <= 500:
        raise DrawError(_l("Describe the seed source in 5 to 500 characters."))
    # The pool kind is copied from the setting, which is then locked (contest services):
    # PostgreSQL waits here for a settings change being saved at this moment, and rereads it.
    db.session.refresh(campaign, with_for_update=True)
    if draws(campaign):
        raise DrawError(_l("The seed source has already been announced."))
    draw = PrizeDraw(
        campaign_id=campaign.id,
        attempt=1,
        pool_kind=campaign.draw_pool,
        seed_source=seed_source,
        announced_at=now or utcnow(),
    )
    db.session.add(draw)
    audit.record(
        "draw.announce_source",
        "campaign",
        campaign.id,
        after={"seed_source": seed_source},
        actor=actor,
    )
    db.session.flush()
    return draw


@dataclass(frozen=True)
class PoolMember:
    code: str
    name: str  # the person's display name, unmasked (masked when published)
    deleted: bool = False  # the account was deleted: out of the draw (nobody to contact)


def draw_pool(
    campaign: Campaign, pool_kind: str, excluded: list[str], *, with_deleted: bool = False
) -> list[PoolMember]:
    """Entrants of the winning name, or voters for it, less ``excluded`` codes and less the
    people whose account was deleted (``with_deleted``: kept and marked, for the checks)."""
    winner = published_winner(campaign)
    if winner is None:
        return []
    finalist = db.session.get(Finalist, winner.finalist_id)
    if pool_kind == DrawPool.VOTERS:
        source = Vote
        matches = [Vote.finalist_id == finalist.id, Vote.voided_at.is_(None)]
    else:
        source = Entry
        matches = [
            Entry.normalised_name == finalist.normalised_name,
            Entry.status == EntryStatus.APPROVED.value,
        ]
    query = (
        sa.select(source.reference_code, User.id, User.display_name)
        .outerjoin(User, User.id == source.user_id)
        .where(source.campaign_id == campaign.id, *matches)
    )
    members = [
        PoolMember(code, name or str(_l("deleted account")), deleted=user_id is None)
        for code, user_id, name in db.session.execute(query)
    ]
    return sorted(
        (m for m in members if m.code not in set(excluded) and (with_deleted or not m.deleted)),
        key=lambda m: m.code,
    )


def run_draw(campaign: Campaign, seed: str, actor: User) -> PrizeDraw:
    """Enter the announced seed and draw. A draw with a seed cannot be run again."""
    seed = (seed or "").strip()
    if not 1 <= len(seed) <= 200:
        raise DrawError(_l("Enter the seed exactly as published (1 to 200 characters)."))
    if campaign.results_published_at is None:
        raise DrawError(_l("Publish the results before the prize draw."))
    attempts = draws(campaign)
    if not attempts:
        raise DrawError(_l("Announce the seed source before the draw."))
    draw = attempts[-1]
    if draw.seed is not None:
        raise DrawError(_l("This draw has already been run. A redraw needs a reason."))
    return _draw(campaign, draw, seed, actor)


def draw_keys() -> list[bytes]:
    """Keys a draw tag may be made with: SECRET_KEY first, then SECRET_KEY_FALLBACKS."""
    config = current_app.config
    keys = [config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or [])]
    return [key.encode() if isinstance(key, str) else key for key in keys if key]


def draw_formula(draw: PrizeDraw) -> int:
    """Which published formula a finished draw used (its pool's shape says it: no migration)."""
    pool = draw.pool or []
    return FORMULA_CODES if pool and "code" in pool[0] else FORMULA_TAGS


def _draw(campaign: Campaign, draw: PrizeDraw, seed: str, actor: User) -> PrizeDraw:
    pool = draw_pool(campaign, draw.pool_kind, draw.excluded_codes or [])
    if not pool:
        raise DrawError(_l("The draw pool is empty: nobody can win."))
    key = draw_keys()[0]
    by_tag = {pool_tag(member.code, key): member for member in pool}
    result = compute_draw(seed, list(by_tag))
    winner = by_tag[result.winner_code]
    draw.seed = seed
    draw.drawn_at = utcnow()
    draw.digest = result.digest
    draw.pool = [{"tag": tag, "name": mask_name(by_tag[tag].name)} for tag in result.codes]
    draw.winner_code = winner.code  # kept for the ministry, which contacts the winner
    draw.winner_masked_name = mask_name(winner.name)
    audit.record(
        "draw.run",
        "prize_draw",
        draw.id,
        after={
            "attempt": draw.attempt,
            "seed": seed,
            "digest": result.digest,
            "winner": draw.winner_code,
        },
        actor=actor,
    )
    db.session.flush()
    return draw


def redraw(campaign: Campaign, reason: str, actor: User) -> PrizeDraw:
    """The winner cannot be reached: draw again with the same seed, without earlier winners."""
    reason = (reason or "").strip()
    if not 5 <= len(reason) <= 1000:
        raise DrawError(_l("Give the reason for the redraw (5 to 1,000 characters)."))
    attempts = draws(campaign)
    if not attempts or attempts[-1].seed is None:
        raise DrawError(_l("There is no finished draw to redo."))
    last = attempts[-1]
    excluded = [*(last.excluded_codes or []), last.winner_code]
    draw = PrizeDraw(
        campaign_id=campaign.id,
        attempt=last.attempt + 1,
        pool_kind=last.pool_kind,
        seed_source=last.seed_source,
        excluded_codes=excluded,
        redraw_reason=reason,
    )
    db.session.add(draw)
    db.session.flush()
    audit.record(
        "draw.redraw",
        "prize_draw",
        draw.id,
        before={"winner": last.winner_code},
        reason=reason,
        actor=actor,
    )
    return _draw(campaign, draw, last.seed, actor)


@dataclass
class PublicDraw:
    """A draw as /results shows it: each person by a draw tag (formula 2) or, for draws made
    before tags, by the reference code that was published then."""

    draw: PrizeDraw
    formula: int
    members: list[tuple[str, str]]  # (tag or code, masked name), sorted as drawn
    winner: str | None
    excluded: list[str]
    mine: set[str]  # the viewer's own labels in this pool (only the viewer sees them)


def public_draws(campaign: Campaign, viewer: User | None = None) -> list[PublicDraw]:
    """Every draw of the campaign for the public page; ``viewer`` (logged in) finds their own
    tags marked, so a voter can find themselves without a code that gives their vote away."""
    own = _own_codes(campaign, viewer) if viewer is not None else []
    records = []
    for draw in draws(campaign):
        formula = draw_formula(draw)
        members = [(m.get("code") or m.get("tag"), m["name"]) for m in draw.pool or []]
        labels = {label for label, _ in members}

        def label(code: str, formula=formula, labels=labels) -> str:
            if formula == FORMULA_CODES:
                return code
            tags = [pool_tag(code, key) for key in draw_keys()]
            return next((tag for tag in tags if tag in labels), tags[0])

        records.append(
            PublicDraw(
                draw=draw,
                formula=formula,
                members=members,
                winner=label(draw.winner_code) if draw.winner_code else None,
                excluded=[label(code) for code in draw.excluded_codes or []],
                mine={label(code) for code in own} & labels,
            )
        )
    return records


def _own_codes(campaign: Campaign, user: User) -> list[str]:
    """The reference codes of the person's votes and entries in the campaign."""
    votes = sa.select(Vote.reference_code).where(
        Vote.campaign_id == campaign.id, Vote.user_id == user.id
    )
    entries = sa.select(Entry.reference_code).where(
        Entry.campaign_id == campaign.id, Entry.user_id == user.id
    )
    return list(db.session.scalars(votes.union_all(entries)))
