"""Server-side sessions: rotation, ending on logout/disable/password change, timeouts,
cookie flags."""
import datetime as dt

import pytest
from conftest import PASSWORD

from app import create_app
from app.db import database
from app.models import AuditEvent, Unit, User, UserSession
from app.security.accounts import create_user


def login(client, username="admin", password=PASSWORD, **kwargs):
    return client.post("/masuk", data={"username": username, "password": password}, **kwargs)


def session_token(client):
    with client.session_transaction() as session:
        return session.get("sid")


def signed_out(client) -> bool:
    response = client.get("/admin/")
    return response.status_code == 302 and "/masuk" in response.location


def shift_session(client, **ages):
    """Make this client's session row older: created_at / last_seen_at minus `ages`."""
    with database.connection_context():
        rows = UserSession.select()
        assert rows.count() >= 1
        for row in rows:
            for field, age in ages.items():
                setattr(row, field, dt.datetime.now() - age)
            row.save()


# --- rotation and logout ---------------------------------------------------------------

def test_session_rotates_on_login(client):
    with client.session_transaction() as session:
        session["sid"] = "planted-by-attacker"  # session fixation attempt
        session["leftover"] = "x"
    login(client)
    first = session_token(client)
    assert first and first != "planted-by-attacker"
    with client.session_transaction() as session:
        assert "leftover" not in session
    client.post("/keluar")
    assert session_token(client) is None
    login(client)
    assert session_token(client) not in (None, first)
    with database.connection_context():
        assert UserSession.select().count() == 1  # the logged-out one is gone


def test_copied_cookie_dies_at_logout(app, client):
    login(client)
    cookie = client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get("/admin/").status_code == 200
    client.post("/keluar")
    assert signed_out(thief)


def test_no_remember_cookie(client):
    response = login(client)
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 1 and cookies[0].startswith("session=")
    assert "Expires" not in cookies[0]  # gone when the browser closes


# --- ending other sessions ------------------------------------------------------------------

def test_disabling_a_user_ends_their_session(app, client):
    viewer = app.test_client()
    login(viewer, "viewer")
    assert viewer.get("/admin/").status_code == 200
    login(client)
    with database.connection_context():
        viewer_id = User.get(User.username == "viewer").id
    client.post(f"/admin/pengguna/{viewer_id}/status", data={"aktif": "0"})
    assert signed_out(viewer)
    assert client.get("/admin/").status_code == 200  # the superadmin is untouched


def test_password_change_ends_other_sessions(app, client):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop)
    login(phone)
    laptop_token = session_token(laptop)
    laptop.post("/akun/kata-sandi", data={"current": PASSWORD,
                                          "password": "perahu sandeq 2026",
                                          "confirm": "perahu sandeq 2026"})
    assert laptop.get("/admin/").status_code == 200
    assert session_token(laptop) != laptop_token  # rotated as well
    assert signed_out(phone)
    follow = phone.get("/admin/", follow_redirects=True)
    assert "Sesi Anda sudah berakhir" in follow.text


def test_reset_by_superadmin_ends_sessions(app, client):
    viewer = app.test_client()
    login(viewer, "viewer")
    login(client)
    with database.connection_context():
        viewer_id = User.get(User.username == "viewer").id
    client.post(f"/admin/pengguna/{viewer_id}/atur-ulang-sandi")
    assert signed_out(viewer)


# --- timeouts -------------------------------------------------------------------------------

def test_idle_timeout(client, app):
    login(client)
    shift_session(client, last_seen_at=dt.timedelta(minutes=29))
    assert client.get("/admin/").status_code == 200  # still within 30 minutes
    shift_session(client, last_seen_at=dt.timedelta(minutes=31))
    response = client.get("/admin/jasa")
    assert response.status_code == 302 and "/masuk" in response.location
    page = client.get(response.location)
    assert "tidak aktif selama 30 menit" in page.text
    assert signed_out(client)
    with database.connection_context():
        assert UserSession.select().count() == 0
        assert AuditEvent.select().where(AuditEvent.action == "session.expired").count() == 1


def test_activity_keeps_the_session_alive(client):
    login(client)
    shift_session(client, last_seen_at=dt.timedelta(minutes=20))
    client.get("/admin/")  # counts as activity
    shift_session(client)  # no change; just reads back
    with database.connection_context():
        seen = UserSession.get().last_seen_at
    assert dt.datetime.now() - seen < dt.timedelta(minutes=1)


