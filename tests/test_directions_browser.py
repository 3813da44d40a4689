"""Directions to a business with a place (issue 13.3), in Debian's Chromium at 360×740:
the *Petunjuk arah* button on the detail page, and the location field of the entry screen
with its inline check. Screenshots go to screenshots/ for a person to look at."""
import pytest
from browser_support import (
    PHONE,
    LiveServer,
    browser_app,
    fresh_page,
    horizontal_overflow,
    require_browser,
    screenshot,
)

require_browser()
from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from conftest import PASSWORD, listing_data  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from app.db import database  # noqa: E402
from app.models import Unit  # noqa: E402
from app.records import listings  # noqa: E402
from app.security.accounts import create_user  # noqa: E402


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A barbershop with its place and the client's consent to show it, on a live server."""
    folder = tmp_path_factory.mktemp("directions")
    app = browser_app(folder)
    with app.test_request_context(), database.connection_context():
        user = create_user(Unit.get(), "admin", PASSWORD, "superadmin", "Andi Petugas")
        shop = listings.save_listing(None, None, listing_data(
            title="Pangkas Rambut Pak Rudi", location="-3.41234, 119.34567",
            consent_scope_location=True), user)
    with LiveServer(app) as server:
        server.shop = shop
        yield server


def test_the_detail_page_offers_directions_without_a_map(site, browser):
    page = fresh_page(browser)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(site(f"/jasa/{site.shop.id}-{site.shop.slug}"))
    button = page.get_by_role("link", name="Petunjuk arah")
    expect(button).to_be_visible()
    assert button.get_attribute("href").startswith("geo:-3.41234,119.34567?q=")
    expect(page.get_by_role("link", name="Buka di peta")).to_have_attribute(
        "href", "https://www.openstreetmap.org/?mlat=-3.41234&mlon=119.34567"
                "#map=17/-3.41234/119.34567")
    box = button.bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= PHONE["width"]
    assert horizontal_overflow(page) == 0
    assert all(url.startswith(site.url) for url in requested), "no map tiles or map scripts"
    assert not Axe().run(page).response["violations"]
    screenshot(page, "directions-detail-360.png")
    page.context.close()


def test_the_entry_screen_checks_the_location_as_the_officer_types(site, browser):
    page = fresh_page(browser)
    page.goto(site("/masuk"))
    page.get_by_label("Nama pengguna", exact=True).fill("admin")
    page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page).to_have_url(site("/admin/"))
    page.goto(site(f"/admin/jasa/{site.shop.id}/ubah"))
    field = page.get_by_label("Lokasi usaha di peta (opsional)")
    expect(field).to_have_value("-3.41234, 119.34567")
    field.fill("https://maps.app.goo.gl/AbCdEf12345")
    field.blur()
    expect(page.locator("#msg-location")).to_contain_text("Tautan pendek Google Maps")
    field.scroll_into_view_if_needed()
    screenshot(page, "directions-entry-short-link-360.png")
    field.fill("https://www.openstreetmap.org/?mlat=-3.4125&mlon=119.3459#map=17/-3.4125/119.3459")
    field.blur()
    expect(page.locator("#msg-location")).to_contain_text("Koordinat terbaca: -3.4125, 119.3459.")
    assert horizontal_overflow(page) == 0
    screenshot(page, "directions-entry-360.png")
    page.context.close()
