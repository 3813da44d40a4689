"""A wheel that installs: built from the checkout, installed into a fresh virtual
environment, `raja-kemas serve` from an empty folder serves pages, CSS and JS."""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.status, answer.read()


@pytest.mark.sqlite_only
def test_wheel_installs_and_serves_from_an_empty_folder(tmp_path):
    # Built from a copy: setuptools leaves build/ behind, and a stale one would hide a
    # file the wheel misses.
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", "build", "instance", "screenshots", "*.egg-info", "__pycache__", ".*cache"))
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "-w", str(wheels), str(source)], check=True)
    wheel = next(wheels.glob("raja_kemas-*.whl"))
    # The dependencies come from this interpreter's site-packages; the app only from the wheel.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    str(wheel)], check=True)
    empty = tmp_path / "office"
    empty.mkdir()
    where = subprocess.run([str(python), "-c", "import app, sys; print(app.__file__)"],
                           cwd=empty, check=True, capture_output=True, text=True).stdout
    assert str(venv) in where  # not the checkout

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAJA_KEMAS_")}
    env.pop("DATABASE_URL", None)
    server = subprocess.Popen([str(bindir / "raja-kemas"), "serve", "--port", str(port)],
                              cwd=empty, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):  # up to 30 s to migrate and start
            try:
                status, home = _get(base + "/")
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the installed app did not answer")
        assert status == 200 and b"Raja Kemas" in home
        _, kiosk = _get(base + "/kiosk")  # the kiosk loads htmx up front
        for page, asset in ((home.decode(), "/static/css/"), (kiosk.decode(), "/static/vendor/htmx")):
            start = page.find(asset)
            assert start > 0, asset
            path = page[start:page.index('"', start)].replace("&amp;", "&")
            status, body = _get(base + path)
            assert status == 200 and body
        assert (empty / "instance" / "raja_kemas.db").exists()  # a new database, migrated
    finally:
        server.terminate()
        server.wait(timeout=20)
