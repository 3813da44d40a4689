"""Opening hours on the entry screen: the quick editor, what is saved, what is flagged."""
import pytest
from bs4 import BeautifulSoup
from conftest import form_payload

from app.db import database
from app.models import AuditEvent, Listing, OpenSlot
from app.records import hours


@pytest.fixture
def admin(client, auth):
    auth.login()
    return client


def editor(**fields):
    """A post of the entry form with the hours editor filled in."""
    payload = form_payload(working_hours="")
    payload.update(fields)
    return payload


def saved():
    with database.connection_context():
        listing = Listing.select().order_by(Listing.id.desc()).get()
        rows = [(s.weekday, s.opens, s.closes) for s in
                OpenSlot.select().where(OpenSlot.listing == listing).order_by(
                    OpenSlot.weekday, OpenSlot.opens)]
        return listing, rows


def test_same_hours_every_day_with_exceptions(admin):
    data = editor(hours_mode="jadwal", hours_opens="08:00", hours_closes="17:00",
                  hours_exceptions="Sabtu 08.00–12.00\nMinggu tutup")
    data["hours_days"] = ["0", "1", "2", "3", "4", "5", "6"]
    response = admin.post("/admin/jasa/baru", data=data)
    assert response.status_code == 303
    listing, rows = saved()
    assert hours.describe(hours.Hours.from_json(listing.hours)) == [
        "Senin–Jumat 08.00–17.00", "Sabtu 08.00–12.00"]
    assert listing.working_hours == "Senin–Jumat 08.00–17.00; Sabtu 08.00–12.00"
    assert rows == [(d, 480, 1020) for d in range(5)] + [(5, 480, 720)]


def test_hours_past_midnight_make_two_slots(admin):
    data = editor(hours_mode="jadwal", hours_opens="19:00", hours_closes="02:00",
                  hours_days=["4"])
    assert admin.post("/admin/jasa/baru", data=data).status_code == 303
    _, rows = saved()
    assert rows == [(4, 19 * 60, 1440), (5, 0, 120)]


@pytest.mark.parametrize("mode, line, slot_count", [("24jam", "24 jam", 7),
                                                    ("janji", "Dengan janji", 0)])
def test_round_the_clock_and_by_appointment(admin, mode, line, slot_count):
    assert admin.post("/admin/jasa/baru", data=editor(hours_mode=mode)).status_code == 303
    listing, rows = saved()
    assert listing.working_hours == line and len(rows) == slot_count


def test_free_text_that_parses_is_stored_as_data(admin):
    data = editor(hours_mode="bebas", working_hours="Setiap hari 06.00–22.00")
    assert admin.post("/admin/jasa/baru", data=data).status_code == 303
    listing, rows = saved()
    assert listing.working_hours == "Setiap hari 06.00–22.00"
    assert rows == [(d, 360, 1320) for d in range(7)]


def test_free_text_not_understood_is_kept_and_flagged(admin):
    data = editor(hours_mode="bebas", working_hours="Tergantung cuaca")
    assert admin.post("/admin/jasa/baru", data=data).status_code == 303
    listing, rows = saved()
    assert (listing.working_hours, listing.hours, rows) == ("Tergantung cuaca", "", [])
    flag = "Jam kerja belum terbaca sistem: Tergantung cuaca"
    assert flag in admin.get(f"/admin/jasa/{listing.id}/ubah").text
    assert flag in admin.get("/admin/jasa").text


@pytest.mark.parametrize("fields, field, message", [
    ({"hours_opens": "25:00", "hours_closes": "17:00"}, "hours_opens", "Jam tidak terbaca"),
    ({"hours_opens": "08:00", "hours_closes": ""}, "hours_closes", "Isi jam buka dan jam tutup"),
    ({"hours_opens": "08:00", "hours_closes": "08:00"}, "hours_closes", "harus berbeda"),
    ({"hours_opens": "08:00", "hours_closes": "17:00", "hours_exceptions": "Sabtu pagi"},
     "hours_exceptions", "Baris ini tidak terbaca"),
])
def test_bad_times_get_a_message_on_the_field(admin, fields, field, message):
    response = admin.post("/admin/jasa/baru", data=editor(hours_mode="jadwal", hours_days=["0"],
                                                          **fields))
    assert response.status_code == 200
    page = BeautifulSoup(response.text, "html.parser")
    assert message in page.find(id=f"msg-{field}").text
    with database.connection_context():
        assert Listing.select().count() == 0


def test_editing_fills_the_editor_from_the_stored_hours(admin, make_listing):
    listing = make_listing(working_hours="Senin–Jumat 08.00–16.00, Sabtu 08.00–12.00")
    page = BeautifulSoup(admin.get(f"/admin/jasa/{listing.id}/ubah").text, "html.parser")
    assert page.find("input", {"name": "hours_mode", "value": "jadwal"}).has_attr("checked")
    ticked = [i["value"] for i in page.find_all("input", {"name": "hours_days"})
              if i.has_attr("checked")]
    assert ticked == ["0", "1", "2", "3", "4"]
    assert page.find("input", {"name": "hours_opens"})["value"] == "08:00"
    assert page.find("input", {"name": "hours_closes"})["value"] == "16:00"
    assert page.find("textarea", {"name": "hours_exceptions"}).text.strip() == "Sabtu 08.00–12.00"


def test_a_save_rewrites_the_slots_and_the_audit_reads_the_hours(admin, make_listing):
    listing = make_listing()  # Senin–Sabtu 08.00–17.00
    data = editor(hours_mode="24jam", version=str(listing.version))
    assert admin.post(f"/admin/jasa/{listing.id}/ubah", data=data).status_code == 303
    _, rows = saved()
    assert rows == [(d, 0, 1440) for d in range(7)]
    with database.connection_context():
        event = AuditEvent.select().where(AuditEvent.action == "listing.update").get()
    assert "hours" in (event.after or "")
    trail = admin.get(f"/admin/audit?entitas=listing&id={listing.id}").text
    assert "Senin–Sabtu 08.00–17.00" in trail and "24 jam" in trail


def test_unchanged_hours_are_no_conflict(admin, make_listing):
    from test_conflict import form_values
    listing = make_listing()
    url = f"/admin/jasa/{listing.id}/ubah"
    mine = form_values(admin.get(url).text)
    assert admin.post(url, data=dict(mine, title="Penjahit Kebaya")).status_code == 303
    page = admin.post(url, data=dict(mine, title="Penjahit Jas"))  # the old version
    panel = BeautifulSoup(page.text, "html.parser").select_one("section.conflict")
    rows = [tr.th.get_text(strip=True) for tr in panel.select("tbody tr")]
    assert rows == ["Nama jasa"]
