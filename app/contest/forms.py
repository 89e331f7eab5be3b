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
)
from wtforms.validators import DataRequired, InputRequired, NumberRange, ValidationError

from app.contest.entries import meaning_problems, name_problems
from app.contest.errors import ReviewError
from app.contest.models import MAX_ENTRIES_PER_PERSON, MAX_FINALISTS, MEANING_MAX, NAME_MAX
from app.contest.review import REASON_MAX, Decision, decision_reason
from app.contest.schedule import EXTENSION_REASON_MAX
from app.forms import REQUIRED, bilingual, strip_whitespace, text_field


class EntryForm(FlaskForm):
    # Generous lengths here; the exact rules (after normalisation) are the services'.
    proposed_name = text_field(
        _l("Proposed name"),
        NAME_MAX * 4,
        required=_l("Please enter the name you propose."),
        too_long=_l("This name is too long."),
        description=_l(
            "2 to 40 characters: Thai or Latin letters, digits, spaces and hyphens (-)."
        ),
        render_kw={"autocomplete": "off", "maxlength": NAME_MAX * 2},
    )
    meaning = text_field(
        _l("Meaning of the name"),
        MEANING_MAX * 4,
        area=True,
        required=_l("Please describe the meaning of the name."),
        too_long=_l("This text is too long."),
        description=_l("Why this name suits the mascot, in 10 to 500 characters."),
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
    reason = text_field(
        _l("Reason (required to reject; the person will see it)"),
        REASON_MAX,
        required=False,
        area=True,
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


def _moment_field(label, end: bool = False):
    """A Bangkok date and time of the schedule (parsed by the schedule's service); an end
    says that it is excluded."""
    return StringField(
        label,
        description=END_HINT if end else "",
        filters=[strip_whitespace],
        validators=[DataRequired(message=REQUIRED)],
        render_kw={"type": "datetime-local"},
    )


class ScheduleForm(FlaskForm):
    submissions_open = _moment_field(_l("Name proposals open"))
    submissions_close = _moment_field(_l("Name proposals close"), end=True)
    voting_open = _moment_field(_l("Voting opens"))
    voting_close = _moment_field(_l("Voting closes"), end=True)


class ExtendVotingForm(FlaskForm):
    """Once voting has opened: its close may only move later, with a published reason."""

    voting_close = _moment_field(_l("Voting closes"), end=True)
    reason = text_field(
        _l("Reason for the extension (published on the results page)"),
        EXTENSION_REASON_MAX,
        area=True,
        required=_l("Please give the reason for extending voting."),
        render_kw={"rows": 3, "maxlength": EXTENSION_REASON_MAX},
    )


def _count_field(label, least: int, most: int):
    return IntegerField(
        label,
        validators=[
            InputRequired(message=REQUIRED),
            NumberRange(min=least, max=most, message=_l("Use a number from %(min)s to %(max)s.")),
        ],
    )


class SettingsForm(FlaskForm):
    title_th, title_en = bilingual(_l("Title (Thai)"), _l("Title (English)"), 200)
    rules_th, rules_en = bilingual(
        _l("Rules (Thai)"), _l("Rules (English)"), 5000, required=False, area=True
    )
    prize_th, prize_en = bilingual(_l("Prize (Thai)"), _l("Prize (English)"), 300, required=False)
    entries_per_person = _count_field(_l("Entries per person"), 1, MAX_ENTRIES_PER_PERSON)
    finalists_count = _count_field(_l("Number of finalists"), 2, MAX_FINALISTS)
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
    display_name = text_field(_l("Display name"), NAME_MAX * 2)
    meaning = text_field(_l("Meaning"), MEANING_MAX * 2, area=True, render_kw={"rows": 4})

    def validate_meaning(self, field):
        problems = meaning_problems(field.data or "")
        if problems:
            raise ValidationError(problems[0])
