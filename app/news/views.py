"""Public news pages: list, post (with comments and the view counter), trackback ping,
feeds, sitemap, robots.txt and search. Views are thin; the rules live in services.py."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import sqlalchemy as sa
from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app import cache as page_cache
from app.accounts.decorators import unverified_response, verified_required
from app.extensions import csrf, db, limiter
from app.forms import EmptyForm
from app.i18n import current_language, format_number
from app.news import bp, counter, services, text
from app.news.forms import CommentForm
from app.news.models import Comment, Post, Status
from app.urls import absolute_url

PAGE_SIZE = 10
SEARCH_PAGE_SIZE = 10
FEED_SIZE = 20


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdecimal() and 0 < int(raw) < 100_000 else 1


@bp.route("/news")
def index():
    page = db.paginate(
        services.card_query(),
        page=_page_number(),
        per_page=PAGE_SIZE,
        max_per_page=PAGE_SIZE,
        error_out=False,
    )
    return render_template("news/index.html", page=page)


def _render_post(post: Post, form: CommentForm | None, status: int = 200, views: str | None = None):
    lang = current_language()
    comments = services.visible_comments(post, current_user)
    if views is None:
        views = format_number(post.view_count + counter.get_counter().pending(post.id))
    signed_in = current_user.is_authenticated and current_user.is_verified
    return (
        render_template(
            "news/post.html",
            post=post,
            lang=lang,
            views=views,
            form=form,
            # Anonymous readers get no form: no CSRF token, no session, a page the cache can share.
            action_form=EmptyForm() if signed_in else None,
            threads=services.comment_tree(comments),
            related=services.related_posts(post),
            trackbacks=services.approved_trackbacks(post),
            post_url=absolute_url("news.post", slug=post.slug),
            trackback_url=absolute_url("news.trackback", slug=post.slug),
        ),
        status,
    )


def _comment_limit() -> str:
    return current_app.config["RATELIMIT_COMMENT"]


@bp.route("/news/<slug>", methods=["GET", "POST"])
@limiter.limit(_comment_limit, methods=["POST"])
def post(slug: str):
    if request.method == "POST":
        post = services.get_published_post(slug)
        if post is None:
            abort(404)
        return _comment(post)
    # Anonymous readers share one rendering (app/cache); the view count is filled in per load.
    return page_cache.page_with_live_part(lambda views: _render_for_reading(slug, views), _views)


def _render_for_reading(slug: str, views: str) -> tuple[int, str]:
    post = services.get_published_post(slug)
    if post is None:
        abort(404)
    signed_in = current_user.is_authenticated and current_user.is_verified
    body, _status = _render_post(post, CommentForm() if signed_in else None, views=views)
    return post.id, body


def _views(post_id: int) -> str | None:
    """This load counted, and the count to show (app/news/counter.py); None: no such post."""
    views = counter.record_view(post_id, request)
    return None if views is None else format_number(views)


def _comment(post: Post):
    """POST /news/<slug>: a verified citizen's comment (field ``body``)."""
    refused = unverified_response()  # the page itself is public: only the POST needs one
    if refused is not None:
        return refused
    form = CommentForm()
    if not form.validate_on_submit():
        return _render_post(post, form, 400)
    parent_id = form.parent_id.data
    parent = int(parent_id) if parent_id and parent_id.isdecimal() else None
    try:
        comment = services.add_comment(post, current_user, form.body.data, parent)
    except services.NewsError as error:
        db.session.rollback()
        form.body.errors = [*form.body.errors, str(error.message)]
        return _render_post(post, form, error.status)
    db.session.commit()
    if comment.status == Status.APPROVED:
        flash(_("Thank you. Your comment is now shown."), "success")
    else:
        flash(
            _("Thank you. Your comment will be shown once a moderator has approved it."),
            "info",
        )
    return redirect(url_for("news.post", slug=post.slug, _anchor=f"comment-{comment.id}"))


@bp.route("/news/<slug>/comments/<int:comment_id>/report", methods=["POST"])
@verified_required
def report(slug: str, comment_id: int):
    post = services.get_published_post(slug)
    comment = db.get_or_404(Comment, comment_id)
    if post is None or comment.post_id != post.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:  # the service takes the person's lock: a double click waits, then sees the first
        added = services.report_comment(comment, current_user)
    except services.NewsError as error:
        flash(str(error.message), "error")
        return redirect(url_for("news.post", slug=slug, _anchor="comments"))
    db.session.commit()
    if added:
        flash(_("Thank you. A moderator will look at this comment."), "success")
    else:
        flash(_("You have already reported this comment."), "info")
    return redirect(url_for("news.post", slug=slug, _anchor="comments"))


# --- TrackBack 1.2 ---------------------------------------------------------------------------


def _trackback_reply(error: str | None = None, status: int = 200) -> Response:
    root = ET.Element("response")
    ET.SubElement(root, "error").text = "1" if error else "0"
    if error:
        ET.SubElement(root, "message").text = error
    body = ET.tostring(root, encoding="unicode")
    xml = '<?xml version="1.0" encoding="utf-8"?>\n' + body
    return Response(xml, status=status, content_type="text/xml; charset=utf-8")


def _trackback_limited(_limit) -> Response:
    return _trackback_reply("Too many pings from your address. Try again later.", 429)


@bp.errorhandler(429)
def _too_many(error):
    """TrackBack clients read XML, also when they are limited; other pages get the site's page."""
    if request.endpoint == "news.trackback":
        return _trackback_limited(None)
    from app.errors import handle_http_exception

    return handle_http_exception(error)


