"""Knowing when content changed: session events that move the page cache's versions
(``content_changed``) once a transaction that changed what public pages show commits.

What counts: a row of ``CONTENT_TABLES`` added, deleted or changed, unless public pages show
it neither before nor after (a comment held for moderation, a rejected trackback: see
``SHOWN_WHEN`` on their models); a person's display name. What posts alone decide (related
posts) moves with posts and tags only, not with their counters.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import has_app_context

from app.cache import content_changed

POSTS_TABLES = frozenset({"post", "tag", "post_tag"})
#: Post columns that change without changing what a post is (counters).
_COUNTER_COLUMNS = frozenset({"view_count", "comment_count", "updated_at"})
#: Tables whose rows public pages show. Votes, tallies, entries, accounts and the audit log are
#: not here: they change at rush rates, and the pages that show them live with the time limit.
CONTENT_TABLES = frozenset(
    {
        "campaign",
        "finalist",
        "tag",
        "post",
        "post_tag",
        "comment",
        "trackback",
        "result_snapshot",
        "prize_draw",
    }
)
#: What public pages show of a person: the name beside their comments. (Their row changes at
#: every log-in too; only this column moves the version.)
_PUBLIC_USER_COLUMNS = ("display_name",)
_FLAG = "page_cache_content_changed"
_POSTS_FLAG = "page_cache_posts_changed"


def _table(obj) -> str | None:
    return getattr(getattr(obj, "__table__", None), "name", None)


def _changed(obj, column: str) -> bool:
    return sa.inspect(obj).attrs[column].history.has_changes()


def _shown(obj, new: bool) -> bool:
    """Whether public pages show this content row now, or showed it before this change. A model
    whose rows show in one state only names it: ``SHOWN_WHEN = (column, value)``."""
    if _table(obj) not in CONTENT_TABLES:
        return False
    shown_when = getattr(obj, "SHOWN_WHEN", None)
    if shown_when is None:
        return True
    column, value = shown_when
    if sa.inspect(obj).dict.get(column, value) == value:  # a value not loaded counts as shown
        return True
    return not new and _changed(obj, column)  # it may have left the shown state


def _changes_a_public_name(obj) -> bool:
    if _table(obj) != "user_account":
        return False
    return any(_changed(obj, column) for column in _PUBLIC_USER_COLUMNS)


def _changes_a_post(obj) -> bool:
    """A post or tag changed in more than its counters."""
    if _table(obj) not in POSTS_TABLES:
        return False
    changed = {attr.key for attr in sa.inspect(obj).attrs if attr.history.has_changes()}
    return bool(changed - _COUNTER_COLUMNS)


def _after_flush(session, _context) -> None:
    added = [*session.new, *session.deleted]
    dirty = [obj for obj in session.dirty if session.is_modified(obj)]
    if any(_shown(obj, obj in session.new) for obj in [*added, *dirty]) or any(
        map(_changes_a_public_name, dirty)
    ):
        session.info[_FLAG] = True
    if any(_table(obj) in POSTS_TABLES for obj in added) or any(map(_changes_a_post, dirty)):
        session.info[_POSTS_FLAG] = True


def _on_orm_execute(state) -> None:
    """Bulk statements (``update(Post)...``) carry no rows to look at: their table decides."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    name = getattr(getattr(state.statement, "table", None), "name", None)
    if name in CONTENT_TABLES:
        state.session.info[_FLAG] = True
    if name in POSTS_TABLES:
        state.session.info[_POSTS_FLAG] = True


def _after_commit(session) -> None:
    posts = session.info.pop(_POSTS_FLAG, False)
    if (session.info.pop(_FLAG, False) or posts) and has_app_context():
        content_changed(posts=posts)


def _after_rollback(session) -> None:
    """The whole transaction rolled back: what was flushed is gone. A savepoint's rollback
    keeps the flags (what was flushed before the savepoint may still be committed)."""
    if session.in_nested_transaction():
        return
    session.info.pop(_FLAG, None)
    session.info.pop(_POSTS_FLAG, None)


_LISTENERS = (
    ("after_flush", _after_flush),
    ("do_orm_execute", _on_orm_execute),
    ("after_commit", _after_commit),
    ("after_rollback", _after_rollback),
)


def listen() -> None:
    """Watch every ORM session's commits (once per process; ``create_app`` may run many times)."""
    for name, listener in _LISTENERS:
        if not sa.event.contains(sa.orm.Session, name, listener):
            sa.event.listen(sa.orm.Session, name, listener)
