"""htmx on demand on public pages (issue 12, point 8), in Debian's Chromium at 360×740.

A cheap phone spends ~250 ms of CPU starting htmx, so public pages fetch it only when the
visitor first uses the search form; until then every link and the plain GET form work.
The kiosk and the admin load it at once, as before.
"""
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from browser_support import (
    PHONE,
    LiveServer,
    browser_app,
    fresh_page,
    require_browser,
    screenshot,
)

require_browser()
from conftest import PASSWORD, jpeg_bytes, listing_data  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from app.db import database  # noqa: E402
from app.models import Category, Unit  # noqa: E402
from app.records import listings, units  # noqa: E402
from app.security.accounts import create_user  # noqa: E402

HTMX = "/static/vendor/htmx-"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Two published listings (one with a photo) on a live server with CSRF on."""
    folder = tmp_path_factory.mktemp("lazy-htmx")
    app = browser_app(folder)
    with app.test_request_context(), database.connection_context():
        user = create_user(Unit.get(), "admin", PASSWORD, "superadmin", "Andi Petugas")
        tailor = listings.save_listing(None, None, listing_data(), user)
        listings.save_listing(None, None, listing_data(
            title="Las Pagar Besi", description="Pagar, teralis dan kanopi.",
            client_full_name="Amir Mahmud Saleh", client_register_number="PB-9/2025",
            display_name="Pak Amir", category_id=Category.get(Category.slug == "las").id),
            user, jpeg_bytes())
        unit = Unit.get()  # an office logo: a photo that holds the page's load event
        units.save_unit(unit, {"name": unit.name, "slug": unit.slug, "address": unit.address,
                               "kiosk_interval": unit.kiosk_interval, "version": unit.version},
                        user, jpeg_bytes())
        unit_home = f"/u/{unit.slug}/"
    with LiveServer(app) as server:
        server.detail = f"/jasa/{tailor.id}"
        server.unit_home = unit_home
        yield server


def new_page(browser, viewport=PHONE, **options):
    """A fresh phone-sized context (cold cache) that records requests and script errors."""
    page = fresh_page(browser, viewport, **options)
    context = page.context
    page.requested, page.fetched, page.errors = [], [], []
    # The context also sees what the service worker fetches (its precache included).
    context.on("request", lambda request: page.requested.append(request.url))
    page.on("request", lambda request: page.fetched.append(request.url))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def htmx_requests(page, by_page_only=False) -> list[str]:
    return [url for url in (page.fetched if by_page_only else page.requested) if HTMX in url]


def mark_page(page):
    """Mark the loaded document: the mark survives htmx swaps, not a full page load."""
    page.evaluate("() => { window.__notReloaded = true }")


def assert_not_reloaded(page):
    assert page.evaluate("() => window.__notReloaded === true"), \
        "expected an htmx swap, but the whole page was loaded again"


def pushed(page) -> tuple[str, str]:
    """The path and search words of the address bar."""
    url = urlsplit(page.url)
    return url.path, parse_qs(url.query).get("q", [""])[0]


@pytest.mark.parametrize("path", ["/", "/?q=jahit", "detail"])
def test_no_htmx_before_the_visitor_touches_the_search_form(site, browser, path):
    page = new_page(browser)
    page.goto(site(site.detail if path == "detail" else path), wait_until="load")
    page.wait_for_timeout(800)  # idle time: nothing more may arrive on its own
    page.mouse.wheel(0, 400)  # reading and scrolling is not using the search form
    page.wait_for_timeout(300)
    assert htmx_requests(page) == []
    assert page.evaluate("() => window.htmx === undefined")
    assert page.errors == []
    page.context.close()


def test_first_keystrokes_before_htmx_arrives_still_search_live(site, browser):
    # Routes see the page's own requests only with the service worker out of the way.
    page = new_page(browser, service_workers="block")
    held = []  # a slow line: htmx arrives after the visitor has typed the word
    page.route(f"**{HTMX}*", lambda route: held.append(route))
    page.goto(site("/"), wait_until="load")
    mark_page(page)
    assert "Las Pagar Besi" in page.locator("#results").inner_text()
    page.click("#q")
    page.keyboard.type("jahit")
    page.wait_for_timeout(500)  # longer than the search box's 350 ms delay
    assert len(held) == 1 and "Las Pagar Besi" in page.locator("#results").inner_text()
    held[0].continue_()
    expect(page.locator("#results .count")).to_contain_text("jahit")
    assert_not_reloaded(page)
    assert pushed(page) == ("/", "jahit")  # hx-push-url: the results can be linked
    results = page.locator("#results").inner_text()
    assert "Penjahit Pakaian" in results and "Las Pagar Besi" not in results

    # Once here, htmx answers every keystroke as before, and is not fetched again.
    page.fill("#q", "las")
    expect(page.locator("#results .count")).to_contain_text("las")
    assert_not_reloaded(page)
    assert pushed(page) == ("/", "las")
    screenshot(page, "lazy-htmx-search-360.png")
    page.go_back()  # htmx restores the earlier results from its history
    expect(page.locator("#results .count")).to_contain_text("jahit")
    assert len(htmx_requests(page)) == 1
    assert page.errors == []
    page.context.close()


def test_live_search_under_the_service_worker(site, browser):
    """A returning visitor's page is served through the worker: htmx still arrives."""
    page = new_page(browser)
    page.goto(site("/"), wait_until="load")
    page.evaluate("() => navigator.serviceWorker.ready")
    page.reload(wait_until="load")
    assert page.evaluate("() => navigator.serviceWorker.controller !== null")
    mark_page(page)
    page.click("#q")
    page.keyboard.type("las")
    expect(page.locator("#results .count")).to_contain_text("las")
    assert_not_reloaded(page)
    page.goto(site("/"), wait_until="load")  # the worker now answers from its cache
    page.click("#q")
    page.keyboard.type("jahit")
    expect(page.locator("#results .count")).to_contain_text("jahit")
    assert page.errors == []
    page.context.close()


