"""Staff review of entries: approve or reject (one or many, a reason to reject), until voting
opens; and the lists staff review from (filters, search, groups of one name, counts)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.accounts.models import User
from app.audit import services as audit
from app.contest.errors import ReviewError
from app.contest.models import Campaign, Entry, EntryStatus
from app.contest.normalise import normalise_name
from app.contest.shortlist import finalist_held_by, shortlist_locked
from app.database import Page, like_pattern
from app.extensions import db
from app.i18n import BANGKOK
from app.models import utcnow

REVIEW_FIELDS = ("status", "review_reason")
REASON_MAX = 500
BULK_MAX = 200


class Decision(enum.StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


REVIEW_CLOSED = _l("Entries can no longer be reviewed: voting has opened.")


def review_open(campaign: Campaign, now: datetime | None = None) -> bool:
    """Entries can be approved or rejected until voting opens (the approved entries of the
    winning name are then the prize draw's pool)."""
    return not shortlist_locked(campaign, now or utcnow())


def decision_reason(decision: Decision, reason: str | None) -> str | None:
    """The reason as stored (trimmed, None when empty); rejecting needs one."""
    reason = (reason or "").strip() or None
    if decision is Decision.REJECT and not reason:
        raise ReviewError(_l("Please give a reason for rejecting."))
    if reason and len(reason) > REASON_MAX:
        raise ReviewError(_l("A reason has at most %(max)d characters.", max=REASON_MAX))
    return reason


def review_entry(entry: Entry, decision: Decision, reason: str | None, actor: User) -> None:
    """Approve or reject one entry (a reason is required to reject); audited.

    Not once voting opens: approved entries of the winning name are the prize draw's pool.
    Nor the rejection of a finalist's last approved entry (the shortlist must change first)."""
    if not review_open(entry.campaign):
        raise ReviewError(REVIEW_CLOSED, status=409)
    reason = decision_reason(decision, reason)
    finalist = finalist_held_by(entry, for_update=True) if decision is Decision.REJECT else None
    if finalist is not None:
        raise ReviewError(
            _l(
                "This is the last approved entry of the finalist %(name)s: a finalist "
                "must keep at least one, since its entrants are who can win the prize. "
                "Take the name off the shortlist first.",
                name=finalist.display_name,
            )
        )
    before = audit.snapshot(entry, REVIEW_FIELDS)
    entry.status = (
        EntryStatus.APPROVED.value if decision is Decision.APPROVE else EntryStatus.REJECTED.value
    )
    entry.review_reason = reason
    entry.reviewed_at = utcnow()
    entry.reviewed_by_id = actor.id
    audit.record(
        f"entry.{decision.value}",
        "entry",
        entry.reference_code,
        before=before,
        after=audit.snapshot(entry, REVIEW_FIELDS),
        reason=reason,
        actor=actor,
    )


def entries_by_ids(campaign: Campaign, ids: list[int]) -> list[Entry]:
    ids = list(dict.fromkeys(ids))[:BULK_MAX]
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Entry)
            .where(Entry.campaign_id == campaign.id, Entry.id.in_(ids))
            .order_by(Entry.id)
        )
    )


def bulk_review(
    campaign: Campaign, ids: list[int], decision: Decision, reason: str | None, actor: User
) -> int:
    entries = entries_by_ids(campaign, ids)
    if not entries:
        raise ReviewError(_l("Please choose at least one entry."))
    for entry in entries:
        review_entry(entry, decision, reason, actor)
    db.session.flush()
    return len(entries)


# --- the lists staff review from --------------------------------------------------------------


