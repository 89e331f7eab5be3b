"""The home page's contest panel: phase in words, dates, countdown and one call to action."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from app.contest import services as svc
from app.models import utcnow
from app.voting.services import winning_name

#: One call to action per phase: (label, href); None when there is nothing to do.
_ACTIONS = {
    svc.Phase.UPCOMING: (_l("Read the contest rules"), "contest.rules"),
    svc.Phase.SUBMISSIONS: (_l("Propose a name"), "contest.submit"),
    svc.Phase.REVIEW: (_l("See my entries"), "contest.my_entries"),
    svc.Phase.VOTING: (_l("Vote now"), "voting.ballot"),
    svc.Phase.CLOSED: (_l("See the results"), "voting.results"),
    svc.Phase.ANNOUNCED: (_l("Meet %(name)s"), "voting.results"),
}


def panel_context() -> dict:
    campaign = svc.current_campaign()
    if campaign is None:
        return {"campaign": None}
    now = utcnow()
    current = svc.phase(campaign, now)
    label, target = _ACTIONS[current]
    mascot_name = winning_name(campaign) if current is svc.Phase.ANNOUNCED else None
    if mascot_name:
        label = label % {"name": mascot_name}
    elif current is svc.Phase.ANNOUNCED:
        label = _ACTIONS[svc.Phase.CLOSED][0]
    milestone = svc.next_milestone(campaign, now)
    return {
        "campaign": campaign,
        "phase": current,
        "phase_label": svc.PHASE_LABELS[current],
        "countdown": svc.countdown(campaign, now),
        "countdown_at": milestone.at if milestone else None,
        "countdown_template": str(milestone.label) if milestone else None,
        "units": svc.duration_units(),
        "action_label": label,
        "action_href": url_for(target),
        "mascot_name": mascot_name,
        "now": now,
        "Phase": svc.Phase,
    }
