"""Browser tests: a first-time admin publishes a service and the public finds it.

Drives Debian's Chromium (/usr/bin/chromium) through Playwright against the real app
served by waitress, at a 360×740 Android viewport, with CSRF on and real forms. Full-page
screenshots go to <repo>/screenshots/ (gitignored) for a person to look at.
"""
import datetime as dt
import re
import warnings

import pytest
from browser_support import (
    KIOSK,
    PHONE,
    TIMEOUT_MS,
    LiveServer,
    browser_app,
    fresh_page,
    horizontal_overflow,
    photo_file,
    require_browser,
    screenshot,
)

require_browser()
from playwright.sync_api import expect  # noqa: E402

from app.db import database  # noqa: E402
from app.security import accounts  # noqa: E402

PASSWORD = "kopi pagi di Wonomulyo"
SECRETS = ("Rudi Hartono Saputra", "PB-77/2025", "CATATAN-RAHASIA")
NO_RESULT = "Belum ada jasa yang cocok"
CONSOLE_ERRORS = []  # reported as a warning: a failed request is worth a look, not a failure


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The app, with CSRF on and no user yet, served on 127.0.0.1:<free port>."""
    folder = tmp_path_factory.mktemp("browser")
    app = browser_app(folder)
    with LiveServer(app) as server:
        server.folder = folder
        yield server


def new_page(browser, viewport=PHONE, **options):
    page = fresh_page(browser, viewport, **options)
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    page.on("console", lambda message: _console_error(page, message))
    return page


def _console_error(page, message):
    """Keep console errors, except the 404/401 answers the test asks for on purpose."""
    expected = ("/siapkan/" in page.url and "404" in message.text) or \
        ("/masuk" in page.url and "401" in message.text)
    if message.type == "error" and not expected:
        CONSOLE_ERRORS.append(f"{page.url}: {message.text}")


def setup_link(site) -> str:
    with site.app.app_context(), database.connection_context():
        return site("/siapkan/" + accounts.new_setup_token())


def mark_page(page):
    """Mark the loaded document: the mark survives htmx swaps, not a full page load."""
    page.evaluate("() => { window.__notReloaded = true }")


def assert_not_reloaded(page):
    assert page.evaluate("() => window.__notReloaded === true"), \
        "expected an htmx swap, but the whole page was loaded again"


def public_text(page) -> str:
    return page.content() + page.locator("body").inner_text()


def test_first_time_admin_publishes_and_public_finds_it(site, browser):
    overflow = {}

    def shoot(page, name):
        screenshot(page, name)
        if page.viewport_size["width"] == PHONE["width"]:
            overflow[name] = horizontal_overflow(page)

    page = new_page(browser)

    # 1. The one-time setup link creates the first superadmin and logs them in.
    link = setup_link(site)
    page.goto(link)
    expect(page.get_by_role("heading", name="Penyiapan awal")).to_be_visible()
    shoot(page, "setup-360.png")
    page.get_by_label("Nama lengkap Anda", exact=True).fill("Andi Petugas")
    page.get_by_label("Nama pengguna", exact=True).fill("andi")
    page.get_by_label("Kata sandi baru", exact=True).fill(PASSWORD)
    page.get_by_label("Ulangi kata sandi", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Buat akun dan masuk").click()
    expect(page).to_have_url(site("/admin/"))
    expect(page.get_by_role("heading", name="Selamat datang, Andi Petugas")).to_be_visible()
    response = page.goto(link)
    assert response.status == 404, "a used setup link must not work again"
    shoot(page, "notfound-360.png")

    # 2. Log out; a wrong password is refused with a message; the right one works.
    page.goto(site("/admin/"))
    page.get_by_role("button", name=re.compile(r"^Keluar \(andi\)")).click()
    expect(page).to_have_url(re.compile(r"/masuk"))
    expect(page.get_by_text("Anda sudah keluar.")).to_be_visible()
    shoot(page, "login-360.png")
    page.get_by_label("Nama pengguna", exact=True).fill("andi")
    page.get_by_label("Kata sandi", exact=True).fill("salah-sekali")
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("Nama pengguna atau kata sandi salah.")
    page.get_by_label("Nama pengguna", exact=True).fill("andi")
    page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page).to_have_url(site("/admin/"))

    # 3. One screen records the service, the client (internal) and the consent.
    page.get_by_role("link", name="+ Jasa baru").click()
    expect(page).to_have_url(site("/admin/jasa/baru"))
    shoot(page, "entry-360.png")
    label = lambda text: page.get_by_label(text, exact=True)  # noqa: E731
    label("Nama jasa").fill("Penjahit Pakaian")
    label("Kategori").select_option(label="Menjahit & Permak")
    label("Keterangan").fill("Menjahit baju, permak celana, seragam sekolah. "
                             "Bisa antar jemput di sekitar Wonomulyo.")
    label("Kecamatan").select_option(label="Wonomulyo")
    label("Nama yang tampil").fill("Pak Rudi")
    # inline validation (htmx): the field's message updates when focus leaves it
    phone, phone_msg = label("Telepon / WhatsApp"), page.locator("#msg-phone")
    phone.fill("12")
    phone.press("Tab")
    expect(phone_msg).to_have_class(re.compile(r"\berr\b"))
    expect(phone_msg).not_to_be_empty()
    phone.fill("0812-3456-7890")
    phone.press("Tab")
    expect(phone_msg).to_contain_text("WhatsApp")
    expect(phone_msg).not_to_have_class(re.compile(r"\berr\b"))
    label("Foto (opsional)").set_input_files(photo_file(site.folder))
    label("Nama lengkap klien").fill("Rudi Hartono Saputra")
    label("Nomor register").fill("PB-77/2025")
    label("Tanggal lahir").fill("1990-05-17")
    label("Catatan internal").fill("CATATAN-RAHASIA")
    label("Tanggal persetujuan").fill(dt.date.today().isoformat())
    label("Terbitkan sekarang").check()
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.locator(".flash.success")).to_contain_text("terbit")
    expect(page.locator(".flash.error")).to_have_count(0)
    assert "/admin/jasa/" in page.url and page.url.endswith("/ubah")
    assert not page.js_errors, page.js_errors

    # 4. The public types "jahit" (no Enter) and the results update live.
    public = new_page(browser)
    public.goto(site("/"))
    expect(public.locator(".card", has_text="Penjahit Pakaian")).to_be_visible()
    shoot(public, "home-360.png")
    mark_page(public)
    public.get_by_label("Cari jasa").press_sequentially("jahit", delay=40)
    expect(public.locator("#results .count")).to_contain_text("untuk “jahit”")
    card = public.locator(".card", has_text="Penjahit Pakaian")
    expect(card).to_be_visible()
    assert_not_reloaded(public)
    expect(public).to_have_url(re.compile(r"[?&]q=jahit"))
    shoot(public, "search-360.png")
    text = public_text(public)
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} is internal and must not be public"
    card.get_by_role("link", name="Penjahit Pakaian").click()
    expect(public.get_by_role("heading", level=1)).to_have_text("Penjahit Pakaian")
    whatsapp = public.get_by_role("link", name="Chat WhatsApp")
    # Contact buttons are counting redirects (tests/test_stats.py) to wa.me and tel:.
    hop = public.request.get(whatsapp.evaluate("a => a.href"), max_redirects=0)
    assert hop.status == 302 and hop.headers["location"].startswith("https://wa.me/6281234567890")
    call = public.get_by_role("link", name="Telepon", exact=True)
    expect(call).to_be_visible()
    assert public.request.get(call.evaluate("a => a.href"), max_redirects=0).headers[
        "location"] == "tel:+6281234567890"
    photo = public.locator("img.photo")
    photo.scroll_into_view_if_needed()
    public.wait_for_function("img => img.complete && img.naturalWidth > 0",
                             arg=photo.element_handle(), timeout=TIMEOUT_MS)
    text = public_text(public)
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} is internal and must not be public"
    public.evaluate("() => window.scrollTo(0, 0)")
    shoot(public, "detail-360.png")
    assert not public.js_errors, public.js_errors

    # 5. Without JavaScript the same search is a plain GET form.
    nojs = new_page(browser, java_script_enabled=False)
    nojs.goto(site("/"))
    nojs.get_by_label("Cari jasa").fill("jahit")
    nojs.get_by_role("button", name="Cari", exact=True).click()
    expect(nojs).to_have_url(re.compile(r"[?&]q=jahit"))
    expect(nojs.locator(".card", has_text="Penjahit Pakaian")).to_be_visible()
    nojs.context.close()

    # 6. The admin list stops and restarts publication in place (htmx row swap).
    page.goto(site("/admin/jasa"))
    shoot(page, "list-360.png")
    mark_page(page)
    row = page.locator("tr", has_text="Penjahit Pakaian")
    row.get_by_role("button", name="Hentikan tayang").click()
    expect(row.get_by_role("button", name="Terbitkan", exact=True)).to_be_visible()
    expect(row).to_contain_text("Belum terbit")
    assert_not_reloaded(page)
    public.goto(site("/?q=jahit"))
    expect(public.locator("#results")).to_contain_text(NO_RESULT)
    expect(public.locator(".card")).to_have_count(0)
    row.get_by_role("button", name="Terbitkan", exact=True).click()
    expect(row.get_by_role("button", name="Hentikan tayang")).to_be_visible()
    assert_not_reloaded(page)
    public.goto(site("/?q=jahit"))
    expect(public.locator(".card", has_text="Penjahit Pakaian")).to_be_visible()
    assert not page.js_errors, page.js_errors

    # Kiosk/desktop size: the public home and the admin entry screen.
    public.set_viewport_size(KIOSK)
    public.goto(site("/"))
    expect(public.locator(".card", has_text="Penjahit Pakaian")).to_be_visible()
    shoot(public, "home-1920.png")
    page.set_viewport_size(KIOSK)
    page.goto(site("/admin/jasa/baru"))
    expect(page.get_by_label("Nama jasa", exact=True)).to_be_visible()
    shoot(page, "entry-1920.png")

    public.context.close()
    page.context.close()

    if CONSOLE_ERRORS:
        warnings.warn("browser console errors: " + "; ".join(CONSOLE_ERRORS))
    too_wide = {name: px for name, px in overflow.items() if px}
    if too_wide:
        warnings.warn(f"pages wider than 360 px (horizontal scroll): {too_wide}")
