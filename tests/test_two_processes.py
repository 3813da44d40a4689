"""Two `raja-kemas serve` processes on one PostgreSQL database, as behind nginx.

A change saved through one process is served by the other on the next request, and
failed logins on both count together towards the throttling limit.
"""
import http.cookiejar
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import PASSWORD, listing_data

from app import create_app
from app.db import database
from app.models import Unit, User
from app.records import listings as domain
from app.security.accounts import create_user

FAILURES_BEFORE_DELAY = 3

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_command(port: int) -> list[str]:
    # This checkout's code (PYTHONPATH below), not whatever `raja-kemas` is installed.
    return [sys.executable, "-c", "from app.cli import main; main()",
            "serve", "--port", str(port), "--threads", "4"]


class Browser:
    """A cookie jar and the requests a person's browser would make, on any of the ports."""

    def __init__(self):
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def get(self, port: int, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(f"http://127.0.0.1:{port}{path}"))

    def post(self, port: int, path: str, fields) -> tuple[int, str]:
        body = urllib.parse.urlencode(fields).encode()
        return self._open(urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body))

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    def form(self, port: int, path: str, selector: str = "form[method=post]") -> list:
        """Return the fields of a page's form as the browser would submit them unchanged."""
        status, page = self.get(port, path)
        assert status == 200, (path, status)
        form = BeautifulSoup(page, "html.parser").select_one(selector)
        fields = []
        for element in form.select("input[name], select[name], textarea[name]"):
            name, kind = element["name"], element.get("type", "text")
            if element.name == "select":
                chosen = element.select("option[selected]") or element.select("option")[:1]
                fields += [(name, o.get("value", o.text)) for o in chosen]
            elif element.name == "textarea":
                fields.append((name, element.text.lstrip("\n")))
            elif kind in ("checkbox", "radio"):
                if element.has_attr("checked"):
                    fields.append((name, element.get("value", "y")))
            elif kind not in ("file", "submit", "button"):
                fields.append((name, element.get("value", "")))
        return fields

    def login(self, port: int, password: str) -> tuple[int, str]:
        fields = dict(self.form(port, "/masuk"))
        fields.update(username="admin", password=password)
        return self.post(port, "/masuk", fields)


@pytest.fixture
def servers(postgres_url, tmp_path):
    """Two app processes started together on one fresh PostgreSQL schema; their ports."""
    env = dict(os.environ, DATABASE_URL=postgres_url, SECRET_KEY="two-processes",
               RAJA_KEMAS_INSTANCE=str(tmp_path / "instance"),
               RAJA_KEMAS_LOGIN_FAILURES_BEFORE_DELAY=str(FAILURES_BEFORE_DELAY),
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    ports = [free_port(), free_port()]
    # Started at once: both migrate and seed the empty database, taking turns.
    processes = [subprocess.Popen(serve_command(port), env=env, cwd=tmp_path,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                 for port in ports]
    try:
        for port, process in zip(ports, processes):
            _wait_until_serving(port, process)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()


def _wait_until_serving(port: int, process, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server on port {port} stopped:\n{process.stdout.read()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/masuk", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"server on port {port} did not answer within {seconds} s")


@pytest.fixture
def draft(servers, postgres_url, tmp_path):
    """The admin account and an unpublished listing, written straight into the shared database."""
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": postgres_url,
                      "SECRET_KEY": "two-processes"})
    with app.test_request_context(), database.connection_context():
        assert Unit.select().count() == 1  # seeded once, although both processes started
        user = create_user(Unit.get(), "admin", PASSWORD, "superadmin", "Andi Petugas")
        listing = domain.save_listing(None, None, listing_data(publish=False), user)
        assert User.select().count() == 1
    return listing


def test_a_change_saved_through_one_process_is_served_by_the_other(servers, draft):
    first, second = servers
    browser = Browser()
    status, _ = browser.login(first, PASSWORD)
    assert status == 200 and "Penjahit Pakaian" in browser.get(first, "/admin/jasa")[1]
    assert "Penjahit Pakaian" not in browser.get(second, "/?q=jahit")[1]

    # Publish through the first process; the second shows it on its very next request.
    token = dict(browser.form(first, "/admin/jasa"))["csrf_token"]
    status, _ = browser.post(first, f"/admin/jasa/{draft.id}/terbit",
                             {"csrf_token": token, "terbit": "1"})
    assert status == 200
    assert "Penjahit Pakaian" in browser.get(second, "/?q=jahit")[1]

    # Edit the whole entry form through the first; the second serves the new text at once.
    edit = f"/admin/jasa/{draft.id}/ubah"
    fields = [(k, "Penjahit Kebaya" if k == "title" else v)
              for k, v in browser.form(first, edit, "form[enctype]")]
    status, page = browser.post(first, edit, fields)
    assert status == 200 and "Tersimpan dan terbit" in page, page[:2000]
    found = browser.get(second, "/?q=kebaya")[1]
    assert "Penjahit Kebaya" in found
    assert "Penjahit Kebaya" in browser.get(second, f"/jasa/{draft.id}-penjahit-kebaya")[1]
    # ...and the second process's session knows the same signed-in admin.
    assert "Penjahit Kebaya" in browser.get(second, "/admin/jasa")[1]


def test_login_failures_on_both_processes_add_up(servers, draft):
    first, second = servers
    browser = Browser()
    for port in (first, first):
        status, page = browser.login(port, "salah-sandi")
        assert status == 401 and "Nama pengguna atau kata sandi salah" in page
    status, page = browser.login(second, "salah-sandi")  # the limit's third failure
    assert status == 401 and "Nama pengguna atau kata sandi salah" in page
    # Two failures on one process and one on the other reach the limit of three:
    # now even the right password waits, on either process.
    for port in (first, second):
        status, page = browser.login(port, PASSWORD)
        assert status == 401 and "Terlalu banyak percobaan gagal" in page