def entry_filters(campaign: Campaign, status: str | None, search: str | None) -> list:
    """The WHERE conditions of the entry list, its groups and its CSV: status and search (the
    name as people write it, its normalised form, the meaning, or a reference code)."""
    conditions = [Entry.campaign_id == campaign.id]
    if status in {s.value for s in EntryStatus}:
        conditions.append(Entry.status == status)
    search = (search or "").strip()
    if search:
        pattern = like_pattern(search)
        conditions.append(
            sa.or_(
                Entry.normalised_name.like(like_pattern(normalise_name(search)), escape="\\"),
                Entry.proposed_name.like(pattern, escape="\\"),
                Entry.meaning.like(pattern, escape="\\"),
                Entry.reference_code == search.upper(),
            )
        )
    return conditions


def entries_page(
    campaign: Campaign, status: str | None, search: str | None, page: int, per_page: int = 50
):
    """One page of entries, newest first (uses the (campaign, status, created_at) index)."""
    query = (
        sa.select(Entry)
        .where(*entry_filters(campaign, status, search))
        .order_by(Entry.created_at.desc(), Entry.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, max_per_page=per_page, error_out=False)


def group_counts(campaign: Campaign, names: list[str]) -> dict[str, int]:
    """How many entries share each normalised name: one GROUP BY for a whole page."""
    if not names:
        return {}
    rows = db.session.execute(
        sa.select(Entry.normalised_name, sa.func.count())
        .where(Entry.campaign_id == campaign.id, Entry.normalised_name.in_(set(names)))
        .group_by(Entry.normalised_name)
    )
    return dict(rows.all())


@dataclass
class Group:
    normalised_name: str
    total: int
    approved: int
    pending: int
    rejected: int
    example: Entry | None = None


def _count_of(status: EntryStatus):
    return sa.func.sum(sa.case((Entry.status == status.value, 1), else_=0)).label(status.value)


def groups_page(
    campaign: Campaign, status: str | None, search: str | None, page: int, per_page: int = 50
) -> Page:
    """Entries grouped by normalised name, most proposed first: two queries per page."""
    grouped = (
        sa.select(
            Entry.normalised_name,
            sa.func.count().label("total"),
            _count_of(EntryStatus.APPROVED),
            _count_of(EntryStatus.PENDING),
            _count_of(EntryStatus.REJECTED),
            sa.func.min(Entry.id).label("first_id"),
        )
        .where(*entry_filters(campaign, status, search))
        .group_by(Entry.normalised_name)
    )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(grouped.subquery()))
    page = max(1, page)
    rows = db.session.execute(
        grouped.order_by(sa.text("total DESC"), Entry.normalised_name)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    examples = {
        entry.id: entry
        for entry in db.session.scalars(
            sa.select(Entry).where(Entry.id.in_([row.first_id for row in rows]))
        )
    }
    items = [
        Group(
            row.normalised_name,
            row.total,
            int(row.approved or 0),
            int(row.pending or 0),
            int(row.rejected or 0),
            examples.get(row.first_id),
        )
        for row in rows
    ]
    return Page(items, page, per_page, total or 0)


def status_counts(campaign: Campaign) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(Entry.status, sa.func.count())
        .where(Entry.campaign_id == campaign.id)
        .group_by(Entry.status)
    ).all()
    counts = {s.value: 0 for s in EntryStatus}
    counts.update(dict(rows))
    return counts


def entries_per_day(campaign: Campaign, days: int = 14, now: datetime | None = None) -> list:
    """(Bangkok date, count) for the last ``days`` days, oldest first, zeros included.

    One range count per Bangkok day on the (campaign, created_at) index: a fixed number of
    cheap queries whatever the number of entries, and portable SQL (no time-zone functions).
    """
    now = now or utcnow()
    today = now.astimezone(BANGKOK).date()
    first = today - timedelta(days=days - 1)
    result = []
    for i in range(days):
        day = first + timedelta(days=i)
        start = datetime.combine(day, time(0, 0), BANGKOK)
        count = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Entry)
            .where(
                Entry.campaign_id == campaign.id,
                Entry.created_at >= start,
                Entry.created_at < start + timedelta(days=1),
            )
        )
        result.append((day, count or 0))
    return result
