"""Name entries: who may enter, when, the limits, duplicates, double submits, privacy."""

from __future__ import annotations

import re
import threading

import pytest
import sqlalchemy as sa
from flask_babel import gettext

from app.accounts import services as accounts
from app.contest import entries
from app.contest import services as svc
from app.contest.models import Entry
from app.i18n import BANGKOK
from tests.conftest import both_databases
from tests.contest.conftest import add_entry, log_in, make_campaign, move_to
from tests.factories import PASSWORD, UserFactory
from tests.helpers import csrf_token, login

MEANING = "ชื่อนี้หมายถึงความใส่ใจต่อประชาชนทุกคน"
CODE = re.compile(r"MN-\d{4}-[A-Z2-9]{6}")


def _token(client, url="/contest/submit") -> dict:
    html = client.get(url).get_data(as_text=True)
    fields = dict(
        re.findall(r'name="(csrf_token|submission_token)" type="hidden" value="([^"]*)"', html)
    )
    assert "csrf_token" in fields and "submission_token" in fields, html[:2000]
    return fields


def _submit(client, name, meaning=MEANING, accept="y", fields=None):
    data = dict(fields or _token(client))
    data.update({"proposed_name": name, "meaning": meaning})
    if accept:
        data["accept_rules"] = accept
    return client.post("/contest/submit?lang=en", data=data)


def _entries(db):
    return db.session.scalars(sa.select(Entry).order_by(Entry.id)).all()


# --- who and when ---------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, campaign):
    response = client.get("/contest/submit")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_unverified_citizen_is_told_to_verify(client, db, campaign):
    user = UserFactory()
    login(client, user.email, PASSWORD)
    assert client.get("/contest/submit").status_code == 403


@pytest.mark.parametrize("phase", ["upcoming", "review", "voting", "closed"])
def test_outside_the_window_a_friendly_409_with_dates(client, db, citizen, phase):
    campaign = make_campaign(phase)
    log_in(client, citizen)
    response = client.get("/contest/submit?lang=th")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    be_year = campaign.submissions_close.year + 543
    assert str(be_year) in html  # Buddhist Era in Thai
    response = client.get("/contest/submit?lang=en")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert str(campaign.submissions_close.year) in html
    assert "Name proposals are not open" in html


def test_no_campaign_at_all_is_409_not_500(client, citizen):
    log_in(client, citizen)
    assert client.get("/contest/submit").status_code == 409


def test_a_post_outside_the_window_saves_nothing(client, db, citizen, campaign):
    log_in(client, citizen)
    fields = _token(client)
    move_to(campaign, "review")
    response = _submit(client, "น้องไอซี", fields=fields)
    assert response.status_code == 409
    assert _entries(db) == []


# --- the happy path -------------------------------------------------------------------------


def test_submit_redirects_to_a_confirmation_with_a_reference_code(client, db, citizen, campaign):
    log_in(client, citizen)
    response = _submit(client, "  น้อง\u200bไอซี ")
    assert response.status_code == 302
    (entry,) = _entries(db)
    assert response.headers["Location"].endswith(f"/contest/entries/{entry.reference_code}")
    assert CODE.fullmatch(entry.reference_code)
    year = campaign.submissions_open.astimezone(BANGKOK).year + 543
    assert entry.reference_code.startswith(f"MN-{year}-")
    assert entry.proposed_name == "น้องไอซี"
    assert entry.normalised_name == "น้องไอซี"
    assert entry.status == "pending"
    assert entry.user_id == citizen.id and entry.seq == 1
    page = client.get(response.headers["Location"] + "?lang=en")
    assert page.status_code == 200
    assert entry.reference_code in page.get_data(as_text=True)


def test_confirmation_is_only_for_the_owner(client, db, citizen, campaign):
    entry = add_entry(campaign, citizen, "น้องไอซี")
    other = UserFactory(verified=True)
    log_in(client, other)
    assert client.get(f"/contest/entries/{entry.reference_code}").status_code == 404
    assert client.get("/contest/entries/MN-2569-XXXXXX").status_code == 404


