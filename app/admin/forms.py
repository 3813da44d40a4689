"""The listing entry form: client (internal), consent, and the public listing."""
import datetime as dt

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..consent import CHANNELS, METHODS
from ..models import CONTACT_RELATIONS, Category, Region

REQUIRED = "Wajib diisi."


def _not_future(form, field):
    if field.data and field.data > dt.date.today():
        raise ValidationError("Tanggal tidak boleh di masa depan.")


def _plausible_birth(form, field):
    if field.data and not (dt.date(1900, 1, 1) <= field.data <= dt.date.today()):
        raise ValidationError("Tanggal lahir tidak masuk akal.")


class ListingForm(FlaskForm):
    # internal: never public
    client_full_name = StringField("Nama lengkap klien", validators=[
        DataRequired(REQUIRED), Length(max=120)])
    client_register_number = StringField("Nomor register", validators=[Length(max=60)])
    client_birth_date = DateField("Tanggal lahir", validators=[
        DataRequired("Tanggal lahir wajib diisi (untuk memastikan klien sudah dewasa)."),
        _plausible_birth])
    client_supervising_officer = StringField("Pembimbing Kemasyarakatan", validators=[Length(max=120)])
    client_supervision_end_date = DateField("Akhir masa bimbingan", validators=[Optional()])
    client_internal_notes = TextAreaField("Catatan internal", validators=[Length(max=4000)])

    consent_given_on = DateField("Tanggal persetujuan", validators=[Optional(), _not_future])
    consent_officer_name = StringField("Petugas yang mencatat", validators=[Length(max=120)])
    consent_form_reference = StringField("Nomor formulir persetujuan", validators=[Length(max=80)])
    consent_scope_name = BooleanField("Nama panggilan boleh tampil", default=True)
    consent_scope_photo = BooleanField("Foto boleh tampil", default=True)
    consent_scope_phone = BooleanField("Nomor telepon klien boleh tampil", default=True)
    consent_scope_area = BooleanField("Wilayah layanan dan kecamatan boleh tampil", default=True)
    consent_valid_until = DateField("Persetujuan berlaku sampai", validators=[Optional()])
    consent_method = SelectField("Cara persetujuan", validate_choice=False, default="formulir",
                                 choices=[SelectChoice(k, v) for k, v in METHODS.items()])
    consent_channel_website = BooleanField(CHANNELS["website"], default=True)
    consent_channel_kiosk = BooleanField(CHANNELS["kiosk"], default=True)
    consent_channel_share = BooleanField(CHANNELS["share"], default=True)
    consent_channel_flyer = BooleanField(CHANNELS["flyer"], default=True)
    consent_channel_search = BooleanField(CHANNELS["search"], default=True)
    family_consent_name = StringField("Nama anggota keluarga", validators=[Length(max=120)])
    family_consent_on = DateField("Tanggal persetujuannya", validators=[Optional(), _not_future])
    family_consent_reference = StringField("Nomor formulir persetujuannya",
                                           validators=[Length(max=80)])

    # public
    title = StringField("Nama jasa", validators=[DataRequired(REQUIRED), Length(max=80)],
                        description="Contoh: Penjahit Pakaian, Las Pagar dan Teralis")
    category_id = SelectField("Kategori", coerce=int,
                              validators=[DataRequired("Pilih kategori.")])
    description = TextAreaField("Keterangan", validators=[Length(max=1000)],
                                description="Apa yang dikerjakan, pengalaman, cara pesan.")
    region_id = SelectField("Kecamatan", coerce=int, validators=[Optional()])
    service_area = StringField("Wilayah layanan", validators=[Length(max=120)],
                               description="Contoh: Wonomulyo dan sekitarnya")
    price_hint = StringField("Kisaran harga", validators=[Length(max=80)],
                             description="Contoh: mulai Rp25.000")
    working_hours = StringField("Jam kerja", validators=[Length(max=80)],
                                description="Contoh: Senin–Sabtu 08.00–17.00")
    display_name = StringField("Nama yang tampil", validators=[Length(max=60)],
                               description="Nama panggilan yang disetujui klien, misal “Pak Rudi”.")
    contact_relation = SelectField("Kontak", choices=[
        SelectChoice(value, label) for value, label in CONTACT_RELATIONS.items()])
    contact_name = StringField("Nama kontak", validators=[Length(max=60)])
    phone = StringField("Telepon / WhatsApp", validators=[DataRequired(REQUIRED), Length(max=30)],
                        description="Contoh: 0812-3456-7890")
    photo = FileField("Foto (opsional)")
    remove_photo = BooleanField("Hapus foto")
    publish_until = DateField("Tayang sampai (opsional)", validators=[Optional()])
    featured = BooleanField("Tampilkan di layar kios")
    publish = BooleanField("Terbitkan sekarang")
    version = HiddenField()

    def set_choices(self):
        self.category_id.choices = [SelectChoice(0, "— pilih kategori —")] + [
            SelectChoice(c.id, c.name)
            for c in Category.select().order_by(Category.sort_order, Category.name)]
        self.region_id.choices = [SelectChoice(0, "— pilih kecamatan —")] + [
            SelectChoice(r.id, r.kecamatan, optgroup=r.kabupaten)
            for r in Region.select().order_by(Region.kabupaten, Region.kecamatan)]
        return self

    def domain_data(self) -> dict:
        """Plain values for listings.save_listing."""
        data = {name: field.data for name, field in self._fields.items()
                if name not in ("csrf_token", "photo")}
        for name, value in data.items():
            if isinstance(value, str):
                data[name] = value.strip()
        data["region_id"] = data["region_id"] or None
        return data
