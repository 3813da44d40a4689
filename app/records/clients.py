"""A client's internal record: listing, audited viewing, export and erasure (UU 27/2022)."""
import datetime as dt
import json
from pathlib import Path

from flask import current_app
from peewee import JOIN, OperationalError, fn

from app.db import database, is_sqlite, locked, write_transaction
from app.directory import search
from app.models import AuditEvent, Category, Client, Consent, Listing, now
from app.records import access, audit
from app.records.consent import latest_consent, unpublish_all
from app.records.photos import delete_photo_files
from app.web.i18n import translate

ERASED = "dihapus"  # what an erased record's audit values are replaced by


def clients_for(user, text: str = ""):
    """Select the clients the user may see (their unit; all for a superadmin), with counts."""
    query = (Client.select(Client, fn.COUNT(Listing.id).alias("listing_count"))
             .join(Listing, JOIN.LEFT_OUTER,
                   on=((Listing.client == Client.id) & Listing.deleted_at.is_null()))
             .group_by(Client.id))
    query = access.scoped(query, user, Client.unit)
    text = (text or "").strip()[:100]
    if text:
        query = query.where(Client.full_name ** f"%{text}%"
                            | Client.register_number ** f"%{text}%")
    return query.order_by(Client.erased_at.is_null(False), Client.full_name)


def latest_consents(client_ids) -> dict:
    """Return each client's newest consent version, in one query."""
    newest = (Consent.select(fn.MAX(Consent.id)).where(Consent.client.in_(list(client_ids)))
              .group_by(Consent.client))
    return {c.client_id: c for c in Consent.select().where(Consent.id.in_(newest))}


@write_transaction
def record_view(client: Client, user) -> None:
    """Audit that someone opened the client's internal record."""
    audit.record("client.view", "client", client.id, user=user)


# --- export (the right of access) -------------------------------------------------------

def _plain(record, skip=()) -> dict:
    """Return a record's stored columns as JSON-friendly values."""
    return {name: value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value
            for name, value in record.__data__.items() if name not in skip}


def audit_events_about(client: Client):
    """Select the audit events about a client, their consents and listings, oldest first."""
    listing_ids = [x.id for x in Listing.select(Listing.id).where(Listing.client == client)]
    consent_ids = [c.id for c in Consent.select(Consent.id).where(Consent.client == client)]
    about = (((AuditEvent.entity == "client") & (AuditEvent.entity_id == client.id))
             | ((AuditEvent.entity == "listing") & AuditEvent.entity_id.in_(listing_ids or [0]))
             | ((AuditEvent.entity == "consent") & AuditEvent.entity_id.in_(consent_ids or [0])))
    return AuditEvent.select().where(about).order_by(AuditEvent.id)


def export_client(client: Client, user) -> dict:
    """Return everything held about a client as JSON-ready data, and audit the export."""
    write_transaction(audit.record)("client.export", "client", client.id, user=user)
    events = []
    for event in audit_events_about(client):
        row = _plain(event, skip=("user",))
        for key in ("before", "after"):
            row[key] = json.loads(row[key]) if row[key] else None
        events.append(row)
    return {
        "dibuat": now().isoformat(),
        "keterangan": translate("Salinan semua data tentang klien ini di aplikasi %(app)s "
                                "(%(office)s).", app=current_app.config["APP_NAME"],
                                office=current_app.config["OFFICE_NAME"]),
        "klien": _plain(client),
        "persetujuan": [_plain(c) for c in client.consents.order_by(Consent.id)],
        "jasa": [_plain(x) for x in client.listings.order_by(Listing.id)],
        "log_audit": events,
    }


# --- erasure (the right to deletion) ----------------------------------------------------

