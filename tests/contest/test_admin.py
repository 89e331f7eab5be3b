"""Admin screens of the contest: role checks on every route, review, CSV, shortlist."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEntry
from app.contest import services as svc
from app.contest.models import Entry, Finalist
from app.i18n import BANGKOK
from tests.contest.conftest import add_entry, campaign_form, log_in, make_campaign, move_to
from tests.factories import UserFactory
from tests.helpers import csrf_token

ADMIN_ONLY = {
    "admin.entries_csv",
    "admin.shortlist",
    "admin.finalist_edit",
    "admin.finalist_move",
    "admin.campaign",
    "admin.campaign_schedule",
    "admin.campaign_settings",
    "admin.campaign_extend",
    "admin.shortlist_clear",
    "admin.users",
    "admin.user_role",
    "admin.user_disable",
}


def _admin_rules(app):
    """Every /admin route, with sample ids filled in, and its methods."""
    rules = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin"):
            continue
        path = re.sub(r"<int:[^>]+>", "1", rule.rule)
        path = re.sub(r"<[^>]+>", "x", path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            rules.append((rule.endpoint, path, method))
    return rules


def _open(client, path, method, token):
    # A valid CSRF token, so that it is the role check (not CSRF) that answers a POST.
    data = {"csrf_token": token} if method == "POST" else None
    return client.open(path, method=method, data=data)


def test_every_admin_route_refuses_anonymous_and_citizens(app, client, db, citizen):
    rules = _admin_rules(app)
    assert len(rules) > 10
    token = csrf_token(client, "/login")
    for _endpoint, path, method in rules:
        response = _open(client, path, method, token)
        assert response.status_code == 302, (method, path)
        assert "/login" in response.headers["Location"]
    log_in(client, citizen)
    token = csrf_token(client, "/")
    for _endpoint, path, method in rules:
        assert _open(client, path, method, token).status_code == 403, (method, path)


def test_moderators_cannot_use_admin_only_contest_screens(app, client, db, moderator):
    make_campaign("submissions")
    log_in(client, moderator)
    token = csrf_token(client, "/")
    for endpoint, path, method in _admin_rules(app):
        if endpoint in ADMIN_ONLY:
            assert _open(client, path, method, token).status_code == 403, (method, path)
    assert client.get("/admin/entries").status_code == 200
    assert client.get("/admin/contest").status_code == 200


def test_screens_without_a_campaign_show_an_empty_state(client, db, admin):
    log_in(client, admin)
    for path in ("/admin/contest", "/admin/entries", "/admin/shortlist", "/admin/campaign"):
        response = client.get(path + "?lang=en")
        assert response.status_code == 200, path


def test_unknown_ids_are_404(client, db, admin):
    make_campaign("submissions")
    log_in(client, admin)
    assert client.get("/admin/entries/999").status_code == 404
    assert client.get("/admin/shortlist/999").status_code == 404


# --- review ---------------------------------------------------------------------------------


@pytest.fixture
def entries(db, campaign):
    people = [UserFactory(verified=True) for _ in range(3)]
    return [
        add_entry(campaign, people[0], "น้องไอซี"),
        add_entry(campaign, people[1], "น้อง ไอซี"),
        add_entry(campaign, people[2], "น้องไอซี\u200b", meaning='=HYPERLINK("http://x") หมายถึง'),
        add_entry(campaign, people[0], "ฟ้าใส", meaning="ท้องฟ้าที่แจ่มใสเหมือนบริการ"),
    ]


def test_list_filters_searches_and_counts_groups(client, db, moderator, entries):
    log_in(client, moderator)
    html = client.get("/admin/entries?lang=en").get_data(as_text=True)
    assert "proposed by 3 people" in html
    html = client.get("/admin/entries?lang=en&q=ท้องฟ้า").get_data(as_text=True)
    assert "ฟ้าใส" in html and "น้อง ไอซี" not in html
    html = client.get("/admin/entries?lang=en&view=groups").get_data(as_text=True)
    assert "proposed by 3 people" in html and "proposed by 1 person" in html
    html = client.get("/admin/entries?lang=en&status=approved").get_data(as_text=True)
    assert "No entries match" in html


def test_approve_one(client, db, moderator, entries):
    log_in(client, moderator)
    entry = entries[0]
    response = client.post(
        f"/admin/entries/{entry.id}/approve",
        data={"csrf_token": csrf_token(client, "/admin/entries")},
    )
    assert response.status_code == 302
    db.session.refresh(entry)
    assert entry.status == "approved" and entry.reviewed_by_id == moderator.id
    audit = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "entry.approve"))
    assert audit.before == {"status": "pending", "review_reason": None}
    assert audit.after["status"] == "approved"
    assert audit.actor_id == moderator.id


def test_approving_once_voting_has_opened_is_a_409_with_words_and_no_button(client, db, moderator):
    """It answered 500, and the Approve button was still shown then."""
    from tests.voting.conftest import make_voting_campaign

    campaign = make_voting_campaign("voting")
    entry = add_entry(campaign, UserFactory(verified=True), "ชื่อช้าไป")
    db.session.commit()
    log_in(client, moderator)
    token = csrf_token(client, "/admin/contest")
    response = client.post(f"/admin/entries/{entry.id}/approve?lang=en", data={"csrf_token": token})
    assert response.status_code == 409
    assert "Entries can no longer be reviewed: voting has opened." in response.get_data(
        as_text=True
    )
    db.session.refresh(entry)
    assert entry.status == "pending"
    html = client.get("/admin/entries?lang=en").get_data(as_text=True)
    assert "Entries can no longer be reviewed" in html
    assert f"/admin/entries/{entry.id}/approve" not in html and 'name="action"' not in html
    html = client.get(f"/admin/entries/{entry.id}?lang=en").get_data(as_text=True)
    assert 'name="decision"' not in html


def test_reject_needs_a_reason(client, db, moderator, entries):
    log_in(client, moderator)
    entry = entries[3]
    url = f"/admin/entries/{entry.id}"
    token = csrf_token(client, url)
    response = client.post(url, data={"csrf_token": token, "decision": "reject", "reason": ""})
    assert response.status_code == 400
    db.session.refresh(entry)
    assert entry.status == "pending"
    response = client.post(
        url, data={"csrf_token": token, "decision": "reject", "reason": "<b>ซ้ำ</b>"}
    )
    assert response.status_code == 302
    db.session.refresh(entry)
    assert entry.status == "rejected" and entry.review_reason == "<b>ซ้ำ</b>"
    # The citizen sees the reason, escaped.
    html = client.get("/admin/entries?lang=en").get_data(as_text=True)
    assert "&lt;b&gt;ซ้ำ&lt;/b&gt;" in html


def test_bulk_has_a_confirmation_step(client, db, moderator, entries):
    log_in(client, moderator)
    token = csrf_token(client, "/admin/entries")
    ids = [str(e.id) for e in entries[:3]]
    data = {"csrf_token": token, "entry": ids, "action": "reject", "reason": "ชื่อซ้ำ"}
    confirm = client.post("/admin/entries/bulk?lang=en", data=data)
    assert confirm.status_code == 200
    assert "Reject 3 entries?" in confirm.get_data(as_text=True)
    assert db.session.scalar(sa.select(Entry.status).where(Entry.id == entries[0].id)) == "pending"
    done = client.post("/admin/entries/bulk", data={**data, "confirm": "yes"})
    assert done.status_code == 302
    db.session.expire_all()
    assert {e.status for e in db.session.scalars(sa.select(Entry).where(Entry.id.in_(ids)))} == {
        "rejected"
    }
    actions = db.session.scalars(sa.select(AuditEntry.action)).all()
    assert actions.count("entry.reject") == 3


def test_bulk_reject_without_reason_changes_nothing(client, db, moderator, entries):
    log_in(client, moderator)
    data = {
        "csrf_token": csrf_token(client, "/admin/entries"),
        "entry": [str(entries[0].id)],
        "action": "reject",
        "reason": "",
        "confirm": "yes",
    }
    assert client.post("/admin/entries/bulk", data=data).status_code == 302
    db.session.refresh(entries[0])
    assert entries[0].status == "pending"


def test_bulk_ignores_entries_of_other_campaigns_and_junk_ids(db, moderator, entries, campaign):
    other = make_campaign("submissions")
    foreign = add_entry(other, UserFactory(verified=True), "ชื่ออื่น")
    chosen = svc.entries_by_ids(campaign, [entries[0].id, foreign.id])
    assert chosen == [entries[0]]


# --- CSV ------------------------------------------------------------------------------------


def test_csv_is_admin_only_utf8_bom_and_formula_safe(client, db, admin, moderator, entries):
    log_in(client, moderator)
    assert client.get("/admin/entries.csv").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    log_in(client, admin)
    response = client.get("/admin/entries.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == list(svc.CSV_HEADER)
    assert len(rows) == 5
    names = {row[1] for row in rows[1:]}
    assert "น้อง ไอซี" in names
    formula = next(row for row in rows if "HYPERLINK" in row[3])
    assert formula[3].startswith("'=")
    assert not any("@example.com" in cell for row in rows for cell in row)
    assert "entries.export" in db.session.scalars(sa.select(AuditEntry.action)).all()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM", "'@SUM"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("น้องไอซี", "น้องไอซี"),
        (None, ""),
    ],
)
def test_csv_cell(value, expected):
    assert svc.csv_cell(value) == expected


# --- shortlist ------------------------------------------------------------------------------


@pytest.fixture
def approved(db, campaign):
    people = [UserFactory(verified=True) for _ in range(3)]
    names = ["น้องไอซี", "ฟ้าใส", "มะลิ", "ดิจิ", "สะดวก", "ใจดี"]
    made = [add_entry(campaign, people[i % 3], n, status="approved") for i, n in enumerate(names)]
    add_entry(campaign, people[0], "ยังไม่ตรวจ")
    return made


def _shortlist(client, names):
    token = csrf_token(client, "/admin/shortlist")
    return client.post("/admin/shortlist?lang=en", data={"csrf_token": token, "name": names})


def test_shortlist_exactly_n_approved_names(client, db, admin, approved, campaign):
    log_in(client, admin)
    names = [e.normalised_name for e in approved]
    _shortlist(client, names[:4])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Finalist)) == 0
    _shortlist(client, [*names[:4], "ยังไม่ตรวจ"])  # not approved
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Finalist)) == 0
    assert _shortlist(client, names[:5]).status_code == 302
    finalists = svc.finalists(campaign)
    assert [f.normalised_name for f in finalists] == names[:5]
    assert finalists[0].display_name == "น้องไอซี"
    assert finalists[0].meaning == approved[0].meaning
    assert [f.position for f in finalists] == [1, 2, 3, 4, 5]
    audit = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "shortlist.set"))
    assert audit.after["names"] == names[:5]


def test_shortlist_change_keeps_edits(client, db, admin, approved, campaign):
    names = [e.normalised_name for e in approved]
    svc.set_shortlist(campaign, names[:5], admin)
    first = svc.finalists(campaign)[0]
    svc.update_finalist(first, "น้อง ไอซี", "ความหมายที่แก้ไขแล้วโดยผู้ดูแล", admin)
    svc.set_shortlist(campaign, [*names[:4], names[5]], admin)
    db.session.commit()
    result = svc.finalists(campaign)
    assert result[0].display_name == "น้อง ไอซี"
    assert result[-1].normalised_name == names[5]


def test_reorder_with_up_and_down(client, db, admin, approved, campaign):
    svc.set_shortlist(campaign, [e.normalised_name for e in approved[:5]], admin)
    db.session.commit()
    second = svc.finalists(campaign)[1]
    log_in(client, admin)
    token = csrf_token(client, "/admin/shortlist")
    client.post(f"/admin/shortlist/{second.id}/move", data={"csrf_token": token, "direction": "up"})
    db.session.expire_all()
    assert svc.finalists(campaign)[0].id == second.id
    client.post(f"/admin/shortlist/{second.id}/move", data={"csrf_token": token, "direction": "up"})
    db.session.expire_all()
    assert svc.finalists(campaign)[0].id == second.id  # already first: nothing moves


def test_finalist_edit_form(client, db, admin, approved, campaign):
    svc.set_shortlist(campaign, [e.normalised_name for e in approved[:5]], admin)
    db.session.commit()
    finalist = svc.finalists(campaign)[0]
    log_in(client, admin)
    url = f"/admin/shortlist/{finalist.id}"
    token = csrf_token(client, url)
    bad = client.post(url, data={"csrf_token": token, "display_name": "x", "meaning": "สั้น"})
    assert bad.status_code == 400
    good = client.post(
        url,
        data={"csrf_token": token, "display_name": "น้อง ไอซี", "meaning": "ความหมายใหม่ที่ยาวพอ"},
    )
    assert good.status_code == 302
    db.session.refresh(finalist)
    assert finalist.display_name == "น้อง ไอซี"


def test_shortlist_locks_when_voting_opens(client, db, admin, approved, campaign):
    names = [e.normalised_name for e in approved]
    svc.set_shortlist(campaign, names[:5], admin)
    db.session.commit()
    move_to(campaign, "voting")
    with pytest.raises(svc.ShortlistLocked):
        svc.set_shortlist(campaign, names[1:6], admin)
    finalist = svc.finalists(campaign)[0]
    with pytest.raises(svc.ShortlistLocked):
        svc.update_finalist(finalist, "อื่น", "ความหมายที่ยาวพอแล้ว", admin)
    with pytest.raises(svc.ShortlistLocked):
        svc.move_finalist(finalist, "down", admin)
    db.session.rollback()
    log_in(client, admin)
    token = csrf_token(client, "/admin/shortlist")
    response = client.post("/admin/shortlist", data={"csrf_token": token, "name": names[1:6]})
    assert response.status_code == 409
    response = client.post(
        f"/admin/shortlist/{finalist.id}/move", data={"csrf_token": token, "direction": "down"}
    )
    assert response.status_code == 409
    db.session.expire_all()
    assert [f.normalised_name for f in svc.finalists(campaign)] == names[:5]


def test_lock_instant_is_voting_open(db, admin, approved, campaign):
    svc.set_shortlist(campaign, [e.normalised_name for e in approved][:5], admin)
    assert not svc.shortlist_locked(campaign, campaign.voting_open - timedelta(microseconds=1))
    assert svc.shortlist_locked(campaign, campaign.voting_open)


# --- schedule and settings screens ----------------------------------------------------------


def test_admin_sets_the_schedule_on_the_screen(client, db, admin):
    log_in(client, admin)
    data = campaign_form(
        client,
        "schedule",
        submissions_open="2030-01-01T00:00",
        submissions_close="2030-01-31T23:59",
        voting_open="2030-01-15T00:00",
        voting_close="2030-02-28T23:59",
    )
    response = client.post("/admin/campaign/schedule?lang=en", data=data)
    assert response.status_code == 400
    assert "Voting cannot open before name proposals close." in response.get_data(as_text=True)
    data["schedule-voting_open"] = "2030-02-01T00:00"
    assert client.post("/admin/campaign/schedule", data=data).status_code == 302
    campaign = svc.current_campaign()
    assert campaign.voting_open.astimezone(BANGKOK).isoformat() == "2030-02-01T00:00:00+07:00"


def test_admin_changes_settings(client, db, admin, campaign):
    log_in(client, admin)
    data = campaign_form(
        client,
        "settings",
        title_th="ประกวด",
        title_en="Contest",
        entries_per_person="5",
        finalists_count="3",
        results_visibility="live",
        draw_pool="voters",
    )
    assert client.post("/admin/campaign/settings", data=data).status_code == 302
    db.session.refresh(campaign)
    assert (campaign.entries_per_person, campaign.finalists_count) == (5, 3)
    assert campaign.draw_pool == "voters"
    data["settings-entries_per_person"] = "99"
    assert client.post("/admin/campaign/settings", data=data).status_code == 400
