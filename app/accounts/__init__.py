from flask import Blueprint, Flask

bp = Blueprint("accounts", __name__)


def init_app(app: Flask) -> None:
    """Routes, ``flask create-admin``/``reset-2fa``, and this app's password hasher."""
    from app.accounts import cli, services

    app.extensions["password_hasher"] = services.password_hasher(app.config)
    app.register_blueprint(bp)
    cli.init_app(app)


from app.accounts import views  # noqa: E402,F401  (routes register on import)