def _blank_listing(listing: Listing, stamp: dt.datetime, user) -> list[str]:
    """Strip a listing down to its category and kecamatan; return its photo files."""
    photos = [listing.photo, listing.photo_thumb]
    category = Category.get_by_id(listing.category_id)
    listing.title = category.name
    listing.slug = category.slug
    for field in ("description", "service_area", "price_hint", "working_hours",
                  "display_name", "contact_name", "phone", "family_consent_name",
                  "family_consent_reference"):
        setattr(listing, field, "")
    listing.family_consent_on = None
    listing.phone_is_mobile = listing.is_published = listing.featured = False
    listing.photo = listing.photo_thumb = None
    listing.photo_width = listing.photo_height = listing.thumb_width = None
    listing.thumb_height = None
    listing.deleted_at = listing.deleted_at or stamp
    listing.updated_at, listing.updated_by = stamp, user
    listing.version += 1
    listing.save()
    search.remove_listing(listing.id)
    return [name for name in photos if name]


def _redact_audit_trail(client: Client) -> int:
    """Drop the recorded values (not the facts) of audit events about the client."""
    ids = [e.id for e in audit_events_about(client)]
    if not ids:
        return 0
    redacted = json.dumps({"nilai": ERASED})
    return (AuditEvent.update(before=redacted, after=redacted)
            .where(AuditEvent.id.in_(ids), (AuditEvent.before != "") | (AuditEvent.after != ""))
            .execute())


def _purge_from_disk() -> None:
    """Rewrite the SQLite file so erased values do not linger in freed pages."""
    if not is_sqlite() or database.in_transaction():
        return
    try:
        database.execute_sql("INSERT INTO listing_fts(listing_fts) VALUES ('optimize')")
        database.execute_sql("VACUUM")
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    except OperationalError as exc:  # busy: SQLite reuses the pages later anyway
        current_app.logger.warning("Erasure: could not compact the database now: %s", exc)


def erase_client(client: Client, user) -> dict:
    """Erase a client's personal data on request: unpublish, delete photos, anonymise.

    Kept: the client's id and unit, each listing's category and kecamatan, the consent
    versions (dates, scope, channels: proof the data was processed lawfully), daily
    counts, and the fact of every audited action. The erasure's own audit event holds
    ids and counts only.
    """
    done = _erase(client, user)
    if done is None:  # erased already (perhaps by a simultaneous request)
        return {"listings": 0, "photos": 0}
    client.__data__.update(Client.get_by_id(client.id).__data__)
    delete_photo_files(Path(current_app.config["UPLOAD_DIR"]), *done.pop("photo_files"))
    _purge_from_disk()
    return done


@write_transaction
def _erase(client: Client, user) -> dict | None:
    """Anonymise the client (read again, locked) in one transaction; see erase_client."""
    client = locked(Client.select().where(Client.id == client.id)).get()
    if client.erased_at:
        return None
    photos = []
    stamp = now()
    unpublished = unpublish_all(client, user, "data pribadi dihapus")
    listings = list(locked(client.listings.order_by(Listing.id)))
    for listing in listings:
        photos += _blank_listing(listing, stamp, user)
    Consent.update(withdrawn_at=stamp).where(Consent.client == client,
                                              Consent.withdrawn_at.is_null()).execute()
    client.full_name = f"Klien terhapus #{client.id}"
    client.register_number = client.internal_notes = client.supervising_officer = ""
    client.birth_date = client.supervision_end_date = None
    client.erased_at = client.deleted_at = stamp
    client.updated_at = stamp
    client.version += 1
    client.save()
    redacted = _redact_audit_trail(client)
    audit.record("client.erase", "client", client.id, user=user,
                 before={"listing_ids": [x.id for x in listings],
                         "consent_ids": [c.id for c in client.consents]},
                 after={"erased": True, "listings_unpublished": len(unpublished),
                        "photo_files_deleted": len(photos),
                        "audit_events_redacted": redacted})
    return {"listings": len(listings), "photos": len(photos), "photo_files": photos}


def consent_history(client: Client):
    """Select every consent version of the client, newest first."""
    return client.consents.order_by(Consent.id.desc())


def summary(client: Client) -> dict:
    """Return the newest consent and the listings of a client, for its page."""
    return {"consent": latest_consent(client),
            "listings": list(client.listings.order_by(Listing.deleted_at.is_null(False),
                                                      Listing.id))}
