"""Admin routes for Excel/CSV: the import template, upload, preview, import, and exports."""
from pathlib import PureWindowsPath

from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.admin import bp, editor_required
from app.office import exporting, importing, pending_imports
from app.office.spreadsheets import TableError, read_table
from app.records.listings import STATUSES
from app.web.forms import EmptyForm
from app.web.i18n import N_
from app.web.rendering import render

PREVIEW_ROWS = 50  # rows of the file shown under the problems
SHOWN_PROBLEMS = 500
EXPIRED = N_("Pratinjau impor sudah kedaluwarsa atau bukan milik Anda. Unggah berkasnya lagi.")


def _download(content: bytes, filename: str, mimetype: str) -> Response:
    return Response(content, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


def _import_page(error: str = "", status: int = 200):
    return render("admin/import.html", form=EmptyForm(), statuses=STATUSES,
                  error=error), status


def _preview_page(preview, token: str = ""):
    problems = [(row, column, message) for row in preview.bad_rows
                for column, message in row.problems]
    return render("admin/import_preview.html", preview=preview, token=token,
                  form=EmptyForm(), sample=preview.rows[:PREVIEW_ROWS],
                  problems=problems[:SHOWN_PROBLEMS], problem_total=len(problems))


@bp.route("/impor")
def import_page():
    return _import_page()


@bp.route("/impor/templat.<fmt>")
def import_template(fmt):
    if fmt == "xlsx":
        return _download(exporting.template_xlsx(), "templat-impor-raja-kemas.xlsx",
                         exporting.XLSX_TYPE)
    if fmt == "csv":
        return _download(exporting.template_csv(), "templat-impor-raja-kemas.csv",
                         exporting.CSV_TYPE)
    abort(404)


@bp.route("/impor", methods=["POST"])
@editor_required
def import_upload():
    upload = request.files.get("berkas")
    if upload is None or not upload.filename:
        return _import_page(_("Pilih berkas .xlsx atau .csv dulu."), 400)
    name = PureWindowsPath(upload.filename).name[:120]  # a browser may send C:\...\x.xlsx
    try:
        table = read_table(upload.read(), name)
    except TableError as exc:
        return _import_page(str(exc), 400)
    preview = importing.preview_import(table.headers, table.rows, name, current_user)
    token = pending_imports.store(current_user, {
        "file": name, "headers": table.headers, "rows": table.rows,
        "found": pending_imports.report(preview)})
    return redirect(url_for("admin.import_preview", token=token), 303)


@bp.route("/impor/<token>")
@editor_required
def import_preview(token):
    payload = pending_imports.load(current_user, token)
    if payload is None:
        flash(_(EXPIRED), "error")
        return redirect(url_for("admin.import_page"))
    return _preview_page(pending_imports.preview_of(payload), token)


@bp.route("/impor/<token>", methods=["POST"])
@editor_required
def import_confirm(token):
    payload = pending_imports.load(current_user, token)
    if payload is None:
        flash(_(EXPIRED), "error")
        return redirect(url_for("admin.import_page"), 303)
    preview = importing.run_import(payload["headers"], payload["rows"], payload["file"],
                                   current_user)
    pending_imports.discard(token)
    if not preview.ok:
        return _preview_page(preview)
    flash(ngettext("%(num)s baris dari %(file)s sudah diimpor.",
                   "%(num)s baris dari %(file)s sudah diimpor.", len(preview.rows),
                   file=preview.file), "success")
    return redirect(url_for("admin.listing_index"), 303)


@bp.route("/ekspor/<kind>.<fmt>")
def export_download(kind, fmt):
    if kind not in exporting.SHEET_TITLES or fmt not in ("xlsx", "csv"):
        abort(404)
    status = request.args.get("status", "semua")
    status = status if status in STATUSES else "semua"
    result = exporting.export(current_user, kind, fmt, request.args.get("q", "")[:100], status)
    if result is None:  # a viewer and the client list: no column they may see
        abort(403)
    return _download(result.content, result.filename, result.mimetype)
