"""The signed-in user's own account: password change and two-factor login."""
from flask import flash, redirect, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from app.auth import _free_failures, bp
from app.auth.forms import ChangePasswordForm, CodeForm, CurrentPasswordForm
from app.security import accounts, sessions, twofactor
from app.web.i18n import translate
from app.web.rendering import render


def _qr(text: str) -> Markup:
    """Return an inline SVG QR code of `text` (the shared helper when it is there)."""
    try:
        from app.directory.sharing import qr_svg
    except ImportError:
        import segno
        return Markup(segno.make(text, error="m").svg_inline(scale=4))
    return qr_svg(text)


def _me():
    return current_user._get_current_object()


def _reauthenticate(form) -> bool:
    """Check the current password in `form`; put any problem on its field."""
    error = accounts.check_current_password(_me(), form.current.data,
                                            request.remote_addr or "", _free_failures())
    if error:
        form.current.errors = [error]
    return error is None


@bp.route("/akun/kata-sandi", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit() and _reauthenticate(form):
        try:
            accounts.change_password(_me(), form.password.data, sessions.current_token())
        except accounts.AccountError as exc:
            form.password.errors = [str(exc)]
        else:
            sessions.rotate(_me())
            flash(translate("Kata sandi sudah diganti. Sesi di perangkat lain sudah diakhiri."), "success")
            return redirect(url_for("admin.dashboard"), 303)
    return render("auth/password.html", form=form,
                  twofactor_on=twofactor.is_enabled(_me()))


def _twofactor_page(code_form=None, off_form=None, codes_form=None):
    """Render the 2FA page: enrolment (QR and secret) or, when on, its settings."""
    user = _me()
    # Two password forms on one page: prefixes keep their field ids apart.
    context = {"enabled": twofactor.is_enabled(user), "required": twofactor.required(),
               "code_form": code_form or CodeForm(formdata=None),
               "off_form": off_form or CurrentPasswordForm(formdata=None, prefix="off"),
               "codes_form": codes_form or CurrentPasswordForm(formdata=None, prefix="new")}
    if context["enabled"]:
        context["unused"] = twofactor.unused_recovery_codes(user)
    else:
        secret = twofactor.pending_secret(user)
        context["qr"] = _qr(twofactor.provisioning_uri(user, secret))
        context["secret"] = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    return render("auth/twofactor.html", **context)


@bp.route("/akun/2fa", methods=["GET", "POST"])
@login_required
def twofactor_setup():
    if current_user.must_change_password:
        return redirect(url_for("auth.change_password"))
    if request.method == "GET" or twofactor.is_enabled(_me()):
        return _twofactor_page()
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = twofactor.enable(_me(), form.code.data)
        except twofactor.TwoFactorError as exc:
            form.code.errors = [str(exc)]
        else:
            return render("auth/recovery_codes.html", codes=codes, just_enabled=True)
    return _twofactor_page(code_form=form)


@bp.route("/akun/2fa/nonaktifkan", methods=["POST"])
@login_required
def twofactor_disable():
    form = CurrentPasswordForm(prefix="off")
    if form.validate_on_submit() and _reauthenticate(form):
        try:
            twofactor.disable(_me())
        except twofactor.TwoFactorError as exc:
            form.current.errors = [str(exc)]
        else:
            flash(translate("Verifikasi dua langkah dinonaktifkan."), "success")
            return redirect(url_for("auth.twofactor_setup"), 303)
    return _twofactor_page(off_form=form)


@bp.route("/akun/2fa/kode-pemulihan", methods=["POST"])
@login_required
def recovery_codes():
    form = CurrentPasswordForm(prefix="new")
    if form.validate_on_submit() and _reauthenticate(form):
        try:
            codes = twofactor.regenerate_recovery_codes(_me())
        except twofactor.TwoFactorError as exc:
            flash(str(exc), "error")
            return redirect(url_for("auth.twofactor_setup"), 303)
        return render("auth/recovery_codes.html", codes=codes, just_enabled=False)
    return _twofactor_page(codes_form=form)
