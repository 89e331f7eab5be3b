"""What every feature's forms share: the filter that trims text, the required message, and
the empty form that CSRF-protects a POST-only button."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

REQUIRED = _l("Please fill in this field.")


def strip_whitespace(value):
    """A WTForms filter: leading and trailing white space never counts."""
    return value.strip() if isinstance(value, str) else value


class EmptyForm(FlaskForm):
    """Carries only the CSRF token, for POST-only buttons (log out, approve, move, ...)."""
