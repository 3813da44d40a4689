"""Helpers for the browser tests: Debian's Chromium, a live waitress server, screenshots.

Playwright drives the system Chromium at /usr/bin/chromium (never a downloaded browser).
"""
import errno
import io
import os
import shutil
import threading
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

REPO = Path(__file__).resolve().parent.parent
SCREENSHOT_DIR = REPO / "screenshots"

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--lang=id"]

TIMEOUT_MS = 8_000  # the longest a browser step or an expect() waits: a broken page fails fast
PHONE = {"width": 360, "height": 740}
KIOSK = {"width": 1920, "height": 1080}


def chromium_path() -> str | None:
    """The system Chromium, or None where it is not installed."""
    if os.path.exists("/usr/bin/chromium"):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def require_browser() -> str:
    """Chromium's path; skips the calling test module where Chromium or Playwright is missing."""
    path = chromium_path()
    if path is None:
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium); "
                    "browser tests skipped.", allow_module_level=True)
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("Playwright for Python is not installed (pip install -e .[test]); "
                    "browser tests skipped.", allow_module_level=True)
    return path


_SESSION_BROWSER = pytest.StashKey()


@pytest.fixture(scope="session")
def browser(request):
    """Debian's Chromium, headless through Playwright, launched once per session (per xdist
    worker): a launch costs 1-3 s. Registered for every test module by conftest.py.

    Playwright's sync API allows one instance per thread, so no test may start its own:
    take this fixture (or `chromium`, which also closes the test's pages)."""
    path = chromium_path()
    if path is None:
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    sync_api.expect.set_options(timeout=TIMEOUT_MS)
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, headless=True,
                                              args=CHROMIUM_ARGS)
        request.session.stash[_SESSION_BROWSER] = chromium
        yield chromium
        chromium.close()


def fresh_page(browser, viewport=PHONE, **options):
    """A page in a new context (no cookies, cold cache) in Indonesian, whose steps wait at
    most TIMEOUT_MS; `options` go to the context (user_agent, java_script_enabled, ...)."""
    context = browser.new_context(viewport=viewport, locale="id-ID", **options)
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def _close_pages(chromium, keep=()):
    for context in list(chromium.contexts):
        if context not in keep:
            context.close()


@pytest.fixture
def chromium(browser):
    """The session's Chromium for one test; the pages the test opened are closed after it
    (a kiosk page left open would keep polling a stopped server)."""
    before = set(browser.contexts)
    yield browser
    _close_pages(browser, keep=before)


@pytest.fixture(scope="module", autouse=True)
def _close_pages_after_each_module(request):
    """What closing a module's own browser used to do: no page outlives its test module."""
    yield
    chromium = request.session.stash.get(_SESSION_BROWSER, None)
    if chromium is not None and chromium.is_connected():
        _close_pages(chromium)


def browser_app(folder: Path):
    """The app as the browser tests serve it: CSRF on, its own SQLite file in `folder`."""
    from app import create_app
    return create_app({
        "INSTANCE_PATH": str(folder / "instance"),
        "DATABASE_URL": "sqlite:///" + (folder / "test.db").as_posix(),
        "SECRET_KEY": "x",
    })


def run_until_closed(server) -> None:
    """Run a waitress server until it is closed. Closing its socket while the loop waits
    in select() ends the loop with EBADF: that is the stop, not an error."""
    try:
        server.run()
    except OSError as exc:
        if exc.errno != errno.EBADF:
            raise


class LiveServer:
    """The app served by waitress on 127.0.0.1 and a free port, in a daemon thread."""

    def __init__(self, app, threads=4, port=0):
        from waitress.server import create_server
        self.app = app
        self._server = create_server(app, host="127.0.0.1", port=port, threads=threads)
        self.port = self._server.effective_port
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=run_until_closed, args=(self._server,),
                                        daemon=True, name="waitress-browser-test")

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        """Stop listening and drop open keep-alive connections too, as a real stop would."""
        try:
            self._server.close()
            for channel in list(self._server._map.values()):
                channel.close()
        finally:
            self._thread.join(timeout=5)
            self._server.task_dispatcher.shutdown(timeout=5)

    def __call__(self, path: str) -> str:
        return self.url + path


def photo_file(folder: Path, name="foto-jasa.jpg", size=(800, 600)) -> Path:
    """A JPEG that looks like something (a shirt on a table), for the upload field."""
    image = Image.new("RGB", size, (226, 214, 196))
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.rectangle([0, int(h * .7), w, h], fill=(150, 105, 70))
    draw.polygon([(w * .3, h * .2), (w * .42, h * .12), (w * .58, h * .12), (w * .7, h * .2),
                  (w * .78, h * .38), (w * .68, h * .42), (w * .66, h * .8),
                  (w * .34, h * .8), (w * .32, h * .42), (w * .22, h * .38)],
                 fill=(30, 90, 140))
    draw.line([(w * .5, h * .14), (w * .5, h * .8)], fill=(240, 240, 240), width=4)
    path = folder / name
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return path


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG into <repo>/screenshots/ (gitignored), creating the folder."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / name
    page.screenshot(path=str(path), full_page=True)
    return path


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 = fits)."""
    return page.evaluate(
        "() => Math.max(0, document.documentElement.scrollWidth"
        " - document.documentElement.clientWidth)")
