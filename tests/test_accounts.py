"""Password rules, password change and reset, and the superadmin's user management."""
import re

import pytest
from conftest import PASSWORD

from app.db import database
from app.models import AuditEvent, Unit, User
from app.security import accounts
from app.security.accounts import AccountError, create_user, password_problem

NEW_PASSWORD = "sampan biru di teluk mandar"


def login(client, username="admin", password=PASSWORD):
    return client.post("/masuk", data={"username": username, "password": password})


def get_user(username):
    with database.connection_context():
        return User.get(User.username == username)


def actions(action):
    with database.connection_context():
        return list(AuditEvent.select().where(AuditEvent.action == action))


# --- password rules ---------------------------------------------------------------

@pytest.mark.parametrize("password, username, expected", [
    ("pendek7", "", "minimal 8"),
    ("x" * 129, "", "maksimal 128"),
    ("Budiman99", "budiman99", "nama pengguna"),
    ("rahasia-budiman-kantor", "budiman", "nama pengguna"),
    ("password", "", "terlalu umum"),
    ("PassWord123", "", "terlalu umum"),  # case-insensitive
    ("bismillah", "", "terlalu umum"),
    ("merdeka45", "", "terlalu umum"),
    ("Polewali123", "", "terlalu umum"),
    ("admin123", "", "terlalu umum"),
])
def test_password_refused(password, username, expected):
    assert expected in (password_problem(password, username) or "")


@pytest.mark.parametrize("password", [
    "kopi pagi di wonomulyo",  # spaces and no digits or capitals: no composition rules
    "a" * 7 + "b",  # 8 characters are enough
    "ikan bakar " * 5 + "sambal!!!",  # 64 characters
    "z" * 64,
    "k" * 127 + "j",  # 128 is the maximum
])
def test_password_accepted(password):
    assert len(password) <= 128 and password_problem(password, "budiman") is None


def test_common_list_is_bundled_and_large():
    common = accounts.common_passwords()
    assert len(common) >= 1000
    assert {"123456789", "password", "iloveyou", "bismillah", "bapas123", "rahasia123"} <= common


def test_setup_and_cli_refuse_common_password(app, runner):
    result = runner.invoke(args=["create-admin", "--username", "budi", "--password", "indonesia"])
    assert result.exit_code != 0 and "terlalu umum" in result.output
    with database.connection_context():
        with pytest.raises(AccountError):
            create_user(Unit.select().first(), "sari", "qwerty123", "admin")
        assert not User.select().where(User.username.in_(["budi", "sari"])).exists()


# --- changing one's own password --------------------------------------------------------

