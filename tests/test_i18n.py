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
from conftest import PASSWORD

from app.db import database
from app.web.i18n import rupiah, tanggal, waktu

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


def _leftovers(html: str, words: list[str], data: list[str]) -> list[str]:
    """Interface words of the other language in the page's text, charts (SVG) included."""
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

# Admin and login pages say more than the public ones: more words that give a leftover away.
ADMIN_INDONESIAN_UI = INDONESIAN_UI + [
    "Pengguna", "Tindakan", "Persetujuan", "Cadangan", "Unggah", "Ubah", "Hapus", "Batal",
    "Sebelumnya", "Unit kerja", "Wajib", "Aktif", "Nonaktifkan", "Tersimpan", "Layar kios",
    "Perlu konfirmasi", "Laporan", "Impor", "Ekspor", "Nomor register", "Tanggal lahir",
    "Verifikasi dua langkah", "Kode pemulihan", "Sesi", "Berkas", "baris", "Akun", "Peran",
    "Peninjau", "Ya", "Tidak", "Sampah", "Belum terbit", "Semua", "Berlaku",
    "Kedaluwarsa", "Ditarik", "Formulir", "Nama", "Alamat", "Jasa", "jasa", "klien", "Sisa",
    "yang", "dan", "atau", "untuk", "dengan", "tidak", "sudah", "belum", "di", "ke", "dari",
    "ini", "Anda", "bila", "lalu", "hari", "detik", "menit", "jam"]
ADMIN_ENGLISH_UI = ENGLISH_UI + [
    "Users", "Action", "Consent", "Backup", "Upload", "Edit", "Delete", "Cancel", "Previous",
    "Required", "Enabled", "Disable", "Saved", "Kiosk screen", "Report", "Import", "Export",
    "Register number", "Date of birth", "Two-step verification", "Recovery codes", "Session",
    "File", "rows", "Account", "Role", "Viewer", "Yes", "No", "Bin", "Draft", "All",
    "the", "and", "or", "for", "with", "not", "your", "you", "from", "this", "days"]


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
        assert _leftovers(html, words, data) == [], url


def _admin_data(app):
    """Test data shown on admin pages: the public texts plus the internal record."""
    from app.models import Client, Consent, User
    texts = _data_texts(app)
    with app.app_context(), database.connection_context():
        for c in Client.select():
            texts += [c.full_name, c.register_number, c.supervising_officer, c.internal_notes]
        for c in Consent.select():
            texts += [c.officer_name, c.form_reference]
        for u in User.select():
            texts += [u.full_name, u.username]
    # Stored values in the audit log (kept as written), and what the tests below type.
    texts += ["Rudi Hartono Saputra", "Penjahit Baju Anak", "persetujuan ditarik",
              "Petunjuk", "PB-123/2025"]
    # Examples of what to type: listings are written in Indonesian, so are their examples.
    texts += ["Penjahit Pakaian, Las Pagar dan Teralis", "Wonomulyo dan sekitarnya",
              "mulai Rp25.000", "Senin–Sabtu 08.00–17.00", "Bapas Kelas II Polewali",
              "Klien terhapus #"]  # what an erased client's name becomes, as stored
    return sorted({t for t in texts if t}, key=len, reverse=True)


def _admin_urls(app, published):
    """Every admin page an admin or superadmin can GET, with real ids."""
    from app.models import Unit, User
    with app.app_context(), database.connection_context():
        viewer = User.get(User.username == "viewer").id
        unit = Unit.select().first().id
    listing, person = published.id, published.client_id
    return [
        "/admin/", "/admin/jasa", "/admin/jasa?status=draf", "/admin/jasa?status=sampah",
        "/admin/jasa?q=tidakadaapapun", "/admin/jasa/baru", f"/admin/jasa/baru?klien={person}",
        f"/admin/jasa/{listing}/ubah", "/admin/kios", "/admin/perlu-konfirmasi",
        "/admin/klien", "/admin/klien?q=tidakadaapapun", f"/admin/klien/{person}",
        f"/admin/klien/{person}/persetujuan", f"/admin/klien/{person}/tarik",
        f"/admin/klien/{person}/hapus", "/admin/impor", "/admin/laporan",
        "/admin/laporan?bulan=1999-01",
        "/admin/pengguna", "/admin/pengguna/baru", f"/admin/pengguna/{viewer}",
        f"/admin/pengguna/{viewer}/atur-ulang-sandi", "/admin/unit", "/admin/unit/baru",
        f"/admin/unit/{unit}/ubah", "/admin/cadangan", "/admin/audit",
        f"/admin/audit?entitas=listing&id={listing}",  # a listing's change history
        "/admin/audit?tindakan=tidakada", "/akun/kata-sandi", "/akun/2fa"]


