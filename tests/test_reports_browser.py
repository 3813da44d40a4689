"""Browser tests: the impact dashboard on a phone and a desktop, and the printable report.

Drives Debian's Chromium (/usr/bin/chromium) through Playwright against the real app
served by waitress, with CSRF on and a real login. The database holds seven published
listings in different categories and kecamatan (and one draft) with views, WhatsApp
and phone taps spread over the last 60 days; today's counts are recorded through
`stats.record` and through a real visit (view, WhatsApp tap, phone tap) by a phone
browser. What a person would notice is asserted: the numbers equal what was recorded,
no sideways scrolling on a 360 px phone, every chart visible inside its box with
readable text, admin navigation and buttons gone on paper, English charts in English.

Screenshots (full page) and the report as an A4 PDF go to <repo>/screenshots/
(gitignored): dashboard-360.png, dashboard-1280.png, dashboard-en-360.png,
dashboard-en-1280.png, report-360.png, report-print.png and report-print.pdf.
"""
import datetime as dt
import random
import re

import pytest
from browser_support import (
    PHONE,
    SCREENSHOT_DIR,
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
from app.directory import stats  # noqa: E402
from app.models import Category, DailyStat, Region, Unit  # noqa: E402
from app.office import reports
from app.security.accounts import create_user  # noqa: E402

DESKTOP = {"width": 1280, "height": 800}
# A4 (210 × 297 mm) less the report's @page margins (14 mm each side, 14 + 16 mm top and
# bottom), at 96 px per inch: the screenshot is laid out as wide as the printed text.
PAPER = {"width": 688, "height": 1009}
USERNAME, PASSWORD = "sitti", "kopi pagi di Wonomulyo"
# An ordinary Android Chrome: HeadlessChrome is (rightly) not counted as a person.
ANDROID = ("Mozilla/5.0 (Linux; Android 11; SM-A125F) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/120.0.6099.144 Mobile Safari/537.36")
DAYS = 60  # days of history, today included

# title, category slug, kecamatan, client, shown name, phone, how busy (views per day at most)
LISTINGS = [
    ("Penjahit Pakaian Pak Rudi", "menjahit", "Wonomulyo", "Rudi Hartono Saputra", "Pak Rudi",
     "0812-3456-7890", 20),
    ("Las Pagar dan Teralis", "las", "Tinambung", "Slamet Riyadi Wibowo", "Pak Slamet",
     "0813-4000-1122", 14),
    ("Pangkas Rambut Pria", "pangkas-rambut", "Polewali", "Agus Salim Purnomo", "Mas Agus",
     "0852-9911-2233", 12),
    ("Kue Basah dan Jepa Bu Ani", "kue", "Campalagian", "Ani Lestari Handayani", "Bu Ani",
     "0821-7788-4455", 18),
    ("Servis HP dan Elektronik", "servis-elektronik", "Mapilli", "Budi Santoso Putra",
     "Mas Budi", "0811-4455-6677", 9),
    ("Bengkel Motor dan Tambal Ban", "bengkel-motor", "Matakali", "Hasan Basri Lamba",
     "Pak Hasan", "0853-1122-3344", 8),
    ("Katering Nasi Kotak dan Prasmanan untuk Hajatan Keluarga", "katering", "Balanipa",
     "Nurhayati Syamsuddin", "Ibu Nur", "0822-5566-7788", 10),
]
DRAFT = ("Kerajinan Anyaman Bambu", "tukang-kayu", "Wonomulyo", "Yusuf Hamzah Daeng",
         "Pak Yusuf", "0823-1000-2000", 0)
ID_CHART_WORDS = re.compile(r"\b(dilihat|kontak|per hari|per bulan|kategori|kecamatan|"
                            r"telepon|jasa|paling banyak|belum ada)\b", re.IGNORECASE)


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The app with CSRF on, one unit, its admin and the listings, on 127.0.0.1:<port>."""
    folder = tmp_path_factory.mktemp("reports-browser")
    app = browser_app(folder)
    with app.test_request_context(), database.connection_context():
        from app.records import listings
        unit = Unit.select().first()
        user = create_user(unit, USERNAME, PASSWORD, "admin", "Sitti Rahmawati")
        made = []
        for title, category, kecamatan, client, shown, phone, busy in LISTINGS + [DRAFT]:
            data = listing_data(
                title=title, client_full_name=client, display_name=shown, contact_name=shown,
                phone=phone, category_id=Category.get(Category.slug == category).id,
                region_id=Region.get(Region.kecamatan == kecamatan).id,
                service_area=f"{kecamatan} dan sekitarnya", publish=busy > 0,
                client_register_number=f"PB-{len(made) + 10}/2025")
            made.append((listings.save_listing(None, None, data, user), busy))
    with LiveServer(app) as server:
        server.listings = made
        yield server


@pytest.fixture(scope="module")
def recorded(site, browser):
    """Counts over the last 60 days; returns every (listing id, day) → [views, wa, phone]."""
    today = stats.today()
    rng = random.Random(2026)
    counts = {}
    for listing, busy in site.listings:
        if not busy:
            continue  # the draft was never public: nothing to count
        for back in range(1, DAYS):  # older days in one insert, as they accumulated
            views = rng.randint(0, busy)
            counts[listing.id, today - dt.timedelta(days=back)] = [
                views, sum(rng.random() < .15 for _ in range(views)),
                sum(rng.random() < .06 for _ in range(views))]
    with site.app.app_context(), database.connection_context():
        DailyStat.insert_many([dict(listing=key[0], day=key[1], views=v, whatsapp_taps=w,
                                    phone_taps=p) for key, (v, w, p) in counts.items()]).execute()
        # today so far, through the app's own counter
        for (listing, _), (views, wa, phone) in zip(site.listings, [(4, 2, 1), (3, 1, 0),
                                                                    (2, 0, 1)]):
            for kind, times in (("view", views), ("whatsapp", wa), ("phone", phone)):
                for _ in range(times):
                    assert stats.record(listing.id, kind)
            counts[listing.id, today] = [views, wa, phone]

    # A person on a phone opens a listing and taps WhatsApp and Telepon: counted once each.
    listing = site.listings[3][0]
    page = fresh_page(browser, user_agent=ANDROID)
    page.goto(site(f"/jasa/{listing.id}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(LISTINGS[3][0])
    for name in ("Chat WhatsApp", "Telepon"):
        href = page.get_by_role("link", name=name, exact=True).evaluate("a => a.href")
        assert page.request.get(href, max_redirects=0).status == 302
    page.context.close()
    day = counts.setdefault((listing.id, today), [0, 0, 0])
    day[0], day[1], day[2] = day[0] + 1, day[1] + 1, day[2] + 1
    with site.app.app_context(), database.connection_context():
        row = DailyStat.get(DailyStat.listing == listing.id, DailyStat.day == today)
        assert (row.views, row.whatsapp_taps, row.phone_taps) == tuple(day), \
            "one visit and two taps by a person must count exactly once each"
    return counts


def totals(counts, start, end=None):
    """Sum views, WhatsApp and phone taps of the days from `start` to `end` (today)."""
    end = end or stats.today()
    sums = [0, 0, 0]
    for (_, day), values in counts.items():
        if start <= day <= end:
            sums = [a + b for a, b in zip(sums, values)]
    return {"views": sums[0], "whatsapp": sums[1], "phone": sums[2], "contacts": sums[1] + sums[2]}


# --------------------------------------------------------------------------- helpers

def signed_in(site, browser, viewport, language=None):
    """A page of a fresh context, signed in as the unit's admin through the login form."""
    page = fresh_page(browser, viewport)
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    page.goto(site("/masuk"))
    page.get_by_label("Nama pengguna", exact=True).fill(USERNAME)
    page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page).to_have_url(site("/admin/"))
    if language:  # the switch in the header, as a person would
        page.locator(".lang").get_by_role("link", name=language).click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    return page


