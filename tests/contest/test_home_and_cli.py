"""The home page's contest panel and ``flask campaign schedule`` (``flask seed-demo``: test_demo.py)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.audit.models import AuditEntry
from app.contest import services as svc
from app.contest.models import Campaign
from app.i18n import BANGKOK
from tests.contest.conftest import make_campaign

CTA = {
    "upcoming": "/contest",
    "submissions": "/contest/submit",
    "review": "/contest/my-entries",
    "voting": "/vote",
    "closed": "/results",
}


def _h1s(html: str) -> list[str]:
    return re.findall(r"<h1[ >]", html)


def test_home_without_a_campaign_still_has_one_h1(client, db):
    html = client.get("/?lang=en").get_data(as_text=True)
    assert len(_h1s(html)) == 1
    assert "The contest dates will be announced here soon." in html


@pytest.mark.parametrize("phase", list(CTA))
def test_home_panel_per_phase(client, db, phase):
    campaign = make_campaign(phase)
    html = client.get("/?lang=en").get_data(as_text=True)
    assert len(_h1s(html)) == 1
    assert 'class="mascot-large"' in html
    with force_locale("en"):
        assert str(svc.PHASE_LABELS[svc.Phase(phase)]) in html
    assert re.search(rf'class="btn btn-primary btn-large" href="{re.escape(CTA[phase])}"', html)
    assert html.count("btn-large") == 1
    if phase != "closed":
        assert re.search(r'class="countdown"[^>]*>[^<]* in \d+ (day|hour|minute)', html)
    # Thai readers see the Buddhist Era year.
    thai = client.get("/?lang=th").get_data(as_text=True)
    assert str(campaign.voting_close.astimezone(BANGKOK).year + 543) in thai


def test_announced_campaign_points_to_results(client, db):
    campaign = make_campaign("closed")
    campaign.results_published_at = campaign.voting_close
    db.session.commit()
    html = client.get("/?lang=en").get_data(as_text=True)
    assert 'href="/results"' in html
    assert "The results are out" in html


def test_rules_page(client, db):
    make_campaign("submissions")
    response = client.get("/contest?lang=en")
    assert response.status_code == 200
    assert "up to 3 names" in response.get_data(as_text=True)


# --- flask campaign schedule ----------------------------------------------------------------


def test_schedule_creates_a_campaign_with_bangkok_dates(runner, db):
    result = runner.invoke(
        args=[
            "campaign",
            "schedule",
            "--submissions",
            "2040-08-01",
            "2040-08-31",
            "--voting",
            "2040-09-01",
            "2040-09-30T18:00",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Created campaign" in result.output
    campaign = db.session.scalar(sa.select(Campaign))
    assert campaign.submissions_open == datetime(2040, 8, 1, tzinfo=BANGKOK)
    # A date-only END is the whole of that day: until 00:00 the next day, excluded.
    assert campaign.submissions_close == datetime(2040, 9, 1, 0, 0, tzinfo=BANGKOK)
    assert campaign.voting_close == datetime(2040, 9, 30, 18, 0, tzinfo=BANGKOK)
    assert db.session.scalar(sa.select(AuditEntry.action)) == "campaign.schedule"


def test_schedule_updates_the_current_campaign(runner, db):
    make_campaign("submissions")
    result = runner.invoke(
        args=[
            "campaign",
            "schedule",
            "--submissions",
            "2030-01-01",
            "2030-01-31",
            "--voting",
            "2030-02-01",
            "2030-02-28",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Updated campaign" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Campaign)) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["2010-08-31", "2010-08-01", "2010-09-01", "2010-09-30"], "must close after they open"),
        (["2010-08-01", "2010-08-31", "2010-09-30", "2010-09-01"], "Voting must close after"),
        (["2010-08-01", "2010-09-02", "2010-09-01", "2010-09-30"], "cannot open before"),
        (["2010-08-01", "2010-08-31", "2010-08-31", "2010-09-30"], "cannot open before"),
        (["yesterday", "2010-08-31", "2010-09-01", "2010-09-30"], "is not a date"),
    ],
)
def test_schedule_errors_are_clear(runner, db, args, message):
    result = runner.invoke(
        args=["campaign", "schedule", "--submissions", args[0], args[1], "--voting", *args[2:]]
    )
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Campaign)) == 0
