"""The audit log for superadmins: filter, page through and export. Read-only by design."""
import csv
import datetime as dt
import io
import re

from flask import Response, request
from flask_babel import gettext as _

from app.admin import bp, changes, superadmin_required
from app.models import AuditEvent
from app.records import audit
from app.web.pagination import paged
from app.web.rendering import render

PER_PAGE = 50
FILTERS = ("pengguna", "tindakan", "entitas", "id", "dari", "sampai")
bp.add_app_template_filter(changes.wita, "wita")



def _date(text):
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _start(day: dt.date) -> dt.datetime:
    """Return the start of a WITA day in stored (server-local, naive) time."""
    return dt.datetime.combine(day, dt.time(), changes.WITA).astimezone().replace(tzinfo=None)


def read_filters(args) -> dict:
    """Return the filters of a request, cleaned: unknown dates and ids are dropped."""
    f = {name: (args.get(name) or "").strip()[:60] for name in FILTERS}
    f["id"] = f["id"] if re.fullmatch(r"[0-9]{1,9}", f["id"]) else ""  # fits any INTEGER
    for name in ("dari", "sampai"):
        f[name] = f[name] if _date(f[name]) else ""
    return f


def filtered_events(f: dict):
    """Return the audit events matching the filters, newest first."""
    query = AuditEvent.select()
    if f["pengguna"]:
        query = query.where(AuditEvent.username ** f"%{f['pengguna']}%")
    if f["tindakan"]:
        query = query.where(AuditEvent.action == f["tindakan"])
    if f["entitas"]:
        query = query.where(AuditEvent.entity == f["entitas"])
    if f["id"]:
        query = query.where(AuditEvent.entity_id == int(f["id"]))
    if f["dari"]:
        query = query.where(AuditEvent.created_at >= _start(_date(f["dari"])))
    if f["sampai"]:
        end = _date(f["sampai"]) + dt.timedelta(days=1)
        query = query.where(AuditEvent.created_at < _start(end))
    return query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())


def _distinct(field):
    return [row[0] for row in AuditEvent.select(field).distinct().order_by(field).tuples()
            if row[0]]


@bp.route("/audit")
@superadmin_required
def audit_index():
    f = read_filters(request.args)
    return render("admin/audit.html", "results", **paged(filtered_events(f), PER_PAGE), f=f,
                  active={k: v for k, v in f.items() if v},
                  actions=_distinct(AuditEvent.action), entities=_distinct(AuditEvent.entity),
                  changes=changes)


def _cell(value) -> str:
    """Keep a spreadsheet from running a cell as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.route("/audit/ekspor.csv")
@superadmin_required
def audit_export():
    f = read_filters(request.args)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")  # Excel in the Indonesian locale expects ';'
    writer.writerow([_("Waktu (WITA)"), _("Pengguna"), _("Tindakan"), _("Kode tindakan"),
                     _("Data"), _("ID"), _("Alamat"), _("Perubahan"), _("Sebelum (JSON)"),
                     _("Sesudah (JSON)")])
    count = 0
    for e in filtered_events(f).iterator():
        writer.writerow([_cell(v) for v in (
            changes.wita(e.created_at), e.username, changes.action_label(e.action), e.action,
            changes.entity_label(e.entity), e.entity_id, e.address,
            changes.diff_text(e.before, e.after, e.entity), e.before, e.after)])
        count += 1
    audit.record("audit.export", "audit",
                 after={"rows": count, **{k: v for k, v in f.items() if v}})
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition":
                             f'attachment; filename="log-audit-{stamp}.csv"'})
