"""The contest's refusals: each a ``DomainError`` (app/domain.py) with its status."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.contest.models import Campaign
from app.contest.phases import Phase, phase
from app.domain import DomainError
from app.models import utcnow


class ContestError(DomainError):
    """A contest rule said no (app/domain.py)."""


class NotOpen(ContestError):
    """The campaign's phase does not allow this now (409 with the dates)."""

    status = 409
    template = "contest/not_open.html"

    def __init__(self, campaign: Campaign | None, message=None):
        super().__init__(message or _l("Name proposals are not open at the moment."))
        self.campaign = campaign

    def context(self) -> dict:
        current = phase(self.campaign, utcnow()) if self.campaign else None
        return {"campaign": self.campaign, "phase": current, "Phase": Phase}


class EntryRefused(ContestError):
    """An entry that breaks a rule (limit, duplicate, invalid text): shown on the form."""

    status = 400


class ScheduleError(ContestError):
    status = 400


class ShortlistLocked(ContestError):
    status = 409

    def __init__(self, message=None):
        super().__init__(
            message
            or _l("The shortlist is locked because voting has opened. It can no longer change.")
        )


class ShortlistError(ContestError):
    status = 400


class ReviewError(ContestError):
    status = 400


class DrawPoolLocked(ScheduleError):
    """The draw-pool setting changed after the seed source was announced for it."""

    status = 409

    def __init__(self):
        super().__init__(
            _l(
                "Who can win the prize can no longer change: the seed source of the prize "
                "draw has been announced for the current setting."
            )
        )