def change(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return client.post("/akun/kata-sandi", data={"current": current, "password": new,
                                                 "confirm": confirm or new})


def test_change_password_needs_current_password(client):
    login(client)
    before = get_user("admin").password_hash
    response = change(client, current="bukan-kata-sandinya")
    assert response.status_code == 200 and "Kata sandi saat ini salah." in response.text
    assert get_user("admin").password_hash == before
    assert actions("password.change") == []
    client.post("/keluar")
    assert login(client, password=NEW_PASSWORD).status_code == 401
    assert login(client).status_code == 302


def test_change_password_refuses_weak_new_password(client):
    login(client)
    before = get_user("admin").password_hash
    for weak in ["sayang123", "admin-di-polewali", "pendek"]:
        response = change(client, new=weak)
        assert response.status_code == 200 and 'class="msg err"' in response.text
    assert "terlalu umum" in change(client, new="sayang123").text
    assert "Kedua kata sandi tidak sama." in change(client, confirm="lain sekali ya").text
    assert get_user("admin").password_hash == before


def test_change_password_works_and_is_audited(client):
    login(client)
    response = change(client)
    assert response.status_code == 303 and response.location.endswith("/admin/")
    assert client.get("/admin/").status_code == 200  # this browser stays signed in
    assert len(actions("password.change")) == 1
    client.post("/keluar")
    assert login(client).status_code == 401
    assert login(client, password=NEW_PASSWORD).status_code == 302


# --- superadmin reset: a temporary password to change at next login -----------------------

ADMIN_PAGES = ["/admin/", "/admin/jasa", "/admin/jasa/baru", "/admin/kios", "/admin/pengguna"]


def test_reset_forces_change_at_next_login(app, client):
    login(client)
    viewer = get_user("viewer")
    ask = client.get(f"/admin/pengguna/{viewer.id}/atur-ulang-sandi")  # asks first
    assert "Atur ulang kata sandi viewer?" in ask.text
    assert get_user("viewer").password_hash == viewer.password_hash
    page = client.post(f"/admin/pengguna/{viewer.id}/atur-ulang-sandi")
    assert page.status_code == 200 and "hanya tampil sekali" in page.text
    temporary = re.search(r"<code>([a-z0-9-]{17})</code>", page.text).group(1)
    assert get_user("viewer").must_change_password
    assert len(actions("password.reset")) == 1
    assert temporary not in client.get("/admin/pengguna").text  # shown once only

    other = app.test_client()
    assert login(other, "viewer", PASSWORD).status_code == 401  # the old password is gone
    assert login(other, "viewer", temporary).status_code == 302
    for url in ["/admin/", "/admin/jasa", "/admin/kios"]:
        response = other.get(url)
        assert response.status_code == 302 and response.location.endswith("/akun/kata-sandi")
    fragment = other.get("/admin/jasa?q=x", headers={"HX-Request": "true"})
    assert fragment.headers["HX-Redirect"].endswith("/akun/kata-sandi")
    assert "diatur ulang oleh superadmin" in other.get("/akun/kata-sandi").text
    assert change(other, current=temporary, new=temporary).status_code == 200  # must differ
    assert change(other, current=temporary).status_code == 303
    assert not get_user("viewer").must_change_password
    assert other.get("/admin/").status_code == 200


def test_superadmin_cannot_reset_own_password_here(client):
    login(client)
    me = get_user("admin")
    response = client.post(f"/admin/pengguna/{me.id}/atur-ulang-sandi")
    assert response.status_code == 303
    assert get_user("admin").password_hash == me.password_hash


# --- user management ---------------------------------------------------------------------

def test_user_list_shows_accounts(client):
    login(client)
    page = client.get("/admin/pengguna")
    assert page.status_code == 200
    assert "viewer" in page.text and "Vina" in page.text and "Peninjau" in page.text
    assert "belum pernah" in page.text  # viewer never logged in
    assert "no-store" in page.headers["Cache-Control"]


def test_create_user_with_temporary_password(app, client):
    login(client)
    with database.connection_context():
        unit = Unit.select().first()
    page = client.post("/admin/pengguna/baru", data={
        "username": "Rina.Petugas", "full_name": "Rina", "role": "admin", "unit_id": unit.id})
    assert page.status_code == 200 and "Akun dibuat" in page.text
    temporary = re.search(r"<code>([a-z0-9-]{17})</code>", page.text).group(1)
    rina = get_user("rina.petugas")
    assert rina.role == "admin" and rina.must_change_password and rina.unit_id == unit.id
    assert actions("user.create")[-1].entity_id == rina.id
    other = app.test_client()
    assert login(other, "rina.petugas", temporary).status_code == 302
    assert other.get("/admin/").location.endswith("/akun/kata-sandi")
    again = client.post("/admin/pengguna/baru", data={
        "username": "rina.petugas", "role": "admin", "unit_id": unit.id})
    assert "sudah dipakai" in again.text


def test_edit_role_and_name(client):
    login(client)
    viewer = get_user("viewer")
    response = client.post(f"/admin/pengguna/{viewer.id}", data={
        "full_name": "Vina Lestari", "role": "admin", "unit_id": viewer.unit_id})
    assert response.status_code == 303
    edited = get_user("viewer")
    assert edited.role == "admin" and edited.full_name == "Vina Lestari"
    event = actions("user.update")[-1]
    assert '"viewer"' in event.before and '"admin"' in event.after


def test_last_superadmin_cannot_demote_or_disable_self(client):
    login(client)
    me = get_user("admin")
    response = client.post(f"/admin/pengguna/{me.id}", data={
        "full_name": "x", "role": "admin", "unit_id": me.unit_id})
    assert response.status_code == 200 and "superadmin aktif terakhir" in response.text
    response = client.post(f"/admin/pengguna/{me.id}/status", data={"aktif": "0"},
                           headers={"HX-Request": "true"})
    assert "superadmin aktif terakhir" in response.text
    me_now = get_user("admin")
    assert me_now.role == "superadmin" and me_now.is_enabled
    # With a second superadmin, stepping down is allowed.
    viewer = get_user("viewer")
    client.post(f"/admin/pengguna/{viewer.id}", data={
        "full_name": "Vina", "role": "superadmin", "unit_id": viewer.unit_id})
    client.post(f"/admin/pengguna/{me.id}", data={
        "full_name": "Andi", "role": "admin", "unit_id": me.unit_id})
    assert get_user("admin").role == "admin"


def test_disable_and_enable(app, client):
    login(client)
    viewer = get_user("viewer")
    row = client.post(f"/admin/pengguna/{viewer.id}/status", data={"aktif": "0"},
                      headers={"HX-Request": "true"})
    assert row.status_code == 200 and row.text.startswith(f'<tr id="user-{viewer.id}"')
    assert "Nonaktif" in row.text
    assert not get_user("viewer").is_enabled and len(actions("user.disable")) == 1
    assert login(app.test_client(), "viewer").status_code == 401
    client.post(f"/admin/pengguna/{viewer.id}/status", data={"aktif": "1"})
    assert get_user("viewer").is_enabled and len(actions("user.enable")) == 1
    assert login(app.test_client(), "viewer").status_code == 302


def superadmin_routes(app):
    """Every URL of user management, with ids filled in."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/admin/pengguna"):
            url = rule.rule.replace("<int:user_id>", "1")
            urls += [(method, url) for method in sorted(rule.methods & {"GET", "POST"})]
    return urls


@pytest.mark.parametrize("role", ["viewer", "admin"])
def test_non_superadmins_get_403_everywhere(app, client, role):
    with database.connection_context():
        if role == "admin":
            create_user(Unit.select().first(), "budi", PASSWORD, "admin")
    login(client, "budi" if role == "admin" else "viewer")
    routes = superadmin_routes(app)
    assert len(routes) >= 9
    for method, url in routes:
        response = client.open(url, method=method, data={
            "aktif": "0", "wajib": "1", "role": "superadmin", "full_name": "x", "unit_id": 1,
            "username": "penyusup"})
        assert response.status_code == 403, (method, url)
    admin = get_user("admin")
    assert admin.is_enabled and not admin.must_change_password and admin.role == "superadmin"
    with database.connection_context():
        assert not User.select().where(User.username == "penyusup").exists()
    assert "Pengguna</a>" not in client.get("/admin/").text
