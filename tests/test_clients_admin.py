"""Issue 4: the admin's client pages — audited views, unit boundaries, consent actions."""
import datetime as dt
import json

import pytest
from bs4 import BeautifulSoup
from conftest import PASSWORD

from app.db import database
from app.models import AuditEvent, Client, Consent, Listing, Unit
from app.security.accounts import create_user


@pytest.fixture
def admin(client, auth):
    auth.login()
    return client


@pytest.fixture
def other_unit_admin(app):
    """An admin of a second Bapas office, with a client of their own."""
    with app.app_context(), database.connection_context():
        unit = Unit.create(name="Bapas Kelas II Mamuju", slug="bapas-mamuju")
        create_user(unit, "mamuju", PASSWORD, "admin", "Admin Mamuju")
        return Client.create(unit=unit, full_name="Klien Mamuju Rahasia", register_number="MM-9")


def views_of(client_id):
    with database.connection_context():
        return list(AuditEvent.select().where(AuditEvent.action == "client.view",
                                              AuditEvent.entity_id == client_id))


def test_list_shows_the_units_clients(admin, make_listing, other_unit_admin):
    listing = make_listing()
    make_listing(client_full_name="Siti Aminah Lestari", client_register_number="PB-777/2025",
                 consent_given_on=None, publish=False, title="Kue Basah")
    page = admin.get("/admin/klien")
    rows = BeautifulSoup(page.text, "html.parser").select("table.rows tbody tr")
    text = [" ".join(r.get_text(" ").split()) for r in rows]
    assert len(rows) == 3  # the superadmin sees every unit
    rudi = next(t for t in text if "Rudi Hartono Saputra" in t)
    assert "PB-123/2025" in rudi and "Berlaku" in rudi and rudi.endswith("1")
    assert "Belum ada" in next(t for t in text if "Siti Aminah" in t)
    assert f'/admin/klien/{listing.client_id}"' in page.text


def test_admin_sees_only_their_unit(client, auth, make_listing, other_unit_admin):
    listing = make_listing()
    auth.login("mamuju")
    page = client.get("/admin/klien").text
    assert "Klien Mamuju Rahasia" in page and "Rudi Hartono" not in page
    base = f"/admin/klien/{listing.client_id}"
    for url in [base, base + "/persetujuan", base + "/tarik", base + "/hapus",
                base + "/ekspor"]:
        assert client.get(url).status_code == 404, url
    for url in [base + "/persetujuan", base + "/tarik", base + "/hapus"]:
        assert client.post(url, data={"understood": "y"}).status_code == 404, url
    assert views_of(listing.client_id) == []
    with database.connection_context():
        assert Client.get_by_id(listing.client_id).erased_at is None
    assert client.get(f"/admin/klien/{other_unit_admin.id}").status_code == 200


