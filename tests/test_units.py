"""Many offices in one deployment: unit isolation in admin, per-unit public pages, unit admin."""
import io
import re
import zipfile
from types import SimpleNamespace

import pytest
from conftest import PASSWORD, jpeg_bytes, listing_data

from app.db import database
from app.models import AuditEvent, Category, Client, Consent, Listing, Unit, User
from app.records import listings as domain
from app.security.accounts import create_user

# What only unit A may know: if any of it shows up for unit B's admin, isolation failed.
A_SECRETS = ("Penjahit Unit Polewali", "Rudi Hartono Saputra", "PB-A-001/2025",
             "RAHASIA-A-CATATAN")
B_TITLE = "Bengkel Las Mamuju"


@pytest.fixture
def offices(app, make_listing):
    """Two units, each with a published listing; unit B has its own admin."""
    a = make_listing(title="Penjahit Unit Polewali", photo=jpeg_bytes(),
                     client_full_name="Rudi Hartono Saputra",
                     client_register_number="PB-A-001/2025",
                     client_internal_notes="RAHASIA-A-CATATAN")
    with app.test_request_context(), database.connection_context():
        unit_b = Unit.create(name="Bapas Kelas II Mamuju", slug="bapas-mamuju",
                             address="Jl. Ahmad Yani No. 1, Mamuju", phone="(0426) 210000",
                             email="bapas.mamuju@example.go.id", kabupaten_served="Mamuju")
        user_b = create_user(unit_b, "petugas.mamuju", PASSWORD, "admin", "Petugas Mamuju")
        b = domain.save_listing(None, None, listing_data(
            title=B_TITLE, category_id=Category.get(Category.slug == "las").id,
            description="Las pagar dan teralis.", client_full_name="Budi Santoso Wibowo",
            client_register_number="PB-B-002/2025", client_internal_notes="catatan B",
            display_name="Pak Budi", contact_name="Pak Budi"), user_b)
        unit_a = Unit.get_by_id(a.unit_id)
        superadmin = User.get(User.username == "admin")
    return SimpleNamespace(a=a, b=b, unit_a=unit_a, unit_b=unit_b, user_b=user_b,
                           superadmin=superadmin)


def login(client, username):
    response = client.post("/masuk", data={"username": username, "password": PASSWORD})
    assert response.status_code in (302, 303), response.status_code
    assert client.get("/admin/").status_code == 200


def snapshot(listing_id):
    with database.connection_context():
        listing = Listing.get_by_id(listing_id)
        client = listing.client
        return (listing.title, listing.is_published, listing.deleted_at, listing.featured,
                listing.version, listing.photo, client.full_name, client.version,
                client.deleted_at, Consent.select().where(Consent.client == client).count(),
                [(c.id, c.withdrawn_at) for c in client.consents])


def tampered_urls(app, objects):
    """Every admin URL that takes an id, filled with unit A's objects."""
    argument_values = {"listing_id": objects.a.id, "client_id": objects.a.client_id,
                       "unit_id": objects.unit_a.id, "user_id": objects.superadmin.id}
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin.") or not rule.arguments:
            continue
        if rule.arguments <= set(argument_values):
            values = {name: argument_values[name] for name in rule.arguments}
            with app.test_request_context():
                from flask import url_for
                url = url_for(rule.endpoint, **values)
            for method in sorted(rule.methods & {"GET", "POST"}):
                found.append((method, url))
    return found


def test_admin_of_another_unit_gets_nothing_by_url_tampering(app, client, offices):
    before = snapshot(offices.a.id)
    login(client, "petugas.mamuju")
    urls = tampered_urls(app, offices)
    assert len(urls) >= 10  # edit, publish, delete, restore, client pages, units, users...
    photo = f"/admin/foto/{offices.a.photo_thumb}"
    refused = []
    unit_a = offices.unit_a.id
    for method, url in urls + [("GET", photo),
                               ("GET", f"/admin/jasa/baru?klien={offices.a.client_id}"),
                               ("POST", f"/admin/jasa/baru?klien={offices.a.client_id}"),
                               ("GET", f"/admin/laporan?unit={unit_a}"),
                               ("GET", f"/admin/laporan/unduh?unit={unit_a}")]:
        response = client.open(url, method=method, data={"terbit": "1", "kios": "1"})
        if response.status_code not in (403, 404):
            refused.append(f"{method} {url}: {response.status_code}")
        assert client.get("/admin/").status_code == 200  # still signed in as B
    assert not refused, "unit B's admin reached unit A's objects:\n" + "\n".join(refused)
    assert snapshot(offices.a.id) == before


