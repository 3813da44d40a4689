"""Superadmin pages for units (Bapas offices): list, create, edit with logo."""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from playhouse.flask_utils import get_object_or_404

from app.admin import bp, superadmin_required
from app.admin.forms import UnitForm
from app.models import Unit
from app.records import units as domain
from app.web.rendering import render


def _save(form: UnitForm, unit: Unit | None):
    """Validate and save; put a refusal on the form. Returns the unit or None."""
    if not form.validate():
        return None
    upload = form.logo.data
    logo = upload.read() if upload and getattr(upload, "filename", "") else None
    try:
        return domain.save_unit(unit, form.domain_data(), current_user, logo)
    except domain.UnitError as exc:
        form[exc.field].errors = list(form[exc.field].errors) + [exc.message]
    except domain.UnitConflict as exc:
        form.version.errors = [str(exc)]
    return None


@bp.route("/unit")
@superadmin_required
def unit_index():
    return render("admin/units.html", rows=domain.unit_summaries())


@bp.route("/unit/baru", methods=["GET", "POST"])
@superadmin_required
def unit_new():
    form = UnitForm().for_regions()
    if request.method == "GET":
        form.kiosk_interval.data = 12
    elif unit := _save(form, None):
        flash(_("Unit “%(name)s” dibuat.", name=unit.name), "success")
        return redirect(url_for("admin.unit_index"), 303)
    return render("admin/units_form.html", form=form, unit=None)


@bp.route("/unit/<int:unit_id>/ubah", methods=["GET", "POST"])
@superadmin_required
def unit_edit(unit_id):
    unit = get_object_or_404(Unit, Unit.id == unit_id)
    form = UnitForm().for_regions()
    if request.method == "GET":
        form.fill(unit)
    elif saved := _save(form, unit):
        flash(_("Unit “%(name)s” disimpan.", name=saved.name), "success")
        return redirect(url_for("admin.unit_index"), 303)
    return render("admin/units_form.html", form=form, unit=unit)
