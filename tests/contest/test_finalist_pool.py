"""A finalist stays matched to the people who can win with it (issue 17 §5): its last approved
entry cannot be rejected (alone or in bulk), and a new display name must be the same name."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.contest import services as svc
from app.contest.models import Entry, Finalist
from tests.conftest import both_databases
from tests.contest.conftest import add_entry, log_in, make_campaign
from tests.factories import UserFactory
from tests.helpers import csrf_token

REJECT = svc.Decision.REJECT


@pytest.fixture
def shortlisted(db):
    """Two finalists: ฟ้าใส (two approved entries and a pending one) and มะลิ (one entry)."""
    campaign = make_campaign("submissions", finalists_count=2)
    admin = UserFactory(verified=True, role="admin")
    people = [UserFactory(verified=True) for _ in range(5)]
    entries = {
        "sky": add_entry(campaign, people[0], "ฟ้าใส", status="approved"),
        "sky2": add_entry(campaign, people[1], "ฟ้า ใส", status="approved"),
        "sky_pending": add_entry(campaign, people[2], "ฟ้าใส"),
        "jasmine": add_entry(campaign, people[3], "มะลิ", status="approved"),
        "spare": add_entry(campaign, people[4], "ใจดี", status="approved"),
    }
    svc.set_shortlist(campaign, ["ฟ้าใส", "มะลิ"], admin)
    db.session.commit()
    return campaign, admin, entries


def _status(db, entry) -> str:
    return db.session.scalar(sa.select(Entry.status).where(Entry.id == entry.id))


@both_databases
def test_a_finalists_last_approved_entry_cannot_be_rejected(db, shortlisted):
    campaign, admin, entries = shortlisted
    svc.review_entry(entries["sky_pending"], REJECT, "ซ้ำ", admin)  # not in the pool: fine
    svc.review_entry(entries["sky2"], REJECT, "ซ้ำ", admin)  # another approved one is left
    db.session.commit()
    with pytest.raises(svc.ReviewError) as refused:
        svc.review_entry(entries["sky"], REJECT, "ไม่เหมาะสม", admin)
    with force_locale("en"):
        assert "last approved entry of the finalist ฟ้าใส" in str(refused.value.message)
    db.session.rollback()
    assert _status(db, entries["sky"]) == "approved"
    # Off the shortlist first, then the entry can go.
    svc.set_shortlist(campaign, ["ใจดี", "มะลิ"], admin)
    svc.review_entry(entries["sky"], REJECT, "ไม่เหมาะสม", admin)
    db.session.commit()
    assert _status(db, entries["sky"]) == "rejected"


@both_databases
def test_bulk_rejection_cannot_strip_a_finalist_of_its_entries(db, shortlisted):
    campaign, admin, entries = shortlisted
    chosen = [entries["sky"].id, entries["sky2"].id, entries["spare"].id]
    assert [f.display_name for f in svc.finalists_stranded_by(campaign.id, [entries["sky"]])] == []
    stranded = svc.finalists_stranded_by(campaign.id, svc.entries_by_ids(campaign, chosen))
    assert [f.display_name for f in stranded] == ["ฟ้าใส"]
    with pytest.raises(svc.ReviewError):
        svc.bulk_review(campaign, chosen, REJECT, "ซ้ำ", admin)
    db.session.rollback()
    assert {_status(db, entries[k]) for k in ("sky", "sky2", "spare")} == {"approved"}


def test_the_review_screens_do_not_offer_what_the_rule_refuses(client, db, shortlisted):
    _campaign, admin, entries = shortlisted
    log_in(client, admin)
    page = client.get(f"/admin/entries/{entries['jasmine'].id}?lang=en").get_data(as_text=True)
    assert 'value="reject"' not in page and 'value="approve"' in page
    assert "This is the last approved entry of the finalist มะลิ" in page
    page = client.get(f"/admin/entries/{entries['sky'].id}?lang=en").get_data(as_text=True)
    assert 'value="reject"' in page  # ฟ้าใส has another approved entry
    token = csrf_token(client, f"/admin/entries/{entries['jasmine'].id}")
    # A hand-made rejection is refused with words.
    response = client.post(
        f"/admin/entries/{entries['jasmine'].id}?lang=en",
        data={"csrf_token": token, "decision": "reject", "reason": "ไม่เหมาะสม"},
    )
    assert response.status_code == 400
    assert "last approved entry of the finalist มะลิ" in response.get_data(as_text=True)
    # Bulk: the confirmation names the finalist and offers no button.
    response = client.post(
        "/admin/entries/bulk?lang=en",
        data={
            "csrf_token": token,
            "action": "reject",
            "reason": "ซ้ำ",
            "entry": [entries["jasmine"].id, entries["spare"].id],
        },
    )
    html = response.get_data(as_text=True)
    assert "These entries cannot all be rejected" in html and "มะลิ" in html
    assert "Yes, reject them" not in html
    assert _status(db, entries["jasmine"]) == "approved"


@both_databases
def test_a_finalist_cannot_be_renamed_to_another_name(db, shortlisted):
    campaign, admin, _entries = shortlisted
    finalist = svc.finalists(campaign)[0]
    with pytest.raises(svc.ShortlistError) as refused:
        svc.update_finalist(finalist, "อีกาฟ", "ความหมายที่ยาวพอแล้วครับ", admin)
    with force_locale("en"):
        assert "must be the same name" in str(refused.value.message)
    db.session.rollback()
    svc.update_finalist(finalist, "ฟ้า  ใส", "ความหมายที่ยาวพอแล้วครับ", admin)  # spacing only
    db.session.commit()
    stored = db.session.scalar(sa.select(Finalist).where(Finalist.id == finalist.id))
    assert stored.display_name == "ฟ้า ใส" and stored.normalised_name == "ฟ้าใส"


def test_the_rename_form_says_why_it_refuses(client, db, shortlisted):
    campaign, admin, _entries = shortlisted
    finalist = svc.finalists(campaign)[0]
    log_in(client, admin)
    url = f"/admin/shortlist/{finalist.id}"
    page = client.get(url + "?lang=en").get_data(as_text=True)
    assert "Only spaces and capitals may differ" in page
    token = csrf_token(client, url)
    response = client.post(
        url + "?lang=en",
        data={"csrf_token": token, "display_name": "อีกาฟ", "meaning": "ความหมายใหม่ที่ยาวพอ"},
    )
    assert response.status_code == 400
    assert "must be the same name as the entries" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Finalist, finalist.id).display_name == "ฟ้าใส"
