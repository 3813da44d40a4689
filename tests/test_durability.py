"""Every save the server answered survives the server being killed mid-stream."""
import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

PASSWORD = "kata-sandi-rahasia"
HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-c", "from app.cli import main; main()"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def environment(instance: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env["RAJA_KEMAS_INSTANCE"] = str(instance)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def start_server(instance: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(CLI + ["serve", "--host", HOST, "--port", str(port)], cwd=ROOT,
                            env=environment(instance), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited at start")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start within 20 s")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # let the 303 come back as the answer


class Browser:
    """A cookie-keeping HTTP client that sees redirects as answers."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)

    def request(self, path, data=None, content_type=None):
        headers = {"Content-Type": content_type} if content_type else {}
        req = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with self.opener.open(req, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def csrf(self, path) -> str:
        status, page = self.request(path)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert status == 200 and match, f"no csrf_token on {path}"
        return match.group(1)

    def login(self, username, password):
        token = self.csrf("/masuk")
        body = urllib.parse.urlencode({"csrf_token": token, "username": username,
                                       "password": password}).encode()
        status, _ = self.request("/masuk", body, "application/x-www-form-urlencoded")
        assert status in (302, 303), f"login answered {status}"

    def post_multipart(self, path, fields: dict):
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                 f"{value}\r\n" for name, value in fields.items()]
        body = ("".join(parts) + f"--{boundary}--\r\n").encode()
        return self.request(path, body, f"multipart/form-data; boundary={boundary}")


def reference_ids(db: Path) -> tuple[int, int]:
    """Return the ids of a category and a kecamatan the entry form offers."""
    conn = sqlite3.connect(db)
    try:
        category = conn.execute("SELECT id FROM category WHERE slug='menjahit'").fetchone()[0]
        region = conn.execute("SELECT id FROM region WHERE kecamatan='Wonomulyo'").fetchone()[0]
    finally:
        conn.close()
    return category, region


def listing_fields(ids: tuple[int, int], title: str, token: str) -> dict:
    """The entry form as a browser posts it (see tests/test_admin.py form_payload)."""
    category, region = ids
    return {
        "csrf_token": token, "client_full_name": "Rudi Hartono Saputra",
        "client_register_number": "PB-123/2025", "client_birth_date": "1990-05-17",
        "client_supervising_officer": "Andi Petugas", "client_supervision_end_date": "2099-01-01",
        "client_internal_notes": "", "title": title, "category_id": str(category),
        "description": "Menjahit baju.", "region_id": str(region),
        "service_area": "Wonomulyo", "price_hint": "", "working_hours": "",
        "display_name": "Pak Rudi", "contact_relation": "klien", "contact_name": "Pak Rudi",
        "phone": "0812-3456-7890", "publish_until": "", "version": "",  # saved as a draft
    }


def test_answered_saves_survive_a_kill(tmp_path):
    instance = tmp_path / "instance"
    made = subprocess.run(CLI + ["create-admin", "--username", "petugas", "--role", "admin",
                                 "--password", PASSWORD], cwd=ROOT, env=environment(instance),
                          capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    db = instance / "raja_kemas.db"
    ids = reference_ids(db)
    port = free_port()
    proc = start_server(instance, port)
    answered, lock = [], threading.Lock()
    try:
        def stream(worker: int):
            browser = Browser(f"http://{HOST}:{port}")
            browser.login("petugas", PASSWORD)
            token = browser.csrf("/admin/jasa/baru")
            for i in range(400):  # bounded: the kill comes long before
                title = f"Jasa tahan {worker}-{i}"
                try:
                    status, _ = browser.post_multipart("/admin/jasa/baru",
                                                       listing_fields(ids, title, token))
                except OSError:
                    return  # the server is gone
                if status != 303:
                    return
                with lock:
                    answered.append(title)

        workers = [threading.Thread(target=stream, args=(n,)) for n in range(3)]
        for worker in workers:
            worker.start()
        deadline = time.monotonic() + 15
        while len(answered) < 30 and time.monotonic() < deadline:
            time.sleep(0.02)
        proc.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no clean shutdown
        proc.wait(10)
        for worker in workers:
            worker.join(15)
        saved_before_kill = list(answered)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert len(saved_before_kill) >= 30, "the stream of saves did not get going"

    proc = start_server(instance, port)
    try:
        browser = Browser(f"http://{HOST}:{port}")
        browser.login("petugas", PASSWORD)
        status, page = browser.request("/admin/jasa?q=Jasa+tahan")
        assert status == 200
    finally:
        proc.kill()
        proc.wait(10)
    conn = sqlite3.connect(db)
    try:
        titles = {row[0] for row in conn.execute("SELECT title FROM listing")}
        logged = conn.execute("SELECT count(*) FROM audit_event "
                              "WHERE action='listing.create'").fetchone()[0]
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    missing = [t for t in saved_before_kill if t not in titles]
    assert missing == [], f"answered as saved but lost: {missing}"
    assert logged == len(titles)  # each listing came with its audit event, all or nothing
    assert check == "ok"
    assert f"{len(titles)} jasa" in page
