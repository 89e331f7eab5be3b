"""Search over published posts, and the results and feed entries other features add."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.hooks import hooks
from app.news import text
from app.news.models import Post
from app.news.posts import card_query


@dataclass(frozen=True)
class SearchHit:
    """A result another feature contributes (for example a contest finalist)."""

    title: str
    url: str
    summary: str = ""
    kind: object = ""


@dataclass
class FeedItem:
    """An Atom entry another feature contributes (for example the prize draw's announcement).
    ``id`` must never change; ``updated`` changes only when the item does."""

    id: str
    title: str
    url: str
    summary: str
    published: datetime
    updated: datetime


def other_feed_items() -> list[FeedItem]:
    """What other features' feed providers give (added in their init_app, app/hooks.py)."""
    return [item for provider in hooks().feed_providers for item in provider()]


def search_posts_query(terms: list[str]):
    query = card_query()
    for term in terms:
        query = query.where(Post.search_text.like(text.like_pattern(term), escape="\\"))
    return query


def other_search_hits(terms: list[str]) -> list[SearchHit]:
    hits: list[SearchHit] = []
    for provider in hooks().search_providers:  # added in the features' init_app
        hits.extend(provider(terms))
    return hits
