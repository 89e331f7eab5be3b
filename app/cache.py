"""Rendered pages for visitors who are not logged in, kept for a few seconds (Flask-Caching).

Most of a rush is anonymous reading: the home page, a news post, the results. Rendering them
costs a few database round trips and a full Jinja render; serving them again from the cache
costs one cache read. What is cached, and for how long:

* only GET/HEAD for an anonymous visitor with no message waiting (a logged-in page shows the
  person's name, forms and tokens, and is always rendered);
* only a 200 whose rendering did not write to the session (no CSRF token, no flash);
* keyed by language, path and the query arguments the view declares, under a *content
  version*: any committed change to what public pages show (posts, tags, comments, trackbacks,
  campaigns, finalists, result snapshots, draws) moves the version, so every cached page is
  dropped: at once on the worker that made the change, within ``VERSION_MEMO_SECONDS`` (1 s)
  on every other worker and instance, because the version lives in the same store;
* for at most ``PAGE_CACHE_SECONDS`` (default 30). Things that change by the clock alone (a
  phase opening, a scheduled post, live vote counts) show up within that time.

The store: Redis when ``REDIS_URL`` is set (shared by all instances), otherwise files under
``instance/cache`` (shared by the workers of one machine). A store that fails (Redis down) is
treated as a miss: pages are rendered as if there were no cache, and the error is logged once a
minute at most.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable
from functools import wraps

import sqlalchemy as sa
from flask import (
    Flask,
    Response,
    current_app,
    g,
    has_app_context,
    has_request_context,
    make_response,
    request,
    session,
)
from flask_caching import Cache
from flask_login import current_user

from app.i18n import current_language
from app.instance import private_dir

log = logging.getLogger(__name__)

cache = Cache()

VERSION_KEY = "page-version"
#: A second version for what only posts and tags decide (related posts): comments, which
#: come at rush rates, move the page version but not this one.
POSTS_VERSION_KEY = "posts-version"
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
_FLAG = "page_cache_content_changed"
_POSTS_FLAG = "page_cache_posts_changed"
_last_error_log = 0.0


def init_app(app: Flask) -> None:
    global _paused_until
    _paused_until = 0.0
    config = app.config
    config.setdefault("PAGE_CACHE_SECONDS", 30)
    if config.get("REDIS_URL"):
        config.setdefault("CACHE_TYPE", "RedisCache")
        config.setdefault("CACHE_REDIS_URL", config["REDIS_URL"])
        config.setdefault("CACHE_OPTIONS", {"socket_timeout": 0.5, "socket_connect_timeout": 0.5})
    else:
        config.setdefault("CACHE_TYPE", "FileSystemCache")
        config.setdefault("CACHE_DIR", f"{app.instance_path}/cache")
        if config["CACHE_TYPE"] == "FileSystemCache":
            private_dir(config["CACHE_DIR"])  # its files are 0600 (cachelib's default mode)
        config.setdefault("CACHE_THRESHOLD", 2000)
    config.setdefault("CACHE_KEY_PREFIX", f"{config.get('REDIS_KEY_PREFIX', 'mascot')}:page:")
    config.setdefault("CACHE_DEFAULT_TIMEOUT", config["PAGE_CACHE_SECONDS"])
    cache.init_app(app)


#: After a store failure the cache is left alone this long: a Redis that hangs (rather than
#: refusing) would otherwise cost every request its socket timeout.
PAUSE_AFTER_FAILURE = 10.0
#: The version key lives long and is refreshed on every change; a store that lost it (evicted,
#: restarted) gets a new random one, so pages kept under an old version are never served.
VERSION_SECONDS = 7 * 24 * 3600
_paused_until = 0.0


def _store_failed(error: Exception) -> None:
    global _last_error_log, _paused_until
    now = time.monotonic()
    _paused_until = now + PAUSE_AFTER_FAILURE
    if now - _last_error_log > 60:
        _last_error_log = now
        log.warning("page cache unavailable, rendering without it for a while: %s", error)


def _available() -> bool:
    return time.monotonic() >= _paused_until


#: Each worker keeps the versions it read this long (a cached hit then costs one store read,
#: not two). A change made by another worker or instance reaches this one's anonymous pages
#: within that time; a change made here drops this worker's copy at once.
VERSION_MEMO_SECONDS = 1.0


def _clock() -> float:
    return time.monotonic()


def _memo() -> dict[str, tuple[str, float]]:
    return current_app.extensions.setdefault("page_cache_versions", {})


def _version(key: str = VERSION_KEY) -> str | None:
    slot = f"page_cache_{key}"
    if slot not in g:
        setattr(g, slot, None)
        memo = _memo()
        now = _clock()
        kept = memo.get(key)
        if kept is not None and kept[1] > now:
            setattr(g, slot, kept[0])
        elif _available():
            try:
                version = cache.get(key)
                if version is None:
                    cache.add(key, uuid.uuid4().hex, timeout=VERSION_SECONDS)
                    version = cache.get(key)
                setattr(g, slot, version)
                if version is not None:
                    memo[key] = (version, now + VERSION_MEMO_SECONDS)
            except Exception as error:  # any store failure is a miss
                _store_failed(error)
    return getattr(g, slot)


def content_changed(posts: bool = True) -> None:
    """Drop every cached page (all workers, all instances sharing the store), and with
    ``posts`` what was derived from posts and tags too.

    Commits through the ORM session call this by themselves; call it after writing content
    tables with raw SQL or through an engine connection."""
    keys = [VERSION_KEY, POSTS_VERSION_KEY] if posts else [VERSION_KEY]
    try:
        cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=VERSION_SECONDS)
    except Exception as error:
        _store_failed(error)
    memo = _memo()
    for key in keys:
        memo.pop(key, None)
        g.pop(f"page_cache_{key}", None)


def cacheable() -> bool:
    """Whether this request may be answered from, and stored in, the page cache."""
    if request.method not in {"GET", "HEAD"} or not current_app.config["PAGE_CACHE_SECONDS"]:
        return False
    if "_flashes" in session or current_user.is_authenticated:
        return False
    return _version() is not None


#: Query values worth a cached copy: short and plain (a page number, a finalist id).
_PLAIN_VALUE = re.compile(r"[0-9A-Za-z_-]{0,20}")


def page_key(args: Iterable[str] = ()) -> str | None:
    """The key of this request's page, or None when the query makes it uncacheable (an
    argument the view does not read, or an odd value: random queries cannot fill the store).

    The Host header is not part of the key: absolute links come from SITE_URL (app/urls.py),
    so a page is the same whatever host was asked for, and forged hosts cannot fill the store."""
    known = set(args)
    if any(name not in known for name in request.args):
        return None
    values = tuple(request.args.get(name, "") for name in sorted(known))
    if not all(_PLAIN_VALUE.fullmatch(value) for value in values):
        return None
    raw = repr((_version(), current_language(), request.scheme, request.path, values))
    return hashlib.sha256(raw.encode()).hexdigest()


def get(key: str):
    if not _available():
        return None
    try:
        return cache.get(key)
    except Exception as error:
        _store_failed(error)
        return None


def put(key: str, value) -> None:
    # The render wrote to the session or made a CSRF token (Flask-WTF keeps it in g):
    # the page is not the same for everyone.
    if session.modified or current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in g:
        return
    if not _available():
        return
    try:
        cache.set(key, value, timeout=current_app.config["PAGE_CACHE_SECONDS"])
    except Exception as error:
        _store_failed(error)


# --- Values derived from content --------------------------------------------------------------


def remember(name: str, compute: Callable[[], object], posts_only: bool = False):
    """``compute()``, kept under the content version: for work that logged-in pages repeat
    (they are never cached whole), such as ranking related posts. With ``posts_only`` the
    value depends on posts and tags alone, and outlives changes to comments and the rest.
    Pickleable values only."""
    key_name = POSTS_VERSION_KEY if posts_only else VERSION_KEY
    version = _version(key_name) if has_request_context() else None
    if version is None:
        return compute()
    key = f"data:{version}:{name}"
    value = get(key)
    if value is None:
        value = compute()
        if _available():
            try:
                cache.set(key, value, timeout=current_app.config["PAGE_CACHE_SECONDS"])
            except Exception as error:
                _store_failed(error)
    return value


# --- A post's stored view count --------------------------------------------------------------
#: A cached post page still shows a live count: the stored count (kept here, refreshed by each
#: flush of the view counter) plus what is still buffered. Reading it here rather than from the
#: database makes a cached post page as cheap as the home page.
#: Short: two flushes finishing out of order may leave the smaller count for this long.
VIEWS_SECONDS = 60


def stored_views(post_id: int, load: Callable[[], int | None]) -> int | None:
    """The post's stored view count, from the cache or else ``load()`` (then remembered)."""
    key = f"views:{post_id}"
    value = get(key)
    if value is None:
        value = load()
        if value is not None and _available():
            try:
                # add, not set: a flush that wrote a newer count meanwhile keeps it.
                cache.add(key, value, timeout=VIEWS_SECONDS)
            except Exception as error:
                _store_failed(error)
    return value


