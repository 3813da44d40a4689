"""Friendly Indonesian error pages, short htmx error messages for #flash, no leaks."""
import pytest
from bs4 import BeautifulSoup
from werkzeug.exceptions import TooManyRequests

from app import create_app
from app.db import database
from app.models import User
from app.web.errors import MESSAGES

SECRET = "RAHASIA-DETAIL-INTERNAL"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def app_with_faults(app):
    """The app plus routes that fail in each way an error handler must cover."""
    def boom():
        raise RuntimeError(SECRET + " /home/app/secret.py line 3")

    def limited():
        raise TooManyRequests(retry_after=90)

    def forbidden():
        from flask import abort
        abort(403)
    app.add_url_rule("/_uji/500", "boom", boom, methods=["GET", "POST"])
    app.add_url_rule("/_uji/429", "limited", limited)
    app.add_url_rule("/_uji/403", "forbidden", forbidden, methods=["GET", "POST"])
    return app


def _page(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


@pytest.mark.parametrize("code,url,method", [
    (403, "/_uji/403", "get"), (404, "/tidak-ada-halaman", "get"), (405, "/", "post"),
    (429, "/_uji/429", "get"), (500, "/_uji/500", "get")])
def test_friendly_full_pages(app_with_faults, code, url, method):
    response = getattr(app_with_faults.test_client(), method)(url)
    assert response.status_code == code
    page = _page(response)
    title, _ = MESSAGES[code]
    assert page.find("h1").get_text() == title
    assert page.find("html")["lang"] == "id"
    text = response.get_data(as_text=True)
    assert SECRET not in text and "Traceback" not in text and "secret.py" not in text
    assert page.find(id="flash") is not None
    assert "HX-Reswap" not in response.headers


def test_405_keeps_allow_and_429_says_how_long(app_with_faults):
    client = app_with_faults.test_client()
    assert "GET" in client.post("/").headers["Allow"]
    response = client.get("/_uji/429")
    assert response.headers["Retry-After"] == "90"
    assert "Tunggu 90 detik" in response.get_data(as_text=True)


def test_400_for_an_expired_form(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path / "i"), "TESTING": True,
                      "DATABASE_URL": "sqlite:///" + (tmp_path / "c.db").as_posix(),
                      "SECRET_KEY": "test", "WTF_CSRF_ENABLED": True})
    client = app.test_client()
    response = client.post("/masuk", data={"username": "a", "password": "b"})
    assert response.status_code == 400
    assert "Formulir kedaluwarsa" in response.get_data(as_text=True)
    response = client.post("/masuk", data={"username": "a"}, headers=HTMX)
    assert response.status_code == 400 and response.headers["HX-Reswap"].startswith("none")


def test_413_for_an_oversize_upload(app, client, auth):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    auth.login()
    response = client.post("/admin/jasa/baru", data={"title": "x" * 20_000})
    assert response.status_code == 413
    assert MESSAGES[413][0] in response.get_data(as_text=True)


@pytest.mark.parametrize("code,url", [(403, "/_uji/403"), (404, "/tidak-ada"),
                                      (405, "/"), (429, "/_uji/429"), (500, "/_uji/500")])
def test_htmx_gets_a_fragment_for_flash(app_with_faults, code, url):
    client = app_with_faults.test_client()
    method = client.post if code == 405 else client.get
    response = method(url, headers=HTMX)
    assert response.status_code == code  # the real status: htmx's config swaps it anyway
    assert response.headers["HX-Reswap"].startswith("none")  # the target stays as it was
    page = _page(response)
    assert page.find("html") is None and page.find("body") is None
    region = page.find(id="flash")
    assert region["hx-swap-oob"] == "innerHTML"
    alert = region.find(id="htmx-error")
    assert alert["role"] == "alert" and "flash" in alert["class"]
    assert MESSAGES[code][0] in alert.get_text()
    assert SECRET not in response.get_data(as_text=True)


def test_boosted_and_history_requests_get_the_whole_page(app_with_faults):
    client = app_with_faults.test_client()
    for extra in ({"HX-Boosted": "true"}, {"HX-History-Restore-Request": "true"}):
        response = client.get("/tidak-ada", headers=HTMX | extra)
        assert response.status_code == 404 and "HX-Reswap" not in response.headers
        assert _page(response).find("html") is not None


def test_admin_htmx_action_refused_for_viewer(app, client, auth, make_listing):
    listing = make_listing()
    auth.login("viewer")
    response = client.post(f"/admin/jasa/{listing.id}/hapus", headers=HTMX)
    assert response.status_code == 403 and response.headers["HX-Reswap"].startswith("none")
    assert "Akses ditolak" in response.get_data(as_text=True)


def test_admin_error_page_links_back_to_admin(app, client, auth):
    auth.login("viewer")
    page = _page(client.get("/admin/jasa/baru"))
    assert page.find("a", string="Kembali ke beranda admin")["href"] == "/admin/"


def test_unknown_statuses_get_fitting_words():
    from app.web.errors import texts
    assert texts(418) == MESSAGES[400] and texts(502) == MESSAGES[500]


