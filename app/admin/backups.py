"""Backups page for superadmins: list archives, make one now, download one."""
from flask import abort, current_app, flash, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp, superadmin_required
from app.base_form import BaseForm
from app.operations import backup
from app.records import audit
from app.web.rendering import render


class BackupForm(BaseForm):
    """The "make a backup now" button: just the CSRF token."""


def _problem() -> str:
    """Return why this deployment cannot back up here (PostgreSQL), or ''."""
    try:
        backup.sqlite_file(current_app.config["DATABASE_URL"])
    except backup.BackupError as exc:
        return str(exc)
    return ""


@bp.route("/cadangan")
@superadmin_required
def backup_index():
    folder = backup.backup_dir(current_app)
    return render("admin/backups.html", archives=backup.list_archives(folder), folder=folder,
                  problem=_problem(), form=BackupForm(), human_size=backup.human_size)


@bp.route("/cadangan", methods=["POST"])
@superadmin_required
def backup_create():
    if not BackupForm().validate_on_submit():
        abort(400)
    try:
        path = backup.run_backup(current_app._get_current_object(), user=current_user)
    except backup.BackupError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Cadangan dibuat: %(name)s. Simpan salinannya di luar komputer ini juga.",
                name=path.name), "success")
    return redirect(url_for("admin.backup_index"), 303)


@bp.route("/cadangan/<name>")
@superadmin_required
def backup_download(name):
    folder = backup.backup_dir(current_app)
    archive = next((a for a in backup.list_archives(folder) if a.name == name), None)
    if archive is None:
        abort(404)
    audit.record("backup.download", "backup", after={"archive": archive.name})
    return send_file(archive.path, mimetype="application/zip", as_attachment=True,
                     download_name=archive.name)