def remember_views(counts: dict[int, int]) -> None:
    """Called by the counter after a flush, with the counts now stored."""
    if not _available():
        return
    try:
        cache.set_many({f"views:{pid}": n for pid, n in counts.items()}, timeout=VIEWS_SECONDS)
    except Exception as error:
        _store_failed(error)


def cached_page(args: Iterable[str] = ()):
    """Serve the view's 200 answers to anonymous visitors from the page cache.

    ``args`` are the query arguments the view reads; any other argument skips the cache (so
    that random query strings cannot fill it).
    """
    args = tuple(args)

    def decorator(view):
        @wraps(view)
        def wrapper(*a, **kw):
            key = page_key(args) if cacheable() else None
            if key is None:
                return view(*a, **kw)
            hit = get(key)
            if hit is not None:
                body, mimetype = hit
                response = Response(body, mimetype=mimetype)
                response.headers["X-Page-Cache"] = "hit"
                return response
            response = make_response(view(*a, **kw))
            if response.status_code == 200 and not response.direct_passthrough:
                put(key, (response.get_data(), response.mimetype))
                response.headers["X-Page-Cache"] = "miss"
            return response

        return wrapper

    return decorator


# --- Knowing when content changed -------------------------------------------------------------


def _touches(objects, tables) -> bool:
    for obj in objects:
        table = getattr(obj, "__table__", None)
        if table is not None and table.name in tables:
            return True
    return False