def _texts(response) -> str:
    """The readable text of a page, CSV or spreadsheet (every part of an xlsx file)."""
    body = response.get_data()
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return body.decode("utf-8", "replace")


def admin_pages(app):
    """Every admin GET page that takes no id, plus searches for unit A's words and exports."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin.") and not rule.arguments and "GET" in rule.methods:
            urls.append(rule.rule)
            urls += [f"{rule.rule}?q=Rudi", f"{rule.rule}?q=Penjahit", f"{rule.rule}?status=sampah"]
    kinds = getattr(__import__("app.office.exporting", fromlist=["SHEET_TITLES"]), "SHEET_TITLES", {})
    urls += [f"/admin/ekspor/{kind}.{fmt}" for kind in kinds for fmt in ("csv", "xlsx")]
    return urls


def test_admin_of_another_unit_sees_and_exports_only_its_own(app, client, offices):
    login(client, "petugas.mamuju")
    leaks, shown = [], 0
    for url in admin_pages(app):
        response = client.get(url)
        assert response.status_code < 500, url
        text = _texts(response)
        leaks += [f"{url}: {secret}" for secret in A_SECRETS if secret in text]
        shown += B_TITLE in text
    assert not leaks, "unit A's data shown to unit B's admin:\n" + "\n".join(leaks)
    assert shown >= 3  # B's own listing is there: the pages were not simply empty
    exports = [u for u in admin_pages(app) if "/ekspor/" in u and u.endswith(".csv")]
    for url in exports:
        assert client.get(url).status_code in (200, 403)


def test_superadmin_sees_every_unit(client, offices):
    login(client, "admin")
    page = client.get("/admin/jasa").text
    assert "Penjahit Unit Polewali" in page and B_TITLE in page
    assert client.get(f"/admin/jasa/{offices.b.id}/ubah").status_code == 200


# --- public pages of one office --------------------------------------------------

def test_unit_home_shows_only_its_listings_and_its_contact(client, offices):
    page = client.get("/u/bapas-mamuju/").text
    assert B_TITLE in page and "Penjahit Unit Polewali" not in page
    assert "Bapas Kelas II Mamuju" in page and "Jl. Ahmad Yani No. 1, Mamuju" in page
    assert "(0426) 210000" in page and "bapas.mamuju@example.go.id" in page
    assert re.search(r'<form class="search" action="/u/bapas-mamuju/"', page)
    assert 'name="unit"' not in page  # the unit is in the address, not a filter
    other = client.get("/u/bapas-polewali/").text
    assert "Penjahit Unit Polewali" in other and B_TITLE not in other
    assert client.get("/u/tidak-ada/").status_code == 404


def test_unit_home_search_and_fragment_stay_in_the_unit(client, offices):
    assert B_TITLE in client.get("/u/bapas-mamuju/?q=las").text
    assert "Penjahit Unit Polewali" not in client.get("/u/bapas-mamuju/?q=jahit").text
    fragment = client.get("/u/bapas-mamuju/?q=", headers={"HX-Request": "true"}).text
    assert "<html" not in fragment and B_TITLE in fragment
    assert "Penjahit Unit Polewali" not in fragment


def test_unit_kiosk_rotates_only_its_listings(client, offices):
    page = client.get("/u/bapas-mamuju/kiosk").text
    assert B_TITLE in page and "Penjahit Unit Polewali" not in page
    assert "Bapas Kelas II Mamuju" in page
    assert "/u/bapas-mamuju/kiosk/panel?" in page  # the next slide comes from this unit too
    panel = client.get("/u/bapas-mamuju/kiosk/panel?i=1").text
    assert B_TITLE in panel and "Penjahit Unit Polewali" not in panel
    default = client.get("/kiosk").text  # the default unit's kiosk, as before
    assert "Penjahit Unit Polewali" in default and B_TITLE not in default
    assert client.get("/u/tidak-ada/kiosk").status_code == 404


def test_national_directory_filters_by_unit(client, offices):
    page = client.get("/").text
    assert "Penjahit Unit Polewali" in page and B_TITLE in page
    assert '<select name="unit"' in page and "Bapas Kelas II Mamuju" in page
    only_b = client.get("/?unit=bapas-mamuju").text
    assert B_TITLE in only_b and "Penjahit Unit Polewali" not in only_b
    assert 'value="bapas-mamuju" selected' in only_b
    only_a = client.get("/?unit=bapas-polewali&q=jahit", headers={"HX-Request": "true"}).text
    assert "Penjahit Unit Polewali" in only_a and B_TITLE not in only_a


def test_unit_select_hidden_with_one_unit(client, make_listing):
    make_listing()
    assert 'name="unit"' not in client.get("/").text


# --- superadmin: managing units --------------------------------------------------

def unit_form(**overrides):
    data = {"name": "Bapas Kelas II Majene", "slug": "bapas-majene",
            "address": "Jl. Poros Majene", "phone": "0422 21000", "email": "",
            "kabupaten_served": ["Majene"], "kiosk_interval": "20", "version": ""}
    data.update(overrides)
    return data


def count_units():
    with database.connection_context():
        return Unit.select().count()


def test_superadmin_creates_and_lists_a_unit(app, client, auth):
    auth.login()
    response = client.post("/admin/unit/baru", data=unit_form())
    assert response.status_code == 303
    with database.connection_context():
        unit = Unit.get(Unit.slug == "bapas-majene")
        assert unit.kabupaten_list == ["Majene"] and unit.kiosk_interval == 20
        assert AuditEvent.get(AuditEvent.action == "unit.create").entity_id == unit.id
    page = client.get("/admin/unit").text
    assert "Bapas Kelas II Majene" in page and "/u/bapas-majene/" in page
    assert "Bapas Kelas II Majene" in client.get("/u/bapas-majene/").text


@pytest.mark.parametrize("field, value, message", [
    ("slug", "Bapas Majene!", "huruf kecil"),
    ("slug", "bapas-polewali", "sudah dipakai"),
    ("name", "", "Isi nama unit"),
    ("email", "bukan-email", "Email"),
    ("kiosk_interval", "2", "Antara 5 dan 120"),
    ("kabupaten_served", ["Atlantis"], "Kabupaten tidak dikenal"),
])
def test_bad_unit_input_gets_a_message_and_changes_nothing(client, auth, field, value, message):
    auth.login()
    before = count_units()
    response = client.post("/admin/unit/baru", data=unit_form(**{field: value}))
    assert response.status_code == 200
    assert message.lower() in response.text.lower()
    assert count_units() == before


def test_unit_edit_with_logo_and_conflict(app, client, auth, offices):
    auth.login()
    url = f"/admin/unit/{offices.unit_b.id}/ubah"
    assert "Bapas Kelas II Mamuju" in client.get(url).text
    data = unit_form(name="Bapas Kelas II Mamuju", slug="bapas-mamuju",
                     kabupaten_served=[], version="1")
    data["logo"] = (io.BytesIO(jpeg_bytes((300, 150))), "logo.png")
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    logo = client.get("/u/bapas-mamuju/logo.jpg")
    assert logo.status_code == 200 and logo.mimetype == "image/jpeg"
    home = client.get("/u/bapas-mamuju/").text
    assert re.search(r'<img class="unit-logo" src="/u/bapas-mamuju/logo.jpg\?v=2"[^>]*'
                     r'width="112" height="56"', home)
    # Another superadmin's form, opened before that save, must not overwrite it.
    stale = client.post(url, data=unit_form(name="Nama Lama", slug="bapas-mamuju", version="1"))
    assert stale.status_code == 200 and "baru saja diubah" in stale.text
    with database.connection_context():
        unit = Unit.get_by_id(offices.unit_b.id)
        assert unit.name == "Bapas Kelas II Mamuju" and unit.version == 2 and unit.logo_thumb
    removed = client.post(url, data=unit_form(name="Bapas Kelas II Mamuju", slug="bapas-mamuju",
                                              version="2", remove_logo="y"))
    assert removed.status_code == 303
    assert client.get("/u/bapas-mamuju/logo.jpg").status_code == 404


def test_unit_admin_is_for_superadmins_only(client, offices):
    login(client, "petugas.mamuju")
    assert client.get("/admin/unit").status_code == 403
    assert client.post("/admin/unit/baru", data=unit_form()).status_code == 403
    edit = f"/admin/unit/{offices.unit_b.id}/ubah"
    assert client.get(edit).status_code == 403
    assert client.post(edit, data=unit_form(version="1")).status_code == 403
    assert count_units() == 2
    assert 'href="/admin/unit"' not in client.get("/admin/").text


def test_admin_works_in_its_own_unit(client, offices):
    """A listing made by unit B's admin belongs to unit B, with its client."""
    with database.connection_context():
        listing = Listing.get_by_id(offices.b.id)
        assert listing.unit_id == offices.unit_b.id
        assert Client.get_by_id(listing.client_id).unit_id == offices.unit_b.id


