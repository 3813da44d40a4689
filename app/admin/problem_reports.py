"""Reports from the public about the office's listings: a queue to check and close."""
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from app.admin import bp, editor_required
from app.records import problem_reports as domain
from app.web.forms import EmptyForm
from app.web.i18n import translate
from app.web.pagination import paged
from app.web.rendering import render


@bp.route("/laporan-masalah")
def problem_report_index():
    return render("admin/problem_reports.html", **paged(domain.open_reports(current_user)),
                  reasons=domain.REASONS, resolutions=domain.RESOLUTIONS, form=EmptyForm())


@bp.route("/laporan-masalah/<int:report_id>/selesai", methods=["POST"])
@editor_required
def problem_report_resolve(report_id):
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        domain.resolve(report_id, request.form.get("resolution", ""), current_user)
    except domain.ReportError as exc:
        if exc.status == 404:
            abort(404)
        flash(str(exc), "error")
    else:
        flash(translate("Laporan ditutup."), "success")
    return redirect(url_for("admin.problem_report_index"), 303)
