"""Account forms. Every message is given in our own words so that Thai readers get Thai."""

from __future__ import annotations

import time

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, URLSafeSerializer
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from app.accounts.identity import ADDRESS_INVALID as EMAIL_INVALID
from app.accounts.identity import AddressError, deliverable_email
from app.accounts.names import NAME_HAS_LINK, has_link
from app.accounts.services import DISPLAY_NAME_MAX, PASSWORD_MAX_LENGTH, password_problems
from app.forms import REQUIRED, text_field
from app.forms import strip_whitespace as _strip


def deliverable_address(form, field) -> None:
    """An address mail can be delivered to, in one canonical spelling (accounts/identity.py):
    a local part that is not ASCII after NFKC is refused with words that say so."""
    if not field.data:
        return
    try:
        deliverable_email(field.data)
    except AddressError as error:
        raise ValidationError(error.message) from None


def email_field(label=None, required: bool = True, description=""):
    """An e-mail address in one deliverable spelling; one not ``required`` may stay empty."""
    return EmailField(
        label or _l("E-mail"),
        description=description,
        filters=[_strip],
        validators=[
            DataRequired(message=REQUIRED) if required else Optional(),
            Length(max=254, message=_l("An e-mail address has at most 254 characters.")),
            Email(message=EMAIL_INVALID, check_deliverability=False),
            deliverable_address,
        ],
        render_kw={"autocomplete": "email", "inputmode": "email"},
    )


def _no_link(form, field) -> None:
    if has_link(field.data or ""):
        raise ValidationError(NAME_HAS_LINK)


def display_name_field():
    return text_field(
        _l("Display name"),
        DISPLAY_NAME_MAX,
        min_length=2,
        validators=[_no_link],
        description=_l("Shown beside your comments. You may use a nickname."),
        render_kw={"autocomplete": "nickname"},
    )


def new_password_field(label=None):
    return PasswordField(
        label or _l("Password"),
        description=_l(
            "At least 10 characters. A few unrelated words together are easy to remember "
            "and hard to guess."
        ),
        validators=[
            InputRequired(message=REQUIRED),
            Length(max=PASSWORD_MAX_LENGTH, message=_l("Use at most %(max)d characters.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


def current_password_field(label):
    """The password a person already has (to log in, or to confirm a change)."""
    return PasswordField(
        label,
        validators=[InputRequired(message=REQUIRED), Length(max=PASSWORD_MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )


class StrongPasswordMixin:
    """Checks the ``password`` field for strength against the other fields' words and the
    person's own (``personal_words``: their address and name, when the form has no field for
    them)."""

    strength_inputs: tuple[str, ...] = ()

    def __init__(self, *args, personal_words: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.personal_words = tuple(personal_words)

    def validate_password(self, field):
        inputs = [getattr(self, name).data or "" for name in self.strength_inputs]
        inputs.extend(self.personal_words)
        problems = password_problems(field.data or "", inputs)
        if problems:
            raise ValidationError(" ".join(problems))


def _form_clock() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="mascot:form-started")


class RegisterForm(StrongPasswordMixin, FlaskForm):
    strength_inputs = ("display_name", "email")

    display_name = display_name_field()
    email = email_field()
    password = new_password_field()
    consent = BooleanField(
        _l(
            "I have read the privacy notice and agree to the collection and use of my data as it says."
        ),
        validators=[
            DataRequired(message=_l("Please tick the box to agree to the privacy notice."))
        ],
    )
    # Bot traps: a field people never see, and the time the form was shown (signed).
    website = StringField(
        _l("Leave this field empty"), render_kw={"autocomplete": "off", "tabindex": "-1"}
    )
    started = HiddenField()

    def stamp(self) -> None:
        self.started.data = _form_clock().dumps(time.time())

    def looks_like_a_bot(self) -> bool:
        if self.website.data:
            return True
        try:
            started = float(_form_clock().loads(self.started.data or ""))
        except (BadSignature, TypeError, ValueError):
            return True
        return time.time() - started < current_app.config["REGISTER_MIN_SECONDS"]


class LoginForm(FlaskForm):
    email = email_field()
    password = current_password_field(_l("Password"))
    remember = BooleanField(_l("Keep me logged in on this device"))


class ResetRequestForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(StrongPasswordMixin, FlaskForm):
    password = new_password_field(_l("New password"))
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            InputRequired(message=REQUIRED),
            EqualTo("password", message=_l("The two passwords do not match.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ProfileForm(FlaskForm):
    display_name = display_name_field()


class ChangePasswordForm(StrongPasswordMixin, FlaskForm):
    current_password = current_password_field(_l("Current password"))
    password = new_password_field(_l("New password"))


class DeleteAccountForm(FlaskForm):
    current_password = current_password_field(_l("Your password"))
    confirm = BooleanField(
        _l("I understand that my account will be deleted and this cannot be undone."),
        validators=[DataRequired(message=_l("Please tick the box to confirm."))],
    )
