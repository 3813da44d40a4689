"""Directions to a business with a fixed place (issue 13.3): the entry screen's location
field, the consent scope "lokasi usaha", the *Petunjuk arah* button, open data, JSON-LD,
import/export and the audit log. Coordinates are never public without the scope."""
import json
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from conftest import form_payload
from spreadsheet_support import problems, read_xlsx, upload, valid_row, xlsx_bytes

from app.db import database
from app.models import AuditEvent, Client, Consent, Listing, User
from app.office.spreadsheets import cell_text
from app.operations.migrate import migrate_database, runner
from app.records import consent as consents

LINK = "https://www.google.com/maps/place/Pangkas+Rambut/@-3.41234,119.34567,17z"
# What must never appear on a public page without the scope, in any of its spellings.
TRACES = ("3.41234", "119.34567", "geo:", "openstreetmap.org/?mlat", "GeoCoordinates",
          "latitude", "longitude", "Petunjuk arah")


@pytest.fixture
def admin(client, auth):
    auth.login()
    return client


def page(client, listing):
    return client.get(f"/jasa/{listing.id}-{listing.slug}")


def stored(app, listing_id):
    with app.app_context(), database.connection_context():
        return Listing.get_by_id(listing_id)


def as_admin(app, action):
    with app.test_request_context(), database.connection_context():
        return action(User.get(User.username == "admin"))


def public_texts(client, listing) -> dict:
    """Every public view of the listing: pages, kiosk, sitemap, API, feeds, share card."""
    paths = ["/", f"/jasa/{listing.id}-{listing.slug}", f"/kategori/{listing.category.slug}",
             "/kiosk", "/kiosk/panel", "/sitemap.xml", f"/jasa/{listing.id}/selebaran",
             "/api/v1/services", f"/api/v1/services/{listing.id}", "/api/v1/services.csv",
             f"/jasa/{listing.id}/kartu.png", "/sematkan", "/?q=penjahit"]
    return {path: client.get(path).get_data(as_text=False).decode("utf-8", "replace")
            for path in paths}


def api_service(client, listing):
    response = client.get(f"/api/v1/services/{listing.id}")
    return response.get_json() if response.status_code == 200 else None


def jsonld(client, listing):
    soup = BeautifulSoup(page(client, listing).text, "html.parser")
    block = soup.select_one('script[type="application/ld+json"]')
    return json.loads(block.string) if block else None


# The entry screen

def test_the_entry_screen_reads_a_map_link_and_shows_the_coordinates_back(admin, app):
    response = admin.post("/admin/jasa/baru", data=form_payload(
        location=LINK, consent_scope_location=True))
    assert response.status_code == 303, response.text[:500]
    listing = Listing.select().order_by(Listing.id.desc()).first()
    saved = stored(app, listing.id)
    assert (saved.latitude, saved.longitude) == (Decimal("-3.41234"), Decimal("119.34567"))
    edit = BeautifulSoup(admin.get(f"/admin/jasa/{listing.id}/ubah").text, "html.parser")
    assert edit.select_one("#location")["value"] == "-3.41234, 119.34567"
    assert edit.select_one("#consent_scope_location").has_attr("checked")


def test_the_location_is_optional_and_can_be_removed(admin, app, make_listing):
    assert stored(app, make_listing().id).latitude is None
    listing = make_listing(location="-3.41234, 119.34567", title="Bengkel Las")
    saved = stored(app, listing.id)
    response = admin.post(f"/admin/jasa/{listing.id}/ubah", data=form_payload(
        title="Bengkel Las", location="", version=str(saved.version)))
    assert response.status_code == 303, response.text[:500]
    assert stored(app, listing.id).latitude is None


