"""A listing's versions, read back from the audit trail; what differs; restoring one.

Every save of a listing writes a snapshot of its audited fields into the audit log
(`listings.AUDITED`); publish, confirm and kiosk events write the one field they
change. A version is the listing as it stood after one of those events. Restoring
one goes through `listings.save_listing`, so every rule of an ordinary save holds.
"""
import json
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from app.db import write_transaction
from app.models import AuditEvent, Category, Listing, Region
from app.records import audit
from app.records import listings as records
from app.web.i18n import translate

# Events whose `after` holds audited values of the listing.
VERSION_ACTIONS = ("listing.create", "listing.update", "listing.publish", "listing.unpublish",
                   "listing.confirm", "listing.feature", "listing.unfeature")
RESTORE_ACTION = "listing.restore_version"
# What a restore puts back: the listing's own fields. Not `last_confirmed_at`, which records
# when someone last checked the contact, not what the listing says.
RESTORED = records.LISTING_FIELDS + ["phone", "photo", "is_published"]


class RestoreRefused(ValueError):
    """A version that cannot be restored, with the reason in words."""


@dataclass
class Version:
    number: int  # 1 for the oldest stored version
    event: AuditEvent
    state: dict  # audited field -> stored (JSON) value after this event
    changed: list  # fields whose value differs from the version before
    restored_from: int | None = None  # the version number a restore brought back


def _load(raw: str) -> dict:
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def version_events(listing: Listing):
    """Return the audit events that made a version of `listing`, newest first."""
    return (AuditEvent.select()
            .where((AuditEvent.entity == "listing") & (AuditEvent.entity_id == listing.id)
                   & AuditEvent.action.in_(VERSION_ACTIONS))
            .order_by(AuditEvent.id.desc()))


def versions(listing: Listing) -> list[Version]:
    """Return every version of `listing`, oldest first, each with its full state."""
    events = (AuditEvent.select()
              .where((AuditEvent.entity == "listing") & (AuditEvent.entity_id == listing.id)
                     & AuditEvent.action.in_(VERSION_ACTIONS + (RESTORE_ACTION,)))
              .order_by(AuditEvent.id))
    result, state = [], {}
    for event in events:
        if event.action == RESTORE_ACTION:
            # Written in the same transaction, right after the save it explains.
            if result:
                result[-1].restored_from = _load(event.after).get("restored_version")
            continue
        if not state:  # the trail may start with an edit: what stood before it is known too
            state = {k: v for k, v in _load(event.before).items() if k in records.AUDITED}
        after = {k: v for k, v in _load(event.after).items() if k in records.AUDITED}
        new_state = {**state, **after}
        changed = [k for k in new_state if k not in state or state[k] != new_state[k]]
        result.append(Version(len(result) + 1, event, new_state, changed))
        state = new_state
    return result


def find(listing: Listing, event_id) -> Version | None:
    """Return the version of `listing` made by audit event `event_id`, or None."""
    return next((v for v in versions(listing) if v.event.id == event_id), None)


def differences(old: dict, new: dict, fields=records.AUDITED) -> list[str]:
    """Return the fields (audited ones by default) whose value differs between two states."""
    return [k for k in fields if (k in old or k in new) and old.get(k) != new.get(k)]


def photo_state(listing: Listing, name) -> str:
    """A stored photo name in words a person can use: "current", "stored" or "gone"."""
    if name and name == listing.photo:
        return "current"
    return "stored" if _photo_file(name) else "gone"


def photo_outcome(listing: Listing, version: Version) -> str:
    """What restoring `version` does to the photo: "same", "restored", "missing" (its file
    is gone: the current photo stays) or "kept" (it had none: the current photo stays)."""
    old = version.state.get("photo", listing.photo)
    if old == listing.photo:
        return "same"
    if not old:
        return "kept"
    return "restored" if _photo_file(old) else "missing"


def _photo_file(name) -> Path | None:
    """Return the stored photo file of that name, if it is still there."""
    folder = Path(current_app.config["UPLOAD_DIR"])
    # A name from the log is data: never read outside the upload folder.
    if not isinstance(name, str) or "\0" in name or Path(name).name != name or name in (".", ".."):
        return None
    path = folder / name
    return path if path.is_file() else None


def _python(name: str, value):
    """Turn a value as the audit log stored it back into the model's type."""
    field = Listing._meta.combined.get(name)
    return field.python_value(value) if field is not None and value is not None else value


def restore(listing: Listing, version: Version, user, seen_version) -> Listing:
    """Save `version`'s listing fields as a new version, through the ordinary save path.

    `seen_version` is the listing version the admin was looking at: someone saving
    meanwhile gives a ConflictError. The client, their consent and the contact check
    date are left as they are now. Raises RestoreRefused, FieldError, PublishError or
    ConflictError; on any of them nothing is saved."""
    if listing.deleted_at:
        raise RestoreRefused(translate("Jasa ini ada di tempat sampah. Pulihkan dulu dari "
                                       "tempat sampah, lalu pilih versinya."))
    old = version.state
    data = {f: getattr(listing, f) for f in records.LISTING_FIELDS}
    data.update({f: _python(f, old[f]) for f in records.LISTING_FIELDS if f in old})
    data["phone"] = old.get("phone") or listing.phone
    if "latitude" in old:  # versions saved before issue 13.3 keep today's place
        data["location"] = (f"{old['latitude']}, {old['longitude']}"
                            if old["latitude"] is not None else "")
    data["publish"] = bool(old.get("is_published", listing.is_published))
    data["version"] = seen_version
    if not Category.get_or_none(Category.id == data["category_id"]):
        raise records.FieldError("category_id", translate(
            "Kategori versi ini sudah tidak ada. Pilih kategori lewat formulir jasa."))
    if data["region_id"] and not Region.get_or_none(Region.id == data["region_id"]):
        data["region_id"] = None
    photo_bytes = None
    if photo_outcome(listing, version) == "restored":
        photo_bytes = _photo_file(old["photo"]).read_bytes()
    @write_transaction  # the save and its explanation in the log: both or neither
    def save_and_explain():
        saved = records.save_listing(listing, None, data, user, photo_bytes)
        audit.record(RESTORE_ACTION, "listing", listing.id, user=user,
                     after={"restored_version": version.number,
                            "restored_event": version.event.id})
        return saved
    return save_and_explain()
