"""Issue 4: consent versions, scope item by item, channel by channel, family contacts."""
import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from conftest import jpeg_bytes, listing_data
from peewee import SqliteDatabase
from playhouse.migrations import Runner

from app.config import MIGRATIONS_DIR
from app.db import database
from app.directory.publishing import PublishError
from app.models import AuditEvent, Client, Consent, Listing, User
from app.records import consent as consents
from app.records import listings as domain

TITLE = "Penjahit Pakaian"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def detail(listing):
    return f"/jasa/{listing.id}-{listing.slug}"


def sitemap_paths(client):
    root = ET.fromstring(client.get("/sitemap.xml").data)
    return [loc.text.removeprefix("http://localhost") for loc in root.iter(SITEMAP_NS + "loc")]


def meta(soup, key):
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


def save(app, listing, **overrides):
    """Save the listing again through the domain, as the entry screen would."""
    with app.test_request_context(), database.connection_context():
        fresh = Listing.get_by_id(listing.id)
        data = listing_data(version=str(fresh.version), **overrides)
        return domain.save_listing(fresh, None, data, User.get(User.username == "admin"))


# --- channels ---------------------------------------------------------------------------

def test_existing_consents_have_every_channel(client, make_listing):
    make_listing()
    with database.connection_context():
        consent = Consent.get()
        assert consents.channels_of(consent) == frozenset(consents.CHANNELS)
        assert consent.scope_area and consent.method == "formulir"
        assert consent.text_version == "v1-2026"


def test_kiosk_channel_off_hides_from_kiosk_only(client, make_listing):
    listing = make_listing(consent_channel_kiosk=False)
    assert TITLE in client.get("/").text
    assert client.get(detail(listing)).status_code == 200
    assert TITLE not in client.get("/kiosk").text
    assert TITLE not in client.get("/kiosk/panel").text


def test_search_channel_off_means_noindex_and_no_sitemap(client, make_listing):
    hidden = make_listing(consent_channel_search=False)
    page = client.get(detail(hidden))
    soup = BeautifulSoup(page.text, "html.parser")
    assert meta(soup, "robots") == "noindex"
    assert page.headers["X-Robots-Tag"] == "noindex"
    assert detail(hidden) not in sitemap_paths(client)
    assert TITLE in client.get("/").text  # still on the website


def test_search_channel_on_is_indexable(client, make_listing):
    listing = make_listing()
    page = client.get(detail(listing))
    assert "X-Robots-Tag" not in page.headers
    assert meta(BeautifulSoup(page.text, "html.parser"), "robots") is None
    assert detail(listing) in sitemap_paths(client)


def test_share_channel_off_gives_generic_preview_and_no_card(client, make_listing):
    listing = make_listing(photo=jpeg_bytes(), consent_channel_share=False,
                           description="Menjahit kebaya pengantin dengan payet.")
    assert client.get(f"/jasa/{listing.id}/kartu.png").status_code == 404
    soup = BeautifulSoup(client.get(detail(listing)).text, "html.parser")
    for key in ("og:title", "og:description", "og:image", "twitter:title",
                "twitter:description", "twitter:image", "og:image:alt"):
        assert TITLE not in meta(soup, key) and "kebaya" not in meta(soup, key), key
    assert meta(soup, "og:image").endswith("/static/img/icon-512.png")
    assert "Bagikan" not in soup.get_text()
    assert soup.select_one("img.photo")  # the page itself still shows the photo


def test_flyer_channel_off_hides_flyers(client, make_listing):
    listing = make_listing(consent_channel_flyer=False)
    assert client.get(f"/jasa/{listing.id}/selebaran").status_code == 404
    assert TITLE not in client.get("/kategori/menjahit/selebaran").text
    assert "Cetak selebaran" not in client.get(detail(listing)).text
    assert TITLE in client.get("/kategori/menjahit").text


def test_channels_on_keep_cards_and_flyers(client, make_listing):
    listing = make_listing()
    assert client.get(f"/jasa/{listing.id}/kartu.png").status_code == 200
    assert client.get(f"/jasa/{listing.id}/selebaran").status_code == 200
    assert TITLE in client.get("/kategori/menjahit/selebaran").text


