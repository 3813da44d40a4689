"""Step 2 of the SOP: entering, publishing and maintaining a client's service."""
import datetime as dt
import io

import pytest
from conftest import form_payload, jpeg_bytes

from app.db import database
from app.models import AuditEvent, Client, Consent, Listing


def count(model):
    with database.connection_context():
        return model.select().count()


@pytest.fixture
def admin(client, auth):
    auth.login()
    return client


def test_entry_screen_has_all_parts(admin):
    page = admin.get("/admin/jasa/baru").text
    for label in ["Nama jasa", "Kategori", "Kecamatan", "Kisaran harga", "Jam kerja",
                  "Nama yang tampil", "Telepon / WhatsApp", "Foto", "Nama lengkap klien",
                  "Nomor register", "Tanggal lahir", "Catatan internal", "Tanggal persetujuan",
                  "Terbitkan sekarang", "Menjahit &amp; Permak", "Wonomulyo"]:
        assert label in page, label
    assert 'enctype="multipart/form-data"' in page


def test_create_publish_with_photo(admin, app):
    data = form_payload()
    data["photo"] = (io.BytesIO(jpeg_bytes()), "foto.jpg")
    response = admin.post("/admin/jasa/baru", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    page = admin.get(response.location).text
    assert "Tersimpan dan terbit" in page
    with database.connection_context():
        listing = Listing.get()
        assert listing.is_published and listing.photo and listing.phone == "+6281234567890"
        assert listing.client.register_number == "PB-123/2025"
        assert Consent.select().count() == 1
        assert AuditEvent.select().where(AuditEvent.action == "listing.create").count() == 1
    public = app.test_client().get("/?q=jahit").text
    assert "Penjahit Pakaian" in public


def test_save_as_draft(admin):
    response = admin.post("/admin/jasa/baru", data=form_payload(publish=False))
    assert "Tersimpan sebagai draf" in admin.get(response.location).text
    with database.connection_context():
        assert not Listing.get().is_published


def test_publish_refused_without_consent(admin):
    response = admin.post("/admin/jasa/baru", data=form_payload(consent_given_on=None))
    assert response.status_code == 200
    assert "Belum ada persetujuan klien" in response.text
    assert count(Listing) == 0 and count(Client) == 0


def test_publish_refused_for_client_under_18(admin):
    seventeen = dt.date.today().replace(year=dt.date.today().year - 17)
    response = admin.post("/admin/jasa/baru", data=form_payload(client_birth_date=seventeen))
    assert response.status_code == 200
    assert "belum berusia 18 tahun" in response.text
    assert count(Listing) == 0


def test_bad_phone_gets_message_and_changes_nothing(admin):
    response = admin.post("/admin/jasa/baru", data=form_payload(phone="12345"))
    assert "Nomor telepon tidak valid" in response.text
    assert count(Listing) == 0


def test_non_image_upload_refused(admin):
    data = form_payload()
    data["photo"] = (io.BytesIO(b"MZ\x90\x00 this is an exe"), "foto.jpg")
    response = admin.post("/admin/jasa/baru", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    assert "bukan foto" in response.text
    assert count(Listing) == 0


def test_oversize_upload_refused(admin, app):
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    data = form_payload()
    data["photo"] = (io.BytesIO(b"\xff" * 60_000), "besar.jpg")
    response = admin.post("/admin/jasa/baru", data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "Berkas terlalu besar" in response.text
    assert count(Listing) == 0


def test_full_name_kept_out_of_public_title(admin):
    response = admin.post("/admin/jasa/baru", data=form_payload(
        title="Penjahit Rudi Hartono Saputra"))
    assert "Jangan tulis nama lengkap klien" in response.text
    assert count(Listing) == 0


def test_missing_required_fields(admin):
    response = admin.post("/admin/jasa/baru", data={})
    assert response.status_code == 200
    assert "Wajib diisi." in response.text and "Pilih kategori." in response.text
    assert count(Listing) == 0


def test_edit_updates_public_page_at_once(admin, app, make_listing):
    listing = make_listing()
    page = admin.get(f"/admin/jasa/{listing.id}/ubah").text
    assert 'value="Penjahit Pakaian"' in page and "0812-3456-7890" in page
    response = admin.post(f"/admin/jasa/{listing.id}/ubah", data=form_payload(
        title="Penjahit Kebaya", version=str(listing.version)))
    assert response.status_code == 303
    public = app.test_client()
    assert "Penjahit Kebaya" in public.get("/?q=kebaya").text
    assert "Penjahit Kebaya" in public.get(f"/jasa/{listing.id}-penjahit-kebaya").text


def test_second_editor_gets_conflict_not_overwrite(admin, make_listing):
    listing = make_listing()
    stale = str(listing.version)
    admin.post(f"/admin/jasa/{listing.id}/ubah", data=form_payload(
        title="Penjahit Kebaya", version=stale))
    response = admin.post(f"/admin/jasa/{listing.id}/ubah", data=form_payload(
        title="Penjahit Jas", version=stale))
    assert response.status_code == 200
    assert "baru saja diubah oleh admin lain" in response.text
    assert "Nama jasa" in response.text.split("baru saja diubah")[1][:300]
    with database.connection_context():
        assert Listing.get_by_id(listing.id).title == "Penjahit Kebaya"


def test_toggle_publish_in_place(admin, app, make_listing):
    listing = make_listing()
    row = admin.post(f"/admin/jasa/{listing.id}/terbit", data={"terbit": "0"},
                     headers={"HX-Request": "true"})
    assert row.text.lstrip().startswith(f'<tr id="listing-{listing.id}"')
    assert "Belum terbit" in row.text and "<html" not in row.text
    assert "Belum ada jasa yang cocok" in app.test_client().get("/?q=jahit").text
    row = admin.post(f"/admin/jasa/{listing.id}/terbit", data={"terbit": "1"},
                     headers={"HX-Request": "true"})
    assert "Terbit" in row.text
    assert "Penjahit Pakaian" in app.test_client().get("/?q=jahit").text


def test_toggle_without_js_redirects(admin, make_listing):
    listing = make_listing()
    response = admin.post(f"/admin/jasa/{listing.id}/terbit", data={"terbit": "0"})
    assert response.status_code == 303


def test_publish_toggle_refused_after_consent_withdrawn(admin, make_listing):
    listing = make_listing(publish=False)
    with database.connection_context():
        Consent.update(withdrawn_at=dt.datetime.now()).execute()
    row = admin.post(f"/admin/jasa/{listing.id}/terbit", data={"terbit": "1"},
                     headers={"HX-Request": "true"})
    assert "Belum ada persetujuan klien" in row.text
    with database.connection_context():
        assert not Listing.get_by_id(listing.id).is_published


def test_delete_and_restore(admin, app, make_listing):
    listing = make_listing()
    assert admin.post(f"/admin/jasa/{listing.id}/hapus").status_code == 303
    assert "Belum ada jasa yang cocok" in app.test_client().get("/?q=jahit").text
    assert app.test_client().get(f"/jasa/{listing.id}-penjahit-pakaian").status_code == 404
    assert f'id="listing-{listing.id}"' not in admin.get("/admin/jasa").text
    assert "Penjahit Pakaian" in admin.get("/admin/jasa?status=sampah").text
    admin.post(f"/admin/jasa/{listing.id}/pulihkan")
    with database.connection_context():
        restored = Listing.get_by_id(listing.id)
        assert restored.deleted_at is None and not restored.is_published
    admin.post(f"/admin/jasa/{listing.id}/terbit", data={"terbit": "1"})
    assert "Penjahit Pakaian" in app.test_client().get("/?q=jahit").text


def test_htmx_delete_marks_the_row_binned(admin, make_listing):
    # Issue 10.7: the row stays, says it went to the bin and offers Urungkan (test_undo.py).
    listing = make_listing()
    response = admin.post(f"/admin/jasa/{listing.id}/hapus", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<tr id="listing-{listing.id}"')
    assert "Sampah" in response.text and "<html" not in response.text


def test_confirm_renews_date(admin, make_listing):
    listing = make_listing()
    with database.connection_context():
        Listing.update(last_confirmed_at=dt.date(2025, 1, 2)).execute()
    admin.post(f"/admin/jasa/{listing.id}/konfirmasi")
    with database.connection_context():
        assert Listing.get_by_id(listing.id).last_confirmed_at == dt.date.today()


def test_list_filter_and_fragment(admin, make_listing):
    make_listing()
    make_listing(title="Las Pagar Besi", client_full_name="Amir Mahmud Saleh",
                 display_name="Pak Amir")
    full = admin.get("/admin/jasa?q=amir")
    assert "Las Pagar Besi" in full.text and "Penjahit Pakaian" not in full.text
    fragment = admin.get("/admin/jasa?q=las", headers={"HX-Request": "true"})
    assert fragment.text.startswith('<section id="results">') and "Las Pagar Besi" in fragment.text


def test_pagination(admin, make_listing, app):
    app.config["PAGE_SIZE"] = 2
    for i in range(5):
        make_listing(title=f"Kue Basah {i}")
    page3 = admin.get("/admin/jasa?hal=3").text
    assert "Halaman 3 dari 3" in page3 and page3.count('<tr id="listing-') == 1
    assert admin.get("/admin/jasa?hal=abc").status_code == 200


def test_inline_validation_returns_only_the_message(admin):
    response = admin.post("/admin/jasa/baru", data=form_payload(phone="0812-3456-7890") | {
        "_validate_field": "phone"}, headers={"HX-Request": "true"})
    assert response.text.strip().startswith('<p class="msg ok" id="msg-phone"')
    assert "WhatsApp" in response.text
    landline = admin.post("/admin/jasa/baru", data=form_payload(phone="0428-21234") | {
        "_validate_field": "phone"}, headers={"HX-Request": "true"})
    assert "tanpa tombol WhatsApp" in landline.text
    bad = admin.post("/admin/jasa/baru", data=form_payload(phone="99") | {
        "_validate_field": "phone"}, headers={"HX-Request": "true"})
    assert 'class="msg err"' in bad.text
    assert count(Listing) == 0


def test_inline_validation_warns_under_18(admin):
    young = dt.date.today().replace(year=dt.date.today().year - 16)
    response = admin.post("/admin/jasa/baru", data=form_payload(client_birth_date=young) | {
        "_validate_field": "client_birth_date"}, headers={"HX-Request": "true"})
    assert "belum 18 tahun" in response.text


def test_viewer_cannot_change_anything(client, auth, make_listing):
    listing = make_listing()
    auth.login(username="viewer")
    assert client.get("/admin/jasa").status_code == 200
    assert "Hapus" not in client.get("/admin/jasa").text
    assert client.get("/admin/jasa/baru").status_code == 403
    for action in ["hapus", "terbit", "konfirmasi", "pulihkan"]:
        assert client.post(f"/admin/jasa/{listing.id}/{action}").status_code == 403
    assert client.post(f"/admin/jasa/{listing.id}/ubah", data=form_payload()).status_code == 403
    with database.connection_context():
        assert Listing.get_by_id(listing.id).deleted_at is None


def test_unknown_listing_is_404(admin):
    assert admin.get("/admin/jasa/999/ubah").status_code == 404
    assert admin.post("/admin/jasa/999/hapus").status_code == 404
