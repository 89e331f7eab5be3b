"""The post view counter.

Which loads count: GET only, not HEAD, not prefetch, not a known bot (crawlerdetect), not the
same browser again within 30 minutes (a signed cookie lists the posts it was counted for).

How they are stored: a page view never writes to the database itself. Increments go to a
buffer (in this process's memory, or a Redis hash when REDIS_URL is set) and are flushed in
one UPDATE per post, every few seconds or every N hits, and when the worker exits (atexit and
gunicorn's worker_exit hook call ``flush_all``). The number shown is the stored count plus
what is still buffered.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import threading
import time
import weakref
from functools import lru_cache

import sqlalchemy as sa
from crawlerdetect import CrawlerDetect
from flask import Flask, Request, Response, after_this_request, current_app
from itsdangerous import BadSignature, URLSafeSerializer
from redis.exceptions import RedisError

from app import cache as page_cache
from app.extensions import db
from app.news.models import Post

log = logging.getLogger(__name__)

COOKIE_NAME = "news_seen"
REVISIT_SECONDS = 30 * 60
COOKIE_MAX_POSTS = 40
REDIS_PREFIX = "news:views"

_detector = CrawlerDetect()


@lru_cache(maxsize=4096)
def is_bot(user_agent: str) -> bool:
    """Known crawlers, by a maintained list; an empty User-Agent is no browser either."""
    if not user_agent.strip():
        return True
    return bool(_detector.isCrawler(user_agent))


def is_prefetch(request: Request) -> bool:
    headers = request.headers
    purpose = (headers.get("Sec-Purpose", "") + " " + headers.get("Purpose", "")).lower()
    return "prefetch" in purpose or "prerender" in purpose or headers.get("X-Moz") == "prefetch"


def countable(request: Request) -> bool:
    """A page load by a person: GET, not prefetch, not a bot."""
    if request.method != "GET" or is_prefetch(request):
        return False
    return not is_bot(request.headers.get("User-Agent", ""))


def _serializer() -> URLSafeSerializer:
    return current_app.extensions["news_view_counter"].serializer


def seen_posts(request: Request, now: float) -> dict[int, float]:
    """Posts this browser was counted for within the last 30 minutes: {post id: time}."""
    raw = request.cookies.get(COOKIE_NAME)
    if not raw:
        return {}
    try:
        data = _serializer().loads(raw)
        return {
            int(post_id): float(when)
            for post_id, when in data
            if now - float(when) < REVISIT_SECONDS
        }
    except (BadSignature, TypeError, ValueError):
        return {}


def seen_cookie(seen: dict[int, float]) -> str:
    newest = sorted(seen.items(), key=lambda item: item[1], reverse=True)[:COOKIE_MAX_POSTS]
    return _serializer().dumps([[post_id, int(when)] for post_id, when in newest])


class ViewCounter:
    """Buffered increments for one app (one database)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.flush_every = int(app.config.get("NEWS_VIEW_FLUSH_EVERY", 100))
        self.flush_seconds = float(app.config.get("NEWS_VIEW_FLUSH_SECONDS", 5))
        self.enabled = bool(app.config.get("NEWS_VIEW_COUNTING", True))
        # Built once: the cookie is read and signed on every counted page load.
        self.serializer = URLSafeSerializer(app.secret_key, salt="news-seen")
        self._lock = threading.Lock()
        self._pending: dict[int, int] = {}
        self._hits = 0
        self._last_flush = time.monotonic()
        self._redis = None
        self._redis_logged = 0.0
        if app.config.get("REDIS_URL"):
            import redis

            self._redis = redis.Redis.from_url(
                app.config["REDIS_URL"], socket_timeout=0.5, socket_connect_timeout=0.5
            )
        # Post ids belong to one database: sites (or test runs) sharing a Redis must not mix.
        database = hashlib.sha256(str(app.config["SQLALCHEMY_DATABASE_URI"]).encode()).hexdigest()
        self.pending_key = f"{REDIS_PREFIX}:{database[:16]}:pending"
        self.lock_key = f"{REDIS_PREFIX}:{database[:16]}:flush-lock"

    # --- recording -------------------------------------------------------------------------
    def _redis_down(self, error: Exception) -> None:
        """Redis failed: count in this process's memory until it answers again (the counts
        are flushed from there as usual; only the cross-instance running total is lost)."""
        now = time.monotonic()
        if now - self._redis_logged > 60:
            self._redis_logged = now
            log.warning("view counter: Redis unavailable, counting in memory: %s", error)

    def add(self, post_id: int, n: int = 1) -> int:
        """Count ``n`` views; return the post's buffered count including them (read before any
        flush this call triggers, so stored-as-loaded + returned value is the true total)."""
        if self._redis is not None:
            try:
                pipe = self._redis.pipeline(transaction=False)
                pipe.hincrby(self.pending_key, str(post_id), n)
                # Whoever takes this short lock flushes: at most one flush per interval overall.
                pipe.set(self.lock_key, "1", nx=True, ex=max(1, int(self.flush_seconds)))
                value, due = pipe.execute()
            except RedisError as error:
                self._redis_down(error)
            else:
                if due:
                    self.flush()
                return int(value) + self._memory_pending(post_id)
        with self._lock:
            value = self._pending.get(post_id, 0) + n
            self._pending[post_id] = value
            self._hits += n
            due = (
                self._hits >= self.flush_every
                or time.monotonic() - self._last_flush >= self.flush_seconds
            )
        if due:
            self.flush()
        return value

    def _memory_pending(self, post_id: int) -> int:
        with self._lock:
            return self._pending.get(post_id, 0)

    def pending(self, post_id: int) -> int:
        if self._redis is not None:
            try:
                value = self._redis.hget(self.pending_key, str(post_id))
            except RedisError as error:
                self._redis_down(error)
            else:
                return int(value or 0) + self._memory_pending(post_id)
        return self._memory_pending(post_id)

    # --- flushing --------------------------------------------------------------------------
    def _take(self) -> dict[int, int]:
        with self._lock:
            taken, self._pending = self._pending, {}
            self._hits = 0
            self._last_flush = time.monotonic()
        if self._redis is not None:
            try:
                pipe = self._redis.pipeline(transaction=True)
                pipe.hgetall(self.pending_key)
                pipe.delete(self.pending_key)
                values, _ = pipe.execute()
            except RedisError as error:
                self._redis_down(error)
            else:
                for key, value in values.items():
                    if int(value):
                        taken[int(key)] = taken.get(int(key), 0) + int(value)
        return taken

    def _give_back(self, counts: dict[int, int]) -> None:
        if self._redis is not None:
            try:
                pipe = self._redis.pipeline(transaction=True)
                for post_id, n in counts.items():
                    pipe.hincrby(self.pending_key, str(post_id), n)
                pipe.execute()
                return
            except RedisError as error:
                self._redis_down(error)
        with self._lock:
            for post_id, n in counts.items():
                self._pending[post_id] = self._pending.get(post_id, 0) + n
                self._hits += n

    def flush(self) -> int:
        """Write buffered counts: one UPDATE per post, in one transaction. Returns views written."""
        counts = self._take()
        if not counts:
            return 0
        table = Post.__table__
        statement = (
            table.update()
            .where(table.c.id == sa.bindparam("pid"))
            # updated_at kept as it is: a view is not an edit (the sitemap's lastmod uses it).
            .values(
                view_count=table.c.view_count + sa.bindparam("n"), updated_at=table.c.updated_at
            )
        )
        # Sorted ids: concurrent flushes lock rows in the same order (no deadlock).
        params = [{"pid": pid, "n": n} for pid, n in sorted(counts.items())]
        try:
            with self.app.app_context(), db.engine.begin() as connection:
                connection.execute(statement, params)
                stored = connection.execute(
                    sa.select(table.c.id, table.c.view_count).where(table.c.id.in_(list(counts)))
                )
                stored = dict(stored.tuples().all())
        except Exception:
            # Keep the counts for the next flush rather than lose them.
            log.exception(
                "view counter flush failed; %d views kept for later", sum(counts.values())
            )
            self._give_back(counts)
            return 0
        with self.app.app_context():
            _keep_stored(stored)
        return sum(counts.values())


