"""Reading and writing spreadsheets (.xlsx and CSV) as plain rows of text, safely.

Uploaded files are untrusted: an .xlsx is a zip that could expand to gigabytes, so its
declared sizes are checked before openpyxl opens it (in read-only, streaming mode), and
rows and columns are capped. Every refusal is a `TableError` with an Indonesian message.
"""
import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

MAX_ROWS = 5000  # data rows, not counting the header
MAX_COLUMNS = 60
MAX_SCANNED_ROWS = MAX_ROWS * 3  # blank rows count too: a sheet of empty rows is refused
MAX_UNZIPPED = 100 * 1024 * 1024  # what an .xlsx may expand to
MAX_ZIP_MEMBERS = 500
DATE_FORMAT = "DD-MM-YYYY"  # how Indonesians write dates; CSV uses the same order
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet may run these as formulas
SHEET_NAMES = ("data", "jasa")  # the sheet read from a workbook, else its first sheet

NOT_SUPPORTED = "Jenis berkas tidak didukung. Unggah berkas Excel (.xlsx) atau CSV (.csv)."
BAD_XLSX = ("Berkas ini bukan berkas Excel (.xlsx) yang sah atau sudah rusak. Buka di Excel, "
            "simpan ulang sebagai .xlsx, lalu unggah lagi.")


class TableError(ValueError):
    """The file cannot be read; the message says why, in Indonesian."""


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (sheet row number, cells)


def neutralise(value):
    """Prefix text that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(DANGEROUS_START):
        return "'" + value
    return value


def cell_text(value) -> str:
    """Return a cell as text: dates as YYYY-MM-DD, whole numbers without `.0`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if text.startswith("'") and text[1:2] and text[1] in "=+-@":
        text = text[1:]  # undo neutralise(): our own exports re-import unchanged
    return text


def read_table(content: bytes, filename: str) -> Table:
    """Read the header and data rows of an uploaded .xlsx or CSV file."""
    name = (filename or "").lower()
    if content.startswith(b"PK\x03\x04"):
        return _read_xlsx(content)
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise TableError("Format Excel lama (.xls) tidak didukung. Di Excel pilih Simpan "
                         "Sebagai → Buku Kerja Excel (.xlsx), lalu unggah lagi.")
    if name.endswith((".xlsx", ".xlsm")):
        raise TableError(BAD_XLSX)
    if name.endswith((".csv", ".txt")):
        return _read_csv(content)
    raise TableError(NOT_SUPPORTED)


def _check_zip(content: bytes) -> None:
    try:
        members = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise TableError(BAD_XLSX) from None
    if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNZIPPED:
        raise TableError("Isi berkas Excel ini terlalu besar untuk dibaca. Pecah menjadi "
                         "beberapa berkas yang lebih kecil.")


def _read_xlsx(content: bytes) -> Table:
    from openpyxl import load_workbook  # loaded on use: keeps the server process small
    _check_zip(content)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any parser failure on an untrusted file is "corrupt"
        raise TableError(BAD_XLSX) from None
    try:
        sheet = next((s for s in book.worksheets if s.title.strip().lower() in SHEET_NAMES),
                     book.worksheets[0] if book.worksheets else None)
        if sheet is None:
            raise TableError(BAD_XLSX)
        return _collect(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True))
    except TableError:
        raise
    except Exception:  # noqa: BLE001 - openpyxl parses lazily: errors surface while reading
        raise TableError(BAD_XLSX) from None
    finally:
        book.close()


def _read_csv(content: bytes) -> Table:
    if b"\x00" in content[:4096]:
        raise TableError(NOT_SUPPORTED)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError("Berkas CSV harus tersimpan sebagai UTF-8. Di Excel pilih Simpan "
                         "Sebagai → CSV UTF-8 (dipisah koma), lalu unggah lagi.") from None
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    try:
        return _collect(row[:MAX_COLUMNS] for row in
                        csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise TableError("Berkas CSV tidak dapat dibaca: periksa tanda kutipnya.") from None


def _collect(raw_rows) -> Table:
    """Take the first non-empty row as the header and keep the non-empty rows after it."""
    table = None
    for number, raw in enumerate(raw_rows, start=1):
        if number > MAX_SCANNED_ROWS:
            raise TableError(f"Berkas terlalu panjang: paling banyak {MAX_ROWS:,} baris "
                             "data sekali impor.".replace(",", "."))
        cells = [cell_text(v) for v in raw]
        if not any(cells):
            continue
        if table is None:
            table = Table(headers=cells)
            continue
        table.rows.append((number, cells))
        if len(table.rows) > MAX_ROWS:
            raise TableError(f"Berkas berisi lebih dari {MAX_ROWS:,} baris data. Pecah "
                             "menjadi beberapa berkas.".replace(",", "."))
    if table is None:
        raise TableError("Berkas kosong: tidak ada baris judul kolom.")
    return table


def _date_text(value) -> str:
    return value.strftime("%d-%m-%Y")


def write_csv(headers: list[str], rows) -> bytes:
    """Write a CSV that Indonesian Excel opens as columns: UTF-8 with BOM, `;` between."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else _date_text(v) if isinstance(v, dt.date)
                         else neutralise(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(sheets) -> bytes:
    """Write (title, headers, rows, widths) sheets into one workbook, streaming."""
    # openpyxl (and the numpy it pulls in) is loaded only when a spreadsheet is made: it
    # would add ~17 MB to every server process.
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    book = Workbook(write_only=True)
    for title, headers, rows, widths in sheets:
        sheet = book.create_sheet(title)
        sheet.freeze_panes = "A2"
        for index, width in enumerate(widths or [], start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.append([_header_cell(sheet, h) for h in headers])
        for row in rows:
            sheet.append([_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _header_cell(sheet, text):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True)
    return cell


def _cell(sheet, value):
    if isinstance(value, dt.date):
        from openpyxl.cell import WriteOnlyCell
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return neutralise(value)
