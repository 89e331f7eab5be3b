"""Contest screens in the admin area: overview, review, CSV export, shortlist, schedule.

The admin blueprint's guard already keeps out anyone who is not staff; admin-only screens
add ``admin_required``.
"""

from __future__ import annotations

from datetime import datetime

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.admin import add_menu_item, admin_required, bp
from app.audit import services as audit
from app.contest import services as svc
from app.contest.forms import (
    EmptyForm,
    ExtendVotingForm,
    FinalistForm,
    ReviewForm,
    ScheduleForm,
    SettingsForm,
)
from app.contest.models import Entry, EntryStatus, Finalist
from app.database import begin_write
from app.extensions import db
from app.i18n import BANGKOK, format_datetime
from app.models import utcnow

add_menu_item("admin.contest_overview", _l("Contest overview"))
add_menu_item("admin.entries", _l("Name entries"))
add_menu_item("admin.shortlist", _l("Shortlist"), admin_only=True)
add_menu_item("admin.campaign", _l("Campaign schedule"), admin_only=True)

PAGE_SIZE = 50


def _campaign_or_empty():
    campaign = svc.current_campaign()
    if campaign is None:
        return None, (render_template("contest/admin/no_campaign.html"), 200)
    return campaign, None


def _user() -> object:
    return current_user._get_current_object()


# --- overview (the dashboard's contest section) -----------------------------------------------


@bp.route("/contest")
def contest_overview():
    campaign, empty = _campaign_or_empty()
    if empty:
        return empty
    now = utcnow()
    per_day = svc.entries_per_day(campaign, days=14, now=now)
    peak = max((count for _day, count in per_day), default=0)
    return render_template(
        "contest/admin/overview.html",
        campaign=campaign,
        phase=svc.phase(campaign, now),
        labels=svc.PHASE_LABELS,
        countdown=svc.countdown(campaign, now),
        counts=svc.status_counts(campaign),
        per_day=per_day,
        peak=peak,
        finalists=svc.finalists(campaign),
        waiting=_waiting(campaign, now),
    )


# --- review -----------------------------------------------------------------------------------


def _filters() -> dict:
    status = request.args.get("status", "")
    if status not in {s.value for s in EntryStatus}:
        status = ""
    view = request.args.get("view", "list")
    return {
        "status": status,
        "q": request.args.get("q", "").strip()[:100],
        "view": view if view in ("list", "groups") else "list",
    }


@bp.route("/entries")
def entries():
    campaign, empty = _campaign_or_empty()
    if empty:
        return empty
    filters = _filters()
    page_number = request.args.get("page", 1, type=int) or 1
    counts = svc.status_counts(campaign)
    if filters["view"] == "groups":
        page = svc.groups_page(
            campaign, filters["status"], filters["q"], page_number, per_page=PAGE_SIZE
        )
        group_counts = {}
    else:
        page = svc.entries_page(
            campaign, filters["status"], filters["q"], page_number, per_page=PAGE_SIZE
        )
        group_counts = svc.group_counts(campaign, [e.normalised_name for e in page.items])
    return render_template(
        "contest/admin/entries.html",
        campaign=campaign,
        page=page,
        filters=filters,
        counts=counts,
        group_counts=group_counts,
        form=EmptyForm(),
        review_open=svc.review_open(campaign),
        review_closed=svc.REVIEW_CLOSED,
    )


@bp.route("/entries/<int:entry_id>", methods=["GET", "POST"])
def entry_detail(entry_id: int):
    entry = db.get_or_404(Entry, entry_id)
    form = ReviewForm()
    if form.validate_on_submit():
        svc.review_entry(entry, svc.Decision(form.decision.data), form.reason.data, _user())
        db.session.commit()
        flash(_("Entry %(code)s saved.", code=entry.reference_code), "success")
        return redirect(url_for("admin.entries"))
    same = svc.group_counts(entry.campaign, [entry.normalised_name]).get(entry.normalised_name, 1)
    keeps = svc.finalist_held_by(entry)  # rejecting it is refused: the option is not offered
    return (
        render_template(
            "contest/admin/entry.html",
            entry=entry,
            form=form,
            same=same,
            keeps=keeps,
            review_open=svc.review_open(entry.campaign),
            review_closed=svc.REVIEW_CLOSED,
        ),
        400 if form.errors else 200,
    )