@pytest.mark.parametrize("text, message", [
    ("https://maps.app.goo.gl/AbCdEf12345", "Tautan pendek Google Maps"),
    ("-6.2000, 106.8166", "di luar Sulawesi Barat"),
    ("<script>alert(1)</script>", "Lokasi tidak dikenali"),
    ("'; DROP TABLE listing;--", "Lokasi tidak dikenali"),
    ("nan, nan", "Lokasi tidak dikenali"),
    ("\u202e-3.4, 119.3", "Lokasi tidak dikenali"),
    ("1" * 2000, "Terlalu panjang"),
])
def test_bad_input_gets_a_clear_message_and_saves_nothing(admin, app, text, message):
    before = Listing.select().count()
    response = admin.post("/admin/jasa/baru", data=form_payload(location=text))
    assert response.status_code == 200
    assert message in response.text and "<script>alert(1)</script>" not in response.text
    assert Listing.select().count() == before


def test_bad_input_on_an_edit_keeps_the_stored_place(admin, app, make_listing):
    listing = make_listing(location="-3.41234, 119.34567")
    saved = stored(app, listing.id)
    response = admin.post(f"/admin/jasa/{listing.id}/ubah", data=form_payload(
        location="https://maps.app.goo.gl/x", title="Diganti", version=str(saved.version)))
    assert response.status_code == 200 and "Tautan pendek" in response.text
    again = stored(app, listing.id)
    assert (again.latitude, again.title, again.version) == (saved.latitude, saved.title,
                                                            saved.version)


def test_the_save_path_refuses_what_the_form_would(app, make_listing):
    from app.records.listings import FieldError
    with pytest.raises(FieldError) as refused:
        make_listing(location="-6.2, 106.8")
    assert refused.value.field == "location" and "Sulawesi Barat" in refused.value.message


def test_the_change_is_in_the_audit_log(admin, app, make_listing):
    listing = make_listing()
    saved = stored(app, listing.id)
    admin.post(f"/admin/jasa/{listing.id}/ubah", data=form_payload(
        location="-3.41234, 119.34567", version=str(saved.version)))
    event = (AuditEvent.select().where(AuditEvent.action == "listing.update",
                                       AuditEvent.entity_id == listing.id).get())
    before, after = json.loads(event.before), json.loads(event.after)
    assert (before["latitude"], after["latitude"]) == (None, "-3.41234")
    assert after["longitude"] == "119.34567"
    log = admin.get("/admin/audit").text
    assert "Lintang (lokasi usaha)" in log and "-3.41234" in log


# Consent: the scope "lokasi usaha"

def test_a_consent_without_the_scope_shows_no_place_anywhere(client, make_listing):
    listing = make_listing(location=LINK)  # consent_scope_location not ticked
    for path, text in public_texts(client, listing).items():
        for trace in TRACES:
            assert trace not in text, (path, trace)


def test_with_the_scope_the_detail_page_has_directions_and_no_map(client, make_listing):
    listing = make_listing(location=LINK, consent_scope_location=True)
    soup = BeautifulSoup(page(client, listing).text, "html.parser")
    button = soup.find("a", string="Petunjuk arah")
    assert button["href"] == "geo:-3.41234,119.34567?q=-3.41234,119.34567(Pak%20Rudi)"
    fallback = soup.find("a", string="Buka di peta")
    assert fallback["href"] == ("https://www.openstreetmap.org/?mlat=-3.41234&mlon=119.34567"
                                "#map=17/-3.41234/119.34567")
    assert not soup.select("iframe, img[src*='tile'], script[src*='leaflet']")
    assert all("openstreetmap" not in (s.get("src") or "") for s in soup.select("script, img"))


def test_the_pin_label_follows_the_name_scope(client, make_listing):
    listing = make_listing(location=LINK, consent_scope_location=True, consent_scope_name=False)
    soup = BeautifulSoup(page(client, listing).text, "html.parser")
    assert soup.find("a", string="Petunjuk arah")["href"].endswith("(Penjahit%20Pakaian)")


