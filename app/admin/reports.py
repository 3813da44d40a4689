"""Impact pages: the dashboard's charts and the monthly report, printable and as .xlsx.

Read-only, so every signed-in role may see them (viewers included), each for their
own unit; a superadmin chooses a unit or sees all of them.
"""
from flask import Response, abort, current_app, request
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp
from app.directory import stats
from app.models import Unit
from app.office import charts, reports
from app.web.errors import error_page
from app.web.rendering import render

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.app_template_filter("angka")
def _angka(value):
    """Format a count the Indonesian way (1.234)."""
    return charts.number(value)


def _office(unit: Unit | None) -> tuple[str, str, str]:
    """Return the office name and address the report is written for, and who signs it."""
    if unit is None and Unit.select().count() == 1:
        unit = Unit.select().first()
    if unit is not None:
        return unit.name, unit.address, unit.name
    name = current_app.config["OFFICE_NAME"]
    return _("%(office)s (semua unit)", office=name), "", name


def impact_context(user, args) -> dict:
    """Build the dashboard's impact section: numbers and charts of the last 30 days."""
    error = ""
    try:
        unit = reports.scope_for(user, args.get("unit"))
    except reports.ReportError as exc:
        error, unit = exc.message, reports.scope_for(user, None)
    impact = reports.dashboard(unit)
    return {"impact": impact, "impact_charts": charts.impact_charts(impact, "dash"),
            "impact_units": reports.unit_choices(user), "impact_error": error,
            "impact_office": _office(unit)[0]}


def _unit() -> Unit | None:
    """Read `unit`: a unit the user may not see is a 404, a malformed one a 400."""
    try:
        return reports.scope_for(current_user, request.args.get("unit"))
    except reports.ReportError as exc:
        abort(exc.status)


@bp.route("/laporan")
def report():
    """Show the monthly report for the head of office, ready to print."""
    today, unit = stats.today(), _unit()
    form = {"units": reports.unit_choices(current_user), "unit": unit}
    try:
        first = reports.parse_month(request.args.get("bulan"), today)
    except reports.ReportError as exc:
        return render("admin/report.html", error=exc.message, months=reports.month_choices(today),
                      chosen="", **form), exc.status
    data = reports.monthly(unit, first)
    office, address, signer = _office(unit)
    return render("admin/report.html", report=data, office=office, address=address, signer=signer,
                  charts=charts.impact_charts(data, "lap"), summary=reports.summary_rows(data),
                  month_name=reports.month_label(first), chosen=first.strftime("%Y-%m"),
                  months=reports.month_choices(today, first),
                  partial=first == stats.month_start(today),
                  query={"bulan": first.strftime("%Y-%m"), "unit": unit.id if unit else None},
                  **form)


@bp.route("/laporan/unduh")
def report_xlsx():
    """Download the monthly report's numbers as an .xlsx workbook."""
    unit = _unit()
    try:
        first = reports.parse_month(request.args.get("bulan"), stats.today())
    except reports.ReportError as exc:
        return error_page(exc.status, exc.message)
    body = reports.xlsx_bytes(reports.monthly(unit, first), _office(unit)[0],
                              current_user.full_name or current_user.username)
    name = f"laporan-raja-kemas-{first:%Y-%m}-{unit.slug if unit else 'semua-unit'}.xlsx"
    return Response(body, mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