# --- A page load -----------------------------------------------------------------------------
#: Post pages show the stored count plus what is still buffered. The stored count is kept in
#: the page cache's store (refreshed by each flush), so that a cached post page costs no
#: database read; under the posts' content version, so that it never outlives its database.
#: Short: two flushes finishing out of order may leave the smaller count this long.
STORED_SECONDS = 60
_STORED = sa.select(Post.view_count).where(Post.id == sa.bindparam("id"))  # built once


def stored_views(post_id: int) -> int | None:
    """The post's stored view count; None when it has no row."""
    key = page_cache.data_key(f"views:{post_id}", posts_only=True)
    value = page_cache.use_store(lambda: page_cache.cache.get(key)) if key else None
    if value is None:
        value = db.session.execute(_STORED, {"id": post_id}).scalar()
        if key and value is not None:  # add, not set: a flush that stored a newer count keeps it
            page_cache.use_store(lambda: page_cache.cache.add(key, value, timeout=STORED_SECONDS))
    return value


def _keep_stored(counts: dict[int, int]) -> None:
    values = {page_cache.data_key(f"views:{pid}", posts_only=True): n for pid, n in counts.items()}
    if None not in values:
        page_cache.use_store(lambda: page_cache.cache.set_many(values, timeout=STORED_SECONDS))


def record_view(post_id: int, request: Request) -> int | None:
    """Count this load of a post if it is a person's first in 30 minutes (the cookie that
    remembers it is set on the response), and return the count to show: stored plus
    buffered, this load included. None when the post has no row."""
    stored = stored_views(post_id)  # read before ``add``, which may flush
    if stored is None:
        return None
    views = get_counter()
    if not views.enabled or not countable(request):
        return stored + views.pending(post_id)
    now = time.time()
    seen = seen_posts(request, now)
    if post_id in seen:
        return stored + views.pending(post_id)
    buffered = views.add(post_id)
    seen[post_id] = now
    cookie = seen_cookie(seen)
    after_this_request(lambda response: _set_seen_cookie(response, cookie))
    return stored + buffered


def _set_seen_cookie(response: Response, value: str) -> Response:
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=REVISIT_SECONDS,
        path="/news",
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    return response


_counters: weakref.WeakSet[ViewCounter] = weakref.WeakSet()


def init_app(app: Flask) -> ViewCounter:
    counter = ViewCounter(app)
    app.extensions["news_view_counter"] = counter
    _counters.add(counter)
    # Buffered views are written when the process exits; once per process, however many
    # apps it makes (unregister first: registering twice would flush twice).
    atexit.unregister(flush_all)
    atexit.register(flush_all)
    return counter


def get_counter() -> ViewCounter:
    return current_app.extensions["news_view_counter"]


def flush_all() -> int:
    """Flush every app's buffer; for atexit and gunicorn's ``worker_exit`` hook."""
    total = 0
    for counter in list(_counters):
        try:
            total += counter.flush()
        except Exception:  # at exit, a failure must not stop the other flushes
            log.exception("view counter flush at exit failed")
    return total