def test_a_consent_recorded_before_the_scope_existed_does_not_cover_it(app, client, make_listing):
    listing = make_listing(location=LINK)
    with app.app_context(), database.connection_context():
        consent = Consent.get(Consent.client == listing.client_id)
        assert consent.scope_location is False
    assert "Petunjuk arah" not in page(client, listing).text


def test_a_new_consent_version_with_the_box_ticked_covers_it(admin, app, client, make_listing):
    listing = make_listing(location=LINK)
    form = BeautifulSoup(admin.get(f"/admin/klien/{listing.client_id}/persetujuan").text,
                         "html.parser")
    box = form.select_one("#scope_location")
    assert box is not None and not box.has_attr("checked")
    data = {i["name"]: i.get("value", "y") for i in form.select("form input")
            if i.get("name") and (i.get("type") != "checkbox" or i.has_attr("checked"))}
    data.update(method="formulir", scope_location="y")
    response = admin.post(f"/admin/klien/{listing.client_id}/persetujuan", data=data)
    assert response.status_code == 303, response.text[:1000]
    with app.app_context(), database.connection_context():
        newest = consents.latest_consent(Client.get_by_id(listing.client_id))
        assert newest.scope_location is True
    assert "Petunjuk arah" in page(client, listing).text


def test_withdrawal_removes_the_place_on_the_next_request(app, client, make_listing):
    listing = make_listing(location=LINK, consent_scope_location=True)
    assert "Petunjuk arah" in page(client, listing).text
    assert api_service(client, listing)["service_at_locations"]
    as_admin(app, lambda user: consents.withdraw(Client.get_by_id(listing.client_id), user))
    for path, text in public_texts(client, listing).items():
        for trace in TRACES:
            assert trace not in text, (path, trace)


def test_taking_the_scope_away_hides_the_place(admin, app, client, make_listing):
    listing = make_listing(location=LINK, consent_scope_location=True)
    saved = stored(app, listing.id)
    admin.post(f"/admin/jasa/{listing.id}/ubah", data=form_payload(
        location=LINK, consent_scope_location=False, version=str(saved.version)))
    assert stored(app, listing.id).latitude is not None  # kept for when consent returns
    for path, text in public_texts(client, listing).items():
        for trace in TRACES:
            assert trace not in text, (path, trace)


def test_kiosk_sitemap_and_share_card_never_carry_the_place(client, make_listing):
    listing = make_listing(location=LINK, consent_scope_location=True)
    texts = public_texts(client, listing)
    for path in ("/kiosk", "/kiosk/panel", "/sitemap.xml", f"/jasa/{listing.id}/kartu.png",
                 f"/jasa/{listing.id}/selebaran", "/", "/?q=penjahit"):
        for trace in ("3.41234", "119.34567", "geo:"):
            assert trace not in texts[path], (path, trace)
    detail = BeautifulSoup(texts[f"/jasa/{listing.id}-{listing.slug}"], "html.parser")
    preview = " ".join(m.get("content", "") for m in detail.select("meta"))
    assert "3.41234" not in preview and "119.34567" not in preview


# Open data and JSON-LD: with the scope AND the search-engine channel

def test_api_and_jsonld_carry_the_place_with_scope_and_search_channel(client, make_listing):
    listing = make_listing(location=LINK, consent_scope_location=True)
    located = api_service(client, listing)["service_at_locations"]
    assert located == [{"id": f"{listing.id}-di-lokasi", "service_id": str(listing.id),
                        "location": {"id": f"{listing.id}-lokasi", "location_type": "physical",
                                     "name": "Pak Rudi", "latitude": -3.41234,
                                     "longitude": 119.34567}}]
    assert jsonld(client, listing)["provider"]["geo"] == {
        "@type": "GeoCoordinates", "latitude": -3.41234, "longitude": 119.34567}


def test_without_the_search_channel_neither_api_nor_jsonld(client, make_listing):
    listing = make_listing(location=LINK, consent_scope_location=True,
                           consent_channel_search=False)
    assert "Petunjuk arah" in page(client, listing).text  # the website may show it
    assert api_service(client, listing) is None and jsonld(client, listing) is None
    assert "3.41234" not in client.get("/api/v1/services").text