def number(text: str) -> int:
    """Read a count shown as 1.234 (Indonesian) or 1,234."""
    digits = re.sub(r"[.,\s]", "", text)
    assert digits.isdigit(), f"not a count: {text!r}"
    return int(digits)




CHART_GEOMETRY = """sel => [...document.querySelectorAll(sel)].map(svg => {
  const fig = svg.closest('figure'), f = fig.getBoundingClientRect(), cs = getComputedStyle(fig);
  const px = v => parseFloat(v) || 0;
  const r = svg.getBoundingClientRect(), scale = r.width / svg.viewBox.baseVal.width;
  return {id: svg.id, caption: fig.querySelector('figcaption').textContent.trim(),
    left: r.left, right: r.right, width: r.width, height: r.height,
    innerLeft: f.left + px(cs.borderLeftWidth) + px(cs.paddingLeft),
    innerRight: f.right - px(cs.borderRightWidth) - px(cs.paddingRight),
    figLeft: f.left, figRight: f.right,
    title: svg.querySelector('title').textContent, desc: svg.querySelector('desc').textContent,
    texts: [...svg.querySelectorAll('text')].map(t => {
      const q = t.getBoundingClientRect();
      return {text: t.textContent, left: q.left, right: q.right, top: q.top, bottom: q.bottom,
              px: px(getComputedStyle(t).fontSize) * scale};
    })};
})"""


