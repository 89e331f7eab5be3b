"""The shortlist: which approved names are finalists, in what order and how they are shown,
when it is fixed (once voting opens), and the rule that keeps a finalist matched to the people
who can win with it (its approved entries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.accounts.models import User
from app.audit import services as audit
from app.contest.entries import meaning_problems
from app.contest.errors import ShortlistError, ShortlistLocked
from app.contest.models import NAME_MAX, Campaign, Entry, EntryStatus, Finalist
from app.contest.normalise import clean_name, normalise_name
from app.contest.phases import votes_exist, voting_has_opened
from app.extensions import db
from app.models import utcnow

FINALIST_FIELDS = ("display_name", "meaning", "position")


def shortlist_locked(campaign: Campaign, now: datetime) -> bool:
    """Locked from the moment voting opens (on a complete shortlist: until then it stays
    fixable, even past ``voting_open``), and for good once any vote exists (votes point at
    the finalists)."""
    return voting_has_opened(campaign, now) or votes_exist(campaign)


def _check_unlocked(campaign: Campaign, now: datetime | None) -> None:
    if shortlist_locked(campaign, now or utcnow()):
        raise ShortlistLocked()


def finalists(campaign: Campaign) -> list[Finalist]:
    """The finalists in the campaign's order: the shortlist, and the ballot voters see."""
    return list(
        db.session.scalars(
            sa.select(Finalist)
            .where(Finalist.campaign_id == campaign.id)
            .order_by(Finalist.position, Finalist.id)
        )
    )


@dataclass
class ApprovedName:
    normalised_name: str
    count: int
    first: Entry


def approved_names(campaign: Campaign, limit: int = 500) -> list[ApprovedName]:
    """Distinct approved names, most proposed first, each with its earliest approved entry."""
    rows = db.session.execute(
        sa.select(Entry.normalised_name, sa.func.count().label("n"), sa.func.min(Entry.id))
        .where(Entry.campaign_id == campaign.id, Entry.status == EntryStatus.APPROVED.value)
        .group_by(Entry.normalised_name)
        .order_by(sa.text("n DESC"), Entry.normalised_name)
        .limit(limit)
    ).all()
    firsts = {
        e.id: e
        for e in db.session.scalars(sa.select(Entry).where(Entry.id.in_([r[2] for r in rows])))
    }
    return [ApprovedName(r[0], r[1], firsts[r[2]]) for r in rows]


def set_shortlist(
    campaign: Campaign, names: list[str], actor: User, now: datetime | None = None
) -> list[Finalist]:
    """Make the shortlist exactly these approved normalised names (in this order); finalists
    kept from before keep their edited display name and meaning. Audited."""
    _check_unlocked(campaign, now)
    if (now or utcnow()) >= campaign.voting_close:
        raise ShortlistError(
            _l("Voting's dates have passed: set a new schedule before saving the shortlist.")
        )
    names = [n for n in dict.fromkeys(names) if n]
    if len(names) != campaign.finalists_count:
        raise ShortlistError(
            ngettext(
                "Please choose exactly %(num)d name.",
                "Please choose exactly %(num)d names.",
                campaign.finalists_count,
            )
        )
    firsts = _earliest_approved(campaign, names)
    if set(firsts) != set(names):
        raise ShortlistError(_l("Only approved names can be shortlisted."))
    current = finalists(campaign)
    before = {"names": [f.normalised_name for f in current]}
    ordered = _replace_finalists(campaign, current, names, firsts)
    audit.record(
        "shortlist.set",
        "campaign",
        campaign.id,
        before=before,
        after={"names": [f.normalised_name for f in ordered]},
        actor=actor,
    )
    return ordered


def _earliest_approved(campaign: Campaign, names: list[str]) -> dict[str, Entry]:
    """Each of these names' earliest approved entry (a name without one is left out)."""
    return {
        e.normalised_name: e
        for e in db.session.scalars(
            sa.select(Entry)
            .where(
                Entry.campaign_id == campaign.id,
                Entry.status == EntryStatus.APPROVED.value,
                Entry.normalised_name.in_(names),
            )
            .order_by(Entry.created_at.desc(), Entry.id.desc())
        )
    }  # newest first, so the dict keeps the earliest entry of each name


