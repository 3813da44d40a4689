"""The public page cache (app/page_cache.py): a repeat is answered from memory, and
never with an old, private or wrong-variant page.

Renders are counted by wrapping the views' `find_public`: a request answered from the
cache does not call it.
"""
import datetime as dt
import gzip
import sqlite3
import types
from urllib.parse import unquote, urlsplit

import brotli
import databases
import pytest
from security_support import form_payload

from app import create_app
from app import public as public_views
from app.db import database, release_database
from app.directory import publishing
from app.web import page_cache
from app.web.page_cache import PublicPageCache, public_data_version

TITLE = "Penjahit Pakaian"
PAGES = ("/", "/kategori/menjahit", "/u/bapas-polewali/", "/?q=jahit")


@pytest.fixture
def renders(monkeypatch):
    """The filters of every directory page the app actually renders."""
    calls = []
    real = public_views.find_public

    def counting(filters, per_page):
        calls.append(filters)
        return real(filters, per_page)
    monkeypatch.setattr(public_views, "find_public", counting)
    return calls


@pytest.fixture
def listing(make_listing):
    return make_listing()


@pytest.fixture
def public(app):
    """A visitor's browser: no cookies of its own."""
    return app.test_client()


@pytest.fixture
def admin(client, auth):
    auth.login()
    return client


def cache_of(app) -> PublicPageCache:
    assert isinstance(app.wsgi_app, PublicPageCache)
    return app.wsgi_app


def decoded(response) -> str:
    encoding = response.headers.get("Content-Encoding")
    body = response.data
    if encoding == "gzip":
        body = gzip.decompress(body)
    elif encoding == "br":
        body = brotli.decompress(body)
    else:
        assert encoding is None, encoding
    return body.decode()


