"""Images staff upload with a post (app/media.py): checked, cleaned, stored once, served long."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.news.models import Post
from tests.factories import PASSWORD, UserFactory
from tests.helpers import form_fields, login

GPS_IFD = 0x8825


def picture(fmt: str = "JPEG", size=(2400, 1200), mode: str = "RGB", exif: bool = False) -> bytes:
    image = Image.new(mode, size, (200, 30, 60, 128) if mode == "RGBA" else (200, 30, 60))
    out = io.BytesIO()
    extra = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x0131] = "secret-serial-123"  # Software
        data.get_ifd(GPS_IFD)[2] = (13.0, 45.0, 0.0)  # latitude: somewhere in Bangkok
        extra["exif"] = data.tobytes()
    image.save(out, fmt, **extra)
    return out.getvalue()


def _form(**overrides):
    data = {
        "title_th": "ข่าวมีภาพ",
        "title_en": "A post with a picture",
        "slug": "with-picture",
        "tags": "",
        "body_th": "เนื้อหา",
        "body_en": "Text",
        "published_at": "2026-11-01T10:00",
        "image_path": "",
        "image_alt": "มาสคอตยิ้ม",
        "save": "1",
    }
    data.update(overrides)
    return data


def multipart(fields: dict) -> dict:
    """The body built in memory (the test client would spool a large one to a temporary file
    that it never closes when the app refuses the body half-read)."""
    boundary, body = encode_multipart(fields)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def upload(client, data: bytes, filename: str = "photo.jpg", url="/admin/posts/new", **fields):
    form = {**form_fields(client, url), **_form(**fields)}
    form["image_file"] = FileStorage(io.BytesIO(data), filename)
    return client.post(url, **multipart(form))


@pytest.fixture
def staff(client, moderator):
    login(client, moderator.email, PASSWORD)
    client.set_cookie("lang", "en")
    return moderator


def stored(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_DIR"])
    return sorted(folder.glob("*.*")) if folder.exists() else []


def test_an_uploaded_photo_is_shrunk_stripped_and_shown_with_the_post(app, client, db, staff):
    response = upload(client, picture(exif=True))
    assert response.status_code == 302
    post = db.session.scalar(sa.select(Post))
    assert post.image_path.startswith("/media/") and post.image_path.endswith(".jpg")
    [path] = stored(app)
    assert post.image_path == f"/media/{path.name}"
    with Image.open(path) as saved:
        assert saved.format == "JPEG"
        assert max(saved.size) == 1600 and saved.size == (1600, 800)
        assert not saved.getexif()  # no maker, no serial, no GPS position
    raw = path.read_bytes()
    assert b"secret-serial-123" not in raw and b"PhoneMaker" not in raw

    page = client.get("/news/with-picture").get_data(as_text=True)
    assert f'src="{post.image_path}"' in page and 'alt="มาสคอตยิ้ม"' in page
    served = client.get(post.image_path)
    assert served.status_code == 200
    assert served.mimetype == "image/jpeg"
    assert served.data == raw
    assert "immutable" in served.headers["Cache-Control"]
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    served.close()


def test_the_same_picture_is_stored_once_and_transparency_is_kept(app, client, db, staff):
    png = picture("PNG", size=(300, 200), mode="RGBA")
    assert upload(client, png, "logo.png").status_code == 302
    assert upload(client, png, "logo.png", slug="second").status_code == 302
    [path] = stored(app)
    assert path.suffix == ".png"
    with Image.open(path) as saved:
        assert saved.mode == "RGBA" and saved.size == (300, 200)
    paths = db.session.scalars(sa.select(Post.image_path)).all()
    assert paths == [f"/media/{path.name}"] * 2


def test_a_webp_upload_is_accepted(app, client, db, staff):
    assert upload(client, picture("WEBP", size=(64, 64)), "a.webp").status_code == 302
    assert [p.suffix for p in stored(app)] == [".jpg"]


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"<html><script>alert(1)</script></html>", "photo.jpg"),  # HTML named as a photo
        (b"GIF89a<script>alert(1)</script>", "x.gif"),  # not a format we take
        (picture()[:400], "cut.jpg"),  # truncated
        (b"%PDF-1.7 not a picture", "doc.png"),
        (picture("BMP", size=(10, 10)), "old.bmp"),
    ],
    ids=["html", "gif-polyglot", "truncated", "pdf", "bmp"],
)
def test_what_is_not_a_usable_image_is_refused_and_nothing_is_saved(
    app, client, db, staff, data, filename
):
    response = upload(client, data, filename)
    assert response.status_code == 400
    assert "This file is not an image we can use" in response.get_data(as_text=True)
    assert stored(app) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 0


def test_a_decompression_bomb_is_refused_without_being_decoded(app, client, db, staff):
    # 20,000 x 20,000 one-bit pixels compress to a few kilobytes; decoded, 400 million pixels.
    bomb = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(bomb, "PNG")
    assert len(bomb.getvalue()) < 100_000
    response = upload(client, bomb.getvalue(), "bomb.png")
    assert response.status_code == 400
    assert "too many pixels" in response.get_data(as_text=True)
    assert stored(app) == []


def test_an_upload_over_the_limit_is_refused_with_a_translated_message(app, client, db, staff):
    app.config["UPLOAD_MAX_BYTES"] = 2 * 2**20
    # A file just over the limit, in a body the request limit still lets through.
    response = upload(client, b"\xff\xd8" + b"0" * (2 * 2**20), "huge.jpg")
    assert response.status_code == 400
    assert "The image is too large: at most 2 MB." in response.get_data(as_text=True)
    # A body over the request limit is not read at all.
    response = upload(client, b"\xff\xd8" + b"0" * (3 * 2**20), "huge.jpg")
    assert response.status_code == 413
    assert "What you sent is too large" in response.get_data(as_text=True)
    client.set_cookie("lang", "th")
    response = upload(client, b"\xff\xd8" + b"0" * (3 * 2**20), "huge.jpg")
    assert "ข้อมูลที่ส่งมีขนาดใหญ่เกินไป" in response.get_data(as_text=True)
    assert stored(app) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 0


def test_the_larger_body_limit_is_for_staff_only(app, client, db):
    """A citizen posting a large body to the staff screen is cut off at MAX_CONTENT_LENGTH,
    before the role check, so the site never spools it."""
    citizen = UserFactory(verified=True)
    login(client, citizen.email, PASSWORD)
    fields = form_fields(client, "/")
    big = FileStorage(io.BytesIO(b"0" * (app.config["MAX_CONTENT_LENGTH"] + 10)), "big.jpg")
    response = client.post(
        "/admin/posts/new", **multipart({"csrf_token": fields["csrf_token"], "image_file": big})
    )
    assert response.status_code == 413


def test_a_bad_upload_on_edit_keeps_the_post_and_its_image(app, client, db, staff):
    assert upload(client, picture(size=(100, 100))).status_code == 302
    post = db.session.scalar(sa.select(Post))
    before = post.image_path
    url = f"/admin/posts/{post.id}/edit"
    response = upload(client, b"not an image", "x.jpg", url=url, title_en="Changed")
    assert response.status_code == 400
    db.session.expire_all()
    assert post.image_path == before and post.title_en == "A post with a picture"


def test_an_uploaded_image_survives_a_form_sent_back_with_an_error(app, client, db, staff):
    response = upload(client, picture(size=(100, 100)), image_alt="")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    [path] = stored(app)
    assert f'value="/media/{path.name}"' in html  # no second upload needed
    assert "Describe the image for people who cannot see it." in html


def test_media_names_are_checked(app, client, db):
    assert client.get("/media/../config.py").status_code == 404
    assert client.get("/media/secret_key").status_code == 404
    assert client.get("/media/" + "0" * 32 + ".jpg").status_code == 404


def test_the_message_is_in_thai_for_a_thai_reader(app, client, db, staff):
    client.set_cookie("lang", "th")
    response = upload(client, b"<svg onload=alert(1)>", "x.png")
    assert response.status_code == 400
    assert "ไฟล์นี้ไม่ใช่ภาพที่ระบบใช้ได้" in response.get_data(as_text=True)


def _saved(app) -> Image.Image:
    [path] = stored(app)
    return Image.open(path)


def test_a_jpeg_comment_and_a_colour_profile_do_not_travel(app, client, db, staff):
    from PIL import ImageCms

    out = io.BytesIO()
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    Image.new("RGB", (50, 50), (10, 200, 10)).save(
        out, "JPEG", comment=b"made-by-secret-tool", icc_profile=profile
    )
    assert upload(client, out.getvalue()).status_code == 302
    raw = stored(app)[0].read_bytes()
    assert b"made-by-secret-tool" not in raw
    with _saved(app) as saved:
        assert "icc_profile" not in saved.info and "comment" not in saved.info


def test_a_broken_exif_block_does_not_break_the_upload(app, client, db, staff):
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation
    exif[0x010F] = "Maker"
    broken = bytearray(exif.tobytes())
    broken[17] = 0  # the Make entry's type: Pillow's EXIF reader then fails on the tags
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (1, 2, 3)).save(out, "JPEG", exif=bytes(broken))
    assert upload(client, out.getvalue()).status_code == 302  # not a 500
    with _saved(app) as saved:
        assert sorted(saved.size) == [20, 40] and not saved.getexif()


def test_a_sideways_phone_photo_is_turned_upright(app, client, db, staff):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    out = io.BytesIO()
    Image.new("RGB", (400, 200), (1, 2, 3)).save(out, "JPEG", exif=exif.tobytes())
    assert upload(client, out.getvalue()).status_code == 302
    with _saved(app) as saved:
        assert saved.size == (200, 400)


def test_sixteen_bit_grey_keeps_its_tones(app, client, db, staff):
    image = Image.new("I;16", (64, 64), 32768)  # mid-grey in 16 bits
    out = io.BytesIO()
    image.save(out, "PNG")
    assert upload(client, out.getvalue(), "grey.png").status_code == 302
    with _saved(app) as saved:
        assert saved.format == "JPEG"
        red, green, blue = saved.convert("RGB").getpixel((32, 32))
        assert 120 <= red <= 136 and red == green == blue  # not clipped to white


def test_a_palette_png_with_a_transparent_colour_stays_transparent(app, client, db, staff):
    image = Image.new("P", (3200, 100), 0)
    image.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    image.paste(1, (0, 0, 1600, 100))
    out = io.BytesIO()
    image.save(out, "PNG", transparency=0)
    assert upload(client, out.getvalue(), "palette.png").status_code == 302
    with _saved(app) as saved:
        assert saved.format == "PNG" and saved.mode == "RGBA" and saved.size == (1600, 50)
        assert saved.getpixel((1500, 25))[3] == 0  # the transparent half
        assert saved.getpixel((100, 25)) == (0, 0, 255, 255)


def test_an_image_over_the_site_pixel_limit_is_refused(app, client, db, staff):
    # 48 million pixels: under Pillow's own bomb limit, over the site's 40 million.
    big = io.BytesIO()
    Image.new("1", (8000, 6000)).save(big, "PNG")
    response = upload(client, big.getvalue(), "big.png")
    assert response.status_code == 400
    assert "at most 40 million" in response.get_data(as_text=True)
    assert stored(app) == []


def test_only_stored_images_are_served_from_the_upload_folder(app, client, db):
    folder = Path(app.config["UPLOAD_DIR"])
    folder.mkdir(parents=True)
    for stray in (".upload-abc", "notes.txt", "0" * 32 + ".svg", "0" * 32 + ".jpg\n"):
        (folder / stray).write_bytes(b"x")
        assert client.get(f"/media/{stray}").status_code == 404
    (folder / ("a" * 32 + ".jpg")).write_bytes(b"x")
    ok = client.get("/media/" + "a" * 32 + ".jpg")
    assert ok.status_code == 200
    ok.close()


def test_the_upload_is_kept_when_another_field_is_wrong(app, client, db, staff):
    response = upload(client, picture(size=(100, 100)), slug="Not A Slug!", title_th="")
    assert response.status_code == 400
    [path] = stored(app)
    assert f'value="/media/{path.name}"' in response.get_data(as_text=True)


def test_nothing_is_stored_from_a_form_with_a_stale_token(app, client, db, staff):
    form = {
        **_form(),
        "csrf_token": "stale",
        "image_file": FileStorage(io.BytesIO(picture()), "a.jpg"),
    }
    response = client.post("/admin/posts/new", **multipart(form))
    assert response.status_code == 400
    assert stored(app) == []


def test_staff_without_their_second_factor_keep_the_small_limit(app, client, db, moderator):
    app.config["STAFF_SECOND_FACTOR"] = True
    login(client, moderator.email, PASSWORD)
    response = upload(client, b"\xff\xd8" + b"0" * (3 * 2**20), "big.jpg")
    assert response.status_code == 413


def test_saving_a_post_with_an_image_takes_the_write_lock_first(app, client, db, staff):
    """SQLite: the request's first statement (loading the user) already runs in BEGIN
    IMMEDIATE, so the save cannot fail on a lock upgrade under concurrent writers."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's locking")
    from app import database

    begins: list[bool] = []

    def spy(connection):
        begins.append(database._begin_immediate.get())

    form = {**form_fields(client, "/admin/posts/new"), **_form()}
    form["image_file"] = FileStorage(io.BytesIO(picture(size=(50, 50))), "a.jpg")
    sa.event.listen(db.engine, "begin", spy)
    try:
        assert client.post("/admin/posts/new", **multipart(form)).status_code == 302
    finally:
        sa.event.remove(db.engine, "begin", spy)
    assert begins and all(begins)


