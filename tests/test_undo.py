"""Issue 10.7: unpublish and delete say what happened in the row (htmx) or in the flash
message (no JS), and offer Urungkan for a few minutes, through the normal publish checks."""
import datetime as dt

import pytest
from bs4 import BeautifulSoup

from app.db import database
from app.models import AuditEvent, Consent, Listing

HTMX = {"HX-Request": "true"}


@pytest.fixture
def admin(client, auth):
    auth.login()
    return client


def undo_button(html):
    """The Urungkan button's form: (action URL, aksi value), or None."""
    page = BeautifulSoup(html, "html.parser")
    button = page.find("button", string="Urungkan")
    if button is None:
        return None
    return button.find_parent("form")["action"], button["value"]


def publicly_found(app):
    return "Penjahit Pakaian" in app.test_client().get("/?q=jahit").text


def stored(listing):
    with database.connection_context():
        return Listing.get_by_id(listing.id)


def test_unpublish_in_the_row_says_so_and_can_be_undone(admin, app, make_listing):
    listing = make_listing()
    row = admin.post(f"/admin/jasa/{listing.id}/terbit", data={"terbit": "0"}, headers=HTMX)
    assert "“Penjahit Pakaian” tidak tayang lagi." in row.text
    url, action = undo_button(row.text)
    assert not publicly_found(app)
    again = admin.post(url, data={"aksi": action}, headers=HTMX)
    assert again.text.lstrip().startswith(f'<tr id="listing-{listing.id}"')
    assert "“Penjahit Pakaian” tayang lagi." in again.text
    assert undo_button(again.text) is None
    assert publicly_found(app)
    with database.connection_context():
        actions = [e.action for e in AuditEvent.select().where(AuditEvent.entity_id == listing.id)
                   .order_by(AuditEvent.id)]
    assert actions[-2:] == ["listing.unpublish", "listing.publish"]


def test_unpublish_without_js_flashes_the_undo_button(admin, app, make_listing):
    listing = make_listing()
    response = admin.post(f"/admin/jasa/{listing.id}/terbit", data={"terbit": "0"},
                          headers={"Referer": "/admin/jasa"})
    assert response.status_code == 303
    page = admin.get(response.location).text
    assert "“Penjahit Pakaian” tidak tayang lagi." in page
    url, action = undo_button(page)
    back = admin.post(url, data={"aksi": action}, headers={"Referer": "/admin/jasa"})
    assert back.status_code == 303
    assert "“Penjahit Pakaian” tayang lagi." in admin.get(back.location).text
    assert publicly_found(app)


def test_undo_runs_the_publish_checks(admin, app, make_listing):
    listing = make_listing()
    row = admin.post(f"/admin/jasa/{listing.id}/terbit", data={"terbit": "0"}, headers=HTMX)
    url, action = undo_button(row.text)
    with database.connection_context():
        Consent.update(withdrawn_at=dt.datetime.now()).execute()
    refused = admin.post(url, data={"aksi": action}, headers=HTMX)
    assert "Belum ada persetujuan klien" in refused.text
    assert not stored(listing).is_published and not publicly_found(app)


def test_undo_is_refused_after_a_few_minutes(admin, app, make_listing):
    listing = make_listing()
    row = admin.post(f"/admin/jasa/{listing.id}/terbit", data={"terbit": "0"}, headers=HTMX)
    url, action = undo_button(row.text)
    with database.connection_context():
        Listing.update(updated_at=dt.datetime.now() - dt.timedelta(minutes=30)).execute()
    refused = admin.post(url, data={"aksi": action}, headers=HTMX)
    assert "tidak bisa diurungkan lagi" in refused.text
    assert not stored(listing).is_published


def test_delete_in_the_row_says_bin_and_undo_brings_it_back(admin, app, make_listing):
    listing = make_listing()
    row = admin.post(f"/admin/jasa/{listing.id}/hapus", headers=HTMX)
    assert "“Penjahit Pakaian” dipindah ke tempat sampah. Bisa dipulihkan." in row.text
    assert "Sampah" in row.text and not publicly_found(app)
    url, action = undo_button(row.text)
    again = admin.post(url, data={"aksi": action}, headers=HTMX)
    assert "“Penjahit Pakaian” tayang lagi." in again.text
    assert stored(listing).deleted_at is None and publicly_found(app)


def test_delete_without_js_flashes_the_undo_button(admin, app, make_listing):
    listing = make_listing(publish=False)
    response = admin.post(f"/admin/jasa/{listing.id}/hapus")
    assert response.status_code == 303
    page = admin.get(response.location).text
    assert "dipindah ke tempat sampah" in page
    url, action = undo_button(page)
    back = admin.post(url, data={"aksi": action})
    assert "“Penjahit Pakaian” dipulihkan sebagai draf." in admin.get(back.location).text
    restored = stored(listing)
    assert restored.deleted_at is None and not restored.is_published


def test_undo_with_an_unknown_action_changes_nothing(admin, make_listing):
    listing = make_listing()
    response = admin.post(f"/admin/jasa/{listing.id}/urungkan", data={"aksi": "<x>"},
                          headers=HTMX)
    assert response.status_code == 200 and "tidak dikenal" in response.text
    assert stored(listing).is_published
