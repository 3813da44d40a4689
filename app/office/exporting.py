"""Exports of the listing and client lists (.xlsx or CSV), and the import template.

Which columns a role gets is decided in `columns.visible_columns`, nowhere else. Rows
come from `admin_listings`, so an export holds what the list shows with the same
filters and the same unit rule.
"""
import datetime as dt
import io
from dataclasses import dataclass

from babel.numbers import format_decimal
from peewee import fn

from app.models import Category, Consent, Listing, Region
from app.office.columns import LISTING_COLUMNS, visible_columns
from app.office.spreadsheets import DATE_FORMAT, MAX_ROWS, write_csv, write_xlsx
from app.records import audit
from app.records.listings import CLIENT_FIELDS, CONSENT_FIELDS, admin_listings
from app.records.location import place_of
from app.records.phones import display_phone
from app.web.i18n import N_, current_language, translate

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
SHEET_TITLES = {"jasa": "Jasa", "klien": "Klien"}  # file format (import reads Jasa): kept


@dataclass
class Export:
    content: bytes
    filename: str
    mimetype: str
    rows: int


def _yes_no(value) -> str:
    return "ya" if value else "tidak"


def _client_values(client, consent) -> dict:
    values = {"client_" + f: getattr(client, f) for f in CLIENT_FIELDS}
    for name in CONSENT_FIELDS:
        value = getattr(consent, name) if consent else None
        values["consent_" + name] = _yes_no(value) if isinstance(value, bool) else value
    return values


def newest_consents(client_ids) -> dict:
    """Return each client's newest consent unless withdrawn: a withdrawn one is never re-imported."""
    newest = (Consent.select(fn.MAX(Consent.id)).where(Consent.client.in_(list(client_ids)))
              .group_by(Consent.client))
    return {c.client_id: c for c in Consent.select().where(Consent.id.in_(newest))
            if c.withdrawn_at is None}


def _listing_values(listing, categories, regions, consent) -> dict:
    region = regions.get(listing.region_id)
    values = {name: getattr(listing, name) for name in (
        "title", "description", "service_area", "price_hint", "working_hours", "display_name",
        "contact_relation", "contact_name", "publish_until", "last_confirmed_at",
        "family_consent_name", "family_consent_on", "family_consent_reference")}
    values.update(category_id=categories[listing.category_id],
                  region_id=region.kecamatan if region else "",
                  phone=display_phone(listing.phone), publish=_yes_no(listing.is_published),
                  location=str(place_of(listing) or ""))
    values.update(_client_values(listing.client, consent))
    return values


def listing_table(user, text="", status="semua"):
    """Return the headers and rows of the listing list as `user` may export it."""
    columns = visible_columns(user.role, "jasa")
    listings = list(admin_listings(user, text, status))
    categories = {c.id: c.name for c in Category.select(Category.id, Category.name)}
    regions = {r.id: r for r in Region.select()}
    consents = newest_consents({x.client_id for x in listings})
    rows = []
    for listing in listings:
        values = _listing_values(listing, categories, regions, consents.get(listing.client_id))
        rows.append([values[c.field] for c in columns])
    return columns, rows


def client_table(user, text="", status="semua"):
    """Return the headers and rows of the clients behind the filtered listing list."""
    columns = visible_columns(user.role, "klien")
    clients = {}
    for listing in admin_listings(user, text, status):
        clients.setdefault(listing.client_id, listing.client)
    counts = {cid: (total, published) for cid, total, published in (
        Listing.select(Listing.client, fn.COUNT(Listing.id),
                       fn.SUM(Listing.is_published.cast("integer")))
        .where(Listing.client.in_(list(clients)), Listing.deleted_at.is_null())
        .group_by(Listing.client).tuples())} if clients else {}
    consents = newest_consents(set(clients))
    rows = []
    for cid, client in clients.items():
        total, published = counts.get(cid, (0, 0))
        values = dict(_client_values(client, consents.get(cid)), listings=total,
                      published=published or 0)
        rows.append([values[c.field] for c in columns])
    return columns, rows


def export(user, kind: str, fmt: str, text="", status="semua") -> Export | None:
    """Build an export of `kind` (jasa or klien) for `user`, audited; None if not allowed."""
    build = listing_table if kind == "jasa" else client_table
    columns, rows = build(user, text, status)
    if not columns:
        return None
    headers = [c.key for c in columns]
    stamp = dt.date.today().strftime("%Y%m%d")
    if fmt == "xlsx":
        content = write_xlsx([(SHEET_TITLES[kind], headers, rows, [c.width for c in columns])])
    else:
        content = write_csv(headers, rows)
    audit.record("export", kind, None, user=user, after={
        "rows": len(rows), "format": fmt, "q": text, "status": status,
        "fields": "internal" if any(c.internal for c in columns) else "public"})
    return Export(content, f"raja-kemas-{kind}-{stamp}.{fmt}",
                  XLSX_TYPE if fmt == "xlsx" else CSV_TYPE, len(rows))