@bp.route("/entries/<int:entry_id>/approve", methods=["POST"])
def approve_entry(entry_id: int):
    entry = db.get_or_404(Entry, entry_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    svc.review_entry(entry, svc.Decision.APPROVE, None, _user())
    db.session.commit()
    flash(_("Entry %(code)s approved.", code=entry.reference_code), "success")
    return redirect(url_for("admin.entries", **_return_filters()))


def _return_filters() -> dict:
    keys = ("status", "q", "view", "page")
    return {k: request.form.get(k) for k in keys if request.form.get(k)}


def _selected_ids() -> list[int]:
    return [int(v) for v in request.form.getlist("entry") if v.isdecimal()][: svc.BULK_MAX]


@bp.route("/entries/bulk", methods=["POST"])
def bulk_review():
    campaign, empty = _campaign_or_empty()
    if empty:
        return empty
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    action = request.form.get("action", "")
    reason = request.form.get("reason", "").strip()
    back = url_for("admin.entries", **_return_filters())
    if action not in ("approve", "reject"):
        flash(_("Please choose an action for the selected entries."), "error")
        return redirect(back)
    chosen = svc.entries_by_ids(campaign, _selected_ids())
    if not chosen:
        flash(_("Please choose at least one entry."), "error")
        return redirect(back)
    if action == "reject" and not reason:
        flash(_("Please give a reason for rejecting."), "error")
        return redirect(back)
    if request.form.get("confirm") != "yes":
        stranded = svc.finalists_stranded_by(campaign.id, chosen) if action == "reject" else []
        return render_template(
            "contest/admin/bulk_confirm.html",
            entries=chosen,
            action=action,
            reason=reason,
            form=form,
            filters=_return_filters(),
            stranded=stranded,  # the service refuses these: no confirm button then
        )
    done = svc.bulk_review(campaign, [e.id for e in chosen], svc.Decision(action), reason, _user())
    db.session.commit()
    flash(_("%(num)d entries saved.", num=done), "success")
    return redirect(back)


@bp.route("/entries.csv")
@admin_required
def entries_csv():
    begin_write()  # a GET that writes (the audit entry): SQLite's lock before the reads
    campaign, empty = _campaign_or_empty()
    if empty:
        return empty
    filters = _filters()
    stamp = datetime.now(BANGKOK).strftime("%Y%m%d-%H%M")
    audit.record(
        "entries.export",
        "campaign",
        campaign.id,
        after={"status": filters["status"] or None, "search": filters["q"] or None},
    )
    db.session.commit()
    # Streamed in chunks: the first bytes leave at once and memory stays flat at 100,000 rows.
    chunks = svc.export_csv(campaign, filters["status"], filters["q"])
    return Response(
        stream_with_context(chunk.encode("utf-8") for chunk in chunks),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="entries-{campaign.id}-{stamp}.csv"',
            "Cache-Control": "no-store",
        },
    )


# --- shortlist --------------------------------------------------------------------------------


@bp.route("/shortlist", methods=["GET", "POST"])
@admin_required
def shortlist():
    campaign, empty = _campaign_or_empty()
    if empty:
        return empty
    form = EmptyForm()
    now = utcnow()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            svc.set_shortlist(campaign, request.form.getlist("name"), _user(), now=now)
        except svc.ShortlistError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return redirect(url_for("admin.shortlist"))
        db.session.commit()
        flash(_("The shortlist has been saved."), "success")
        return redirect(url_for("admin.shortlist"))
    current = svc.finalists(campaign)
    return render_template(
        "contest/admin/shortlist.html",
        campaign=campaign,
        finalists=current,
        chosen={f.normalised_name for f in current},
        names=svc.approved_names(campaign),
        locked=svc.shortlist_locked(campaign, now),
        form=form,
        waiting=_waiting(campaign, now),
    )


