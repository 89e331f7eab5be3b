"""Staff tools in the admin area: users and roles, and the staff second factor.

Plain modules, no blueprint: the screens register on ``app.admin.bp`` when this package is
imported; ``init_app`` adds the menu entry.
"""

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from app.hooks import add_menu_item

    add_menu_item(app, "admin.users", _l("Users and roles"), admin_only=True)


from app.staff import two_factor_views, views  # noqa: E402,F401  (routes register on import)