def _check_page(response, language, words, data, url):
    """Assert the page is in `language`; name each leftover word with its surroundings."""
    assert response.status_code in (200, 400, 401), url
    html = response.get_data(as_text=True)
    assert f'<html lang="{language}">' in html, url
    found = _leftovers(html, words, data)
    if found:
        text = _visible_text(html)
        for value in data:
            text = text.replace(value, " ")
        where = [text[max(m.start() - 60, 0):m.end() + 60] for w in found
                 for m in [re.search(r"(?<!\w)" + re.escape(w) + r"(?!\w)", text)] if m]
        pytest.fail(f"{url}: {found}\n" + "\n".join(where))


def _busy(client, published):
    """Actions that fill the audit log, the trash, the kiosk and the backups with rows."""
    from conftest import listing_data
    with client.application.app_context(), database.connection_context():
        data = listing_data(title="Penjahit Baju Anak", version=str(published.version))
    client.post(f"/admin/jasa/{published.id}/ubah", data=data)
    client.post(f"/admin/jasa/{published.id}/kios", data={"kios": "1"})
    client.post(f"/admin/jasa/{published.id}/konfirmasi")
    client.post("/admin/cadangan")
    client.get("/admin/audit/ekspor.csv")


@pytest.mark.parametrize("language", ["en", "id"])
def test_every_admin_page_is_in_one_language(app, client, auth, make_listing, published,
                                             language):
    """Every admin GET page, with data in it, shows no interface word of the other language."""
    make_listing(title="Kue Basah", client_full_name="Siti Aminah Lestari",
                 client_register_number="PB-777/2025", consent_given_on=None, publish=False)
    trashed = make_listing(title="Las Pagar", client_full_name="Budi Santoso",
                           client_register_number="PB-778/2025")
    words = ADMIN_INDONESIAN_UI if language == "en" else ADMIN_ENGLISH_UI
    client.set_cookie("lang", language)
    auth.login()
    _busy(client, published)
    client.post(f"/admin/jasa/{trashed.id}/hapus")
    data = _admin_data(app) + ["Kue Basah", "Las Pagar", "Siti Aminah Lestari", "Budi Santoso",
                               "PB-777/2025", "PB-778/2025"]
    for url in _admin_urls(app, published):
        _check_page(client.get(url), language, words, data, url)
    for url in ["/admin/impor/templat.xlsx", "/admin/impor/templat.csv", "/admin/laporan/unduh",
                "/admin/ekspor/jasa.csv", f"/admin/klien/{published.client_id}/ekspor",
                "/admin/audit/ekspor.csv"]:
        assert client.get(url).status_code == 200, url  # downloads, in either language
    # A listing's conflict panel, a form with errors and an import preview with problems.
    from conftest import listing_data
    with app.app_context(), database.connection_context():
        stale = listing_data(title="Judul Lain", version="1")
    _check_page(client.post(f"/admin/jasa/{published.id}/ubah", data=stale), language, words,
                data + ["Judul Lain"], "conflict")
    _check_page(client.post("/admin/jasa/baru", data={"title": ""}), language, words, data,
                "empty form")
    _check_page(client.post("/admin/unit/baru", data={"name": ""}), language, words, data,
                "empty unit form")
    _check_page(client.post("/admin/kios", data={"interval": "1"}), language, words, data,
                "kiosk interval")
    _check_page(client.post(f"/admin/klien/{published.client_id}/hapus", data={}), language,
                words, data, "erase without the box")
    from spreadsheet_support import csv_bytes, upload, valid_row
    bad = upload(client, csv_bytes([valid_row(), valid_row(kategori="tidakada", telepon="x")]),
                 "jasa.csv")
    preview = client.get(bad.headers["Location"])
    # The problems per row name the file's columns and the template's sheets (Kategori,
    # Kecamatan) as they are in the file: the import format, not interface text.
    _check_page(preview, language, words, data + ["jasa.csv", "tidakada", "Wonomulyo",
                                                  "menjahit", "Pak Rudi", "Kategori",
                                                  "Kecamatan"],
                "import preview")