def test_error_page_survives_a_broken_template(app_with_faults, monkeypatch):
    import app.web.errors as errors

    def broken(*args, **kwargs):
        raise RuntimeError("template missing")
    monkeypatch.setattr(errors, "render_template", broken)
    response = app_with_faults.test_client().get("/_uji/500")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert MESSAGES[500][0] in text and "template missing" not in text
    assert response.headers["Content-Security-Policy"]


def test_every_error_answer_has_security_headers(app_with_faults):
    client = app_with_faults.test_client()
    for url in ("/_uji/500", "/_uji/403", "/tidak-ada"):
        for headers in ({}, HTMX):
            response = client.get(url, headers=headers)
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert "Content-Security-Policy" in response.headers


# --- in Chromium: the admin sees the message; the kiosk keeps its slide -----------------

@pytest.mark.browser
def test_htmx_errors_show_in_chromium(app, make_listing, chromium, monkeypatch):
    from browser_support import LiveServer
    from conftest import PASSWORD
    from security_support import csp_violations, watch_page
    listing = make_listing()
    with LiveServer(app) as site:
        page = chromium.new_page(locale="id-ID")
        problems = watch_page(page)
        page.goto(site("/masuk"))
        page.fill("#username", "admin")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.goto(site("/admin/jasa"))
        row = page.locator(f"#listing-{listing.id}")

        # 500: the server fails while confirming; the row stays, the message shows.
        def fail(*args, **kwargs):
            raise RuntimeError(SECRET)
        monkeypatch.setattr("app.records.listings.confirm_listing", fail)
        row.get_by_role("button", name="Konfirmasi").click()
        alert = page.locator("#flash [role=alert]")
        alert.wait_for()
        assert "Terjadi kesalahan" in alert.inner_text()
        assert SECRET not in page.content()
        assert row.is_visible()

        # 403: the account became read-only after the page was shown.
        with app.app_context(), database.connection_context():
            User.update(role="viewer").where(User.username == "admin").execute()
        row.get_by_role("button", name="Hapus").click()
        page.wait_for_function(
            "() => document.querySelector('#flash').textContent.includes('Akses ditolak')")
        assert row.is_visible() and "Penjahit" in row.inner_text()
        assert page.evaluate("() => document.querySelectorAll('html').length") == 1
        problems += csp_violations(page)
    assert not [p for p in problems if "Failed to load resource" not in p], problems


@pytest.mark.browser
def test_kiosk_keeps_its_slide_on_a_500(app, make_listing, chromium, monkeypatch):
    from browser_support import LiveServer

    from app.models import Unit
    make_listing(title="Las Pagar dan Teralis")
    with app.app_context(), database.connection_context():
        Unit.update(kiosk_interval=5).execute()
    with LiveServer(app) as site:
        page = chromium.new_page(viewport={"width": 1920, "height": 1080}, locale="id-ID")
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(site("/kiosk"))
        before = page.inner_text("#kiosk-panel h1")

        def fail(*args, **kwargs):
            raise RuntimeError(SECRET)
        monkeypatch.setattr("app.public.kiosk.next_slide", fail)
        with page.expect_response(lambda r: "/kiosk/panel" in r.url and r.status == 500,
                                  timeout=15000):
            pass
        page.wait_for_function("() => document.body.classList.contains('k-offline')")
        assert page.inner_text("#kiosk-panel h1") == before
        assert "Terjadi kesalahan" not in page.content() and SECRET not in page.content()
        assert errors == []


def test_numbers_too_big_for_the_database_are_bad_input(client, auth):
    from app.web.errors import TOO_BIG_NUMBER
    auth.login()
    response = client.get("/admin/jasa", query_string={"hal": "9" * 40})
    assert response.status_code in (200, 400)  # 400 unless the view clamps the page itself
    if response.status_code == 400:
        assert TOO_BIG_NUMBER in response.get_data(as_text=True)


def test_overflow_and_data_errors_answer_400(app_with_faults):
    from peewee import DataError

    from app.web.errors import TOO_BIG_NUMBER

    def overflow():
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    def data_error():
        raise DataError("numeric field overflow")
    app_with_faults.add_url_rule("/_uji/overflow", "overflow", overflow)
    app_with_faults.add_url_rule("/_uji/data", "data_error", data_error)
    client = app_with_faults.test_client()
    for url in ("/_uji/overflow", "/_uji/data"):
        response = client.get(url)
        assert response.status_code == 400
        text = response.get_data(as_text=True)
        assert TOO_BIG_NUMBER in text and "SQLite" not in text and "numeric" not in text


def test_nul_characters_refused_before_any_view(app, client, auth, make_listing):
    from app.web.headers import NUL_MESSAGE
    listing = make_listing()
    auth.login()
    for response in (client.get("/?q=jahit%00"),
                     client.post(f"/admin/jasa/{listing.id}/ubah", data={"title": "a\x00b"}),
                     client.post("/admin/kios", data={"interval\x00": "10"})):
        assert response.status_code == 400
        assert NUL_MESSAGE in response.get_data(as_text=True)
    response = client.post(f"/admin/jasa/{listing.id}/ubah", data={"title": "a\x00b"},
                           headers=HTMX)
    assert response.status_code == 400 and 'id="htmx-error"' in response.get_data(as_text=True)
