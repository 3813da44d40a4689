"""Importing clients and listings from Excel and CSV: template, preview, all or nothing."""
import datetime as dt
import io
import json
import time
import zipfile

import pytest
from conftest import PASSWORD
from openpyxl import load_workbook
from spreadsheet_support import (
    HEADERS,
    counts,
    csv_bytes,
    preview_and_import,
    problems,
    upload,
    valid_row,
    xlsx_bytes,
)

from app.db import database
from app.models import AuditEvent, Client, Consent, Listing, Unit
from app.office import importing, spreadsheets
from app.office.columns import BY_FIELD, LISTING_COLUMNS
from app.records.consent import FIELDS as CONSENT_FIELDS
from app.records.listings import CLIENT_FIELDS, LISTING_FIELDS
from app.security.accounts import create_user


@pytest.fixture
def admin(client, auth):
    auth.login()
    return client


def test_template_xlsx_has_data_guide_and_choices(admin):
    response = admin.get("/admin/impor/templat.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Data", "Petunjuk", "Kategori", "Kecamatan"]
    assert [c.value for c in book["Data"][1]] == HEADERS
    guide = {row[0]: row for row in book["Petunjuk"].iter_rows(values_only=True)}
    assert guide["telepon"][1] == "wajib" and "DD-MM-YYYY" in guide["tanggal_lahir"][2]
    assert ("Menjahit & Permak", "menjahit") in list(book["Kategori"].values)
    assert any(r[:2] == ("Wonomulyo", "Polewali Mandar") for r in book["Kecamatan"].values)


def test_template_csv_is_a_semicolon_header(admin):
    response = admin.get("/admin/impor/templat.csv")
    assert response.data.startswith("\ufeff".encode())
    assert response.data.decode("utf-8-sig").strip() == ";".join(HEADERS)


