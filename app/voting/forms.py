"""Voting forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

CHOOSE = _l("Please choose one of the finalists.")


class BallotForm(FlaskForm):
    # The service checks the choice against the ballot (and says so in our own words).
    finalist = RadioField(
        _l("Your choice"),
        coerce=str,
        validate_choice=False,
        validators=[InputRequired(message=CHOOSE)],
    )


class ConfirmForm(FlaskForm):
    finalist = HiddenField(validators=[InputRequired(message=CHOOSE)])


class SeedSourceForm(FlaskForm):
    seed_source = TextAreaField(
        _l("Seed source"),
        description=_l(
            "Where the seed will come from, e.g. the first prize of the Government Lottery drawn on 16 Oct 2553."
        ),
        validators=[
            DataRequired(message=_l("Please fill in this field.")),
            Length(min=5, max=500, message=_l("Use between %(min)d and %(max)d characters.")),
        ],
    )


class SeedForm(FlaskForm):
    seed = StringField(
        _l("Seed"),
        description=_l("Type it exactly as published."),
        validators=[
            DataRequired(message=_l("Please fill in this field.")),
            Length(max=200, message=_l("Use at most %(max)d characters.")),
        ],
    )


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(message=_l("Please fill in this field.")),
            Length(min=5, max=1000, message=_l("Use between %(min)d and %(max)d characters.")),
        ],
    )
