"""Display names that cannot carry a link: the site mails them to whoever the address belongs
to, so a name such as "visit evil.example/win" would turn our mail into someone's advert."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts import bp
from app.links import has_link

__all__ = ["NAME_HAS_LINK", "has_link", "mail_greeting"]

NAME_HAS_LINK = _l(
    "A display name cannot contain a web address or a domain name. If a full stop is part "
    "of your name, put a space after it (for example “Mr. Somchai”)."
)


@bp.app_template_filter("mail_greeting")
def mail_greeting(display_name: str) -> str:
    """A mail's first line: "Hello <display name>," or, when the name looks like a link (one
    saved before the rule), a greeting without it."""
    if has_link(display_name):
        return _("Hello,")
    return _("Hello %(name)s,", name=display_name)