def test_absolute_lifetime(client):
    login(client)
    shift_session(client, created_at=dt.timedelta(hours=11, minutes=59))
    assert client.get("/admin/").status_code == 200
    shift_session(client, created_at=dt.timedelta(hours=12, minutes=1))
    assert signed_out(client)
    assert "setelah 12 jam" in client.get("/masuk").text


def test_timeouts_are_settings(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path / "i"), "TESTING": True,
                      "WTF_CSRF_ENABLED": False, "SESSION_IDLE_MINUTES": 5,
                      "DATABASE_URL": "sqlite:///" + (tmp_path / "t.db").as_posix()})
    with app.app_context(), database.connection_context():
        create_user(Unit.select().first(), "admin", PASSWORD, "superadmin")
    client = app.test_client()
    login(client)
    shift_session(client, last_seen_at=dt.timedelta(minutes=6))
    assert signed_out(client)


def test_htmx_request_after_expiry_reloads_the_page(client):
    login(client)
    shift_session(client, last_seen_at=dt.timedelta(hours=1))
    response = client.get("/admin/jasa?q=x", headers={
        "HX-Request": "true", "HX-Current-URL": "http://localhost/admin/jasa?q=x"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/masuk?next=%2Fadmin%2Fjasa%3Fq%3Dx"


# --- cookie flags -------------------------------------------------------------------------------

@pytest.mark.parametrize("setting", [{"HTTPS": True}, {"PREFERRED_URL_SCHEME": "https"}])
def test_cookie_flags_over_https(tmp_path, setting):
    app = create_app({"INSTANCE_PATH": str(tmp_path / "i"), "TESTING": True,
                      "WTF_CSRF_ENABLED": False, **setting,
                      "DATABASE_URL": "sqlite:///" + (tmp_path / "h.db").as_posix()})
    with app.app_context(), database.connection_context():
        create_user(Unit.select().first(), "admin", PASSWORD, "superadmin")
    client = app.test_client()
    response = login(client, base_url="https://localhost")
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 1
    parts = [p.strip() for p in cookies[0].split(";")]
    assert parts[0].startswith("__Host-raja_kemas=")
    assert {"Secure", "HttpOnly", "SameSite=Lax", "Path=/"} <= set(parts)
    assert not any(p.lower().startswith("domain=") for p in parts)
    assert client.get("/admin/", base_url="https://localhost").status_code == 200


def test_cookie_flags_over_http(client):
    cookie = login(client).headers["Set-Cookie"]
    parts = [p.strip() for p in cookie.split(";")]
    assert parts[0].startswith("session=") and "Secure" not in parts
    assert {"HttpOnly", "SameSite=Lax"} <= set(parts)


# --- a database busy with someone else's long write (an import) -------------------------

def locked_for(monkeypatch, target: str, times: int):
    """Make `target` (module.function) meet a locked database its first `times` calls."""
    import sqlite3
    module, name = target.rsplit(".", 1)
    real, calls = getattr(__import__(module, fromlist=[name]), name), []

    def sometimes_locked(*args, **kwargs):
        calls.append(1)
        if len(calls) <= times:
            raise sqlite3.OperationalError("database is locked")
        return real(*args, **kwargs)
    monkeypatch.setattr(target, sometimes_locked)
    return calls


def test_logging_in_while_the_database_is_busy_waits_and_succeeds(client, monkeypatch):
    calls = locked_for(monkeypatch, "app.records.audit.record", times=2)
    response = login(client)
    assert response.status_code == 302 and "/masuk" not in response.location
    assert len(calls) == 3  # tried again until the write lock was free
    assert not signed_out(client)
    monkeypatch.undo()
    client.post("/keluar")  # logging out writes too
    assert signed_out(client)


def test_admin_pages_open_while_the_last_seen_time_cannot_be_written(client, monkeypatch):
    """Noting the session's last activity is worth a write, not a failed page."""
    login(client)
    shift_session(client, last_seen_at=dt.timedelta(minutes=5))
    import peewee
    real_execute = peewee.ModelUpdate.execute

    def busy(query, *args, **kwargs):
        if query.model is UserSession:
            import sqlite3
            raise sqlite3.OperationalError("database is locked")
        return real_execute(query, *args, **kwargs)
    monkeypatch.setattr(peewee.ModelUpdate, "execute", busy)
    assert client.get("/admin/").status_code == 200
