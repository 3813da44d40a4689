"""Issue 3, sharing: link previews, QR codes, flyers, sitemap, robots.txt, installable app."""
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
import segno
import zxingcpp
from bs4 import BeautifulSoup
from conftest import jpeg_bytes
from PIL import Image

from app.db import database
from app.directory.sharing import qr_svg, short_description
from app.models import Listing, User
from app.records.listings import delete_listing, set_published

BASE = "http://localhost"
INTERNAL = ["Rudi Hartono Saputra", "PB-123/2025", "RAHASIA-CATATAN-INTERNAL", "F-01/2026"]
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def meta(soup, key):
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


def detail_url(listing):
    return f"/jasa/{listing.id}-{listing.slug}"


def decode_png(png: bytes) -> list[str]:
    return [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def rasterize_qr_svg(svg: str) -> Image.Image:
    """Draw a segno SVG path ("M4 4.5h7m2 0h1…": one row of dark modules per h) as pixels."""
    modules = int(re.search(r'viewBox="0 0 (\d+)', svg).group(1)) // int(
        re.search(r"scale\((\d+)\)", svg).group(1))
    image = Image.new("L", (modules, modules), 255)
    x = y = 0.0
    path = re.search(r'class="qrline"[^>]* d="([^"]+)"', svg).group(1)
    for op, a, b in re.findall(r"([MmHh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:  # h: a run of dark modules on the row the stroke's centre line is on
            end = x + float(a)
            for col in range(int(x), int(end)):
                image.putpixel((col, int(y)), 0)
            x = end
    return image.resize((modules * 6, modules * 6), Image.NEAREST)


def decode_svg(svg: str) -> list[str]:
    return [found.text for found in zxingcpp.read_barcodes(rasterize_qr_svg(svg))]


def svgs_in(html: str) -> list[str]:
    return re.findall(r"<svg.*?</svg>", html, re.S)


def assert_no_internal(body: str):
    for secret in INTERNAL:
        assert secret not in body, secret
    assert "napi" not in body.lower()


def as_admin(app, action, listing_id):
    with app.test_request_context(), database.connection_context():
        action(Listing.get_by_id(listing_id), User.get(User.username == "admin"))


# --- link previews ----------------------------------------------------------------------

def test_meta_tags_use_the_public_photo(client, make_listing):
    listing = make_listing(photo=jpeg_bytes())
    soup = BeautifulSoup(client.get(detail_url(listing)).text, "html.parser")
    image = meta(soup, "og:image")
    assert image.startswith(BASE + "/foto/") and meta(soup, "twitter:image") == image
    assert client.get(image.removeprefix(BASE)).status_code == 200
    assert meta(soup, "og:title") == "Penjahit Pakaian — Menjahit & Permak"
    assert meta(soup, "og:url") == BASE + detail_url(listing)
    assert soup.find("link", rel="canonical")["href"] == BASE + detail_url(listing)
    assert meta(soup, "og:type") == "website" and meta(soup, "og:site_name") == "Raja Kemas"
    assert meta(soup, "og:description") == "Menjahit baju, permak celana, seragam sekolah."
    assert meta(soup, "twitter:card") == "summary_large_image"
    assert meta(soup, "twitter:title") == meta(soup, "og:title")
    assert meta(soup, "twitter:description") == meta(soup, "og:description")


@pytest.mark.parametrize("overrides", [{}, {"photo": jpeg_bytes(), "consent_scope_photo": False}])
def test_meta_tags_fall_back_to_a_generated_share_card(client, make_listing, overrides):
    listing = make_listing(**overrides)
    soup = BeautifulSoup(client.get(detail_url(listing)).text, "html.parser")
    image = meta(soup, "og:image")
    assert image.startswith(f"{BASE}/jasa/{listing.id}/kartu.png")
    assert meta(soup, "twitter:image") == image
    card = client.get(image.removeprefix(BASE))
    assert card.status_code == 200 and card.mimetype == "image/png"
    assert card.headers["Cache-Control"] == "public, max-age=3600"
    assert Image.open(io.BytesIO(card.data)).size == (1200, 630)


def test_description_preview_is_short_and_single_line(client, make_listing):
    long_text = "Menjahit kebaya dan gamis.\n\n" + "Kain bisa dari pelanggan atau dari kami. " * 10
    listing = make_listing(description=long_text)
    soup = BeautifulSoup(client.get(detail_url(listing)).text, "html.parser")
    text = meta(soup, "og:description")
    assert len(text) <= 150 and text.endswith("…") and "\n" not in text
    assert text.startswith("Menjahit kebaya dan gamis. Kain bisa")


def test_short_description_without_text_says_what_and_where(db, make_listing):
    from app.directory.browse import public_listing
    listing = public_listing(make_listing(description="").id)
    assert short_description(listing) == ("Jasa Menjahit & Permak di Wonomulyo, Polewali Mandar. "
                                          "Hubungi langsung lewat WhatsApp atau telepon.")


def test_share_card_depends_on_public_text_only(client, make_listing):
    # Two clients with different internal data but the same public text get the same
    # picture: nothing internal can have been drawn on it.
    first = make_listing()
    second = make_listing(client_full_name="Budi Santoso Wijaya",
                          client_register_number="PB-9/2024",
                          client_internal_notes="CATATAN LAIN", display_name="Pak Budi",
                          contact_name="Pak Budi", phone="0813-1111-2222")
    one = client.get(f"/jasa/{first.id}/kartu.png").data
    two = client.get(f"/jasa/{second.id}/kartu.png").data
    assert one == two


def test_share_card_survives_a_long_unbroken_title(client, make_listing):
    listing = make_listing(title="Servis" + "X" * 120 + " dan pasang parabola di seluruh kecamatan")
    card = client.get(f"/jasa/{listing.id}/kartu.png")
    assert Image.open(io.BytesIO(card.data)).size == (1200, 630)


def test_share_card_without_dejavu_uses_pillows_own_font(monkeypatch):
    # A Windows office PC has no DejaVu: the card must still be drawn.
    from app.directory import sharing
    monkeypatch.setattr(sharing, "BOLD_FONTS", ["/no/such/font.ttf", "no-such-font.ttf"])
    monkeypatch.setattr(sharing, "REGULAR_FONTS", ["/no/such/font.ttf"])
    png = sharing._card_png.__wrapped__("Penjahit Pakaian", "Menjahit & Permak",
                                        "Wonomulyo, Polewali Mandar", "Raja Kemas", "Bapas")
    assert Image.open(io.BytesIO(png)).size == (1200, 630)


# --- QR codes and flyers ----------------------------------------------------------------

def test_qr_svg_encodes_the_url():
    url = BASE + "/jasa/7-penjahit-pakaian"
    svg = qr_svg(url)
    assert str(svg).startswith("<svg") and 'viewBox="0 0 ' in svg
    assert decode_svg(str(svg)) == [url]
    png = io.BytesIO()
    segno.make(url, error="m").save(png, kind="png", scale=5)
    assert decode_png(png.getvalue()) == [url]


def test_flyer_shows_public_contact_and_a_qr_of_the_listing(client, make_listing, app):
    listing = make_listing()
    page = client.get(f"/jasa/{listing.id}/selebaran")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.h1.get_text() == "Penjahit Pakaian"
    text = soup.get_text(" ")
    for shown in ["Menjahit & Permak", "Wonomulyo, Polewali Mandar", "Pak Rudi", "0812-3456-7890",
                  "Chat WhatsApp", app.config["OFFICE_NAME"], app.config["OFFICE_ADDRESS"]]:
        assert shown in text, shown
    assert "paper-a4" in soup.body["class"]
    expected = BASE + detail_url(listing)
    [svg] = svgs_in(page.text)
    assert svg == str(qr_svg(expected, 8))
    assert decode_svg(svg) == [expected]
    assert_no_internal(page.text)


@pytest.mark.parametrize("size, css", [("a5", "paper-a5"), ("A5", "paper-a5"), ("zz", "paper-a4")])
def test_flyer_paper_size(client, make_listing, size, css):
    listing = make_listing()
    soup = BeautifulSoup(client.get(f"/jasa/{listing.id}/selebaran?ukuran={size}").text,
                         "html.parser")
    assert css in soup.body["class"]
    assert soup.find("link", rel="stylesheet")["href"].startswith("/static/css/print.css")


def test_flyer_without_a_public_phone_points_to_the_office(client, make_listing, app):
    listing = make_listing()
    with database.connection_context():
        Listing.update(phone="").where(Listing.id == listing.id).execute()
    text = client.get(f"/jasa/{listing.id}/selebaran").text
    assert "Untuk memesan jasa ini, hubungi" in text and "0812" not in text


def test_category_sheet_lists_every_public_listing_with_a_qr(client, make_listing):
    first = make_listing()
    second = make_listing(title="Jahit Kebaya Pengantin", client_register_number="PB-124/2025")
    hidden = make_listing(title="Jahit Seragam Sekolah", publish=False)
    other = make_listing(title="Las Pagar dan Teralis",
                         category_id=_category_id("las"))
    page = client.get("/kategori/menjahit/selebaran")
    assert page.status_code == 200
    titles = [h.get_text() for h in BeautifulSoup(page.text, "html.parser").select(".item h2")]
    assert titles == ["Jahit Kebaya Pengantin", "Penjahit Pakaian"]
    svgs = svgs_in(page.text)
    for listing, svg in zip((second, first), svgs):
        assert svg == str(qr_svg(BASE + detail_url(listing), 3))
        assert decode_svg(svg) == [BASE + detail_url(listing)]
    assert hidden.title not in page.text and other.title not in page.text
    assert_no_internal(page.text)
    assert "Belum ada jasa" in client.get("/kategori/pangkas-rambut/selebaran").text
    assert client.get("/kategori/tidak-ada/selebaran").status_code == 404


def _category_id(slug):
    from app.models import Category
    with database.connection_context():
        return Category.get(Category.slug == slug).id


def test_detail_and_category_pages_link_to_their_flyers(client, make_listing):
    listing = make_listing()
    assert f'href="/jasa/{listing.id}/selebaran"' in client.get(detail_url(listing)).text
    assert 'href="/kategori/menjahit/selebaran"' in client.get("/kategori/menjahit").text


# --- listings that are no longer public -------------------------------------------------

def test_unpublished_listing_vanishes_from_card_flyer_sheet_and_sitemap(app, client, make_listing):
    listing = make_listing()
    urls = [f"/jasa/{listing.id}/kartu.png", f"/jasa/{listing.id}/selebaran",
            f"/jasa/{listing.id}/selebaran?ukuran=a5"]
    assert [client.get(u).status_code for u in urls] == [200, 200, 200]
    assert detail_url(listing) in client.get("/sitemap.xml").text
    as_admin(app, lambda x, user: set_published(x, False, user), listing.id)
    assert [client.get(u).status_code for u in urls] == [404, 404, 404]
    assert detail_url(listing) not in client.get("/sitemap.xml").text
    assert "Penjahit Pakaian" not in client.get("/kategori/menjahit/selebaran").text


def test_draft_has_no_card_or_flyer(client, make_listing):
    draft = make_listing(publish=False)
    assert client.get(f"/jasa/{draft.id}/kartu.png").status_code == 404
    assert client.get(f"/jasa/{draft.id}/selebaran").status_code == 404
    assert client.get("/jasa/99999/kartu.png").status_code == 404


# --- sitemap and robots.txt -------------------------------------------------------------

def test_sitemap_holds_exactly_the_published_listings(app, client, make_listing):
    published = make_listing()
    draft = make_listing(title="Kue Basah", publish=False)
    deleted = make_listing(title="Katering Nasi Kotak")
    as_admin(app, delete_listing, deleted.id)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    entries = {u.find(SITEMAP_NS + "loc").text: u.find(SITEMAP_NS + "lastmod")
               for u in root.iter(SITEMAP_NS + "url")}
    listing_urls = {loc for loc in entries if "/jasa/" in loc}
    assert listing_urls == {BASE + detail_url(published)}
    assert draft.title not in response.text and f"/jasa/{deleted.id}" not in response.text
    assert entries[BASE + detail_url(published)].text == published.updated_at.date().isoformat()
    assert BASE + "/" in entries
    # Only categories with public listings: the empty ones are of no use to a search engine.
    assert {loc for loc in entries if "/kategori/" in loc} == {BASE + "/kategori/menjahit"}


def test_empty_sitemap_is_valid(client):
    root = ET.fromstring(client.get("/sitemap.xml").data)
    assert [u.find(SITEMAP_NS + "loc").text for u in root] == [BASE + "/"]


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.text.splitlines()
    for path in ("/admin/", "/masuk", "/siapkan/"):
        assert f"Disallow: {path}" in lines
    assert "User-agent: *" in lines and "Allow: /" in lines
    assert f"Sitemap: {BASE}/sitemap.xml" in lines


# --- installable app --------------------------------------------------------------------

def test_manifest_is_valid_and_its_icons_exist(client, app):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.data)
    assert manifest["name"] == "Raja Kemas — " + app.config["OFFICE_NAME"]
    assert manifest["short_name"] == "Raja Kemas"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#0b5a7a" and manifest["background_color"]
    pngs = [i for i in manifest["icons"] if i["type"] == "image/png"]
    assert {i["sizes"] for i in pngs} >= {"192x192", "512x512"}
    assert {"any", "maskable"} <= {i["purpose"] for i in pngs}
    for icon in manifest["icons"]:
        got = client.get(icon["src"])
        assert got.status_code == 200 and got.mimetype == icon["type"], icon
        if icon["type"] == "image/png":
            size = int(icon["sizes"].split("x")[0])
            assert Image.open(io.BytesIO(got.data)).size == (size, size)


