"""*Laporkan masalah*: the public reports a wrong number or a listing that no longer
serves; the listing's office checks and closes the report. Reports are never public."""
import pytest
from conftest import PASSWORD

from app import create_app
from app.db import database
from app.models import AuditEvent, Listing, ProblemReport, Unit
from app.records import problem_reports
from app.security.accounts import create_user

NOTE = "Nomor ini milik orang lain, bukan tukang jahit. CATATAN-PELAPOR-RAHASIA"
CONTACT = "0813-9999-0000 KONTAK-PELAPOR-RAHASIA"


def report(client, listing_id, address="203.0.113.5", **fields):
    data = {"reason": "nomor-salah", "note": NOTE, "contact": CONTACT}
    data.update(fields)
    return client.post(f"/jasa/{listing_id}/laporkan", data=data,
                       environ_base={"REMOTE_ADDR": address})


def stored(app):
    with app.app_context(), database.connection_context():
        return list(ProblemReport.select().order_by(ProblemReport.id))


def test_a_visitor_reports_and_the_office_sees_it(app, client, auth, make_listing):
    listing = make_listing()
    page = client.get(f"/jasa/{listing.id}-{listing.slug}")
    assert f"/jasa/{listing.id}/laporkan" in page.get_data(as_text=True)
    form = client.get(f"/jasa/{listing.id}/laporkan")
    assert form.status_code == 200 and "Nomor salah" in form.get_data(as_text=True)

    answer = report(client, listing.id)
    assert answer.status_code == 303 and answer.headers["Location"].endswith(listing.slug)
    assert "Terima kasih" in client.get(answer.headers["Location"]).get_data(as_text=True)
    [row] = stored(app)
    assert (row.reason, row.note, row.reporter_contact) == ("nomor-salah", NOTE, CONTACT.strip())

    auth.login()
    queue = client.get("/admin/laporan-masalah").get_data(as_text=True)
    assert NOTE in queue and "KONTAK-PELAPOR-RAHASIA" in queue and listing.title in queue
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "laporan masalah terbuka" in dashboard


def test_resolving_is_audited_forgets_the_contact_and_empties_the_queue(app, client, auth,
                                                                        make_listing):
    listing = make_listing()
    report(client, listing.id)
    [row] = stored(app)
    auth.login()
    answer = client.post(f"/admin/laporan-masalah/{row.id}/selesai",
                         data={"resolution": "diperbaiki"})
    assert answer.status_code == 303
    [row] = stored(app)
    assert row.resolution == "diperbaiki" and row.resolved_at and row.reporter_contact == ""
    assert NOTE not in client.get("/admin/laporan-masalah").get_data(as_text=True)
    with app.app_context(), database.connection_context():
        event = AuditEvent.get(AuditEvent.action == "report.resolve")
        assert event.entity_id == row.id and event.username == "admin"
    again = client.post(f"/admin/laporan-masalah/{row.id}/selesai",
                        data={"resolution": "bukan-masalah"})
    assert again.status_code == 404  # already closed


def test_a_viewer_cannot_close_and_another_office_cannot_see(app, client, auth, make_listing):
    listing = make_listing()
    report(client, listing.id)
    [row] = stored(app)
    with app.app_context(), database.connection_context():
        other = Unit.create(name="Bapas Mamuju", slug="bapas-mamuju")
        create_user(other, "petugas.mamuju", PASSWORD, "admin", "Petugas Mamuju")
    auth.login("viewer")
    assert NOTE in client.get("/admin/laporan-masalah").get_data(as_text=True)
    assert client.post(f"/admin/laporan-masalah/{row.id}/selesai",
                       data={"resolution": "diperbaiki"}).status_code == 403
    auth.logout()
    auth.login("petugas.mamuju")
    assert NOTE not in client.get("/admin/laporan-masalah").get_data(as_text=True)
    assert client.post(f"/admin/laporan-masalah/{row.id}/selesai",
                       data={"resolution": "diperbaiki"}).status_code == 404
    assert stored(app)[0].resolved_at is None


@pytest.mark.parametrize("fields, message", [
    ({"reason": ""}, "Pilih alasan laporan."),
    ({"reason": "lain-lain"}, ""),
    ({"note": "x" * 501}, "Paling banyak 500 karakter."),
    ({"contact": "0" * 101}, "Paling banyak 100 karakter."),
])
def test_bad_input_gets_a_message_and_stores_nothing(app, client, make_listing, fields, message):
    listing = make_listing()
    answer = report(client, listing.id, **fields)
    assert answer.status_code == 400
    assert message in answer.get_data(as_text=True)
    assert stored(app) == []


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>',
                                  "'; DROP TABLE listing; --", "🙂\u202eǅ\u200b", "{{ config }}"])
