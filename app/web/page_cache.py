"""Rendered public directory pages, kept in memory per process until public data changes.

Most visitors ask for the same few pages: the home page, a category, the first letters
of a common word. Rendering one takes ~10 ms of CPU with 100,000 listings; answering
from memory takes a fraction of one. A page is reused only while

- the *public data version* is the same: a counter that database triggers bump on any
  write to the tables public pages are made of (migration 0007), whichever process or
  tool writes — so a change an admin saves shows on the very next request, and several
  app processes behind one PostgreSQL never serve each other's old pages;
- the date is the same (visibility depends on it: publication end, stale contacts);
- everything the page depends on is the same: path and query, host and scheme (links
  use RAJA_KEMAS_PUBLIC_URL when set, else the host; an untrusted Host gets a 400, which
  is never kept, so a forged one cannot plant a page — app/web/public_address.py), the
  language (Accept-Language and the `lang` cookie), htmx's headers (page or fragment),
  and Accept-Encoding (the stored body is the compressed one).

Requests with any other cookie (a logged-in admin) or other methods go to the app, and
only plain 200 answers without Set-Cookie are kept. A revalidating browser gets 304 when
its ETag matches the kept page (on a miss the page is made as a 200 first, so returning
visitors refill the cache too). Memory is bounded by bytes (LRU).
"""
import datetime as dt
import logging
import re
import threading
from collections import OrderedDict
from urllib.parse import parse_qs

from werkzeug.http import parse_cookie

from app.db import database

log = logging.getLogger(__name__)

CACHED_PATHS = re.compile(r"^/(kategori/[^/]+|u/[^/]+/)?$")
KEY_HEADERS = ("HTTP_HOST", "wsgi.url_scheme", "HTTP_X_FORWARDED_HOST",
               "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_PREFIX", "HTTP_ACCEPT_ENCODING",
               "HTTP_ACCEPT_LANGUAGE", "HTTP_HX_REQUEST", "HTTP_HX_BOOSTED",
               "HTTP_HX_HISTORY_RESTORE_REQUEST", "HTTP_HX_TARGET")
ALLOWED_COOKIES = {"lang"}  # the language choice: part of the key
# Answers that change with the clock, not the data: *Buka sekarang* (directory/browse.py).
UNCACHED_ARGS = {"buka"}
CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")
NOT_MODIFIED_HEADERS = {"etag", "vary", "cache-control", "content-location", "expires"}
ENVIRON_VERSION = "raja_kemas.public_data_version"  # read here: the app need not read it again


def public_data_version() -> int:
    """The counter migration 0007's triggers bump on every write to public data."""
    opened = database.connect(reuse_if_open=True)  # close only a connection opened here
    try:
        return database.execute_sql(
            "SELECT version FROM public_data_version WHERE id = 1").fetchone()[0]
    finally:
        if opened:
            database.close()


def _cookie_key(header: str):
    """The `lang` cookie's value, or None if the request carries any other cookie.

    Parsed as Flask parses it (werkzeug), so the key sees the cookie the app will see.
    """
    cookies = parse_cookie(header or "")
    if set(cookies) - ALLOWED_COOKIES:
        return None
    return cookies.get("lang", "")


def _etags(header: str) -> list[str]:
    """The tags of an If-None-Match header, compared weakly (W/ dropped), as RFC 9110 asks."""
    return [t.strip().removeprefix("W/") for t in header.split(",") if t.strip()]


class PublicPageCache:
    """WSGI middleware in front of the Flask app (see the module docstring)."""

    def __init__(self, wsgi_app, max_bytes: int):
        self.wsgi_app = wsgi_app
        self.max_bytes = max_bytes
        self.lock = threading.Lock()
        self.pages = OrderedDict()  # key -> (status, headers, body)
        self.size = 0
        self.stamp = None

    def _key(self, environ):
        if environ.get("REQUEST_METHOD") != "GET" or not CACHED_PATHS.match(
                environ.get("PATH_INFO", "")):
            return None
        if UNCACHED_ARGS & parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True).keys():
            return None
        language = _cookie_key(environ.get("HTTP_COOKIE", ""))
        if language is None:
            return None
        return (environ.get("PATH_INFO"), environ.get("QUERY_STRING", ""), language,
                *(environ.get(name, "") for name in KEY_HEADERS))

    def _current_stamp(self):
        """(data version, date); forget every page when it differs from the last one."""
        stamp = (public_data_version(), dt.date.today())
        with self.lock:
            if stamp != self.stamp:
                self.pages.clear()
                self.size = 0
                self.stamp = stamp
        return stamp

    def __call__(self, environ, start_response):
        key = self._key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        try:
            stamp = self._current_stamp()
        except Exception:  # no counter yet (database not migrated) or database down
            log.exception("public page cache: data version unreadable; not caching")
            return self.wsgi_app(environ, start_response)
        with self.lock:
            hit = self.pages.get(key)
            if hit is not None:
                self.pages.move_to_end(key)
        if hit is not None:
            return self._answer(hit, environ, start_response, "HIT")
        environ[ENVIRON_VERSION] = stamp[0]
        return self._answer(self._render(key, stamp, environ), environ, start_response, "MISS")

    def _render(self, key, stamp, environ):
        """Make the page (as a plain 200, whatever the request's conditions) and keep it."""
        plain = {k: v for k, v in environ.items() if k not in CONDITIONAL_HEADERS}
        captured, written = {}, []

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return written.append  # WSGI's write(); Flask does not use it
        chunks = self.wsgi_app(plain, capture)
        try:
            body = b"".join([*written, *chunks])
        finally:
            close = getattr(chunks, "close", None)
            if close:
                close()
        page = (captured.get("status", "500 INTERNAL SERVER ERROR"),
                tuple(captured.get("headers", ())), body)
        self._keep(key, stamp, *page)
        return page

    def _answer(self, page, environ, start_response, outcome):
        """The page, or 304 when the browser's copy has its ETag. `X-Cache` says whether
        it was kept (HIT) or made (MISS): bench/load.py counts them for the hit rate."""
        status, headers, body = page
        headers = (*headers, ("X-Cache", outcome))
        etag = next((v for k, v in headers if k.lower() == "etag"), None)
        wanted = _etags(environ.get("HTTP_IF_NONE_MATCH", ""))
        if status.startswith("200") and etag and (
                "*" in wanted or etag.removeprefix("W/") in wanted):
            start_response("304 NOT MODIFIED",
                           [(k, v) for k, v in headers if k.lower() in NOT_MODIFIED_HEADERS])
            return [b""]
        start_response(status, list(headers))
        return [body]

    def _keep(self, key, stamp, status, headers, body):
        names = {k.lower(): v.lower() for k, v in headers}
        cache_control = names.get("cache-control", "")
        if (not status.startswith("200") or "set-cookie" in names
                or "no-store" in cache_control or "private" in cache_control
                or len(body) > self.max_bytes // 20):
            return
        with self.lock:
            if self.stamp != stamp:  # data changed while this page was made
                return
            old = self.pages.pop(key, None)
            if old is not None:
                self.size -= len(old[2])
            self.pages[key] = (status, tuple(headers), body)
            self.size += len(body)
            while self.size > self.max_bytes and self.pages:
                _, (_, _, dropped) = self.pages.popitem(last=False)
                self.size -= len(dropped)


def init_app(app):
    """Put the cache in front of the app (outermost, so hits skip Flask entirely)."""
    limit = app.config["PUBLIC_PAGE_CACHE_BYTES"]
    if limit > 0:
        app.wsgi_app = PublicPageCache(app.wsgi_app, limit)