def test_pages_link_manifest_and_register_the_worker_without_inline_script(client, make_listing):
    listing = make_listing()
    for url in ("/", detail_url(listing), "/kategori/menjahit", "/offline"):
        soup = BeautifulSoup(client.get(url).text, "html.parser")
        assert soup.find("link", rel="manifest")["href"] == "/manifest.webmanifest"
        assert meta(soup, "theme-color") == "#0b5a7a"
        register = soup.find("script", src=re.compile(r"^/static/js/register-sw\.js"))
        assert register is not None and register.has_attr("defer"), url
        # Every script is a file; a JSON-LD block is data for search engines, never run.
        assert all(s.has_attr("src") or s.get("type") == "application/ld+json"
                   for s in soup.find_all("script")), url
    assert client.get(register["src"]).status_code == 200
    assert "register-sw.js" not in client.get("/masuk").text


def test_service_worker_headers_and_precache(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "application/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", response.text).group(1))
    assert precache[0] == "/offline"
    assert any(u.startswith("/static/css/app.css?v=") for u in precache)
    # htmx comes only when a search form is used (issue 12, point 8), never on install.
    assert not any(u.startswith("/static/vendor/htmx") for u in precache)
    for url in precache:
        assert client.get(url).status_code == 200, url
    assert "const VERSION = 'dev'" not in response.text


def test_offline_page(client):
    response = client.get("/offline")
    assert response.status_code == 200 and "Tidak ada sinyal" in response.text
