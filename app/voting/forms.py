"""Voting forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField
from wtforms.validators import InputRequired

from app.forms import text_field

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
    seed_source = text_field(
        _l("Seed source"),
        500,
        min_length=5,
        area=True,
        strip=False,
        description=_l(
            "Where the seed will come from, e.g. the first prize of the Government Lottery drawn on 16 Oct 2553."
        ),
    )


class SeedForm(FlaskForm):
    # Not trimmed: it is checked exactly as typed.
    seed = text_field(_l("Seed"), 200, strip=False, description=_l("Type it exactly as published."))


class ReasonForm(FlaskForm):
    reason = text_field(_l("Reason"), 1000, min_length=5, area=True, strip=False)