def test_my_entries_shows_status_and_reason(client, db, citizen, campaign):
    add_entry(campaign, citizen, "น้องไอซี", status="approved")
    add_entry(campaign, citizen, "ขายของถูก", status="rejected", reason="เป็นโฆษณา")
    add_entry(campaign, citizen, "ฟ้าใส")
    other = UserFactory(verified=True)
    add_entry(campaign, other, "ของคนอื่น")
    log_in(client, citizen)
    html = client.get("/contest/my-entries?lang=en").get_data(as_text=True)
    assert "Approved" in html and "Rejected" in html and "Waiting for review" in html
    assert "เป็นโฆษณา" in html
    assert "ของคนอื่น" not in html


def test_my_entries_empty_state(client, citizen, campaign):
    log_in(client, citizen)
    html = client.get("/contest/my-entries?lang=en").get_data(as_text=True)
    assert "You have not proposed a name yet" in html


# --- the rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "ก",  # too short
        "ก" * 41,  # too long
        "x" * 5000,  # oversize
        "http://spam.example",
        "www.spam",
        "A×B",  # × and ÷ are symbols, not letters
        "ก÷ข",
        "ๆๆ",  # the repetition mark alone is not a name
        "ะะ",  # nor vowels without a consonant
        "---",
        "<script>alert(1)</script>",
        "ชื่อ!",
        "name.com",
        "\u200b\u200b",
    ],
)
def test_bad_names_are_refused_with_a_message(client, db, citizen, campaign, name):
    log_in(client, citizen)
    response = _submit(client, name)
    assert response.status_code == 400
    assert _entries(db) == []
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_forty_characters_after_normalisation_is_allowed(client, db, citizen, campaign):
    log_in(client, citizen)
    name = "ก" * 20 + " \u200b " + "ข" * 20  # 40 characters once the spaces are gone
    assert _submit(client, name).status_code == 302


@pytest.mark.parametrize("meaning", ["สั้นไป", "x" * 501, ""])
def test_meaning_length(client, db, citizen, campaign, meaning):
    log_in(client, citizen)
    assert _submit(client, "น้องไอซี", meaning=meaning).status_code == 400
    assert _entries(db) == []


def test_html_in_the_meaning_is_shown_escaped(client, db, citizen, campaign):
    log_in(client, citizen)
    response = _submit(client, "น้องไอซี", meaning="<b>bold</b> <script>x()</script> meaning")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>x()</script>" not in html
    assert "&lt;script&gt;" in html


def test_the_rules_box_must_be_ticked(client, db, citizen, campaign):
    log_in(client, citizen)
    assert _submit(client, "น้องไอซี", accept=None).status_code == 400
    assert _entries(db) == []


def test_stale_csrf_is_400(client, db, citizen, campaign):
    log_in(client, citizen)
    fields = _token(client)
    fields["csrf_token"] = "stale"
    assert _submit(client, "น้องไอซี", fields=fields).status_code == 400
    assert _entries(db) == []


@pytest.mark.parametrize("variant", ["น้อง ไอซี", "น้องไอซี\u200b", "น้้องไอซี"])
def test_the_same_person_cannot_enter_the_same_name_twice(client, db, citizen, campaign, variant):
    log_in(client, citizen)
    assert _submit(client, "น้องไอซี").status_code == 302
    response = _submit(client, variant)
    assert response.status_code == 400
    assert "already proposed this name" in response.get_data(as_text=True)
    assert len(_entries(db)) == 1


@pytest.mark.parametrize(
    ("name", "shown"),
    [("Awww", "Awww"), ("ไอ\u00adซี", "ไอซี"), ("นกๆ", "นกๆ"), ("e-Jai ๑", "e-Jai ๑")],
)
def test_names_that_look_like_links_or_hold_invisible_characters(
    db, citizen, campaign, name, shown
):
    # "Awww" is a name, not a link; the soft hyphen is invisible, dropped, never refused.
    assert svc.name_problems(name) == []
    assert add_entry(campaign, citizen, name).proposed_name == shown


