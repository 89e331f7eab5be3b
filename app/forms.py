"""What every feature's forms share: the filter that trims text and the required message."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

REQUIRED = _l("Please fill in this field.")


def strip_whitespace(value):
    """A WTForms filter: leading and trailing white space never counts."""
    return value.strip() if isinstance(value, str) else value
