"""News forms. Every message is given in our own words so that Thai readers get Thai."""

from __future__ import annotations

from datetime import UTC

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateTimeLocalField, HiddenField
from wtforms.validators import Optional

from app.forms import bilingual, text_field
from app.i18n import BANGKOK
from app.news.comments import COMMENT_MAX
from app.news.posts import PostData, parse_tags


class CommentForm(FlaskForm):
    # Generous here: the service counts characters after trimming and says exactly.
    body = text_field(
        _l("Your comment"),
        COMMENT_MAX * 2,
        area=True,
        strip=False,
        required=_l("Please write your comment."),
        too_long=_l("A comment has at most 2,000 characters."),
        description=_l(
            "Plain text, 2 to 2,000 characters. Links become clickable. Be kind and stay on topic."
        ),
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
    title_th, title_en = bilingual(
        _l("Title in Thai"),
        _l("Title in English"),
        200,
        required=False,
        too_long=_l("A title has at most 200 characters."),
    )
    slug = text_field(
        _l("Address (slug)"),
        120,
        too_long=_l("An address has at most 120 characters."),
        description=_l("Lower-case English letters, digits and hyphens; part of the post's URL."),
    )
    tags = text_field(
        _l("Tags"),
        600,
        required=False,
        too_long=_l("Too many tags."),
        description=_l("Separated by commas, such as: contest, e-Government."),
    )
    body_th, body_en = bilingual(
        _l("Text in Thai (Markdown)"),
        _l("Text in English (Markdown)"),
        50_000,
        required=False,
        area=True,
        strip=False,
        too_long=_l("The text is too long."),
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
    image_path = text_field(
        _l("Image address (optional)"),
        200,
        required=False,
        too_long=_l("An image address has at most 200 characters."),
        description=_l(
            "Filled in by an upload; or an image on this site, such as /static/img/mascot.svg."
        ),
    )
    image_alt = text_field(
        _l("Image description"),
        200,
        required=False,
        too_long=_l("A description has at most 200 characters."),
        description=_l("What the image shows, for people who cannot see it."),
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
