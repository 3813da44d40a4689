"""Exporting the listing and client lists: filters, roles, units, formulas, round trip."""
import datetime as dt
import json

import pytest
from conftest import PASSWORD, listing_data
from spreadsheet_support import counts, filename_of, preview_and_import, read_csv, read_xlsx, upload

from app.db import database
from app.directory import search
from app.models import AuditEvent, Client, Consent, DailyStat, Listing, Unit, User
from app.office.columns import LISTING_COLUMNS, visible_columns
from app.records.listings import CLIENT_FIELDS, CONSENT_FIELDS, save_listing
from app.security.accounts import create_user

SECRETS = ["Rudi Hartono Saputra", "PB-123/2025", "RAHASIA-CATATAN-INTERNAL", "F-01/2026"]


@pytest.fixture
def admin(client, auth):
    auth.login()
    return client


@pytest.fixture
def unit_admin(app, client, auth):
    """An `admin` (not superadmin) of the default unit, signed in."""
    with app.app_context(), database.connection_context():
        create_user(Unit.select().first(), "petugas", PASSWORD, "admin", "Petugas Satu")
    auth.login("petugas")
    return client


def test_admin_export_has_every_column_and_internal_fields(admin, make_listing):
    make_listing()
    response = admin.get("/admin/ekspor/jasa.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert filename_of(response).startswith("raja-kemas-jasa-")
    rows = read_xlsx(response.data)
    assert rows[0] == [c.key for c in LISTING_COLUMNS]
    record = dict(zip(rows[0], rows[1]))
    assert record["nama_lengkap_klien"] == "Rudi Hartono Saputra"
    assert record["nomor_register"] == "PB-123/2025"
    assert record["tanggal_lahir"] == dt.datetime(1990, 5, 17)
    assert record["telepon"] == "0812-3456-7890" and record["terbitkan"] == "ya"
    assert record["kategori"] == "Menjahit & Permak" and record["kecamatan"] == "Wonomulyo"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_viewer_export_has_public_fields_only(client, auth, make_listing, fmt):
    make_listing()
    auth.login("viewer")
    response = client.get(f"/admin/ekspor/jasa.{fmt}")
    assert response.status_code == 200
    rows = read_xlsx(response.data) if fmt == "xlsx" else read_csv(response.data)
    assert rows[0] == [c.key for c in visible_columns("viewer")]
    assert rows[0] == ["nama_jasa", "kategori", "keterangan", "kecamatan", "wilayah_layanan",
                       "kisaran_harga", "jam_kerja", "nama_tampil", "nama_kontak", "telepon",
                       "terbitkan", "terakhir_dikonfirmasi"]
    cells = " ".join(str(v) for row in rows for v in row)
    assert "Penjahit Pakaian" in cells
    for secret in SECRETS + ["17-05-1990", "1990-05-17"]:
        assert secret not in cells
        if fmt == "csv":
            assert secret.encode() not in response.data


def test_viewer_may_not_export_clients(client, auth, make_listing):
    make_listing()
    auth.login("viewer")
    assert client.get("/admin/ekspor/klien.xlsx").status_code == 403
    assert "Daftar klien" not in client.get("/admin/impor").text


def test_client_export_one_row_per_client(app, admin, make_listing):
    first = make_listing()
    with app.test_request_context(), database.connection_context():
        save_listing(None, Client.get_by_id(first.client_id), listing_data(
            title="Permak Celana", phone="0813-1111-2222"), User.get(User.username == "admin"))
    rows = read_csv(admin.get("/admin/ekspor/klien.csv").data)
    header, body = rows[0], rows[1:]
    assert len(body) == 1
    record = dict(zip(header, body[0]))
    assert record["nama_lengkap_klien"] == "Rudi Hartono Saputra"
    assert record["jumlah_jasa"] == "2" and record["jumlah_terbit"] == "2"
    assert record["tanggal_lahir"] == "17-05-1990" and record["izin_telepon"] == "ya"


def test_export_follows_the_list_filters(admin, make_listing):
    make_listing()
    make_listing(title="Las Pagar", phone="0813-1111-2222", publish=False,
                 client_register_number="PB-9", client_full_name="Siti Aminah")
    titles = lambda url: [r[0] for r in read_csv(admin.get(url).data)[1:]]  # noqa: E731
    assert sorted(titles("/admin/ekspor/jasa.csv")) == ["Las Pagar", "Penjahit Pakaian"]
    assert titles("/admin/ekspor/jasa.csv?status=draf") == ["Las Pagar"]
    assert titles("/admin/ekspor/jasa.csv?q=Siti") == ["Las Pagar"]
    assert titles("/admin/ekspor/jasa.csv?status=sampah") == []
    page = admin.get("/admin/jasa?q=Siti&status=draf").text
    assert "/admin/ekspor/jasa.xlsx?q=Siti&amp;status=draf" in page


def test_export_keeps_to_the_unit(app, unit_admin, make_listing):
    make_listing()
    with app.test_request_context(), database.connection_context():
        other = Unit.create(name="Bapas Mamuju", slug="bapas-mamuju")
        someone = create_user(other, "mamuju", PASSWORD, "admin", "Admin Mamuju")
        save_listing(None, None, listing_data(title="Jasa Mamuju", client_register_number="M-1",
                                              client_full_name="Orang Mamuju"), someone)
    titles = [r[0] for r in read_csv(unit_admin.get("/admin/ekspor/jasa.csv").data)[1:]]
    assert titles == ["Penjahit Pakaian"]


def test_export_is_audited(admin, make_listing):
    make_listing()
    admin.get("/admin/ekspor/jasa.xlsx?status=terbit")
    with database.connection_context():
        event = AuditEvent.get(AuditEvent.action == "export")
        assert event.entity == "jasa" and event.username == "admin"
        assert json.loads(event.after) == {"rows": 1, "format": "xlsx", "q": "",
                                           "status": "terbit", "fields": "internal"}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_formulas_are_neutralised(admin, make_listing, fmt):
    make_listing(description='=HYPERLINK("http://jahat.example","klik")',
                 price_hint="+62 mulai 25rb", working_hours="-1+1", display_name="@Rudi")
    content = admin.get(f"/admin/ekspor/jasa.{fmt}").data
    rows = read_xlsx(content) if fmt == "xlsx" else read_csv(content)
    record = dict(zip(rows[0], rows[1]))
    assert record["keterangan"] == '\'=HYPERLINK("http://jahat.example","klik")'
    assert record["kisaran_harga"] == "'+62 mulai 25rb"
    assert record["jam_kerja"] == "'-1+1" and record["nama_tampil"] == "'@Rudi"


def _snapshot():
    """Every listing with its client and consent, as comparable plain values."""
    found = {}
    for x in Listing.select().order_by(Listing.title):
        consent = x.client.consents.order_by(Consent.id.desc()).first()
        found[x.title] = (
            {f: getattr(x, f) for f in ("description", "service_area", "price_hint",
                                        "working_hours", "display_name", "contact_name",
                                        "contact_relation", "phone", "phone_is_mobile",
                                        "is_published", "publish_until", "last_confirmed_at",
                                        "family_consent_name", "family_consent_on",
                                        "family_consent_reference")},
            x.category.slug, x.region.code if x.region_id else None,
            {f: getattr(x.client, f) for f in CLIENT_FIELDS},
            {f: getattr(consent, f) for f in CONSENT_FIELDS} if consent else None)
    return found


def _wipe():
    with database.connection_context(), database.atomic():
        for listing in Listing.select():
            search.remove_listing(listing.id)
        DailyStat.delete().execute()
        Listing.delete().execute()
        Consent.delete().execute()
        Client.delete().execute()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_round_trip_export_wipe_import_gives_identical_data(app, admin, make_listing, fmt):
    make_listing()
    make_listing(title="Permak Celana", phone="0411-123456", publish=False, region_id=None,
                 description="-diskon @pelanggan", price_hint="", featured=False)
    make_listing(title="Las Pagar", client_full_name="Siti Aminah", client_register_number="",
                 client_birth_date=dt.date(1985, 3, 2), client_supervision_end_date=None,
                 client_internal_notes="Baris satu\nbaris dua", contact_relation="keluarga",
                 contact_name="Bu Rina", phone="0852-5555-6666", family_consent_name="Rina",
                 family_consent_on=dt.date(2026, 1, 3), family_consent_reference="FK-2",
                 consent_scope_photo=False, consent_channel_kiosk=False,
                 consent_method="rekaman", consent_valid_until=dt.date(2030, 1, 1),
                 publish_until=dt.date(2030, 6, 30))
    with database.connection_context():
        Listing.update(last_confirmed_at=dt.date.today() - dt.timedelta(days=100)).where(
            Listing.title == "Las Pagar").execute()
        before = _snapshot()
    exported = admin.get(f"/admin/ekspor/jasa.{fmt}").data
    _wipe()
    assert counts(Listing, Client) == [0, 0]
    preview_and_import(admin, exported, f"ekspor.{fmt}")
    with database.connection_context():
        after = _snapshot()
    assert after.keys() == before.keys()
    for title in before:
        for part_before, part_after in zip(before[title], after[title]):
            assert part_after == part_before, title
    assert counts(Client) == [2]


def test_reimporting_an_export_over_existing_data_reports_duplicates(admin, make_listing):
    make_listing()
    response = upload(admin, admin.get("/admin/ekspor/jasa.xlsx").data, "lagi.xlsx")
    assert "sudah ada di Raja Kemas" in admin.get(response.location).text
    assert counts(Listing) == [1]


def test_import_and_export_page(admin):
    page = admin.get("/admin/impor").text
    assert "/admin/impor/templat.xlsx" in page and "/admin/ekspor/klien.csv" in page
    assert 'href="/admin/impor">Impor/Ekspor</a>' in page


def test_export_of_unknown_kind_is_404(admin):
    assert admin.get("/admin/ekspor/pengguna.xlsx").status_code == 404
    assert admin.get("/admin/ekspor/jasa.pdf").status_code == 404

