"""Compression, static-file caching and thumbnails: what a phone on a slow line downloads."""
import gzip
import io
import re
from pathlib import Path

import brotli
import pytest
from PIL import Image

from app.records.photos import store_photo

STATIC = Path(__file__).resolve().parent.parent / "static"
DECODE = {"gzip": gzip.decompress, "br": brotli.decompress}
IMMUTABLE = "public, max-age=31536000, immutable"


def decoded(response):
    encoding = response.headers.get("Content-Encoding")
    return DECODE[encoding](response.data) if encoding else response.data


@pytest.fixture
def listings(make_listing):
    """Enough listings that every page and fragment is worth compressing."""
    return [make_listing(client_register_number=f"PB-{i}/2025", title=f"Penjahit {name}")
            for i, name in enumerate(["Pakaian", "Kebaya", "Seragam", "Gorden"])]


def asset(client, needle):
    """The hashed URL the home page links for a static file (htmx: in its loader's data-htmx)."""
    page = client.get("/", headers={"Accept-Encoding": "identity"}).text
    urls = re.findall(r'(?:href|src|data-htmx)="(/static/[^"]+)"', page)
    found = [u.replace("&amp;", "&") for u in urls if needle in u]
    assert found, f"home page links no {needle}"
    return found[0]


@pytest.mark.parametrize("encoding", ["br", "gzip"])
@pytest.mark.parametrize("kind", ["page", "fragment", "css", "htmx", "sitemap", "manifest"])
def test_responses_are_compressed(client, listings, kind, encoding):
    target = {
        "page": ("/?q=jahit", {}, b"<!doctype html>"),
        "fragment": ("/?q=jahit", {"HX-Request": "true"}, b'<section id="results"'),
        "css": (asset(client, "css/app.css"), {}, (STATIC / "css/app.css").read_bytes()),
        "htmx": (asset(client, "vendor/htmx"), {}, None),
        "sitemap": ("/sitemap.xml", {}, b"<?xml"),
        "manifest": ("/manifest.webmanifest", {}, b"{"),
    }
    path, headers, expected = target[kind]
    response = client.get(path, headers={"Accept-Encoding": encoding, **headers})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == encoding
    assert "accept-encoding" in response.headers["Vary"].lower()
    body = decoded(response)
    assert len(response.data) < len(body)
    if kind == "htmx":
        assert body == next((STATIC / "vendor").glob("htmx-*.min.js")).read_bytes()
    elif kind == "css":
        assert body == expected
    else:
        assert body.lstrip().startswith(expected)
    if kind in ("css", "htmx"):
        assert int(response.headers["Content-Length"]) == len(response.data)


def test_browser_preference_order(client, listings):
    """Chrome over https offers gzip, deflate, br and zstd; brotli wins for static files."""
    css = asset(client, "css/app.css")
    offer = {"Accept-Encoding": "gzip, deflate, br, zstd"}
    assert client.get(css, headers=offer).headers["Content-Encoding"] == "br"
    assert client.get(css, headers={"Accept-Encoding": "br;q=0, gzip"}).headers[
        "Content-Encoding"] == "gzip"
    page = client.get("/", headers=offer)
    assert page.headers["Content-Encoding"] == "br"  # smaller than zstd on our pages


def test_no_compression_without_accept_encoding(client, listings):
    for path in ("/", asset(client, "css/app.css")):
        response = client.get(path, headers={"Accept-Encoding": "identity"})
        assert "Content-Encoding" not in response.headers
        assert response.status_code == 200


def test_svg_icon_is_compressible(app):
    assert "image/svg+xml" in app.config["COMPRESS_MIMETYPES"]
    assert "application/json" in app.config["COMPRESS_MIMETYPES"]


def test_hashed_static_url_is_cached_for_a_year(client):
    css = asset(client, "css/app.css")
    assert "?v=" in css
    for encoding in ("br", "gzip", "identity"):
        response = client.get(css, headers={"Accept-Encoding": encoding})
        assert response.headers["Cache-Control"] == IMMUTABLE


@pytest.mark.parametrize("path", ["/static/css/app.css", "/static/css/app.css?v=0123456789"])
def test_unhashed_or_outdated_static_url_gets_a_short_cache(client, path):
    response = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    control = response.headers["Cache-Control"]
    assert "immutable" not in control
    max_age = int(re.search(r"max-age=(\d+)", control).group(1))
    assert 0 < max_age <= 3600


@pytest.mark.parametrize("encoding", ["br", "gzip", "identity"])
def test_static_revalidation_per_encoding(client, encoding):
    css = asset(client, "css/app.css")
    first = client.get(css, headers={"Accept-Encoding": encoding})
    etag = first.headers["ETag"]
    again = client.get(css, headers={"Accept-Encoding": encoding, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    if encoding != "identity":
        plain = client.get(css, headers={"Accept-Encoding": "identity"})
        assert plain.headers["ETag"] != etag  # a strong ETag names one encoding


def test_missing_static_file_is_404(client):
    assert client.get("/static/css/nope.css", headers={"Accept-Encoding": "br"}).status_code == 404


def test_thumbnail_of_a_detailed_portrait_photo_fits_30_kb(tmp_path):
    """Full detail at thumbnail scale (foliage, fabric) is the hardest case for JPEG."""
    detail = Image.merge("RGB", [Image.effect_noise((240, 320), 90) for _ in range(3)])
    buffer = io.BytesIO()
    detail.resize((1200, 1600), Image.BICUBIC).save(buffer, "JPEG", quality=90)
    stored = store_photo(buffer.getvalue(), tmp_path, 8 * 1024 * 1024, 40_000_000)
    assert (stored.thumb_width, stored.thumb_height) == (240, 320)
    assert (tmp_path / stored.thumb).stat().st_size <= 30 * 1024
    with Image.open(tmp_path / stored.thumb) as thumb:
        assert thumb.size == (240, 320)
