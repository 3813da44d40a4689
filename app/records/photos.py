"""Listing photos: checked, re-encoded without metadata, thumbnailed, stored by random name.

The type comes from the content (Pillow's format), never the file name. Files that are
also something else (a JPEG with a ZIP, HTML or PHP after it, a GIF that is a script) are
refused outright, although re-encoding would drop the extra bytes anyway.

Pillow (3 MB in memory) is imported on first use: a process serving public pages never
opens an upload.
"""
from __future__ import annotations

import io
import secrets
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.records.polyglot import PhotoError, check_not_polyglot
from app.web.i18n import N_, translate

if TYPE_CHECKING:
    from PIL import Image

# MPO is a JPEG with extra pictures (Android "Ultra HDR" photos, 3D cameras); Pillow
# opens it through its JPEG plugin. Only these plugins ever parse an upload.
OPENED_WITH = ("JPEG", "PNG", "WEBP", "GIF")
ALLOWED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF"}
# Pictures people do send, which we do not read: named, so the message can say so.
OTHER_PICTURES = ((b"BM", "BMP"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"),
                  (b"\x00\x00\x01\x00", "ICO"), (b"%PDF", "PDF"), (b"8BPS", "PSD"))
HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis")
FULL_SIZE = 1200  # longest side of the stored photo
# Thumbnails: public cards show them cropped to 88x88 CSS px, so a longest side of 320 is
# sharp up to 2.7x pixel density. The quality steps down until the file fits
# THUMB_MAX_BYTES (light pages: photo thumbnails <= 30 KB), whatever the photo.
THUMB_SIZE = 320
THUMB_QUALITIES = (70, 62, 54, 46, 38)
THUMB_MAX_BYTES = 28 * 1024
# Messages, translated where raised (translate(UNREADABLE)).
UNREADABLE = N_("Berkas ini bukan foto yang bisa dibaca. Pilih foto JPG atau PNG.")
UNSUPPORTED = N_("Format foto tidak didukung. Gunakan JPG, PNG atau WebP.")
UNSUPPORTED_KIND = N_("Format foto tidak didukung (%(kind)s). Gunakan JPG, PNG atau WebP.")
TOO_MANY_PIXELS = N_("Ukuran foto (piksel) terlalu besar. Perkecil dulu fotonya.")


@dataclass
class StoredPhoto:
    name: str
    thumb: str
    width: int
    height: int
    thumb_width: int
    thumb_height: int


# --- opening, encoding and storing ---------------------------------------------------

def _other_picture(data: bytes) -> str | None:
    """Name a picture format we do not read (HEIC from iPhones, BMP, TIFF...), or None."""
    if data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
        return "AVIF" if data[8:12].startswith(b"avi") else "HEIC"
    return next((name for magic, name in OTHER_PICTURES if data.startswith(magic)), None)


def _open_checked(data: bytes, max_pixels: int) -> Image.Image:
    """Open image bytes, refusing non-images, odd formats, polyglots and decompression bombs."""
    from PIL import Image, UnidentifiedImageError
    if not data:
        raise PhotoError(translate("Berkas foto kosong."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data), formats=OPENED_WITH)
            if probe.format not in ALLOWED_FORMATS:
                raise PhotoError(translate(UNSUPPORTED))
            if probe.width * probe.height > max_pixels:
                raise PhotoError(translate(TOO_MANY_PIXELS))
            check_not_polyglot(data, probe.format)
            probe.verify()
            image = Image.open(io.BytesIO(data), formats=OPENED_WITH)
            image.load()
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(translate(TOO_MANY_PIXELS)) from None
    except UnidentifiedImageError:
        other = _other_picture(data)
        raise PhotoError(translate(UNSUPPORTED_KIND, kind=other) if other
                         else translate(UNREADABLE)) from None
    except (OSError, SyntaxError, ValueError):
        raise PhotoError(translate(UNREADABLE)) from None
    return image


def _encode(image: Image.Image, longest: int | None, width: int | None, quality: int):
    img = image.copy()
    if width:
        img.thumbnail((width, width * 4))
    else:
        img.thumbnail((longest, longest))
    # Pillow would copy a JPEG comment from `info`; saved without it and without exif/icc
    # arguments, no camera, GPS, comment or other metadata survives.
    img.info = {}
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue(), img.size


def _flatten(image: Image.Image) -> Image.Image:
    """Turn the image upright and into plain RGB (or grey) on white."""
    from PIL import Image, ImageOps
    image = ImageOps.exif_transpose(image)  # keep the photo upright before dropping EXIF
    if image.mode in ("RGB", "L"):
        return image
    background = Image.new("RGB", image.size, "white")
    rgba = image.convert("RGBA")
    background.paste(rgba, mask=rgba.split()[-1])
    return background


def _thumbnail(image: Image.Image):
    """The thumbnail at the best quality of THUMB_QUALITIES that fits THUMB_MAX_BYTES."""
    for quality in THUMB_QUALITIES:
        data, size = _encode(image, THUMB_SIZE, None, quality)
        if len(data) <= THUMB_MAX_BYTES:
            break
    return data, size


def store_photo(data: bytes, folder: Path, max_bytes: int, max_pixels: int) -> StoredPhoto:
    """Validate and re-encode an upload into a photo and a thumbnail in `folder`."""
    if len(data) > max_bytes:
        raise PhotoError(translate("Foto terlalu besar (maks. %(size)s MB).",
                                   size=max_bytes // (1024 * 1024)))
    image = _open_checked(data, max_pixels)
    try:
        image = _flatten(image)
        full, (w, h) = _encode(image, FULL_SIZE, None, 80)
        thumb, (tw, th) = _thumbnail(image)
    except Exception:  # noqa: BLE001 - odd EXIF or modes in an upload: refuse, never 500
        raise PhotoError(translate(UNREADABLE)) from None
    folder.mkdir(parents=True, exist_ok=True)
    stem = secrets.token_urlsafe(12)
    (folder / f"{stem}.jpg").write_bytes(full)
    (folder / f"{stem}-t.jpg").write_bytes(thumb)
    return StoredPhoto(f"{stem}.jpg", f"{stem}-t.jpg", w, h, tw, th)


def copy_photo(source: Path, stored: StoredPhoto, folder: Path) -> StoredPhoto:
    """Copy a stored photo and its thumbnail into `folder` under a new random name."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = secrets.token_urlsafe(12)
    name, thumb = f"{stem}.jpg", f"{stem}-t.jpg"
    shutil.copyfile(source / stored.name, folder / name)
    shutil.copyfile(source / stored.thumb, folder / thumb)
    return StoredPhoto(name, thumb, stored.width, stored.height,
                       stored.thumb_width, stored.thumb_height)


def delete_photo_files(folder: Path, *names) -> None:
    """Remove stored photo files and their srcset sizes, ignoring ones already gone."""
    from app.records.photo_sizes import (
        delete_sizes,  # imported here: photo_sizes builds on this module
    )
    for name in names:
        if name:
            (folder / name).unlink(missing_ok=True)
            delete_sizes(folder, name)
