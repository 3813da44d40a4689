"""Issue 13.4: a listing's version history, the difference between two versions, and
restoring one as a new version through the ordinary save path."""
import datetime as dt
import json

import pytest
from bs4 import BeautifulSoup
from conftest import PASSWORD, form_payload, jpeg_bytes, listing_data

from app.db import database
from app.models import AuditEvent, Listing, Unit, User
from app.records import history
from app.records import listings as domain
from app.security.accounts import create_user

MINOR = dt.date.today() - dt.timedelta(days=365 * 15)


@pytest.fixture
def admin(client, auth):
    auth.login()
    return client


def stored(listing_id):
    with database.connection_context():
        return Listing.get_by_id(listing_id)


def edit(admin, listing_id, **changes):
    """Save the entry form as an admin would, from the stored version."""
    version = stored(listing_id).version
    response = admin.post(f"/admin/jasa/{listing_id}/ubah",
                          data=form_payload(version=str(version), **changes))
    assert response.status_code == 303, response.text
    return response


def events(listing_id, action=None):
    with database.connection_context():
        query = AuditEvent.select().where((AuditEvent.entity == "listing")
                                          & (AuditEvent.entity_id == listing_id))
        if action:
            query = query.where(AuditEvent.action == action)
        return list(query.order_by(AuditEvent.id))


def version_event(listing_id, number):
    """The audit event id of version `number` (1 = the oldest)."""
    with database.connection_context():
        listing = Listing.get_by_id(listing_id)
        return history.versions(listing)[number - 1].event.id


def page(response):
    return BeautifulSoup(response.text, "html.parser")


def diff_labels(response):
    """The field labels of the difference table."""
    table = page(response).find("table", class_="history-diff")
    return [th.get_text(strip=True) for th in table.find_all("th", scope="row")] if table else []


def restore_form(response):
    """(action, hidden version) of the restore button's form, or None."""
    button = page(response).find("button", string=lambda s: s and s.startswith("Pulihkan versi"))
    if button is None:
        return None
    form = button.find_parent("form")
    return form["action"], form.find("input", attrs={"name": "version"})["value"]


def test_versions_are_listed_newest_first_after_several_edits(admin, make_listing):
    listing = make_listing()
    edit(admin, listing.id, title="Penjahit Kebaya")
    edit(admin, listing.id, title="Penjahit Kebaya", price_hint="mulai Rp40.000")
    response = admin.get(f"/admin/jasa/{listing.id}/riwayat")
    assert response.status_code == 200
    text = page(response).find("table", class_="history").get_text(" ", strip=True)
    assert text.index("Versi 3") < text.index("Versi 2") < text.index("Versi 1")
    rows = page(response).select("table.history tbody tr")
    assert len(rows) == 3
    newest, middle = rows[0].get_text(" ", strip=True), rows[1].get_text(" ", strip=True)
    assert "Kisaran harga" in newest and "mulai Rp40.000" in newest
    assert "Nama jasa" not in newest
    assert "Penjahit Pakaian" in middle and "Penjahit Kebaya" in middle
    assert "admin" in newest  # who saved it


def test_history_is_paginated(admin, make_listing):
    listing = make_listing()
    for price in range(22):
        edit(admin, listing.id, price_hint=f"Rp{price}.000")
    first = page(admin.get(f"/admin/jasa/{listing.id}/riwayat"))
    assert len(first.select("table.history tbody tr")) == 20
    second = page(admin.get(f"/admin/jasa/{listing.id}/riwayat?hal=2"))
    assert [a.get_text(strip=True) for a in second.select("table.history tbody tr td a")] \
        == ["Versi 3", "Versi 2", "Versi 1"]


def test_difference_shows_the_changed_fields_only(admin, make_listing):
    listing = make_listing()
    edit(admin, listing.id, price_hint="mulai Rp40.000")
    first, second = version_event(listing.id, 1), version_event(listing.id, 2)
    compare = admin.get(f"/admin/jasa/{listing.id}/riwayat/banding?dari={first}&ke={second}")
    assert compare.status_code == 200
    assert diff_labels(compare) == ["Kisaran harga"]
    cells = page(compare).select("table.history-diff td")
    assert [c.get_text(strip=True) for c in cells] == ["mulai Rp25.000", "mulai Rp40.000"]
    # Picked the other way round, it still reads from older to newer.
    swapped = admin.get(f"/admin/jasa/{listing.id}/riwayat/banding?dari={second}&ke={first}")
    assert [c.get_text(strip=True) for c in page(swapped).select("table.history-diff td")] \
        == ["mulai Rp25.000", "mulai Rp40.000"]
    # One version against the listing as it is now.
    old = admin.get(f"/admin/jasa/{listing.id}/riwayat/{first}")
    assert diff_labels(old) == ["Kisaran harga"]
    assert "Ini versi jasa yang sekarang" in admin.get(
        f"/admin/jasa/{listing.id}/riwayat/{second}").text


