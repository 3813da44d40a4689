"""Listing photos: checked, re-encoded without metadata, thumbnailed, stored by random name."""
import io
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
FULL_SIZE = 1200  # longest side of the stored photo
THUMB_WIDTH = 480
THUMB_QUALITY = 68


class PhotoError(ValueError):
    pass


@dataclass
class StoredPhoto:
    name: str
    thumb: str
    width: int
    height: int
    thumb_width: int
    thumb_height: int


def _open_checked(data: bytes, max_pixels: int) -> Image.Image:
    """Open image bytes, refusing non-images, odd formats and decompression bombs."""
    if not data:
        raise PhotoError("Berkas foto kosong.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ALLOWED_FORMATS:
                raise PhotoError("Format foto tidak didukung. Gunakan JPG, PNG atau WebP.")
            if probe.width * probe.height > max_pixels:
                raise PhotoError("Ukuran foto (piksel) terlalu besar. Perkecil dulu fotonya.")
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except PhotoError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError,
            Image.DecompressionBombWarning, OSError, SyntaxError, ValueError):
        raise PhotoError("Berkas ini bukan foto yang bisa dibaca. Pilih foto JPG atau PNG.") from None
    return image


def _encode(image: Image.Image, longest: int | None, width: int | None, quality: int):
    img = image.copy()
    if width:
        img.thumbnail((width, width * 4))
    else:
        img.thumbnail((longest, longest))
    buffer = io.BytesIO()
    # Saved without exif/icc arguments: no camera, GPS or other metadata survives.
    img.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue(), img.size


def store_photo(data: bytes, folder: Path, max_bytes: int, max_pixels: int) -> StoredPhoto:
    """Validate and re-encode an upload into a photo and a thumbnail in `folder`."""
    if len(data) > max_bytes:
        raise PhotoError(f"Foto terlalu besar (maks. {max_bytes // (1024 * 1024)} MB).")
    image = _open_checked(data, max_pixels)
    image = ImageOps.exif_transpose(image)  # keep the photo upright before dropping EXIF
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.split()[-1])
        image = background
    full, (w, h) = _encode(image, FULL_SIZE, None, 80)
    thumb, (tw, th) = _encode(image, None, THUMB_WIDTH, THUMB_QUALITY)
    folder.mkdir(parents=True, exist_ok=True)
    stem = secrets.token_urlsafe(12)
    (folder / f"{stem}.jpg").write_bytes(full)
    (folder / f"{stem}-t.jpg").write_bytes(thumb)
    return StoredPhoto(f"{stem}.jpg", f"{stem}-t.jpg", w, h, tw, th)


def delete_photo_files(folder: Path, *names) -> None:
    for name in names:
        if name:
            (folder / name).unlink(missing_ok=True)