def test_prune_deletes_only_old_images_nothing_uses(app, client, db, staff):
    assert upload(client, picture(size=(60, 60))).status_code == 302
    [used] = stored(app)
    folder = used.parent
    orphan, young, temporary, foreign = (
        folder / ("b" * 32 + ".jpg"),
        folder / ("c" * 32 + ".png"),
        folder / ".upload-x1y2",
        folder / "README.txt",
    )
    for path in (orphan, young, temporary, foreign):
        path.write_bytes(b"x")
    old = time.time() - 3 * 86400
    for path in (used, orphan, temporary, foreign):
        os.utime(path, (old, old))

    runner = app.test_cli_runner()
    dry = runner.invoke(args=["uploads", "prune", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert orphan.name in dry.output and "Would delete 2 file(s)" in dry.output
    assert orphan.exists()

    result = runner.invoke(args=["uploads", "prune"])
    assert result.exit_code == 0, result.output
    assert "Deleted 2 file(s)" in result.output
    assert not orphan.exists() and not temporary.exists()
    assert used.exists() and young.exists() and foreign.exists()
    served = client.get(f"/media/{used.name}")
    assert served.status_code == 200
    served.close()


def test_an_image_uploaded_again_is_made_young_so_prune_keeps_it(app, client, db, staff):
    data = picture(size=(60, 60))
    assert upload(client, data, image_path="", slug="first").status_code == 302
    [path] = stored(app)
    old = time.time() - 3 * 86400
    os.utime(path, (old, old))
    assert upload(client, data, slug="second").status_code == 302
    assert path.stat().st_mtime > old + 86400


def test_prune_keeps_an_image_a_post_shows_in_its_text(app, client, db, staff):
    assert upload(client, picture(size=(60, 60))).status_code == 302
    [path] = stored(app)
    # A second post shows the picture in its Markdown only; the first post drops its image.
    assert (
        upload(
            client,
            b"",
            "",
            slug="in-text",
            image_alt="",
            body_en=f"Look: ![the mascot](/media/{path.name})",
        ).status_code
        == 302
    )
    first = db.session.scalar(sa.select(Post).where(Post.slug == "with-picture"))
    first.image_path = None
    db.session.commit()
    old = time.time() - 3 * 86400
    os.utime(path, (old, old))
    result = app.test_cli_runner().invoke(args=["uploads", "prune"])
    assert "Deleted 0 file(s)" in result.output
    assert path.exists()


def test_a_post_cannot_be_saved_with_an_upload_that_is_gone(app, client, db, staff):
    response = upload(client, b"", "", image_path="/media/" + "d" * 32 + ".jpg")
    assert response.status_code == 400
    assert "This uploaded image is no longer stored" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)) == 0


def test_saving_a_post_makes_its_image_young_again(app, client, db, staff):
    assert upload(client, picture(size=(60, 60))).status_code == 302
    [path] = stored(app)
    post = db.session.scalar(sa.select(Post))
    old = time.time() - 3 * 86400
    os.utime(path, (old, old))
    url = f"/admin/posts/{post.id}/edit"
    response = upload(client, b"", "", url=url, image_path=post.image_path, title_en="Edited")
    assert response.status_code == 302
    assert path.stat().st_mtime > old + 86400