def test_restore_makes_a_new_version_with_the_old_values(admin, app, make_listing):
    listing = make_listing()
    edit(admin, listing.id, title="Penjahit Kebaya", price_hint="mulai Rp40.000",
         featured=True)
    first = version_event(listing.id, 1)
    action, version = restore_form(admin.get(f"/admin/jasa/{listing.id}/riwayat/{first}"))
    response = admin.post(action, data={"version": version})
    assert response.status_code == 303
    assert "Versi 1 dipulihkan sebagai versi baru." in admin.get(response.location).text
    fresh = stored(listing.id)
    assert (fresh.title, fresh.price_hint, fresh.featured) == \
        ("Penjahit Pakaian", "mulai Rp25.000", False)
    assert fresh.version == int(version) + 1 and fresh.is_published
    restored = events(listing.id, "listing.restore_version")
    assert len(restored) == 1
    assert json.loads(restored[0].after) == {"restored_version": 1, "restored_event": first}
    with database.connection_context():
        versions = history.versions(fresh)
    assert len(versions) == 3 and versions[-1].restored_from == 1
    listed = admin.get(f"/admin/jasa/{listing.id}/riwayat").text
    assert "memulihkan versi 1" in listed
    audit_page = admin.get("/admin/audit?tindakan=listing.restore_version").text
    assert "Versi jasa dipulihkan" in audit_page and "Versi yang dipulihkan" in audit_page
    assert "Penjahit Pakaian" in app.test_client().get("/?q=jahit").text
    # The client's internal data and consent were not touched.
    with database.connection_context():
        assert fresh.client.internal_notes == "RAHASIA-CATATAN-INTERNAL"
        assert fresh.client.consents.count() == 1


def test_restore_that_would_break_a_publishing_rule_is_refused(admin, app, make_listing):
    listing = make_listing()
    # Saved as a draft once the client's birth date shows a minor.
    edit(admin, listing.id, title="Penjahit Kebaya", client_birth_date=MINOR, publish=False)
    before = stored(listing.id)
    first = version_event(listing.id, 1)
    action, version = restore_form(admin.get(f"/admin/jasa/{listing.id}/riwayat/{first}"))
    response = admin.post(action, data={"version": version})
    assert response.status_code == 200
    assert "Klien belum berusia 18 tahun" in response.text
    assert "Tidak ada yang diubah." in response.text
    fresh = stored(listing.id)
    assert (fresh.title, fresh.is_published, fresh.version) == \
        ("Penjahit Kebaya", False, before.version)
    assert events(listing.id, "listing.restore_version") == []
    assert "Penjahit" not in app.test_client().get("/?q=jahit").text


def test_restore_of_a_binned_listing_is_refused(admin, make_listing):
    listing = make_listing()
    edit(admin, listing.id, title="Penjahit Kebaya")
    first = version_event(listing.id, 1)
    admin.post(f"/admin/jasa/{listing.id}/hapus")
    version = stored(listing.id).version
    response = admin.post(f"/admin/jasa/{listing.id}/riwayat/{first}/pulihkan",
                          data={"version": version})
    assert "tempat sampah" in response.text
    assert stored(listing.id).title == "Penjahit Kebaya"


def test_a_photo_that_no_longer_exists_is_not_restored(admin, app, make_listing):
    listing = make_listing(photo=jpeg_bytes(color=(10, 10, 10)))
    with app.test_request_context(), database.connection_context():
        user = User.get(User.username == "admin")
        domain.save_listing(Listing.get_by_id(listing.id), None,
                            listing_data(title="Penjahit Kebaya", version=listing.version),
                            user, jpeg_bytes(color=(250, 250, 250)))
    now_photo = stored(listing.id).photo
    assert now_photo != listing.photo  # the first photo's file was deleted on replacing it
    first = version_event(listing.id, 1)
    shown = admin.get(f"/admin/jasa/{listing.id}/riwayat/{first}")
    assert "Foto versi ini sudah tidak tersimpan" in shown.text
    photo_row = page(shown).find("th", string="Foto").find_parent("tr").get_text(" ", strip=True)
    assert "foto lama (berkasnya sudah dihapus)" in photo_row and "foto yang sekarang" in photo_row
    action, version = restore_form(shown)
    assert admin.post(action, data={"version": version}).status_code == 303
    fresh = stored(listing.id)
    assert fresh.title == "Penjahit Pakaian" and fresh.photo == now_photo
    assert admin.get(f"/admin/foto/{fresh.photo}").status_code == 200


