"""Superadmin pages for accounts: list, create, edit, enable/disable, password and 2FA reset."""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from playhouse.flask_utils import get_object_or_404

from app.admin import bp, superadmin_required
from app.admin.forms import UserForm
from app.models import Unit, User
from app.security import accounts, sessions, twofactor
from app.web.rendering import is_fragment_request, render


def _row_or_back(user: User, error: str | None, done: str):
    """Answer a row action: the row for htmx, else a message and the list again."""
    if is_fragment_request():
        return render("admin/_user_row.html", row=user, error=error)
    flash(error or done, "error" if error else "success")
    return redirect(url_for("admin.user_index"), 303)


@bp.route("/pengguna")
@superadmin_required
def user_index():
    rows = User.select(User, Unit).join(Unit).order_by(User.username)
    return render("admin/users.html", rows=list(rows), require_2fa=twofactor.required())


@bp.route("/pengguna/baru", methods=["GET", "POST"])
@superadmin_required
def user_new():
    form = UserForm().for_units()
    if form.validate_on_submit():
        temporary = accounts.temporary_password()
        try:
            user = accounts.create_user(Unit.get_by_id(form.unit_id.data), form.username.data,
                                        temporary, form.role.data, form.full_name.data,
                                        must_change=True)
        except accounts.AccountError as exc:
            form.username.errors = [str(exc)]
        else:
            return render("admin/users_password.html", user=user, temporary=temporary, new=True)
    return render("admin/users_form.html", form=form, user=None)


@bp.route("/pengguna/<int:user_id>", methods=["GET", "POST"])
@superadmin_required
def user_edit(user_id):
    user = get_object_or_404(User, User.id == user_id)
    form = UserForm(obj=user if request.method == "GET" else None).for_units()
    del form.username  # the login name stays: the audit log refers to it
    if form.validate_on_submit():
        try:
            accounts.update_user(user, form.full_name.data, form.role.data,
                                 Unit.get_by_id(form.unit_id.data))
        except accounts.AccountError as exc:
            form.role.errors = [str(exc)]
        else:
            flash(_("Akun %(user)s disimpan.", user=user.username), "success")
            return redirect(url_for("admin.user_index"), 303)
    return render("admin/users_form.html", form=form, user=user)


@bp.route("/pengguna/<int:user_id>/status", methods=["POST"])
@superadmin_required
def user_status(user_id):
    user = get_object_or_404(User, User.id == user_id)
    enable = request.form.get("aktif") == "1"
    try:
        accounts.set_enabled(user, enable)
    except accounts.AccountError as exc:
        return _row_or_back(user, str(exc), "")
    return _row_or_back(user, None, _("Akun %(user)s diaktifkan.", user=user.username) if enable
                        else _("Akun %(user)s dinonaktifkan dan sudah dikeluarkan.",
                               user=user.username))


@bp.route("/pengguna/<int:user_id>/atur-ulang-sandi", methods=["GET", "POST"])
@superadmin_required
def user_reset_password(user_id):
    user = get_object_or_404(User, User.id == user_id)
    if user.id == current_user.id:
        flash(_("Untuk akun Anda sendiri, pakai halaman Ganti kata sandi."), "error")
        return redirect(url_for("admin.user_index"), 303)
    if request.method == "GET":  # ask first: a reset locks the user out until told
        return render("admin/users_password.html", user=user, temporary=None, new=False)
    temporary = accounts.reset_password(user)
    return render("admin/users_password.html", user=user, temporary=temporary, new=False)


@bp.route("/pengguna/<int:user_id>/atur-ulang-2fa", methods=["POST"])
@superadmin_required
def user_reset_2fa(user_id):
    user = get_object_or_404(User, User.id == user_id)
    twofactor.reset(user)
    if user.id == current_user.id:
        sessions.forget()
        flash(_("Verifikasi dua langkah akun Anda diatur ulang. Silakan masuk lagi."), "info")
        return redirect(url_for("auth.login"), 303)
    return _row_or_back(user, None, _("Verifikasi dua langkah %(user)s diatur ulang; "
                                      "ia perlu mendaftarkan ponselnya lagi.",
                                      user=user.username))


@bp.route("/pengguna/wajib-2fa", methods=["POST"])
@superadmin_required
def user_require_2fa():
    required = request.form.get("wajib") == "1"
    twofactor.set_required(required)
    flash(_("Verifikasi dua langkah kini wajib untuk semua akun.") if required else
          _("Verifikasi dua langkah tidak lagi diwajibkan."), "success")
    return redirect(url_for("admin.user_index"), 303)
