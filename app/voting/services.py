"""Every rule of voting, results and the prize draw.

- One vote per person per campaign: a unique key on (campaign, HMAC of canonical e-mail).
- Counting: a tally row per finalist, updated in the vote's own transaction.
- Tie: the finalist that reached the tied total first wins (smaller ``last_vote_id``).
- The draw: see ``app.voting.draw``; its inputs and outputs are stored and published.

Services add and flush; the caller commits (``cast_vote`` opens its own write transaction).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.accounts.identity import voter_key
from app.accounts.models import User
from app.audit import services as audit
from app.audit.models import AuditEntry
from app.contest.models import Campaign, DrawPool, Entry, EntryStatus, Finalist, ResultsVisibility
from app.contest.services import Phase, phase
from app.database import begin_write
from app.domain import DomainError
from app.extensions import db
from app.i18n import BANGKOK, BE_OFFSET
from app.models import utcnow
from app.voting.draw import FORMULA_CODES, FORMULA_TAGS, compute_draw, mask_name, pool_tag
from app.voting.models import PrizeDraw, ResultSnapshot, Vote, VoteTally

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class VotingError(DomainError):
    """A voting rule said no (app/domain.py); most are about the campaign's state: 409."""

    status = 409


class VotingClosed(VotingError):
    template = "voting/closed.html"

    def __init__(self, campaign: Campaign | None):
        super().__init__(_l("Voting is not open at the moment."))
        self.campaign = campaign

    def context(self) -> dict:
        current = phase(self.campaign, utcnow()) if self.campaign else None
        return {"campaign": self.campaign, "phase": current, "Phase": Phase}


class UnknownFinalist(VotingError):
    status = 400

    def __init__(self):
        super().__init__(_l("Please choose one of the finalists."))


class AlreadyVoted(VotingError):
    template = "voting/already_voted.html"

    def __init__(self, vote: Vote, status: int | None = None):
        super().__init__(_l("You have already voted."), status)
        self.vote = vote

    def context(self) -> dict:
        from flask_login import current_user

        own = cast_by(self.vote, current_user)
        return {"vote": self.vote if own else None, "own": own}


class DrawError(VotingError):
    pass


# --- who votes --------------------------------------------------------------------------------


def key_for(user: User) -> str:
    return voter_key(user.email, current_app.config["SECRET_KEY"])


def client_key(address: str | None) -> str | None:
    """A keyed hash of the client address: enough to see clusters, useless to identify anyone."""
    if not address:
        return None
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret, f"client|{address}".encode(), hashlib.sha256).hexdigest()


def vote_of(campaign: Campaign, user: User) -> Vote | None:
    return db.session.scalar(
        sa.select(Vote).where(Vote.campaign_id == campaign.id, Vote.voter_key == key_for(user))
    )


def cast_by(vote: Vote, user: User) -> bool:
    """Whether this account cast the vote. The one-vote key is the mailbox's, so another
    account of the same mailbox (or one registered again after a deletion) meets the vote
    too; only the account that cast it sees its choice, time and reference code."""
    return vote.user_id is not None and vote.user_id == user.id


def voting_open(campaign: Campaign | None, now: datetime | None = None) -> bool:
    return campaign is not None and phase(campaign, now or utcnow()) is Phase.VOTING


def require_voting_open(campaign: Campaign | None, now: datetime | None = None) -> None:
    """Raise VotingClosed (409, the page with the dates) unless voting is open now."""
    if not voting_open(campaign, now):
        raise VotingClosed(campaign)


def ballot(campaign: Campaign) -> list[Finalist]:
    """The finalists in the campaign's order."""
    return list(
        db.session.scalars(
            sa.select(Finalist)
            .where(Finalist.campaign_id == campaign.id)
            .order_by(Finalist.position, Finalist.id)
        )
    )


def finalist_on_ballot(campaign: Campaign, finalist_id) -> Finalist:
    try:
        wanted = int(finalist_id)
    except (TypeError, ValueError):
        raise UnknownFinalist() from None
    if not 0 < wanted < 2**31:
        raise UnknownFinalist()
    finalist = db.session.get(Finalist, wanted)
    if finalist is None or finalist.campaign_id != campaign.id:
        raise UnknownFinalist()
    return finalist


def _vote_code(campaign: Campaign) -> str:
    year = campaign.voting_open.astimezone(BANGKOK).year + BE_OFFSET
    tail = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(8))
    return f"VT-{year}-{tail}"


