from flask import Blueprint

bp = Blueprint("news", __name__)

from app.news import views  # noqa: E402,F401  (routes register on import)