@both_databases
@pytest.mark.parametrize(
    ("first", "again"),
    [
        ("ไอซี1", "ไอซี๑"),
        ("น้ิว", "นิ้ว"),
        ("นิ้ิว", "นิ้ว"),
        ("เเอ", "แอ"),
        ("ไอ\u00adซี", "ไอซี"),
        ("e-Jai", "eJai"),
        ("e Jai", "E-JAI"),
    ],
)
def test_look_alike_names_are_one_name_for_one_person(app, db, backend, first, again):
    campaign = make_campaign("submissions")
    person, other = UserFactory(verified=True), UserFactory(verified=True)
    add_entry(campaign, person, first)
    with pytest.raises(svc.EntryRefused) as refused:
        add_entry(campaign, person, again)
    assert str(refused.value) == gettext(
        "You have already proposed this name. Please propose a different one."
    )
    db.session.rollback()
    add_entry(campaign, other, again)  # another person may: the two are grouped as one name
    assert svc.group_counts(campaign, [svc.normalise_name(first)]) == {svc.normalise_name(again): 2}


def test_different_people_may_propose_the_same_name(db, citizen, campaign):
    add_entry(campaign, citizen, "น้องไอซี")
    add_entry(campaign, UserFactory(verified=True), "น้อง ไอซี")
    assert svc.group_counts(campaign, ["น้องไอซี"]) == {"น้องไอซี": 2}


def test_at_most_n_entries_per_person(client, db, citizen, campaign):
    log_in(client, citizen)
    for name in ("หนึ่งชื่อ", "สองชื่อ", "สามชื่อ"):
        assert _submit(client, name).status_code == 302
    html = client.get("/contest/submit?lang=en").get_data(as_text=True)
    assert "as many names as the rules allow" in html
    # A hand-made post is refused by the service too.
    fields = {"csrf_token": csrf_token(client, "/contest/my-entries"), "submission_token": "a" * 32}
    response = _submit(client, "สี่ชื่อ", fields=fields)
    assert response.status_code == 400
    assert "as many names as the rules allow" in response.get_data(as_text=True)
    assert len(_entries(db)) == 3


def test_the_limit_follows_the_campaign_setting(client, db, citizen):
    campaign = make_campaign("submissions", entries_per_person=1)
    add_entry(campaign, citizen, "หนึ่งชื่อ")
    with pytest.raises(svc.EntryRefused):
        svc.submit_entry(campaign, citizen, "สองชื่อ", MEANING, "b" * 32)


@both_databases
def test_rejected_entries_count_toward_the_limit_and_the_rules_say_so(app, db, backend, client):
    # Rule: every entry counts toward the per-person limit, a rejected one too.
    campaign = make_campaign("submissions", entries_per_person=2)
    person = UserFactory(verified=True)
    add_entry(campaign, person, "หนึ่งชื่อ", status="rejected")
    add_entry(campaign, person, "สองชื่อ")
    with pytest.raises(svc.EntryRefused):
        add_entry(campaign, person, "สามชื่อ")
    html = client.get("/contest?lang=en").get_data(as_text=True)
    assert "Every name proposed counts toward this limit, also a name that does not pass" in html
    assert "spaces, hyphens, upper and lower case" in html


def test_double_submit_of_one_form_makes_one_entry(client, db, citizen, campaign):
    log_in(client, citizen)
    fields = _token(client)
    first = _submit(client, "น้องไอซี", fields=fields)
    second = _submit(client, "น้องไอซี", fields=fields)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert len(_entries(db)) == 1


def test_someone_elses_form_token_is_refused(db, citizen, campaign):
    entry = add_entry(campaign, citizen, "น้องไอซี")
    other = UserFactory(verified=True)
    with pytest.raises(svc.EntryRefused):
        svc.submit_entry(campaign, other, "อีกชื่อหนึ่ง", MEANING, entry.submission_token)