def test_website_channel_off_refuses_to_publish(app, make_listing):
    with pytest.raises(PublishError) as refused:
        make_listing(consent_channel_website=False)
    assert "tidak mencakup situs web" in str(refused.value)


def test_area_scope_off_hides_area_and_kecamatan(client, make_listing):
    listing = make_listing(consent_scope_area=False)
    for url in (detail(listing), "/kiosk", "/kiosk/panel"):
        assert "Wonomulyo" not in client.get(url).text, url
    card = BeautifulSoup(client.get("/").text, "html.parser").select_one("#results .card")
    assert TITLE in card.get_text() and "Wonomulyo" not in card.get_text()
    page = client.get(detail(listing)).text
    assert "Lokasi" not in page and "Wilayah layanan" not in page
    with database.connection_context():
        code = Listing.get_by_id(listing.id).region.code
    # A kecamatan filter must not reveal the kecamatan either.
    assert TITLE not in client.get("/", query_string={"kecamatan": code}).text
    assert TITLE not in client.get("/", query_string={"kabupaten": "Polewali Mandar"}).text


# --- versions ---------------------------------------------------------------------------

def test_each_change_is_a_new_version_and_the_newest_governs(app, client, make_listing):
    listing = make_listing()
    save(app, listing, consent_channel_kiosk=False)
    with database.connection_context():
        rows = list(Consent.select().order_by(Consent.id))
        assert len(rows) == 2 and rows[0].channel_kiosk and not rows[1].channel_kiosk
        assert AuditEvent.select().where(AuditEvent.action == "consent.create").count() == 2
    assert TITLE not in client.get("/kiosk").text
    # Saving again unchanged adds no version.
    save(app, listing, consent_channel_kiosk=False)
    with database.connection_context():
        assert Consent.select().count() == 2


def test_an_expired_newest_version_does_not_revive_an_older_one(client, make_listing):
    listing = make_listing()  # version 1: no end date
    with database.connection_context():
        Consent.create(client=listing.client_id, given_on=dt.date.today() - dt.timedelta(days=30),
                       officer_name="Andi Petugas",
                       valid_until=dt.date.today() - dt.timedelta(days=1))
    assert client.get(detail(listing)).status_code == 404


def test_text_version_comes_from_the_setting(app, make_listing):
    app.config["CONSENT_TEXT_VERSION"] = "v2-2027"
    make_listing()
    with database.connection_context():
        assert Consent.get().text_version == "v2-2027"


@pytest.mark.parametrize("overrides, field, message", [
    ({"consent_valid_until": dt.date.today() + dt.timedelta(days=400)}, "consent_valid_until",
     "melewati akhir masa bimbingan"),
    ({"consent_valid_until": dt.date.today() - dt.timedelta(days=1)}, "consent_valid_until",
     "sebelum tanggal persetujuan"),
    ({"consent_method": "lisan"}, "consent_method", "Pilih cara"),
    ({"consent_officer_name": " "}, "consent_officer_name", "petugas"),
])
def test_bad_consent_is_refused_and_nothing_saved(make_listing, overrides, field, message):
    with pytest.raises(domain.FieldError) as refused:
        make_listing(**overrides)
    assert refused.value.field == field and message in refused.value.message
    with database.connection_context():
        assert Listing.select().count() == 0 and Consent.select().count() == 0


def test_record_consent_checks_supervision_end(db, make_listing):
    listing = make_listing()
    client = Client.get_by_id(listing.client_id)
    user = User.get(User.username == "admin")
    data = {"given_on": dt.date.today(), "officer_name": "Andi", "method": "rekaman",
            "valid_until": client.supervision_end_date + dt.timedelta(days=1)}
    with pytest.raises(consents.ConsentError):
        consents.record_consent(client, data, user)
    data["valid_until"] = client.supervision_end_date
    consent = consents.record_consent(client, data, user)
    assert consent.method == "rekaman" and consents.channels_of(consent) == set(consents.CHANNELS)


# --- a family member as the contact -----------------------------------------------------

FAMILY = {"contact_relation": "keluarga", "contact_name": "Ibu Sari"}


