"""Staff screens: posts (create, edit, preview, publish, unpublish) and the moderation queue of
comments and trackbacks. The admin blueprint already turns away everyone but staff."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import media
from app.admin import bp
from app.extensions import db
from app.forms import EmptyForm
from app.models import utcnow
from app.news import moderation, text
from app.news.comments import REPORTS_TO_HIDE
from app.news.forms import PostForm
from app.news.models import Comment, ModerationWord, Post, Trackback
from app.news.posts import NewsError, create_post, publish_post, unpublish_post, update_post

ADMIN_PAGE_SIZE = 25
ACTION_LABELS = {"approve": _l("Approve"), "hide": _l("Hide"), "spam": _l("Mark as spam")}


@bp.route("/posts")
def news_posts():
    page = db.paginate(
        sa.select(Post).order_by(Post.created_at.desc(), Post.id.desc()),
        per_page=ADMIN_PAGE_SIZE,
        max_per_page=ADMIN_PAGE_SIZE,
        error_out=False,
    )
    return render_template(
        "news/admin/posts.html", page=page, action_form=EmptyForm(), now=utcnow()
    )


def _apply_error(form: PostForm, error: NewsError) -> None:
    field = getattr(form, error.field or "slug", form.slug)
    field.errors = [*field.errors, str(error.message)]


def _preview(form: PostForm) -> dict:
    return {
        "html_th": text.render_markdown(form.body_th.data or ""),
        "html_en": text.render_markdown(form.body_en.data or ""),
    }


def _valid_with_upload(form: PostForm) -> bool:
    """``validate_on_submit()``, and the uploaded image (if any) stored with its address put in
    the form, even when another field is wrong: the form sent back keeps it, and nobody has to
    pick the file again. Nothing is stored from a form with a bad CSRF token."""
    valid = form.validate_on_submit()
    if not form.is_submitted() or "csrf_token" in form.errors:
        return False
    return _take_upload(form) and valid


def _take_upload(form: PostForm) -> bool:
    upload = form.image_file.data
    if not upload or not upload.filename:
        return True
    try:
        form.image_path.data = media.save_image(upload)
    except media.ImageError as error:
        form.image_file.errors = [*form.image_file.errors, str(error.message)]
        return False
    return True


@bp.route("/posts/new", methods=["GET", "POST"])
@media.accepts_upload
def news_post_new():
    form = PostForm()
    preview = None
    if _valid_with_upload(form):
        if "preview" in request.form:
            preview = _preview(form)
        else:
            try:
                post = create_post(form.to_data(), actor=current_user)
            except NewsError as error:
                db.session.rollback()
                _apply_error(form, error)
            else:
                db.session.commit()
                flash(_("The post has been saved."), "success")
                return redirect(url_for("admin.news_post_edit", post_id=post.id))
    status = 400 if form.errors else 200
    return render_template("news/admin/edit.html", form=form, post=None, preview=preview), status


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@media.accepts_upload
def news_post_edit(post_id: int):
    post = db.get_or_404(Post, post_id)
    form = PostForm()
    preview = None
    if request.method == "GET":
        form.fill_from(post)
    elif _valid_with_upload(form):
        if "preview" in request.form:
            preview = _preview(form)
        else:
            try:
                update_post(post, form.to_data(), actor=current_user)
            except NewsError as error:
                db.session.rollback()
                _apply_error(form, error)
            else:
                db.session.commit()
                flash(_("The post has been saved."), "success")
                return redirect(url_for("admin.news_post_edit", post_id=post.id))
    status = 400 if form.errors else 200
    return render_template(
        "news/admin/edit.html",
        form=form,
        post=post,
        preview=preview,
        action_form=EmptyForm(),
        now=utcnow(),
    ), status


@bp.route("/posts/<int:post_id>/publish", methods=["POST"])
def news_post_publish(post_id: int):
    return _publishing(post_id, publish_post, _("The post is published."))


@bp.route("/posts/<int:post_id>/unpublish", methods=["POST"])
def news_post_unpublish(post_id: int):
    return _publishing(post_id, unpublish_post, _("The post is no longer published."))


def _publishing(post_id: int, change, done: str):
    """Publish or unpublish a post, then back to the list or the post's form."""
    post = db.get_or_404(Post, post_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    change(post, actor=current_user)
    db.session.commit()
    flash(done, "success")
    return redirect(
        (request.form.get("back") == "list" and url_for("admin.news_posts"))
        or url_for("admin.news_post_edit", post_id=post.id)
    )


# --- Moderation queue ------------------------------------------------------------------------


def _tab() -> str:
    tab = request.values.get("tab", "pending")
    return tab if tab in moderation.QUEUE_TABS else "pending"


@bp.route("/comments")
def news_comments():
    tab = _tab()
    page = db.paginate(
        moderation.comment_queue_query(tab),
        per_page=ADMIN_PAGE_SIZE,
        max_per_page=ADMIN_PAGE_SIZE,
        error_out=False,
    )
    return render_template(
        "news/admin/comments.html",
        tab=tab,
        page=page,
        trackbacks=moderation.trackback_queue(tab),
        counts=moderation.queue_counts(),
        action_form=EmptyForm(),
        actions=ACTION_LABELS,
        reports_to_hide=REPORTS_TO_HIDE,
        words=list(db.session.scalars(sa.select(ModerationWord).order_by(ModerationWord.word))),
    )


@bp.route("/comments/<int:comment_id>/<action>", methods=["POST"])
def news_comment_moderate(comment_id: int, action: str):
    return _moderate(Comment, comment_id, action, moderation.moderate_comment)


@bp.route("/trackbacks/<int:trackback_id>/<action>", methods=["POST"])
def news_trackback_moderate(trackback_id: int, action: str):
    return _moderate(Trackback, trackback_id, action, moderation.moderate_trackback)


def _moderate(model, item_id: int, action: str, decide):
    """One moderator decision on a comment or a trackback, then back to the queue's tab."""
    if action not in moderation.MODERATION_ACTIONS:
        abort(404)
    item = db.get_or_404(model, item_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    decide(item, action, actor=current_user)
    db.session.commit()
    flash(_("Done: %(action)s.", action=ACTION_LABELS[action]), "success")
    return redirect(url_for("admin.news_comments", tab=_tab()))


@bp.route("/comments/bulk", methods=["POST"])
def news_comments_bulk():
    """First POST: a confirmation page listing the items; second POST (confirm=yes): done."""
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    action = request.form.get("action", "")
    items = request.form.getlist("items")[:200]
    tab = _tab()
    if action not in moderation.MODERATION_ACTIONS or not items:
        flash(_("Choose at least one item and an action."), "error")
        return redirect(url_for("admin.news_comments", tab=tab))
    if request.form.get("confirm") != "yes":
        return render_template(
            "news/admin/confirm_bulk.html",
            form=form,
            action=action,
            action_label=ACTION_LABELS[action],
            found=moderation.describe_items(items),
            tab=tab,
        )
    done = moderation.bulk_moderate(items, action, actor=current_user)
    db.session.commit()
    flash(_("Done: %(action)s (%(n)d items).", action=ACTION_LABELS[action], n=done), "success")
    return redirect(url_for("admin.news_comments", tab=tab))


@bp.route("/comments/words", methods=["POST"])
def news_moderation_words():
    """Add or remove a word that holds comments for moderation."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    word = text.normalise(request.form.get("word", "")).strip()[:100]
    remove = request.form.get("remove", "")
    if remove.isdecimal():
        moderation.remove_moderation_word(int(remove), actor=current_user)
        flash(_("The word has been removed."), "success")
    elif len(word) >= 2:
        moderation.add_moderation_word(word, actor=current_user)
        flash(_("The word has been added."), "success")
    else:
        flash(_("Enter a word of at least 2 characters."), "error")
    db.session.commit()
    return redirect(url_for("admin.news_comments", tab=_tab()))