def test_the_downloaded_template_filled_in_imports(admin):
    book = load_workbook(io.BytesIO(admin.get("/admin/impor/templat.xlsx").data))
    row = valid_row(kategori="Menjahit & Permak", tanggal_lahir=dt.date(1990, 5, 17))
    book["Data"].append([row.get(h) for h in HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    preview_and_import(admin, buffer.getvalue(), "templat-terisi.xlsx")
    assert counts(Listing, Client, Consent) == [1, 1, 1]


def test_template_covers_every_field_of_the_entry_form():
    """A new form field without a column would be lost (or defaulted) on a round trip."""
    fields = {c.field for c in LISTING_COLUMNS}
    wanted = ({"client_" + f for f in CLIENT_FIELDS} | {"consent_" + f for f in CONSENT_FIELDS}
              | set(LISTING_FIELDS) | {"phone", "publish"}) - {"featured"}
    assert wanted <= fields, wanted - fields


def test_preview_writes_nothing_then_import_writes_all(admin, app):
    rows = [valid_row(), valid_row(nama_jasa="Permak Celana", telepon="0813 1111 2222"),
            valid_row(nama_jasa="Las Pagar", kategori="Las & Teralis", kecamatan="76.04.15",
                      nama_lengkap_klien="Siti Aminah", nomor_register="PB-9/2025",
                      telepon="+62 852 5555 6666", tanggal_lahir="1985-03-02",
                      terbitkan="tidak", kontak="keluarga", nama_kontak="Bu Rina",
                      persetujuan_keluarga_nama="Rina", persetujuan_keluarga_tanggal="03-01-2026",
                      persetujuan_keluarga_nomor="FK-2")]
    response = upload(admin, xlsx_bytes(rows), "klien.xlsx")
    assert response.status_code == 303
    page = admin.get(response.location).text
    assert "Impor 3 baris" in page and problems(page) == []
    assert counts(Listing, Client, Consent) == [0, 0, 0]
    done = admin.post(response.location)
    assert done.status_code == 303
    assert "3 baris dari klien.xlsx sudah diimpor" in admin.get(done.location).text
    with database.connection_context():
        assert Client.select().count() == 2  # the first two rows are one client
        rudi = Client.get(Client.register_number == "PB-123/2025")
        assert [x.title for x in rudi.listings.order_by(Listing.id)] == [
            "Penjahit Pakaian", "Permak Celana"]
        las = Listing.get(Listing.title == "Las Pagar")
        assert las.phone == "+6285255556666" and las.region.kecamatan == "Allu"
        assert not las.is_published and las.contact_relation == "keluarga"
        assert las.client.birth_date == dt.date(1985, 3, 2)
        event = AuditEvent.get(AuditEvent.action == "import")
        assert json.loads(event.after) == {"rows": 3, "file": "klien.xlsx"}
    assert "Penjahit Pakaian" in app.test_client().get("/?q=jahit").text
    again = admin.post(response.location)  # the upload is gone once imported
    assert again.status_code == 303 and again.location.endswith("/admin/impor")
    assert counts(Listing) == [3]


def test_bad_rows_get_a_precise_report_and_nothing_is_written(admin, make_listing):
    make_listing()  # PB-123/2025 "Penjahit Pakaian" already exists
    before = counts(Listing, Client, Consent, AuditEvent)
    other = dict(nomor_register="", nama_lengkap_klien="Budi Santoso", telepon="0812-0000-1111")
    rows = [
        valid_row(),  # row 2: already stored
        valid_row(nama_jasa="", **other),  # 3: missing title
        valid_row(nama_jasa="Jasa A", kategori="Sulap", **other),  # 4
        valid_row(nama_jasa="Jasa B", kecamatan="Atlantis", **other),  # 5
        valid_row(nama_jasa="Jasa C", nomor_register="", nama_lengkap_klien="Ani",
                  telepon="12345"),  # 6: bad phone
        valid_row(nama_jasa="Jasa D", tanggal_lahir="31-02-1990", **other),  # 7: no such day
        valid_row(nama_jasa="Jasa E", nomor_register="PB-77", nama_lengkap_klien="Dedi Anak",
                  telepon="0812-2222-3333", tanggal_lahir=(dt.date.today() - dt.timedelta(
                      days=365 * 15)).strftime("%d-%m-%Y")),  # 8: under 18, terbitkan=ya
        valid_row(nama_jasa="Jasa F", nomor_register="PB-88", nama_lengkap_klien="Eko",
                  telepon="0812-4444-5555"),  # 9
        valid_row(nama_jasa="jasa f", nomor_register="PB-88", nama_lengkap_klien="Eko",
                  telepon="0812-4444-9999"),  # 10: same register and title as row 9
        valid_row(nama_jasa="Budi Santoso Tukang Las", **other),  # 11: full name in title
        valid_row(nama_jasa="Jasa G", terbitkan="mungkin", **other),  # 12
    ]
    response = upload(admin, xlsx_bytes(rows), "buruk.xlsx")
    page = admin.get(response.location).text
    found = problems(page)
    expected = [
        (2, "nama_jasa", "Jasa ini sudah ada di Raja Kemas: nomor register dan nama jasa sama."),
        (3, "nama_jasa", "Wajib diisi."),
        (4, "kategori", "Kategori “Sulap” tidak dikenal. Lihat lembar Kategori di templat."),
        (5, "kecamatan", "Kecamatan “Atlantis” tidak dikenal. Lihat lembar Kecamatan di templat."),
        (6, "telepon", "Nomor telepon tidak valid. Periksa lagi jumlah angkanya."),
        (7, "tanggal_lahir", "Tanggal “31-02-1990” tidak dikenali. Tulis DD-MM-YYYY, "
                             "misalnya 17-05-1990."),
        (8, "terbitkan", "Klien belum berusia 18 tahun: jasanya tidak boleh diterbitkan "
                         "(UU 11/2012). Isi terbitkan = tidak."),
        (10, "nama_jasa", "Sama dengan baris 9: nomor register dan nama jasa sama."),
        (11, "nama_jasa", "Jangan tulis nama lengkap klien di bagian publik. Gunakan nama "
                          "panggilan yang disetujui klien."),
        (12, "terbitkan", "Isi “ya” atau “tidak”, bukan “mungkin”."),
    ]
    for item in expected:
        assert item in found, (item, found)
    assert {r for r, _, _ in found} == {r for r, _, _ in expected}  # row 9 is fine
    assert "Impor " not in page.split("<h2>Masalah")[0] and "baris</button>" not in page
    assert "Belum ada yang disimpan" in page
    assert counts(Listing, Client, Consent, AuditEvent) == before


def test_missing_required_columns_are_named(admin):
    content = xlsx_bytes([["Las", "0812"]], headers=["nama_jasa", "telepon"])
    page = admin.get(upload(admin, content, "x.xlsx").location).text
    assert "Kolom wajib tidak ada: kategori, nama_lengkap_klien, tanggal_lahir." in page


@pytest.mark.parametrize("delimiter,bom", [(";", True), (",", False), (";", False)])
def test_csv_with_semicolon_or_comma_with_or_without_bom(admin, delimiter, bom):
    content = csv_bytes([valid_row(), valid_row(nama_jasa="Obras", telepon="0813-9999-0000")],
                        delimiter=delimiter, bom=bom)
    preview_and_import(admin, content, "data.csv")
    with database.connection_context():
        assert sorted(x.title for x in Listing.select()) == ["Obras", "Penjahit Pakaian"]
        assert Listing.get(Listing.title == "Obras").category.slug == "menjahit"


def test_excel_dates_and_numbers_are_read(admin):
    row = valid_row(tanggal_lahir=dt.datetime(1990, 5, 17), telepon=81234567890,
                    tanggal_persetujuan=dt.date(2026, 1, 2), akhir_bimbingan=73050)
    preview_and_import(admin, xlsx_bytes([row]))
    with database.connection_context():
        listing = Listing.get()
        assert listing.phone == "+6281234567890"
        assert listing.client.birth_date == dt.date(1990, 5, 17)
        assert listing.client.supervision_end_date == dt.date(2099, 12, 31)


def test_non_utf8_csv_gets_a_message(admin):
    content = "nama_jasa;kategori\nKué;menjahit\n".encode("cp1252")
    response = upload(admin, content, "data.csv")
    assert response.status_code == 400 and "UTF-8" in response.text


@pytest.mark.parametrize("content,name,message", [
    (b"PK\x03\x04" + b"\x00garbage" * 50, "rusak.xlsx", "bukan berkas Excel (.xlsx) yang sah"),
    (b"MZ\x90\x00\x03\x00\x00\x00" + bytes(range(256)) * 8, "program.xlsx",
     "bukan berkas Excel (.xlsx) yang sah"),
    (b"MZ\x90\x00" + bytes(300), "program.exe", "Jenis berkas tidak didukung"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(300), "lama.xls", "Format Excel lama (.xls)"),
    (b"", "kosong.csv", "Berkas kosong"),
])
def test_bad_files_are_refused_with_a_message(admin, content, name, message):
    before = counts(Listing, Client)
    response = upload(admin, content, name)
    assert response.status_code == 400
    assert message in response.text
    assert counts(Listing, Client) == before


def test_a_zip_bomb_is_refused_before_reading(admin, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_UNZIPPED", 1024 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (3 * 1024 * 1024))
    response = upload(admin, buffer.getvalue(), "bom.xlsx")
    assert response.status_code == 400 and "terlalu besar" in response.text


def test_too_many_rows_are_refused(admin, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 3)
    rows = [valid_row(nama_jasa=f"Jasa {i}") for i in range(4)]
    response = upload(admin, xlsx_bytes(rows), "banyak.xlsx")
    assert response.status_code == 400 and "lebih dari 3 baris" in response.text


def test_viewer_cannot_import(client, auth):
    auth.login("viewer")
    assert client.post("/admin/impor").status_code == 403
    assert "Impor dari Excel" not in client.get("/admin/impor").text


def test_a_preview_belongs_to_its_uploader(admin, app, auth):
    with app.app_context(), database.connection_context():
        create_user(Unit.select().first(), "kedua", PASSWORD, "admin", "Admin Kedua")
    location = upload(admin, xlsx_bytes([valid_row()]), "a.xlsx").location
    auth.logout()
    auth.login("kedua")
    assert admin.post(location).status_code == 303
    assert counts(Listing) == [0]
    assert "kedaluwarsa atau bukan milik Anda" in admin.get("/admin/impor").text


def test_import_checks_again_at_confirm_time(admin, make_listing):
    location = upload(admin, xlsx_bytes([valid_row(nama_jasa="Obras"), valid_row()]),
                      "a.xlsx").location
    assert "Impor 2 baris" in admin.get(location).text
    make_listing()  # someone enters row 3's listing meanwhile
    page = admin.post(location).text
    assert (3, "nama_jasa", "Jasa ini sudah ada di Raja Kemas: nomor register dan nama "
                            "jasa sama.") in problems(page)
    assert counts(Listing) == [1]


def test_one_failing_row_at_write_rolls_back_every_row(app, db, monkeypatch):
    from app.models import User
    user = User.get(User.username == "admin")
    rows = [(n, [valid_row(nama_jasa=f"Jasa {n}").get(h, "") for h in HEADERS])
            for n in range(2, 6)]
    real_save = importing.save_listing
    calls = []

    def failing(listing, client, data, user, photo=None):
        calls.append(data["title"])
        if data["title"] == "Jasa 4":
            raise importing.FieldError("phone", "Nomor mati.")
        return real_save(listing, client, data, user, photo)
    monkeypatch.setattr(importing, "save_listing", failing)
    preview = importing.run_import(HEADERS, rows, "x.xlsx", user)
    assert [r.number for r in preview.bad_rows] == [4]
    assert preview.rows[2].problems == [["telepon", "Nomor mati."]]
    assert Listing.select().count() == 0 and Client.select().count() == 0
    assert not AuditEvent.select().where(AuditEvent.action == "import").exists()


def test_a_thousand_row_xlsx_imports(admin):
    rows = [valid_row(nama_jasa=f"Jasa nomor {i}", nomor_register=f"PB-{i}/2025",
                      nama_lengkap_klien=f"Klien Nomor {i}", telepon=f"0812{i:08d}")
            for i in range(1000)]
    content = xlsx_bytes(rows)
    started = time.perf_counter()
    response = upload(admin, content, "seribu.xlsx")
    previewed = time.perf_counter()
    page = admin.get(response.location).text
    assert "Impor 1000 baris" in page, problems(page)[:5]
    done = admin.post(response.location)
    finished = time.perf_counter()
    assert done.status_code == 303
    print(f"\n1000 baris: pratinjau {previewed - started:.1f} s, "
          f"impor {finished - previewed:.1f} s")
    assert counts(Listing, Client) == [1000, 1000]


def test_columns_map_to_known_fields():
    assert BY_FIELD["client_register_number"].key == "nomor_register"
    assert all(c.key == c.key.lower() and " " not in c.key for c in LISTING_COLUMNS)
