"""One mailbox, one person: every spelling of an address gives one canonical form, one
account and one key for every per-person rule (issue: one person, one vote)."""

from __future__ import annotations

import string

import idna
import pytest
import sqlalchemy as sa
from hypothesis import assume, given
from hypothesis import strategies as st

from app.accounts.identity import AddressError, canonical_email, deliverable_email, person_key
from app.accounts.models import User
from app.extensions import db as _db
from app.voting import services as voting
from tests.conftest import both_databases
from tests.factories import PASSWORD, UserFactory
from tests.helpers import login, register

SECRET = "k" * 40

# Mailbox names as people have them: Latin letters and digits, with . _ - inside.
_LETTERS = string.ascii_lowercase + string.digits
local_parts = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(_LETTERS),
    st.text(alphabet=_LETTERS + "._-", max_size=20),
).filter(lambda s: ".." not in s and not s.endswith((".", "-")))
labels = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=12)
unicode_labels = st.text(alphabet="abcdeüöäéßñç", min_size=1, max_size=10).filter(
    lambda s: not s.isascii()
)
domains = st.builds(
    lambda a, b: f"{a}.{b}",
    st.one_of(labels, unicode_labels),
    st.sampled_from(["example", "co.th", "go.th", "com", "net"]),
)


def _full_width(text: str, picks: list[bool]) -> str:
    """Some ASCII letters and digits turned into their full-width forms (U+FF01..U+FF5E)."""
    out = []
    for char, pick in zip(text, picks + [False] * len(text), strict=False):
        out.append(chr(ord(char) + 0xFEE0) if pick and "!" <= char <= "~" and char != "@" else char)
    return "".join(out)


def _swap_case(text: str, picks: list[bool]) -> str:
    """Some letters in upper case (ASCII only: "ß".upper() is "SS", another domain)."""
    return "".join(
        c.upper() if p and c.isascii() else c
        for c, p in zip(text, picks + [False] * len(text), strict=False)
    )


def _to_punycode(domain: str) -> str:
    """The ASCII form a mail client sends (IDNA 2008 with UTS 46, as resolvers use)."""
    return idna.encode(domain, uts46=True).decode()


@given(local_parts, domains, st.lists(st.booleans()), st.lists(st.booleans()), st.booleans())
def test_case_full_width_and_idn_spellings_give_one_key(local, domain, wide, upper, puny):
    try:
        base = canonical_email(f"{local}@{domain}")
        deliverable_email(f"{local}@{domain}")
    except AddressError:
        assume(False)
    try:
        variant_domain = _to_punycode(domain) if puny else domain
    except idna.IDNAError:
        assume(False)
    variant = _full_width(_swap_case(f"{local}@{variant_domain}", upper), wide)
    assert canonical_email(variant) == base
    assert person_key(variant, SECRET) == person_key(f"{local}@{domain}", SECRET)


@given(
    local_parts,
    st.sampled_from(["gmail.com", "googlemail.com", "GMail.com", "ｇmail.com"]),
    st.lists(st.integers(min_value=0, max_value=30), max_size=5),
    st.text(alphabet=_LETTERS, max_size=8),
)
def test_gmail_dots_and_tags_give_one_key(local, domain, dots, tag):
    plain = local.replace(".", "")
    assume(plain)
    dotted = list(plain)
    for position in sorted(set(dots), reverse=True):
        if 0 < position < len(dotted):
            dotted.insert(position, ".")
    variant = "".join(dotted) + (f"+{tag}" if tag else "") + "@" + domain
    assert canonical_email(variant) == f"{plain}@gmail.com"


@given(local_parts, domains, st.text(alphabet=_LETTERS, max_size=8))
def test_no_address_gives_an_empty_local_part(local, domain, tag):
    for address in (f"+{tag}@{domain}", f"{local}+{tag}@{domain}", f"+@{domain}"):
        canonical = canonical_email(address)
        assert not canonical.startswith("@")
        assert canonical.rpartition("@")[0]


@given(local_parts, local_parts, domains)
def test_different_mailboxes_give_different_keys(one, two, domain):
    assume(one.split("+")[0] != two.split("+")[0])
    assert person_key(f"{one}@{domain}", SECRET) != person_key(f"{two}@{domain}", SECRET)