def cast_vote(
    campaign: Campaign,
    user: User,
    finalist_id,
    client_address: str | None = None,
    now: datetime | None = None,
) -> Vote:
    """Record the person's vote and count it, or raise VotingClosed/UnknownFinalist/AlreadyVoted.

    Opens a write transaction first (SQLite: BEGIN IMMEDIATE), so concurrent votes queue for
    the lock instead of failing; the unique key settles any race, and the loser is told
    which vote already counts. The caller commits.
    """
    begin_write()
    now = now or utcnow()
    if phase(campaign, now) is not Phase.VOTING:
        raise VotingClosed(campaign)
    finalist = finalist_on_ballot(campaign, finalist_id)
    key = key_for(user)
    existing = vote_of(campaign, user)
    if existing is not None:
        raise AlreadyVoted(existing)
    vote = Vote(
        campaign_id=campaign.id,
        finalist_id=finalist.id,
        voter_key=key,
        user_id=user.id,
        reference_code=_vote_code(campaign),
        created_at=now,
        client_key=client_key(client_address),
    )
    try:
        with db.session.begin_nested():
            db.session.add(vote)
    except sa.exc.IntegrityError:
        existing = vote_of(campaign, user)
        if existing is not None:
            raise AlreadyVoted(existing) from None
        raise  # a reference-code collision (32^8 codes): let the request fail loudly
    _count(vote)
    return vote


def _count(vote: Vote) -> None:
    """Add the vote to its finalist's tally in the current transaction (one upsert: the first
    votes for a finalist may arrive together)."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    insert = pg_insert if postgres else sqlite_insert
    statement = insert(VoteTally).values(
        finalist_id=vote.finalist_id, campaign_id=vote.campaign_id, votes=1, last_vote_id=vote.id
    )
    # Parallel votes may reach the upsert out of id order: keep the larger id (SQLite's
    # two-argument max() is PostgreSQL's greatest()).
    larger = sa.func.greatest if postgres else sa.func.max
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=[VoteTally.finalist_id],
            set_={
                "votes": VoteTally.votes + 1,
                "last_vote_id": larger(VoteTally.last_vote_id, statement.excluded.last_vote_id),
            },
        )
    )


# --- results ----------------------------------------------------------------------------------


@dataclass
class Row:
    finalist_id: int
    name: str
    meaning: str
    votes: int
    percent: float
    reached_at: int | None  # id of the vote that brought the total; smaller = earlier
    winner: bool = False


@dataclass
class Results:
    rows: list[Row]
    total: int
    tie_rule_used: bool
    published: bool
    published_at: datetime | None = None
    extra: dict = field(default_factory=dict)

    @property
    def winner(self) -> Row | None:
        return next((row for row in self.rows if row.winner), None)


def tally(campaign: Campaign) -> Results:
    """Counts per finalist from the running tally (five rows, however many votes)."""
    rows = db.session.execute(
        sa.select(Finalist, VoteTally.votes, VoteTally.last_vote_id)
        .outerjoin(VoteTally, VoteTally.finalist_id == Finalist.id)
        .where(Finalist.campaign_id == campaign.id)
        .order_by(Finalist.position, Finalist.id)
    ).all()
    total = sum(votes or 0 for _, votes, _ in rows)
    result_rows = [
        Row(
            finalist_id=finalist.id,
            name=finalist.display_name,
            meaning=finalist.meaning,
            votes=votes or 0,
            percent=round(100.0 * (votes or 0) / total, 1) if total else 0.0,
            reached_at=last,
        )
        for finalist, votes, last in rows
    ]
    return Results(
        rows=result_rows, total=total, tie_rule_used=_mark_winner(result_rows), published=False
    )


def _mark_winner(rows: list[Row]) -> bool:
    """Mark the winner; return True when a tie was broken by who reached the total first."""
    if not rows or max(row.votes for row in rows) == 0:
        return False
    top = max(row.votes for row in rows)
    leaders = [row for row in rows if row.votes == top]
    first = min(leaders, key=lambda row: (row.reached_at is None, row.reached_at or 0))
    first.winner = True
    return len(leaders) > 1


def recount(campaign: Campaign) -> dict[int, tuple[int, int | None]]:
    """Counts straight from the vote rows (for checks): finalist id -> (votes, last vote id)."""
    rows = db.session.execute(
        sa.select(Vote.finalist_id, sa.func.count(), sa.func.max(Vote.id))
        .where(Vote.campaign_id == campaign.id, Vote.voided_at.is_(None))
        .group_by(Vote.finalist_id)
    ).all()
    return {finalist_id: (count, last) for finalist_id, count, last in rows}


def results_visible(campaign: Campaign, now: datetime | None = None) -> bool:
    current = phase(campaign, now or utcnow())
    if current in (Phase.CLOSED, Phase.ANNOUNCED):
        return True
    return current is Phase.VOTING and campaign.results_visibility == ResultsVisibility.LIVE


def public_results(campaign: Campaign, now: datetime | None = None) -> Results | None:
    """What /results shows: the frozen snapshot once announced, the live tally when allowed,
    otherwise None (the page then says when results come)."""
    snapshot = db.session.get(ResultSnapshot, campaign.id)
    if campaign.results_published_at is not None and snapshot is not None:
        return _from_snapshot(snapshot)
    if not results_visible(campaign, now):
        return None
    return tally(campaign)


def _from_snapshot(snapshot: ResultSnapshot) -> Results:
    data = snapshot.data
    rows = [Row(**row) for row in data["rows"]]
    return Results(
        rows=rows,
        total=data["total"],
        tie_rule_used=data["tie_rule_used"],
        published=True,
        published_at=snapshot.published_at,
    )


def publish_results(campaign: Campaign, actor: User, now: datetime | None = None) -> Results:
    """Freeze the tally and move the campaign to ``announced``. Only once voting has closed."""
    now = now or utcnow()
    if campaign.results_published_at is not None:
        raise VotingError(_l("The results have already been published."))
    if phase(campaign, now) is not Phase.CLOSED:
        raise VotingError(_l("Results can be published only after voting closes."))
    results = tally(campaign)
    data = {
        "total": results.total,
        "tie_rule_used": results.tie_rule_used,
        "rows": [row.__dict__ for row in results.rows],
    }
    db.session.add(ResultSnapshot(campaign_id=campaign.id, published_at=now, data=data))
    campaign.results_published_at = now
    winner = results.winner
    audit.record(
        "results.publish",
        "campaign",
        campaign.id,
        after={"total": results.total, "winner": winner.name if winner else None},
        actor=actor,
    )
    db.session.flush()
    return results


def winning_name(campaign: Campaign) -> str | None:
    """The mascot's new name, once the results are published."""
    if campaign.results_published_at is None:
        return None
    snapshot = db.session.get(ResultSnapshot, campaign.id)
    if snapshot is None:
        return None
    winner = _from_snapshot(snapshot).winner
    return winner.name if winner else None


