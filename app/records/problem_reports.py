"""Reports from the public that a listing is wrong (a wrong number, no longer serving):
taken without an account, moderated by the listing's office, never shown publicly."""
import datetime as dt
import hashlib
import hmac

from flask import current_app
from peewee import fn

from app.db import write_transaction
from app.directory.publishing import public_listings
from app.models import Listing, ProblemReport, PublicFormUse, now
from app.records import access, audit
from app.web.i18n import N_, translate

REASONS = {"nomor-salah": N_("Nomor salah"), "tidak-melayani": N_("Sudah tidak melayani"),
           "lainnya": N_("Lainnya")}  # labels translated where shown
RESOLUTIONS = {"diperbaiki": N_("Sudah diperbaiki"), "bukan-masalah": N_("Bukan masalah")}
WRONG_NUMBER = "nomor-salah"
NOTE_MAX = 500
CONTACT_MAX = 100
PER_ADDRESS = 5  # reports from one address per WINDOW
WINDOW = dt.timedelta(hours=1)
KEPT = dt.timedelta(days=1)  # how long a use of a public form is remembered at all
WORKLIST_TOP = 3  # open wrong-number reports that put a listing first on "Perlu konfirmasi"


class ReportError(ValueError):
    """A report refused or not found, with a message for the person (and an HTTP status)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _address_key(address: str) -> str:
    """The address as a keyed hash: enough to count uses, useless to anyone who reads it."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return "report:" + hmac.new(secret, address.encode(), hashlib.sha256).hexdigest()[:40]


def _over_limit(address: str) -> bool:
    """Count this use of the form; True if the address already used it PER_ADDRESS times."""
    key, moment = _address_key(address), now()
    PublicFormUse.delete().where(PublicFormUse.created_at < moment - KEPT).execute()
    recent = PublicFormUse.select().where(PublicFormUse.key == key,
                                          PublicFormUse.created_at >= moment - WINDOW).count()
    if recent >= PER_ADDRESS:
        return True
    PublicFormUse.create(key=key, created_at=moment)
    return False


def submit(listing_id: int, reason: str, note: str, contact: str, address: str) -> ProblemReport:
    """Store a visitor's report about a public listing."""
    note, contact = (note or "").strip(), (contact or "").strip()
    if reason not in REASONS:
        raise ReportError(translate("Pilih alasan laporan."))
    if len(note) > NOTE_MAX or len(contact) > CONTACT_MAX:
        raise ReportError(translate("Catatan atau kontak terlalu panjang."))
    return _store(listing_id, reason, note, contact, address)


@write_transaction
def _store(listing_id: int, reason: str, note: str, contact: str, address: str):
    if not public_listings().where(Listing.id == listing_id).exists():
        raise ReportError(translate("Jasa ini tidak ditemukan atau sudah tidak tayang."), 404)
    if _over_limit(address or ""):
        raise ReportError(translate("Terlalu banyak laporan dari sambungan ini. Coba lagi "
                                    "dalam satu jam."), 429)
    return ProblemReport.create(listing=listing_id, reason=reason, note=note,
                                reporter_contact=contact)


def open_reports(user):
    """Open reports about listings of the offices `user` may see, newest first."""
    query = (ProblemReport.select(ProblemReport, Listing).join(Listing)
             .where(ProblemReport.resolved_at.is_null(), Listing.deleted_at.is_null()))
    return access.scoped(query, user, Listing.unit).order_by(ProblemReport.created_at.desc(),
                                                             ProblemReport.id.desc())


def resolve(report_id: int, resolution: str, user) -> ProblemReport:
    """Close a report as fixed or not a problem; the reporter's contact is then forgotten."""
    if resolution not in RESOLUTIONS:
        raise ReportError(translate("Pilih hasil pemeriksaan."))
    return _close(report_id, resolution, user)


@write_transaction
def _close(report_id: int, resolution: str, user) -> ProblemReport:
    report = open_reports(user).where(ProblemReport.id == report_id).first()
    if report is None:
        raise ReportError(translate("Laporan tidak ditemukan atau sudah diselesaikan."), 404)
    before = {"reason": report.reason, "resolution": ""}
    report.resolved_at, report.resolution = now(), resolution
    report.resolved_by, report.reporter_contact = user, ""
    report.save()
    audit.record("report.resolve", "problem_report", report.id, user=user, before=before,
                 after={"reason": report.reason, "resolution": resolution,
                        "listing": report.listing_id})
    return report


def wrong_number_listings():
    """Ids of listings with at least WORKLIST_TOP open wrong-number reports (a subquery)."""
    return (ProblemReport.select(ProblemReport.listing)
            .where(ProblemReport.reason == WRONG_NUMBER, ProblemReport.resolved_at.is_null())
            .group_by(ProblemReport.listing)
            .having(fn.COUNT(ProblemReport.id) >= WORKLIST_TOP))
