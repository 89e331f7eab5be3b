"""The prize draw is announced in public before it is made (issue 17 §1, §2): from the moment
the seed source is announced, the source, its time and who can win stand on /results, /contest
and in the feed; the rules say from the start who can win; the draw-pool setting is then
locked."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.contest import services as contest
from app.contest.models import Campaign
from app.i18n import format_datetime
from app.voting import services as svc
from tests.conftest import both_databases
from tests.contest.conftest import log_in, make_campaign
from tests.factories import UserFactory
from tests.helpers import csrf_token, post_form
from tests.voting.conftest import make_voting_campaign

SOURCE = "Government Lottery, first prize of 16 Oct 2553"
ENTRANTS = "The prize is drawn among the citizens whose approved entry is the winning name."
VOTERS = "The prize is drawn among the citizens who voted for the winning name."
DELETED = "Anyone whose account has been deleted by the time of the draw is not in it"
ATOM = "{http://www.w3.org/2005/Atom}"


def _announce(campaign, source=SOURCE):
    draw = svc.announce_seed_source(campaign, source, UserFactory(verified=True, role="admin"))
    from app.extensions import db

    db.session.commit()
    return draw


@pytest.mark.parametrize("phase", ["voting", "closed"])
def test_an_announced_source_stands_on_results_and_contest_before_publication(client, db, phase):
    campaign = make_voting_campaign(phase, draw_pool="voters")
    before = client.get("/results?lang=en").get_data(as_text=True)  # now in the page cache
    assert SOURCE not in before
    draw = _announce(campaign)
    when = format_datetime(draw.announced_at, "en")
    for path in ("/results?lang=en", "/contest?lang=en"):
        html = client.get(path).get_data(as_text=True)
        assert SOURCE in html, path  # the cached /results was dropped by the announcement
        assert when in html and VOTERS in html, path
        assert "Prize draw: the seed source is announced" in html
    thai = client.get("/results?lang=th").get_data(as_text=True)
    assert SOURCE in thai and format_datetime(draw.announced_at, "th") in thai


def test_the_rules_say_who_can_win_from_the_setting_before_any_announcement(client, db):
    campaign = make_campaign("submissions")
    html = client.get("/contest?lang=en").get_data(as_text=True)
    assert ENTRANTS in html and DELETED in html and VOTERS not in html
    campaign.draw_pool = "voters"
    db.session.commit()
    html = client.get("/contest?lang=en").get_data(as_text=True)
    assert VOTERS in html and ENTRANTS not in html
    assert "Prize draw: the seed source is announced" not in html


def test_the_feed_carries_one_stable_entry_for_the_announcement(client, db):
    campaign = make_voting_campaign("voting")

    def announcement_entries():
        root = ET.fromstring(client.get("/feed.xml?lang=en").data)  # noqa: S314  (our own)
        return root, [
            e for e in root.findall(f"{ATOM}entry") if "prize-draw" in e.find(f"{ATOM}id").text
        ]

    assert announcement_entries()[1] == []
    draw = _announce(campaign)
    root, entries = announcement_entries()
    assert len(entries) == 1
    entry = entries[0]
    assert entry.find(f"{ATOM}id").text == f"http://localhost/results#prize-draw-{campaign.id}"
    assert entry.find(f"{ATOM}updated").text == draw.announced_at.isoformat()
    assert root.find(f"{ATOM}updated").text == draw.announced_at.isoformat()
    assert SOURCE in entry.find(f"{ATOM}summary").text
    assert ENTRANTS in entry.find(f"{ATOM}summary").text
    again = announcement_entries()[1][0]
    assert again.find(f"{ATOM}id").text == entry.find(f"{ATOM}id").text
    assert again.find(f"{ATOM}updated").text == entry.find(f"{ATOM}updated").text


def test_the_admin_is_told_where_the_source_stands_and_it_is_true(app, client, db):
    make_voting_campaign("voting")
    admin = UserFactory(verified=True, role="admin")
    log_in(client, admin)
    page = client.get("/admin/results?lang=en").get_data(as_text=True)
    assert "From then on the prize-draw setting of the campaign cannot change." in page
    response = post_form(
        client,
        "/admin/results/draw/source?lang=en",
        {"seed_source": SOURCE},
        page="/admin/results",
        follow_redirects=True,
    )
    assert "it now stands on the results page and the rules page" in response.get_data(as_text=True)
    anonymous = app.test_client()
    assert SOURCE in anonymous.get("/results").get_data(as_text=True)
    assert SOURCE in anonymous.get("/contest").get_data(as_text=True)


# --- §2: the draw-pool setting is locked once announced -------------------------------------


@both_databases
def test_the_draw_pool_setting_is_locked_once_a_source_is_announced(db):
    campaign = make_campaign("submissions")  # before voting: only the announcement locks it
    contest.update_settings(campaign, {"draw_pool": "voters"})
    db.session.commit()
    _announce(campaign)
    assert contest.draw_pool_locked(campaign)
    with pytest.raises(contest.DrawPoolLocked) as refused:
        contest.update_settings(campaign, {"draw_pool": "entrants"})
    with force_locale("en"):
        assert "can no longer change" in str(refused.value.message)
    db.session.rollback()
    # The same value, and every other setting, still save.
    contest.update_settings(campaign, {"draw_pool": "voters", "prize_en": "A tablet"})
    db.session.commit()
    stored = db.session.scalar(sa.select(Campaign).where(Campaign.id == campaign.id))
    assert stored.draw_pool == "voters" and stored.prize_en == "A tablet"
    assert svc.draws(campaign)[0].pool_kind == "voters"


def _settings(campaign, **changes):
    data = {
        "settings-title_th": campaign.title_th,
        "settings-title_en": campaign.title_en,
        "settings-rules_th": campaign.rules_th,
        "settings-rules_en": campaign.rules_en,
        "settings-prize_th": campaign.prize_th,
        "settings-prize_en": campaign.prize_en,
        "settings-entries_per_person": str(campaign.entries_per_person),
        "settings-finalists_count": str(campaign.finalists_count),
        "settings-results_visibility": campaign.results_visibility,
    }
    data.update(changes)
    return data


def test_the_settings_screen_shows_the_locked_field_and_why(client, db):
    campaign = make_campaign("submissions")
    admin = UserFactory(verified=True, role="admin")
    log_in(client, admin)
    page = client.get("/admin/campaign?lang=en").get_data(as_text=True)
    at = page.index('id="settings-draw_pool"')
    assert " disabled" not in page[page.rindex("<select", 0, at) : page.index(">", at)]
    assert "Locked: the seed source" not in page
    draw = _announce(campaign)
    page = client.get("/admin/campaign?lang=en").get_data(as_text=True)
    at = page.index('id="settings-draw_pool"')
    select = page[page.rindex("<select", 0, at) : page.index(">", at)]
    assert " disabled" in select
    when = format_datetime(draw.announced_at, "en")
    assert f"Locked: the seed source of the prize draw was announced on {when}" in page
    token = csrf_token(client, "/admin/campaign")
    # A browser does not send a disabled field: the other settings save, the pool stays.
    response = client.post(
        "/admin/campaign/settings",
        data={"csrf_token": token, **_settings(campaign, **{"settings-prize_en": "A tablet"})},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert campaign.prize_en == "A tablet" and campaign.draw_pool == "entrants"
    # A hand-made request that changes it is refused with words, and changes nothing.
    response = client.post(
        "/admin/campaign/settings?lang=en",
        data={"csrf_token": token, **_settings(campaign, **{"settings-draw_pool": "voters"})},
    )
    assert response.status_code == 400
    assert "Who can win the prize can no longer change" in response.get_data(as_text=True)
    db.session.expire_all()
    assert campaign.draw_pool == "entrants"
