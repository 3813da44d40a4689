"""HTTP caching: conditional GET for public pages, cache lifetimes for static files.

Public pages (the `public` blueprint) get a weak ETag computed from the uncompressed
body and `Cache-Control: no-cache`: the browser keeps its copy but asks every time, so
a repeat visit costs a 304 with an empty body, and a change an admin saves shows on the
very next request (the body changes, so does its ETag). A weak ETag is the right kind:
the gzip, brotli and plain bodies are the same page, so one ETag serves all three.

Static files: a URL whose `?v=` is the file's current content hash (`asset_url`) is
cached for a year as `immutable`; any other static URL (no hash, or an outdated one)
for ten minutes only. Compressible static files are compressed once, at the highest
level, and kept in memory, so every request is answered with a Content-Length and no
compression work (flask-compress would otherwise compress each streamed file again, and
would never answer a gzip-only client in gzip for a file).

Order matters: Flask runs `after_request` functions in reverse order of registration, so
`init_app` must be called after flask-compress's: these hooks then see the uncompressed
body and flask-compress leaves alone what is already a 304 or already encoded.
"""
import gzip
import hashlib
import os
from functools import lru_cache

import brotli
from flask import request
from werkzeug.security import safe_join

IMMUTABLE = "public, max-age=31536000, immutable"
STATIC_SHORT = "public, max-age=600"
REVALIDATE = "no-cache"
PUBLIC_BLUEPRINT = "public"
STATIC_ENCODINGS = ("br", "gzip")  # in order of preference when the client takes both


def public_page_headers(response):
    """Give a public GET answer a weak body ETag and answer 304 when it has not changed."""
    if (request.blueprint != PUBLIC_BLUEPRINT or request.method not in ("GET", "HEAD")
            or response.status_code != 200 or response.direct_passthrough
            or response.is_streamed or "no-store" in response.headers.get("Cache-Control", "")):
        return response
    response.vary.add("Accept-Encoding")
    response.vary.add("HX-Request")  # the same URL answers a page or an htmx fragment
    if "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = REVALIDATE
    if "ETag" not in response.headers:
        body = response.get_data()
        response.set_etag(hashlib.blake2b(body, digest_size=12).hexdigest(), weak=True)
    return response.make_conditional(request)


def _accepted(header: str) -> set[str]:
    """Content codings the client accepts (q > 0), lower-cased."""
    accepted = set()
    for part in header.lower().split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        if name and quality > 0:
            accepted.add(name.strip())
    return accepted


@lru_cache(maxsize=256)
def _content_hash(path: str, mtime_ns: int, size: int) -> str:
    """The same 10-hex-digit hash `asset_url` puts in `?v=`, for this version of the file."""
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:10]


def content_hash(path: str) -> str:
    """The 10-hex-digit content hash of a static file, for `asset_url`'s `?v=`."""
    stat = os.stat(path)
    return _content_hash(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=128)
def _encoded(path: str, mtime_ns: int, size: int, encoding: str) -> bytes:
    """The file compressed at the highest level; computed once per version of the file."""
    with open(path, "rb") as f:
        data = f.read()
    if encoding == "br":
        return brotli.compress(data, quality=11)
    return gzip.compress(data, 9, mtime=0)


def static_headers(app, response):
    """Cache lifetime by URL kind; precompressed body for a client that accepts one."""
    if request.endpoint != "static":
        return response
    filename = (request.view_args or {}).get("filename", "")
    path = safe_join(app.static_folder, filename)
    try:
        stat = os.stat(path) if path else None
    except OSError:
        stat = None
    if stat is None:
        return response
    key = (path, stat.st_mtime_ns, stat.st_size)
    hashed = request.args.get("v") == _content_hash(*key)
    response.headers["Cache-Control"] = IMMUTABLE if hashed else STATIC_SHORT
    if (response.status_code != 200 or request.method not in ("GET", "HEAD")
            or response.mimetype not in app.config["COMPRESS_MIMETYPES"]
            or stat.st_size < app.config["COMPRESS_MIN_SIZE"]
            or "Content-Encoding" in response.headers):
        return response
    response.vary.add("Accept-Encoding")
    accepted = _accepted(request.headers.get("Accept-Encoding", ""))
    encoding = next((e for e in STATIC_ENCODINGS if e in accepted), None)
    if encoding is None:
        return response  # flask-compress may still use zstd or deflate
    close = getattr(response.response, "close", None)
    if close:
        close()  # the open file of send_file, replaced by the cached bytes
    response.direct_passthrough = False
    response.set_data(_encoded(*key, encoding))
    response.headers["Content-Encoding"] = encoding
    response.headers.pop("Accept-Ranges", None)  # ranges of the encoded body: not offered
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(f"{etag}-{encoding}", weak)  # a strong ETag per encoding
    return response.make_conditional(request)


def init_app(app):
    """Register the hooks; call after `compress.init_app(app)` (see the module docstring)."""
    app.after_request(public_page_headers)
    app.after_request(lambda response: static_headers(app, response))