# --- the prize draw ---------------------------------------------------------------------------


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
    snapshot = db.session.get(ResultSnapshot, campaign.id)
    winner = _from_snapshot(snapshot).winner if snapshot else None
    if winner is None:
        return []
    finalist = db.session.get(Finalist, winner.finalist_id)
    if pool_kind == DrawPool.VOTERS:
        query = (
            sa.select(Vote.reference_code, User.id, User.display_name)
            .outerjoin(User, User.id == Vote.user_id)
            .where(
                Vote.campaign_id == campaign.id,
                Vote.finalist_id == finalist.id,
                Vote.voided_at.is_(None),
            )
        )
    else:
        query = (
            sa.select(Entry.reference_code, User.id, User.display_name)
            .outerjoin(User, User.id == Entry.user_id)
            .where(
                Entry.campaign_id == campaign.id,
                Entry.normalised_name == finalist.normalised_name,
                Entry.status == EntryStatus.APPROVED.value,
            )
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


def _draw_keys() -> list[bytes]:
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
    key = _draw_keys()[0]
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
            tags = [pool_tag(code, key) for key in _draw_keys()]
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
        labellings = [{pool_tag(m.code, key): m for m in members} for key in _draw_keys()]
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


# --- fraud view -------------------------------------------------------------------------------

NEW_ACCOUNT_MINUTES = 10


def _count_between(campaign: Campaign, start: datetime, end: datetime) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Vote)
        .where(Vote.campaign_id == campaign.id, Vote.created_at >= start, Vote.created_at < end)
    )


def votes_per_hour(
    campaign: Campaign, hours: int = 48, now: datetime | None = None
) -> list[tuple[datetime, int]]:
    """Votes per hour over the last ``hours`` hours of voting, hours with votes only.

    One range count per hour on the (campaign, created_at) index: a fixed number of cheap
    queries however many votes there are."""
    end = min(now or utcnow(), campaign.voting_close)
    hour = end.replace(minute=0, second=0, microsecond=0)
    rows = []
    for _ in range(hours):
        if hour + timedelta(hours=1) <= campaign.voting_open:
            break
        count = _count_between(campaign, hour, hour + timedelta(hours=1))
        if count:
            rows.append((hour, count))
        hour -= timedelta(hours=1)
    return sorted(rows)


