"""The feedback form and the staff answer form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired

from app.accounts.forms import email_field
from app.feedback.models import ANSWER_MAX, MESSAGE_MAX, MESSAGE_MIN
from app.forms import REQUIRED, bilingual, strip_whitespace, text_field


class FeedbackForm(FlaskForm):
    topic = SelectField(
        _l("Topic"),
        coerce=int,
        validate_choice=False,  # the service checks it against the active topics
        validators=[DataRequired(message=_l("Please choose a topic from the list."))],
    )
    message = text_field(
        _l("Your opinion, suggestion or complaint"),
        MESSAGE_MAX,
        min_length=MESSAGE_MIN,
        area=True,
        description=_l("Between 10 and 3,000 characters. Please do not include ID card numbers."),
    )
    reply_email = email_field(
        _l("E-mail for our answer (optional)"),
        required=False,
        description=_l(
            "If you give an address, we also send the tracking code and the answer there. "
            "Without one, keep the tracking code shown after sending: the answer appears on "
            "its page."
        ),
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
        _l("Tracking code"), filters=[strip_whitespace], validators=[DataRequired(message=REQUIRED)]
    )


class AnswerForm(FlaskForm):
    answer = text_field(_l("Answer"), ANSWER_MAX, min_length=2, area=True)


class TopicForm(FlaskForm):
    name_th, name_en = bilingual(_l("Name in Thai"), _l("Name in English"), 120)
    active = BooleanField(_l("Shown on the form"), default=True)
