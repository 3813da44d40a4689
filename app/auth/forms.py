"""Forms of the login, setup and own-account pages."""
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from app.security.accounts import MAX_PASSWORD, MIN_PASSWORD
from app.web.forms import BaseForm

NEW_PASSWORD_HINT = _l("Minimal %(min)s karakter. Kalimat pendek yang mudah Anda ingat "
                       "lebih aman daripada kata acak yang pendek. Tidak boleh kata sandi umum.",
                       min=MIN_PASSWORD)


class LoginForm(BaseForm):
    username = StringField(_l("Nama pengguna"), validators=[DataRequired(_l("Isi nama pengguna.")),
                                                         Length(max=60)])
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(_l("Isi kata sandi.")),
                                                        Length(max=200)])


class CodeForm(BaseForm):
    code = StringField(_l("Kode verifikasi"), validators=[DataRequired(_l("Isi kode.")), Length(max=40)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "text",
                                  "autocapitalize": "off", "spellcheck": "false"})


class SetupForm(BaseForm):
    full_name = StringField(_l("Nama lengkap Anda"), validators=[Length(max=100)])
    username = StringField(_l("Nama pengguna"), validators=[DataRequired(_l("Isi nama pengguna.")),
                                                         Length(max=60)])
    password = PasswordField(_l("Kata sandi baru"), validators=[
        DataRequired(_l("Isi kata sandi.")),
        Length(min=MIN_PASSWORD, max=MAX_PASSWORD, message=_l("8 sampai 128 karakter."))],
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Ulangi kata sandi"), validators=[
        EqualTo("password", _l("Kedua kata sandi tidak sama."))],
        render_kw={"autocomplete": "new-password"})


class CurrentPasswordForm(BaseForm):
    """Re-authentication before a sensitive change."""
    current = PasswordField(_l("Kata sandi saat ini"), validators=[
        DataRequired(_l("Isi kata sandi Anda saat ini.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"})


class ChangePasswordForm(CurrentPasswordForm):
    password = PasswordField(_l("Kata sandi baru"), description=NEW_PASSWORD_HINT, validators=[
        DataRequired(_l("Isi kata sandi baru.")),
        Length(min=MIN_PASSWORD, max=MAX_PASSWORD, message=_l("8 sampai 128 karakter."))],
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Ulangi kata sandi baru"), validators=[
        DataRequired(_l("Ulangi kata sandi baru.")),
        EqualTo("password", _l("Kedua kata sandi tidak sama."))],
        render_kw={"autocomplete": "new-password"})
