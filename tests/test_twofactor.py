"""Two-factor login: enrolment with an authenticator app, codes, recovery codes, policy."""
import re
import time
from pathlib import Path

import pyotp
import pytest
from conftest import PASSWORD

from app.db import database
from app.models import AuditEvent, RecoveryCode, User


def login(client, username="admin", password=PASSWORD):
    return client.post("/masuk", data={"username": username, "password": password})


def user(username="admin"):
    with database.connection_context():
        return User.get(User.username == username)


def actions(action):
    with database.connection_context():
        return AuditEvent.select().where(AuditEvent.action == action).count()


def enrol(client):
    """Enrol the signed-in user; return (TOTP, recovery codes)."""
    page = client.get("/akun/2fa")
    assert page.status_code == 200 and "<svg" in page.text  # the QR code
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", page.text).group(1).replace(" ", "")
    totp = pyotp.TOTP(secret)
    done = client.post("/akun/2fa", data={"code": totp.now()})
    assert done.status_code == 200 and "Simpan kode-kode ini sekarang" in done.text
    codes = re.findall(r"<code>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})</code>", done.text)
    return totp, codes


def next_code(totp):
    # The enrolment spent the current step; a code is never accepted twice.
    return totp.at(time.time() + 30)


@pytest.fixture
def enrolled(client):
    login(client)
    totp, codes = enrol(client)
    client.post("/keluar")
    return totp, codes


def test_enrolment_and_login_with_code(client, enrolled):
    totp, codes = enrolled
    assert len(codes) == 10 and len(set(codes)) == 10
    assert user().totp_enabled_at is not None and actions("2fa.enable") == 1
    with database.connection_context():
        stored = [r.code_hash for r in RecoveryCode.select()]
    assert len(stored) == 10 and not any(c.replace("-", "") in h for c in codes for h in stored)

    response = login(client)
    assert response.status_code == 302 and response.location.endswith("/masuk/kode")
    # Password alone signs nobody in.
    assert client.get("/admin/").status_code == 302
    response = client.post("/masuk/kode", data={"code": next_code(totp)})
    assert response.status_code == 302 and response.location.endswith("/admin/")
    assert client.get("/admin/").status_code == 200
    with database.connection_context():
        last = AuditEvent.select().where(AuditEvent.action == "login").order_by(
            AuditEvent.id.desc()).first()
    assert "password+totp" in last.after


def test_secret_is_encrypted_at_rest(client, enrolled, app):
    totp, _ = enrolled
    stored = user().totp_secret
    assert totp.secret not in stored and len(stored) > 60
    assert (Path(app.instance_path) / "totp_key").stat().st_size > 0


def test_wrong_code_refused_and_throttled(client, enrolled, app):
    totp, _ = enrolled
    login(client)
    good = next_code(totp)
    wrong = "000000" if good != "000000" else "111111"
    response = client.post("/masuk/kode", data={"code": wrong})
    assert response.status_code == 401 and "Kode salah" in response.text
    assert client.get("/admin/").status_code == 302
    assert actions("login.2fa_failed") == 1
    for _ in range(app.config["LOGIN_FAILURES_BEFORE_DELAY"] - 1):
        client.post("/masuk/kode", data={"code": wrong})
    response = client.post("/masuk/kode", data={"code": good})  # even the right one waits
    assert response.status_code == 401 and "Terlalu banyak percobaan" in response.text
    assert client.get("/admin/").status_code == 302


def test_code_cannot_be_replayed(client, enrolled):
    totp, _ = enrolled
    code = next_code(totp)
    login(client)
    assert client.post("/masuk/kode", data={"code": code}).status_code == 302
    client.post("/keluar")
    login(client)
    response = client.post("/masuk/kode", data={"code": code})
    assert response.status_code == 401 and "sudah dipakai" in response.text


def test_recovery_code_works_once(app, enrolled):
    _, codes = enrolled
    first = app.test_client()
    login(first)
    response = first.post("/masuk/kode", data={"code": codes[3].upper().replace("-", " ")})
    assert response.status_code == 302 and first.get("/admin/").status_code == 200
    assert actions("2fa.recovery_used") == 1
    second = app.test_client()
    login(second)
    response = second.post("/masuk/kode", data={"code": codes[3]})
    assert response.status_code == 401 and second.get("/admin/").status_code == 302
    assert second.post("/masuk/kode", data={"code": codes[4]}).status_code == 302


