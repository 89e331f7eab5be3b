"""Contest forms. The rules themselves are in the contest's modules; the forms only ask them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from app.contest.entries import meaning_problems, name_problems
from app.contest.errors import ReviewError
from app.contest.models import MAX_ENTRIES_PER_PERSON, MAX_FINALISTS, MEANING_MAX, NAME_MAX
from app.contest.review import REASON_MAX, Decision, decision_reason
from app.contest.schedule import EXTENSION_REASON_MAX
from app.forms import REQUIRED
from app.forms import strip_whitespace as _strip


class EntryForm(FlaskForm):
    proposed_name = StringField(
        _l("Proposed name"),
        description=_l(
            "2 to 40 characters: Thai or Latin letters, digits, spaces and hyphens (-)."
        ),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Please enter the name you propose.")),
            # Generous here; the exact rule (after normalisation) is in services.
            Length(max=NAME_MAX * 4, message=_l("This name is too long.")),
        ],
        render_kw={"autocomplete": "off", "maxlength": NAME_MAX * 2},
    )
    meaning = TextAreaField(
        _l("Meaning of the name"),
        description=_l("Why this name suits the mascot, in 10 to 500 characters."),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Please describe the meaning of the name.")),
            Length(max=MEANING_MAX * 4, message=_l("This text is too long.")),
        ],
        render_kw={"rows": 5, "maxlength": MEANING_MAX},
    )
    accept_rules = BooleanField(
        _l("I have read and accept the contest rules."),
        validators=[DataRequired(message=_l("Please tick the box to accept the contest rules."))],
    )
    submission_token = HiddenField()

    def validate_proposed_name(self, field):
        problems = name_problems(field.data or "")
        if problems:
            raise ValidationError(problems[0])

    def validate_meaning(self, field):
        problems = meaning_problems(field.data or "")
        if problems:
            raise ValidationError(problems[0])


class ReviewForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[SelectChoice("approve", _l("Approve")), SelectChoice("reject", _l("Reject"))],
        validators=[InputRequired(message=_l("Please choose approve or reject."))],
    )
    reason = TextAreaField(
        _l("Reason (required to reject; the person will see it)"),
        filters=[_strip],
        validators=[Length(max=REASON_MAX, message=_l("Use at most %(max)d characters."))],
        render_kw={"rows": 3},
    )

    def validate_reason(self, field):
        if field.errors or self.decision.data not in {d.value for d in Decision}:
            return  # already said (too long, or no decision)
        try:
            decision_reason(Decision(self.decision.data), field.data)
        except ReviewError as refused:  # the service's rule (a reason to reject), on the form
            raise ValidationError(refused.message) from None


END_HINT = _l(
    "The end itself is excluded: to include the whole of a day, end at 00:00 of the next day."
)


class ScheduleForm(FlaskForm):
    submissions_open = StringField(
        _l("Name proposals open"),
        filters=[_strip],
        validators=[DataRequired(message=REQUIRED)],
        render_kw={"type": "datetime-local"},
    )
    submissions_close = StringField(
        _l("Name proposals close"),
        description=END_HINT,
        filters=[_strip],
        validators=[DataRequired(message=REQUIRED)],
        render_kw={"type": "datetime-local"},
    )
    voting_open = StringField(
        _l("Voting opens"),
        filters=[_strip],
        validators=[DataRequired(message=REQUIRED)],
        render_kw={"type": "datetime-local"},
    )
    voting_close = StringField(
        _l("Voting closes"),
        description=END_HINT,
        filters=[_strip],
        validators=[DataRequired(message=REQUIRED)],
        render_kw={"type": "datetime-local"},
    )


class ExtendVotingForm(FlaskForm):
    """Once voting has opened: its close may only move later, with a published reason."""

    voting_close = StringField(
        _l("Voting closes"),
        description=END_HINT,
        filters=[_strip],
        validators=[DataRequired(message=REQUIRED)],
        render_kw={"type": "datetime-local"},
    )
    reason = TextAreaField(
        _l("Reason for the extension (published on the results page)"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Please give the reason for extending voting.")),
            Length(max=EXTENSION_REASON_MAX, message=_l("Use at most %(max)d characters.")),
        ],
        render_kw={"rows": 3, "maxlength": EXTENSION_REASON_MAX},
    )


class SettingsForm(FlaskForm):
    title_th = StringField(
        _l("Title (Thai)"),
        filters=[_strip],
        validators=[DataRequired(message=REQUIRED), Length(max=200)],
    )
    title_en = StringField(
        _l("Title (English)"),
        filters=[_strip],
        validators=[DataRequired(message=REQUIRED), Length(max=200)],
    )
    rules_th = TextAreaField(
        _l("Rules (Thai)"),
        filters=[_strip],
        validators=[Length(max=5000, message=_l("Use at most %(max)d characters."))],
    )
    rules_en = TextAreaField(
        _l("Rules (English)"),
        filters=[_strip],
        validators=[Length(max=5000, message=_l("Use at most %(max)d characters."))],
    )
    prize_th = StringField(
        _l("Prize (Thai)"),
        filters=[_strip],
        validators=[Length(max=300, message=_l("Use at most %(max)d characters."))],
    )
    prize_en = StringField(
        _l("Prize (English)"),
        filters=[_strip],
        validators=[Length(max=300, message=_l("Use at most %(max)d characters."))],
    )
    entries_per_person = IntegerField(
        _l("Entries per person"),
        validators=[
            InputRequired(message=REQUIRED),
            NumberRange(
                min=1,
                max=MAX_ENTRIES_PER_PERSON,
                message=_l("Use a number from %(min)s to %(max)s."),
            ),
        ],
    )
    finalists_count = IntegerField(
        _l("Number of finalists"),
        validators=[
            InputRequired(message=REQUIRED),
            NumberRange(
                min=2, max=MAX_FINALISTS, message=_l("Use a number from %(min)s to %(max)s.")
            ),
        ],
    )
    results_visibility = SelectField(
        _l("Results"),
        choices=[
            SelectChoice("after_close", _l("Hidden until voting closes")),
            SelectChoice("live", _l("Shown live during voting")),
        ],
    )
    draw_pool = SelectField(
        _l("Prize draw among"),
        choices=[
            SelectChoice("entrants", _l("People who proposed the winning name")),
            SelectChoice("voters", _l("People who voted for the winning name")),
        ],
    )


class FinalistForm(FlaskForm):
    display_name = StringField(
        _l("Display name"),
        filters=[_strip],
        validators=[DataRequired(message=REQUIRED), Length(max=NAME_MAX * 2)],
    )
    meaning = TextAreaField(
        _l("Meaning"),
        filters=[_strip],
        validators=[DataRequired(message=REQUIRED), Length(max=MEANING_MAX * 2)],
        render_kw={"rows": 4},
    )

    def validate_meaning(self, field):
        problems = meaning_problems(field.data or "")
        if problems:
            raise ValidationError(problems[0])
