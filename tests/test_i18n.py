"""Two languages: every text through Flask-Babel, Indonesian by default, English complete.

The catalogue tests extract the texts from the code as `pybabel extract -F babel.cfg`
does, so a text added without an English translation (or without `pybabel compile`)
fails here with its msgid.
"""
import datetime as dt
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from babel.support import Translations
from bs4 import BeautifulSoup

from app.db import database
from app.i18n import rupiah, tanggal, waktu

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "app" / "translations"
EN_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None,
            "lazy_ngettext": (1, 2), "N_": None, "translate": None, "_l": None, "pgettext": ((1, "c"), 2)}

# Interface words that must not survive in the other language (user data aside: the
# pages below show listings and categories whose names are Indonesian on purpose).
INDONESIAN_UI = ["Cari jasa", "Semua kategori", "Semua kecamatan", "Kategori", "Masuk",
                 "Simpan", "Belum ada", "Kebijakan Privasi", "Hubungi", "Telepon",
                 "Semua jasa", "Langsung ke isi", "Dikelola oleh", "Halaman", "Keluar",
                 "Beranda", "Daftar jasa", "Kata sandi", "Nama pengguna", "Jasa baru",
                 "Cetak", "Berikutnya", "Pindai", "Lihat situs", "Wilayah layanan",
                 "Jam kerja", "Kisaran harga", "Dikonfirmasi", "Terbit", "Klien"]
ENGLISH_UI = ["Search services", "All categories", "Categories", "Log in", "Save",
              "None yet", "Privacy Policy", "Contact", "Phone", "All services",
              "Skip to content", "Run by", "Page", "Log out", "Services", "Password",
              "Username", "New service", "Print", "Next", "Scan", "View site",
              "Service area", "Working hours", "Price range", "Published", "Client"]


def _method_map():
    """The sections of babel.cfg, as (pattern, method) pairs."""
    pairs = []
    for line in (ROOT / "babel.cfg").read_text(encoding="utf-8").splitlines():
        found = re.match(r"^\[(\w+):\s*(.+?)\]$", line.strip())
        if found:
            pairs.append((found.group(2), found.group(1)))
    return pairs


def _extracted() -> dict[str, tuple[str, str]]:
    """Every msgid in the code and templates, with where it was found."""
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), _method_map(), keywords=KEYWORDS):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, (filename, lineno))
    return found


def _catalogue():
    with EN_PO.open("rb") as f:
        return read_po(f, locale="en")


def test_every_extracted_text_has_an_english_translation():
    catalogue = _catalogue()
    problems = []
    for msgid, (filename, lineno) in sorted(_extracted().items()):
        message = catalogue.get(msgid)
        strings = () if message is None else (
            message.string if isinstance(message.string, tuple) else (message.string,))
        if message is None:
            problems.append(f"not in the catalogue: {msgid!r} ({filename}:{lineno})")
        elif message.fuzzy or not all(s.strip() for s in strings):
            problems.append(f"no English: {msgid!r} ({filename}:{lineno})")
    assert not problems, (
        "Run `pybabel extract -F babel.cfg -k lazy_gettext -k _l -k N_ -k translate -o messages.pot . && "
        "pybabel update -i messages.pot -d app/translations`, translate, then "
        "`pybabel compile -d app/translations`:\n" + "\n".join(problems))


def test_english_catalogue_is_complete_consistent_and_compiled():
    catalogue = _catalogue()
    missing, format_errors = [], []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(s.strip() for s in strings):
            missing.append(message.id)
        # Placeholders (%(name)s) must match, else the page breaks in English.
        format_errors += [f"{message.id!r}: {e}" for e in message.check(catalogue)]
    assert not missing, "untranslated or fuzzy: " + "\n".join(map(repr, missing))
    assert not format_errors, "\n".join(format_errors)
    compiled = Translations.load(str(TRANSLATIONS), ["en"])
    stale = [m.id for m in catalogue if m.id and isinstance(m.id, str)
             and compiled.gettext(m.id) != m.string]
    assert not stale, "messages.mo is older than messages.po: run pybabel compile"


def _visible_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    # The switch names both languages on purpose.
    for tag in soup.select("nav.lang"):
        tag.decompose()
    parts = [soup.get_text(" ")]
    for tag in soup.find_all(True):
        for attribute in ("placeholder", "aria-label", "title", "alt"):
            if tag.get(attribute):
                parts.append(tag[attribute])
        if tag.name == "input" and tag.get("type") in ("submit", "button"):
            parts.append(tag.get("value", ""))
    return re.sub(r"\s+", " ", " ".join(parts))


def _leftovers(html: str, words: list[str], data: list[str], charts: bool = True) -> list[str]:
    if not charts:
        # The dashboard's SVG charts (app/charts.py) are not translated yet: left out.
        soup = BeautifulSoup(html, "html.parser")
        for tag in soup.select("svg, figure"):
            tag.decompose()
        html = str(soup)
    text = _visible_text(html)
    for value in data:  # user data (listing titles, category names...) is not interface
        text = text.replace(value, " ")
    return [w for w in words if re.search(r"(?<!\w)" + re.escape(w) + r"(?!\w)", text)]


@pytest.fixture
def published(make_listing):
    return make_listing()