def test_hostile_text_is_stored_as_text_and_shown_escaped(app, client, auth, make_listing, text):
    listing = make_listing()
    assert report(client, listing.id, note=text, contact=text[:100]).status_code == 303
    auth.login()
    queue = client.get("/admin/laporan-masalah").get_data(as_text=True)
    assert "<script>alert(1)" not in queue and "<img src=x" not in queue
    assert stored(app)[0].note == text


def test_a_nul_byte_is_refused(app, client, make_listing):
    listing = make_listing()
    assert report(client, listing.id, note="a\x00b").status_code == 400
    assert stored(app) == []


def test_the_honeypot_thanks_a_bot_and_keeps_nothing(app, client, make_listing):
    listing = make_listing()
    answer = report(client, listing.id, website="http://spam.example")
    assert answer.status_code == 303
    assert stored(app) == []


def test_only_public_listings_can_be_reported(app, client, make_listing):
    draft = make_listing(publish=False)
    assert client.get(f"/jasa/{draft.id}/laporkan").status_code == 404
    assert report(client, draft.id).status_code == 404
    assert report(client, 999999).status_code == 404
    assert stored(app) == []


def test_the_per_address_limit_holds_across_processes(app, client, make_listing, database_url,
                                                      tmp_path):
    listing = make_listing()
    for _ in range(problem_reports.PER_ADDRESS):
        assert report(client, listing.id).status_code == 303
    # A second app on the same database: another process, same limit.
    other = create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": database_url,
                        "TESTING": True, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False})
    answer = report(other.test_client(), listing.id)
    assert answer.status_code == 429
    assert "Terlalu banyak laporan" in answer.get_data(as_text=True)
    assert report(client, listing.id, address="198.51.100.7").status_code == 303
    assert len(stored(app)) == problem_reports.PER_ADDRESS + 1


def test_three_wrong_number_reports_put_a_fresh_listing_first_on_the_worklist(
        app, client, auth, make_listing):
    first = make_listing(title="Penjahit Satu")
    second = make_listing(title="Penjahit Dua", client_register_number="PB-2/2025",
                          client_full_name="Sutrisno Budi Darmawan")
    auth.login()
    assert "Penjahit Dua" not in client.get("/admin/perlu-konfirmasi").get_data(as_text=True)
    for n in range(2):
        report(client, second.id, address=f"203.0.113.{n}")
    assert "Penjahit Dua" not in client.get("/admin/perlu-konfirmasi").get_data(as_text=True)
    report(client, second.id, address="203.0.113.9", reason="tidak-melayani")
    assert "Penjahit Dua" not in client.get("/admin/perlu-konfirmasi").get_data(as_text=True)
    report(client, second.id, address="203.0.113.10")
    worklist = client.get("/admin/perlu-konfirmasi").get_data(as_text=True)
    assert "Penjahit Dua" in worklist and "Penjahit Satu" not in worklist
    with app.app_context(), database.connection_context():  # an old contact comes after it
        Listing.update(last_confirmed_at="2020-01-01").where(Listing.id == first.id).execute()
    worklist = client.get("/admin/perlu-konfirmasi").get_data(as_text=True)
    assert worklist.index("Penjahit Dua") < worklist.index("Penjahit Satu")


def test_reports_never_reach_a_public_page_export_or_api(app, client, auth, make_listing):
    listing = make_listing()
    report(client, listing.id)
    public = ["/", "/?q=jahit", f"/jasa/{listing.id}-{listing.slug}", "/kategori/menjahit",
              "/kiosk", "/sitemap.xml", "/api/v1/services", f"/api/v1/services/{listing.id}",
              "/api/v1/services.csv", f"/jasa/{listing.id}/selebaran"]
    for url in public:
        text = client.get(url).get_data(as_text=True)
        assert "RAHASIA" not in text, url
    auth.login()
    for url in ("/admin/ekspor/jasa.csv", "/admin/ekspor/klien.csv"):
        assert "PELAPOR" not in client.get(url).get_data(as_text=True), url


def test_the_report_form_speaks_english(client, make_listing):
    listing = make_listing()
    client.set_cookie("lang", "en")
    page = client.get(f"/jasa/{listing.id}/laporkan").get_data(as_text=True)
    assert "Report a problem" in page and "Wrong number" in page


def test_a_report_sent_during_a_long_write_waits_and_is_kept(app, client, make_listing,
                                                             monkeypatch):
    """An import holds SQLite's write lock for seconds: the visitor's report waits for it
    (write_transaction) instead of failing after the connection's busy timeout."""
    import sqlite3

    from app.records import problem_reports
    listing = make_listing()
    real, tries = problem_reports._over_limit, []

    def locked_twice(address):
        tries.append(address)
        if len(tries) <= 2:
            raise sqlite3.OperationalError("database is locked")
        return real(address)
    monkeypatch.setattr(problem_reports, "_over_limit", locked_twice)
    assert report(client, listing.id).status_code == 303
    assert len(tries) == 3 and len(stored(app)) == 1