def test_reference_codes_retry_on_collision(db, citizen, campaign, monkeypatch):
    first = add_entry(campaign, citizen, "น้องไอซี")
    codes = iter([first.reference_code, first.reference_code, "MN-2569-ABCDEF"])
    monkeypatch.setattr(entries, "reference_code", lambda campaign: next(codes))
    second = add_entry(campaign, citizen, "ฟ้าใส")
    assert second.reference_code == "MN-2569-ABCDEF"


def test_entries_are_rate_limited_per_ip(app, client, db, citizen, campaign):
    app.config["RATELIMIT_ENTRY"] = "2 per hour"
    log_in(client, citizen)
    assert _submit(client, "หนึ่งชื่อ").status_code == 302
    assert _submit(client, "สองชื่อ").status_code == 302
    assert _submit(client, "สามชื่อ").status_code == 429
    assert len(_entries(db)) == 2


# --- concurrency ----------------------------------------------------------------------------


def _parallel_posts(app, user, payloads):
    """Log in one client per payload, then send all the posts at the same moment."""
    clients = []
    for payload in payloads:
        client = app.test_client()
        log_in(client, user)
        fields = _token(client)
        if "submission_token" in payload:
            fields["submission_token"] = payload["submission_token"]
        clients.append((client, {**fields, **payload, "accept_rules": "y"}))
    barrier = threading.Barrier(len(clients))
    statuses = []

    def post(client, data):
        barrier.wait()
        statuses.append(client.post("/contest/submit", data=data).status_code)

    threads = [threading.Thread(target=post, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@both_databases
def test_parallel_submits_cannot_pass_the_limit(app, db, backend):
    campaign = make_campaign("submissions")
    user = UserFactory(verified=True)
    payloads = [{"proposed_name": f"ชื่อที่{n}", "meaning": MEANING} for n in "กขคงจฉ"]
    statuses = _parallel_posts(app, user, payloads)
    db.session.commit()
    count = db.session.scalar(
        sa.select(sa.func.count()).select_from(Entry).where(Entry.campaign_id == campaign.id)
    )
    assert count == 3
    assert sorted(statuses) == [302, 302, 302, 400, 400, 400]


@both_databases
def test_parallel_double_submit_makes_one_entry(app, db, backend):
    make_campaign("submissions")
    user = UserFactory(verified=True)
    token = svc.new_submission_token()
    payloads = [
        {"proposed_name": "น้องไอซี", "meaning": MEANING, "submission_token": token} for _ in range(4)
    ]
    statuses = _parallel_posts(app, user, payloads)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Entry)) == 1
    assert statuses == [302] * 4


# --- account deletion and data export -------------------------------------------------------


def test_account_deletion_keeps_entries_but_unlinks_them(app, db, citizen, campaign):
    entry = add_entry(campaign, citizen, "น้องไอซี")
    with app.test_request_context():
        accounts.delete_account(citizen)
    db.session.commit()
    db.session.refresh(entry)
    assert entry.user_id is None
    assert entry.owner_key  # the per-person rules still hold for that address


def test_registering_again_does_not_reset_the_limit(app, db, campaign):
    first = UserFactory(verified=True, email="again@example.com")
    for name in ("หนึ่งชื่อ", "สองชื่อ", "สามชื่อ"):
        add_entry(campaign, first, name)
    with app.test_request_context():
        accounts.delete_account(first)
    db.session.commit()
    again = UserFactory(verified=True, email="again@example.com")
    with pytest.raises(svc.EntryRefused):
        svc.submit_entry(campaign, again, "สี่ชื่อ", MEANING, "c" * 32)


def test_data_export_includes_entries(app, db, citizen, campaign):
    add_entry(campaign, citizen, "น้องไอซี")
    data = accounts.export_personal_data(citizen)
    assert data["contest_entries"][0]["proposed_name"] == "น้องไอซี"


def test_my_entries_and_confirmations_need_a_log_in(client, db, citizen, campaign):
    entry = add_entry(campaign, citizen, "น้องไอซี")
    for path in ("/contest/my-entries", f"/contest/entries/{entry.reference_code}"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
