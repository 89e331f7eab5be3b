"""/admin/feedback: read, answer (by e-mail and on the status page) and close; topics."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import admin_required, bp
from app.extensions import db
from app.feedback import services as svc
from app.feedback.forms import AnswerForm, TopicForm
from app.feedback.models import Feedback, FeedbackTopic
from app.forms import EmptyForm
from app.mail import send_mail
from app.urls import absolute_url


@bp.route("/feedback")
def feedback_inbox():
    status = request.args.get("status") or None
    page = request.args.get("page", 1, type=int)
    return render_template(
        "feedback/admin/inbox.html",
        page=svc.inbox(status, max(page, 1)),
        status=status,
        counts=svc.status_counts(),
    )


def _item_page(feedback, form=None, status=200):
    return render_template(
        "feedback/admin/item.html",
        feedback=feedback,
        form=form or AnswerForm(formdata=None, answer=feedback.answer),
        close_form=EmptyForm(),
    ), status


@bp.route("/feedback/<int:feedback_id>")
def feedback_item(feedback_id: int):
    return _item_page(db.get_or_404(Feedback, feedback_id))


@bp.route("/feedback/<int:feedback_id>/answer", methods=["POST"])
def feedback_answer(feedback_id: int):
    feedback = db.get_or_404(Feedback, feedback_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _item_page(feedback, form, 400)
    try:
        svc.answer(feedback, form.answer.data, current_user)
    except svc.FeedbackError as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
        return redirect(url_for("admin.feedback_item", feedback_id=feedback_id))
    db.session.commit()
    if feedback.reply_email:
        link = absolute_url("feedback.status", code=feedback.code)
        send_mail(
            feedback.reply_email, "feedback_answered", feedback.locale, feedback=feedback, link=link
        )
    if feedback.reply_email:
        flash(_("The answer is saved and sent."), "success")
    else:
        flash(_("The answer is saved: the sender sees it with the tracking code."), "success")
    return redirect(url_for("admin.feedback_item", feedback_id=feedback_id))


@bp.route("/feedback/<int:feedback_id>/close", methods=["POST"])
def feedback_close(feedback_id: int):
    feedback = db.get_or_404(Feedback, feedback_id)
    _saved(lambda: svc.close(feedback, current_user), _("The message is closed."))
    return redirect(url_for("admin.feedback_item", feedback_id=feedback_id))


def _saved(change, done: str) -> None:
    """Make a change and commit it, or roll back and show why the rules refuse it (flashed
    on the screen the form came from)."""
    try:
        change()
    except svc.FeedbackError as refused:
        db.session.rollback()
        flash(str(refused.message), "error")
    else:
        db.session.commit()
        flash(done, "success")


@bp.route("/feedback/topics", methods=["GET", "POST"])
@admin_required
def feedback_topics():
    form = TopicForm()
    if form.validate_on_submit():
        topic = db.session.get(FeedbackTopic, request.form.get("topic_id", type=int) or 0)
        _saved(
            lambda: svc.save_topic(
                topic, form.name_th.data, form.name_en.data, form.active.data, current_user
            ),
            _("The topic is saved."),
        )
        return redirect(url_for("admin.feedback_topics"))
    status = 400 if form.errors else 200
    return render_template("feedback/admin/topics.html", form=form, topics=svc.all_topics()), status
