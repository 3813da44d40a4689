"""Units (Bapas offices): public look-ups, and the superadmin's create and edit."""
import re
from pathlib import Path

from flask import current_app
from peewee import IntegrityError, fn

from app.db import compare_and_set_version, database, write_transaction
from app.directory.kiosk import MAX_INTERVAL, MIN_INTERVAL
from app.models import Client, Listing, Region, Unit, User, now
from app.records import audit
from app.records.photos import PhotoError, delete_photo_files, store_photo
from app.web.i18n import translate

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
FIELDS = ["name", "slug", "address", "phone", "email", "kabupaten_served", "kiosk_interval"]
AUDITED = FIELDS + ["logo"]


class UnitError(ValueError):
    """A unit's field was refused: which field, and why (in the requester's language)."""
    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


class UnitConflict(ValueError):
    """Another superadmin saved the unit after this form was opened."""


def all_units():
    """Return every unit, by name."""
    return Unit.select().order_by(Unit.name, Unit.id)


def unit_by_slug(slug: str) -> Unit | None:
    """Return the unit with this URL name, or None."""
    return Unit.get_or_none(Unit.slug == (slug or "")[:60])


def has_many_units() -> bool:
    """Tell whether this deployment serves more than one office."""
    return Unit.select().limit(2).count() > 1


def kabupaten_choices() -> list[str]:
    """Return the kabupaten known from the region list, by name."""
    rows = Region.select(Region.kabupaten).distinct().order_by(Region.kabupaten)
    return [r.kabupaten for r in rows]


def unit_summaries() -> list[tuple[Unit, int, int, int]]:
    """Return each unit with its number of accounts, clients and listings (not deleted)."""
    users = dict(User.select(User.unit, fn.COUNT(User.id)).group_by(User.unit).tuples())
    clients = dict(Client.select(Client.unit, fn.COUNT(Client.id))
                   .where(Client.deleted_at.is_null()).group_by(Client.unit).tuples())
    listings = dict(Listing.select(Listing.unit, fn.COUNT(Listing.id))
                    .where(Listing.deleted_at.is_null()).group_by(Listing.unit).tuples())
    return [(u, users.get(u.id, 0), clients.get(u.id, 0), listings.get(u.id, 0))
            for u in all_units()]


def _clean(data: dict) -> dict:
    """Check and tidy submitted values; raise UnitError on the first bad field."""
    clean = {
        "name": " ".join((data.get("name") or "").split()),
        "slug": (data.get("slug") or "").strip().lower(),
        "address": (data.get("address") or "").strip(),
        "phone": (data.get("phone") or "").strip(),
        "email": (data.get("email") or "").strip(),
    }
    if not 3 <= len(clean["name"]) <= 120:
        raise UnitError("name", translate("Nama unit 3 sampai 120 karakter."))
    if not (3 <= len(clean["slug"]) <= 60 and SLUG.match(clean["slug"])):
        raise UnitError("slug", translate("Nama di alamat web: 3–60 huruf kecil, angka dan "
                                          "tanda hubung, mis. bapas-polewali."))
    if len(clean["address"]) > 300:
        raise UnitError("address", translate("Alamat maksimal 300 karakter."))
    if len(clean["phone"]) > 40:
        raise UnitError("phone", translate("Nomor telepon maksimal 40 karakter."))
    if clean["email"] and (len(clean["email"]) > 120 or not EMAIL.match(clean["email"])):
        raise UnitError("email", translate("Alamat email tidak valid."))
    known = set(kabupaten_choices())
    chosen = [k for k in (data.get("kabupaten_served") or []) if k]
    unknown = [k for k in chosen if k not in known]
    if unknown:
        raise UnitError("kabupaten_served", translate("Kabupaten tidak dikenal: %(names)s",
                                                      names=", ".join(unknown)))
    clean["kabupaten_served"] = ",".join(k for k in kabupaten_choices() if k in chosen)
    interval = data.get("kiosk_interval")
    if not isinstance(interval, int) or not MIN_INTERVAL <= interval <= MAX_INTERVAL:
        raise UnitError("kiosk_interval", translate("Antara %(min)s dan %(max)s detik.",
                                                    min=MIN_INTERVAL, max=MAX_INTERVAL))
    clean["kiosk_interval"] = interval
    return clean


def _upload_folder() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def _store_logo(logo_bytes: bytes):
    cfg = current_app.config
    try:
        return store_photo(logo_bytes, _upload_folder(), cfg["MAX_UPLOAD_MB"] * 1024 * 1024,
                           cfg["MAX_IMAGE_PIXELS"])
    except (PhotoError, ValueError) as exc:
        raise UnitError("logo", str(exc)) from None


def save_unit(unit: Unit | None, data: dict, user, logo_bytes: bytes | None = None) -> Unit:
    """Create (unit None) or update a unit, all or nothing, with an audit event.

    `data` holds FIELDS (kabupaten_served as a list of names), `remove_logo` and,
    when editing, the `version` the form was opened with. Raises UnitError or
    UnitConflict; on either nothing is saved and no file is left behind.
    """
    clean = _clean(data)
    stored = _store_logo(logo_bytes) if logo_bytes else None
    try:
        unit, old_files = _write(unit, clean, data, stored, user)
    except Exception:
        if stored:
            delete_photo_files(_upload_folder(), stored.name, stored.thumb)
        raise
    delete_photo_files(_upload_folder(), *[f for f in old_files if f])
    return unit


@write_transaction
def _write(unit, clean, data, stored, user):
    """Write the unit and its audit event; return it and the logo files it no longer uses."""
    old_files = []
    if unit is not None:
        # Checked and claimed in one statement: of two simultaneous saves one passes.
        if not compare_and_set_version(Unit, unit.id, data.get("version")):
            raise UnitConflict(translate("Unit ini baru saja diubah oleh superadmin lain. "
                                         "Muat ulang halaman, lalu ubah lagi."))
        unit = Unit.get_by_id(unit.id)  # current, with the claimed version
    before = audit.snapshot(unit, AUDITED) if unit is not None else None
    unit = unit or Unit(created_at=now(), version=1)
    for name, value in clean.items():
        setattr(unit, name, value)
    if stored or data.get("remove_logo"):
        old_files = [unit.logo, unit.logo_thumb]
        unit.logo = unit.logo_thumb = unit.logo_width = unit.logo_height = None
    if stored:
        unit.logo, unit.logo_thumb = stored.name, stored.thumb
        unit.logo_width, unit.logo_height = stored.thumb_width, stored.thumb_height
    try:
        with database.atomic():
            unit.save()
    except IntegrityError:
        raise UnitError("slug", translate("Nama di alamat web ini sudah dipakai unit "
                                          "lain.")) from None
    audit.record("unit.create" if before is None else "unit.update", "unit", unit.id,
                 before=before, after=audit.snapshot(unit, AUDITED), user=user)
    return unit, old_files
