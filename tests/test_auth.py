"""Step 1 of the SOP: logging in, and the one-time setup link."""
import re

import pytest
from conftest import PASSWORD

from app import create_app
from app.db import database
from app.models import AuditEvent, LoginFailure, User
from app.security.accounts import new_setup_token


def test_login_page(client):
    page = client.get("/masuk")
    assert page.status_code == 200
    assert "Nama pengguna" in page.text and "Kata sandi" in page.text


def test_login_success_and_logout(client, auth):
    response = auth.login()
    assert response.status_code == 302 and response.location.endswith("/admin/")
    assert "Selamat datang, Andi Petugas" in client.get("/admin/").text
    auth.logout()
    assert client.get("/admin/").status_code == 302


def test_wrong_password(client, auth, app):
    response = auth.login(password="salah-sekali")
    assert response.status_code == 401
    assert "Nama pengguna atau kata sandi salah." in response.text
    assert client.get("/admin/").status_code == 302
    with database.connection_context():
        assert AuditEvent.select().where(AuditEvent.action == "login.failed").count() == 1


def test_unknown_user_same_message(auth):
    assert "Nama pengguna atau kata sandi salah." in auth.login(username="siapa").text


def test_admin_pages_need_login(client):
    for url in ["/admin/", "/admin/jasa", "/admin/jasa/baru"]:
        response = client.get(url)
        assert response.status_code == 302 and "/masuk" in response.location


def test_next_only_within_site(client):
    response = client.post("/masuk?next=https://jahat.example/", data={
        "username": "admin", "password": PASSWORD})
    assert response.location.endswith("/admin/")
    client.post("/keluar")
    response = client.post("/masuk?next=/admin/jasa", data={
        "username": "admin", "password": PASSWORD})
    assert response.location.endswith("/admin/jasa")


def test_repeated_failures_slow_down(client, auth, app):
    for _ in range(app.config["LOGIN_FAILURES_BEFORE_DELAY"]):
        auth.login(password="salah")
    response = auth.login()  # even the right password waits
    assert response.status_code == 401
    assert "Terlalu banyak percobaan" in response.text
    assert client.get("/admin/").status_code == 302


def test_throttle_is_per_account_and_address(client, auth, app):
    with database.connection_context():
        for _ in range(10):
            LoginFailure.create(key="user:viewer")
    # another account from the same address is not held back by viewer's failures
    assert auth.login().status_code == 302


# --- CSRF --------------------------------------------------------------------

@pytest.fixture
def csrf_app(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path / "i"), "TESTING": True,
                      "DATABASE_URL": "sqlite:///" + (tmp_path / "c.db").as_posix()})
    from app.models import Unit
    from app.security.accounts import create_user
    with app.app_context(), database.connection_context():
        create_user(Unit.select().first(), "admin", PASSWORD, "superadmin")
    return app


def _token(html):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_login_without_csrf_token_refused(csrf_app):
    client = csrf_app.test_client()
    response = client.post("/masuk", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 400
    assert "Formulir kedaluwarsa" in response.text


def test_login_with_csrf_token(csrf_app):
    client = csrf_app.test_client()
    token = _token(client.get("/masuk").text)
    response = client.post("/masuk", data={"username": "admin", "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302


def test_htmx_post_needs_csrf_header(csrf_app):
    client = csrf_app.test_client()
    token = _token(client.get("/masuk").text)
    client.post("/masuk", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    page = client.get("/admin/jasa").text
    header_token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    bare = client.post("/admin/jasa/1/hapus", headers={"HX-Request": "true"})
    assert bare.status_code == 400
    with_header = client.post("/admin/jasa/1/hapus", headers={"HX-Request": "true",
                                                              "X-CSRFToken": header_token})
    assert with_header.status_code == 404  # past CSRF; there is no listing 1


# --- one-time setup link ---------------------------------------------------------

@pytest.fixture
def fresh_app(tmp_path):
    return create_app({"INSTANCE_PATH": str(tmp_path / "i"), "TESTING": True,
                       "WTF_CSRF_ENABLED": False,
                       "DATABASE_URL": "sqlite:///" + (tmp_path / "s.db").as_posix()})


def _setup_form(**overrides):
    data = {"full_name": "Siti Kepala", "username": "siti", "password": "kalimat panjang rahasia",
            "confirm": "kalimat panjang rahasia"}
    data.update(overrides)
    return data


def test_setup_link_creates_superadmin_once(fresh_app):
    with fresh_app.app_context(), database.connection_context():
        token = new_setup_token()
    client = fresh_app.test_client()
    assert client.get(f"/siapkan/{token}").status_code == 200
    response = client.post(f"/siapkan/{token}", data=_setup_form())
    assert response.status_code == 302 and response.location.endswith("/admin/")
    with fresh_app.app_context(), database.connection_context():
        assert User.get(User.username == "siti").role == "superadmin"
    other = fresh_app.test_client()
    assert other.get(f"/siapkan/{token}").status_code == 404
    again = other.post(f"/siapkan/{token}", data=_setup_form(username="kedua"))
    assert again.status_code == 404
    with fresh_app.app_context(), database.connection_context():
        assert User.select().count() == 1


def test_setup_link_wrong_token(fresh_app):
    with fresh_app.app_context(), database.connection_context():
        new_setup_token()
    assert fresh_app.test_client().get("/siapkan/tebak-tebakan").status_code == 404


def test_setup_rejects_weak_password_and_changes_nothing(fresh_app):
    with fresh_app.app_context(), database.connection_context():
        token = new_setup_token()
    client = fresh_app.test_client()
    response = client.post(f"/siapkan/{token}", data=_setup_form(password="pendek", confirm="pendek"))
    assert response.status_code == 200 and "8 sampai 128 karakter" in response.text
    response = client.post(f"/siapkan/{token}", data=_setup_form(password="siti", confirm="siti"))
    with fresh_app.app_context(), database.connection_context():
        assert User.select().count() == 0
    # the link still works after a refused attempt
    assert client.get(f"/siapkan/{token}").status_code == 200
