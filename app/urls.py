"""Absolute URLs from the configured ``SITE_URL``, never from the request.

A link in a mail, a feed, the sitemap or an Open Graph tag outlives the request that made it.
Built from the request's ``Host`` (or ``X-Forwarded-Host``), anyone could have the site mail a
victim a reset link to their own server; built from ``SITE_URL``, the link always points home.
Relative links (``url_for`` without ``_external``) stay as they are.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import Flask, current_app, has_request_context, request
from werkzeug.routing import BuildError


class SiteSettingsError(RuntimeError):
    """Raised at start-up when SITE_URL is malformed, or missing in production with TRUSTED_HOSTS."""


def check_site_settings(app: Flask) -> None:
    """Refuse a malformed ``SITE_URL``; in production, refuse to start without ``SITE_URL`` or
    ``TRUSTED_HOSTS`` (one line each: the setting, and how to fix it)."""
    site = app.config.get("SITE_URL")
    production = app.config.get("APP_ENV") == "production"
    if not site and production:
        raise SiteSettingsError(
            "APP_ENV=production needs SITE_URL, the site's public address for links in mails "
            "and feeds (e.g. SITE_URL=https://mascot.egov.go.th)."
        )
    if site:
        parts = urlsplit(site)
        if parts.scheme not in {"http", "https"} or not parts.hostname or parts.query:
            raise SiteSettingsError(
                f"SITE_URL={site!r} is not an http(s) address: write it like "
                "https://mascot.egov.go.th (optionally with a path, no query)."
            )
        app.config["SITE_URL"] = site.rstrip("/")
    if production and not app.config.get("TRUSTED_HOSTS"):
        raise SiteSettingsError(
            "APP_ENV=production needs TRUSTED_HOSTS, the host names the site answers to, "
            "comma-separated (e.g. TRUSTED_HOSTS=mascot.egov.go.th)."
        )


def site_url() -> str:
    """The configured address of the site, without a trailing slash."""
    return current_app.config["SITE_URL"]


def absolute_url(endpoint: str, _anchor: str | None = None, **values) -> str:
    """``url_for(endpoint, **values)`` as a full URL under ``SITE_URL``, whatever the request's
    host, scheme or script root."""
    app = current_app._get_current_object()
    parts = urlsplit(site_url())
    adapter = app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    if endpoint.startswith(".") and has_request_context() and request.blueprint:
        endpoint = request.blueprint + endpoint
    app.inject_url_defaults(endpoint, values)
    url = adapter.build(endpoint, values, force_external=True)
    if _anchor is not None:
        url += "#" + quote(_anchor, safe="%!#$&'()*+,/:;=?@")
    return url


def absolute_path(path: str) -> str:
    """A path of this site (``/static/...``, ``/media/...``) as a full URL under ``SITE_URL``."""
    return site_url() + "/" + path.lstrip("/")


def this_page_url() -> str:
    """The page being shown, as a full URL under ``SITE_URL`` (query left out): its og:url."""
    if has_request_context() and request.endpoint and request.url_rule is not None:
        try:
            return absolute_url(request.endpoint, **(request.view_args or {}))
        except BuildError:  # a page that cannot be named again: the home page will do
            pass
    return absolute_url("main.home")


def same_site(url: str | None) -> bool:
    """Whether ``url`` (a Referer, say) points into this site."""
    return bool(url) and (url == site_url() or url.startswith(site_url() + "/"))


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        absolute_url=absolute_url,
        absolute_path=absolute_path,
        this_page_url=this_page_url,
        same_site=same_site,
    )
