"""Helpers for the import/export tests: build spreadsheets, read downloads, post uploads."""
import csv
import io
import re

from bs4 import BeautifulSoup
from openpyxl import Workbook, load_workbook

from app.db import database
from app.office.columns import LISTING_COLUMNS

HEADERS = [c.key for c in LISTING_COLUMNS]


def valid_row(**overrides) -> dict:
    """A complete, publishable import row, as an officer would type it."""
    row = {
        "nama_jasa": "Penjahit Pakaian", "kategori": "menjahit",
        "keterangan": "Menjahit baju, permak celana.", "kecamatan": "Wonomulyo",
        "wilayah_layanan": "Wonomulyo dan sekitarnya", "kisaran_harga": "mulai Rp25.000",
        "jam_kerja": "Senin–Sabtu 08.00–17.00", "nama_tampil": "Pak Rudi", "kontak": "klien",
        "nama_kontak": "Pak Rudi", "telepon": "0812-3456-7890",
        "nama_lengkap_klien": "Rudi Hartono Saputra", "nomor_register": "PB-123/2025",
        "tanggal_lahir": "17-05-1990", "pembimbing": "Andi Petugas",
        "akhir_bimbingan": "31-12-2099", "catatan_internal": "RAHASIA-CATATAN-INTERNAL",
        "tanggal_persetujuan": "02-01-2026", "nomor_formulir": "F-01/2026",
        "izin_nama": "ya", "izin_foto": "tidak", "izin_telepon": "ya", "terbitkan": "ya",
    }
    row.update(overrides)
    return row


def xlsx_bytes(rows, headers=None) -> bytes:
    """An .xlsx whose first sheet holds `headers` and one line per row dict (or list)."""
    headers = headers or HEADERS
    book = Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers] if isinstance(row, dict) else row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, delimiter=";", bom=True, headers=None) -> bytes:
    headers = headers or HEADERS
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    return out.getvalue().encode("utf-8-sig" if bom else "utf-8")


def upload(client, content: bytes, name: str):
    """Post a file to the import page; return the response (not followed)."""
    return client.post("/admin/impor", data={"berkas": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def preview_and_import(client, content: bytes, name: str = "data.xlsx"):
    """Upload, check the preview offers the import, press it; return the final page."""
    response = upload(client, content, name)
    assert response.status_code == 303, response.text[:2000]
    preview = client.get(response.location)
    assert "Impor " in preview.text and "baris</button>" in preview.text, problems(preview.text)
    done = client.post(response.location)
    assert done.status_code == 303, problems(done.text)
    return client.get(done.location)


def problems(page: str) -> list[tuple[int, str, str]]:
    """The preview's problem table as (row, column, message) triples."""
    soup = BeautifulSoup(page, "html.parser")
    table = next((t for t in soup.select("table.rows")
                  if "Masalah" in t.select_one("thead").get_text()), None)
    if table is None:
        return []
    found = []
    for tr in table.select("tbody tr"):
        cells = [td.get_text(" ", strip=True) for td in tr.select("td")]
        found.append((int(cells[0]), cells[1], cells[3]))
    return found


def read_xlsx(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def read_csv(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def counts(*models) -> list[int]:
    with database.connection_context():
        return [m.select().count() for m in models]


def filename_of(response) -> str:
    return re.search(r'filename="([^"]+)"', response.headers["Content-Disposition"]).group(1)
