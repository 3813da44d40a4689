"""Impact numbers for a period and unit: the dashboard's, the monthly report's, its .xlsx."""
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from babel.dates import format_date
from peewee import fn

from app.directory import stats
from app.directory.stats import Row, Totals, month_end, month_start
from app.models import DailyStat, Listing, Unit
from app.records import access
from app.web.i18n import N_, current_language, translate

MONTH_PATTERN = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
FIRST_YEAR = 2000
TOP_LISTINGS = 5


class ReportError(ValueError):
    """A request the report cannot answer; `message` is in the requester's language (Indonesian
    outside a request), `status` the HTTP code."""
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def _date(value, pattern: str = "d MMMM y") -> str:
    """A date (or month, day name) from Babel in the current language."""
    return format_date(value, pattern, locale=current_language())


def month_label(first: dt.date) -> str:
    """Return a month in the current language: Agustus 2026 / August 2026."""
    return _date(first, "LLLL y")


def parse_month(raw: str | None, today: dt.date) -> dt.date:
    """Read `bulan` (YYYY-MM) as the month's first day; empty means the last full month."""
    if not raw or not raw.strip():
        return month_start(today, 1)
    found = MONTH_PATTERN.match(raw[:20])
    if not found:
        raise ReportError(translate("Bulan tidak dikenali. Gunakan format TTTT-BB, "
                                    "misalnya 2026-11."))
    year, month = int(found[1]), int(found[2])
    if not 1 <= month <= 12:
        raise ReportError(translate("Bulan harus antara 01 dan 12."))
    if year < FIRST_YEAR:
        raise ReportError(translate("Laporan hanya tersedia mulai tahun %(year)s.",
                                    year=FIRST_YEAR))
    first = dt.date(year, month, 1)
    if first > month_start(today):
        raise ReportError(translate("Bulan %(month)s belum berjalan. Pilih bulan lain.",
                                    month=month_label(first)))
    return first


def month_choices(today: dt.date, chosen: dt.date | None = None, count: int = 24) -> list:
    """Return (value, label) for the last `count` months, newest first, plus `chosen`."""
    months = [month_start(today, k) for k in range(count)]
    if chosen and chosen not in months:
        months.append(chosen)
    return [(m.strftime("%Y-%m"), month_label(m)) for m in months]


def scope_for(user, raw: str | None) -> Unit | None:
    """Return the unit whose numbers `user` asked for: None means all units (superadmin).

    Admins and viewers see their own unit only; asking for another one is a 404.
    """
    raw = (raw or "").strip()
    if not access.is_superadmin(user):
        if raw and raw != str(user.unit_id):
            raise ReportError(translate("Unit tidak ditemukan."), 404)
        return Unit.get_by_id(user.unit_id)
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 9:
        raise ReportError(translate("Unit tidak dikenali. Pilih unit dari daftar."))
    unit = Unit.get_or_none(Unit.id == int(raw))
    if unit is None:
        raise ReportError(translate("Unit tidak ditemukan."), 404)
    return unit


def unit_choices(user) -> list[Unit]:
    """Return the units a superadmin may choose between (empty when there is one or none)."""
    if not access.is_superadmin(user):
        return []
    units = list(Unit.select().order_by(Unit.name))
    return units if len(units) > 1 else []


@dataclass
class Impact:
    """The numbers of one period and unit (None: all units)."""
    unit: Unit | None
    start: dt.date
    end: dt.date
    totals: Totals
    daily: list
    monthly: list
    listings: list[Row]
    categories: list[Row]
    kecamatan: list[Row]
    published: int
    clients: int
    clients_contacted: int = 0
    made: dt.date = field(default_factory=stats.today)

    @property
    def top(self) -> list[Row]:
        return [r for r in self.listings if r.totals.contacts][:TOP_LISTINGS]


def _contacted(start, end, unit) -> int:
    """Count distinct clients whose listings were contacted at least once in the period."""
    query = (DailyStat.select(fn.COUNT(fn.DISTINCT(Listing.client))).join(Listing)
             .where(DailyStat.day.between(start, end),
                    (DailyStat.whatsapp_taps + DailyStat.phone_taps) > 0))
    if unit is not None:
        query = query.where(Listing.unit == unit)
    return query.scalar() or 0


def _shown(first: dt.date, last: dt.date, unit):
    """Return listings shown to the public during the month, as (listing id, client id).

    Publication history is not kept, so this counts the listings public today that were
    published before the month ended, plus any listing with a view or tap in the month
    (counted only while public).
    """
    active = DailyStat.select(DailyStat.listing).where(DailyStat.day.between(first, last))
    before_end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time())
    public = stats.public_now(unit).where(Listing.published_at < before_end).select(Listing.id)
    query = Listing.select(Listing.id, Listing.client).where(
        Listing.id.in_(active) | Listing.id.in_(public))
    if unit is not None:
        query = query.where(Listing.unit == unit)
    return list(query.tuples())


