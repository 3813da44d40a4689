"""Creating, editing, publishing and deleting listings, with their client and consent."""
import datetime as dt
import re
from pathlib import Path

from flask import current_app

from app.db import compare_and_set_version, locked, write_transaction
from app.directory import search
from app.directory.publishing import PublishError, publish_problems
from app.models import Client, Consent, Listing, OpenSlot, now
from app.records import access, audit, hours_entry, location
from app.records import consent as consent_domain
from app.records.hours import slots
from app.records.phones import parse_phone
from app.records.photo_sizes import make_variants
from app.records.photos import delete_photo_files, store_photo
from app.web.i18n import N_, translate

CLIENT_FIELDS = ["full_name", "register_number", "birth_date", "supervising_officer",
                 "supervision_end_date", "internal_notes"]
CONSENT_FIELDS = consent_domain.FIELDS  # with scope_* and channel_* (app/consent.py)
FAMILY_CONSENT_FIELDS = ["family_consent_name", "family_consent_on", "family_consent_reference"]
LISTING_FIELDS = ["title", "category_id", "description", "region_id", "service_area",
                  "price_hint", "working_hours", "display_name", "contact_name",
                  "contact_relation", "publish_until", "featured"] + FAMILY_CONSENT_FIELDS
AUDITED = LISTING_FIELDS + ["latitude", "longitude", "hours", "phone", "photo", "is_published",
                            "last_confirmed_at"]


class ConflictError(ValueError):
    """Someone else saved this record after it was opened: what is stored now, by whom, when."""
    def __init__(self, changed, saved=None, version=None, by="", at=None,
                 client_version=None, record="listing"):
        super().__init__("conflict")
        self.changed = changed  # form field names whose stored value differs from the submitted one
        self.saved = saved or {}  # form field name -> value stored now
        self.version = version  # the stored version: submitting again with it saves
        self.by = by  # who saved last (full name, else user name)
        self.at = at  # when they saved (Listing.updated_at)
        self.client_version = client_version  # the client's, likewise
        self.record = record  # what changed meanwhile: "listing", or "client" (another listing)


class FieldError(ValueError):
    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", search.normalize(text)).strip("-")[:60] or "jasa"


def _name_in(name: str, text: str) -> bool:
    """True if the full name (two words or more) appears within `text`."""
    words = search.words(name)
    return len(words) >= 2 and " ".join(words) in " ".join(search.words(text))


def check_public_text(full_name: str, data: dict) -> None:
    """Refuse a title or display name that carries the client's full legal name."""
    for field in ("title", "display_name", "description"):
        if _name_in(full_name, data.get(field) or ""):
            raise FieldError(field, translate("Jangan tulis nama lengkap klien di bagian publik. "
                                              "Gunakan nama panggilan yang disetujui klien."))


def _consent_changed(latest: Consent | None, data: dict) -> bool:
    if not data.get("given_on"):
        return False
    if latest is None:
        return True
    return any(getattr(latest, f) != data.get(f) for f in CONSENT_FIELDS)


def _keep_family_consent(listing: Listing) -> None:
    """Keep a family member's consent only while a family member is the contact."""
    keep = listing.contact_relation == "keluarga"
    listing.family_consent_name = (listing.family_consent_name or "").strip() if keep else ""
    listing.family_consent_reference = ((listing.family_consent_reference or "").strip()
                                        if keep else "")
    listing.family_consent_on = listing.family_consent_on if keep else None