def test_kiosk_settings_link_to_the_units_own_screen(client, offices):
    login(client, "petugas.mamuju")
    page = client.get("/admin/kios").text
    assert 'href="/u/bapas-mamuju/kiosk"' in page
    assert B_TITLE in page and "Penjahit Unit Polewali" not in page


# --- each office's own name, contact and logo on its public pages ---------------------

B_SECRETS = ("Budi Santoso Wibowo", "PB-B-002/2025", "catatan B")
MAMUJU = ("Bapas Kelas II Mamuju", "Jl. Ahmad Yani No. 1, Mamuju", "(0426) 210000")


def _give_logo(unit_id):
    with database.connection_context():
        Unit.update(logo="logo.jpg", logo_thumb="logo-thumb.jpg", logo_width=200,
                    logo_height=100).where(Unit.id == unit_id).execute()


def test_unit_kiosk_footer_points_to_the_units_home_with_its_contact(app, client, offices):
    from app.directory.sharing import qr_svg
    page = client.get("/u/bapas-mamuju/kiosk").text
    footer = page[page.index('<footer class="k-foot">'):]
    assert str(qr_svg("http://localhost/u/bapas-mamuju/", 3)) in footer
    assert str(qr_svg("http://localhost/", 3)) not in footer
    assert "localhost/u/bapas-mamuju</b>" in footer
    assert MAMUJU[1] in footer and MAMUJU[2] in footer
    assert app.config["OFFICE_ADDRESS"] not in page
    # The default unit's screen at /kiosk still points to the whole directory.
    default = client.get("/kiosk").text
    assert str(qr_svg("http://localhost/", 3)) in default[default.index('<footer'):]
    for secret in B_SECRETS:
        assert secret not in page


