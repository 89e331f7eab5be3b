"""Home, the government-standard information pages, the site map and the health check."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import abort, jsonify, render_template

from app.cache import cached_page
from app.extensions import db, limiter
from app.hooks import hooks
from app.i18n import current_language
from app.main import bp

#: Information pages linked from the footer. Long documents are written whole in each
#: language (main/pages/<lang>/<name>.html) rather than cut into translatable sentences.
PAGES = {
    "website-policy": "website_policy",
    "privacy": "privacy",
    "cookies": "cookies",
    "accessibility": "accessibility",
    "contact": "contact",
}
#: Shown in the footer; bump when the published content changes.
LAST_UPDATED = date(2026, 11, 27)


@bp.app_context_processor
def _site_context() -> dict:
    return {"last_updated": LAST_UPDATED}


@bp.route("/")
@cached_page()
def home():
    # Blocks that features add in their init_app (app/hooks.py), lowest order first.
    sections = [(section.template, section.context()) for section in hooks().home_sections]
    return render_template("main/home.html", sections=sections)


@bp.route("/about/<slug>")
@cached_page()
def page(slug: str):
    name = PAGES.get(slug)
    if name is None:
        abort(404)
    return render_template(f"main/pages/{current_language()}/{name}.html")


@bp.route("/sitemap")
@cached_page()
def sitemap():
    return render_template("main/sitemap.html")


@bp.route("/ping")
@limiter.exempt
def ping():
    """A constant answer with no database work: the benchmarks' baseline."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


@bp.route("/healthz")
@limiter.exempt
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