@pytest.mark.parametrize("language", ["en", "id"])
def test_viewer_pages_are_in_one_language(app, client, auth, published, language):
    words = ADMIN_INDONESIAN_UI if language == "en" else ADMIN_ENGLISH_UI
    client.set_cookie("lang", language)
    auth.login("viewer")
    data = _admin_data(app)
    for url in ["/admin/", "/admin/jasa", "/admin/kios", "/admin/impor", "/admin/klien",
                f"/admin/klien/{published.client_id}", "/admin/perlu-konfirmasi",
                "/akun/kata-sandi"]:
        _check_page(client.get(url), language, words, data, url)


@pytest.mark.parametrize("language", ["en", "id"])
def test_login_and_account_pages_are_in_one_language(app, client, auth, language):
    """Login, wrong password, the 2FA code step, 2FA settings and recovery codes."""
    import pyotp
    words = ADMIN_INDONESIAN_UI if language == "en" else ADMIN_ENGLISH_UI
    data = _admin_data(app)
    client.set_cookie("lang", language)
    _check_page(client.get("/masuk"), language, words, data, "/masuk")
    failed = client.post("/masuk", data={"username": "admin", "password": "salah sekali"})
    assert failed.status_code == 401
    _check_page(failed, language, words, data + ["salah sekali"], "wrong password")
    _check_page(client.get("/admin/", follow_redirects=True), language, words, data,
                "login required")
    auth.login()
    _check_page(client.post("/akun/kata-sandi", data={"current": "x", "password": "y"}),
                language, words, data, "password form errors")
    page = client.get("/akun/2fa")
    _check_page(page, language, words, data, "2FA enrolment")
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", page.text).group(1).replace(" ", "")
    totp = pyotp.TOTP(secret)
    _check_page(client.post("/akun/2fa", data={"code": "000000"}), language, words, data,
                "2FA wrong code")
    codes = client.post("/akun/2fa", data={"code": totp.now()})
    _check_page(codes, language, words, data, "recovery codes")
    _check_page(client.get("/akun/2fa"), language, words, data, "2FA on")
    _check_page(client.get("/akun/kata-sandi"), language, words, data, "password, 2FA on")
    out = client.post("/keluar", follow_redirects=True)
    _check_page(out, language, words, data, "logged out")
    client.post("/masuk", data={"username": "admin", "password": PASSWORD})
    _check_page(client.get("/masuk/kode"), language, words, data, "/masuk/kode")
    _check_page(client.post("/masuk/kode", data={"code": "000000"}), language, words, data,
                "wrong code")


@pytest.mark.parametrize("language", ["en", "id"])
def test_setup_pages_are_in_one_language(tmp_path, language):
    from app import create_app
    from app.security.accounts import new_setup_token
    fresh = create_app({"INSTANCE_PATH": str(tmp_path / "i"), "TESTING": True,
                        "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test",
                        "DATABASE_URL": "sqlite:///" + (tmp_path / "s.db").as_posix()})
    with fresh.app_context(), database.connection_context():
        token = new_setup_token()
    client = fresh.test_client()
    client.set_cookie("lang", language)
    words = ADMIN_INDONESIAN_UI if language == "en" else ADMIN_ENGLISH_UI
    cfg = fresh.config
    data = [cfg["OFFICE_NAME"], cfg["APP_TAGLINE"], cfg["PARENT_ORGANISATION"],
            cfg["OFFICE_ADDRESS"], cfg["APP_NAME"]]
    _check_page(client.get(f"/siapkan/{token}"), language, words, data, "setup")
    _check_page(client.post(f"/siapkan/{token}", data={"username": "siti", "password": "a",
                                                       "confirm": "b"}),
                language, words, data, "setup errors")
    wrong = client.get("/siapkan/tebak-tebakan")
    assert wrong.status_code == 404
    assert _leftovers(wrong.get_data(as_text=True), words, data) == []