@bp.route("/news/<slug>/trackback", methods=["POST"])
@csrf.exempt  # called by other sites, which have no token of ours
@limiter.limit(
    lambda: current_app.config.get("RATELIMIT_TRACKBACK", "10 per hour"),
    on_breach=_trackback_limited,
)
def trackback(slug: str):
    post = services.get_published_post(slug)
    if post is None:
        return _trackback_reply("No such post.", 404)
    form = request.form
    try:
        services.receive_trackback(
            post,
            url=form.get("url", ""),
            title=form.get("title", ""),
            excerpt=form.get("excerpt", ""),
            blog_name=form.get("blog_name", ""),
            ip=request.remote_addr or "",
        )
    except services.NewsError as error:
        return _trackback_reply(str(error.message), 400)
    db.session.commit()
    return _trackback_reply()


# --- Feeds and discovery ---------------------------------------------------------------------

ATOM = "http://www.w3.org/2005/Atom"


@bp.route("/feed.xml")
def feed():
    lang = current_language()
    posts = list(db.session.scalars(services.published_posts_query().limit(FEED_SIZE)))
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": lang})
    site = current_app.config["SITE_NAME_TH" if lang == "th" else "SITE_NAME_EN"]

    def sub(parent, tag, value=None, **attrs):
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if value is not None:
            element.text = value
        return element

    sub(root, "title", f"{_('News')} | {site}")
    sub(root, "id", absolute_url("news.index"))
    sub(root, "link", rel="alternate", type="text/html", href=absolute_url("news.index"))
    sub(root, "link", rel="self", type="application/atom+xml", href=absolute_url("news.feed"))
    items = services.other_feed_items()
    updated = max([p.updated_at for p in posts] + [i.updated for i in items], default=None)
    sub(root, "updated", (updated or services.utcnow()).isoformat())
    author = sub(root, "author")
    sub(author, "name", site)
    for item in items:
        entry = sub(root, "entry")
        sub(entry, "title", item.title)
        sub(entry, "id", item.id)
        sub(entry, "link", rel="alternate", type="text/html", href=item.url)
        sub(entry, "published", item.published.isoformat())
        sub(entry, "updated", item.updated.isoformat())
        sub(entry, "summary", item.summary)
    for post in posts:
        entry = sub(root, "entry")
        href = absolute_url("news.post", slug=post.slug)
        sub(entry, "title", post.text("title", lang))
        sub(entry, "id", href)
        sub(entry, "link", rel="alternate", type="text/html", href=href)
        sub(entry, "published", post.published_at.isoformat())
        sub(entry, "updated", max(post.updated_at, post.published_at).isoformat())
        sub(entry, "summary", post.text("summary", lang))
        sub(entry, "content", post.text("html", lang), type="html")
        for tag in post.tags:
            sub(entry, "category", term=tag.name)
    xml = ET.tostring(root, encoding="unicode")
    return Response(
        '<?xml version="1.0" encoding="utf-8"?>\n' + xml,
        content_type="application/atom+xml; charset=utf-8",
    )


#: Public pages listed in /sitemap.xml when their endpoint exists.
SITEMAP_ENDPOINTS = [
    ("main.home", {}),
    ("news.index", {}),
    ("main.sitemap", {}),
    ("contest.rules", {}),
    ("contest.submit", {}),
    ("voting.ballot", {}),
    ("voting.results", {}),
    ("feedback.send", {}),
    ("main.page", {"slug": "website-policy"}),
    ("main.page", {"slug": "privacy"}),
    ("main.page", {"slug": "cookies"}),
    ("main.page", {"slug": "accessibility"}),
    ("main.page", {"slug": "contact"}),
]
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


@bp.route("/sitemap.xml")
def sitemap_xml():
    ET.register_namespace("", SITEMAP)
    root = ET.Element(f"{{{SITEMAP}}}urlset")

    def add(loc: str, lastmod=None) -> None:
        url = ET.SubElement(root, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = loc
        if lastmod is not None:
            ET.SubElement(url, f"{{{SITEMAP}}}lastmod").text = lastmod.date().isoformat()

    for endpoint, values in SITEMAP_ENDPOINTS:
        if endpoint in current_app.view_functions:
            add(absolute_url(endpoint, **values))
    rows = db.session.execute(
        sa.select(Post.slug, Post.updated_at).where(services.published_filter())
    )
    for slug, updated in rows:
        add(absolute_url("news.post", slug=slug), updated)
    xml = ET.tostring(root, encoding="unicode")
    return Response(
        '<?xml version="1.0" encoding="utf-8"?>\n' + xml,
        content_type="application/xml; charset=utf-8",
    )


@bp.route("/robots.txt")
def robots_txt():
    lines = [
        "User-agent: *",
        "Allow: /",
        "Disallow: /admin",
        "Disallow: /account",
        f"Sitemap: {absolute_url('news.sitemap_xml')}",
        "",
    ]
    return Response("\n".join(lines), content_type="text/plain; charset=utf-8")


# --- Search ----------------------------------------------------------------------------------


@bp.route("/search")
def search():
    raw = request.args.get("q", "")
    query = raw.strip()[: text.MAX_QUERY_LENGTH]
    terms = text.query_terms(query) if query else []
    page = None
    others = []
    if terms:
        page = db.paginate(
            services.search_posts_query(terms),
            page=_page_number(),
            per_page=SEARCH_PAGE_SIZE,
            max_per_page=SEARCH_PAGE_SIZE,
            error_out=False,
        )
        if page.page == 1:
            others = services.other_search_hits(terms)
    return render_template(
        "news/search.html",
        query=query,
        terms=terms,
        page=page,
        others=others,
        highlight=text.highlight,
        lang=current_language(),
    )


@bp.app_template_filter("news_linkify")
def _linkify_filter(value: str):
    return text.linkify(value or "")
