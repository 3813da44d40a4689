"""No silent overwrites: the second editor of a stale listing merges instead of overwriting."""
import io

import pytest
from bs4 import BeautifulSoup
from conftest import PASSWORD, jpeg_bytes, listing_data

from app.db import database
from app.models import AuditEvent, Listing, Unit, User
from app.records import listings as domain
from app.security.accounts import create_user


def form_values(html: str) -> dict:
    """Return what a browser would submit from the page's entry form."""
    form = BeautifulSoup(html, "html.parser").select_one("form.entry")
    values = {}
    for field in form.select("input[name], select[name], textarea[name]"):
        name = field["name"]
        if field.name == "textarea":
            text = field.text  # a browser drops one newline right after <textarea>
            values[name] = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
        elif field.name == "select":
            chosen = field.select_one("option[selected]") or field.select_one("option")
            values[name] = chosen.get("value", chosen.text) if chosen else ""
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked") and name in values and field.get("type") == "checkbox":
                values[name] = [*([values[name]] if isinstance(values[name], str)
                                  else values[name]), field.get("value", "y")]  # hours_days
            elif field.has_attr("checked"):
                values[name] = field.get("value", "y")
        elif field.get("type") != "file":
            values[name] = field.get("value", "")
    return values


@pytest.fixture
def two_admins(app):
    """Two signed-in editors in two browsers: the superadmin and a second admin."""
    with app.app_context(), database.connection_context():
        create_user(Unit.select().first(), "admin2", PASSWORD, "admin", "Budi Operator")
    first, second = app.test_client(), app.test_client()
    for client, name in ((first, "admin"), (second, "admin2")):
        response = client.post("/masuk", data={"username": name, "password": PASSWORD})
        assert response.status_code == 302
    return first, second


def stored(listing_id):
    with database.connection_context():
        return Listing.get_by_id(listing_id)


def test_second_save_shows_merge_panel_and_merged_save_keeps_both(two_admins, make_listing):
    first, second = two_admins
    listing = make_listing()
    url = f"/admin/jasa/{listing.id}/ubah"
    mine_1, mine_2 = form_values(first.get(url).text), form_values(second.get(url).text)
    assert mine_1["version"] == mine_2["version"] == str(listing.version)

    mine_1.update(title="Penjahit Kebaya", price_hint="mulai Rp30.000")
    assert first.post(url, data=mine_1).status_code == 303
    mine_2.update(title="Penjahit Jas", description="Jas, kebaya dan seragam dinas.")
    page = second.post(url, data=mine_2)

    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    panel = soup.select_one("section.conflict")
    assert panel is not None
    head = panel.select_one("thead").get_text(" ", strip=True)
    assert "Nilai tersimpan (oleh Andi Petugas pada" in head and "WITA" in head
    assert "Isian Anda" in head
    rows = {tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.select("td")]
            for tr in panel.select("tbody tr")}
    assert rows["Nama jasa"] == ["Penjahit Kebaya", "Penjahit Jas"]
    assert rows["Kisaran harga"] == ["mulai Rp30.000", "mulai Rp25.000"]
    assert rows["Keterangan"][1] == "Jas, kebaya dan seragam dinas."
    assert "Telepon / WhatsApp" not in rows  # the same number, written differently, is no conflict
    # Nothing overwritten, and the form still holds the second admin's own input.
    saved = stored(listing.id)
    assert (saved.title, saved.price_hint) == ("Penjahit Kebaya", "mulai Rp30.000")
    assert saved.description == "Menjahit baju, permak celana, seragam sekolah."
    again = form_values(page.text)
    assert again["title"] == "Penjahit Jas"
    assert again["description"] == "Jas, kebaya dan seragam dinas."
    assert again["version"] == str(saved.version)

    # The second admin merges: takes the stored title and price, keeps their description.
    again.update(title="Penjahit Kebaya", price_hint="mulai Rp30.000")
    response = second.post(url, data=again)
    assert response.status_code == 303
    merged = stored(listing.id)
    assert merged.title == "Penjahit Kebaya"
    assert merged.price_hint == "mulai Rp30.000"
    assert merged.description == "Jas, kebaya dan seragam dinas."
    assert merged.version == saved.version + 1
    with database.connection_context():
        updates = AuditEvent.select().where(AuditEvent.action == "listing.update",
                                            AuditEvent.entity_id == listing.id)
        assert sorted(e.username for e in updates) == ["admin", "admin2"]


def test_a_third_save_in_between_conflicts_again(two_admins, make_listing):
    first, second = two_admins
    listing = make_listing()
    url = f"/admin/jasa/{listing.id}/ubah"
    mine_1, mine_2 = form_values(first.get(url).text), form_values(second.get(url).text)
    first.post(url, data=dict(mine_1, title="Penjahit Kebaya"))
    retry = form_values(second.post(url, data=dict(mine_2, title="Penjahit Jas")).text)
    # The first admin saves once more before the second presses Simpan again.
    first.post(url, data=form_values(first.get(url).text) | {"hours_mode": "bebas",
                                                             "working_hours": "Setiap hari"})
    page = second.post(url, data=retry)
    assert page.status_code == 200 and "Gabungkan perubahan" in page.text
    assert stored(listing.id).working_hours == "Setiap hari"
    assert stored(listing.id).title == "Penjahit Kebaya"


