"""`raja-kemas import FILE --as USERNAME [--unit SLUG]`: an office's spreadsheet moved in.

The same checks and all-or-nothing write as the import screen (app/importing.py); every
problem is printed with its row, and nothing is written if there is any. The audit log
records the import as the named user.
"""
from dataclasses import dataclass
from pathlib import Path

from flask import g

from app.db import database
from app.models import Unit, User
from app.office import importing
from app.office.spreadsheets import TableError, read_table
from app.records import access
from app.web.i18n import translate


class ImportCommandError(Exception):
    """A bad argument or an unreadable file: the message says what to do."""


@dataclass
class CommandResult:
    preview: importing.Preview
    saved: bool


def _user(username: str, unit_slug: str | None) -> User:
    user = User.get_or_none(User.username == username)
    if user is None or not user.is_active:
        raise ImportCommandError(translate("Pengguna '%(name)s' tidak ada atau tidak aktif.",
                                           name=username))
    if not user.can_edit:
        raise ImportCommandError(translate("Pengguna '%(name)s' hanya boleh melihat data, "
                                           "tidak boleh mengimpor.", name=username))
    if unit_slug:
        unit = Unit.get_or_none(Unit.slug == unit_slug)
        if unit is None:
            raise ImportCommandError(translate("Unit '%(slug)s' tidak ada.", slug=unit_slug))
        if unit.id != user.unit_id and not access.is_superadmin(user):
            raise ImportCommandError(translate("Hanya superadmin yang boleh mengimpor ke unit "
                                               "lain."))
        user.unit = unit  # in memory only: the listings and clients go to this unit
    return user


def import_file(path: str, username: str, unit_slug: str | None = None) -> CommandResult:
    """Check and import a .xlsx or .csv file as `username`; write all rows or none."""
    file = Path(path)
    if not file.is_file():
        raise ImportCommandError(translate("Berkas tidak ditemukan: %(path)s", path=path))
    try:
        table = read_table(file.read_bytes(), file.name)
    except TableError as exc:
        raise ImportCommandError(str(exc)) from None
    with database.connection_context():
        user = _user(username, unit_slug)
        g.acting_user = user
        try:
            preview = importing.run_import(table.headers, table.rows, file.name, user)
        finally:
            g.pop("acting_user", None)
    return CommandResult(preview, preview.ok)


def problem_lines(preview: importing.Preview) -> list[str]:
    """Every problem of the file, one line each, with the row number Excel shows."""
    lines = list(preview.file_problems)
    for row in preview.bad_rows:
        for column, message in row.problems:
            where = f" ({column})" if column else ""
            lines.append(translate("Baris %(row)s%(where)s: %(message)s", row=row.number,
                                   where=where, message=message))
    return lines