def check_charts(page, selector, count, min_px=10):
    """Every chart is visible, fits its box, keeps its labels inside and is readable."""
    charts = page.locator(selector)
    expect(charts).to_have_count(count)
    for k in range(count):
        expect(charts.nth(k)).to_be_visible()
    found = page.evaluate(CHART_GEOMETRY, selector)
    width = page.viewport_size["width"]
    for chart in found:
        name = f"{chart['id']} at {width} px"
        assert chart["width"] > 150 and chart["height"] > 60, f"{name} is too small to read"
        assert chart["left"] >= chart["innerLeft"] - .5 and \
            chart["right"] <= chart["innerRight"] + .5, f"{name} is wider than its box"
        assert chart["right"] <= width, f"{name} runs off the screen"
        for text in chart["texts"]:
            # the SVG draws overflow, so a label is cut only where it leaves the white box
            assert chart["figLeft"] <= text["left"] and text["right"] <= chart["figRight"], \
                f"{name}: label {text['text']!r} sticks out of the chart's box"
            assert chart["left"] - 1 <= text["left"] <= text["right"] <= chart["right"] + 1, \
                f"{name}: label {text['text']!r} is drawn past the chart's own edge"
            assert text["px"] >= min_px, \
                f"{name}: label {text['text']!r} is {text['px']:.1f} px, too small to read"
    return found


def kpis(page) -> dict:
    """The dashboard's four numbers, by position (the same in every language)."""
    items = page.locator(".impact .kpis li")
    expect(items).to_have_count(4)
    bold = [number(items.nth(k).locator("b").inner_text()) for k in range(4)]
    split = re.findall(r"\d[\d.,]*", items.nth(3).locator("small").inner_text())
    return {"published": bold[0], "clients": bold[1], "views": bold[2], "contacts": bold[3],
            "whatsapp": number(split[0]), "phone": number(split[1])}


def stats_number(value) -> str:
    """A count as the charts write it (Indonesian here: 1.234)."""
    from app.office.charts import number as chart_number
    return chart_number(value)


def open_dashboard(page, site, viewport):
    page.set_viewport_size(viewport)
    page.goto(site("/admin/"))
    expect(page.locator("#dampak-judul")).to_be_visible()


def checked_dashboard(page, site, viewport, name, heading, want) -> list[dict]:
    """Open the dashboard at `viewport`, check its heading, width and numbers, screenshot
    it as `name`, and return its seven charts (each checked by check_charts)."""
    open_dashboard(page, site, viewport)
    expect(page.locator("#dampak-judul")).to_have_text(heading)
    screenshot(page, name)
    assert horizontal_overflow(page) == 0, f"{name}: the page scrolls sideways"
    assert kpis(page) == {"published": len(LISTINGS), "clients": len(LISTINGS), **want}
    return check_charts(page, ".impact svg.chart", 7)


# --------------------------------------------------------------------------- tests

def test_dashboard_on_a_phone_and_a_desktop(site, browser, recorded):
    want = totals(recorded, stats.today() - dt.timedelta(days=29))
    assert want["views"] > 1000, "the seed should need thousands separators"
    page = signed_in(site, browser, PHONE)
    for viewport, name in ((PHONE, "dashboard-360.png"), (DESKTOP, "dashboard-1280.png")):
        charts = checked_dashboard(page, site, viewport, name, "Dampak: 30 hari terakhir", want)
        # the charts tell the same story as the numbers above them
        views_daily = next(c for c in charts if c["id"] == "dash-views-daily")
        assert stats_number(want["views"]) in views_daily["desc"]
        contacts_daily = next(c for c in charts if c["id"] == "dash-contacts-daily")
        assert stats_number(want["contacts"]) in contacts_daily["desc"]
        # the busiest listings appear, the long title shortened rather than cut off
        top = page.locator("#dash-top")
        expect(top).to_contain_text("Penjahit Pakaian Pak Rudi")
        assert page.locator(".impact a.btn", has_text="Laporan bulanan").is_visible()
    # on the phone, body text is not shrunk below 14 px anywhere in the impact section
    page.set_viewport_size(PHONE)
    smallest = page.evaluate("""() => Math.min(...[...document.querySelectorAll(
        '.impact p, .impact li, .impact figcaption, .impact small, .impact a')]
        .map(e => parseFloat(getComputedStyle(e).fontSize)))""")
    assert smallest >= 13, f"text of {smallest} px on a phone"
    assert not page.js_errors, page.js_errors
    page.context.close()