def test_a_filter_chosen_before_htmx_arrives_is_answered(site, browser):
    page = new_page(browser)
    page.goto(site("/"), wait_until="load")
    mark_page(page)
    page.select_option("select[name=kategori]", "las")
    expect(page.locator("#results .count")).to_contain_text("1 jasa")
    assert_not_reloaded(page)
    assert "kategori=las" in page.url
    page.context.close()


def test_live_search_starts_while_photos_are_still_loading(site, browser):
    """htmx 2 starts on DOMContentLoaded: arriving after it but before the photos are in,
    it would wait for an event that has passed, and the search box would stay dead."""
    page = new_page(browser, service_workers="block")
    held = []  # the office logo is still on its way: the page has not finished loading
    page.route("**/logo.jpg*", lambda route: held.append(route))
    page.goto(site(site.unit_home), wait_until="domcontentloaded")
    mark_page(page)
    page.click("#q")
    page.keyboard.type("jahit")
    expect(page.locator("#results .count")).to_contain_text("jahit")
    assert_not_reloaded(page)
    assert len(held) == 1 and page.evaluate("() => document.readyState") == "interactive"
    held[0].continue_()
    page.context.close()


def test_search_form_works_without_javascript(site, browser):
    page = new_page(browser, java_script_enabled=False)
    page.goto(site("/"))
    page.fill("#q", "las")
    page.press("#q", "Enter")
    page.wait_for_url(site("/?q=las*"))
    results = page.locator("#results").inner_text()
    assert "Las Pagar Besi" in results and "Penjahit Pakaian" not in results
    page.select_option("select[name=kategori]", "menjahit")
    page.click("form.search button[type=submit]")
    page.wait_for_url("**kategori=menjahit*")
    assert htmx_requests(page) == []
    page.context.close()


def test_kiosk_and_admin_still_load_htmx_at_once(site, browser):
    page = new_page(browser, viewport={"width": 1920, "height": 1080})
    page.goto(site("/kiosk"), wait_until="load")
    page.wait_for_function("() => window.htmx !== undefined")
    page.goto(site("/masuk"), wait_until="load")
    page.wait_for_function("() => window.htmx !== undefined")
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(site("/admin/jasa"), wait_until="load")
    page.wait_for_function("() => window.htmx !== undefined")
    assert len(htmx_requests(page)) >= 1
    page.context.close()


def test_tapping_a_result_right_after_typing_opens_it(site, browser):
    """CI once saw a tap on a result do nothing. The tap takes focus from the search box,
    whose "change" reached the form's own trigger: a second search for the same words,
    whose answer replaced the results under the finger between press and release."""
    page = new_page(browser)
    page.goto(site("/"))
    page.get_by_label("Cari jasa").press_sequentially("jahit", delay=40)
    expect(page.locator("#results .count")).to_contain_text("untuk “jahit”")
    searches = []
    page.on("request", lambda request: searches.append(request.url)
            if request.headers.get("hx-request") else None)
    page.locator("#results").get_by_role("link", name="Penjahit Pakaian").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Penjahit Pakaian")
    assert searches == [], "leaving the search box must not search again"
    page.context.close()


def test_admin_filters_answer_each_choice_once(site, browser):
    """The admin's list and audit filters: a changed select or date searches at once,
    typing searches after a pause, and leaving a typed box does not search again."""
    page = new_page(browser, viewport={"width": 1920, "height": 1080})
    page.goto(site("/masuk"))
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    searches = []
    page.on("request", lambda request: searches.append(request.url)
            if request.headers.get("hx-request") else None)

    page.goto(site("/admin/jasa"))
    page.fill("#q", "pagar")
    expect(page.locator("#results .count")).to_contain_text("1 jasa")
    page.get_by_role("heading", level=1).click()  # focus leaves the box
    page.select_option("select[name=status]", index=1)
    expect(page).to_have_url(re.compile(r"status="))
    page.wait_for_load_state("networkidle")
    assert len(searches) == 2, searches  # the typing, then the status

    searches.clear()
    page.goto(site("/admin/audit"))
    page.fill("#f-pengguna", "admin")
    page.wait_for_function("() => location.search.includes('pengguna=admin')")
    page.get_by_role("heading", level=1).click()
    page.fill("#f-dari", "2020-01-01")
    page.wait_for_function("() => location.search.includes('dari=2020-01-01')")
    page.select_option("#f-entitas", index=1)
    page.wait_for_function("() => /entitas=\\w/.test(location.search)")
    page.wait_for_load_state("networkidle")
    assert len(searches) == 3, searches
    page.context.close()
