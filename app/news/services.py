"""News rules: an index of the modules that hold them.

- ``app.news.posts``: posts and tags, what is published, writing and publishing a post.
- ``app.news.related``: related posts (shared tags, shared title words, recency).
- ``app.news.search``: search over posts, and the hits and feed entries other features add.
- ``app.news.comments``: comments, the flood rule, reports, account deletion and export.
- ``app.news.moderation``: staff decisions on comments and trackbacks, queues, held words.
- ``app.news.trackbacks``: TrackBack pings.

Services add and flush and take their own locks; the view's request commits once. Staff
actions take the audit ``actor`` from the view. App code imports from the module itself;
these names stay here for the views and tests that use ``services`` as one namespace.
"""

from app.models import utcnow
from app.news import text
from app.news.comments import (
    COMMENT_MAX,
    REPORTS_TO_HIDE,
    add_comment,
    anonymise_comments,
    comment_tree,
    export_comments,
    lock_commenter,
    report_comment,
    visible_comments,
)
from app.news.moderation import (
    MODERATION_ACTIONS,
    QUEUE_TABS,
    add_moderation_word,
    bulk_moderate,
    comment_queue_query,
    describe_items,
    moderate_comment,
    moderate_trackback,
    queue_counts,
    remove_moderation_word,
    trackback_queue,
)
from app.news.posts import (
    NewsError,
    PostData,
    card_query,
    create_post,
    get_published_post,
    latest_posts,
    normalise_tag,
    parse_tags,
    publish_post,
    published_filter,
    published_posts_query,
    unpublish_post,
    update_post,
)
from app.news.related import related_posts
from app.news.search import (
    FeedItem,
    SearchHit,
    other_feed_items,
    other_search_hits,
    search_posts_query,
)
from app.news.trackbacks import approved_trackbacks, receive_trackback

__all__ = [
    "COMMENT_MAX",
    "MODERATION_ACTIONS",
    "QUEUE_TABS",
    "REPORTS_TO_HIDE",
    "FeedItem",
    "NewsError",
    "PostData",
    "SearchHit",
    "add_comment",
    "add_moderation_word",
    "anonymise_comments",
    "approved_trackbacks",
    "bulk_moderate",
    "card_query",
    "comment_queue_query",
    "comment_tree",
    "create_post",
    "describe_items",
    "export_comments",
    "get_published_post",
    "latest_posts",
    "lock_commenter",
    "moderate_comment",
    "moderate_trackback",
    "normalise_tag",
    "other_feed_items",
    "other_search_hits",
    "parse_tags",
    "publish_post",
    "published_filter",
    "published_posts_query",
    "queue_counts",
    "receive_trackback",
    "related_posts",
    "remove_moderation_word",
    "report_comment",
    "search_posts_query",
    "text",  # the views' services.text
    "trackback_queue",
    "unpublish_post",
    "update_post",
    "utcnow",  # the views' services.utcnow
    "visible_comments",
]
