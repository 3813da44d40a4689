"""Listing photos: checked, re-encoded without metadata, thumbnailed, stored by random name.

The type comes from the content (Pillow's format), never the file name. Files that are
also something else (a JPEG with a ZIP, HTML or PHP after it, a GIF that is a script) are
refused outright, although re-encoding would drop the extra bytes anyway.
"""
import io
import os
import re
import secrets
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from app.records.polyglot import PhotoError, check_not_polyglot
from app.web.i18n import N_, translate

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
# THUMB_MAX_BYTES (DESIGN.md, "Light": photo thumbnails <= 30 KB), whatever the photo.
THUMB_SIZE = 320
THUMB_QUALITIES = (70, 62, 54, 46, 38)
THUMB_MAX_BYTES = 28 * 1024
# Sizes for `srcset`: the stored photo (FULL_SIZE) re-encoded at these widths, as JPEG and
# WebP, named `<stem>-<width>.<ext>` (`<stem>.jpg` itself is the 1200 JPEG). Made when
# the photo is saved, or from the stored photo on first request for older photos. They
# live beside the uploads folder (`uploads-sizes`, see sizes_folder): derived files that
# backups and restores leave alone, and that can be deleted at any time.
VARIANT_WIDTHS = (320, 640, 1200)
VARIANT_FORMATS = {"jpg": "JPEG", "webp": "WEBP"}
VARIANT_QUALITY = {"jpg": 78, "webp": 72}
# The 320 variant is the card thumbnail (88 CSS px, cropped): at most CARD_MAX_BYTES,
# lowering the quality, then the width, until it fits.
CARD_WIDTH = 320
CARD_MAX_BYTES = 15 * 1024
CARD_STEPS = ((320, 62), (320, 52), (320, 44), (320, 36), (256, 40), (200, 40), (160, 36))
VARIANT_NAME = re.compile(r"(?P<stem>[A-Za-z0-9_-]+)-(?P<width>320|640|1200)\.(?P<ext>jpg|webp)")
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


# --- sizes for srcset ----------------------------------------------------------------

def sizes_folder(folder: Path) -> Path:
    """Where the srcset sizes of the photos in `folder` are kept."""
    return folder.with_name(f"{folder.name}-sizes")


def variant_name(name: str, width: int, ext: str) -> str:
    """The file name of `name` (a stored `<stem>.jpg`) at `width` in format `ext`."""
    stem = name.rsplit(".", 1)[0]
    return name if (width, ext) == (FULL_SIZE, "jpg") else f"{stem}-{width}.{ext}"


def parse_variant(name: str) -> tuple[str, int, str] | None:
    """(stored photo name, width, ext) for a variant file name, else None."""
    match = VARIANT_NAME.fullmatch(name or "")
    if match is None:
        return None
    return f"{match['stem']}.jpg", int(match["width"]), match["ext"]


def variant_url(url: str, width: int, ext: str) -> str:
    """The URL of a photo's size, from the photo's own URL (`.../<stem>.jpg`)."""
    head, _, name = url.rpartition("/")
    return f"{head}/{variant_name(name, width, ext)}"


def srcset(url: str, photo_width: int | None, ext: str) -> str:
    """A `srcset` of the photo at `url` in format `ext`: each size once, never upscaled."""
    seen, parts = set(), []
    for width in VARIANT_WIDTHS:
        actual = min(width, photo_width or width)
        if actual not in seen:
            seen.add(actual)
            parts.append(f"{variant_url(url, width, ext)} {actual}w")
    return ", ".join(parts)


def _encode_variant(image: Image.Image, width: int, ext: str, quality: int) -> bytes:
    img = image.copy()
    img.thumbnail((width, width * 4))
    img.info = {}  # no comment, EXIF or ICC is carried over (see _encode)
    buffer = io.BytesIO()
    if ext == "webp":
        img.save(buffer, "WEBP", quality=quality, method=4)
    else:
        img.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


def _variant_bytes(image: Image.Image, width: int, ext: str) -> bytes:
    if width != CARD_WIDTH:
        return _encode_variant(image, width, ext, VARIANT_QUALITY[ext])
    for step_width, quality in CARD_STEPS:
        data = _encode_variant(image, step_width, ext, quality)
        if len(data) <= CARD_MAX_BYTES:
            break
    return data


def make_variant(folder: Path, name: str, width: int, ext: str) -> Path | None:
    """Return the file of `name` at `width`/`ext`, making it from the stored photo if missing.

    None if the stored photo is gone. Written under a temporary name and renamed, so two
    requests making the same file at once never serve half of it.
    """
    source = folder / name
    if (width, ext) == (FULL_SIZE, "jpg"):
        return source if source.exists() else None
    target = sizes_folder(folder) / variant_name(name, width, ext)
    if target.exists():
        return target
    if not source.exists():
        return None
    with Image.open(source, formats=("JPEG",)) as image:  # our own re-encoded JPEG
        image.load()
        data = _variant_bytes(image, width, ext)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.parent / f".{target.name}.{secrets.token_hex(4)}.part"
    partial.write_bytes(data)
    os.replace(partial, target)
    return target


def make_variants(folder: Path, name: str) -> None:
    """Make every srcset size of a stored photo (when it is saved)."""
    for width in VARIANT_WIDTHS:
        for ext in VARIANT_FORMATS:
            make_variant(folder, name, width, ext)


def delete_photo_files(folder: Path, *names) -> None:
    """Remove stored photo files and their srcset sizes, ignoring ones already gone."""
    for name in names:
        if name:
            (folder / name).unlink(missing_ok=True)
            for width in VARIANT_WIDTHS:
                for ext in VARIANT_FORMATS:
                    (sizes_folder(folder) / variant_name(name, width, ext)).unlink(
                        missing_ok=True)