def test_unit_kiosk_and_home_show_the_units_logo(client, offices):
    logo = re.compile(r'<img class="k-logo" src="/u/bapas-mamuju/logo.jpg\?v=1" '
                      r'alt="Logo Bapas Kelas II Mamuju" width="112" height="56">')
    assert not logo.search(client.get("/u/bapas-mamuju/kiosk").text)
    assert 'class="unit-logo"' not in client.get("/u/bapas-mamuju/").text
    _give_logo(offices.unit_b.id)
    assert logo.search(client.get("/u/bapas-mamuju/kiosk").text)
    assert re.search(r'<img class="unit-logo" src="/u/bapas-mamuju/logo.jpg\?v=1" '
                     r'alt="Logo Bapas Kelas II Mamuju" width="112" height="56">',
                     client.get("/u/bapas-mamuju/").text)
    assert "k-logo" not in client.get("/kiosk").text  # the default unit has no logo


def _footer(page: str) -> str:
    return page[page.index('<footer class="foot">'):]


def test_listing_page_names_the_listings_own_office(app, client, offices):
    page = client.get(f"/jasa/{offices.b.id}-{offices.b.slug}").text
    footer = _footer(page)
    for shown in MAMUJU:
        assert shown in footer, shown
    assert app.config["OFFICE_NAME"] not in page
    assert app.config["OFFICE_ADDRESS"] not in page
    assert app.config["APP_TAGLINE"] not in footer  # it names the deployment's office
    assert "Jasa dan karya klien pemasyarakatan Bapas Kelas II Mamuju." in footer
    for secret in B_SECRETS:
        assert secret not in page
    # A listing of the deployment's own office keeps the office settings.
    other = _footer(client.get(f"/jasa/{offices.a.id}-{offices.a.slug}").text)
    assert app.config["OFFICE_NAME"] in other and app.config["OFFICE_ADDRESS"] in other
    assert MAMUJU[1] not in other
    assert app.config["APP_TAGLINE"] in other


