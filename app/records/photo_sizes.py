"""Photo sizes for `srcset`: the stored photo re-encoded smaller, as JPEG and WebP.

The stored photo (app/photos.py, FULL_SIZE wide at most) is re-encoded at these widths,
named `<stem>-<width>.<ext>`; `<stem>.jpg` itself is the 1200 JPEG. Made when the photo is
saved, or from the stored photo on first request for photos saved before sizes existed.
They live beside the uploads folder (`uploads-sizes`, see sizes_folder): derived files
that backups and restores leave alone, and that can be deleted at any time. Pillow writes
no metadata: the stored photo has none, and `info` is cleared before saving.
Pillow is imported on first use (app/records/photos.py says why).
"""
from __future__ import annotations

import io
import os
import re
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from app.records.photos import FULL_SIZE

if TYPE_CHECKING:
    from PIL import Image

VARIANT_WIDTHS = (320, 640, 1200)
VARIANT_FORMATS = {"jpg": "JPEG", "webp": "WEBP"}
VARIANT_QUALITY = {"jpg": 78, "webp": 72}
# The 320 variant is the card thumbnail (88 CSS px, cropped): at most CARD_MAX_BYTES,
# lowering the quality, then the width, until it fits.
CARD_WIDTH = 320
CARD_MAX_BYTES = 15 * 1024
CARD_STEPS = ((320, 62), (320, 52), (320, 44), (320, 36), (256, 40), (200, 40), (160, 36))
VARIANT_NAME = re.compile(r"(?P<stem>[A-Za-z0-9_-]+)-(?P<width>320|640|1200)\.(?P<ext>jpg|webp)")


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
    from PIL import Image
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


def delete_sizes(folder: Path, name: str) -> None:
    """Remove every size of the photo `name` stored in `folder`."""
    for width in VARIANT_WIDTHS:
        for ext in VARIANT_FORMATS:
            (sizes_folder(folder) / variant_name(name, width, ext)).unlink(missing_ok=True)