@pytest.mark.parametrize("path", PAGES)
def test_repeat_visit_is_answered_from_memory_byte_for_byte(app, public, listing, renders,
                                                            path):
    first = public.get(path, headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 200 and TITLE in decoded(first)
    assert len(renders) == 1
    second = public.get(path, headers={"Accept-Encoding": "gzip"})
    assert len(renders) == 1  # not rendered again
    assert second.status_code == 200
    assert second.data == first.data
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Content-Encoding"] == "gzip"
    assert cache_of(app).size == len(first.data) and len(cache_of(app).pages) == 1
    another = app.test_client().get(path, headers={"Accept-Encoding": "gzip"})
    assert another.data == first.data and len(renders) == 1  # any visitor, same page


def test_other_public_pages_are_not_kept(app, public, listing):
    """Detail pages count views, the kiosk is no-store: they always reach the app."""
    for path in (f"/jasa/{listing.id}-penjahit-pakaian", "/sitemap.xml", "/kiosk/panel",
                 "/static/css/app.css", "/masuk"):
        assert public.get(path).status_code == 200, path
    assert cache_of(app).pages == {}


def test_visitor_statistics_do_not_empty_the_cache(app, public, listing, renders):
    public.get("/")
    with database.connection_context():
        version = public_data_version()
    public.get(f"/jasa/{listing.id}-penjahit-pakaian")  # a counted view: a database write
    public.get(f"/jasa/{listing.id}/wa")  # a counted WhatsApp click
    with database.connection_context():
        assert public_data_version() == version
    public.get("/")
    assert len(renders) == 1


def test_admin_edit_through_the_ui_shows_on_the_next_request(app, admin, public, listing,
                                                            renders):
    for path in PAGES:
        assert TITLE in public.get(path).text
    before = len(renders)
    for path in PAGES:
        assert TITLE in public.get(path).text
    assert len(renders) == before  # all four answered from memory

    response = admin.post(f"/admin/jasa/{listing.id}/ubah", data=form_payload(
        title="Penjahit Kebaya", version=str(listing.version)))
    assert response.status_code == 303
    for path in ("/", "/kategori/menjahit", "/u/bapas-polewali/", "/?q=kebaya"):
        page = public.get(path).text
        assert "Penjahit Kebaya" in page and TITLE not in page, path

    # Moved to another category: gone from the old category's page at once.
    response = admin.post(f"/admin/jasa/{listing.id}/ubah", data=form_payload(
        title="Penjahit Kebaya", version=str(listing.version + 1),
        category_id=str(_category_id("salon-rias"))))
    assert response.status_code == 303
    assert "Penjahit Kebaya" not in public.get("/kategori/menjahit").text
    assert "Penjahit Kebaya" in public.get("/kategori/salon-rias").text


def _category_id(slug):
    from app.models import Category
    with database.connection_context():
        return Category.get(Category.slug == slug).id


def test_unpublishing_through_the_ui_shows_on_the_next_request(app, admin, public, listing):
    etags = {}
    for path in PAGES:
        page = public.get(path)
        assert TITLE in page.text
        etags[path] = page.headers["ETag"]
    assert admin.post(f"/admin/jasa/{listing.id}/terbit",
                      data={"terbit": "0"}).status_code == 303
    for path in PAGES:
        page = public.get(path, headers={"If-None-Match": etags[path]})
        assert page.status_code == 200 and TITLE not in page.text, path
    fragment = public.get("/?q=jahit", headers={"HX-Request": "true"})
    assert TITLE not in fragment.text


def _outside_connection(database_url):
    """A connection of another program: plain sqlite3 or psycopg2, not the app's."""
    if databases.testing_postgres():
        import psycopg2
        return psycopg2.connect(database_url), "%s"
    path = unquote(urlsplit(database_url).path)
    if path.startswith("/") and len(path) > 2 and path[2] == ":":  # sqlite:///C:/... on Windows
        path = path[1:]
    return sqlite3.connect(path), "?"


def test_write_from_outside_the_app_shows_on_the_next_request(app, public, listing, renders,
                                                             database_url):
    for path in PAGES[:3]:
        assert TITLE in public.get(path).text
    with database.connection_context():
        version = public_data_version()
    conn, mark = _outside_connection(database_url)
    try:
        cur = conn.cursor()
        cur.execute(f"UPDATE listing SET title = {mark} WHERE id = {mark}",
                    ("Penjahit Jas Pria", listing.id))
        conn.commit()
    finally:
        conn.close()
    with database.connection_context():
        assert public_data_version() > version  # migration 0007's trigger
    before = len(renders)
    for path in PAGES[:3]:
        page = public.get(path).text
        assert "Penjahit Jas Pria" in page and TITLE not in page, path
    assert len(renders) == before + 3


@pytest.mark.parametrize("action, data", [("tarik", {}), ("hapus", {"understood": "y"})],
                         ids=["consent withdrawn", "client erased"])
def test_withdrawn_consent_or_erased_client_leaves_every_cached_page(
        app, admin, public, listing, action, data):
    variants = [(path, headers) for path in PAGES
                for headers in ({}, {"Accept-Encoding": "gzip"}, {"HX-Request": "true"},
                                {"Accept-Language": "en"})]
    for path, headers in variants:
        assert TITLE in decoded(public.get(path, headers=headers))
    assert len(cache_of(app).pages) == len(variants)
    response = admin.post(f"/admin/klien/{listing.client_id}/{action}", data=data)
    assert response.status_code == 303
    for path, headers in variants:
        page = decoded(public.get(path, headers=headers))
        assert TITLE not in page and "Pak Rudi" not in page, (path, headers)
    assert public.get(f"/jasa/{listing.id}").status_code == 404


def test_languages_are_kept_apart(app, public, listing, renders):
    indonesian = '<html lang="id">'
    english = '<html lang="en">'
    asked = [({"Accept-Language": "id"}, None, indonesian),
             ({"Accept-Language": "en"}, None, english),
             ({}, None, indonesian),
             ({"Accept-Language": "en"}, "id", indonesian),  # the visitor's choice wins
             ({"Accept-Language": "id"}, "en", english),
             ({}, "en", english)]
    for _ in range(2):  # the second round is answered from memory, still apart
        for headers, cookie, expected in asked:
            visitor = app.test_client()
            if cookie:
                visitor.set_cookie("lang", cookie)
            page = visitor.get("/", headers=headers).text
            assert expected in page, (headers, cookie)
            assert ("Search services" in page) == (expected == english), (headers, cookie)
    assert len(renders) == len(asked)


def test_htmx_fragment_and_page_are_kept_apart(app, public, listing, renders):
    kinds = [({}, "<!doctype html>"), ({"HX-Request": "true"}, '<section id="results"'),
             ({"HX-Request": "true", "HX-Boosted": "true"}, "<!doctype html>"),
             ({"HX-Request": "true", "HX-History-Restore-Request": "true"}, "<!doctype html>")]
    for path in ("/?q=jahit", "/kategori/menjahit", "/u/bapas-polewali/"):
        for _ in range(2):
            for headers, start in kinds:
                response = public.get(path, headers=headers)
                assert response.text.startswith(start), (path, headers)
                assert TITLE in response.text
    assert len(renders) == 3 * len(kinds)


@pytest.mark.parametrize("path", ["/", "/kategori/menjahit"])
def test_encodings_are_kept_apart(app, public, listing, renders, path):
    offered = [("gzip", "gzip"), ("br", "br"), ("identity", None), ("gzip, br", "br"),
               (None, None)]
    bodies = {}
    for _ in range(2):
        for accept, expected in offered:
            headers = {"Accept-Encoding": accept} if accept else {}
            response = public.get(path, headers=headers)
            assert response.headers.get("Content-Encoding") == expected, accept
            bodies.setdefault(accept, set()).add(response.data)
            assert TITLE in decoded(response)
    assert len(renders) == len(offered)
    assert all(len(found) == 1 for found in bodies.values())  # the same bytes each time
    plain = {decoded(public.get(path, headers={"Accept-Encoding": a} if a else {}))
             for a, _ in offered}
    assert len(plain) == 1  # one page, whichever encoding carried it


def test_logged_in_admin_bypasses_the_cache(app, admin, public, listing, renders):
    for _ in range(2):
        assert admin.get("/").status_code == 200
    assert len(renders) == 2 and cache_of(app).pages == {}
    public.get("/")
    public.get("/")
    assert len(renders) == 3  # the visitor's page was made for the visitor, then kept
    admin.get("/")
    assert len(renders) == 4  # still not the visitor's copy


@pytest.mark.parametrize("cookie", ["session=abc", "lang=en; other=1", "tracking=1",
                                    "lang=id; remember_token=x"])
def test_any_other_cookie_bypasses_the_cache(app, listing, renders, cookie):
    visitor = app.test_client(use_cookies=False)
    visitor.get("/", headers={"Cookie": cookie})
    visitor.get("/", headers={"Cookie": cookie})
    assert len(renders) == 2 and cache_of(app).pages == {}


@pytest.mark.parametrize("cookie", ['prefs={"a":1}; lang=en', "x; lang=en"])
def test_a_cookie_the_cache_cannot_read_does_not_mix_languages(app, listing, cookie):
    odd = app.test_client(use_cookies=False)
    assert '<html lang="en">' in odd.get("/", headers={"Cookie": cookie,
                                                       "Accept-Language": "id"}).text
    plain = app.test_client().get("/", headers={"Accept-Language": "id"}).text
    assert '<html lang="id">' in plain


def test_post_and_head_are_never_cached(app, public, listing, renders):
    for _ in range(2):
        public.post("/", data={"q": "jahit"})
        public.head("/")
    assert cache_of(app).pages == {}
    public.get("/")
    assert len(renders) == 3  # the two HEADs, and the first GET


def test_etag_of_the_cached_page(app, public, listing, renders):
    first = public.get("/", headers={"Accept-Encoding": "gzip"})
    etag = first.headers["ETag"]
    again = public.get("/", headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag and "Content-Encoding" not in again.headers
    listed = public.get("/", headers={"Accept-Encoding": "gzip",
                                      "If-None-Match": f'W/"0123", {etag}'})
    assert listed.status_code == 304
    stale = public.get("/", headers={"Accept-Encoding": "gzip",
                                     "If-None-Match": 'W/"00000000000000000000000"'})
    assert stale.status_code == 200 and stale.data == first.data
    assert stale.headers["ETag"] == etag
    assert len(renders) == 1  # all answered from memory


def test_revalidation_on_an_empty_cache_refills_it(app, public, listing, renders):
    etag = app.test_client().get("/").headers["ETag"]
    cache_of(app).pages.clear()
    cache_of(app).size = 0
    answer = public.get("/", headers={"If-None-Match": etag})
    assert answer.status_code == 304 and answer.data == b""
    assert len(cache_of(app).pages) == 1  # made as a 200 and kept: returning visitors refill
    again = public.get("/", headers={"If-None-Match": etag.removeprefix("W/")})  # weak match
    assert again.status_code == 304
    stale = public.get("/", headers={"If-None-Match": 'W/"x"'})
    assert stale.status_code == 200 and TITLE in stale.text


def _days_ahead(days):
    class Later(dt.date):
        @classmethod
        def today(cls):
            return dt.date.today() + dt.timedelta(days=days)
    return types.SimpleNamespace(date=Later, datetime=dt.datetime, timedelta=dt.timedelta)


def test_tomorrow_is_a_new_page(app, public, make_listing, renders, monkeypatch):
    make_listing(title="Penjahit Sampai Hari Ini", publish_until=dt.date.today())
    assert "Penjahit Sampai Hari Ini" in public.get("/").text
    assert len(renders) == 1
    monkeypatch.setattr(publishing, "dt", _days_ahead(1))  # the app's day turns...
    public.get("/")
    assert len(renders) == 1  # ...but the cache's date is what keys the page
    monkeypatch.setattr(page_cache, "dt", _days_ahead(1))
    page = public.get("/").text
    assert len(renders) == 2 and "Penjahit Sampai Hari Ini" not in page
    public.get("/")
    assert len(renders) == 2  # tomorrow's page is kept in turn


def _app_with(tmp_path, database_url, **config):
    release_database()  # the fixture app's connections: one pool at a time
    return create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": database_url,
                       "TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False,
                       **config})


