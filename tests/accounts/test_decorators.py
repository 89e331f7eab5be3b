"""verified_required: anonymous -> log in; unverified -> a page that says why; verified -> in."""

from __future__ import annotations

import pytest

from app.accounts.decorators import verified_required
from tests.factories import PASSWORD, UserFactory
from tests.helpers import login


@pytest.fixture
def guarded(app):
    @app.get("/_citizens-only")
    @verified_required
    def citizens_only():
        return "welcome"

    return "/_citizens-only"


def test_anonymous_goes_to_log_in(client, guarded):
    response = client.get(guarded)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_unverified_gets_403_with_the_reason(client, db, guarded):
    user = UserFactory()
    login(client, user.email, PASSWORD)
    response = client.get(guarded + "?lang=en")
    assert response.status_code == 403
    assert "confirm your e-mail address" in response.get_data(as_text=True)


def test_verified_passes(client, citizen, guarded):
    login(client, citizen.email, PASSWORD)
    assert client.get(guarded).get_data(as_text=True) == "welcome"
