"""Login, logout and the first-run setup link."""
from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from .. import accounts, audit
from ..errors import error_page
from ..rendering import render
from ..seed import ensure_default_unit

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField("Nama pengguna", validators=[DataRequired("Isi nama pengguna."),
                                                         Length(max=60)])
    password = PasswordField("Kata sandi", validators=[DataRequired("Isi kata sandi."),
                                                        Length(max=200)])


class SetupForm(FlaskForm):
    full_name = StringField("Nama lengkap Anda", validators=[Length(max=100)])
    username = StringField("Nama pengguna", validators=[DataRequired("Isi nama pengguna."),
                                                         Length(max=60)])
    password = PasswordField("Kata sandi baru", validators=[
        DataRequired("Isi kata sandi."), Length(min=8, max=128, message="8 sampai 128 karakter.")])
    confirm = PasswordField("Ulangi kata sandi", validators=[
        EqualTo("password", "Kedua kata sandi tidak sama.")])


def _safe_next(target: str | None) -> str:
    """Only follow a `next` that stays on this site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("admin.dashboard")


@bp.route("/masuk", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin.dashboard"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        from flask import current_app
        user, error = accounts.authenticate(form.username.data, form.password.data,
                                            request.remote_addr or "",
                                            current_app.config["LOGIN_FAILURES_BEFORE_DELAY"])
        if user:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
    return render("auth/login.html", form=form, error=error), (200 if not error else 401)


@bp.route("/keluar", methods=["POST"])
@login_required
def logout():
    audit.record("logout", "user", current_user.id)
    logout_user()
    flash("Anda sudah keluar.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/siapkan/<token>", methods=["GET", "POST"])
def setup(token):
    if not accounts.setup_token_valid(token):
        return error_page(404, "Tautan penyiapan ini sudah dipakai atau tidak berlaku. "
                               "Silakan masuk dengan akun Anda di halaman Masuk.")
    form = SetupForm()
    error = None
    if form.validate_on_submit():
        try:
            user = accounts.complete_setup(token, ensure_default_unit(), form.username.data,
                                           form.password.data, form.full_name.data or "")
        except accounts.AccountError as exc:
            error = str(exc)
        else:
            login_user(user)
            flash("Akun superadmin dibuat. Selamat datang!", "success")
            return redirect(url_for("admin.dashboard"))
    return render("auth/setup.html", form=form, error=error)