def test_memory_is_bounded(app, listing, tmp_path, database_url, monkeypatch):
    limit = 100_000  # a page is kept if at most 5,000 bytes: gzip pages here are ~3,000
    small = _app_with(tmp_path, database_url, PUBLIC_PAGE_CACHE_BYTES=limit)
    renders = []
    real = public_views.find_public
    monkeypatch.setattr(public_views, "find_public",
                        lambda filters, per_page: renders.append(1) or real(filters, per_page))
    cache = cache_of(small)
    visitor = small.test_client()
    sizes = []
    for i in range(60):
        response = visitor.get(f"/?q=kata{i}", headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        sizes.append(len(response.data))
        assert cache.size <= limit
        assert cache.size == sum(len(body) for _, _, body in cache.pages.values())
    assert max(sizes) <= limit // 20  # every page was small enough to keep...
    assert 1 < len(cache.pages) < 60  # ...so the oldest ones were dropped
    assert "/?q=kata0" not in {key[0] + "?" + key[1] for key in cache.pages}
    before = len(renders)
    visitor.get("/?q=kata59", headers={"Accept-Encoding": "gzip"})  # the newest is there
    assert len(renders) == before
    visitor.get("/?q=kata0", headers={"Accept-Encoding": "gzip"})  # the oldest is not
    assert len(renders) == before + 1


def test_pages_too_big_for_a_tiny_cache_are_not_kept(app, listing, tmp_path, database_url):
    tiny = _app_with(tmp_path, database_url, PUBLIC_PAGE_CACHE_BYTES=2000)
    visitor = tiny.test_client()
    for i in range(10):
        assert visitor.get(f"/?q=kata{i}").status_code == 200
        assert cache_of(tiny).size <= 2000
    assert cache_of(tiny).pages == {}


def test_zero_bytes_turns_the_cache_off(app, listing, tmp_path, database_url, renders):
    off = _app_with(tmp_path, database_url, PUBLIC_PAGE_CACHE_BYTES=0)
    assert not isinstance(off.wsgi_app, PublicPageCache)
    visitor = off.test_client()
    first, second = visitor.get("/"), visitor.get("/")
    assert first.data == second.data and TITLE in first.text
    assert len(renders) == 2


@pytest.mark.parametrize("table", ["unit", "category", "region", "client", "consent", "listing"])
def test_every_public_table_still_bumps_the_data_version(app, make_listing, table):
    """A later migration that rebuilds a table (peewee does on SQLite for some column
    changes) would drop migration 0007's trigger, and the cache would go stale."""
    make_listing()
    with app.app_context(), database.connection_context():
        version = public_data_version()
        database.execute_sql(f'UPDATE "{table}" SET id = id')
        assert public_data_version() > version
