"""Photos are re-encoded without metadata; bad uploads are refused with a message."""
import io

import pytest
from conftest import jpeg_bytes
from PIL import Image

from app.records.photos import PhotoError, store_photo

MB = 1024 * 1024


def _exif_with_gps():
    exif = Image.Exif()
    exif[0x010F] = "KameraMerek"  # Make
    exif[0x0110] = "Model X"  # Model
    exif[0x8825] = {1: "S", 2: (3.0, 25.0, 10.0), 3: "E", 4: (119.0, 20.0, 5.0)}  # GPSInfo
    return exif


def test_reencoded_without_exif_and_gps(tmp_path):
    original = jpeg_bytes((1600, 1200), exif=_exif_with_gps())
    assert Image.open(io.BytesIO(original)).getexif().get(0x010F) == "KameraMerek"
    stored = store_photo(original, tmp_path, 8 * MB, 40_000_000)
    for name in (stored.name, stored.thumb):
        data = (tmp_path / name).read_bytes()
        image = Image.open(io.BytesIO(data))
        assert image.format == "JPEG"
        assert len(image.getexif()) == 0
        assert b"KameraMerek" not in data and b"Exif" not in data
    assert max(stored.width, stored.height) <= 1200
    assert max(stored.thumb_width, stored.thumb_height) == 320  # app/photos.py THUMB_SIZE
    assert (tmp_path / stored.thumb).stat().st_size <= 30 * 1024


def test_random_names(tmp_path):
    a = store_photo(jpeg_bytes(), tmp_path, 8 * MB, 40_000_000)
    b = store_photo(jpeg_bytes(), tmp_path, 8 * MB, 40_000_000)
    assert a.name != b.name and len(a.name) > 12


def test_png_with_transparency_becomes_jpeg(tmp_path):
    buffer = io.BytesIO()
    Image.new("RGBA", (300, 200), (0, 0, 0, 0)).save(buffer, "PNG")
    stored = store_photo(buffer.getvalue(), tmp_path, 8 * MB, 40_000_000)
    assert Image.open(tmp_path / stored.name).mode == "RGB"


@pytest.mark.parametrize("data", [b"", b"not an image at all", b"%PDF-1.4 fake",
                                  b"\xff\xd8\xff\xe0" + b"\x00" * 100])
def test_non_images_refused(tmp_path, data):
    with pytest.raises(PhotoError) as exc:
        store_photo(data, tmp_path, 8 * MB, 40_000_000)
    assert "foto" in str(exc.value).lower()
    assert list(tmp_path.iterdir()) == []


def test_oversize_file_refused(tmp_path):
    with pytest.raises(PhotoError, match="terlalu besar"):
        store_photo(jpeg_bytes(), tmp_path, 1000, 40_000_000)


def test_too_many_pixels_refused(tmp_path):
    with pytest.raises(PhotoError, match="piksel"):
        store_photo(jpeg_bytes((3000, 3000)), tmp_path, 8 * MB, 1_000_000)
