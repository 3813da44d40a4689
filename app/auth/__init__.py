"""Login (password, then a 2FA code when enabled), logout and the first-run setup link."""
from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_login import current_user, login_required

from app.auth.forms import CodeForm, LoginForm, SetupForm
from app.operations.seed import ensure_default_unit
from app.security import accounts, sessions, twofactor
from app.web.errors import error_page
from app.web.i18n import translate
from app.web.rendering import render

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow a `next` that stays on this site."""
    # Browsers drop tabs and newlines from URLs ("/\t/evil" becomes "//evil") and read
    # "\" as "/", so a path with either could leave the site or split the header.
    if (target and target.startswith("/") and not target.startswith("//")
            and "\\" not in target and not any(ord(c) < 32 or ord(c) == 127 for c in target)):
        return target
    return url_for("admin.dashboard")


def _free_failures() -> int:
    return current_app.config["LOGIN_FAILURES_BEFORE_DELAY"]


@bp.before_app_request
def _account_gate():
    """Hold a user on the password or 2FA page while their account requires it."""
    if not (request.endpoint or "").startswith("admin.") or not current_user.is_authenticated:
        return None
    if current_user.must_change_password:
        return sessions.redirect_to(url_for("auth.change_password"))
    if twofactor.needs_enrolment(current_user):
        return sessions.redirect_to(url_for("auth.twofactor_setup"))
    return None


@bp.after_request
def _no_store(response):
    # These pages carry secrets (2FA key, recovery codes) or a login in progress.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/masuk", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin.dashboard"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user, error = accounts.authenticate(form.username.data, form.password.data,
                                            request.remote_addr or "", _free_failures())
        if user:
            target = _safe_next(request.args.get("next"))
            if twofactor.is_enabled(user):
                sessions.begin_second_step(user, target)
                return redirect(url_for("auth.login_code"))
            sessions.log_in(user, "password")
            return redirect(target)
    return render("auth/login.html", form=form, error=error), (200 if not error else 401)


@bp.route("/masuk/kode", methods=["GET", "POST"])
def login_code():
    user, target = sessions.pending_user()
    if user is None:
        flash(translate("Silakan masuk dengan nama pengguna dan kata sandi."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        method, error = twofactor.verify_login(user, form.code.data, request.remote_addr or "",
                                               _free_failures())
        if method:
            sessions.log_in(user, "password+" + method)
            if method == "recovery":
                flash(translate("Kode pemulihan sudah terpakai; sisa %(left)s kode. Buat kode "
                                "baru di halaman Verifikasi dua langkah bila perlu.",
                                left=twofactor.unused_recovery_codes(user)), "info")
            return redirect(_safe_next(target))
    return render("auth/code.html", form=form, error=error), (200 if not error else 401)


@bp.route("/keluar", methods=["POST"])
@login_required
def logout():
    sessions.log_out(current_user._get_current_object())
    flash(translate("Anda sudah keluar."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/siapkan/<token>", methods=["GET", "POST"])
def setup(token):
    if not accounts.setup_token_valid(token):
        return error_page(404, translate("Tautan penyiapan ini sudah dipakai atau tidak berlaku. "
                                         "Silakan masuk dengan akun Anda di halaman Masuk."))
    form = SetupForm()
    error = None
    if form.validate_on_submit():
        try:
            user = accounts.complete_setup(token, ensure_default_unit(), form.username.data,
                                           form.password.data, form.full_name.data or "")
        except accounts.AccountError as exc:
            error = str(exc)
        else:
            sessions.log_in(user, "setup")
            flash(translate("Akun superadmin dibuat. Selamat datang!"), "success")
            return redirect(url_for("admin.dashboard"))
    return render("auth/setup.html", form=form, error=error)


from app.auth import account  # noqa: E402,F401  (own-account pages register on bp)