def _changes_a_post(session, obj) -> bool:
    """A post or tag changed in more than its counters."""
    if getattr(getattr(obj, "__table__", None), "name", None) not in POSTS_TABLES:
        return False
    state = sa.inspect(obj)
    changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
    return bool(changed - _COUNTER_COLUMNS)


#: What public pages show of a person: the name beside their comments. (Their row changes at
#: every log-in too; only this column moves the version.)
_PUBLIC_USER_COLUMNS = ("display_name",)


def _changes_a_public_name(obj) -> bool:
    if getattr(getattr(obj, "__table__", None), "name", None) != "user_account":
        return False
    state = sa.inspect(obj)
    return any(state.attrs[key].history.has_changes() for key in _PUBLIC_USER_COLUMNS)


def _after_flush(session, _context) -> None:
    added = [*session.new, *session.deleted]
    dirty = [obj for obj in session.dirty if session.is_modified(obj)]
    if _touches([*added, *dirty], CONTENT_TABLES) or any(map(_changes_a_public_name, dirty)):
        session.info[_FLAG] = True
    if _touches(added, POSTS_TABLES) or any(_changes_a_post(session, obj) for obj in dirty):
        session.info[_POSTS_FLAG] = True


def _on_orm_execute(state) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
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
    keeps the flag (what was flushed before the savepoint may still be committed)."""
    if session.in_nested_transaction():
        return
    session.info.pop(_FLAG, None)
    session.info.pop(_POSTS_FLAG, None)


sa.event.listen(sa.orm.Session, "after_flush", _after_flush)
sa.event.listen(sa.orm.Session, "do_orm_execute", _on_orm_execute)
sa.event.listen(sa.orm.Session, "after_commit", _after_commit)
sa.event.listen(sa.orm.Session, "after_rollback", _after_rollback)
