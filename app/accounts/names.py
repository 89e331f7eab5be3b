"""Display names that cannot carry a link: the site mails them to whoever the address belongs
to, so a name such as "visit evil.example/win" would turn our mail into someone's advert."""

from __future__ import annotations

import re
import unicodedata

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts import bp

#: A scheme, "www.", or a dot (ASCII, full-width or ideographic) right after a character and
#: right before a top-level-domain-like word (two or more Latin letters, an IDN "xn--", "ไทย").
#: "Mr. Smith" and Thai abbreviations such as "ม.ล.สมชาย" pass; "evil.example", "Mr.Smith"
#: and "1.2.3.4" do not.
_LINK_LIKE = re.compile(
    r"[a-z][a-z0-9+.-]*:/|//|www\."
    r"|\S[.\u3002](?:xn--|[a-z]{2,63}\b|\u0e44\u0e17\u0e22(?![\w\u0e31-\u0e4e])|\d+[.\u3002]\d)",
)

NAME_HAS_LINK = _l(
    "A display name cannot contain a web address or a domain name. If a full stop is part "
    "of your name, put a space after it (for example “Mr. Somchai”)."
)


def _plain(text: str) -> str:
    """NFKC (full-width letters and dots become ASCII), no invisible format characters,
    case-folded: the form a mail program would read a link in."""
    folded = unicodedata.normalize("NFKC", text or "")
    return "".join(ch for ch in folded if unicodedata.category(ch) != "Cf").casefold()


def has_link(text: str) -> bool:
    """Whether ``text`` holds something a mail program could show as a link."""
    return bool(_LINK_LIKE.search(_plain(text)))


@bp.app_template_filter("mail_greeting")
def mail_greeting(display_name: str) -> str:
    """A mail's first line: "Hello <display name>," or, when the name looks like a link (one
    saved before the rule), a greeting without it."""
    if has_link(display_name):
        return _("Hello,")
    return _("Hello %(name)s,", name=display_name)
