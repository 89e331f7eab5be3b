"""Images that staff upload (a news post's picture), checked, cleaned and served under /media.

An upload is never stored as sent. Pillow must be able to decode it as JPEG, PNG or WebP within
``UPLOAD_MAX_PIXELS``, which stops decompression bombs. It is turned upright (EXIF orientation),
shrunk to at most ``IMAGE_MAX_SIDE`` pixels a side, and written again, as JPEG or, when it has
transparency, PNG. Re-encoding drops what the file carried besides pixels: EXIF (a phone's GPS
position, its serial number), comments, and anything appended to the image data.

The file is named after a hash of what was written, so the same picture is stored once and its
URL never changes: it is served with a year's cache. ``UPLOAD_DIR`` (default
``instance/uploads``) must be shared by every instance of the site, and backed up with the
database.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import warnings
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, request, send_from_directory
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from PIL import Image, ImageOps, UnidentifiedImageError

bp = Blueprint("media", __name__)

FORMATS = ("JPEG", "PNG", "WEBP")
IMAGE_MAX_SIDE = 1600
JPEG_QUALITY = 85
#: Stored names: a hash of the bytes written, then the format's extension.
NAME = re.compile(r"^[0-9a-f]{32}\.(?:jpg|png)$")
URL_PREFIX = "/media/"
YEAR = 365 * 24 * 3600


class ImageError(Exception):
    """The upload is not an image we take; ``message`` is for the person (translated)."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def init_app(app: Flask) -> None:
    """Call before anything that registers a hook reading the form (the text check, CSRF):
    the larger body limit for uploads must be in place first."""
    app.config.setdefault("UPLOAD_DIR", str(Path(app.instance_path) / "uploads"))
    app.config.setdefault("UPLOAD_MAX_BYTES", 8 * 1024 * 1024)
    app.config.setdefault("UPLOAD_MAX_PIXELS", 40_000_000)
    app.before_request(_allow_uploads)
    app.register_blueprint(bp)


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
    if current_user.is_authenticated and current_user.is_staff:
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
    image = _decode(data)
    image = ImageOps.exif_transpose(image)
    image.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if _has_transparency(image):
        image.convert("RGBA").save(out, "PNG", optimize=True)
        extension = "png"
    else:
        image.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
        extension = "jpg"
    written = out.getvalue()
    name = f"{hashlib.sha256(written).hexdigest()[:32]}.{extension}"
    folder = _upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if not target.exists():
        # Write aside, then rename: a reader never sees half a file.
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(written)
        os.replace(temporary, target)
    return URL_PREFIX + name


def _decode(data: bytes) -> Image.Image:
    limit = current_app.config["UPLOAD_MAX_PIXELS"]
    not_an_image = ImageError(_l("This file is not an image we can use: send a JPEG, PNG or WebP."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=FORMATS)
            width, height = image.size
            if width * height > limit:
                raise ImageError(
                    _l(
                        "The image has too many pixels: at most %(n)d million.",
                        n=limit // 1_000_000,
                    )
                )
            image.load()  # decodes everything: a truncated or broken file fails here
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(
            _l("The image has too many pixels: at most %(n)d million.", n=limit // 1_000_000)
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise not_an_image from None
    return image


def _has_transparency(image: Image.Image) -> bool:
    if image.mode in {"RGBA", "LA"}:
        return image.getextrema()[-1][0] < 255
    return image.mode == "P" and "transparency" in image.info


@bp.route("/media/<name>")
def media(name: str):
    if not NAME.match(name):
        abort(404)
    response = send_from_directory(_upload_dir(), name, max_age=YEAR)
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response
