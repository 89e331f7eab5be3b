"""The campaign screen in the admin area (admins only): the schedule (or extending voting)
and the settings, each locked with its reason when the rules no longer let it change."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.admin import admin_required, bp
from app.contest.admin_views import acting_user, waiting
from app.contest.campaigns import (
    SETTINGS_FIELDS,
    current_campaign,
    locked_settings,
    update_settings,
)
from app.contest.draw_pool import announced_draw
from app.contest.errors import ScheduleError
from app.contest.forms import ExtendVotingForm, ScheduleForm, SettingsForm
from app.contest.schedule import (
    SCHEDULE_FIELDS,
    extend_voting,
    parse_bangkok,
    schedule_changes,
    set_schedule,
)
from app.extensions import db
from app.i18n import BANGKOK, format_datetime
from app.models import utcnow


def _local_input(value: datetime | None) -> str:
    return value.astimezone(BANGKOK).strftime("%Y-%m-%dT%H:%M") if value else ""


def _read_time(text: str, stored: datetime | None, *, end: bool) -> datetime:
    """The time a schedule field means; unchanged text keeps the stored time exactly (the
    input shows minutes, so 23:59:59 would otherwise come back as 23:59)."""
    if stored is not None and text == _local_input(stored):
        return stored
    return parse_bangkok(text, end=end)


def _schedule_form(campaign) -> ScheduleForm:
    form = ScheduleForm(prefix="schedule")
    if campaign is not None and not form.is_submitted():
        for name in SCHEDULE_FIELDS:
            getattr(form, name).data = _local_input(getattr(campaign, name))
    return form


def _extend_form(campaign) -> ExtendVotingForm:
    form = ExtendVotingForm(prefix="extend")
    if campaign is not None and not form.is_submitted():
        form.voting_close.data = _local_input(campaign.voting_close)
    return form


def _schedule_context(campaign, extend_form=None) -> dict:
    now = utcnow()
    return {
        "changes": schedule_changes(campaign, now).value,
        "extend_form": extend_form or _extend_form(campaign),
        "waiting": waiting(campaign, now),
    }


def _settings_form(campaign) -> SettingsForm | None:
    if campaign is None:
        return None
    # obj: a locked field is disabled, so the browser does not send it; it keeps its value.
    return _lock_settings(
        _lock_fixed(SettingsForm(prefix="settings", obj=campaign), campaign), campaign
    )


def _lock_fixed(form: SettingsForm, campaign) -> SettingsForm:
    """Disable the settings a saved shortlist or open voting fixes (``locked_settings``);
    the browser does not send a disabled field, so it keeps the stored value (``obj``)."""
    for name, why in locked_settings(campaign, utcnow()).items():
        field = form[name]
        field.render_kw = {**(field.render_kw or {}), "disabled": True}
        field.description = why
        field.validators = []  # nothing sent is not an error: the stored value stands
    return form


def _lock_settings(form: SettingsForm, campaign) -> SettingsForm:
    """Disable what the rules no longer let change, and say why beside it."""
    announced = announced_draw(campaign)
    if announced is not None:
        form.draw_pool.render_kw = {"disabled": True}
        form.draw_pool.description = _(
            "Locked: the seed source of the prize draw was announced on %(date)s for this "
            "setting, so who can win can no longer change.",
            date=format_datetime(announced.announced_at),
        )
    return form


def _campaign_page(current, error=None, status=200, **forms):
    """The schedule screen; a form sent back with a refusal is shown as it was filled."""
    return (
        render_template(
            "contest/admin/campaign.html",
            campaign=current,
            schedule_form=forms.get("schedule_form") or _schedule_form(current),
            settings_form=forms.get("settings_form") or _settings_form(current),
            error=error,
            **_schedule_context(current, forms.get("extend_form")),
        ),
        status,
    )


def _change(change, done) -> str | None:
    """Make a schedule or settings change and commit it (None), or say why the rules refuse
    it (the message, shown beside the forms)."""
    try:
        change()
    except ScheduleError as problem:
        db.session.rollback()
        return str(problem.message)
    db.session.commit()
    flash(done, "success")
    return None


@bp.route("/campaign")
@admin_required
def campaign():
    return _campaign_page(current_campaign())


@bp.route("/campaign/schedule", methods=["POST"])
@admin_required
def campaign_schedule():
    current = current_campaign()
    form = _schedule_form(current)
    error = None
    if form.validate_on_submit():

        def save():
            times = [
                _read_time(
                    getattr(form, name).data,
                    getattr(current, name, None),
                    end=name.endswith("close"),
                )
                for name in SCHEDULE_FIELDS
            ]
            set_schedule(current, *times, actor=acting_user())

        error = _change(save, _("The schedule has been saved."))
        if error is None:
            return redirect(url_for("admin.campaign"))
    return _campaign_page(current, error, 400, schedule_form=form)


@bp.route("/campaign/extend", methods=["POST"])
@admin_required
def campaign_extend():
    current = current_campaign()
    if current is None:
        abort(404)
    form = _extend_form(current)
    error = None
    if form.validate_on_submit():

        def extend():
            new_close = _read_time(form.voting_close.data, current.voting_close, end=True)
            extend_voting(current, new_close, form.reason.data, actor=acting_user())

        error = _change(
            extend, _("Voting has been extended. The reason is published with the results.")
        )
        if error is None:
            return redirect(url_for("admin.campaign"))
    return _campaign_page(current, error, 400, extend_form=form)


@bp.route("/campaign/settings", methods=["POST"])
@admin_required
def campaign_settings():
    current = current_campaign()
    if current is None:
        abort(404)
    form = _settings_form(current)
    error = None
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in SETTINGS_FIELDS}
        error = _change(
            lambda: update_settings(current, values, actor=acting_user()),
            _("The settings have been saved."),
        )
        if error is None:
            return redirect(url_for("admin.campaign"))
    return _campaign_page(current, error, 400, settings_form=form)
