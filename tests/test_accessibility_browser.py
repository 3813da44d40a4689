"""Issue 10.10: axe-core finds no violation on any public or admin page, and every public
page reflows at 320 CSS px (WCAG 2.1 1.4.10: no sideways scroll), the search box usable.

One Chromium and one live server for the whole module; axe-core from axe-playwright-python.
"""
import pytest
from browser_support import LiveServer, browser_app, photo_file, require_browser

require_browser()
from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from conftest import PASSWORD, listing_data  # noqa: E402

from app.db import database  # noqa: E402
from app.models import Unit  # noqa: E402

PHONE = {"width": 360, "height": 740}
# Downloads and machine answers, not pages.
NOT_PAGES = ("/ekspor", "/unduh", "/templat", ".csv", ".xlsx")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from app.records import listings
    from app.security.accounts import create_user
    folder = tmp_path_factory.mktemp("a11y")
    app = browser_app(folder)
    with app.test_request_context(), database.connection_context():
        unit = Unit.get()
        user = create_user(unit, "admin", PASSWORD, "superadmin")
        listing = listings.save_listing(None, None, listing_data(
            title="Las Pagar dan Teralis", description="Las pagar, teralis, kanopi. " * 12,
            service_area="Wonomulyo, Tapango, Matakali dan sekitarnya"), user,
            photo_file(folder).read_bytes())
        draft = listings.save_listing(None, None, listing_data(
            title="Penjahit Pakaian", client_full_name="Amir Mahmud Saleh", publish=False), user)
        ids = {"listing": listing.id, "slug": listing.slug, "client": listing.client_id,
               "draft": draft.id, "user": user.id, "unit": unit.id, "unit_slug": unit.slug}
    with LiveServer(app) as server:
        server.ids = ids
        yield server


def public_pages(ids):
    return ["/", "/?q=las", "/?q=zzzqqq", "/kategori/las", "/kategori/menjahit",
            f"/jasa/{ids['listing']}-{ids['slug']}", "/kebijakan-privasi", "/offline",
            f"/u/{ids['unit_slug']}/", f"/jasa/{ids['listing']}/selebaran",
            "/kategori/menjahit/selebaran", "/masuk", f"/jasa/{ids['listing']}/laporkan",
            "/sematkan", "/sematkan?q=zzzqqq"]


def admin_pages(site):
    ids = site.ids
    pages = [rule.rule for rule in site.app.url_map.iter_rules()
             if rule.endpoint.startswith(("admin.", "auth.")) and not rule.arguments
             and "GET" in rule.methods and not rule.rule.endswith(NOT_PAGES)
             and rule.endpoint not in ("auth.login", "auth.login_code")]
    pages += [f"/admin/jasa/{ids['listing']}/ubah", f"/admin/klien/{ids['client']}",
              f"/admin/klien/{ids['client']}/persetujuan", f"/admin/klien/{ids['client']}/tarik",
              f"/admin/klien/{ids['client']}/hapus", f"/admin/pengguna/{ids['user']}",
              f"/admin/pengguna/{ids['user']}/atur-ulang-sandi",
              f"/admin/unit/{ids['unit']}/ubah", "/admin/jasa?status=sampah",
              f"/admin/jasa/{ids['listing']}/riwayat"]
    return sorted(set(pages))


def violations(page) -> list[str]:
    """axe-core's violations on the page as shown now, one line per rule and element."""
    results = Axe().run(page)
    return [f"{page.url} {v['id']}: {node['target']}"
            for v in results.response["violations"] for node in v["nodes"]]


def test_public_pages_have_no_axe_violations(browser, site):
    page = browser.new_page(viewport=PHONE)
    found = []
    for path in public_pages(site.ids):
        page.goto(site(path))
        found += violations(page)
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(site("/kiosk"))
    found += violations(page)
    page.close()
    assert not found, "axe-core violations:\n" + "\n".join(found)


def log_in(page, site):
    page.goto(site("/masuk"))
    page.fill("#username", "admin")
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/admin/**")


def test_admin_pages_have_no_axe_violations(browser, site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, site)
    found = []
    pages = admin_pages(site)
    assert len(pages) > 20
    for path in pages:
        page.goto(site(path))
        assert "/masuk" not in page.url, f"{path} sent the admin to the login page"
        found += violations(page)
    # the entry screen with errors, and the list after a one-click action
    page.goto(site("/admin/jasa/baru"))
    page.click("form.entry button[type=submit]")
    page.wait_for_selector("#error-summary")
    found += violations(page)
    page.goto(site("/admin/jasa"))
    page.click(f"#listing-{site.ids['draft']} button[name=terbit]")
    page.wait_for_selector(f"#listing-{site.ids['draft']} .tag.green")
    page.click(f"#listing-{site.ids['draft']} button.danger")
    page.wait_for_selector(f"#listing-{site.ids['draft']} .undo-note button")
    found += violations(page)
    context.close()
    assert not found, "axe-core violations:\n" + "\n".join(found)


@pytest.mark.parametrize("width", [320, 180], ids=["320px", "360px-at-200%"])
def test_public_pages_reflow(browser, site, width):
    """WCAG's 320 CSS px, and a 360 px phone zoomed to 200 % (180 CSS px), as reported."""
    page = browser.new_page(viewport={"width": width, "height": 640})
    problems = []
    for path in public_pages(site.ids):
        page.goto(site(path))
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            problems.append(f"{path} scrolls sideways: {scroll_width} px wide")
        search = page.locator("input[type=search]")
        if search.count() and search.first.bounding_box()["width"] < width / 2:
            problems.append(f"{path}: the search box is only "
                            f"{search.first.bounding_box()['width']:.0f} px wide")
    page.close()
    assert not problems, "\n".join(problems)
