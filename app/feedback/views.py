"""/feedback: send a message; /feedback/<code>: follow it."""

from __future__ import annotations

from flask import current_app, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from app.extensions import db, limiter
from app.feedback import bp
from app.feedback import services as svc
from app.feedback.forms import FeedbackForm, TrackForm
from app.i18n import current_language
from app.mail import send_mail
from app.urls import absolute_url


def _limit() -> str:
    return current_app.config["RATELIMIT_FEEDBACK"]


def _form() -> FeedbackForm:
    form = FeedbackForm()
    lang = current_language()
    form.topic.choices = [(t.id, t.name(lang)) for t in svc.active_topics()]
    return form


@bp.route("/feedback", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def send():
    form = _form()
    error = None
    if form.validate_on_submit():
        try:
            feedback = svc.send_feedback(
                form.topic.data,
                form.message.data,
                form.reply_email.data,
                current_user if current_user.is_authenticated else None,
                current_language(),
            )
        except svc.FeedbackError as refused:
            db.session.rollback()
            error = refused.message
        else:
            db.session.commit()
            if feedback.reply_email:
                link = absolute_url("feedback.status", code=feedback.code)
                send_mail(
                    feedback.reply_email,
                    "feedback_received",
                    feedback.locale,
                    feedback=feedback,
                    link=link,
                )
            return redirect(url_for("feedback.status", code=feedback.code, sent=1))
    status = 400 if (form.errors or error) else 200
    return render_template(
        "feedback/send.html", form=form, error=error, track=TrackForm(formdata=None)
    ), status


@bp.route("/feedback/track")
def track():
    form = TrackForm(request.args)
    if form.validate() and svc.by_code(form.code.data):
        return redirect(url_for("feedback.status", code=form.code.data.strip().upper()))
    return render_template("feedback/not_found.html"), 404


@bp.route("/feedback/<code>")
def status(code: str):
    feedback = svc.by_code(code)
    if feedback is None:
        return render_template("feedback/not_found.html"), 404
    response = make_response(
        render_template(
            "feedback/status.html", feedback=feedback, just_sent=bool(request.args.get("sent"))
        )
    )
    # The code is the key: keep the page out of caches, search engines and Referer headers.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