def _replace_finalists(
    campaign: Campaign, current: list[Finalist], names: list[str], firsts: dict[str, Entry]
) -> list[Finalist]:
    """Kept finalists first, in their order, then the new names; positions from 1."""
    kept = {f.normalised_name: f for f in current if f.normalised_name in names}
    for finalist in current:
        if finalist.normalised_name not in kept:
            db.session.delete(finalist)
    db.session.flush()
    ordered = [kept[n] for n in [f.normalised_name for f in current] if n in kept]
    ordered += [
        Finalist(
            campaign_id=campaign.id,
            normalised_name=name,
            display_name=firsts[name].proposed_name,
            meaning=firsts[name].meaning,
            position=0,
        )
        for name in names
        if name not in kept
    ]
    for position, finalist in enumerate(ordered, start=1):
        finalist.position = position
        db.session.add(finalist)
    db.session.flush()
    return ordered


def clear_shortlist(campaign: Campaign, actor: User, now: datetime | None = None) -> None:
    """Remove every finalist (before voting opens), so that the number of finalists can
    change; audited."""
    _check_unlocked(campaign, now)
    current = finalists(campaign)
    for finalist in current:
        db.session.delete(finalist)
    db.session.flush()
    audit.record(
        "shortlist.clear",
        "campaign",
        campaign.id,
        before={"names": [f.normalised_name for f in current]},
        after={"names": []},
        actor=actor,
    )


def update_finalist(
    finalist: Finalist, display_name: str, meaning: str, actor: User, now: datetime | None = None
) -> None:
    """Edit how a finalist is shown; its name stays the one its entries normalise to."""
    _check_unlocked(finalist.campaign, now)
    display_name = clean_name(display_name)
    if not 1 <= len(display_name) <= NAME_MAX * 2:
        raise ShortlistError(_l("Please enter a display name."))
    # The pool of the draw is the entries of the finalist's normalised name: a new spelling
    # may change spaces and capitals, never the name.
    if normalise_name(display_name) != finalist.normalised_name:
        raise ShortlistError(
            _l(
                "The display name must be the same name as the entries it was chosen from "
                "(only spaces and capitals may differ), since their entrants are who can "
                "win the prize."
            )
        )
    if meaning_problems(meaning):
        raise ShortlistError(meaning_problems(meaning)[0])
    before = audit.snapshot(finalist, FINALIST_FIELDS)
    finalist.display_name = display_name
    finalist.meaning = meaning.strip()
    db.session.flush()
    audit.record(
        "finalist.update",
        "finalist",
        finalist.id,
        before=before,
        after=audit.snapshot(finalist, FINALIST_FIELDS),
        actor=actor,
    )


def move_finalist(
    finalist: Finalist, direction: str, actor: User, now: datetime | None = None
) -> None:
    """Swap with the neighbour above ("up") or below ("down")."""
    _check_unlocked(finalist.campaign, now)
    ordered = finalists(finalist.campaign)
    before = {"order": [f.id for f in ordered]}
    index = ordered.index(finalist)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(ordered):
        return
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered, start=1):
        item.position = position
    db.session.flush()
    audit.record(
        "shortlist.reorder",
        "campaign",
        finalist.campaign_id,
        before=before,
        after={"order": [f.id for f in ordered]},
        actor=actor,
    )


# --- a finalist keeps at least one approved entry ---------------------------------------------


def finalist_held_by(entry: Entry, *, for_update: bool = False) -> Finalist | None:
    """The finalist this entry keeps on the shortlist: its name's last approved entry."""
    stranded = finalists_stranded_by(entry.campaign_id, [entry], for_update=for_update)
    return stranded[0] if stranded else None


def finalists_stranded_by(
    campaign_id: int, entries: list[Entry], *, for_update: bool = False
) -> list[Finalist]:
    """The finalists that rejecting all of ``entries`` would leave without an approved entry."""
    approved = [e for e in entries if e.status == EntryStatus.APPROVED.value]
    if not approved:
        return []
    query = sa.select(Finalist).where(
        Finalist.campaign_id == campaign_id,
        Finalist.normalised_name.in_({e.normalised_name for e in approved}),
    )
    # Two staff rejecting a finalist's last two entries at once: the second waits and counts.
    stranded = []
    for finalist in db.session.scalars(query.with_for_update() if for_update else query):
        left = db.session.scalar(
            sa.select(Entry.id)
            .where(
                Entry.campaign_id == campaign_id,
                Entry.normalised_name == finalist.normalised_name,
                Entry.status == EntryStatus.APPROVED.value,
                Entry.id.not_in([e.id for e in approved]),
            )
            .limit(1)
        )
        if left is None:
            stranded.append(finalist)
    return stranded