def _photo_folder() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def save_listing(listing: Listing | None, client: Client | None, data: dict, user,
                 photo_bytes: bytes | None = None, pending_photo=None) -> Listing:
    """Create or update a listing with its client and consent, all or nothing.

    `data` holds plain values keyed as in CLIENT_FIELDS (prefixed `client_`),
    CONSENT_FIELDS (prefixed `consent_`), LISTING_FIELDS, plus `phone`, `publish`,
    `remove_photo`, `version`, `client_version` (the client's, when the form was filled
    from a stored client; left out = not checked) and `location` (a map link or
    coordinates; left out = kept).
    The photo is either the uploaded `photo_bytes` or a
    `pending_photo` kept from an earlier attempt (app/records/pending_photos.py), which stays
    pending if the save fails. Raises FieldError, ConflictError or PublishError; on any
    of them nothing is saved.
    """
    client_data = {f: data["client_" + f] for f in CLIENT_FIELDS if "client_" + f in data}
    consent_data = consent_domain.with_defaults(
        {f: data.get("consent_" + f) for f in CONSENT_FIELDS})
    full_name = client_data.get("full_name") or (client.full_name if client else "")
    if listing is not None and not full_name:
        full_name = listing.client.full_name
    check_public_text(full_name, data)
    try:
        phone = parse_phone(data.get("phone") or "")
    except ValueError as exc:
        raise FieldError("phone", str(exc)) from None
    if "location" in data:
        try:
            place = location.parse(data["location"] or "")
        except location.LocationError as exc:
            raise FieldError("location", str(exc)) from None
        data = dict(data, location=place)
    try:
        hours = hours_entry.from_entry(data)
    except hours_entry.HoursEntryError as exc:
        raise FieldError(exc.field, exc.message) from None
    end = client_data.get("supervision_end_date")
    if consent_data["given_on"]:
        try:
            consent_domain.check(consent_data, end)
        except consent_domain.ConsentError as exc:
            raise FieldError("consent_" + exc.field, exc.message) from None

    stored = None
    if photo_bytes:
        cfg = current_app.config
        try:
            stored = store_photo(photo_bytes, _photo_folder(),
                                 cfg["MAX_UPLOAD_MB"] * 1024 * 1024, cfg["MAX_IMAGE_PIXELS"])
        except ValueError as exc:
            raise FieldError("photo", str(exc)) from None
    elif pending_photo is not None:
        stored = pending_photo.place_in(_photo_folder())

    try:
        listing, old_photos = _write(listing, client, data, client_data, consent_data,
                                     phone, stored, user, hours)
    except Exception:
        if stored:
            delete_photo_files(_photo_folder(), stored.name, stored.thumb)
        raise
    delete_photo_files(_photo_folder(), *old_photos)
    if stored:
        _make_sizes(stored.name)
    return listing


def _make_sizes(name: str) -> None:
    """Make the photo's srcset sizes now; if that fails, the first request makes them."""
    try:
        make_variants(_photo_folder(), name)
    except OSError:
        current_app.logger.exception("photo sizes of %s not made; made on first request", name)