def _flashes(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [re.sub(r"\s+", " ", tag.get_text(" ")).strip() for tag in soup.select(".flash")]


def test_flash_messages_follow_the_language(app, client, auth, published):
    """What a button says it did is in the visitor's language, user data as typed."""
    from conftest import listing_data
    client.set_cookie("lang", "en")
    auth.login()
    with app.app_context(), database.connection_context():
        data = listing_data(title="Penjahit Baju Anak", version=str(published.version))
    saved = client.post(f"/admin/jasa/{published.id}/ubah", data=data, follow_redirects=True)
    assert ("Saved and published: “Penjahit Baju Anak” is now on the public pages."
            in _flashes(saved.text))
    off = client.post(f"/admin/jasa/{published.id}/terbit", data={"terbit": "0"},
                      headers={"Referer": "/admin/jasa"}, follow_redirects=True)
    assert "“Penjahit Baju Anak” is no longer shown." in _flashes(off.text)  # issue 10.7: names it
    on = client.post(f"/admin/jasa/{published.id}/terbit", data={"terbit": "1"},
                     follow_redirects=True)
    assert "Service published." in _flashes(on.text)
    kiosk = client.post("/admin/kios", data={"interval": "20"}, follow_redirects=True)
    assert "The kiosk screen now changes every 20 seconds." in _flashes(kiosk.text)
    gone = client.post(f"/admin/jasa/{published.id}/hapus", follow_redirects=True)
    assert "“Penjahit Baju Anak” moved to the bin. It can be restored." in _flashes(gone.text)
    # The same actions in Indonesian say it in Indonesian.
    client.set_cookie("lang", "id")
    back = client.post(f"/admin/jasa/{published.id}/pulihkan", follow_redirects=True)
    assert "“Penjahit Baju Anak” dipulihkan sebagai draf." in _flashes(back.text)
    client.set_cookie("lang", "en")
    out = client.post("/keluar", follow_redirects=True)
    flashes = _flashes(out.text)
    assert flashes and not _leftovers(" ".join(flashes), ADMIN_INDONESIAN_UI, [])
    denied = client.get("/admin/jasa", follow_redirects=True)
    assert _flashes(denied.text) and not _leftovers(" ".join(_flashes(denied.text)),
                                                    ADMIN_INDONESIAN_UI, [])


def test_audit_log_is_stored_as_written_and_shown_in_the_language(app, client, auth, published):
    """The audit log keeps codes and values as stored; the page translates the labels."""
    from app.models import AuditEvent
    client.set_cookie("lang", "en")
    auth.login()
    page = client.get(f"/admin/audit?entitas=listing&id={published.id}").text
    assert "Service created" in page and "Service name" in page
    with app.app_context(), database.connection_context():
        event = AuditEvent.get(AuditEvent.action == "listing.create")
    assert "Penjahit Pakaian" in event.after and event.entity == "listing"
    csv_text = client.get("/admin/audit/ekspor.csv").get_data(as_text=True)
    assert csv_text.lstrip("\ufeff").startswith("Time (WITA);")
    assert "Service created" in csv_text


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
    from app.web.i18n import tanggal as fmt
    today = dt.date.today()
    with client.application.test_request_context(headers={"Accept-Language": "en"}):
        english = fmt(today)
    html = client.get(f"/jasa/{published.id}-penjahit-pakaian", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert english in html
    html = client.get(f"/jasa/{published.id}-penjahit-pakaian", headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert fmt(today) in html


# --- issue 10, point 6: WTForms' own messages, title, meta description, footer ---------

WTFORMS_POT = Path(__import__("wtforms").__file__).parent / "locale" / "wtforms.pot"
ID_WTFORMS_PO = TRANSLATIONS / "id" / "LC_MESSAGES" / "wtforms.po"


def _wtforms_messages() -> list[str]:
    with WTFORMS_POT.open("rb") as f:
        return [m.id[0] if isinstance(m.id, tuple) else m.id for m in read_po(f) if m.id]


def test_every_wtforms_message_has_indonesian_compiled():
    """WTForms ships no Indonesian: ours covers each of its messages (a new WTForms
    version with new messages fails here)."""
    with ID_WTFORMS_PO.open("rb") as f:
        ours = read_po(f, locale="id")
    missing = [m for m in _wtforms_messages()
               if ours.get(m) is None or not all(s.strip() for s in (
                   ours.get(m).string if isinstance(ours.get(m).string, tuple)
                   else (ours.get(m).string,)))]
    assert not missing, "add to app/translations/id/LC_MESSAGES/wtforms.po: " + repr(missing)
    assert not [f"{m.id!r}: {e}" for m in ours if m.id for e in m.check(ours)]
    compiled = Translations.load(str(TRANSLATIONS), ["id"], domain="wtforms")
    stale = [m.id for m in ours if isinstance(m.id, str) and m.id
             and compiled.gettext(m.id) != m.string]
    assert not stale, "run pybabel compile -d app/translations -D wtforms -l id"


@pytest.mark.parametrize("language, shown, hidden", [
    ("id", "Tanggal tidak valid.", "Not a valid date value."),
    ("en", "Not a valid date value.", "Tanggal tidak valid.")])
def test_built_in_form_messages_follow_the_language(app, client, auth, language, shown, hidden):
    """A five-digit year gets WTForms' own date message, in the page's language."""
    from conftest import form_payload
    client.set_cookie("lang", language)
    auth.login()
    with app.app_context(), database.connection_context():
        data = form_payload(client_supervision_end_date="20255-01-01")
    page = client.post("/admin/jasa/baru", data=data).get_data(as_text=True)
    assert shown in page and hidden not in page
    assert not [m for m in _wtforms_messages() if language == "id" and m in page]
    interval = client.post("/admin/kios", data={"interval": "sepuluh"}).get_data(as_text=True)
    assert ("Not a valid integer value." in interval) == (language == "en")


def _head_and_footer(html: str) -> dict:
    soup = BeautifulSoup(html, "html.parser")
    footer = soup.select_one("footer.foot p")
    return {"title": soup.title.get_text(" "),
            "description": soup.find("meta", attrs={"name": "description"})["content"],
            "footer": footer.get_text(" ") if footer else ""}


def test_title_description_and_footer_are_in_english(app, client, published):
    """The default tagline and parent organisation are interface text, not data: in
    English the <title>, meta description and footer say them in English."""
    client.set_cookie("lang", "en")
    for url in PUBLIC_PAGES[:5] + [f"/jasa/{published.id}-penjahit-pakaian"]:
        parts = _head_and_footer(client.get(url).get_data(as_text=True))
        for name, text in parts.items():
            assert "klien pemasyarakatan" not in text, (url, name, text)
            assert "Kementerian" not in text and "Dikelola" not in text, (url, name, text)
    home = _head_and_footer(client.get("/").get_data(as_text=True))
    tagline = "Services and work of correctional clients of Bapas Polewali"
    assert tagline in home["title"] and home["description"] == tagline
    assert home["footer"].startswith(tagline + ". Run by ")
    assert "Ministry of Immigration and Corrections of the Republic of Indonesia" in home["footer"]
    client.set_cookie("lang", "id")
    home = _head_and_footer(client.get("/").get_data(as_text=True))
    assert home["description"] == app.config["APP_TAGLINE"]
    assert "Kementerian Imigrasi dan Pemasyarakatan Republik Indonesia" in home["footer"]


def test_an_offices_own_tagline_has_its_own_english(tmp_path):
    from app import create_app
    site = create_app({"INSTANCE_PATH": str(tmp_path / "i"), "TESTING": True,
                       "SECRET_KEY": "test",
                       "DATABASE_URL": "sqlite:///" + (tmp_path / "s.db").as_posix(),
                       "APP_TAGLINE": "Karya warga binaan Polewali",
                       "APP_TAGLINE_EN": "Work by people under supervision in Polewali"})
    client = site.test_client()
    assert "Karya warga binaan Polewali" in client.get("/").text
    client.set_cookie("lang", "en")
    english = _head_and_footer(client.get("/").get_data(as_text=True))
    assert english["description"] == "Work by people under supervision in Polewali"
    assert english["footer"].startswith("Work by people under supervision in Polewali.")
