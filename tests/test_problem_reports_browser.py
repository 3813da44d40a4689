"""*Laporkan masalah* on a phone (360×740): from a listing's page to the form, a refusal
on the field, then the thanks back on the listing's page; the office sees it queued."""
import pytest
from browser_support import (
    LiveServer,
    browser_app,
    fresh_page,
    horizontal_overflow,
    require_browser,
    screenshot,
)

require_browser()
from conftest import listing_data  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from app.db import database  # noqa: E402
from app.models import ProblemReport, Unit  # noqa: E402


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from app.records import listings
    from app.security.accounts import create_user
    app = browser_app(tmp_path_factory.mktemp("report"))
    with app.test_request_context(), database.connection_context():
        user = create_user(Unit.select().first(), "petugas", "kopi pagi di Majene", "admin")
        listing = listings.save_listing(None, None, listing_data(title="Las Pagar dan Teralis"),
                                        user)
    with LiveServer(app) as server:
        server.listing_url = f"/jasa/{listing.id}-{listing.slug}"
        yield server


def test_a_visitor_reports_a_wrong_number_on_a_phone(chromium, site):
    page = fresh_page(chromium)
    page.goto(site(site.listing_url))
    page.get_by_role("link", name="Laporkan masalah").click()
    expect(page.get_by_role("heading", name="Laporkan masalah")).to_be_visible()
    assert horizontal_overflow(page) == 0
    page.get_by_role("button", name="Kirim laporan").click()  # no reason chosen
    expect(page.locator("#msg-reason")).to_have_text("Pilih alasan laporan.")
    screenshot(page, "report-form-error-360.png")
    page.get_by_label("Nomor salah").check()
    page.get_by_label("Catatan (boleh kosong)").fill("Nomornya sudah tidak aktif.")
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.locator(".flash")).to_contain_text("Terima kasih")
    expect(page.get_by_role("heading", name="Las Pagar dan Teralis")).to_be_visible()
    screenshot(page, "report-thanks-360.png")
    with site.app.app_context(), database.connection_context():
        [report] = ProblemReport.select()
        assert (report.reason, report.note) == ("nomor-salah", "Nomornya sudah tidak aktif.")
    page.context.close()
