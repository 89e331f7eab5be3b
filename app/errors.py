"""Translated error pages: every failure the user can cause answers 4xx with words, not a 500."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, current_app, g, render_template
from flask.globals import request_ctx
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.routing import IntegerConverter

from app.domain import DomainError
from app.extensions import db, login_manager

MESSAGES = {
    400: (
        _l("The request could not be understood"),
        _l("Something in what was sent could not be read. Please go back, check it and try again."),
    ),
    403: (
        _l("You cannot open this page"),
        _l("Your account does not have permission for this page."),
    ),
    404: (
        _l("Page not found"),
        _l("The page you asked for does not exist or has moved. Try the home page or search."),
    ),
    405: (
        _l("This action is not allowed here"),
        _l("This page cannot be used that way. Please use the buttons and links on the site."),
    ),
    413: (
        _l("What you sent is too large"),
        _l("The form or file is larger than the site accepts. Please shorten it and try again."),
    ),
    429: (
        _l("Too many tries"),
        _l("You have tried this too many times in a short while. Please wait a few minutes."),
    ),
    500: (
        _l("Something went wrong on our side"),
        _l("We could not finish your request. Please try again later; nothing you saved is lost."),
    ),
    503: (
        _l("The service is busy for a moment"),
        _l(
            "We cannot reach our records right now. Please try again in a minute. If you had "
            "just sent a form, check whether it arrived before sending it again."
        ),
    ),
}
#: Any other HTTP error keeps its own status and gets these words (the code is shown beside).
GENERIC_CLIENT_ERROR = (
    _l("This request cannot be answered"),
    _l(
        "The site cannot answer the request as it was sent. Please go back, use the links and "
        "buttons on the site, and try again."
    ),
)
GENERIC_SERVER_ERROR = MESSAGES[500]
#: Headers an HTTP error carries that the page must keep (Allow on a 405, Content-Range on a
#: 416, Retry-After on a 429 or 503, WWW-Authenticate on a 401).
KEPT_HEADERS = ("Allow", "Content-Range", "Retry-After", "WWW-Authenticate")
#: Seconds a client is asked to wait when the database cannot be reached.
RETRY_AFTER = 30
BAD_TEXT = _l(
    "A field contained characters that are not allowed (for example a NUL byte or bytes that "
    "are not UTF-8 text). Please retype it and try again."
)
CSRF_TITLE = _l("This form has expired")
CSRF_MESSAGE = _l(
    "For your safety, forms are only valid for a while. Please reload the page and try again."
)


class DatabaseInt(IntegerConverter):
    """``<int:...>`` in URLs, limited to what an INTEGER column holds: a larger number is a 404."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def messages_for(status: int) -> tuple:
    """The (title, message) shown for an HTTP error status."""
    if status in MESSAGES:
        return MESSAGES[status]
    return GENERIC_CLIENT_ERROR if status < 500 else GENERIC_SERVER_ERROR


def render_error(status: int, title=None, message=None):
    default_title, default_message = messages_for(status)
    if request_ctx and request_ctx.url_adapter is None:
        # The Host header could not be read (a 64-character label, a host outside
        # TRUSTED_HOSTS): no URL can be built, so the page frame cannot be drawn.
        text = f"{status} {title or default_title}\n\n{message or default_message}\n"
        return text, status, {"Content-Type": "text/plain; charset=utf-8"}
    return (
        render_template(
            "errors/error.html",
            status=status,
            title=title or default_title,
            message=message or default_message,
        ),
        status,
        {},
    )


def handle_http_exception(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    if error.code == 400 and error.description == "bad-text":
        return render_error(400, message=BAD_TEXT)
    body, status, headers = render_error(error.code)
    kept = {name: value for name, value in error.get_headers() if name in KEPT_HEADERS}
    return body, status, {**headers, **kept}


def handle_csrf_error(error: CSRFError):
    return render_error(400, title=CSRF_TITLE, message=CSRF_MESSAGE)


def handle_out_of_range(error: Exception):
    """A number the database cannot hold (an id with 30 digits): bad input, not our fault."""
    db.session.rollback()
    return render_error(400)


def handle_statement_error(error: sa.exc.StatementError):
    if isinstance(error.orig, OverflowError | ValueError) or isinstance(error, sa.exc.DataError):
        return handle_out_of_range(error)
    if database_unavailable(error):
        return handle_database_unavailable(error)
    current_app.logger.error("database error", exc_info=error)
    return handle_server_error(error)


#: SQLite messages that mean "busy or unreachable", not "our bug" (no such table, and so on).
_SQLITE_UNAVAILABLE = ("database is locked", "unable to open database", "disk i/o error")


def database_unavailable(error: sa.exc.StatementError) -> bool:
    """The database could not be reached or is refusing work for now (try again later)."""
    if getattr(error, "connection_invalidated", False):
        return True
    if not isinstance(error, sa.exc.OperationalError | sa.exc.InterfaceError):
        return False
    orig = error.orig
    if type(orig).__module__.startswith("sqlite3"):
        return any(text in str(orig).lower() for text in _SQLITE_UNAVAILABLE)
    # PostgreSQL (psycopg): connection failures carry no SQLSTATE; otherwise the classes of
    # connection (08), resources (53), state (55: not accepting connections), operator
    # intervention (57: terminated, shutting down, statement timeout) and system (58).
    sqlstate = getattr(orig, "sqlstate", None)
    return sqlstate is None or sqlstate[:2] in {"08", "53", "55", "57", "58"}


def handle_database_unavailable(error: Exception):
    """The database is down, restarting or refusing connections: 503, and try again soon.

    The transaction was rolled back, so nothing of this request was half-saved. The pool
    checks connections before use (pool_pre_ping), so the next request reconnects by itself.
    """
    first_line = (str(error).splitlines() or [""])[0]
    current_app.logger.warning("database unavailable: %s", first_line[:300])
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        db.session.remove()
    headers = {"Retry-After": str(RETRY_AFTER)}
    # The page frame must not need the database: show it as to a visitor who is not logged in.
    g._login_user = login_manager.anonymous_user()
    try:
        body, _status, page_headers = render_error(503)
        headers.update(page_headers)
    except sa.exc.SQLAlchemyError:
        db.session.remove()
        title, message = MESSAGES[503]
        body = f"{title}\n\n{message}\n"
        headers["Content-Type"] = "text/plain; charset=utf-8"
    return body, 503, headers


def handle_domain_error(error: DomainError):
    """A rule said no (app/domain.py): nothing of the request is kept, and a page says why."""
    db.session.rollback()
    return render_template(error.template, message=error.message, **error.context()), error.status


def handle_server_error(error: Exception):
    db.session.rollback()
    return render_error(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(OverflowError, handle_out_of_range)
    app.register_error_handler(sa.exc.StatementError, handle_statement_error)
    # Every pooled connection busy for pool_timeout seconds: overloaded, try again shortly.
    app.register_error_handler(sa.exc.TimeoutError, handle_database_unavailable)
