"""A client's consent to publish: versions, scope, channels, withdrawal (UU 27/2022).

Each change is a new Consent row; older rows stay as history. The newest row is the
version in force: when it expires or is withdrawn, no older version comes back.
"""
import datetime as dt

from flask import current_app, has_app_context

from app.db import write_transaction
from app.models import Client, Consent, Listing, now
from app.records import audit
from app.web.i18n import N_, translate

METHODS = {
    "formulir": N_("Formulir bertanda tangan"),
    "rekaman": N_("Rekaman (suara atau video)"),
}
SCOPES = {  # what may be shown: Consent.scope_<key>
    "name": N_("Nama panggilan"),
    "photo": N_("Foto"),
    "phone": N_("Nomor telepon klien"),
    "area": N_("Wilayah layanan dan kecamatan"),
}
CHANNELS = {  # where it may be shown: Consent.channel_<key>
    "website": N_("Situs web (halaman publik)"),
    "kiosk": N_("Layar kios di ruang tunggu"),
    "share": N_("Pratinjau tautan (WhatsApp, Facebook)"),
    "flyer": N_("Selebaran cetak"),
    "search": N_("Mesin pencari (Google dan sejenisnya)"),
}
FIELDS = (["given_on", "officer_name", "form_reference", "method", "valid_until"]
          + [f"scope_{key}" for key in SCOPES] + [f"channel_{key}" for key in CHANNELS])
DEFAULTS = {"method": "formulir", "form_reference": "", "officer_name": "",
            "scope_name": True, "scope_photo": False, "scope_phone": True, "scope_area": True,
            **{f"channel_{key}": True for key in CHANNELS}}

STATUS_LABELS = {
    "berlaku": N_("Berlaku"),
    "ditarik": N_("Ditarik"),
    "kedaluwarsa": N_("Kedaluwarsa"),
    "belum": N_("Belum ada"),
    "terhapus": N_("Data dihapus"),
}


class ConsentError(ValueError):
    """A consent that may not be recorded: `field` and a message in the requester's language."""
    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


def channels_of(consent: Consent | None) -> frozenset:
    """Return the channels a consent allows (none without a consent)."""
    if consent is None:
        return frozenset()
    return frozenset(key for key in CHANNELS if getattr(consent, f"channel_{key}"))


def text_version() -> str:
    """Return the version of the consent text clients sign now."""
    return current_app.config["CONSENT_TEXT_VERSION"] if has_app_context() else ""


def latest_consent(client: Client) -> Consent | None:
    """Return the client's newest consent version, valid or not."""
    return client.consents.order_by(Consent.id.desc()).first() if client.id else None


def status(client: Client, consent: Consent | None, today: dt.date | None = None) -> str:
    """Return a key of STATUS_LABELS for the client's newest consent version."""
    today = today or dt.date.today()
    if client.erased_at:
        return "terhapus"
    if consent is None:
        return "belum"
    if consent.withdrawn_at:
        return "ditarik"
    return "berlaku" if consent.is_valid_on(today) else "kedaluwarsa"


def check(data: dict, supervision_end: dt.date | None) -> None:
    """Refuse a consent that is incomplete or runs past supervision; raise ConsentError."""
    given = data.get("given_on")
    if not given:
        raise ConsentError("given_on", translate("Tanggal persetujuan wajib diisi."))
    if given > dt.date.today():
        raise ConsentError("given_on", translate("Tanggal tidak boleh di masa depan."))
    if not (data.get("officer_name") or "").strip():
        raise ConsentError("officer_name", translate("Nama petugas yang mencatat wajib diisi."))
    if data.get("method") not in METHODS:
        raise ConsentError("method", translate("Pilih cara persetujuan diberikan."))
    until = data.get("valid_until")
    if until and until < given:
        raise ConsentError("valid_until", translate("Tanggal berlaku tidak boleh sebelum "
                                                    "tanggal persetujuan."))
    if until and supervision_end and until > supervision_end:
        raise ConsentError("valid_until", translate("Persetujuan tidak boleh berlaku melewati "
                                                    "akhir masa bimbingan."))


def with_defaults(data: dict) -> dict:
    """Return the consent FIELDS of `data`, a default for each one missing or None."""
    values = {f: data[f] if data.get(f) is not None else DEFAULTS.get(f) for f in FIELDS}
    values["method"] = values["method"] or DEFAULTS["method"]
    return values


def new_version(client: Client, data: dict, user) -> Consent:
    """Add a consent version (inside the caller's transaction) and audit it."""
    values = with_defaults(data)
    consent = Consent.create(client=client, recorded_by=user, text_version=text_version(),
                             **values)
    audit.record("consent.create", "consent", consent.id,
                 after=audit.snapshot(consent, FIELDS + ["text_version"]))
    return consent


def record_consent(client: Client, data: dict, user) -> Consent:
    """Check and record a new consent version for a client."""
    if client.erased_at:
        raise ConsentError("given_on", translate("Data pribadi klien ini sudah dihapus."))
    check(data, client.supervision_end_date)
    consent = write_transaction(new_version)(client, data, user)
    from app.directory import search  # the index may depend on what the consent shows
    search.reindex(client.listings.where(Listing.deleted_at.is_null()))
    return consent


def unpublish_all(client: Client, user, reason: str) -> list[int]:
    """Take every published listing of the client offline, audited; return their ids."""
    ids = [x.id for x in client.listings.where(Listing.is_published == True)]  # noqa: E712
    if ids:
        (Listing.update(is_published=False, updated_at=now(), updated_by=user,
                        version=Listing.version + 1)
         .where(Listing.id.in_(ids)).execute())
    for listing_id in ids:
        audit.record("listing.unpublish", "listing", listing_id, before={"is_published": True},
                     after={"is_published": False, "alasan": reason}, user=user)
    return ids


@write_transaction
def withdraw(client: Client, user) -> list[int]:
    """Withdraw the client's consent now and unpublish all their listings at once."""
    stamp = now()
    open_ids = [c.id for c in client.consents.where(Consent.withdrawn_at.is_null())]
    if open_ids:
        Consent.update(withdrawn_at=stamp).where(Consent.id.in_(open_ids)).execute()
    unpublished = unpublish_all(client, user, "persetujuan ditarik")
    audit.record("consent.withdraw", "client", client.id,
                 after={"consent_ids": open_ids, "listing_ids": unpublished,
                        "withdrawn_at": stamp.isoformat()}, user=user)
    return unpublished
