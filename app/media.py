"""Images that staff upload (a news post's picture), checked, cleaned and served under /media.

An upload is never stored as sent. Pillow must be able to decode it as JPEG, PNG or WebP within
``UPLOAD_MAX_PIXELS``, which stops decompression bombs. It is turned upright (EXIF orientation),
brought to sRGB with 8 bits a channel, shrunk to at most ``IMAGE_MAX_SIDE`` pixels a side, and
written again, as JPEG or, when some pixel is not opaque, PNG. Re-encoding drops what the file
carried besides pixels: EXIF (a phone's GPS position, its serial number), XMP, comments, colour
profiles (after converting to sRGB), and anything appended to the image data.

The file is named after a hash of what was written, so the same picture is stored once and its
URL never changes: it is served with a year's cache. ``UPLOAD_DIR`` (default
``instance/uploads``) must be shared by every instance of the site, and backed up with the
database. ``flask uploads prune`` deletes the images no post uses any more.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import stat
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click
import sqlalchemy as sa
from flask import Blueprint, Flask, abort, current_app, request, send_from_directory
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.domain import DomainError

if TYPE_CHECKING:
    from PIL import Image

# Pillow is imported where an upload is handled, not here: workers that only serve pages
# (nearly all of them, nearly always) stay 7 MB smaller.

log = logging.getLogger(__name__)
bp = Blueprint("media", __name__)

FORMATS = ("JPEG", "PNG", "WEBP")
IMAGE_MAX_SIDE = 1600
JPEG_QUALITY = 85
#: Stored names: a hash of the bytes written, then the format's extension.
NAME = re.compile(r"[0-9a-f]{32}\.(?:jpg|png)")
URL_PREFIX = "/media/"
YEAR = 365 * 24 * 3600


class ImageError(DomainError):
    """The upload is not an image we take (app/domain.py); shown beside the upload field."""


def init_app(app: Flask) -> None:
    """Call before anything that registers a hook reading the form (the text check, CSRF):
    the larger body limit for uploads must be in place first."""
    app.config.setdefault("UPLOAD_DIR", str(Path(app.instance_path) / "uploads"))
    app.config.setdefault("UPLOAD_MAX_BYTES", 8 * 1024 * 1024)
    app.config.setdefault("UPLOAD_MAX_PIXELS", 40_000_000)
    app.before_request(_allow_uploads)
    app.register_blueprint(bp)
    app.cli.add_command(uploads_cli)


def accepts_upload(view):
    """Mark a staff view whose form may carry an image: its body limit is UPLOAD_MAX_BYTES
    (for staff only; anyone else keeps MAX_CONTENT_LENGTH, so that no one can make the site
    spool large bodies to disk before the role check turns them away)."""
    view.accepts_upload = True
    return view


def _allow_uploads() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    if not getattr(view, "accepts_upload", False):
        return
    from app.staff import totp

    user = current_user
    if not (user.is_authenticated and user.is_staff):
        return
    if totp.enabled() and not totp.passed_this_session(user):
        return  # a password alone is not enough for the larger limit
    # The form's other fields add a little to the file.
    request.max_content_length = current_app.config["UPLOAD_MAX_BYTES"] + 256 * 1024


def _upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def save_image(upload) -> str:
    """Check, clean and store an uploaded image (a werkzeug FileStorage); its URL path."""
    data = upload.read(current_app.config["UPLOAD_MAX_BYTES"] + 1)
    if not data:
        raise ImageError(_l("The file is empty."))
    if len(data) > current_app.config["UPLOAD_MAX_BYTES"]:
        raise ImageError(
            _l(
                "The image is too large: at most %(n)d MB.",
                n=current_app.config["UPLOAD_MAX_BYTES"] // 2**20,
            )
        )
    image = _clean(_decode(data))
    out = io.BytesIO()
    if image.mode == "RGBA":
        image.save(out, "PNG", optimize=True)
        extension = "png"
    else:
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
        extension = "jpg"
    written = out.getvalue()
    name = f"{hashlib.sha256(written).hexdigest()[:32]}.{extension}"
    _store(name, written)
    return URL_PREFIX + name


def keep(name: str) -> bool:
    """Whether the stored image ``name`` exists; if so it is made young, so that ``prune``
    leaves it alone while the post that uses it is saved."""
    try:
        os.utime(_upload_dir() / name)
    except FileNotFoundError:
        return False
    return True


def _store(name: str, written: bytes) -> None:
    folder = _upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if keep(name):
        return  # the same picture, stored before
    # Written aside, then renamed: a reader never sees half a file.
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        os.fchmod(fd, 0o644)  # readable by a web server that serves the folder itself
        with os.fdopen(fd, "wb") as handle:
            handle.write(written)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _too_many_pixels(limit: int) -> ImageError:
    return ImageError(
        _l("The image has too many pixels: at most %(n)d million.", n=limit // 1_000_000)
    )


def _decode(data: bytes) -> Image.Image:
    from PIL import Image, UnidentifiedImageError

    limit = current_app.config["UPLOAD_MAX_PIXELS"]
    try:
        image = Image.open(io.BytesIO(data), formats=FORMATS)
        width, height = image.size
        if width * height > limit:
            raise _too_many_pixels(limit)
        # A JPEG can be decoded at 1/2, 1/4 or 1/8 of its size straight away: a 40-megapixel
        # photo then takes tens of megabytes of memory, not hundreds.
        image.draft("RGB", (IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
        image.load()  # decodes everything: a truncated or broken file fails here
    except ImageError:
        raise
    except Image.DecompressionBombError:
        raise _too_many_pixels(limit) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ImageError(
            _l("This file is not an image we can use: send a JPEG, PNG or WebP.")
        ) from None
    return image


_SIXTEEN_BIT_GREY = frozenset({"I", "I;16", "I;16B", "I;16L", "I;16N"})


def _clean(image: Image.Image) -> Image.Image:
    """Upright, in sRGB, 8 bits a channel, at most IMAGE_MAX_SIDE a side, and nothing else:
    RGB, or RGBA when some pixel is not opaque."""
    from PIL import Image, ImageCms, ImageOps

    try:
        ImageOps.exif_transpose(image, in_place=True)
    except Exception:  # a broken orientation tag: the picture is kept as it is
        log.info("upload: unreadable EXIF orientation, image kept unrotated")
    profile = image.info.get("icc_profile")
    if image.mode in _SIXTEEN_BIT_GREY:
        # 0..65535 brought down to 0..255 (a plain conversion would clip it all to white).
        image = image.point(lambda value: value / 256).convert("L")
    elif image.mode == "F":
        image = image.convert("L")
    alpha = image.has_transparency_data
    mode = "RGBA" if alpha else "RGB"
    converted = None
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            srgb = ImageCms.createProfile("sRGB")
            converted = ImageCms.profileToProfile(image, source, srgb, outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            converted = None  # a profile we cannot read: the colours as they are
    image = converted if converted is not None else image.convert(mode)
    image.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE), Image.Resampling.LANCZOS)
    if alpha and image.getextrema()[3][0] == 255:
        image = image.convert("RGB")  # declared transparency, but every pixel is opaque
    image.info.clear()  # no comment, EXIF, XMP or profile goes into the file we write
    return image


#: References to stored images anywhere in a text (a post's Markdown may show one too).
_REFERENCE = re.compile(f"{re.escape(URL_PREFIX)}({NAME.pattern})")


def _images_in_use() -> set[str]:
    from app.contest.models import Finalist
    from app.extensions import db
    from app.news.models import Post

    used: set[str] = set()
    columns = (Post.image_path, Post.body_th, Post.body_en, Finalist.image_path)
    for column in columns:
        query = sa.select(column).where(column.contains(URL_PREFIX))
        for text in db.session.scalars(query):
            used.update(_REFERENCE.findall(text or ""))
    return used


def prune(older_than: timedelta, dry_run: bool = False) -> list[str]:
    """Delete stored images that no post (its image or its text) or finalist uses, and
    temporary files left by a failed write, once older than ``older_than``: an image uploaded
    with a preview, for a post not saved yet, is young, and saving a post makes its image young
    again (``keep``). Other files in the folder are not ours and stay.
    Returns the names deleted (or, with ``dry_run``, that would be)."""
    folder = _upload_dir()
    if not folder.is_dir():
        return []
    cutoff = time.time() - older_than.total_seconds()
    candidates = [
        path
        for path in sorted(folder.iterdir())
        if NAME.fullmatch(path.name) or path.name.startswith(".upload-")
    ]
    # Read after listing: an image uploaded meanwhile is young, one saved meanwhile is in use.
    used = _images_in_use()
    removed = []
    for path in candidates:
        if path.name in used:
            continue
        try:
            status = path.lstat()
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(status.st_mode) or status.st_mtime > cutoff:
            continue
        removed.append(path.name)
        if not dry_run:
            path.unlink(missing_ok=True)
    return removed


@click.group("uploads")
def uploads_cli() -> None:
    """Images staff uploaded (UPLOAD_DIR)."""


@uploads_cli.command("prune")
@click.option("--days", type=click.FloatRange(min=0), default=1.0, show_default=True)
@click.option("--dry-run", is_flag=True, help="List what would be deleted; delete nothing.")
def prune_command(days: float, dry_run: bool) -> None:
    """Delete uploaded images that no post uses any more, older than DAYS."""
    removed = prune(timedelta(days=days), dry_run=dry_run)
    for name in removed:
        click.echo(name)
    verb = "Would delete" if dry_run else "Deleted"
    click.echo(f"{verb} {len(removed)} file(s) from {_upload_dir()}.")


@bp.route("/media/<name>")
def media(name: str):
    if not NAME.fullmatch(name):
        abort(404)
    response = send_from_directory(_upload_dir(), name, max_age=YEAR)
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response
