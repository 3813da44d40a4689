"""Importing listings with their clients from a spreadsheet: check every row, write all or none.

Each row goes through the entry form's validators and then through `save_listing`, the
same path as the entry screen, so an import can never store what the form would refuse.
The preview runs that write inside a transaction and rolls it back: what it reports is
exactly what the import would meet.
"""
import datetime as dt
import re
from dataclasses import dataclass, field

from peewee import DatabaseError
from werkzeug.datastructures import MultiDict

from app.db import DatabaseBusy, is_busy_error, write_transaction
from app.directory.publishing import PublishError, adult_cutoff
from app.models import Client, Listing
from app.office.cell_values import (
    Lookups,
    client_key,
    listing_keys,
    method,
    norm,
    parse_bool,
    parse_date,
    relation,
)
from app.office.columns import BY_FIELD, BY_KEY, LISTING_COLUMNS, REQUIRED
from app.records import audit
from app.records.listing_form import ListingForm
from app.records.listings import FieldError, check_public_text, save_listing
from app.records.phones import parse_phone
from app.web.i18n import N_, translate


@dataclass
class Row:
    number: int  # the row number Excel shows
    values: dict  # column key -> text as in the file
    problems: list = field(default_factory=list)  # [column key, message]
    note: str = ""
    data: dict | None = None
    client_key: tuple = ()
    client_id: int | None = None  # an existing client this row adds a listing to
    phone: str = ""  # E.164, once the number is valid
    confirmed_on: dt.date | None = None

    def problem(self, column: str, message: str) -> None:
        self.problems.append([column, message])

    def has_problem(self, column: str) -> bool:
        return any(c == column for c, _ in self.problems)


@dataclass
class Preview:
    file: str
    rows: list[Row]
    file_problems: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # columns the template does not know

    @property
    def bad_rows(self) -> list[Row]:
        return [r for r in self.rows if r.problems]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.file_problems and not self.bad_rows


def _convert(row: Row, lookups: Lookups, user) -> dict:
    """Turn a row's text into save_listing data, noting what cannot be read."""
    data = {"remove_photo": False, "featured": False, "version": ""}
    readers = {"text": str.strip, "phone": str.strip, "date": parse_date, "bool": parse_bool,
               "category": lookups.category, "region": lookups.region, "relation": relation,
               "method": method}
    for column in LISTING_COLUMNS:
        try:
            data[column.field] = readers[column.kind](row.values.get(column.key, ""))
        except ValueError as exc:
            row.problem(column.key, str(exc))
            data[column.field] = None
    data["publish"] = bool(data["publish"])
    row.confirmed_on = data.pop("last_confirmed_at")
    if row.confirmed_on and row.confirmed_on > dt.date.today():
        row.problem("terakhir_dikonfirmasi", translate("Tanggal tidak boleh di masa depan."))
    if not data["consent_officer_name"]:
        data["consent_officer_name"] = user.full_name or user.username
    return data


def _as_posted(data: dict) -> MultiDict:
    """Return the values as a browser would post the entry form, for its validators."""
    posted = MultiDict()
    for name, value in data.items():
        if isinstance(value, bool) or value is None:
            if value:
                posted[name] = "y"
        elif isinstance(value, dt.date):
            posted[name] = value.isoformat()
        else:
            posted[name] = str(value)
    return posted


def _indonesian(message: str) -> str:
    """Put WTForms' built-in English messages (it ships no Indonesian catalogue) in our
    words, in the requester's language (Indonesian outside a request)."""
    message = str(message)  # a form's own message may be a lazy (Flask-Babel) string
    longer = re.fullmatch(r"Field cannot be longer than (\d+) characters?\.", message)
    if longer:
        return translate("Terlalu panjang: paling banyak %(count)s huruf.",
                         count=longer.group(1))
    if message == "Not a valid date value.":
        return translate("Tanggal tidak dikenali.")
    if message == "Not a valid choice.":
        return translate("Pilihan tidak dikenal.")
    return message


def _validate(row: Row, data: dict, form) -> None:
    """Apply the entry form's validators and the public-text and phone rules."""
    category, region = data["category_id"] or 0, data["region_id"] or 0
    form.process(_as_posted(dict(data, category_id=category, region_id=region)))
    # The lookups already checked both ids: the only choice is the one read.
    form.category_id.choices, form.region_id.choices = [(category, "")], [(region, "")]
    form.validate()
    for name, errors in form.errors.items():
        column = BY_FIELD.get(name)
        if column and not row.has_problem(column.key):
            row.problem(column.key, _indonesian(errors[0]))
    try:
        check_public_text(data["client_full_name"] or "", data)
    except FieldError as exc:
        row.problem(BY_FIELD[exc.field].key, exc.message)
    if data["phone"] and not row.has_problem("telepon"):
        try:
            row.phone = parse_phone(data["phone"]).e164
        except ValueError as exc:
            row.problem("telepon", str(exc))
    birth = data["client_birth_date"]
    if data["publish"] and birth and birth > adult_cutoff(dt.date.today()):
        row.problem("terbitkan", translate("Klien belum berusia 18 tahun: jasanya tidak boleh "
                                           "diterbitkan (UU 11/2012). Isi terbitkan = tidak."))


