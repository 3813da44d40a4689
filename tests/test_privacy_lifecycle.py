"""Issue 4: a listing leaves every public surface when its period, consent or client ends;
erasure really erases; the privacy policy says so."""
import datetime as dt
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import jpeg_bytes, listing_data

from app.db import database
from app.models import AuditEvent, Client, Consent, DailyStat, Listing, User
from app.records import clients
from app.records import consent as consents
from app.records import listings as domain

TITLE = "Penjahit Kebaya Payet"
HX = {"HX-Request": "true"}
SECRETS = ["Rudi Hartono Saputra", "PB-123/2025", "RAHASIA-CATATAN-INTERNAL", "Pak Rudi",
           "6281234567890", "Menjahit kebaya pengantin"]


def admin_user():
    return User.get(User.username == "admin")


def surfaces(client, listing, photos):
    """Fetch every public surface; return {name: True if the listing shows there}."""
    page = lambda url, **kw: client.get(url, **kw)  # noqa: E731
    shown = {
        "home": TITLE in page("/").text,
        "search": TITLE in page("/?q=kebaya").text,
        "search fragment": TITLE in page("/?q=kebaya", headers=HX).text,
        "category": TITLE in page("/kategori/menjahit").text,
        "category fragment": TITLE in page("/kategori/menjahit?q=kebaya", headers=HX).text,
        "detail": page(f"/jasa/{listing.id}-{listing.slug}").status_code == 200,
        "detail by id": page(f"/jasa/{listing.id}").status_code != 404,
        "kiosk": TITLE in page("/kiosk").text,
        "kiosk panel": TITLE in page("/kiosk/panel").text,
        "sitemap": f"/jasa/{listing.id}-" in page("/sitemap.xml").text,
        "share card": page(f"/jasa/{listing.id}/kartu.png").status_code == 200,
        "flyer": page(f"/jasa/{listing.id}/selebaran").status_code == 200,
        "category sheet": TITLE in page("/kategori/menjahit/selebaran").text,
    }
    for name in photos:
        shown[f"photo {name}"] = page(f"/foto/{name}").status_code == 200
    return shown


def make_public(make_listing):
    listing = make_listing(photo=jpeg_bytes(), title=TITLE,
                           description="Menjahit kebaya pengantin dengan payet.")
    with database.connection_context():
        listing = Listing.get_by_id(listing.id)
    return listing, [listing.photo, listing.photo_thumb]


def past_period(app, listing):
    Listing.update(publish_until=dt.date.today() - dt.timedelta(days=1)).where(
        Listing.id == listing.id).execute()


def withdrawn(app, listing):
    consents.withdraw(Client.get_by_id(listing.client_id), admin_user())


def erased(app, listing):
    clients.erase_client(Client.get_by_id(listing.client_id), admin_user())


def website_off(app, listing):
    consents.record_consent(Client.get_by_id(listing.client_id), {
        "given_on": dt.date.today(), "officer_name": "Andi Petugas", "method": "formulir",
        "channel_website": False, "scope_photo": True}, admin_user())


def supervision_ended(app, listing):
    Client.update(supervision_end_date=dt.date.today() - dt.timedelta(days=1)).where(
        Client.id == listing.client_id).execute()


@pytest.mark.parametrize("change", [past_period, withdrawn, erased, website_off,
                                    supervision_ended])
def test_gone_from_every_public_surface(app, client, make_listing, change):
    listing, photos = make_public(make_listing)
    before = surfaces(client, listing, photos)
    assert all(before.values()), before  # each check can see the listing while it is public
    with app.test_request_context(), database.connection_context():
        change(app, listing)
    after = surfaces(client, listing, photos)
    assert not any(after.values()), {k: v for k, v in after.items() if v}


def test_withdrawal_unpublishes_all_listings_at_once_audited(app, client, make_listing):
    first = make_listing()
    with app.test_request_context(), database.connection_context():
        person = Client.get_by_id(first.client_id)
        second = domain.save_listing(None, person, listing_data(title="Permak Celana"),
                                     admin_user())
        ids = consents.withdraw(person, admin_user())
        assert sorted(ids) == sorted([first.id, second.id])
        assert not Listing.select().where(Listing.is_published == True).exists()  # noqa: E712
        assert Consent.get().withdrawn_at is not None
        events = AuditEvent.select().where(AuditEvent.action == "listing.unpublish")
        assert sorted(e.entity_id for e in events) == sorted(ids)
        assert AuditEvent.get(AuditEvent.action == "consent.withdraw").entity_id == person.id
    assert "Belum ada jasa yang cocok" in client.get("/").text