@pytest.mark.parametrize(
    ("one", "two"),
    [("+x@example.com", "+y@example.com"), ("a.b@example.com", "ab@example.com")],
)
def test_mailboxes_that_differ_stay_apart(one, two):
    assert canonical_email(one) != canonical_email(two)


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("v.o.t.e.tester@ｇmail.com", "votetester@gmail.com"),
        ("Vote.Tester+x@GoogleMail.com", "votetester@gmail.com"),
        ("x@bücher.example", "x@xn--bcher-kva.example"),
        ("x@XN--BCHER-KVA.example", "x@xn--bcher-kva.example"),
        ("ｕｓｅｒ＠example。com", "user@example.com"),
    ],
)
def test_known_spellings(spelling, canonical):
    assert canonical_email(spelling) == canonical


def _register(client, email):
    return register(client, email=email)


@both_databases
@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("vote.tester@gmail.com", "v.o.t.e.tester@ｇmail.com"),
        ("x@bücher.example", "X@xn--bcher-kva.example"),
        ("someone@example.com", "ＳＯＭＥＯＮＥ+contest@example.com"),
    ],
)
def test_a_second_spelling_of_a_mailbox_is_already_registered(
    app, client, db, outbox, first, second
):
    assert _register(client, first).status_code == 302
    assert _register(client, second).status_code == 302  # the same page: nothing to probe
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
    assert "already" in outbox[-1].body.lower()  # the owner is told by mail


def test_the_unique_key_holds_two_spellings_made_at_once(db):
    """The canonical column is a database key: a second spelling that got past the check
    (two sign-ups at the same moment) is refused by the database."""
    UserFactory(email="vote.tester@gmail.com")
    _db.session.add(
        User(
            email="v.o.t.e.tester@gmail.com",
            display_name="x",
            password_hash="x",
            consent_version="v",
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        _db.session.flush()
    _db.session.rollback()


def test_plus_only_addresses_are_different_people(client, db, outbox):
    assert _register(client, "+x@example.com").status_code == 302
    assert _register(client, "+y@example.com").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 2


def test_a_local_part_that_is_not_ascii_is_refused_with_words(client, db):
    response = _register(client, "ทดสอบ@example.com")
    assert response.status_code == 400
    assert "Latin letters" in response.get_data(as_text=True)
    response = register(client, lang="th", email="ทดสอบ@example.com")
    assert response.status_code == 400
    assert "ตัวอักษรละติน" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_any_spelling_logs_in_to_the_mailbox_account(client, db):
    UserFactory(email="vote.tester@gmail.com", verified=True)
    response = login(client, "V.O.T.E.Tester@ｇmail.com", PASSWORD)
    assert response.status_code == 302
    assert client.get("/account").status_code == 200


def test_a_receipt_is_shown_only_to_the_account_that_voted(client, db):
    """Two accounts of one mailbox (as migration 0009 may leave them): the second meets the
    mailbox's vote, but neither its choice, nor its time, nor its code."""
    from tests.voting.conftest import make_voting_campaign

    campaign = make_voting_campaign("voting")
    voter = UserFactory(email="vote.tester@gmail.com", verified=True)
    finalist = sorted(campaign.finalists, key=lambda f: f.position)[0]
    vote = voting.cast_vote(campaign, voter, finalist.id)
    _db.session.commit()
    code, name = vote.reference_code, finalist.display_name
    other = UserFactory(email="someone.else@example.com", verified=True)
    # What migration 0009 leaves on the later account of a mailbox: its own spelling, no
    # canonical form.
    _db.session.execute(
        sa.update(User)
        .where(User.id == other.id)
        .values(email="v.o.t.e.tester@gmail.com", email_canonical=None)
    )
    _db.session.commit()
    _db.session.refresh(other)

    login(client, other.email, PASSWORD)
    for url in ("/vote/receipt?lang=en", "/vote?lang=en"):
        html = client.get(url).get_data(as_text=True)
        assert code not in html and name not in html.split("<main", 1)[-1].split("</main>")[0]
        assert "already been cast with this e-mail address" in html
    client.post("/logout", data={})
    client.get("/logout")
    fresh = client.application.test_client()
    login(fresh, voter.email, PASSWORD)
    assert code in fresh.get("/vote/receipt").get_data(as_text=True)