def _match(row: Row, data: dict, lookups: Lookups, seen_clients: dict, seen: dict) -> None:
    """Tie the row to its client and find duplicates, in the file and already stored."""
    register, name = data["client_register_number"] or "", data["client_full_name"] or ""
    row.client_key = client_key(register, name, data["client_birth_date"])
    first = seen_clients.setdefault(row.client_key, (row.number, norm(name)))
    if register and first[1] != norm(name):
        row.problem("nama_lengkap_klien", translate("Nomor register sama dengan baris "
                                                    "%(row)s, tetapi nama klien berbeda.",
                                                    row=first[0]))
    existing = lookups.clients.get(row.client_key)
    if existing and register and norm(existing.full_name) != norm(name):
        row.problem("nomor_register", translate("Nomor register ini sudah dipakai klien lain "
                                                "yang tercatat dengan nama berbeda."))
    elif existing:
        row.client_id = existing.id
        row.note = translate("Klien sudah tercatat: jasa ditambahkan ke data klien itu.")
    same = {"register": N_("Sama dengan baris %(row)s: nomor register dan nama jasa sama."),
            "phone": N_("Sama dengan baris %(row)s: nomor telepon dan nama jasa sama.")}
    stored = {"register": N_("Jasa ini sudah ada di Raja Kemas: nomor register dan nama jasa "
                             "sama."),
              "phone": N_("Jasa ini sudah ada di Raja Kemas: nomor telepon dan nama jasa sama.")}
    for key in listing_keys(register, row.phone, data["title"] or ""):
        if not key[-1]:
            continue
        if key in seen:
            row.problem("nama_jasa", translate(same[key[0]], row=seen[key]))
            break
        if key in lookups.listings:
            row.problem("nama_jasa", translate(stored[key[0]]))
            break
    for key in listing_keys(register, row.phone, data["title"] or ""):
        seen.setdefault(key, row.number)


def header_keys(headers: list[str]) -> list[str]:
    """Read headers forgivingly: `Nama Jasa*` is nama_jasa."""
    return [re.sub(r"[\s\-]+", "_", h.strip().lower()).strip("*_") for h in headers]


def check_rows(headers: list[str], raw_rows, filename: str, user) -> Preview:
    """Read and check every row, without writing anything."""
    keys = header_keys(headers)
    preview = Preview(file=filename, rows=[],
                      ignored=[h for h, k in zip(headers, keys) if k and k not in BY_KEY])
    missing = [k for k in REQUIRED if k not in keys]
    if missing:
        preview.file_problems.append(translate("Kolom wajib tidak ada: %(columns)s. Gunakan "
                                               "templat dari halaman ini.",
                                               columns=", ".join(missing)))
    doubled = sorted({k for k in keys if k in BY_KEY and keys.count(k) > 1})
    if doubled:
        preview.file_problems.append(translate("Kolom ganda: %(columns)s.",
                                               columns=", ".join(doubled)))
    if preview.file_problems:
        return preview
    # Imported here: loading app.admin registers its routes, which import this module.
    lookups, seen_clients, seen = Lookups(user), {}, {}
    form = ListingForm(formdata=None, meta={"csrf": False})  # one form, refilled per row
    for number, cells in raw_rows:
        values = {k: v for k, v in zip(keys, cells) if k in BY_KEY}
        row = Row(number=number, values=values)
        row.data = _convert(row, lookups, user)
        _validate(row, row.data, form)
        _match(row, row.data, lookups, seen_clients, seen)
        preview.rows.append(row)
    if not preview.rows:
        preview.file_problems.append(translate("Tidak ada baris data di bawah judul kolom."))
    return preview


class _DryRun(Exception):
    """Raised inside the transaction to roll a preview's (or a failed import's) writes back."""


def write_rows(preview: Preview, user, commit: bool) -> bool:
    """Save every checked row in one transaction; keep it only if `commit` and all saved."""
    checked = [list(row.problems) for row in preview.rows]
    try:
        return _write_all(preview, checked, user, commit)
    except _DryRun:
        return False
    except DatabaseBusy:
        preview.file_problems.append(translate(
            "Basis data sedang sibuk terlalu lama, jadi belum ada baris yang diimpor. "
            "Coba lagi sebentar lagi."))
        return False


@write_transaction
def _write_all(preview: Preview, checked: list, user, commit: bool) -> bool:
    for row, problems in zip(preview.rows, checked):
        row.problems = list(problems)  # a retried transaction starts from the check's findings
    clients = {}
    for row in preview.rows:
        if row.problems:
            continue
        client = clients.get(row.client_key) or (
            Client.get_by_id(row.client_id) if row.client_id else None)
        try:
            listing = save_listing(None, client, row.data, user)  # its own savepoint
        except FieldError as exc:
            column = BY_FIELD.get(exc.field)
            row.problem(column.key if column else "", exc.message)
        except PublishError as exc:
            row.problem("terbitkan", " ".join(exc.problems))
        except DatabaseError as exc:
            if is_busy_error(exc):
                raise  # the whole transaction runs again
            row.problem("", translate("Baris ini tidak dapat disimpan ke basis data. "
                                      "Coba lagi."))
            break
        else:
            clients[row.client_key] = listing.client
            if row.confirmed_on:  # the file's date, not today's: a stale contact stays stale
                Listing.update(last_confirmed_at=row.confirmed_on).where(
                    Listing.id == listing.id).execute()
    if not (commit and not preview.bad_rows and not preview.file_problems):
        raise _DryRun()
    audit.record("import", "listing", None,
                 after={"rows": len(preview.rows), "file": preview.file})
    return True


def preview_import(headers, raw_rows, filename: str, user) -> Preview:
    """Check every row and try the write, rolled back: the full report, nothing stored."""
    preview = check_rows(headers, raw_rows, filename, user)
    if not preview.file_problems:
        write_rows(preview, user, commit=False)
    return preview


def run_import(headers, raw_rows, filename: str, user) -> Preview:
    """Check again and write all rows, or none if any row fails."""
    preview = check_rows(headers, raw_rows, filename, user)
    if not preview.file_problems and not preview.bad_rows:
        write_rows(preview, user, commit=True)
    return preview

