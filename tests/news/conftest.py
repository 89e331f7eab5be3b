"""News test helpers: posts made through the service, browser-like headers."""

from __future__ import annotations

import pytest

from tests.factories import PostFactory

BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
BROWSER = {"User-Agent": BROWSER_UA}


def make_post(slug: str = "hello", **fields):
    """Create and commit a post through the service (see ``PostFactory``)."""
    return PostFactory(slug=slug, **fields)


@pytest.fixture
def post(db):
    return make_post()
