"""WSGI apps for `bench/load.py http --impl fast|cached`: proposals measured before adoption.

    python -m waitress --listen=127.0.0.1:8099 bench.wsgi_fast:app      # fast search
    python -m waitress --listen=127.0.0.1:8099 bench.wsgi_fast:cached   # + page cache

`app` is the application with bench/fast_search.py's `find_public_fast` in place of
`directory.find_public`. `cached` puts `PublicPageCache` in front of it: a per-process
memory of rendered public pages, valid while SQLite's `PRAGMA data_version` (which
changes whenever any connection, in any process, commits) and the date stay the same.
Only for measuring; never for serving the public. The cache ignores requests with a
cookie or a conditional header, and keeps only 200 answers without Set-Cookie or
no-store, so an admin and a revalidating browser always reach the application.
"""
import datetime as dt
import sqlite3
import sys
import threading
from collections import OrderedDict

from wsgi import app  # noqa: F401  (builds the app as `waitress-serve wsgi:app` does)

from bench.fast_search import find_public_fast

for name, module in list(sys.modules.items()):
    if name.startswith("app.public") and hasattr(module, "find_public"):
        module.find_public = find_public_fast

CACHED_PREFIXES = ("/", "/kategori/")
KEY_HEADERS = ("HTTP_HOST", "wsgi.url_scheme", "HTTP_ACCEPT_ENCODING", "HTTP_HX_REQUEST",
               "HTTP_HX_BOOSTED", "HTTP_HX_HISTORY_RESTORE_REQUEST", "HTTP_HX_TARGET")


class PublicPageCache:
    def __init__(self, wsgi_app, database_path: str, entries: int = 1000):
        self.wsgi_app = wsgi_app
        self.watch = sqlite3.connect(database_path, check_same_thread=False)
        self.lock = threading.Lock()
        self.pages = OrderedDict()
        self.entries = entries
        self.stamp = None

    def _current(self):
        with self.lock:
            stamp = (self.watch.execute("PRAGMA data_version").fetchone()[0], dt.date.today())
            if stamp != self.stamp:
                self.pages.clear()
                self.stamp = stamp
            return stamp

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if (environ.get("REQUEST_METHOD") != "GET" or environ.get("HTTP_COOKIE")
                or environ.get("HTTP_IF_NONE_MATCH") or environ.get("HTTP_IF_MODIFIED_SINCE")
                or not (path == "/" or path.startswith("/kategori/"))):
            return self.wsgi_app(environ, start_response)
        stamp = self._current()
        key = (path, environ.get("QUERY_STRING", ""), *(environ.get(h, "") for h in KEY_HEADERS))
        with self.lock:
            hit = self.pages.get(key)
            if hit is not None:
                self.pages.move_to_end(key)
        if hit is not None:
            status, headers, body = hit
            start_response(status, list(headers))
            return [body]
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info)
        body = b"".join(self.wsgi_app(environ, capture))
        headers = captured.get("headers", [])
        names = {k.lower(): v for k, v in headers}
        if (captured.get("status", "").startswith("200") and "set-cookie" not in names
                and "no-store" not in names.get("cache-control", "")):
            with self.lock:
                if self.stamp == stamp:
                    self.pages[key] = (captured["status"], tuple(headers), body)
                    while len(self.pages) > self.entries:
                        self.pages.popitem(last=False)
        return [body]


def _database_path() -> str:
    url = app.config["DATABASE_URL"]
    if not url.startswith("sqlite:///"):
        raise SystemExit("bench.wsgi_fast:cached measures SQLite only")
    return url[len("sqlite:///"):]


cached = PublicPageCache(app, _database_path())
