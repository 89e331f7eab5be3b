"""Results: the running tally, the tie rule, who may see what when, and publishing.

- Tie: the finalist that reached the tied total first wins (smaller ``last_vote_id``).
- Published results are a frozen snapshot; /results shows it from then on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.audit import services as audit
from app.contest.models import Campaign, Finalist, ResultsVisibility
from app.contest.services import Phase, phase
from app.extensions import db
from app.models import utcnow
from app.voting.models import ResultSnapshot, Vote, VoteTally
from app.voting.votes import VotingError


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


def published_winner(campaign: Campaign) -> Row | None:
    """The winning row of the frozen results, or None before they are frozen."""
    snapshot = db.session.get(ResultSnapshot, campaign.id)
    return _from_snapshot(snapshot).winner if snapshot else None


def winning_name(campaign: Campaign) -> str | None:
    """The mascot's new name, once the results are published."""
    if campaign.results_published_at is None:
        return None
    winner = published_winner(campaign)
    return winner.name if winner else None