def test_office_of_a_unit_without_contact_is_never_another_offices(app, db, offices):
    from app.public.units import office_context
    bare = Unit.create(name="Bapas Kelas II Majene", slug="bapas-majene")
    assert office_context(bare) == {
        "office_name": "Bapas Kelas II Majene", "office_address": "", "office_phone": "",
        "app_tagline": "Jasa dan karya klien pemasyarakatan Bapas Kelas II Majene"}
    same = Unit(name=app.config["OFFICE_NAME"], slug="x")  # the office of the settings
    assert office_context(same) == {}
    assert office_context(None) == {}
    assert office_context(offices.unit_b) == dict(zip(
        ("office_name", "office_address", "office_phone"), MAMUJU),
        app_tagline="Jasa dan karya klien pemasyarakatan Bapas Kelas II Mamuju")


def test_flyers_and_share_card_name_the_listings_own_office(app, client, offices, monkeypatch):
    flyer = client.get(f"/jasa/{offices.b.id}/selebaran").text
    for shown in MAMUJU:
        assert shown in flyer, shown
    assert app.config["OFFICE_NAME"] not in flyer and app.config["OFFICE_ADDRESS"] not in flyer
    for secret in B_SECRETS:
        assert secret not in flyer
    with database.connection_context():
        Listing.update(phone="").where(Listing.id.in_([offices.a.id, offices.b.id])).execute()
    flyer = client.get(f"/jasa/{offices.b.id}/selebaran").text
    assert re.search(r'class="office-call">Bapas Kelas II Mamuju<br>\S+ \(0426\) 210000', flyer)
    sheet = client.get("/kategori/las/selebaran").text
    assert "Pesan lewat Bapas Kelas II Mamuju, telp. (0426) 210000" in sheet
    sheet = client.get("/kategori/menjahit/selebaran").text  # unit A: the office settings
    assert f"Pesan lewat {app.config['OFFICE_NAME']}" in sheet and "Mamuju" not in sheet
    named = []
    monkeypatch.setattr("app.public.sharing.share_card_png",
                        lambda listing, app_name, office: named.append(office) or b"png")
    assert client.get(f"/jasa/{offices.b.id}/kartu.png").status_code == 200
    assert named == ["Bapas Kelas II Mamuju"]


def test_sitemap_lists_the_home_of_each_unit_with_public_listings(app, client, offices,
                                                                  make_listing):
    with app.test_request_context(), database.connection_context():
        empty = Unit.create(name="Bapas Kelas II Majene", slug="bapas-majene")
        user = create_user(empty, "petugas.majene", PASSWORD, "admin", "Petugas Majene")
        domain.save_listing(None, None, listing_data(
            title="Draf Majene", client_register_number="PB-C-003/2025", publish=False), user)
    text = client.get("/sitemap.xml").text
    locs = re.findall(r"<loc>([^<]+)</loc>", text)
    assert "http://localhost/u/bapas-mamuju/" in locs
    assert "http://localhost/u/bapas-polewali/" in locs
    assert "http://localhost/u/bapas-majene/" not in locs  # only a draft
    assert locs[0] == "http://localhost/"
    with app.test_request_context(), database.connection_context():
        domain.set_published(Listing.get_by_id(offices.b.id), False, offices.superadmin)
    locs = re.findall(r"<loc>([^<]+)</loc>", client.get("/sitemap.xml").text)
    assert "http://localhost/u/bapas-mamuju/" not in locs
    assert "http://localhost/u/bapas-polewali/" in locs
