"""Static files: every URL carries a hash of the file's content (``?v=``), so browsers and
the proxy may cache them for a year and still see a change at once."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask

ONE_YEAR = 365 * 24 * 3600


@lru_cache(maxsize=512)
def _content_hash(path: str) -> str | None:
    file = Path(path)
    if not file.is_file():
        return None
    return hashlib.sha256(file.read_bytes()).hexdigest()[:12]


def init_app(app: Flask) -> None:
    static_folder = Path(app.static_folder or "")
    if app.debug:
        _content_hash.cache_clear()

    @app.url_defaults
    def _version_static(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = _content_hash(str(static_folder / values["filename"]))
            if version:
                values["v"] = version

    @app.after_request
    def _cache_versioned(response):
        from flask import request

        if request.endpoint == "static" and request.args.get("v") and response.status_code == 200:
            response.cache_control.public = True
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.immutable = True
        return response