@write_transaction
def _write(listing, client, data, client_data, consent_data, phone, stored, user, hours):
    """Write the listing, its client and consent in one transaction, or raise and write
    nothing. Everything is read again inside it, so a retry starts afresh."""
    is_new = listing is None
    before = None
    as_saved = dict(data, working_hours=hours[1])  # the editor leaves the free text empty
    if not is_new:
        client = listing.client
    if client is not None:
        # Locked first: saves of two listings of one client take turns. The client's
        # internal fields are on the form of each of their listings, so a form filled
        # before the client changed (through another listing) is a conflict too.
        client = locked(Client.select().where(Client.id == client.id)).get()
        seen = data.get("client_version")  # None or "": not checked (import, restore)
        if seen not in (None, "") and str(seen) != str(client.version):
            _conflict(None, as_saved, phone.e164, client, record="client")
    if not is_new:
        # The version check and the claim are one statement: of two simultaneous saves
        # of the same version exactly one passes; the other sees the conflict.
        if not compare_and_set_version(Listing, listing.id, data.get("version")):
            _conflict(Listing.get_by_id(listing.id), as_saved, phone.e164, client)
        listing = Listing.get_by_id(listing.id)  # current, with the claimed version
        before = audit.snapshot(listing, AUDITED)
    client = client or Client(unit=user.unit, version=0)
    latest = client.consents.order_by(Consent.id.desc()).first() if client.id else None
    consent_changed = _consent_changed(latest, consent_data)
    # The client's version counts changes to the client and their consent only: saving
    # one listing does not make the form of the client's other listing stale.
    if not client.id or consent_changed or any(
            not _same(getattr(client, field), value) for field, value in client_data.items()):
        for field, value in client_data.items():
            setattr(client, field, value)
        client.updated_at = now()
        client.version += 1
        client.save()
    if consent_changed:
        consent_domain.new_version(client, consent_data, user)

    if is_new:
        listing = Listing(unit=client.unit, client=client, last_confirmed_at=dt.date.today())
    else:
        listing.client = client  # the row just written: the publish rules read its dates
    for field in LISTING_FIELDS:
        setattr(listing, field, data.get(field))
    listing.featured = bool(data.get("featured"))
    known, listing.working_hours = hours
    listing.hours = known.to_json() if known else ""
    _keep_family_consent(listing)
    listing.slug = slugify(listing.title)
    listing.phone, listing.phone_is_mobile = phone.e164, phone.is_mobile
    if "location" in data:
        place = data["location"]
        listing.latitude = place.latitude if place else None
        listing.longitude = place.longitude if place else None
    old_photos = []
    if stored or data.get("remove_photo"):
        old_photos = [listing.photo, listing.photo_thumb]
        listing.photo = listing.photo_thumb = None
        listing.photo_width = listing.photo_height = None
        listing.thumb_width = listing.thumb_height = None
    if stored:
        listing.photo, listing.photo_thumb = stored.name, stored.thumb
        listing.photo_width, listing.photo_height = stored.width, stored.height
        listing.thumb_width, listing.thumb_height = stored.thumb_width, stored.thumb_height
    if data.get("publish") and not listing.is_published:
        listing.is_published, listing.published_at = True, now()
    elif "publish" in data and not data.get("publish"):
        listing.is_published = False
    listing.updated_at, listing.updated_by = now(), user
    if is_new:
        listing.version = 1
    listing.save()
    _write_slots(listing, known)
    if consent_changed:  # what the index may hold (the area) follows the consent
        search.reindex(client.listings.where(Listing.deleted_at.is_null()))
    else:
        search.index_listing(listing)
    audit.record("listing.create" if is_new else "listing.update", "listing", listing.id,
                 before=before, after=audit.snapshot(listing, AUDITED))
    if data.get("publish"):
        problems = publish_problems(listing)
        if problems:
            raise PublishError(problems)  # rolls the whole save back
    return listing, old_photos


def _write_slots(listing: Listing, known) -> None:
    """Rewrite the rows *Buka sekarang* looks up (records/hours.slots)."""
    OpenSlot.delete().where(OpenSlot.listing == listing).execute()
    rows = [{"listing": listing, "weekday": d, "opens": a, "closes": b} for d, a, b in slots(known)]
    if rows:
        OpenSlot.insert_many(rows).execute()


def _conflict(fresh: Listing | None, data: dict, phone: str, client: Client,
              record: str = "listing"):
    """Raise the ConflictError that shows the admin what is stored now, by whom, when:
    the listing `fresh`, or (record "client", `fresh` None) the client and their consent,
    changed through another listing (the client's listing saved last names who)."""
    changed, saved = _changes(fresh, client, data, phone)
    last = fresh if record == "listing" else (
        client.listings.order_by(Listing.updated_at.desc()).first())
    editor = last.updated_by if last else None
    raise ConflictError(changed, saved, fresh.version if fresh else None,
                        (editor.full_name or editor.username) if editor else "",
                        last.updated_at if record == "listing" else client.updated_at,
                        client.version, record)


def _same(stored, submitted) -> bool:
    if isinstance(stored, bool) or isinstance(submitted, bool):
        return bool(stored) == bool(submitted)
    return (stored if stored not in ("", None) else None) == \
        (submitted if submitted not in ("", None) else None)


def _changes(fresh: Listing | None, client: Client, data: dict,
             phone: str) -> tuple[list[str], dict]:
    """Return the form fields whose stored value differs from the submitted one, and those
    values (without `fresh`: the client's and consent's fields only)."""
    stored = {}
    if fresh is not None:
        stored = {f: getattr(fresh, f) for f in LISTING_FIELDS}
        stored["phone"] = fresh.phone
        stored["location"] = location.place_of(fresh)
        stored["publish"] = fresh.is_published
    stored.update({"client_" + f: getattr(client, f) for f in CLIENT_FIELDS})
    latest = client.consents.order_by(Consent.id.desc()).first()
    if latest or data.get("consent_given_on"):
        stored.update({"consent_" + f: getattr(latest, f, None) for f in CONSENT_FIELDS})
    submitted = dict(data, phone=phone)
    changed = [name for name, value in stored.items()
               if name in submitted and not _same(value, submitted[name])]
    return changed, {name: stored[name] for name in changed}


