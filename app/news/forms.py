"""News forms. Every message is given in our own words so that Thai readers get Thai."""

from __future__ import annotations

from datetime import UTC

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateTimeLocalField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import strip_whitespace as _strip
from app.i18n import BANGKOK
from app.news.comments import COMMENT_MAX
from app.news.posts import PostData, parse_tags


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment"),
        description=_l(
            "Plain text, 2 to 2,000 characters. Links become clickable. Be kind and stay on topic."
        ),
        validators=[
            DataRequired(message=_l("Please write your comment.")),
            # Generous here: the service counts characters after trimming and says exactly.
            Length(max=COMMENT_MAX * 2, message=_l("A comment has at most 2,000 characters.")),
        ],
        render_kw={"rows": 5, "maxlength": COMMENT_MAX},
    )
    parent_id = HiddenField()


class LocalDateTimeField(DateTimeLocalField):
    """WTForms' own "Not a valid datetime value." has no Thai: say it in our words."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(_l("Enter a date and time, such as 2026-12-01 09:00."))) from error


class PostForm(FlaskForm):
    title_th = StringField(
        _l("Title in Thai"),
        filters=[_strip],
        validators=[Length(max=200, message=_l("A title has at most 200 characters."))],
    )
    title_en = StringField(
        _l("Title in English"),
        filters=[_strip],
        validators=[Length(max=200, message=_l("A title has at most 200 characters."))],
    )
    slug = StringField(
        _l("Address (slug)"),
        description=_l("Lower-case English letters, digits and hyphens; part of the post's URL."),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Please fill in this field.")),
            Length(max=120, message=_l("An address has at most 120 characters.")),
        ],
    )
    tags = StringField(
        _l("Tags"),
        description=_l("Separated by commas, such as: contest, e-Government."),
        filters=[_strip],
        validators=[Length(max=600, message=_l("Too many tags."))],
    )
    body_th = TextAreaField(
        _l("Text in Thai (Markdown)"),
        validators=[Length(max=50_000, message=_l("The text is too long."))],
        render_kw={"rows": 14},
    )
    body_en = TextAreaField(
        _l("Text in English (Markdown)"),
        validators=[Length(max=50_000, message=_l("The text is too long."))],
        render_kw={"rows": 14},
    )
    published_at = LocalDateTimeField(
        _l("Publish at (Bangkok time)"),
        description=_l("Empty: a draft. A future time: published then."),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[Optional()],
    )
    image_file = FileField(
        _l("Upload an image (optional)"),
        description=_l(
            "JPEG, PNG or WebP, at most 8 MB. It is shrunk to 1,600 pixels a side at most, and "
            "what the file carries besides the picture (such as where a photo was taken) is "
            "removed."
        ),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )
    image_path = StringField(
        _l("Image address (optional)"),
        description=_l(
            "Filled in by an upload; or an image on this site, such as /static/img/mascot.svg."
        ),
        filters=[_strip],
        validators=[Length(max=200, message=_l("An image address has at most 200 characters."))],
    )
    image_alt = StringField(
        _l("Image description"),
        description=_l("What the image shows, for people who cannot see it."),
        filters=[_strip],
        validators=[Length(max=200, message=_l("A description has at most 200 characters."))],
    )

    def to_data(self) -> PostData:
        published = self.published_at.data
        if published is not None:
            published = published.replace(tzinfo=BANGKOK).astimezone(UTC)
        return PostData(
            slug=self.slug.data or "",
            title_th=self.title_th.data or "",
            title_en=self.title_en.data or "",
            body_th=self.body_th.data or "",
            body_en=self.body_en.data or "",
            tags=parse_tags(self.tags.data or ""),
            published_at=published,
            image_path=self.image_path.data or None,
            image_alt=self.image_alt.data or "",
        )

    def fill_from(self, post) -> None:
        self.title_th.data = post.title_th
        self.title_en.data = post.title_en
        self.slug.data = post.slug
        self.tags.data = ", ".join(t.name for t in post.tags)
        self.body_th.data = post.body_th
        self.body_en.data = post.body_en
        self.published_at.data = (
            post.published_at.astimezone(BANGKOK).replace(tzinfo=None, second=0, microsecond=0)
            if post.published_at
            else None
        )
        self.image_path.data = post.image_path or ""
        self.image_alt.data = post.image_alt
