"""Files that are an image and something else too: refused before an upload is decoded.

A JPEG with a ZIP, HTML or PHP after its end marker, a PNG with a script in a text chunk,
or a GIF whose header opens a JavaScript comment. Re-encoding (app/photos.py) would drop
the extra bytes anyway; refusing says plainly that the file is not just a photo.
"""
import re

from app.web.i18n import N_, translate

# Trailing bytes tolerated after the image's end marker (some tools pad a little).
TRAILING_SLACK = 16
CODE_MARKERS = re.compile(rb"<script|<\?php|<html|<iframe|javascript:", re.IGNORECASE)
HAS_CODE = N_("Berkas ini berisi kode (HTML, skrip atau PHP), bukan sekadar foto, jadi ditolak. "
            "Pilih foto asli dari kamera atau galeri.")
HAS_EXTRA = N_("Berkas foto ini berisi data tambahan di luar gambarnya, jadi ditolak. "
             "Simpan ulang fotonya (misalnya lewat aplikasi galeri), lalu unggah lagi.")


class PhotoError(ValueError):
    """An upload refused; the message says why, in Indonesian."""


# --- where an image file ends ------------------------------------------------------------

def _jpeg_end(data: bytes, start: int = 0) -> int | None:
    """Return the offset just past a JPEG's end-of-image marker, or None if not found."""
    n, i = len(data), start + 2
    while i + 1 < n:
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte before a marker
            i += 1
            continue
        i += 2
        if marker == 0xD9:
            return i
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            continue
        i += int.from_bytes(data[i:i + 2], "big")
        if marker == 0xDA:  # start of scan: coded data runs to the next real marker
            while True:
                j = data.find(b"\xff", i)
                if j < 0 or j + 1 >= n:
                    return None
                if data[j + 1] == 0x00 or 0xD0 <= data[j + 1] <= 0xD7:
                    i = j + 2  # a stuffed 0xFF or a restart marker: still coded data
                    continue
                i = j
                break
    return None


def _png_end(data: bytes) -> int | None:
    """Return the offset just past a PNG's IEND chunk, or None."""
    i = 8
    while i + 12 <= len(data):
        length, kind = int.from_bytes(data[i:i + 4], "big"), data[i + 4:i + 8]
        i += 12 + length
        if kind == b"IEND":
            return i
    return None


def _gif_skip_subblocks(data: bytes, i: int) -> int:
    while i < len(data) and data[i]:
        i += data[i] + 1
    return i + 1


def _gif_end(data: bytes) -> int | None:
    """Return the offset just past a GIF's trailer byte, or None."""
    if len(data) < 13:
        return None
    i = 13 + (3 * (2 << (data[10] & 7)) if data[10] & 0x80 else 0)
    while i < len(data):
        block = data[i]
        if block == 0x3B:
            return i + 1
        if block == 0x21:  # extension: label, then sub-blocks
            i = _gif_skip_subblocks(data, i + 2)
        elif block == 0x2C:  # image: descriptor, local colour table, LZW size, sub-blocks
            flags = data[i + 9] if i + 9 < len(data) else 0
            i += 10 + (3 * (2 << (flags & 7)) if flags & 0x80 else 0)
            i = _gif_skip_subblocks(data, i + 1)
        else:
            return None
    return None


def _webp_end(data: bytes) -> int | None:
    size = int.from_bytes(data[4:8], "little")
    return 8 + size + (size & 1)


def _rest_is_harmless(fmt: str, rest: bytes) -> bool:
    """Tell whether bytes after the image are padding or what phone cameras append."""
    for _ in range(8):
        if len(rest.strip(b"\x00\r\n\t ")) <= TRAILING_SLACK:
            return True
        if fmt not in ("JPEG", "MPO"):
            return False
        if rest.endswith(b"SEFT") or rest[4:8] == b"ftyp":
            return True  # Samsung's trailer; a "motion photo" video (MP4)
        if not rest.startswith(b"\xff\xd8\xff"):
            return False
        end = _jpeg_end(rest)  # another picture: MPO, a gain map of an HDR photo
        if end is None:
            return True
        rest = rest[end:]
    return False


def check_not_polyglot(data: bytes, fmt: str) -> None:
    """Refuse code in the file, a GIF that is a script, and data after the image's end."""
    if CODE_MARKERS.search(data):
        raise PhotoError(translate(HAS_CODE))
    if fmt == "GIF" and data[6:8] == b"/*":
        raise PhotoError(translate(HAS_CODE))  # a GIF whose header opens a JavaScript comment
    finders = {"JPEG": _jpeg_end, "MPO": _jpeg_end, "PNG": _png_end, "GIF": _gif_end,
               "WEBP": _webp_end}
    end = finders[fmt](data)
    if end is not None and not _rest_is_harmless(fmt, data[end:]):
        raise PhotoError(translate(HAS_EXTRA))