def _change_columns(listing: Listing, user, stamp: bool = True, **values) -> dict:
    """Write only these columns (with who, when and a new version) and refresh `listing`.

    A button's action must not write back the whole row it read before: that would undo
    an edit saved meanwhile. Returns the values the row had before.
    """
    current = locked(Listing.select().where(Listing.id == listing.id)).get()
    before = {name: getattr(current, name) for name in values}
    values.update(updated_by=user, version=Listing.version + 1)
    if stamp:
        values["updated_at"] = now()
    Listing.update(**values).where(Listing.id == listing.id).execute()
    listing.__data__.update(Listing.get_by_id(listing.id).__data__)
    listing._dirty.clear()
    return before


@write_transaction
def set_published(listing: Listing, published: bool, user) -> Listing:
    """Publish (if every rule allows) or unpublish, recording it."""
    if published:
        problems = publish_problems(Listing.get_by_id(listing.id))
        if problems:
            raise PublishError(problems)
    changes = {"is_published": published}
    if published:
        changes["published_at"] = now()
    before = _change_columns(listing, user, **changes)
    audit.record("listing.publish" if published else "listing.unpublish", "listing",
                 listing.id, before={"is_published": before["is_published"]},
                 after={"is_published": published})
    return listing


@write_transaction
def confirm_listing(listing: Listing, user) -> Listing:
    """Record that the contact was checked today."""
    before = _change_columns(listing, user, last_confirmed_at=dt.date.today())
    audit.record("listing.confirm", "listing", listing.id,
                 before={"last_confirmed_at": before["last_confirmed_at"].isoformat()},
                 after={"last_confirmed_at": listing.last_confirmed_at.isoformat()})
    return listing


@write_transaction
def delete_listing(listing: Listing, user) -> Listing:
    """Move to the bin: hidden everywhere, restorable."""
    _change_columns(listing, user, deleted_at=now())
    audit.record("listing.delete", "listing", listing.id)
    return listing


@write_transaction
def restore_listing(listing: Listing, user) -> Listing:
    """Take out of the bin, unpublished, so an admin checks it before it shows again."""
    _change_columns(listing, user, deleted_at=None, is_published=False)
    search.index_listing(listing)  # a reindex leaves binned listings out
    audit.record("listing.restore", "listing", listing.id)
    return listing


STATUSES = {"semua": N_("Semua"), "terbit": N_("Terbit"), "draf": N_("Belum terbit"),
            "sampah": N_("Sampah")}  # labels translated where shown


def admin_listings(user, text: str = "", status: str = "semua"):
    """Listings an admin may see, filtered by their words and a status."""
    query = access.scoped(Listing.select(Listing, Client).join(Client), user, Listing.unit)
    if status == "sampah":
        query = query.where(Listing.deleted_at.is_null(False))
    else:
        query = query.where(Listing.deleted_at.is_null())
        if status == "terbit":
            query = query.where(Listing.is_published == True)  # noqa: E712
        elif status == "draf":
            query = query.where(Listing.is_published == False)  # noqa: E712
    text = (text or "").strip()[:100]
    if text:
        like = f"%{text}%"
        query = query.where(Listing.title ** like | Client.full_name ** like
                            | Client.register_number ** like | Listing.display_name ** like)
    return query.order_by(Listing.updated_at.desc())


@write_transaction
def set_featured(listing: Listing, featured: bool, user) -> Listing:
    """Mark or unmark a listing for the kiosk's rotation."""
    _change_columns(listing, user, stamp=False, featured=featured)
    audit.record("listing.feature" if featured else "listing.unfeature", "listing",
                 listing.id, after={"featured": featured})
    return listing