def test_detail_shows_record_and_is_audited(admin, make_listing):
    listing = make_listing()
    page = admin.get(f"/admin/klien/{listing.client_id}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    text = BeautifulSoup(page.text, "html.parser").get_text(" ")
    for words in ["Rudi Hartono Saputra", "PB-123/2025", "RAHASIA-CATATAN-INTERNAL",
                  "17 Mei 1990", "F-01/2026", "Formulir bertanda tangan", "v1-2026",
                  "Penjahit Pakaian", "Terbit", "tampil"]:
        assert words in text, words
    assert f'href="/admin/jasa/baru?klien={listing.client_id}"' in page.text
    assert "Tambah jasa untuk klien ini" in page.text
    events = views_of(listing.client_id)
    assert len(events) == 1 and events[0].username == "admin" and events[0].entity == "client"


def test_viewer_may_view_audited_but_not_change(client, auth, make_listing):
    listing = make_listing()
    auth.login("viewer")
    page = client.get(f"/admin/klien/{listing.client_id}")
    assert page.status_code == 200 and "Rudi Hartono Saputra" in page.text
    assert "Tarik persetujuan" not in page.text and "Hapus data pribadi" not in page.text
    assert [e.username for e in views_of(listing.client_id)] == ["viewer"]
    base = f"/admin/klien/{listing.client_id}"
    for url in ["/persetujuan", "/tarik", "/hapus"]:
        assert client.post(base + url, data={"understood": "y"}).status_code == 403, url
    assert client.get(base + "/ekspor").status_code == 403
    with database.connection_context():
        assert Consent.get().withdrawn_at is None and Listing.get().is_published


def test_entry_screen_view_is_audited(admin, make_listing):
    listing = make_listing()
    assert admin.get(f"/admin/jasa/{listing.id}/ubah").status_code == 200
    assert admin.get(f"/admin/jasa/baru?klien={listing.client_id}").status_code == 200
    assert len(views_of(listing.client_id)) == 2


def test_new_consent_version_from_the_client_page(admin, make_listing):
    listing = make_listing()
    url = f"/admin/klien/{listing.client_id}/persetujuan"
    form = BeautifulSoup(admin.get(url).text, "html.parser")
    assert form.select_one("#channel_kiosk").has_attr("checked")
    data = {"given_on": dt.date.today().isoformat(), "officer_name": "Andi Petugas",
            "method": "rekaman", "form_reference": "REK-2/2026", "scope_name": "y",
            "scope_phone": "y", "scope_area": "y", "channel_website": "y",
            "channel_share": "y", "channel_flyer": "y", "channel_search": "y"}
    response = admin.post(url, data=data)
    assert response.status_code == 303
    assert "Versi persetujuan baru tercatat" in admin.get(response.location).text
    with database.connection_context():
        old, new = Consent.select().order_by(Consent.id)
        assert old.channel_kiosk and not new.channel_kiosk and new.method == "rekaman"
        assert new.recorded_by.username == "admin" and new.text_version == "v1-2026"
    page = admin.get(f"/admin/klien/{listing.client_id}").text
    assert "Digantikan versi berikutnya" in page and "REK-2/2026" in page


def test_bad_consent_version_gets_a_message_and_changes_nothing(admin, make_listing):
    listing = make_listing()
    too_late = dt.date.today() + dt.timedelta(days=400)
    response = admin.post(f"/admin/klien/{listing.client_id}/persetujuan", data={
        "given_on": dt.date.today().isoformat(), "officer_name": "Andi", "method": "formulir",
        "valid_until": too_late.isoformat(), "channel_website": "y"})
    assert response.status_code == 200
    assert "melewati akhir masa bimbingan" in response.text
    with database.connection_context():
        assert Consent.select().count() == 1


def test_withdraw_with_confirmation(admin, app, make_listing):
    listing = make_listing()
    base = f"/admin/klien/{listing.client_id}"
    confirm = admin.get(base + "/tarik")
    assert confirm.status_code == 200 and "Ya, tarik persetujuan" in confirm.text
    with database.connection_context():
        assert Consent.get().withdrawn_at is None  # the GET changed nothing
    response = admin.post(base + "/tarik")
    assert response.status_code == 303
    assert "1 jasa berhenti tayang" in admin.get(response.location).text
    with database.connection_context():
        assert not Listing.get().is_published and Consent.get().withdrawn_at
    assert app.test_client().get(f"/jasa/{listing.id}").status_code == 404
    listings = admin.get("/admin/jasa?status=terbit").text
    assert "Penjahit Pakaian" not in listings


def test_erasure_needs_the_box_ticked(admin, make_listing):
    listing = make_listing()
    url = f"/admin/klien/{listing.client_id}/hapus"
    assert "tidak dapat dipulihkan" in admin.get(url).text
    refused = admin.post(url, data={})
    assert refused.status_code == 200 and "Centang dulu" in refused.text
    with database.connection_context():
        assert Client.get().erased_at is None
    done = admin.post(url, data={"understood": "y"})
    assert done.status_code == 303
    page = admin.get(done.location).text
    assert f"Klien terhapus #{listing.client_id}" in page and "Rudi Hartono" not in page
    assert admin.get(url).status_code == 404  # nothing left to erase
    with database.connection_context():
        event = AuditEvent.get(AuditEvent.action == "client.erase")
        assert "Rudi" not in event.before + event.after


def test_export_holds_everything_about_the_client(admin, make_listing):
    listing = make_listing()
    admin.get(f"/admin/klien/{listing.client_id}")
    response = admin.get(f"/admin/klien/{listing.client_id}/ekspor")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["klien"]["full_name"] == "Rudi Hartono Saputra"
    assert data["klien"]["register_number"] == "PB-123/2025"
    assert data["persetujuan"][0]["form_reference"] == "F-01/2026"
    assert data["persetujuan"][0]["channel_website"] is True
    assert data["jasa"][0]["title"] == "Penjahit Pakaian"
    assert data["jasa"][0]["phone"] == "+6281234567890"
    actions = [e["action"] for e in data["log_audit"]]
    assert {"listing.create", "consent.create", "client.view", "client.export"} <= set(actions)
    with database.connection_context():
        assert AuditEvent.select().where(AuditEvent.action == "client.export").count() == 1


def test_other_units_listing_entry_is_not_audited_as_a_view(client, auth, make_listing,
                                                             other_unit_admin):
    listing = make_listing()
    auth.login("mamuju")
    assert client.get(f"/admin/jasa/{listing.id}/ubah").status_code == 404
    assert views_of(listing.client_id) == []


def test_nav_links_the_client_pages(admin):
    soup = BeautifulSoup(admin.get("/admin/").text, "html.parser")
    assert soup.select_one('nav.tools a[href="/admin/klien"]').get_text() == "Klien"