def _data_texts(app):
    """Texts of the test data, left out of the leftover check."""
    from app.models import Category, Listing, Region, Unit
    with app.app_context(), database.connection_context():
        texts = [c.name for c in Category.select()] + [u.name for u in Unit.select()]
        texts += [r.kabupaten for r in Region.select()] + [r.kecamatan for r in Region.select()]
        for listing in Listing.select():
            texts += [listing.title, listing.description, listing.service_area,
                      listing.price_hint, listing.working_hours, listing.display_name or "",
                      listing.contact_name or ""]
        cfg = app.config
        texts += [cfg["OFFICE_NAME"], cfg["APP_TAGLINE"], cfg["PARENT_ORGANISATION"],
                  cfg["OFFICE_ADDRESS"], cfg["APP_NAME"]]
    return sorted((t for t in texts if t), key=len, reverse=True)


PUBLIC_PAGES = ["/", "/?q=jahit", "/?q=tidakadaapapun", "/kategori/menjahit",
                "/kebijakan-privasi", "/kiosk", "/masuk"]
ADMIN_PAGES = ["/admin/", "/admin/jasa", "/admin/jasa/baru"]


def _pages(published):
    return PUBLIC_PAGES + [f"/jasa/{published.id}-penjahit-pakaian"]


@pytest.mark.parametrize("language, words", [("en", INDONESIAN_UI), ("id", ENGLISH_UI)])
def test_public_pages_have_no_leftovers_of_the_other_language(app, client, published,
                                                              language, words):
    data = _data_texts(app)
    for url in _pages(published):
        response = client.get(url, headers={"Accept-Language": language})
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert f'<html lang="{language}">' in html, url
        assert _leftovers(html, words, data) == [], url


@pytest.mark.parametrize("language, words", [("en", INDONESIAN_UI), ("id", ENGLISH_UI)])
def test_admin_pages_have_no_leftovers_of_the_other_language(app, client, auth, published,
                                                             language, words):
    data = _data_texts(app) + ["Andi Petugas", "admin"]
    client.set_cookie("lang", language)
    auth.login()
    for url in ADMIN_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert f'<html lang="{language}">' in html, url
        assert _leftovers(html, words, data, charts=False) == [], url


def test_indonesian_is_the_default(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="id">' in html
    assert "Cari jasa" in html
    html = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert '<html lang="id">' in html


def test_browser_language_chooses_english(client):
    html = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Search services" in html


def test_switch_sets_a_cookie_that_is_remembered(client):
    html = client.get("/").get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    links = {a.get_text(): a for a in soup.select("nav.lang a")}
    assert set(links) == {"Bahasa Indonesia", "English"}
    assert links["Bahasa Indonesia"].get("aria-current") == "true"
    response = client.get(links["English"]["href"])
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    cookie = client.get_cookie("lang")
    assert cookie is not None and cookie.value == "en"
    assert "session" not in {c.key for c in client._cookies.values()}  # no session cookie
    # Remembered, even against the browser's language:
    html = client.get("/", headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert '<html lang="en">' in html and "Search services" in html
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one('nav.lang a[aria-current="true"]').get_text() == "English"
    client.get("/bahasa/id?next=/kebijakan-privasi")
    assert '<html lang="id">' in client.get("/").get_data(as_text=True)


def test_switch_goes_back_only_within_the_site(client):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"):
        response = client.get("/bahasa/en", query_string={"next": target})
        assert response.headers["Location"] == "/", target
    response = client.get("/bahasa/en", query_string={"next": "/kategori/menjahit?q=baju"})
    assert response.headers["Location"] == "/kategori/menjahit?q=baju"
    response = client.get("/bahasa/xx")
    assert client.get_cookie("lang").value == "en"  # unknown codes change nothing


def test_public_pages_vary_by_language(client):
    response = client.get("/")
    assert "Accept-Language" in response.headers["Vary"]
    assert "Cookie" in response.headers["Vary"]


def test_dates_money_and_times(app):
    day = dt.date(2024, 2, 28)
    with app.test_request_context(headers={"Accept-Language": "id"}):
        assert tanggal(day) == "28 Februari 2024"
        assert rupiah(50000) == "Rp50.000"
        assert rupiah(1250000) == "Rp1.250.000"
        stamp = dt.datetime(2024, 2, 28, 9, 30, tzinfo=dt.timezone.utc)
        assert waktu(stamp) == "28 Februari 2024, 17.30"  # WITA = UTC+8
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert tanggal(day) == "28 February 2024"
        assert rupiah(50000).replace(",", ".") == "Rp50.000"
    # Outside a request (CLI, domain functions): Indonesian.
    assert tanggal(day) == "28 Februari 2024"
    assert rupiah(50000) == "Rp50.000"


def test_date_on_a_page_follows_the_language(client, published):
    from app.i18n import tanggal as fmt
    today = dt.date.today()
    with client.application.test_request_context(headers={"Accept-Language": "en"}):
        english = fmt(today)
    html = client.get(f"/jasa/{published.id}-penjahit-pakaian", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert english in html
    html = client.get(f"/jasa/{published.id}-penjahit-pakaian", headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert fmt(today) in html