def test_supervision_end_hides_all_listings_at_once(app, client, make_listing):
    first = make_listing()
    with app.test_request_context(), database.connection_context():
        person = Client.get_by_id(first.client_id)
        domain.save_listing(None, person, listing_data(title="Permak Celana"), admin_user())
    assert "Permak Celana" in client.get("/").text
    with database.connection_context():
        person.supervision_end_date = dt.date.today() - dt.timedelta(days=1)
        person.save()
    assert "Belum ada jasa yang cocok" in client.get("/").text


# --- erasure ----------------------------------------------------------------------------

def database_bytes(app) -> bytes:
    """The SQLite file (and its WAL) as stored on disk, after VACUUM."""
    with database.connection_context():
        database.execute_sql("VACUUM")
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    path = Path(app.config["DATABASE_URL"].removeprefix("sqlite:///"))
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


@pytest.mark.sqlite_only  # reads the SQLite file's bytes
def test_erasure_removes_personal_data_and_photos(app, client, make_listing):
    listing, photos = make_public(make_listing)
    folder = Path(app.config["UPLOAD_DIR"])
    assert all((folder / name).exists() for name in photos)
    with database.connection_context():
        DailyStat.create(listing=listing.id, day=dt.date.today(), views=7, whatsapp_taps=2)
    raw = database_bytes(app)
    assert all(secret.encode() in raw for secret in SECRETS[:2])  # the check can see them

    with app.test_request_context(), database.connection_context():
        done = clients.erase_client(Client.get_by_id(listing.client_id), admin_user())
    assert done == {"listings": 1, "photos": 2}
    assert not any((folder / name).exists() for name in photos)

    raw = database_bytes(app)
    for secret in SECRETS:
        assert secret.encode() not in raw, secret
    with database.connection_context():
        person = Client.get_by_id(listing.client_id)
        assert person.full_name == f"Klien terhapus #{person.id}"
        assert person.erased_at and not person.register_number and person.birth_date is None
        erased = Listing.get_by_id(listing.id)
        assert erased.title == "Menjahit & Permak" and not erased.is_published
        assert erased.photo is None and erased.phone == "" and erased.display_name == ""
        assert DailyStat.get().views == 7  # aggregate counts stay
        assert not database.execute_sql("SELECT rowid FROM listing_fts WHERE rowid = ?",
                                         (listing.id,)).fetchall()
        event = AuditEvent.get(AuditEvent.action == "client.erase")
        assert json.loads(event.before) == {"listing_ids": [listing.id],
                                            "consent_ids": [Consent.get().id]}
        assert json.loads(event.after)["erased"] is True
        assert event.username == "admin" and event.entity_id == person.id


def test_erased_client_cannot_be_published_again(app, make_listing):
    listing = make_listing()
    with app.test_request_context(), database.connection_context():
        clients.erase_client(Client.get_by_id(listing.client_id), admin_user())
        erased = domain.restore_listing(Listing.get_by_id(listing.id), admin_user())
        with pytest.raises(domain.PublishError) as refused:
            domain.set_published(erased, True, admin_user())
    assert "sudah dihapus" in str(refused.value)


# --- the privacy policy -----------------------------------------------------------------

def test_privacy_page_explains_and_names_the_officer(app, client):
    app.config.update(DPO_NAME="Nurhayati, S.H.", DPO_EMAIL="pdp@bapas-polewali.go.id",
                      DPO_PHONE="0428-21234")
    page = client.get("/kebijakan-privasi")
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    text = BeautifulSoup(page.text, "html.parser").get_text(" ")
    for words in ["Kebijakan Privasi", "UU 27/2022", "Undang-Undang Nomor 27 Tahun 2022",
                  "persetujuan", "Yang tidak pernah kami tampilkan", "nomor register",
                  "Berapa lama", "masa bimbingan", "Cara menarik persetujuan", "seketika",
                  "Layar kios", "Mesin pencari", "Nurhayati, S.H.",
                  "pdp@bapas-polewali.go.id", "0428-21234", "v1-2026"]:
        assert words in text, words
    assert "napi" not in page.text.lower()


def test_privacy_page_falls_back_to_the_office(client):
    text = client.get("/kebijakan-privasi").text
    assert "Pejabat Pelindungan Data Pribadi Bapas Kelas II Polewali" in text


def test_footer_links_the_privacy_policy(client, make_listing):
    listing = make_listing()
    for url in ["/", "/kategori/menjahit", f"/jasa/{listing.id}-penjahit-pakaian"]:
        soup = BeautifulSoup(client.get(url).text, "html.parser")
        link = soup.select_one('footer a[href="/kebijakan-privasi"]')
        assert link and link.get_text() == "Kebijakan Privasi", url
