"""*Laporkan masalah*: a visitor tells the office that a listing is wrong."""
from flask import abort, flash, redirect, request

from app.directory.browse import public_listing
from app.public import bp
from app.public.forms import ProblemReportForm
from app.records import problem_reports
from app.web.i18n import translate
from app.web.rendering import render


@bp.route("/jasa/<int:listing_id>/laporkan", methods=["GET", "POST"])
def report_problem(listing_id):
    listing = public_listing(listing_id)
    if listing is None:
        abort(404)
    form = ProblemReportForm()
    status = 200
    if form.validate_on_submit():
        if not form.website.data:  # a person; a filled honeypot is thanked and forgotten
            try:
                problem_reports.submit(listing.id, form.reason.data, form.note.data,
                                       form.contact.data, request.remote_addr or "")
            except problem_reports.ReportError as exc:
                form.reason.errors = [str(exc)]
                status = exc.status
        if status == 200:
            flash(translate("Terima kasih. Laporan Anda sudah kami terima dan akan diperiksa "
                            "petugas."), "success")
            return redirect(listing.url, 303)
    elif request.method == "POST":
        status = 400
    return render("public/report.html", form=form, listing=listing), status