def template_csv() -> bytes:
    """Return the import template as CSV: the header row only."""
    return write_csv([c.key for c in LISTING_COLUMNS], [])


# The Petunjuk sheet's notes, translated when the template is made (%(rows)s: MAX_ROWS).
GUIDE = [
    N_("Isi lembar Data: satu baris untuk satu jasa. Jangan ubah judul kolom di baris 1."),
    N_("Klien dengan beberapa jasa: tulis di beberapa baris dengan nomor register yang sama."),
    N_("Tanggal ditulis DD-MM-YYYY (17-05-1990); tanggal Excel juga diterima."),
    N_("Pilihan ya/tidak boleh ditulis ya, tidak, y atau t."),
    N_("Paling banyak %(rows)s baris sekali impor. Simpan sebagai .xlsx atau CSV UTF-8."),
    N_("Sebelum disimpan, aplikasi menampilkan pratinjau dengan semua masalah per baris. "
       "Tidak ada yang tersimpan sampai semua baris benar."),
]


def _bold_row(sheet, values) -> None:
    """Append a row of bold cells."""
    from openpyxl.styles import Font
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def _choice(sheet, formula: str, letter: str) -> None:
    """Offer a drop-down list in one column of the Data sheet."""
    from openpyxl.worksheet.datavalidation import DataValidation
    # A warning, not a stop: codes and variants (kode kategori, "y") are accepted too.
    check = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                           errorStyle="warning", errorTitle=translate("Isian tidak dikenal"),
                           error=translate("Sebaiknya pilih dari daftar. Lanjutkan?"))
    sheet.add_data_validation(check)
    check.add(f"{letter}2:{letter}{MAX_ROWS + 1}")


def template_xlsx() -> bytes:
    """Return the import template: Data, Petunjuk, Kategori and Kecamatan sheets.

    The column keys, the sheets Data, Kategori and Kecamatan (formulas and messages name
    them) and the choices are the file format, the same in every language; the guide
    sheet is in the requester's language.
    """
    # openpyxl (and the numpy it pulls in) is loaded only when a spreadsheet is made: it
    # would add ~17 MB to every server process.
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter
    book = Workbook()
    data = book.active
    data.title = "Data"
    _bold_row(data, [c.key for c in LISTING_COLUMNS])
    data.freeze_panes = "A2"
    categories = list(Category.select().order_by(Category.sort_order, Category.name))
    regions = list(Region.select().order_by(Region.kabupaten, Region.kecamatan))
    lists = {"category": f"=Kategori!$A$2:$A${len(categories) + 1}",
             "region": f"=Kecamatan!$A$2:$A${len(regions) + 1}",
             "bool": '"ya,tidak"', "relation": '"klien,keluarga,petugas"',
             "method": '"formulir,rekaman"'}
    for index, column in enumerate(LISTING_COLUMNS, start=1):
        letter = get_column_letter(index)
        dimension = data.column_dimensions[letter]
        dimension.width = max(column.width, len(column.key) + 2)
        dimension.number_format = DATE_FORMAT if column.kind == "date" else "@"
        if column.required:
            data.cell(1, index).fill = PatternFill("solid", fgColor="FFF2CC")
        if column.kind in lists:
            _choice(data, lists[column.kind], letter)
    guide = book.create_sheet(translate("Petunjuk"))
    _bold_row(guide, [translate("kolom"), translate("wajib"), translate("keterangan"),
                      translate("contoh")])
    required = translate("wajib")
    for column in LISTING_COLUMNS:
        guide.append([column.key, required if column.required else "", column.help_text(),
                      column.example])
    guide.append([])
    rows = format_decimal(MAX_ROWS, locale=current_language())  # 5.000 / 5,000
    for line in GUIDE:
        guide.append([translate(line, rows=rows) if "%(rows)s" in line else translate(line)])
    for letter, width in zip("ABCD", (26, 8, 80, 26)):
        guide.column_dimensions[letter].width = width
    sheet = book.create_sheet("Kategori")
    _bold_row(sheet, ["nama", "kode"])
    for category in categories:
        sheet.append([category.name, category.slug])
    sheet = book.create_sheet("Kecamatan")
    _bold_row(sheet, ["kecamatan", "kabupaten", "kode"])
    for region in regions:
        sheet.append([region.kecamatan, region.kabupaten, region.code])
    for sheet in book.worksheets[2:]:
        sheet.column_dimensions["A"].width = sheet.column_dimensions["B"].width = 26
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
