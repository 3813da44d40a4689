"""The kiosk rotates the published services and never shows anything internal."""
import datetime as dt
import re

import pytest

from app.db import database
from app.models import Listing, Unit

INTERNAL = ["Rudi Hartono Saputra", "PB-123/2025", "RAHASIA-CATATAN-INTERNAL"]


def panel(client, i=0, since=""):
    response = client.get("/kiosk/panel", query_string={"i": i, "sejak": since},
                          headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response.text


def shown(html):
    match = re.search(r'data-listing="(\d*)"', html)
    return int(match.group(1)) if match and match.group(1) else None


@pytest.fixture
def three(make_listing):
    made = [make_listing(title=title, client_full_name=name, display_name=nick)
            for title, name, nick in [("Penjahit Pakaian", "Rudi Hartono Saputra", "Pak Rudi"),
                                      ("Las Pagar Besi", "Amir Mahmud Saleh", "Pak Amir"),
                                      ("Kue Basah Enak", "Sari Wulan Dewi", "Bu Sari")]]
    with database.connection_context():
        for n, listing in enumerate(made):  # distinct publish times: first made is oldest
            Listing.update(published_at=dt.datetime(2026, 1, 1 + n)).where(
                Listing.id == listing.id).execute()
    return made


def test_full_page_shows_office_clock_and_first_slide(client, three):
    page = client.get("/kiosk")
    assert page.status_code == 200
    assert "Bapas Kelas II Polewali" in page.text and "WITA" in page.text
    assert shown(page.text) == three[2].id  # newest first
    assert "<svg" in page.text  # QR code
    assert "cursor:none" in client.get(re.search(r'href="(/static/css/kiosk.css[^"]*)"',
                                                 page.text).group(1)).text


def test_panel_rotates_newest_first_and_wraps(client, three):
    order = [shown(panel(client, i)) for i in range(4)]
    assert order == [three[2].id, three[1].id, three[0].id, three[2].id]


def test_panel_schedules_next_slide_with_interval(client, app, three):
    html = panel(client, 0)
    assert 'hx-trigger="load delay:12s, kiosk-retry"' in html
    assert "i=1" in html
    with database.connection_context():
        Unit.update(kiosk_interval=7).execute()
    assert "load delay:7s" in panel(client, 0)


def test_featured_only_when_any(client, three, auth):
    auth.login()
    client.post(f"/admin/jasa/{three[0].id}/kios", data={"kios": "1"})
    assert {shown(panel(client, i)) for i in range(3)} == {three[0].id}
    client.post(f"/admin/jasa/{three[0].id}/kios", data={"kios": "0"})
    assert {shown(panel(client, i)) for i in range(3)} == {t.id for t in three}


def test_unpublished_listing_leaves_rotation(client, three, auth):
    auth.login()
    client.post(f"/admin/jasa/{three[1].id}/terbit", data={"terbit": "0"})
    seen = {shown(panel(client, i)) for i in range(6)}
    assert three[1].id not in seen and len(seen) == 2


def test_new_listing_jumps_the_queue(client, three, make_listing):
    html = panel(client, 0)
    since = re.search(r"sejak=([^\"&]+)", html).group(1).replace("%3A", ":")
    new = make_listing(title="Servis HP Cepat", client_full_name="Budi Santoso Putra",
                       display_name="Mas Budi")
    assert shown(panel(client, 2, since)) == new.id


def test_empty_rotation(client):
    html = panel(client, 0)
    assert "Belum ada jasa yang tayang" in html


def test_no_internal_data_on_kiosk(client, three):
    for i in range(3):
        html = panel(client, i)
        for secret in INTERNAL:
            assert secret not in html
    page = client.get("/kiosk").text
    for secret in INTERNAL:
        assert secret not in page


def test_admin_sets_interval_with_bounds(client, auth):
    auth.login()
    assert client.get("/admin/kios").status_code == 200
    response = client.post("/admin/kios", data={"interval": "3"})
    assert "Antara 5 dan 120 detik." in response.text
    response = client.post("/admin/kios", data={"interval": "abc"})
    assert response.status_code == 200
    client.post("/admin/kios", data={"interval": "9"})
    with database.connection_context():
        assert Unit.get().kiosk_interval == 9


def test_viewer_cannot_change_kiosk(client, auth, three):
    auth.login(username="viewer")
    assert client.post("/admin/kios", data={"interval": "9"}).status_code == 403
    assert client.post(f"/admin/jasa/{three[0].id}/kios", data={"kios": "1"}).status_code == 403
