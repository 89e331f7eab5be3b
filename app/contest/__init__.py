from flask import Blueprint

bp = Blueprint("contest", __name__)

from app.contest import views  # noqa: E402,F401  (routes register on import)