def test_monthly_report_prints_on_a4(site, browser, recorded):
    today = stats.today()
    first = stats.month_start(today)
    want = totals(recorded, first)
    page = signed_in(site, browser, PHONE)

    # on a phone: readable, the wide tables scroll inside their own box, not the page
    page.goto(site(f"/admin/laporan?bulan={first:%Y-%m}"))
    expect(page.locator(".report-paper h1")).to_be_visible()
    screenshot(page, "report-360.png")
    assert horizontal_overflow(page) == 0, "the report scrolls sideways on a phone"
    check_charts(page, ".report-paper svg.chart", 6)

    # on paper: A4, no admin navigation, no buttons, the same totals
    page.set_viewport_size(PAPER)
    page.emulate_media(media="print")
    expect(page.locator(".report-paper h1")).to_contain_text(reports.month_label(first))
    summary = {}
    rows = page.locator(".report-table.summary tr")
    for k in range(rows.count()):
        summary[rows.nth(k).locator("th").inner_text().strip()] = number(
            rows.nth(k).locator("td").inner_text())
    assert summary["Jasa dilihat"] == want["views"]
    assert summary["Kontak lewat WhatsApp"] == want["whatsapp"]
    assert summary["Kontak lewat telepon"] == want["phone"]
    assert summary["Total kontak"] == want["contacts"]
    assert summary["Jasa tayang"] == len(LISTINGS)
    for table in ("per-jasa", "per-kategori", "per-kecamatan"):
        foot = page.locator(f"#{table} tfoot td")
        assert [number(foot.nth(k).inner_text()) for k in range(4)] == [
            want["views"], want["whatsapp"], want["phone"], want["contacts"]], table
    # the draft never reached the public, so it is not in the report
    expect(page.locator("#per-jasa")).not_to_contain_text(DRAFT[0])
    for hidden in (".admin-top", "nav.tools", ".lang", "form.pick", ".report-page .actions"):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.get_by_role("link", name="Beranda")).to_be_hidden()
    visible_controls = page.locator("button:visible, a.btn:visible, select:visible")
    expect(visible_controls).to_have_count(0)
    expect(page.locator(".sign")).to_be_visible()
    # Only <body> names the @page: a named page on an inner box forces a page break
    # before it, and the printout began with a blank sheet.
    named = page.evaluate("""() => { const own = getComputedStyle(document.body).page;
        return [...document.body.querySelectorAll('*')].map(e => getComputedStyle(e).page)
            .filter(p => p !== 'auto' && p !== own) }""")
    assert not named, f"a box names another page ({named}): a page break before the report"
    # "Jumlah" is printed once, at the end of each table, not under every page's part of it
    for display in page.locator(".report-table tfoot").evaluate_all(
            "feet => feet.map(f => getComputedStyle(f).display)"):
        assert display != "table-footer-group", "the totals row repeats on every page"
    check_charts(page, ".report-paper svg.chart", 6, min_px=8)
    assert horizontal_overflow(page) == 0, "the printed page is wider than A4 paper"
    screenshot(page, "report-print.png")
    pdf = SCREENSHOT_DIR / "report-print.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    body = pdf.read_bytes()
    assert body.startswith(b"%PDF")
    pages = max(int(n) for n in re.findall(rb"/Count\s+(\d+)", body))
    # seven listings: three pages in Chromium 156; four leaves room for other fonts
    assert 1 <= pages <= 4, f"the report prints on {pages} A4 pages"
    assert not page.js_errors, page.js_errors
    page.context.close()


ID_CAPTIONS = {"Dilihat per hari", "Kontak per hari", "Jasa paling banyak dihubungi",
               "Dilihat per bulan (12 bulan)", "Kontak per bulan (12 bulan)",
               "Kontak per kategori", "Kontak per kecamatan"}


def test_dashboard_in_english(site, browser, recorded):
    want = totals(recorded, stats.today() - dt.timedelta(days=29))
    page = signed_in(site, browser, PHONE, language="English")
    untranslated = {}
    for viewport, name in ((PHONE, "dashboard-en-360.png"), (DESKTOP, "dashboard-en-1280.png")):
        charts = checked_dashboard(page, site, viewport, name, "Impact: last 30 days", want)
        # the visible chart titles (figure captions) are English
        captions = [c["caption"] for c in charts]
        assert not ID_CAPTIONS & set(captions), captions
        # the charts' own titles and labels (app/charts.py) are English too
        for chart in charts:
            words = [chart["title"]] + [t["text"] for t in chart["texts"]]
            found = [w for w in words if ID_CHART_WORDS.search(w)
                     and not any(w.startswith(x[0]) for x in LISTINGS)]
            if found:
                untranslated[chart["id"]] = found
    assert not page.js_errors, page.js_errors
    page.context.close()
    assert not untranslated, f"chart titles/labels still Indonesian in English: {untranslated}"


