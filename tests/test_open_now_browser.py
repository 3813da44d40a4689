"""*Buka sekarang* in a phone's browser (360×740): ticking the box leaves only the services
open at this minute in WITA; the hours editor on the entry screen. Screenshots for a person."""
import datetime as dt
import re

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
from conftest import listing_data
from playwright.sync_api import expect

from app.db import database
from app.models import Unit
from app.records import hours

PASSWORD = "kopi pagi di Wonomulyo"
MONDAY_10_WITA = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)
REAL_NOW = hours.now_in_wita


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from app.records import listings
    from app.security.accounts import create_user
    folder = tmp_path_factory.mktemp("open-now")
    app = browser_app(folder)
    with app.test_request_context(), database.connection_context():
        user = create_user(Unit.select().first(), "petugas", PASSWORD, "admin", "Sitti")
        for n, (title, text) in enumerate([("Penjahit Pakaian", "Senin–Sabtu 08.00–17.00"),
                                           ("Warung Malam", "Jumat 19.00–02.00"),
                                           ("Bengkel Motor", "24 jam")]):
            listings.save_listing(None, None, listing_data(
                title=title, working_hours=text, client_full_name=f"Klien Nomor {n} Saja",
                phone=f"0812-3456-78{n}0"), user)
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def monday_morning():
    """The server (a thread of this process) reads the clock here: Monday 10.00 WITA."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hours, "now_in_wita", lambda at=None: REAL_NOW(at or MONDAY_10_WITA))
        yield


def test_ticking_open_now_shows_only_open_services(chromium, site, monday_morning):
    page = fresh_page(chromium)
    page.goto(site("/"))
    expect(page.locator("#results h3")).to_have_count(3)
    page.get_by_label("Buka sekarang").check()
    expect(page).to_have_url(re.compile(r"[?&]buka=1"))
    expect(page.locator("#results h3")).to_have_count(2)
    assert sorted(page.locator("#results h3").all_inner_texts()) == [
        "Bengkel Motor", "Penjahit Pakaian"]
    assert horizontal_overflow(page) == 0
    screenshot(page, "open-now-search-360.png")
    page.reload()  # the address keeps the filter, without JS too
    expect(page.get_by_label("Buka sekarang")).to_be_checked()
    expect(page.locator("#results h3")).to_have_count(2)
    page.get_by_role("link", name="Penjahit Pakaian").click()
    expect(page.locator("#open-now")).to_have_text("Buka sekarang")
    expect(page.locator("dl")).to_contain_text("Senin–Sabtu 08.00–17.00")
    screenshot(page, "open-now-detail-360.png")
    page.close()


def test_the_hours_editor_on_a_phone(chromium, site):
    page = fresh_page(chromium)
    page.goto(site("/masuk"))
    page.get_by_label("Nama pengguna", exact=True).fill("petugas")
    page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.goto(site("/admin/jasa/1/ubah"))
    expect(page.get_by_label("Jam tetap")).to_be_checked()
    expect(page.get_by_label("Jam buka")).to_have_value("08:00")
    expect(page.get_by_label("Jam tutup")).to_have_value("17:00")
    assert horizontal_overflow(page) == 0
    page.locator(".hours-editor").scroll_into_view_if_needed()
    page.locator(".hours-editor").screenshot(path=str(screenshot(page, "hours-editor-360.png")
                                                      .with_name("hours-editor-part-360.png")))
    page.close()
