"""`raja-kemas import FILE --as USERNAME [--unit SLUG]`: the import screen's checks from the
command line, all rows or none, audited as the named user."""
import pytest
from spreadsheet_support import csv_bytes, valid_row, xlsx_bytes

from app.db import database
from app.models import AuditEvent, Client, Listing, Unit


def stored():
    with database.connection_context():
        return Listing.select().count(), Client.select().count()


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def two_rows():
    return [valid_row(), valid_row(nama_jasa="Obras Kilat", telepon="0813-9999-0000",
                                   nama_lengkap_klien="Siti Aminah Lestari",
                                   nomor_register="PB-124/2025", nama_tampil="Bu Siti",
                                   nama_kontak="Bu Siti")]


# ids by name: an .xlsx holds its build time, and test workers must see the same ids
@pytest.mark.parametrize("name, content", [("data.csv", csv_bytes(two_rows())),
                                           ("data.xlsx", xlsx_bytes(two_rows()))],
                         ids=["csv", "xlsx"])
def test_import_writes_every_row_audited_as_the_user(app, runner, tmp_path, name, content):
    result = runner.invoke(args=["import", write(tmp_path, name, content), "--as", "admin"])
    assert result.exit_code == 0, result.output
    assert "2 baris" in result.output
    assert stored() == (2, 2)
    with database.connection_context():
        event = AuditEvent.get(AuditEvent.action == "import")
        assert event.username == "admin"
        created = AuditEvent.select().where(AuditEvent.action == "listing.create")
        assert {e.username for e in created} == {"admin"}


def test_a_bad_row_writes_nothing_and_is_named(app, runner, tmp_path):
    rows = two_rows()
    rows[1]["telepon"] = "12"
    rows[1]["kategori"] = "tidak-ada"
    result = runner.invoke(args=["import", write(tmp_path, "data.csv", csv_bytes(rows)),
                                 "--as", "admin"])
    assert result.exit_code == 1
    assert "Baris 3 (telepon)" in result.output and "Baris 3 (kategori)" in result.output
    assert "Baris 2" not in result.output
    assert "Tidak ada yang disimpan" in result.output
    assert stored() == (0, 0)


@pytest.mark.parametrize("args, message", [
    (["--as", "nobody"], "Pengguna 'nobody' tidak ada"),
    (["--as", "viewer"], "hanya boleh melihat"),
    (["--as", "admin", "--unit", "tidak-ada"], "Unit 'tidak-ada' tidak ada"),
    ([], "--as"),
])
def test_bad_arguments_get_a_message(app, runner, tmp_path, args, message):
    path = write(tmp_path, "data.csv", csv_bytes(two_rows()))
    result = runner.invoke(args=["import", path, *args])
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output
    assert stored() == (0, 0)


@pytest.mark.parametrize("name, content, message", [
    ("hilang.csv", None, "Berkas tidak ditemukan"),
    ("data.xls", b"\xd0\xcf\x11\xe0old excel", "Format Excel lama"),
    ("data.pdf", b"%PDF-1.4", ""),
    ("kosong.csv", b"", ""),
])
def test_unreadable_files_get_a_message(app, runner, tmp_path, name, content, message):
    path = str(tmp_path / name) if content is None else write(tmp_path, name, content)
    result = runner.invoke(args=["import", path, "--as", "admin"])
    assert result.exit_code == 1
    assert "Error:" in result.output and "Traceback" not in result.output
    assert message in result.output
    assert stored() == (0, 0)


def test_unit_option_puts_the_listings_in_that_unit(app, runner, tmp_path):
    with database.connection_context():
        other = Unit.create(name="Bapas Majene", slug="bapas-majene")
    result = runner.invoke(args=["import", write(tmp_path, "data.csv", csv_bytes(two_rows())),
                                 "--as", "admin", "--unit", "bapas-majene"])
    assert result.exit_code == 0, result.output
    with database.connection_context():
        assert {x.unit_id for x in Listing.select()} == {other.id}
