"""E-mail canonicalisation for the one-vote key, and the draw's arithmetic."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.accounts.identity import canonical_email, voter_key
from app.voting.draw import compute_draw, mask_name


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("Somchai@Example.COM", "somchai@example.com"),
        ("somchai+contest@example.com", "somchai@example.com"),
        ("s.o.m.chai@gmail.com", "somchai@gmail.com"),
        ("S.O.M.Chai+vote2@GoogleMail.com", "somchai@gmail.com"),
        ("first.last@example.com", "first.last@example.com"),  # dots matter elsewhere
        ("  padded@example.com ", "padded@example.com"),
        ("a+b+c@example.com", "a@example.com"),
    ],
)
def test_canonical_email(raw, canonical):
    assert canonical_email(raw) == canonical


def test_voter_key_is_keyed_and_stable():
    one = voter_key("S.omchai+x@gmail.com", "k" * 40)
    assert one == voter_key("somchai@gmail.com", "k" * 40)
    assert one != voter_key("somchai@gmail.com", "other" * 10)
    assert len(one) == 64


@given(st.text())
def test_canonical_email_never_raises_and_is_idempotent(text):
    once = canonical_email(text)
    assert canonical_email(once) == once


def test_known_seed_and_pool_give_a_known_winner():
    codes = ["MN-2553-000003", "MN-2553-000001", "MN-2553-000002"]
    result = compute_draw("123456", codes)
    message = "123456|MN-2553-000001|MN-2553-000002|MN-2553-000003"
    digest = hashlib.sha256(message.encode()).hexdigest()
    assert result.digest == digest
    assert result.codes == ("MN-2553-000001", "MN-2553-000002", "MN-2553-000003")
    assert result.index == int(digest, 16) % 3
    assert result.winner_code == result.codes[result.index]


def test_draw_ignores_input_order_but_not_the_seed():
    codes = [f"MN-2553-{n:06d}" for n in range(50)]
    assert compute_draw("seed", codes) == compute_draw("seed", list(reversed(codes)))
    winners = {compute_draw(str(seed), codes).winner_code for seed in range(30)}
    assert len(winners) > 1


def test_draw_refuses_empty_or_duplicate_pools():
    with pytest.raises(ValueError):
        compute_draw("s", [])
    with pytest.raises(ValueError):
        compute_draw("s", ["A", "A"])


def test_mask_name():
    assert mask_name("สมชาย ใจดี") == "สม*** ใจ***"
    assert mask_name("Ann") == "An***"
    assert mask_name("") == "***"