def test_another_office_gets_404_and_a_viewer_cannot_restore(app, client, auth, make_listing):
    listing = make_listing()
    with database.connection_context():
        other = Unit.create(name="Bapas Kelas II Mamuju", slug="bapas-mamuju")
        create_user(other, "mamuju", PASSWORD, "admin", "Petugas Mamuju")
    first = version_event(listing.id, 1)
    urls = [f"/admin/jasa/{listing.id}/riwayat", f"/admin/jasa/{listing.id}/riwayat/{first}",
            f"/admin/jasa/{listing.id}/riwayat/banding?dari={first}&ke={first}"]
    restore = f"/admin/jasa/{listing.id}/riwayat/{first}/pulihkan"
    auth.login("mamuju")
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    assert client.post(restore, data={"version": listing.version}).status_code == 404
    auth.logout()
    auth.login("viewer")
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]
    assert restore_form(client.get(urls[1])) is None
    assert "Pulihkan versi" not in client.get(urls[1]).text
    assert client.post(restore, data={"version": listing.version}).status_code == 403
    assert stored(listing.id).version == listing.version
    assert events(listing.id, "listing.restore_version") == []


def test_a_version_of_another_listing_or_a_bad_compare_is_not_an_error(admin, make_listing):
    one, two = make_listing(), make_listing(title="Las Besi")
    foreign = version_event(two.id, 1)
    assert admin.get(f"/admin/jasa/{one.id}/riwayat/{foreign}").status_code == 404
    assert admin.post(f"/admin/jasa/{one.id}/riwayat/{foreign}/pulihkan",
                      data={"version": one.version}).status_code == 404
    for query in ("", "?dari=abc&ke=", f"?dari={foreign}&ke={foreign}", "?dari=-1&ke=99999999"):
        response = admin.get(f"/admin/jasa/{one.id}/riwayat/banding{query}")
        assert response.status_code == 303
        assert "Pilih dua versi jasa ini untuk dibandingkan." in admin.get(response.location).text
    assert stored(two.id).title == "Las Besi"


def test_hostile_strings_in_old_versions_are_shown_escaped(admin, make_listing):
    listing = make_listing(title="<script>alert('judul')</script> Jahit",
                           description='<img src=x onerror="alert(1)">')
    edit(admin, listing.id, title="Penjahit Pakaian")
    first, second = version_event(listing.id, 1), version_event(listing.id, 2)
    base = f"/admin/jasa/{listing.id}/riwayat"
    for url in (base, f"{base}/{first}", f"{base}/banding?dari={first}&ke={second}"):
        text = admin.get(url).text
        assert "<script>alert(" not in text and "<img src=x" not in text
        assert "&lt;script&gt;alert(" in text


def test_a_save_in_between_is_a_conflict_and_changes_nothing(admin, make_listing):
    listing = make_listing()
    edit(admin, listing.id, title="Penjahit Kebaya")
    first = version_event(listing.id, 1)
    action, version = restore_form(admin.get(f"/admin/jasa/{listing.id}/riwayat/{first}"))
    edit(admin, listing.id, title="Penjahit Seragam")  # another admin, meanwhile
    response = admin.post(action, data={"version": version})
    assert response.status_code == 200
    assert "baru saja diubah oleh Andi Petugas" in response.text
    assert stored(listing.id).title == "Penjahit Seragam"
    assert events(listing.id, "listing.restore_version") == []
    # The page now carries the stored version: restoring again works.
    action, version = restore_form(response)
    assert admin.post(action, data={"version": version}).status_code == 303
    assert stored(listing.id).title == "Penjahit Pakaian"


def test_entry_screen_and_list_row_link_to_the_history(admin, make_listing):
    listing = make_listing()
    history_url = f"/admin/jasa/{listing.id}/riwayat"
    assert page(admin.get(f"/admin/jasa/{listing.id}/ubah")).find("a", href=history_url)
    assert page(admin.get("/admin/jasa")).find("a", href=history_url)


def test_history_pages_in_english(admin, make_listing):
    listing = make_listing()
    edit(admin, listing.id, price_hint="mulai Rp40.000")
    admin.set_cookie("lang", "en")
    first = version_event(listing.id, 1)
    listed = admin.get(f"/admin/jasa/{listing.id}/riwayat").text
    assert "Version 2" in listed and "Price range" in listed
    shown = admin.get(f"/admin/jasa/{listing.id}/riwayat/{first}").text
    assert "Restore version 1" in shown and "Pulihkan" not in shown
