"""Application factory."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app import config as app_config


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: configuration, extensions, the features, error handlers, logging."""
    instance_path = os.environ.get("INSTANCE_PATH") or None
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    from app.instance import private_dir, private_sqlite_file

    private_dir(app.instance_path)  # 0700: secret key, database, mail outbox, cache
    from app.errors import DatabaseInt

    app.url_map.converters["int"] = DatabaseInt  # before any route is added

    app.config.from_mapping(app_config.from_environment())
    app.config.from_pyfile("config.py", silent=True)
    if test_config:
        app.config.from_mapping(test_config)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", app.config["REDIS_KEY_PREFIX"])
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        db_file = Path(app.instance_path) / "mascot.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_file}"
    private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config.setdefault("MAIL_FILE_PATH", str(Path(app.instance_path) / "mail"))
    from app.mail import backend_name

    app.config["MAIL_BACKEND"] = backend_name(app.config["MAIL_BACKEND"])

    from app import security

    if app.config["PROXY_HOPS"]:
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    security.configure_secret_key(app)
    from app import urls

    urls.check_site_settings(app)
    security.refuse_per_process_rate_limits(app)
    from app import database, hooks, media
    from app.extensions import db

    # Request hooks run in the order they are registered; this is the one place that sets it.
    # The database's first: a writing request's SQLite transaction must begin IMMEDIATE before
    # any hook reads (the user, for one). Then the request id, then the upload limit (before
    # anything that reads the form), then the text check (before CSRF's own check).
    db.init_app(app)
    database.init_app(app)
    configure_logging(app)
    media.init_app(app)
    security.init_app(app)
    register_extensions(app)
    hooks.init_app(app)
    init_features(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    return app


def init_features(app: Flask) -> None:
    """Each feature's blueprint, commands, signal handlers, menu entries, home sections,
    exporters, seeders and search/feed entries (app/hooks.py)."""
    # Importing the packages first puts every admin screen on app.admin.bp before it is
    # registered. The order is the admin menu's and the demo seeders' (voting's seeder needs
    # the contest's campaign).
    from app import accounts, admin, contest, feedback, main, news, staff, voting

    for feature in (main, accounts, admin, contest, staff, feedback, news, voting):
        feature.init_app(app)


def configure_logging(app: Flask) -> None:
    from app.logging import configure

    configure(app)


def register_extensions(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from app import cache
    from app.extensions import babel, csrf, db, limiter, login_manager, mail, migrate
    from app.i18n import select_locale, select_timezone

    migrate.init_app(
        app,
        db,
        directory=str(Path(app.root_path).parent / "migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    from app import ratelimits  # before the limiter: its sqlite:// storage and default URI

    ratelimits.init_app(app)
    limiter.init_app(app)
    mail.init_app(app)
    cache.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


def register_errorhandlers(app: Flask) -> None:
    from app.errors import init_app

    init_app(app)


def register_template_helpers(app: Flask) -> None:
    from app import assets, urls
    from app.i18n import init_app

    init_app(app)
    assets.init_app(app)
    urls.init_app(app)
