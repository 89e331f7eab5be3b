"""Rendered pages for visitors who are not logged in, kept for a few seconds (Flask-Caching).

Most of a rush is anonymous reading: the home page, a news post, the results. Rendering them
costs a few database round trips and a full Jinja render; serving them again from the cache
costs one cache read. What is cached, and for how long:

* only GET/HEAD for an anonymous visitor with no message waiting (a logged-in page shows the
  person's name, forms and tokens, and is always rendered);
* only a 200 whose rendering did not write to the session (no CSRF token, no flash);
* keyed by language, path and the query arguments the view declares, under a *content
  version*: a committed change to what public pages show (``changes.py`` says which) moves
  the version, so every cached page is dropped: at once on the worker that made the change,
  within ``VERSION_MEMO_SECONDS`` (1 s) on every other worker and instance, because the
  version lives in the same store;
* for at most ``PAGE_CACHE_SECONDS`` (default 30). Things that change by the clock alone (a
  phase opening, a scheduled post, live vote counts) show up within that time.

The store: Redis when ``REDIS_URL`` is set (shared by all instances), otherwise files under
``instance/cache`` (shared by the workers of one machine). Every call to it goes through
``use_store``: a store that fails (Redis down) is treated as a miss, pages are rendered as if
there were no cache, and the error is logged once a minute at most.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps
from typing import TypeVar

from flask import (
    Flask,
    Response,
    current_app,
    g,
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
T = TypeVar("T")

VERSION_KEY = "page-version"
#: A second version for what only posts and tags decide (related posts): comments, which
#: come at rush rates, move the page version but not this one.
POSTS_VERSION_KEY = "posts-version"
#: The version key lives long and is refreshed on every change; a store that lost it (evicted,
#: restarted) gets a new random one, so pages kept under an old version are never served.
VERSION_SECONDS = 7 * 24 * 3600
#: Each worker keeps the versions it read this long (a cached hit then costs one store read,
#: not two). A change made by another worker or instance reaches this one's anonymous pages
#: within that time; a change made here drops this worker's copy at once.
VERSION_MEMO_SECONDS = 1.0
#: After a store failure the cache is left alone this long: a Redis that hangs (rather than
#: refusing) would otherwise cost every request its socket timeout.
PAUSE_AFTER_FAILURE = 10.0


@dataclass
class _State:
    """What one app keeps about its store (per app, not per process: tests make many apps)."""

    versions: dict[str, tuple[str, float]] = field(default_factory=dict)
    paused_until: float = 0.0


def init_app(app: Flask) -> None:
    """Configure the store and start watching commits for content changes."""
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
    app.extensions["page_cache"] = _State()
    from app.cache import changes

    changes.listen()


# --- The store --------------------------------------------------------------------------------


def _clock() -> float:
    return time.monotonic()


def _state() -> _State:
    return current_app.extensions["page_cache"]


_last_logged = float("-inf")


def use_store(call: Callable[[], T], even_if_paused: bool = False) -> T | None:
    """``call()`` on the store, or None when it fails (then the store is left alone for
    ``PAUSE_AFTER_FAILURE`` seconds) or is paused. Every use of the store goes through here.

    ``even_if_paused``: for writes that others depend on (a moved version)."""
    global _last_logged
    state, now = _state(), _clock()
    if now < state.paused_until and not even_if_paused:
        return None
    try:
        return call()
    except Exception as error:  # any store failure is a miss
        state.paused_until = now + PAUSE_AFTER_FAILURE
        if now - _last_logged > 60:
            _last_logged = now
            log.warning("page cache unavailable, rendering without it for a while: %s", error)
        return None


# --- Content versions -------------------------------------------------------------------------


def _version(key: str = VERSION_KEY) -> str | None:
    """The version this request works under (read once per request); None: no store."""
    slot = f"page_cache_{key}"
    if slot not in g:
        setattr(g, slot, _read_version(key))
    return getattr(g, slot)


def _read_version(key: str) -> str | None:
    memo, now = _state().versions, _clock()
    kept = memo.get(key)
    if kept is not None and kept[1] > now:
        return kept[0]
    version = use_store(lambda: cache.get(key))
    if version is None:
        use_store(lambda: cache.add(key, uuid.uuid4().hex, timeout=VERSION_SECONDS))
        version = use_store(lambda: cache.get(key))
    if version is not None:
        memo[key] = (version, now + VERSION_MEMO_SECONDS)
    return version


def content_changed(posts: bool = True) -> None:
    """Drop every cached page (all workers, all instances sharing the store), and with
    ``posts`` what was derived from posts and tags too.

    Commits through the ORM session call this by themselves; call it after writing content
    tables with raw SQL or through an engine connection."""
    keys = [VERSION_KEY, POSTS_VERSION_KEY] if posts else [VERSION_KEY]
    new = {key: uuid.uuid4().hex for key in keys}
    use_store(lambda: cache.set_many(new, timeout=VERSION_SECONDS), even_if_paused=True)
    for key in keys:
        _state().versions.pop(key, None)
        g.pop(f"page_cache_{key}", None)


def data_key(name: str, posts_only: bool = False) -> str | None:
    """The store key for a value derived from content, under the content version (with
    ``posts_only``: the version that only posts and tags move); None without a store."""
    version = _version(POSTS_VERSION_KEY if posts_only else VERSION_KEY)
    return None if version is None else f"data:{version}:{name}"


def remember(name: str, compute: Callable[[], T], posts_only: bool = False) -> T:
    """``compute()``, kept under the content version: for work that logged-in pages repeat
    (they are never cached whole), such as ranking related posts. With ``posts_only`` the
    value depends on posts and tags alone, and outlives changes to comments and the rest.
    Pickleable values only."""
    key = data_key(name, posts_only) if has_request_context() else None
    if key is None:
        return compute()
    value = use_store(lambda: cache.get(key))
    if value is None:
        value = compute()
        use_store(lambda: cache.set(key, value, timeout=current_app.config["PAGE_CACHE_SECONDS"]))
    return value


# --- Pages ------------------------------------------------------------------------------------


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


def _key_if_cacheable(args: Iterable[str] = ()) -> str | None:
    return page_key(args) if cacheable() else None


def _keep(key: str, value) -> None:
    # The render wrote to the session or made a CSRF token (Flask-WTF keeps it in g):
    # the page is not the same for everyone.
    if session.modified or current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in g:
        return
    use_store(lambda: cache.set(key, value, timeout=current_app.config["PAGE_CACHE_SECONDS"]))


def _marked(response: Response, state: str | None) -> Response:
    if state:
        response.headers["X-Page-Cache"] = state
    return response


def cached_page(args: Iterable[str] = ()):
    """Serve the view's 200 answers to anonymous visitors from the page cache.

    ``args`` are the query arguments the view reads; any other argument skips the cache (so
    that random query strings cannot fill it).
    """
    args = tuple(args)

    def decorator(view):
        @wraps(view)
        def wrapper(*a, **kw):
            key = _key_if_cacheable(args)
            if key is None:
                return view(*a, **kw)
            hit = use_store(lambda: cache.get(key))
            if hit is not None:
                body, mimetype = hit
                return _marked(Response(body, mimetype=mimetype), "hit")
            response = make_response(view(*a, **kw))
            if response.status_code != 200 or response.direct_passthrough:
                return response
            _keep(key, (response.get_data(), response.mimetype))
            return _marked(response, "miss")

        return wrapper

    return decorator


def page_with_live_part(
    render: Callable[[str], tuple[int, str]], live: Callable[[int], str | None]
) -> Response:
    """A page that is the same for every anonymous visitor but for one part that changes on
    every load (a post's view count). It is cached cut where that part goes, and ``live``
    fills the part in on every load, served from the cache or not.

    ``render(marker)`` renders the page with ``marker`` where the part goes and returns
    ``(token, html)``; ``live(token)`` gives the part, or None when a cached copy must not be
    used (its post is gone)."""
    key = _key_if_cacheable()
    hit = use_store(lambda: cache.get(key)) if key else None
    if hit is not None:
        token, parts = hit
        text = live(token)
        if text is not None:
            return _marked(make_response(text.join(parts)), "hit")
    marker = uuid.uuid4().hex  # new for each render: no text on the page can be taken for it
    token, html = render(marker)
    parts = html.split(marker)
    if key is not None:
        _keep(key, (token, parts))
    return _marked(make_response((live(token) or "").join(parts)), "miss" if key else None)
