"""The admin blueprint's forms (the listing entry form is records/listing_form.py:
the spreadsheet import uses it too)."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.directory.kiosk import MAX_INTERVAL, MIN_INTERVAL
from app.models import ROLES, Unit
from app.records import consent as consents
from app.records import units
from app.records.listing_form import _channel
from app.web.forms import BaseForm


class UserForm(BaseForm):
    username = StringField(_l("Nama pengguna"), validators=[
        DataRequired(_l("Isi nama pengguna.")), Length(max=60)],
        description=_l("Huruf kecil, angka, titik, garis bawah atau tanda hubung; "
                       "tidak bisa diubah."))
    full_name = StringField(_l("Nama lengkap"), validators=[Length(max=100)])
    role = SelectField(_l("Peran"),
                       choices=[SelectChoice(key, _l(label)) for key, label in ROLES.items()],
                       description=_l("Superadmin: semua, termasuk pengguna. Admin: jasa dan "
                                      "klien unitnya. Peninjau: hanya melihat."))
    unit_id = SelectField(_l("Unit kerja"), coerce=int)

    def for_units(self):
        self.unit_id.choices = [SelectChoice(u.id, u.name)
                                for u in Unit.select().order_by(Unit.name)]
        return self


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
        self.kabupaten_served.choices = [SelectChoice(k, k) for k in units.kabupaten_choices()]
        return self

    def fill(self, unit: Unit):
        for name in ("name", "slug", "address", "phone", "email", "kiosk_interval", "version"):
            self[name].data = getattr(unit, name)
        self.kabupaten_served.data = unit.kabupaten_list
        return self

    def domain_data(self) -> dict:
        data = {name: self[name].data for name in units.FIELDS}
        data.update(remove_logo=self.remove_logo.data, version=self.version.data)
        return data


class ConsentForm(BaseForm):
    """One new version of a client's consent."""
    given_on = DateField(_l("Tanggal persetujuan"), validators=[
        InputRequired(_l("Tanggal persetujuan wajib diisi."))])
    officer_name = StringField(_l("Petugas yang mencatat"), validators=[
        DataRequired(_l("Nama petugas wajib diisi.")), Length(max=120)])
    method = SelectField(_l("Cara persetujuan"), validate_choice=False,
                         choices=[SelectChoice(k, _l(v)) for k, v in consents.METHODS.items()])
    form_reference = StringField(_l("Nomor formulir atau rekaman"), validators=[Length(max=80)])
    valid_until = DateField(_l("Berlaku sampai (opsional)"), validators=[Optional()])
    scope_name = BooleanField(_l("Nama panggilan boleh tampil"))
    scope_photo = BooleanField(_l("Foto boleh tampil"))
    scope_phone = BooleanField(_l("Nomor telepon klien boleh tampil"))
    scope_area = BooleanField(_l("Wilayah layanan dan kecamatan boleh tampil"))
    scope_location = BooleanField(_l("Lokasi usaha boleh tampil (tombol petunjuk arah)"))
    channel_website = BooleanField(_channel("website"))
    channel_kiosk = BooleanField(_channel("kiosk"))
    channel_share = BooleanField(_channel("share"))
    channel_flyer = BooleanField(_channel("flyer"))
    channel_search = BooleanField(_channel("search"))


class EraseForm(BaseForm):
    understood = BooleanField(_l("Saya mengerti: data pribadi klien ini dihapus untuk selamanya "
                                 "dan tidak dapat dipulihkan."),
                              validators=[DataRequired(_l("Centang dulu kotak ini."))])


class IntervalForm(BaseForm):
    interval = IntegerField(_l("Lama tiap jasa tampil (detik)"), validators=[
        InputRequired(_l("Isi jumlah detik.")),
        NumberRange(MIN_INTERVAL, MAX_INTERVAL,
                    _l("Antara %(min)s dan %(max)s detik.", min=MIN_INTERVAL,
                       max=MAX_INTERVAL))])
