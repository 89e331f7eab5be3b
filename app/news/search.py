"""Search over published posts, and the results and feed entries other features add."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

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


#: Other features add ``fn(terms) -> list[SearchHit]``; their hits are shown beside the posts.
SEARCH_PROVIDERS: list[Callable[[list[str]], list[SearchHit]]] = []


def add_search_provider(provider: Callable[[list[str]], list[SearchHit]]) -> None:
    if provider not in SEARCH_PROVIDERS:
        SEARCH_PROVIDERS.append(provider)


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


#: Other features add ``fn() -> list[FeedItem]``; the feed lists them among the posts.
FEED_PROVIDERS: list[Callable[[], list[FeedItem]]] = []


def add_feed_provider(provider: Callable[[], list[FeedItem]]) -> None:
    if provider not in FEED_PROVIDERS:
        FEED_PROVIDERS.append(provider)


def other_feed_items() -> list[FeedItem]:
    return [item for provider in FEED_PROVIDERS for item in provider()]


def search_posts_query(terms: list[str]):
    query = card_query()
    for term in terms:
        query = query.where(Post.search_text.like(text.like_pattern(term), escape="\\"))
    return query


def other_search_hits(terms: list[str]) -> list[SearchHit]:
    hits: list[SearchHit] = []
    for provider in SEARCH_PROVIDERS:
        hits.extend(provider(terms))
    return hits
