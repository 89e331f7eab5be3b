"""The feedback form and the staff answer form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.accounts.forms import EMAIL_INVALID, deliverable_address
from app.feedback.models import ANSWER_MAX, MESSAGE_MAX, MESSAGE_MIN
from app.forms import REQUIRED
from app.forms import strip_whitespace as _strip


class FeedbackForm(FlaskForm):
    topic = SelectField(
        _l("Topic"),
        coerce=int,
        validate_choice=False,  # the service checks it against the active topics
        validators=[DataRequired(message=_l("Please choose a topic from the list."))],
    )
    message = TextAreaField(
        _l("Your opinion, suggestion or complaint"),
        description=_l("Between 10 and 3,000 characters. Please do not include ID card numbers."),
        filters=[_strip],
        validators=[
            DataRequired(message=REQUIRED),
            Length(
                min=MESSAGE_MIN,
                max=MESSAGE_MAX,
                message=_l("Use between %(min)d and %(max)d characters."),
            ),
        ],
    )
    reply_email = StringField(
        _l("E-mail for our answer (optional)"),
        description=_l(
            "If you give an address, we also send the tracking code and the answer there. "
            "Without one, keep the tracking code shown after sending: the answer appears on "
            "its page."
        ),
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=254, message=_l("An e-mail address has at most 254 characters.")),
            Email(message=EMAIL_INVALID, check_deliverability=False),
            deliverable_address,
        ],
        render_kw={"autocomplete": "email", "inputmode": "email", "type": "email"},
    )
    consent = BooleanField(
        _l(
            "I have read the privacy notice and agree that my message and e-mail are used to answer me."
        ),
        validators=[
            DataRequired(message=_l("Please tick the box to agree to the privacy notice."))
        ],
    )


class TrackForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that only looks something up

    code = StringField(
        _l("Tracking code"), filters=[_strip], validators=[DataRequired(message=REQUIRED)]
    )


class AnswerForm(FlaskForm):
    answer = TextAreaField(
        _l("Answer"),
        filters=[_strip],
        validators=[
            DataRequired(message=REQUIRED),
            Length(
                min=2, max=ANSWER_MAX, message=_l("Use between %(min)d and %(max)d characters.")
            ),
        ],
    )


class TopicForm(FlaskForm):
    name_th = StringField(
        _l("Name in Thai"),
        filters=[_strip],
        validators=[DataRequired(message=REQUIRED), Length(max=120)],
    )
    name_en = StringField(
        _l("Name in English"),
        filters=[_strip],
        validators=[DataRequired(message=REQUIRED), Length(max=120)],
    )
    active = BooleanField(_l("Shown on the form"), default=True)
