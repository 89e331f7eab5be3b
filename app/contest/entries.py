"""Name entries: what a name and its meaning may be, when and how often a person may propose
one (the per-person limit, keyed on the person, not the account), reference codes, double
submits, and a person's own entries (their page, data export, account deletion)."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app import codes
from app.accounts.identity import person_key
from app.accounts.models import User
from app.contest.errors import EntryRefused, NotOpen
from app.contest.models import (
    MEANING_MAX,
    MEANING_MIN,
    NAME_MAX,
    NAME_MIN,
    Campaign,
    Entry,
    EntryStatus,
)
from app.contest.normalise import clean_name, normalise_name
from app.contest.phases import Phase, phase
from app.database import begin_write
from app.extensions import db
from app.links import has_link
from app.models import utcnow

# --- what a name is made of -------------------------------------------------------------------

# Thai letters and marks (not the currency sign or ๏/๚/๛), Thai digits, Latin letters (with
# accents), digits, space and hyphen. Each character must also be a letter, mark, digit, space
# or hyphen: × and ÷ sit among the accented Latin letters but are symbols.
_NAME_CHARS = re.compile("[\u0e01-\u0e3a\u0e40-\u0e4e\u0e50-\u0e59A-Za-z\u00c0-\u024f0-9 -]+")
# A name has at least one of these: a Thai consonant, a Latin letter or a digit.
_NAME_CORE = re.compile("[\u0e01-\u0e2e\u0e50-\u0e59A-Za-z\u00c0-\u024f0-9]")
_REPEAT_MARK = "\u0e46"  # ๆ (mai yamok) repeats the word before it


def _is_name_char(ch: str) -> bool:
    return ch in " -" or unicodedata.category(ch)[0] in "LMN"


def _letters(normalised: str) -> list[str]:
    """The letters and digits of a name, without marks and without ``ๆ``."""
    return [ch for ch in normalised if unicodedata.category(ch)[0] in "LN" and ch != _REPEAT_MARK]


def name_problems(raw: str) -> list[str]:
    """Why a proposed name cannot be accepted (translated); empty when it can.

    Invisible characters (zero-width, soft hyphen) are dropped first. A name holds no link
    (``has_link``: "Awww" is a name, "www.x" is not); only Thai or Latin letters, digits,
    spaces and hyphens; at least two letters or digits besides ``ๆ`` and the marks, one of
    them a Thai consonant, a Latin letter or a digit ("ๆๆ" is not a name); and 2 to 40
    characters in its normalised form.
    """
    shown = clean_name(raw or "")
    normalised = normalise_name(raw or "")
    if not normalised:
        return [str(_l("Please enter the name you propose."))]
    if has_link(shown):
        return [str(_l("A name cannot contain a link or a web address."))]
    if not _NAME_CHARS.fullmatch(shown) or not all(_is_name_char(ch) for ch in shown):
        return [
            str(_l("Use only Thai or Latin letters, digits, spaces and hyphens (-) in the name."))
        ]
    letters = _letters(normalised)
    if len(letters) < 2 or not any(_NAME_CORE.match(ch) for ch in letters):
        return [
            str(
                _l(
                    "A name needs at least two letters or digits; the repetition mark ๆ and "
                    "the marks above and below a letter do not count."
                )
            )
        ]
    if not NAME_MIN <= len(normalised) <= NAME_MAX:
        return [
            str(
                _l(
                    "A name has between %(min)d and %(max)d characters "
                    "(not counting spaces and hyphens).",
                    min=NAME_MIN,
                    max=NAME_MAX,
                )
            )
        ]
    return []


def meaning_problems(raw: str) -> list[str]:
    text = (raw or "").strip()
    if not MEANING_MIN <= len(text) <= MEANING_MAX:
        return [
            str(
                _l(
                    "Describe the meaning in %(min)d to %(max)d characters.",
                    min=MEANING_MIN,
                    max=MEANING_MAX,
                )
            )
        ]
    return []


# --- who may propose, and how often -----------------------------------------------------------


def require_submissions_open(campaign: Campaign | None, now: datetime | None = None) -> None:
    """Raise NotOpen (409, the page with the dates) unless name proposals are open now."""
    if campaign is None or phase(campaign, now or utcnow()) is not Phase.SUBMISSIONS:
        raise NotOpen(campaign)


def entry_limit_rule(campaign: Campaign) -> str:
    """The per-person limit as the rules page states it. Every entry counts toward it, a
    rejected one too (``submit_entry`` counts all of a person's entries): a rejection is not a
    new try, so nobody can wear the reviewers down by proposing again and again."""
    return str(
        ngettext(
            "Each person may propose up to %(num)d name, each with its meaning. Every name "
            "proposed counts toward this limit, also a name that does not pass review.",
            "Each person may propose up to %(num)d names, each with its meaning. Every name "
            "proposed counts toward this limit, also a name that does not pass review.",
            campaign.entries_per_person,
        )
    )


def owner_key(user: User) -> str:
    """A keyed hash of the person's canonical e-mail: it outlives the account, so deleting the
    account and registering again with the same inbox (or a ``+tag`` of it) does not reset the
    per-person rules."""
    return person_key(user.email, current_app.config["SECRET_KEY"], purpose="contest-entry-owner")


def entries_used(campaign: Campaign, user: User) -> int:
    """How many of the campaign's entries count toward this person's limit: the count
    ``submit_entry`` checks (by person, so an earlier account's entries count too)."""
    return db.session.scalar(
        sa.select(sa.func.count(Entry.id)).where(
            Entry.campaign_id == campaign.id, Entry.owner_key == owner_key(user)
        )
    )


# --- submitting -------------------------------------------------------------------------------

_CODE_LENGTH = 6


def reference_code(campaign: Campaign) -> str:
    """``MN-2569-7KQ2XD``: the campaign's Buddhist-Era year and a random part (32⁶ values),
    so a code tells nobody how many entries exist."""
    return codes.reference_code("MN", _CODE_LENGTH, year_of=campaign.submissions_open)


def new_submission_token() -> str:
    return secrets.token_hex(16)


@dataclass
class Submitted:
    entry: Entry
    repeated: bool  # True when this was a second submit of the same form


_FORM_EXPIRED = _l("This form has expired. Please reload the page and try again.")


def _entry_by_token(token: str) -> Entry | None:
    return db.session.scalar(sa.select(Entry).where(Entry.submission_token == token))


def _check_limits(campaign: Campaign, mine: list, normalised: str) -> None:
    """One person: each name once, and at most ``entries_per_person`` entries."""
    if any(row.normalised_name == normalised for row in mine):
        raise EntryRefused(
            _l("You have already proposed this name. Please propose a different one.")
        )
    if len(mine) >= campaign.entries_per_person:
        raise EntryRefused(
            ngettext(
                "You have already proposed %(num)d name, the most allowed per person.",
                "You have already proposed %(num)d names, the most allowed per person.",
                campaign.entries_per_person,
            )
        )


def submit_entry(
    campaign: Campaign,
    user: User,
    proposed_name: str,
    meaning: str,
    token: str,
    now: datetime | None = None,
) -> Submitted:
    """Add a name entry, or raise NotOpen/EntryRefused.

    The same form sent twice (same ``token``) gives back the first entry. The unique keys on
    (campaign, owner, normalised name) and (campaign, owner, seq) hold the rules under
    concurrency: the loser of a race retries and then meets the rule in Python.
    """
    begin_write()  # SQLite: parallel submits queue for the lock instead of failing
    require_submissions_open(campaign, now or utcnow())
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        raise EntryRefused(_FORM_EXPIRED)
    key = owner_key(user)
    problems = name_problems(proposed_name) + meaning_problems(meaning)
    if problems:
        raise EntryRefused(problems[0])
    for _attempt in range(6):
        mine = db.session.execute(
            sa.select(Entry.seq, Entry.normalised_name).where(
                Entry.campaign_id == campaign.id, Entry.owner_key == key
            )
        ).all()
        # Looked up after ``mine``: if a parallel copy of this form committed in between, it
        # is found here rather than mistaken for a duplicate name.
        earlier = _entry_by_token(token)
        if earlier is not None:
            if earlier.owner_key != key or earlier.campaign_id != campaign.id:
                raise EntryRefused(_FORM_EXPIRED)
            return Submitted(earlier, repeated=True)
        _check_limits(campaign, mine, normalise_name(proposed_name))
        entry = _new_entry(campaign, user, key, mine, proposed_name, meaning, token)
        try:
            with db.session.begin_nested():
                db.session.add(entry)
        except sa.exc.IntegrityError:
            continue  # a parallel submit (or a code collision) won: look again
        return Submitted(entry, repeated=False)
    raise EntryRefused(_l("We could not save your entry just now. Please try again."))


def _new_entry(campaign, user, key, mine, proposed_name, meaning, token) -> Entry:
    return Entry(
        campaign_id=campaign.id,
        user_id=user.id,
        owner_key=key,
        seq=max((row.seq for row in mine), default=0) + 1,
        reference_code=reference_code(campaign),
        submission_token=token,
        proposed_name=clean_name(proposed_name),
        normalised_name=normalise_name(proposed_name),
        meaning=meaning.strip(),
        status=EntryStatus.PENDING.value,
    )


# --- a person's own entries -------------------------------------------------------------------


def entries_of(user: User, campaign: Campaign | None = None) -> list[Entry]:
    query = sa.select(Entry).where(Entry.user_id == user.id)
    if campaign is not None:
        query = query.where(Entry.campaign_id == campaign.id)
    return list(db.session.scalars(query.order_by(Entry.created_at.desc(), Entry.id.desc())))


def owned_entry(code: str, user: User) -> Entry | None:
    """The entry with this reference code if ``user`` made it; None for anyone else."""
    return db.session.scalar(
        sa.select(Entry).where(Entry.reference_code == code, Entry.user_id == user.id)
    )


def unlink_entries(user: User) -> int:
    """Account deletion: keep the entries for the contest's integrity, drop the link."""
    result = db.session.execute(
        sa.update(Entry).where(Entry.user_id == user.id).values(user_id=None)
    )
    db.session.execute(
        sa.update(Entry).where(Entry.reviewed_by_id == user.id).values(reviewed_by_id=None)
    )
    return result.rowcount or 0


def export_entries(user: User) -> dict:
    """The person's part of the personal-data export."""
    return {
        "contest_entries": [
            {
                "reference_code": entry.reference_code,
                "proposed_name": entry.proposed_name,
                "meaning": entry.meaning,
                "status": entry.status,
                "review_reason": entry.review_reason,
                "submitted_at": entry.created_at.isoformat(),
            }
            for entry in entries_of(user)
        ]
    }