def test_conflict_says_when_the_chosen_photo_was_not_kept(two_admins, make_listing, app):
    first, second = two_admins
    listing = make_listing()
    url = f"/admin/jasa/{listing.id}/ubah"
    mine_1, mine_2 = form_values(first.get(url).text), form_values(second.get(url).text)
    first.post(url, data=dict(mine_1, title="Penjahit Kebaya"))
    upload = dict(mine_2, photo=(io.BytesIO(jpeg_bytes()), "foto.jpg"))
    page = second.post(url, data=upload, content_type="multipart/form-data")
    assert "Foto yang Anda pilih belum tersimpan" in page.text
    from pathlib import Path
    folder = Path(app.config["UPLOAD_DIR"])
    assert not folder.exists() or not any(folder.iterdir())
    assert stored(listing.id).photo is None


def test_conflict_error_carries_stored_values_and_who(app, make_listing):
    listing = make_listing()
    with app.test_request_context(), database.connection_context():
        user = User.get(User.username == "admin")
        domain.save_listing(Listing.get_by_id(listing.id), None,
                            listing_data(title="Penjahit Kebaya", version=listing.version), user)
        with pytest.raises(domain.ConflictError) as caught:
            domain.save_listing(Listing.get_by_id(listing.id), None,
                                listing_data(title="Penjahit Jas", client_internal_notes="baru",
                                             version=listing.version), user)
    exc = caught.value
    assert set(exc.changed) == {"title", "client_internal_notes"}
    assert exc.saved == {"title": "Penjahit Kebaya",
                         "client_internal_notes": "RAHASIA-CATATAN-INTERNAL"}
    assert exc.version == listing.version + 1
    assert exc.by == "Andi Petugas" and exc.at is not None


@pytest.mark.parametrize("action", [
    lambda listing, user: domain.confirm_listing(listing, user),
    lambda listing, user: domain.set_published(listing, False, user),
    lambda listing, user: domain.set_featured(listing, True, user),
    lambda listing, user: domain.delete_listing(listing, user),
], ids=["confirm", "unpublish", "feature", "delete"])
def test_a_button_pressed_on_a_row_read_before_an_edit_keeps_the_edit(app, make_listing, action):
    listing = make_listing()
    with app.test_request_context(), database.connection_context():
        user = User.get(User.username == "admin")
        pressed = Listing.get_by_id(listing.id)  # what the button's request read
        domain.save_listing(Listing.get_by_id(listing.id), None,
                            listing_data(title="Penjahit Kebaya", version=listing.version), user)
        action(pressed, user)
        saved = Listing.get_by_id(listing.id)
    assert saved.title == "Penjahit Kebaya"
    assert saved.version == listing.version + 2


@pytest.fixture
def two_listings_of_one_client(app, make_listing):
    """Two listings of the same client (the second added from the client's record)."""
    first = make_listing()
    with app.test_request_context(), database.connection_context():
        user = User.get(User.username == "admin")
        second = domain.save_listing(None, first.client, listing_data(
            title="Permak Celana", description="Potong dan permak celana."), user)
    return first, second


def stored_client(listing_id):
    with database.connection_context():
        return Listing.get_by_id(listing_id).client


def test_a_stale_form_of_the_clients_other_listing_does_not_undo_a_client_change(
        two_admins, two_listings_of_one_client):
    """Both entry forms show the client's internal fields. An officer who saves the
    second listing from a form opened before the first was saved must not silently put
    the client's old notes and dates back: they get the conflict panel instead."""
    first, second = two_admins
    one, other = two_listings_of_one_client
    url_one, url_other = f"/admin/jasa/{one.id}/ubah", f"/admin/jasa/{other.id}/ubah"
    form_one, form_other = form_values(first.get(url_one).text), form_values(
        second.get(url_other).text)
    old_notes = form_other["client_internal_notes"]

    form_one["client_internal_notes"] = "Wajib lapor tiap Senin."
    assert first.post(url_one, data=form_one).status_code == 303
    form_other["price_hint"] = "mulai Rp40.000"
    page = second.post(url_other, data=form_other)

    assert page.status_code == 200
    rows = {tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.select("td")]
            for tr in BeautifulSoup(page.text, "html.parser").select("section.conflict tbody tr")}
    assert rows["Catatan internal"] == ["Wajib lapor tiap Senin.", old_notes]
    assert "Kisaran harga" not in rows  # the listing itself did not change meanwhile
    assert stored_client(other.id).internal_notes == "Wajib lapor tiap Senin."
    assert stored(other.id).price_hint != "mulai Rp40.000"

    # Taking the stored notes and saving again keeps both changes.
    again = form_values(page.text)
    assert again["price_hint"] == "mulai Rp40.000"  # the typing is kept
    again["client_internal_notes"] = "Wajib lapor tiap Senin."
    assert second.post(url_other, data=again).status_code == 303
    assert stored(other.id).price_hint == "mulai Rp40.000"
    assert stored_client(other.id).internal_notes == "Wajib lapor tiap Senin."


def test_saving_one_listing_of_a_client_is_no_conflict_for_the_other(
        two_admins, two_listings_of_one_client):
    """Only a change to the client (or their consent) makes the other form stale."""
    first, second = two_admins
    one, other = two_listings_of_one_client
    url_one, url_other = f"/admin/jasa/{one.id}/ubah", f"/admin/jasa/{other.id}/ubah"
    form_one, form_other = form_values(first.get(url_one).text), form_values(
        second.get(url_other).text)
    form_one["title"] = "Penjahit Kebaya"
    assert first.post(url_one, data=form_one).status_code == 303
    form_other["price_hint"] = "mulai Rp40.000"
    assert second.post(url_other, data=form_other).status_code == 303
    assert stored(other.id).price_hint == "mulai Rp40.000"
    assert stored(one.id).title == "Penjahit Kebaya"