def _breakdowns(start, end, unit, limit=None) -> dict:
    return dict(totals=stats.totals(start, end, unit), daily=stats.per_day(start, end, unit),
                listings=stats.by_listing(start, end, unit, limit),
                categories=stats.by_category(start, end, unit),
                kecamatan=stats.by_kecamatan(start, end, unit),
                clients_contacted=_contacted(start, end, unit))


def dashboard(unit: Unit | None, today: dt.date | None = None) -> Impact:
    """Gather the dashboard's numbers: today's public listings, the last 30 days, 12 months."""
    end = today or stats.today()
    start = end - dt.timedelta(days=29)
    return Impact(unit, start, end, monthly=stats.per_month(end, 12, unit),
                  published=stats.published_count(unit), clients=stats.clients_served(unit),
                  **_breakdowns(start, end, unit, limit=TOP_LISTINGS * 4))


def monthly(unit: Unit | None, first: dt.date) -> Impact:
    """Gather the numbers of one calendar month for the report."""
    last = month_end(first)
    shown = _shown(first, last, unit)
    return Impact(unit, first, last, monthly=stats.per_month(first, 12, unit),
                  published=len(shown), clients=len({client for _, client in shown}),
                  **_breakdowns(first, last, unit))


def summary_rows(report: Impact) -> list[tuple[str, int]]:
    """Return the summary lines of a report, as shown on paper and in the Ringkasan sheet."""
    t = report.totals
    return [(translate("Jasa tayang"), report.published),
            (translate("Klien dilayani"), report.clients),
            (translate("Jasa dilihat"), t.views),
            (translate("Kontak lewat WhatsApp"), t.whatsapp),
            (translate("Kontak lewat telepon"), t.phone),
            (translate("Total kontak"), t.contacts),
            (translate("Klien yang dihubungi"), report.clients_contacted)]


COUNT_HEADS = [N_("Dilihat"), "WhatsApp", N_("Telepon"), N_("Total kontak")]  # translated in use


def _counts(t: Totals) -> list[int]:
    return [t.views, t.whatsapp, t.phone, t.contacts]


def _append(sheet, values, bold=False):
    """Append a row; text beginning with '=' stays text, never a formula."""
    from openpyxl.styles import Font
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"
        if bold:
            cell.font = Font(bold=True)


def _table(book, title, heads, rows, total, widths):
    sheet = book.create_sheet(title)
    _append(sheet, heads, bold=True)
    for row in rows:
        _append(sheet, row)
    _append(sheet, total, bold=True)
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJ", widths):
        sheet.column_dimensions[letter].width = width
    return sheet


def xlsx_bytes(report: Impact, office: str, made_by: str = "") -> bytes:
    """Write the report as .xlsx: Ringkasan, Per jasa, Per kategori, Per kecamatan, Harian.

    Sheet names, headings and labels are in the requester's language (Indonesian outside
    a request); the numbers and dates are cells, the same in both.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    _ = translate
    heads = [_(h) for h in COUNT_HEADS]
    total = _("Jumlah")
    book = Workbook()
    sheet = book.active
    sheet.title = _("Ringkasan")
    _append(sheet, [_("Laporan dampak Raja Kemas")], bold=True)
    sheet["A1"].font = Font(bold=True, size=14)
    made = (_("%(date)s oleh %(name)s", date=_date(report.made), name=made_by) if made_by
            else _date(report.made))
    for line in ([_("Unit"), office], [_("Bulan"), month_label(report.start)],
                 [_("Periode"), f"{_date(report.start)} – {_date(report.end)}"],
                 [_("Dibuat"), made], []):
        _append(sheet, line)
    _append(sheet, [_("Ukuran"), total], bold=True)
    for label, value in summary_rows(report):
        _append(sheet, [label, value])
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 26, 40
    t = report.totals
    _table(book, _("Per jasa"), [_("No"), _("Jasa"), _("Kategori"), _("Kecamatan"), *heads],
           [[i, r.label, *r.parts, *_counts(r.totals)] for i, r in enumerate(report.listings, 1)],
           ["", total, "", "", *_counts(t)], [5, 38, 22, 20, 10, 11, 10, 13])
    _table(book, _("Per kategori"), [_("Kategori"), *heads],
           [[r.label, *_counts(r.totals)] for r in report.categories],
           [total, *_counts(t)], [28, 10, 11, 10, 13])
    _table(book, _("Per kecamatan"), [_("Kecamatan"), _("Kabupaten"), *heads],
           [[r.label, *r.parts, *_counts(r.totals)] for r in report.kecamatan],
           [total, "", *_counts(t)], [22, 22, 10, 11, 10, 13])
    daily = _table(book, _("Harian"), [_("Tanggal"), _("Hari"), *heads],
                   [[day, _date(day, "EEEE"), *_counts(x)] for day, x in report.daily],
                   [total, "", *_counts(t)], [13, 10, 10, 11, 10, 13])
    for (cell,) in daily.iter_rows(min_row=2, max_row=len(report.daily) + 1, max_col=1):
        cell.number_format = "DD/MM/YYYY"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
