"""Forms of the login, setup and own-account pages."""
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from ..accounts import MAX_PASSWORD, MIN_PASSWORD

NEW_PASSWORD_HINT = (f"Minimal {MIN_PASSWORD} karakter. Kalimat pendek yang mudah Anda ingat "
                     "lebih aman daripada kata acak yang pendek. Tidak boleh kata sandi umum.")


class LoginForm(FlaskForm):
    username = StringField("Nama pengguna", validators=[DataRequired("Isi nama pengguna."),
                                                         Length(max=60)])
    password = PasswordField("Kata sandi", validators=[DataRequired("Isi kata sandi."),
                                                        Length(max=200)])


class CodeForm(FlaskForm):
    code = StringField("Kode verifikasi", validators=[DataRequired("Isi kode."), Length(max=40)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "text",
                                  "autocapitalize": "off", "spellcheck": "false"})


class SetupForm(FlaskForm):
    full_name = StringField("Nama lengkap Anda", validators=[Length(max=100)])
    username = StringField("Nama pengguna", validators=[DataRequired("Isi nama pengguna."),
                                                         Length(max=60)])
    password = PasswordField("Kata sandi baru", validators=[
        DataRequired("Isi kata sandi."),
        Length(min=MIN_PASSWORD, max=MAX_PASSWORD, message="8 sampai 128 karakter.")],
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Ulangi kata sandi", validators=[
        EqualTo("password", "Kedua kata sandi tidak sama.")],
        render_kw={"autocomplete": "new-password"})


class CurrentPasswordForm(FlaskForm):
    """Re-authentication before a sensitive change."""
    current = PasswordField("Kata sandi saat ini", validators=[
        DataRequired("Isi kata sandi Anda saat ini."), Length(max=200)],
        render_kw={"autocomplete": "current-password"})


class ChangePasswordForm(CurrentPasswordForm):
    password = PasswordField("Kata sandi baru", description=NEW_PASSWORD_HINT, validators=[
        DataRequired("Isi kata sandi baru."),
        Length(min=MIN_PASSWORD, max=MAX_PASSWORD, message="8 sampai 128 karakter.")],
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField("Ulangi kata sandi baru", validators=[
        DataRequired("Ulangi kata sandi baru."),
        EqualTo("password", "Kedua kata sandi tidak sama.")],
        render_kw={"autocomplete": "new-password"})