def votes_per_day(campaign: Campaign, days: int = 7, now: datetime | None = None) -> list:
    """(Bangkok date, votes) for the last ``days`` days, oldest first, zeros included."""
    today = (now or utcnow()).astimezone(BANGKOK).date()
    result = []
    for back in range(days - 1, -1, -1):
        day = today - timedelta(days=back)
        start = datetime.combine(day, time(0, 0), BANGKOK)
        result.append((day, _count_between(campaign, start, start + timedelta(days=1))))
    return result


def shared_client_clusters(
    campaign: Campaign, minimum: int = 5, limit: int = 50
) -> list[tuple[str, int]]:
    """Hashed client addresses behind at least ``minimum`` votes, biggest first."""
    count = sa.func.count().label("n")
    return [
        (key, n)
        for key, n in db.session.execute(
            sa.select(Vote.client_key, count)
            .where(
                Vote.campaign_id == campaign.id,
                Vote.client_key.is_not(None),
                Vote.voided_at.is_(None),
            )
            .group_by(Vote.client_key)
            .having(count >= minimum)
            .order_by(count.desc())
            .limit(limit)
        )
    ]


def shared_mailbox_votes(campaign: Campaign) -> list[tuple[Vote, Vote]]:
    """Votes not voided that share a mailbox with an earlier vote (found by migration 0009),
    each with that earlier vote: for a staff decision."""
    earlier = sa.orm.aliased(Vote)
    return [
        (vote, first)
        for vote, first in db.session.execute(
            sa.select(Vote, earlier)
            .join(earlier, earlier.id == Vote.shares_mailbox_with_id)
            .where(Vote.campaign_id == campaign.id, Vote.voided_at.is_(None))
            .order_by(Vote.id)
        )
    ]


def fresh_account_votes(campaign: Campaign, limit: int = 200) -> list[tuple[Vote, User]]:
    """Votes cast within minutes of the account's creation (among the latest 5,000 votes)."""
    rows = db.session.execute(
        sa.select(Vote, User)
        .join(User, User.id == Vote.user_id)
        .where(Vote.campaign_id == campaign.id, Vote.voided_at.is_(None))
        .order_by(Vote.id.desc())
        .limit(5000)
    ).all()
    window = timedelta(minutes=NEW_ACCOUNT_MINUTES)
    return [(vote, user) for vote, user in rows if vote.created_at - user.created_at <= window][
        :limit
    ]


def void_vote(vote: Vote, reason: str, actor: User) -> None:
    """Take a vote out of the count, with a reason; the voter stays unable to vote again."""
    reason = (reason or "").strip()
    if not 5 <= len(reason) <= 1000:
        raise VotingError(_l("Give the reason for voiding this vote (5 to 1,000 characters)."))
    if vote.voided_at is not None:
        raise VotingError(_l("This vote has already been voided."))
    campaign = db.session.get(Campaign, vote.campaign_id)
    if campaign.results_published_at is not None:
        raise VotingError(_l("The results are published: votes can no longer be voided."))
    vote.voided_at = utcnow()
    vote.void_reason = reason
    last = db.session.scalar(
        sa.select(sa.func.max(Vote.id)).where(
            Vote.finalist_id == vote.finalist_id, Vote.voided_at.is_(None), Vote.id != vote.id
        )
    )
    db.session.execute(
        sa.update(VoteTally)
        .where(VoteTally.finalist_id == vote.finalist_id)
        .values(votes=VoteTally.votes - 1, last_vote_id=last)
    )
    audit.record(
        "vote.void",
        "vote",
        vote.id,
        before={"voided": False, "finalist_id": vote.finalist_id},
        after={"voided": True},
        reason=reason,
        actor=actor,
    )
    db.session.flush()


def unlink_votes(user: User) -> None:
    """Account deletion: the vote stays (and still blocks a second vote), unlinked from the person."""
    db.session.execute(sa.update(Vote).where(Vote.user_id == user.id).values(user_id=None))


def export_votes(user: User) -> dict:
    votes = db.session.execute(
        sa.select(Vote, Finalist.display_name)
        .join(Finalist, Finalist.id == Vote.finalist_id)
        .where(Vote.user_id == user.id)
    ).all()
    return {
        "votes": [
            {
                "reference_code": vote.reference_code,
                "finalist": name,
                "voted_at": vote.created_at.isoformat(),
                "voided": vote.voided_at is not None,
            }
            for vote, name in votes
        ]
    }