def test_code_page_needs_the_password_first(client, enrolled):
    totp, _ = enrolled
    response = client.post("/masuk/kode", data={"code": next_code(totp)})
    assert response.status_code == 302 and response.location.endswith("/masuk")
    assert client.get("/admin/").status_code == 302


def test_wrong_enrolment_code_keeps_2fa_off(client):
    login(client)
    client.get("/akun/2fa")
    response = client.post("/akun/2fa", data={"code": "123456"})
    assert "Kode salah" in response.text and user().totp_enabled_at is None


def test_disable_needs_password(client, enrolled):
    totp, _ = enrolled
    login(client)
    client.post("/masuk/kode", data={"code": next_code(totp)})
    response = client.post("/akun/2fa/nonaktifkan", data={"off-current": "salah sekali"})
    assert "Kata sandi saat ini salah." in response.text and user().totp_enabled_at
    response = client.post("/akun/2fa/nonaktifkan", data={"off-current": PASSWORD})
    assert response.status_code == 303 and user().totp_enabled_at is None
    assert actions("2fa.disable") == 1
    client.post("/keluar")
    assert login(client).location.endswith("/admin/")  # password only again


def test_require_2fa_forces_enrolment(app, client):
    login(client)
    client.post("/admin/pengguna/wajib-2fa", data={"wajib": "1"})
    assert actions("setting.update") == 1
    other = app.test_client()
    assert login(other, "viewer").status_code == 302
    for url in ["/admin/", "/admin/jasa", "/admin/kios"]:
        response = other.get(url)
        assert response.status_code == 302 and response.location.endswith("/akun/2fa")
    assert "Superadmin mewajibkan verifikasi dua langkah" in other.get("/akun/2fa").text
    enrol(other)
    assert other.get("/admin/").status_code == 200
    # Once required, it cannot be switched off by the user.
    response = other.post("/akun/2fa/nonaktifkan", data={"off-current": PASSWORD})
    assert "tidak bisa dinonaktifkan" in response.text and user("viewer").totp_enabled_at is not None


def test_superadmin_resets_2fa(app, client):
    viewer_client = app.test_client()
    login(viewer_client, "viewer")
    enrol(viewer_client)
    login(client)
    viewer = user("viewer")
    row = client.post(f"/admin/pengguna/{viewer.id}/atur-ulang-2fa",
                      headers={"HX-Request": "true"})
    assert row.status_code == 200 and f'id="user-{viewer.id}"' in row.text
    assert user("viewer").totp_enabled_at is None and actions("2fa.reset") == 1
    with database.connection_context():
        assert RecoveryCode.select().count() == 0
    assert viewer_client.get("/admin/").status_code == 302  # signed out
    assert login(viewer_client, "viewer").location.endswith("/admin/")  # password only again


def test_recovery_codes_can_be_renewed(client, enrolled):
    totp, codes = enrolled
    login(client)
    client.post("/masuk/kode", data={"code": next_code(totp)})
    page = client.post("/akun/2fa/kode-pemulihan", data={"new-current": PASSWORD})
    fresh = re.findall(r"<code>([a-z0-9-]{19})</code>", page.text)
    assert len(fresh) == 10 and not set(fresh) & set(codes)
    client.post("/keluar")
    login(client)
    assert client.post("/masuk/kode", data={"code": codes[0]}).status_code == 401
    assert client.post("/masuk/kode", data={"code": fresh[0]}).status_code == 302


@pytest.mark.parametrize("code", ["١٢٣٤٥٦", "🙂\u202eǅ\u200b\ufeff", "12345", "x" * 40, "' OR 1=1"])
def test_odd_codes_get_a_message(client, enrolled, code):
    login(client)
    response = client.post("/masuk/kode", data={"code": code})
    assert response.status_code == 401 and "Kode salah" in response.text
    with database.connection_context():
        User.update(totp_enabled_at=None).execute()  # back to enrolment
    login(client)
    response = client.post("/akun/2fa", data={"code": code})
    assert response.status_code == 200 and "Kode salah" in response.text