@bp.route("/shortlist/clear", methods=["POST"])
@admin_required
def shortlist_clear():
    campaign, empty = _campaign_or_empty()
    if empty:
        return empty
    if not EmptyForm().validate_on_submit():
        abort(400)
    svc.clear_shortlist(campaign, _user())
    db.session.commit()
    flash(_("The shortlist has been cleared."), "success")
    return redirect(url_for("admin.shortlist"))


@bp.route("/shortlist/<int:finalist_id>", methods=["GET", "POST"])
@admin_required
def finalist_edit(finalist_id: int):
    finalist = db.get_or_404(Finalist, finalist_id)
    form = FinalistForm(obj=finalist)
    if form.validate_on_submit():
        try:
            svc.update_finalist(finalist, form.display_name.data, form.meaning.data, _user())
        except svc.ShortlistError as error:  # the new name is another name: said on the form
            db.session.rollback()
            form.display_name.errors = [error.message]
        else:
            db.session.commit()
            flash(_("The finalist has been saved."), "success")
            return redirect(url_for("admin.shortlist"))
    locked = svc.shortlist_locked(finalist.campaign, utcnow())
    return (
        render_template("contest/admin/finalist.html", finalist=finalist, form=form, locked=locked),
        400 if form.errors else 200,
    )


@bp.route("/shortlist/<int:finalist_id>/move", methods=["POST"])
@admin_required
def finalist_move(finalist_id: int):
    finalist = db.get_or_404(Finalist, finalist_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    svc.move_finalist(finalist, request.form.get("direction", ""), _user())
    db.session.commit()
    return redirect(url_for("admin.shortlist"))


# --- campaign schedule and settings -----------------------------------------------------------


def _local_input(value: datetime | None) -> str:
    return value.astimezone(BANGKOK).strftime("%Y-%m-%dT%H:%M") if value else ""


def _read_time(text: str, stored: datetime | None, *, end: bool) -> datetime:
    """The time a schedule field means; unchanged text keeps the stored time exactly (the
    input shows minutes, so 23:59:59 would otherwise come back as 23:59)."""
    if stored is not None and text == _local_input(stored):
        return stored
    return svc.parse_bangkok(text, end=end)


def _schedule_form(campaign) -> ScheduleForm:
    form = ScheduleForm(prefix="schedule")
    if campaign is not None and not form.is_submitted():
        for name in svc.SCHEDULE_FIELDS:
            getattr(form, name).data = _local_input(getattr(campaign, name))
    return form


def _extend_form(campaign) -> ExtendVotingForm:
    form = ExtendVotingForm(prefix="extend")
    if campaign is not None and not form.is_submitted():
        form.voting_close.data = _local_input(campaign.voting_close)
    return form


def _waiting(campaign, now) -> dict | None:
    """Voting's time has come without a complete shortlist: what the admin screens say."""
    if campaign is None or not svc.voting_waits_for_shortlist(campaign, now):
        return None
    return {"saved": svc.finalists_saved(campaign), "count": campaign.finalists_count}


def _schedule_context(campaign, extend_form=None) -> dict:
    now = utcnow()
    return {
        "changes": svc.schedule_changes(campaign, now).value,
        "extend_form": extend_form or _extend_form(campaign),
        "waiting": _waiting(campaign, now),
    }


def _settings_form(campaign) -> SettingsForm | None:
    if campaign is None:
        return None
    # obj: a locked field is disabled, so the browser does not send it; it keeps its value.
    return _lock_settings(
        _lock_fixed(SettingsForm(prefix="settings", obj=campaign), campaign), campaign
    )


def _lock_fixed(form: SettingsForm, campaign) -> SettingsForm:
    """Disable the settings a saved shortlist or open voting fixes (``svc.locked_settings``);
    the browser does not send a disabled field, so it keeps the stored value (``obj``)."""
    for name, why in svc.locked_settings(campaign, utcnow()).items():
        field = form[name]
        field.render_kw = {**(field.render_kw or {}), "disabled": True}
        field.description = why
        field.validators = []  # nothing sent is not an error: the stored value stands
    return form


def _lock_settings(form: SettingsForm, campaign) -> SettingsForm:
    """Disable what the rules no longer let change, and say why beside it."""
    announced = svc.announced_draw(campaign)
    if announced is not None:
        form.draw_pool.render_kw = {"disabled": True}
        form.draw_pool.description = _(
            "Locked: the seed source of the prize draw was announced on %(date)s for this "
            "setting, so who can win can no longer change.",
            date=format_datetime(announced.announced_at),
        )
    return form


@bp.route("/campaign")
@admin_required
def campaign():
    current = svc.current_campaign()
    return render_template(
        "contest/admin/campaign.html",
        campaign=current,
        schedule_form=_schedule_form(current),
        settings_form=_settings_form(current),
        error=None,
        **_schedule_context(current),
    )


@bp.route("/campaign/schedule", methods=["POST"])
@admin_required
def campaign_schedule():
    current = svc.current_campaign()
    form = _schedule_form(current)
    error = None
    if form.validate_on_submit():
        try:
            times = [
                _read_time(
                    getattr(form, name).data,
                    getattr(current, name, None),
                    end=name.endswith("close"),
                )
                for name in svc.SCHEDULE_FIELDS
            ]
            svc.set_schedule(current, *times, actor=_user())
        except svc.ScheduleError as problem:
            db.session.rollback()
            error = str(problem.message)
        else:
            db.session.commit()
            flash(_("The schedule has been saved."), "success")
            return redirect(url_for("admin.campaign"))
    return (
        render_template(
            "contest/admin/campaign.html",
            campaign=current,
            schedule_form=form,
            settings_form=_settings_form(current),
            error=error,
            **_schedule_context(current),
        ),
        400,
    )


@bp.route("/campaign/extend", methods=["POST"])
@admin_required
def campaign_extend():
    current = svc.current_campaign()
    if current is None:
        abort(404)
    form = _extend_form(current)
    error = None
    if form.validate_on_submit():
        try:
            new_close = _read_time(form.voting_close.data, current.voting_close, end=True)
            svc.extend_voting(current, new_close, form.reason.data, actor=_user())
        except svc.ScheduleError as problem:
            db.session.rollback()
            error = str(problem.message)
        else:
            db.session.commit()
            flash(
                _("Voting has been extended. The reason is published with the results."), "success"
            )
            return redirect(url_for("admin.campaign"))
    return (
        render_template(
            "contest/admin/campaign.html",
            campaign=current,
            schedule_form=_schedule_form(current),
            settings_form=_settings_form(current),
            error=error,
            **_schedule_context(current, form),
        ),
        400,
    )


@bp.route("/campaign/settings", methods=["POST"])
@admin_required
def campaign_settings():
    current = svc.current_campaign()
    if current is None:
        abort(404)
    form = _settings_form(current)
    error = None
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in svc.SETTINGS_FIELDS}
        try:
            svc.update_settings(current, values, actor=_user())
        except svc.ScheduleError as problem:
            db.session.rollback()
            error = str(problem.message)
        else:
            db.session.commit()
            flash(_("The settings have been saved."), "success")
            return redirect(url_for("admin.campaign"))
    return (
        render_template(
            "contest/admin/campaign.html",
            campaign=current,
            schedule_form=_schedule_form(current),
            settings_form=form,
            error=error,
            **_schedule_context(current),
        ),
        400,
    )


def dashboard_context() -> dict:
    """For the admin dashboard (app/admin/views.py index): the contest's card, or None."""
    campaign = svc.current_campaign()
    if campaign is None:
        return {"contest_card": None}
    now = utcnow()
    return {
        "contest_card": {
            "phase_label": svc.PHASE_LABELS[svc.phase(campaign, now)],
            "countdown": svc.countdown(campaign, now),
            "counts": svc.status_counts(campaign),
            "per_day": svc.entries_per_day(campaign, days=7, now=now),
            "waiting": _waiting(campaign, now),
        }
    }
