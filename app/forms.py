"""What every feature's forms share: the filter that trims text, the required message, the
text-field factories (one text, or the Thai and English pair of one text), and the empty form
that CSRF-protects a POST-only button."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

REQUIRED = _l("Please fill in this field.")
AT_MOST = _l("Use at most %(max)d characters.")
BETWEEN = _l("Use between %(min)d and %(max)d characters.")


def strip_whitespace(value):
    """A WTForms filter: leading and trailing white space never counts."""
    return value.strip() if isinstance(value, str) else value


def text_field(
    label,
    max_length: int,
    *,
    min_length: int = -1,
    required: bool | str = True,
    area: bool = False,
    strip: bool = True,
    too_long=None,
    validators=(),
    **kwargs,
):
    """A text field (a text area with ``area``), trimmed unless ``strip`` is false, at most
    ``max_length`` characters (and at least ``min_length``), filled in unless ``required`` is
    false (a string: the message for an empty field). ``too_long`` replaces the length message;
    ``validators`` come after these, and the other keywords go to the field."""
    checks = [DataRequired(message=REQUIRED if required is True else required)] if required else []
    message = too_long or (BETWEEN if min_length > 0 else AT_MOST)
    checks.append(Length(min=min_length, max=max_length, message=message))
    field = TextAreaField if area else StringField
    filters = [strip_whitespace] if strip else []
    return field(label, filters=filters, validators=[*checks, *validators], **kwargs)


def bilingual(label_th, label_en, max_length: int, **kwargs):
    """The Thai and the English field of one text: alike but for their labels."""
    return text_field(label_th, max_length, **kwargs), text_field(label_en, max_length, **kwargs)


class EmptyForm(FlaskForm):
    """Carries only the CSRF token, for POST-only buttons (log out, approve, move, ...)."""
