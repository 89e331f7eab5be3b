from flask import Blueprint, Flask

bp = Blueprint("main", __name__)


def init_app(app: Flask) -> None:
    from app.main import cli

    app.register_blueprint(bp)
    cli.init_app(app)


from app.main import views  # noqa: E402,F401  (routes register on import)
