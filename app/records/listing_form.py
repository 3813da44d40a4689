"""The listing entry form: client (internal), consent and the public listing; its fields
and checks serve the entry screen and the spreadsheet import alike."""
import datetime as dt

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.models import CONTACT_RELATIONS, Category, Region
from app.records import hours_entry, location
from app.records.consent import CHANNELS, METHODS
from app.web.forms import BaseForm

REQUIRED = _l("Wajib diisi.")

# The entry screen's field order (templates/admin/listing_form.html): the error summary at
# the top lists the errors in the order the officer meets them.
PAGE_ORDER = (
    "version", "client_version", "title", "category_id", "description", "region_id", "service_area",
    "location", "price_hint", "hours_mode", "hours_days", "hours_opens", "hours_closes",
    "hours_exceptions", "working_hours", "display_name", "contact_relation", "contact_name", "phone",
    "remove_photo", "photo", "client_full_name", "client_register_number",
    "client_birth_date", "client_supervising_officer", "client_supervision_end_date",
    "client_internal_notes", "consent_given_on", "consent_officer_name", "consent_method",
    "consent_form_reference", "consent_valid_until", "consent_scope_name",
    "consent_scope_photo", "consent_scope_phone", "consent_scope_area", "consent_scope_location",
    "consent_channel_website", "consent_channel_kiosk", "consent_channel_share",
    "consent_channel_flyer", "consent_channel_search", "family_consent_name",
    "family_consent_on", "family_consent_reference", "publish_until", "featured", "publish")


def _channel(key: str):
    """The channel's label (app/consent.py), translated when the form is shown."""
    return _l(CHANNELS[key])


def _not_future(form, field):
    if field.data and field.data > dt.date.today():
        raise ValidationError(_l("Tanggal tidak boleh di masa depan."))


def _plausible_birth(form, field):
    if field.data and not (dt.date(1900, 1, 1) <= field.data <= dt.date.today()):
        raise ValidationError(_l("Tanggal lahir tidak masuk akal."))


def _readable_place(form, field):
    try:
        location.parse(field.data)
    except location.LocationError as exc:
        raise ValidationError(str(exc)) from None


