"""The audit log page: superadmins only, filters, before/after, CSV export, read-only."""
import csv
import datetime as dt
import io

import pytest
from bs4 import BeautifulSoup
from conftest import PASSWORD
from test_admin import form_payload

from app.db import database
from app.models import AuditEvent, Unit
from app.security.accounts import create_user


@pytest.fixture
def admin(client, auth):
    auth.login()
    return client


def event_rows(html):
    soup = BeautifulSoup(html, "html.parser")
    return [tr.get_text(" ", strip=True) for tr in soup.select("table.audit tbody tr")]


def edit_title(admin, listing, title):
    response = admin.post(f"/admin/jasa/{listing.id}/ubah",
                          data=form_payload(title=title, version=str(listing.version)))
    assert response.status_code == 303


def test_shows_who_when_where_and_before_after(admin, make_listing):
    listing = make_listing()
    edit_title(admin, listing, "Penjahit Kebaya")
    page = admin.get("/admin/audit?tindakan=listing.update")
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    rows = soup.select("table.audit tbody tr")
    assert len(rows) == 1
    text = rows[0].get_text(" ", strip=True)
    assert "Jasa diubah" in text and "admin" in text and "127.0.0.1" in text and "WITA" in text
    change = [li for li in rows[0].select("li") if "Nama jasa" in li.text][0]
    assert change.select_one("del").text == "Penjahit Pakaian"
    assert change.select_one("ins").text == "Penjahit Kebaya"
    # Unchanged fields are not listed as changes.
    assert "Kisaran harga" not in text


def test_newest_first_and_filters(admin, make_listing, app):
    first, second = make_listing(), make_listing(title="Las Pagar")
    edit_title(admin, first, "Penjahit Kebaya")
    with database.connection_context():
        create_user(Unit.select().first(), "budi", PASSWORD, "admin")
        AuditEvent.create(action="listing.delete", entity="listing", entity_id=second.id,
                          username="budi", created_at=dt.datetime(2025, 1, 15, 9, 30))
    everything = event_rows(admin.get("/admin/audit").text)
    assert "Akun dibuat" in everything[0] and "budi" in everything[0]  # newest first
    assert "15 Jan 2025" in everything[-1]  # the oldest last, whatever order it was written in

    by_user = event_rows(admin.get("/admin/audit?pengguna=bud").text)
    assert len(by_user) == 1 and "budi" in by_user[0]
    by_entity = event_rows(admin.get(f"/admin/audit?entitas=listing&id={second.id}").text)
    assert len(by_entity) == 2 and all(f"#{second.id}" in row for row in by_entity)
    by_date = event_rows(admin.get("/admin/audit?dari=2025-01-01&sampai=2025-01-31").text)
    assert len(by_date) == 1 and "Jasa dibuang ke sampah" in by_date[0]
    assert event_rows(admin.get("/admin/audit?dari=2025-01-16&sampai=2025-01-31").text) == []
    # The action select offers exactly the distinct actions.
    soup = BeautifulSoup(admin.get("/admin/audit").text, "html.parser")
    offered = {o["value"] for o in soup.select("select[name=tindakan] option") if o["value"]}
    with database.connection_context():
        assert offered == {e.action for e in AuditEvent.select(AuditEvent.action)}


def test_live_filter_returns_only_the_results(admin, make_listing):
    make_listing()
    response = admin.get("/admin/audit?tindakan=listing.create", headers={"HX-Request": "true"})
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<section id="results">')
    assert len(event_rows(response.text)) == 1


def test_pages_of_fifty(admin, app):
    with database.connection_context():
        for i in range(120):
            AuditEvent.create(action="uji", entity="listing", entity_id=i, username="massal")
    first = event_rows(admin.get("/admin/audit?pengguna=massal").text)
    third = event_rows(admin.get("/admin/audit?pengguna=massal&hal=3").text)
    assert len(first) == 50 and len(third) == 20
    assert "#119" in first[0] and "#0" in third[-1]


@pytest.mark.parametrize("username, role", [("viewer", "viewer"), ("biasa", "admin")])
def test_only_superadmins(client, app, username, role):
    if role == "admin":
        with app.app_context(), database.connection_context():
            create_user(Unit.select().first(), username, PASSWORD, role)
    client.post("/masuk", data={"username": username, "password": PASSWORD})
    for url in ("/admin/audit", "/admin/audit?tindakan=login", "/admin/audit/ekspor.csv"):
        assert client.get(url).status_code == 403, url
    assert "Log audit" not in client.get("/admin/").text


def test_anonymous_is_sent_to_login(client):
    response = client.get("/admin/audit")
    assert response.status_code == 302 and "/masuk" in response.location


def test_no_route_can_change_the_log(app, admin):
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/admin/audit")]
    assert len(rules) >= 2
    for rule in rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
    for method in ("post", "put", "patch", "delete"):
        assert getattr(admin, method)("/admin/audit").status_code == 405


def test_csv_export_is_filtered_and_audited(admin, make_listing):
    listing = make_listing()
    edit_title(admin, listing, "=HYPERLINK(\"http://x\")")
    response = admin.get("/admin/audit/ekspor.csv?tindakan=listing.update")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Waktu (WITA)", "Pengguna", "Tindakan"]
    assert len(rows) == 2 and rows[1][3] == "listing.update"
    assert "Nama jasa: Penjahit Pakaian → =HYPERLINK" in rows[1][7]
    assert all(not cell.startswith("=") for cell in rows[1])  # no formula runs in Excel
    with database.connection_context():
        export = AuditEvent.get(AuditEvent.action == "audit.export")
        assert export.username == "admin" and '"rows": 1' in export.after
