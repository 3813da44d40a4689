"""Admin settings of the kiosk: rotation interval and featured listings."""
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp, editor_required, listing_for_user
from app.admin.forms import IntervalForm
from app.directory import kiosk as domain
from app.directory.publishing import public_listings
from app.models import Listing
from app.records.listings import set_featured
from app.web.rendering import is_fragment_request, render


def _public_of_unit():
    return (public_listings().where(Listing.unit == current_user.unit_id)
            .order_by(Listing.featured.desc(), Listing.published_at.desc()))


@bp.route("/kios", methods=["GET", "POST"])
def kiosk_settings():
    unit = current_user.unit
    form = IntervalForm(data={"interval": unit.kiosk_interval})
    if request.method == "POST":
        if not current_user.can_edit:
            abort(403)
        if form.validate_on_submit():
            domain.set_interval(unit, form.interval.data, current_user)
            flash(_("Layar kios kini berganti setiap %(seconds)s detik.",
                    seconds=unit.kiosk_interval), "success")
            return redirect(url_for("admin.kiosk_settings"), 303)
    rows = list(_public_of_unit())
    return render("admin/kiosk.html", form=form, rows=rows,
                  any_featured=any(r.featured for r in rows))


@bp.route("/jasa/<int:listing_id>/kios", methods=["POST"])
@editor_required
def listing_feature(listing_id):
    listing = set_featured(listing_for_user(listing_id), request.form.get("kios") == "1",
                           current_user)
    if is_fragment_request():
        return render("admin/_kiosk_row.html", row=listing)
    return redirect(url_for("admin.kiosk_settings"), 303)
