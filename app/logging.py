"""Logs to stderr, each line carrying the request id (also sent back as X-Request-ID)."""

from __future__ import annotations

import logging
import re
import sys
import uuid

from flask import Flask, g, has_request_context, request

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

#: Paths whose last segment is a key: e-mail verification and password-reset tokens, and the
#: code that opens a piece of feedback (/feedback/track is a page, not a code).
_SECRET_SEGMENT = re.compile(r"(/(?:verify|reset|feedback)/)(?!track\b)[^/?#\s\"']+")
#: The same keys sent as query values (the feedback tracking form asks ?code=).
_SECRET_QUERY = re.compile(r"([?&](?:code|token)=)[^&#\s\"']+", re.IGNORECASE)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """``text`` with every token or code in a URL path or query replaced by ``[redacted]``."""
    text = _SECRET_SEGMENT.sub(rf"\1{REDACTED}", text)
    return _SECRET_QUERY.sub(rf"\1{REDACTED}", text)


class RedactSecrets(logging.Filter):
    """Keeps tokens out of log lines: a log file is read by more people than a mailbox, and a
    reset or verification link in it is as good as the password. Used on the app's handler and
    on gunicorn's access and error logs (gunicorn.conf.py)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def configure(app: Flask) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
    )
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactSecrets())
    app.logger.handlers = [handler]
    app.logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    app.logger.propagate = False

    @app.before_request
    def assign_request_id() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex

    @app.after_request
    def echo_request_id(response):
        if "request_id" in g:
            response.headers["X-Request-ID"] = g.request_id
        return response