def test_family_contact_needs_their_own_consent(make_listing):
    with pytest.raises(PublishError) as refused:
        make_listing(**FAMILY)
    assert "persetujuan anggota keluarga" in str(refused.value)
    with database.connection_context():
        assert Listing.select().count() == 0


def test_family_contact_with_consent_is_published(client, make_listing):
    listing = make_listing(**FAMILY, family_consent_name="Sari Wulandari",
                           family_consent_on=dt.date.today(),
                           family_consent_reference="FK-07/2026")
    page = client.get(detail(listing)).text
    assert "Ibu Sari" in page and "0812-3456-7890" in page
    assert "Sari Wulandari" not in page and "FK-07/2026" not in page


def test_family_phone_hidden_if_consent_missing_anyway(client, make_listing):
    listing = make_listing(**FAMILY, family_consent_name="Sari", family_consent_on=dt.date.today(),
                           family_consent_reference="FK-07/2026")
    with database.connection_context():  # an older record, from before this rule
        Listing.update(family_consent_name="", family_consent_reference="").execute()
    page = client.get(detail(listing)).text
    assert "0812-3456-7890" not in page and "Ibu Sari" not in page
    assert "tel:" not in page and "wa.me/62" not in page


def test_family_consent_is_dropped_when_the_client_is_the_contact(app, make_listing):
    listing = make_listing(**FAMILY, family_consent_name="Sari", family_consent_on=dt.date.today(),
                           family_consent_reference="FK-07/2026")
    save(app, listing)
    with database.connection_context():
        saved = Listing.get_by_id(listing.id)
        assert saved.family_consent_name == "" and saved.family_consent_on is None


def test_entry_screen_has_consent_channels_and_family_fields(client, auth):
    auth.login()
    page = client.get("/admin/jasa/baru").text
    for label in ["Cara persetujuan", "Wilayah layanan dan kecamatan boleh tampil",
                  "Situs web (halaman publik)", "Layar kios", "Pratinjau tautan",
                  "Selebaran cetak", "Mesin pencari", "Nama anggota keluarga",
                  "Nomor formulir persetujuannya"]:
        assert label in page, label


def test_entry_screen_post_shows_the_family_message(client, auth):
    from test_admin import form_payload
    auth.login()
    response = client.post("/admin/jasa/baru", data=form_payload(**FAMILY))
    assert response.status_code == 200
    assert "persetujuan anggota keluarga" in response.text
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.select_one("details.family-consent").has_attr("open")


# --- migration --------------------------------------------------------------------------

def test_migration_0005_keeps_existing_consents_as_they_were(tmp_path):
    db = SqliteDatabase(str(tmp_path / "old.db"), pragmas={"foreign_keys": 1})
    runner = Runner(db, str(MIGRATIONS_DIR))
    # Rows as they were before issue 4 (schema of 0003); every later migration then runs.
    runner.up([m.name for m in runner.status() if m.name.startswith("0003")][0])
    db.execute_sql("INSERT INTO unit (name, slug, address, phone, email, kabupaten_served, "
                   "created_at, kiosk_interval) "
                   "VALUES ('U', 'u', '', '', '', '', '2026-01-01', 12)")
    db.execute_sql("INSERT INTO client (unit_id, full_name, register_number, "
                   "supervising_officer, internal_notes, created_at, updated_at, version) "
                   "VALUES (1, 'A', '', '', '', '2026-01-01', '2026-01-01', 1)")
    db.execute_sql("INSERT INTO consent (client_id, given_on, officer_name, form_reference, "
                   "scope_name, scope_photo, scope_phone, created_at) "
                   "VALUES (1, '2026-01-01', 'P', 'F', 1, 0, 1, '2026-01-01')")
    runner.up()
    row = db.execute_sql("SELECT method, text_version, scope_area, channel_website, "
                         "channel_kiosk, channel_share, channel_flyer, channel_search "
                         "FROM consent").fetchone()
    assert row == ("formulir", "", 1, 1, 1, 1, 1, 1)
    assert db.execute_sql("SELECT erased_at FROM client").fetchone() == (None,)
    names = [m.name for m in runner.status()]
    if names[-1].startswith("0005"):  # down() is only safe to try while 0005 is the newest
        runner.down()
        assert "channel_kiosk" not in [c.name for c in db.get_columns("consent")]
