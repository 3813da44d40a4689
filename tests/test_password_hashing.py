"""Password hashes: scrypt in production; a cheap method only for test apps (TESTING on)."""
import os
import subprocess
import sys
from pathlib import Path

from conftest import PASSWORD, TEST_SETTINGS

from app import create_app
from app.db import database
from app.models import Unit, User
from app.security.accounts import authenticate, create_user

ROOT = Path(__file__).resolve().parent.parent
CHEAP = TEST_SETTINGS["TEST_PASSWORD_HASH_METHOD"]


def _hash_of(app, username):
    with app.app_context(), database.connection_context():
        return User.get(User.username == username).password_hash


def test_test_apps_hash_cheaply_and_still_check_passwords(app, client, auth):
    assert _hash_of(app, "admin").startswith(CHEAP + "$")
    assert auth.login().status_code == 302
    client.post("/keluar")
    assert "salah" in auth.login(password="bukan-sandinya").get_data(as_text=True)
    assert "salah" in auth.login(username="tidak-ada").get_data(as_text=True)


def test_a_production_app_ignores_the_test_hash_setting(tmp_path, database_url):
    """The setting is a test shortcut: without TESTING every password gets scrypt."""
    production = create_app({"INSTANCE_PATH": str(tmp_path / "prod"), "SECRET_KEY": "x",
                             "DATABASE_URL": database_url,
                             "TEST_PASSWORD_HASH_METHOD": CHEAP})
    with production.app_context(), database.connection_context():
        create_user(Unit.select().first(), "petugas", PASSWORD, "admin")
    assert _hash_of(production, "petugas").startswith("scrypt:")
    with production.test_request_context(), database.connection_context():
        user, problem = authenticate("petugas", PASSWORD, "127.0.0.1")
    assert problem is None and user.username == "petugas"


def test_starting_a_command_hashes_no_password():
    """Importing the accounts module (every CLI command does) costs no hashing (~0.3 s)."""
    probe = ("import werkzeug.security as ws\n"
             "calls = []\n"
             "real = ws.generate_password_hash\n"
             "ws.generate_password_hash = lambda *a, **k: calls.append(a) or real(*a, **k)\n"
             "import app.security.accounts, app.cli\n"
             "print(len(calls))\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"
