"""The kiosk in Chromium at 1920×1080 for over a minute: it rotates, picks up a new
listing, survives the server going away and resumes by itself when it is back."""
import io
import time

import pytest
from browser_support import KIOSK, LiveServer, require_browser, screenshot

require_browser()
try:
    import zxingcpp
    from PIL import Image
except ImportError as exc:
    pytest.skip(f"{exc.name} is not installed (pip install -e .[test]); kiosk browser test "
                "skipped.", allow_module_level=True)

from conftest import PASSWORD, listing_data  # noqa: E402

from app import create_app  # noqa: E402
from app.db import database  # noqa: E402
from app.models import Unit, User  # noqa: E402

INTERVAL = 5  # seconds, the shortest the admin may set


def publish(app, **overrides):
    from app.records import listings
    from app.security.accounts import create_user
    with app.test_request_context(), database.connection_context():
        user = User.get_or_none(User.username == "admin") or create_user(
            Unit.get(), "admin", PASSWORD, "superadmin")
        return listings.save_listing(None, None, listing_data(**overrides), user)


def unpublish(app, listing):
    from app.records import listings
    with app.test_request_context(), database.connection_context():
        from app.models import Listing
        listings.set_published(Listing.get_by_id(listing.id), False, User.get())


def shown(page):
    return page.get_attribute("#kiosk-panel", "data-listing")


def wait_until(predicate, seconds, step=0.25):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def decoded_qr(page):
    png = page.locator(".k-qr svg").screenshot()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return [code.text for code in found]


def test_kiosk_for_a_minute(tmp_path, chromium):
    app = create_app({"INSTANCE_PATH": str(tmp_path / "i"), "SECRET_KEY": "x",
                      "DATABASE_URL": "sqlite:///" + (tmp_path / "k.db").as_posix()})
    with app.app_context(), database.connection_context():
        Unit.update(kiosk_interval=INTERVAL).execute()
    first = publish(app, title="Penjahit Pakaian")
    second = publish(app, title="Las Pagar Besi", client_full_name="Amir Mahmud Saleh",
                     display_name="Pak Amir")
    started = time.monotonic()
    server = LiveServer(app)
    server.__enter__()
    port = server.port
    try:
        page = chromium.new_page(viewport=KIOSK)
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(server("/kiosk"))
        assert shown(page) == str(second.id)  # newest first
        nodes_at_start = page.evaluate("document.getElementsByTagName('*').length")

        # the QR code on screen opens this listing
        assert decoded_qr(page) == [server(f"/jasa/{second.id}-las-pagar-besi")]
        screenshot(page, "kiosk-1920.png")

        # it rotates by itself
        assert wait_until(lambda: shown(page) == str(first.id), INTERVAL * 2 + 5)

        # a newly published listing appears within 15 s
        new = publish(app, title="Servis HP Cepat", client_full_name="Budi Santoso Putra",
                      display_name="Mas Budi")
        assert wait_until(lambda: shown(page) == str(new.id), 15)
        assert "Servis HP Cepat" in page.inner_text("#kiosk-panel")

        # an unpublished one leaves the rotation
        unpublish(app, first)
        seen = set()
        wait_until(lambda: seen.add(shown(page)) and False, INTERVAL * 3 + 2)
        assert str(first.id) not in seen

        # the server goes away: the screen keeps its content, no error page
        server.close()
        before = page.inner_text("#kiosk-panel")
        time.sleep(INTERVAL * 2 + 3)
        assert page.url.endswith("/kiosk")
        assert page.inner_text("#kiosk-panel") == before
        assert "k-offline" in page.get_attribute("body", "class")
        screenshot(page, "kiosk-offline-1920.png")

        # it comes back on the same port: the kiosk resumes with nobody touching it
        server = LiveServer(app, port=port)
        server.__enter__()
        assert wait_until(lambda: "k-offline" not in (page.get_attribute("body", "class") or ""), 40)
        current = shown(page)
        assert wait_until(lambda: shown(page) != current, INTERVAL * 2 + 5)

        # keep rotating until more than a minute has passed
        while time.monotonic() - started < 62:
            time.sleep(1)
        assert shown(page) in {str(second.id), str(new.id)}
        nodes_at_end = page.evaluate("document.getElementsByTagName('*').length")
        assert abs(nodes_at_end - nodes_at_start) < 40  # swaps do not pile up
        assert errors == []

        portrait = chromium.new_page(viewport={"width": 1080, "height": 1920})
        portrait.goto(server("/kiosk"))
        screenshot(portrait, "kiosk-portrait-1080.png")
    finally:
        server.close()