def test_without_the_scope_the_api_has_no_location(client, make_listing):
    listing = make_listing(location=LINK)
    assert api_service(client, listing)["service_at_locations"] == []
    assert "geo" not in jsonld(client, listing)["provider"]


def test_the_openapi_document_describes_the_location(client):
    service = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["Service"]
    location = service["properties"]["service_at_locations"]["items"]["properties"]["location"]
    assert location["properties"]["latitude"]["type"] == "number"


# Import and export

def test_the_lokasi_column_imports_and_exports(admin, app):
    content = xlsx_bytes([valid_row(lokasi=LINK, izin_lokasi="ya")])
    response = upload(admin, content, "lokasi.xlsx")
    assert response.status_code == 303, problems(response.text)
    assert admin.post(response.location).status_code == 303
    listing = Listing.select().order_by(Listing.id.desc()).first()
    saved = stored(app, listing.id)
    assert (saved.latitude, saved.longitude) == (Decimal("-3.41234"), Decimal("119.34567"))
    with app.app_context(), database.connection_context():
        assert Consent.get(Consent.client == saved.client_id).scope_location is True
    rows = read_xlsx(admin.get("/admin/ekspor/jasa.xlsx").data)
    header = rows[0]
    # written as text a spreadsheet will not run; read back as written
    assert cell_text(rows[1][header.index("lokasi")]) == "-3.41234, 119.34567"
    assert rows[1][header.index("izin_lokasi")] == "ya"


def test_a_bad_lokasi_cell_is_a_row_problem(admin):
    before = Listing.select().count()
    response = upload(admin, xlsx_bytes([valid_row(lokasi="https://maps.app.goo.gl/x")]),
                      "lokasi.xlsx")
    preview = admin.get(response.location).text if response.status_code == 303 else response.text
    found = problems(preview)
    assert [(row, column) for row, column, _ in found] == [(2, "lokasi")]
    assert "Tautan pendek" in found[0][2]
    assert Listing.select().count() == before


def test_an_empty_lokasi_leaves_consent_without_the_scope(admin, app):
    response = upload(admin, xlsx_bytes([valid_row()]), "tanpa-lokasi.xlsx")
    admin.post(response.location)
    listing = Listing.select().order_by(Listing.id.desc()).first()
    assert stored(app, listing.id).latitude is None
    with app.app_context(), database.connection_context():
        assert Consent.get(Consent.client == listing.client_id).scope_location is False


# The migration

def test_migration_0014_leaves_existing_consents_without_the_scope(app, make_listing):
    listing = make_listing()
    with app.app_context(), database.connection_context():
        undone = runner().down("0014_listing_location")
        assert "0014_listing_location" in undone
        assert migrate_database() == undone[::-1]
        assert Consent.get(Consent.client == listing.client_id).scope_location is False
        assert Listing.get_by_id(listing.id).latitude is None


def test_restoring_an_old_version_brings_its_place_back(admin, app, make_listing):
    from app.records import history
    listing = make_listing(location=LINK)
    saved = stored(app, listing.id)
    admin.post(f"/admin/jasa/{listing.id}/ubah", data=form_payload(
        location="-2.6786, 118.8867", version=str(saved.version)))
    assert stored(app, listing.id).latitude == Decimal("-2.6786")
    with app.app_context(), database.connection_context():
        first = history.versions(Listing.get_by_id(listing.id))[0].event.id
    response = admin.post(f"/admin/jasa/{listing.id}/riwayat/{first}/pulihkan",
                          data={"version": str(stored(app, listing.id).version)})
    assert response.status_code == 303
    restored = stored(app, listing.id)
    assert (restored.latitude, restored.longitude) == (Decimal("-3.41234"), Decimal("119.34567"))
