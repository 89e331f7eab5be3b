"""The home page's contest panel: phase in words, dates, countdown and one call to action.

It lives with voting, which builds on the contest: once results are announced it names the
winning name, and the contest must not import voting."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from app.contest.campaigns import current_campaign
from app.contest.phases import Phase, countdown, next_milestone, phase
from app.i18n import PHASE_LABELS, duration_units
from app.models import utcnow
from app.voting.results import winning_name

#: One call to action per phase: (label, href); None when there is nothing to do.
_ACTIONS = {
    Phase.UPCOMING: (_l("Read the contest rules"), "contest.rules"),
    Phase.SUBMISSIONS: (_l("Propose a name"), "contest.submit"),
    Phase.REVIEW: (_l("See my entries"), "contest.my_entries"),
    Phase.VOTING: (_l("Vote now"), "voting.ballot"),
    Phase.CLOSED: (_l("See the results"), "voting.results"),
    Phase.ANNOUNCED: (_l("Meet %(name)s"), "voting.results"),
}


def panel_context() -> dict:
    campaign = current_campaign()
    if campaign is None:
        return {"campaign": None}
    now = utcnow()
    current = phase(campaign, now)
    label, target = _ACTIONS[current]
    mascot_name = winning_name(campaign) if current is Phase.ANNOUNCED else None
    if mascot_name:
        label = label % {"name": mascot_name}
    elif current is Phase.ANNOUNCED:
        label = _ACTIONS[Phase.CLOSED][0]
    milestone = next_milestone(campaign, now)
    return {
        "campaign": campaign,
        "phase": current,
        "phase_label": PHASE_LABELS[current],
        "countdown": countdown(campaign, now),
        "countdown_at": milestone.at if milestone else None,
        "countdown_template": str(milestone.label) if milestone else None,
        "units": duration_units(),
        "action_label": label,
        "action_href": url_for(target),
        "mascot_name": mascot_name,
        "now": now,
        "Phase": Phase,
    }
