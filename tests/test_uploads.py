"""Uploads: type from content, limits, re-encoding, polyglots refused, served safely."""
import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from conftest import jpeg_bytes
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from security_support import form_payload

from app.db import database
from app.models import Listing
from app.records.photos import TOO_MANY_PIXELS, PhotoError, store_photo
from app.records.polyglot import HAS_CODE, HAS_EXTRA

MB = 1024 * 1024


def store(data, folder, max_pixels=40_000_000):
    return store_photo(data, folder, 8 * MB, max_pixels)


def image_bytes(fmt, size=(64, 48), mode="RGB", **options):
    buffer = io.BytesIO()
    Image.new(mode, size, (10, 120, 200) if mode == "RGB" else 0).save(buffer, fmt, **options)
    return buffer.getvalue()


def zip_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("catatan.txt", "isi arsip yang disembunyikan " * 20)
    return buffer.getvalue()


def png_claiming(width, height):
    """A few hundred bytes of PNG whose header claims `width`×`height` pixels."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b""))


def gif_js_polyglot():
    """A GIF whose header opens a JavaScript comment: a browser may run it as a script."""
    gif = bytearray(image_bytes("GIF", (10, 10)))
    gif[6:8] = b"/*"
    return bytes(gif) + b"*/=1;alert(document.domain);//"


PNG_WITH_TEXT = PngInfo()
PNG_WITH_TEXT.add_text("Comment", "<script>alert(1)</script>")

POLYGLOTS = {
    "jpeg + html": (jpeg_bytes() + b"<html><body><script>alert(1)</script></body></html>",
                    HAS_CODE),
    "jpeg + php": (jpeg_bytes() + b"<?php system($_GET['c']); ?>", HAS_CODE),
    "jpeg + zip": (jpeg_bytes() + zip_bytes(), HAS_EXTRA),
    "jpeg comment with php": (image_bytes("JPEG", comment=b"<?php phpinfo(); ?>"), HAS_CODE),
    "gif/js": (gif_js_polyglot(), HAS_CODE),
    "gif + script after trailer": (image_bytes("GIF") + b"alert(1);" * 10, HAS_EXTRA),
    "png text chunk with script": (image_bytes("PNG", pnginfo=PNG_WITH_TEXT), HAS_CODE),
    "png + zip": (image_bytes("PNG") + zip_bytes(), HAS_EXTRA),
    "webp + zip": (image_bytes("WEBP") + zip_bytes(), HAS_EXTRA),
    "jpeg + javascript url": (jpeg_bytes() + b"JavaScript:alert(1)", HAS_CODE),
}


@pytest.mark.parametrize("name", POLYGLOTS)
def test_polyglots_refused(tmp_path, name):
    data, message = POLYGLOTS[name]
    with pytest.raises(PhotoError) as exc:
        store(data, tmp_path)
    assert str(exc.value) == message
    assert list(tmp_path.iterdir()) == []


def _mpo():
    buffer = io.BytesIO()
    first, second = Image.new("RGB", (300, 200), "red"), Image.new("RGB", (150, 100), "blue")
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    return buffer.getvalue()


PHONE_PHOTOS = {
    "multi-picture (Android HDR gain map)": _mpo(),
    "zero padding": jpeg_bytes() + b"\x00" * 4096,
    "motion photo video": jpeg_bytes() + b"\x00\x00\x00\x18ftypmp42" + b"\x01" * 500,
    "samsung trailer": jpeg_bytes() + b"\x01\x02" * 300 + b"SEFT",
    "a few stray bytes": jpeg_bytes() + b"\r\n\x1a",
    "progressive": image_bytes("JPEG", (400, 300), progressive=True, quality=90),
    "webp": image_bytes("WEBP"), "gif": image_bytes("GIF"), "png": image_bytes("PNG"),
}


@pytest.mark.parametrize("name", PHONE_PHOTOS)
def test_ordinary_photos_accepted(tmp_path, name):
    stored = store(PHONE_PHOTOS[name], tmp_path)
    data = (tmp_path / stored.name).read_bytes()
    assert Image.open(io.BytesIO(data)).format == "JPEG"
    assert data.endswith(b"\xff\xd9") and data.count(b"\xff\xd8\xff") == 1  # one clean JPEG


def test_reencoding_drops_everything_but_pixels(tmp_path):
    data = image_bytes("JPEG", (640, 480), comment=b"RAHASIA-DI-METADATA")
    stored = store(data, tmp_path)
    for name in (stored.name, stored.thumb):  # the comment survives in neither
        assert b"RAHASIA" not in (tmp_path / name).read_bytes()


@pytest.mark.parametrize("size", [(30000, 30000), (10000, 10000), (7000, 7000)])
def test_decompression_bombs_refused(tmp_path, size):
    data = png_claiming(*size)
    assert len(data) < 2000
    with pytest.raises(PhotoError) as exc:
        store(data, tmp_path)
    assert str(exc.value) == TOO_MANY_PIXELS


def test_type_comes_from_content_not_name(tmp_path):
    with pytest.raises(PhotoError, match="bukan foto"):
        store(b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'/>", tmp_path)
    for fmt in ("BMP", "TIFF"):
        with pytest.raises(PhotoError, match=rf"Format foto tidak didukung \({fmt}\)"):
            store(image_bytes(fmt), tmp_path)
    iphone = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200
    with pytest.raises(PhotoError, match=r"tidak didukung \(HEIC\)"):
        store(iphone, tmp_path)


def test_only_the_four_image_parsers_see_an_upload(tmp_path, monkeypatch):
    """Pillow is told which plugins may open an upload: no PSD, TIFF or EPS parser runs."""
    from PIL import Image as PILImage
    seen = []
    real_open = PILImage.open

    def spy(fp, mode="r", formats=None):
        seen.append(formats)
        return real_open(fp, mode, formats)
    monkeypatch.setattr(PILImage, "open", spy)  # app/records/photos.py imports it when used
    store(jpeg_bytes(), tmp_path)
    assert seen and all(f == ("JPEG", "PNG", "WEBP", "GIF") for f in seen)


def test_decoder_surprise_is_refused_not_500(tmp_path, monkeypatch):
    from PIL import ImageOps

    def broken(image):
        raise struct.error("bad EXIF")
    monkeypatch.setattr(ImageOps, "exif_transpose", broken)
    with pytest.raises(PhotoError, match="bukan foto"):
        store(jpeg_bytes(), tmp_path)
    assert list(tmp_path.iterdir()) == []


# --- through the entry form ---------------------------------------------------------------

def _post(client, app, data, filename, mimetype="image/jpeg"):
    with app.app_context(), database.connection_context():
        payload = form_payload()
    payload["photo"] = (io.BytesIO(data), filename, mimetype)
    return client.post("/admin/jasa/baru", data=payload, content_type="multipart/form-data")


def _uploads(app):
    folder = Path(app.config["UPLOAD_DIR"])
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize("name", ["jpeg + html", "jpeg + zip", "gif/js", "png + zip"])
def test_polyglot_upload_gets_message_and_changes_nothing(app, client, auth, name):
    auth.login()
    data, message = POLYGLOTS[name]
    response = _post(client, app, data, "foto.jpg")
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context(), database.connection_context():
        assert Listing.select().count() == 0
    assert _uploads(app) == []


def test_disguised_names_stored_as_jpeg_and_served_safely(app, client, auth):
    auth.login()
    png = image_bytes("PNG", (200, 100))
    response = _post(client, app, png, "halaman.html", "text/html")
    assert response.status_code == 303
    with app.app_context(), database.connection_context():
        listing = Listing.get()
    assert listing.photo.endswith(".jpg") and "halaman" not in listing.photo
    assert len(listing.photo) > 16  # random, not guessable
    for url in (f"/foto/{listing.photo}", f"/foto/{listing.photo_thumb}",
                f"/admin/foto/{listing.photo}"):
        served = client.get(url)
        assert served.status_code == 200, url
        assert served.mimetype == "image/jpeg"
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        assert "Content-Security-Policy" in served.headers
        assert Image.open(io.BytesIO(served.data)).format == "JPEG"


def test_oversize_upload_is_413_and_changes_nothing(app, client, auth):
    auth.login()
    app.config["MAX_CONTENT_LENGTH"] = 200_000
    response = _post(client, app, jpeg_bytes() + b"\x00" * 300_000, "besar.jpg")
    assert response.status_code == 413
    assert "Berkas terlalu besar" in response.get_data(as_text=True)
    with app.app_context(), database.connection_context():
        assert Listing.select().count() == 0


def test_too_many_pixels_through_the_form(app, client, auth):
    auth.login()
    response = _post(client, app, png_claiming(30000, 30000), "kecil.png", "image/png")
    assert response.status_code == 200 and TOO_MANY_PIXELS in response.get_data(as_text=True)
    assert _uploads(app) == []