class ListingForm(BaseForm):
    # internal: never public
    client_full_name = StringField(_l("Nama lengkap klien"), validators=[
        DataRequired(REQUIRED), Length(max=120)])
    client_register_number = StringField(_l("Nomor register"), validators=[Length(max=60)])
    client_birth_date = DateField(_l("Tanggal lahir"), validators=[
        DataRequired(_l("Tanggal lahir wajib diisi (untuk memastikan klien sudah dewasa).")),
        _plausible_birth])
    client_supervising_officer = StringField(_l("Pembimbing Kemasyarakatan"), validators=[Length(max=120)])
    client_supervision_end_date = DateField(_l("Akhir masa bimbingan"), validators=[Optional()])
    client_internal_notes = TextAreaField(_l("Catatan internal"), validators=[Length(max=4000)])

    consent_given_on = DateField(_l("Tanggal persetujuan"), validators=[Optional(), _not_future])
    consent_officer_name = StringField(_l("Petugas yang mencatat"), validators=[Length(max=120)])
    consent_form_reference = StringField(_l("Nomor formulir persetujuan"), validators=[Length(max=80)])
    consent_scope_name = BooleanField(_l("Nama panggilan boleh tampil"), default=True)
    consent_scope_photo = BooleanField(_l("Foto boleh tampil"), default=True)
    consent_scope_phone = BooleanField(_l("Nomor telepon klien boleh tampil"), default=True)
    consent_scope_area = BooleanField(_l("Wilayah layanan dan kecamatan boleh tampil"), default=True)
    consent_scope_location = BooleanField(_l("Lokasi usaha boleh tampil (tombol petunjuk arah)"))
    consent_valid_until = DateField(_l("Persetujuan berlaku sampai"), validators=[Optional()])
    consent_method = SelectField(_l("Cara persetujuan"), validate_choice=False, default="formulir",
                                 choices=[SelectChoice(k, _l(v)) for k, v in METHODS.items()])
    consent_channel_website = BooleanField(_channel("website"), default=True)
    consent_channel_kiosk = BooleanField(_channel("kiosk"), default=True)
    consent_channel_share = BooleanField(_channel("share"), default=True)
    consent_channel_flyer = BooleanField(_channel("flyer"), default=True)
    consent_channel_search = BooleanField(_channel("search"), default=True)
    family_consent_name = StringField(_l("Nama anggota keluarga"), validators=[Length(max=120)])
    family_consent_on = DateField(_l("Tanggal persetujuannya"), validators=[Optional(), _not_future])
    family_consent_reference = StringField(_l("Nomor formulir persetujuannya"),
                                           validators=[Length(max=80)])

    # public
    title = StringField(_l("Nama jasa"), validators=[DataRequired(REQUIRED), Length(max=80)],
                        description=_l("Contoh: Penjahit Pakaian, Las Pagar dan Teralis"))
    category_id = SelectField(_l("Kategori"), coerce=int,
                              validators=[DataRequired(_l("Pilih kategori."))])
    description = TextAreaField(_l("Keterangan"), validators=[Length(max=1000)],
                                description=_l("Apa yang dikerjakan, pengalaman, cara pesan."))
    region_id = SelectField(_l("Kecamatan"), coerce=int, validators=[Optional()])
    service_area = StringField(_l("Wilayah layanan"), validators=[Length(max=120)],
                               description=_l("Contoh: Wonomulyo dan sekitarnya"))
    location = StringField(_l("Lokasi usaha di peta (opsional)"), validators=[_readable_place],
                           description=_l("Untuk usaha dengan tempat tetap (bengkel, pangkas "
                                          "rambut). Tempel tautan Google Maps atau "
                                          "OpenStreetMap, atau tulis koordinat, misalnya "
                                          "-3.4123, 119.3456. Tampil hanya bila persetujuan "
                                          "klien mencakup lokasi usaha."))
    price_hint = StringField(_l("Kisaran harga"), validators=[Length(max=80)],
                             description=_l("Contoh: mulai Rp25.000"))
    # The hours editor (records/hours_entry.py); `working_hours` is its "Tulis bebas" text.
    hours_mode = RadioField(_l("Jam kerja"), validate_choice=False, default="jadwal", choices=[
        SelectChoice(key, _l(label)) for key, label in hours_entry.MODES.items()])
    hours_days = SelectMultipleField(
        _l("Hari buka"), coerce=str, validate_choice=False, default=["0", "1", "2", "3", "4", "5"],
        choices=[SelectChoice(str(i), _l(day)) for i, day in enumerate(hours_entry.DAY_LABELS)],
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    hours_opens = StringField(_l("Jam buka"), render_kw={"type": "time"})
    hours_closes = StringField(_l("Jam tutup"), render_kw={"type": "time"},
                               description=_l("Lewat tengah malam boleh, misal 19:00 sampai 02:00."))
    hours_exceptions = TextAreaField(
        _l("Pengecualian (opsional)"), validators=[Length(max=500)], render_kw={"rows": 2},
        description=_l("Satu baris per hari, misal: Sabtu 08.00–12.00 atau Minggu tutup."))
    working_hours = StringField(_l("Jam kerja ditulis bebas"), validators=[Length(max=80)],
                                description=_l("Contoh: Senin–Sabtu 08.00–17.00"))
    display_name = StringField(_l("Nama yang tampil"), validators=[Length(max=60)],
                               description=_l("Nama panggilan yang disetujui klien, misal “Pak Rudi”."))
    contact_relation = SelectField(_l("Kontak"), choices=[
        SelectChoice(value, _l(label)) for value, label in CONTACT_RELATIONS.items()])
    contact_name = StringField(_l("Nama kontak"), validators=[Length(max=60)])
    phone = StringField(_l("Telepon / WhatsApp"), validators=[DataRequired(REQUIRED), Length(max=30)],
                        description=_l("Contoh: 0812-3456-7890"))
    photo = FileField(_l("Foto (opsional)"))
    # A photo uploaded with a form that came back with an error (app/records/pending_photos.py).
    photo_token = HiddenField()
    remove_pending = BooleanField(_l("Jangan pakai foto ini"))
    remove_photo = BooleanField(_l("Hapus foto"))
    publish_until = DateField(_l("Tayang sampai (opsional)"), validators=[Optional()])
    featured = BooleanField(_l("Tampilkan di layar kios"))
    publish = BooleanField(_l("Terbitkan sekarang"))
    version = HiddenField()
    client_version = HiddenField()  # the client's internal fields are on this form too

    def set_choices(self):
        self.category_id.choices = [SelectChoice(0, _l("— pilih kategori —"))] + [
            SelectChoice(c.id, c.name)
            for c in Category.select().order_by(Category.sort_order, Category.name)]
        self.region_id.choices = [SelectChoice(0, _l("— pilih kecamatan —"))] + [
            SelectChoice(r.id, r.kecamatan, optgroup=r.kabupaten)
            for r in Region.select().order_by(Region.kabupaten, Region.kecamatan)]
        return self

    def error_list(self) -> list[tuple]:
        """(field, message) for every error, in the order of the page."""
        position = {name: i for i, name in enumerate(PAGE_ORDER)}
        fields = sorted((f for f in self if f.errors),
                        key=lambda f: position.get(f.name, len(PAGE_ORDER)))
        return [(field, message) for field in fields for message in field.errors]

    def domain_data(self) -> dict:
        """Plain values for listings.save_listing."""
        data = {name: field.data for name, field in self._fields.items()
                if name not in ("csrf_token", "photo", "photo_token", "remove_pending")}
        for name, value in data.items():
            if isinstance(value, str):
                data[name] = value.strip()
        data["region_id"] = data["region_id"] or None
        if not self.hours_mode.raw_data:  # a post without the editor: the text as written
            data["hours_mode"] = None
        return data

    def fill_hours(self, stored_json: str, text: str) -> None:
        """Show a saved listing's hours in the editor."""
        for name, value in hours_entry.to_entry(stored_json, text).items():
            self[name].data = value
