"""Superadmin pages for units (Bapas offices): list, create, edit with logo."""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField
from playhouse.flask_utils import get_object_or_404
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from app.admin import bp, superadmin_required
from app.directory.kiosk import MAX_INTERVAL, MIN_INTERVAL
from app.models import Unit
from app.records import units as domain
from app.web.forms import BaseForm
from app.web.rendering import render


class UnitForm(BaseForm):
    name = StringField(_l("Nama unit"), validators=[DataRequired(_l("Isi nama unit.")),
                                                    Length(max=120)],
                       description=_l("Mis. Bapas Kelas II Polewali."))
    slug = StringField(_l("Nama di alamat web"), validators=[
        DataRequired(_l("Isi nama alamat web.")), Length(max=60)],
        description=_l("Huruf kecil dan tanda hubung, mis. bapas-polewali. Halaman unit: "
                       "/u/bapas-polewali/, layar kios: /u/bapas-polewali/kiosk. Jika diubah, "
                       "alamat lama tidak berlaku lagi."))
    address = TextAreaField(_l("Alamat kantor"), validators=[Length(max=300)])
    phone = StringField(_l("Telepon"), validators=[Length(max=40)])
    email = StringField(_l("Email"), validators=[Length(max=120)])
    # Checked in app/units.py, with its own message.
    kabupaten_served = SelectMultipleField(_l("Kabupaten wilayah kerja"), validate_choice=False,
                                           option_widget=CheckboxInput(),
                                           widget=ListWidget(prefix_label=False))
    logo = FileField(_l("Logo (JPG/PNG)"), description=_l("Tampil di halaman unit dan layar kios."))
    remove_logo = BooleanField(_l("Hapus logo"))
    kiosk_interval = IntegerField(_l("Lama tiap jasa tampil di layar kios (detik)"), validators=[
        InputRequired(_l("Isi angka %(min)s–%(max)s.", min=MIN_INTERVAL, max=MAX_INTERVAL))])
    version = HiddenField()

    def for_regions(self):
        self.kabupaten_served.choices = [SelectChoice(k, k) for k in domain.kabupaten_choices()]
        return self

    def fill(self, unit: Unit):
        for name in ("name", "slug", "address", "phone", "email", "kiosk_interval", "version"):
            self[name].data = getattr(unit, name)
        self.kabupaten_served.data = unit.kabupaten_list
        return self

    def domain_data(self) -> dict:
        data = {name: self[name].data for name in domain.FIELDS}
        data.update(remove_logo=self.remove_logo.data, version=self.version.data)
        return data


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
