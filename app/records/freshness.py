"""Keeping contacts fresh: which listings need their phone number confirmed again.

After `CONFIRM_DAYS` (RAJA_KEMAS_CONFIRM_DAYS, default 90) without a confirmation a
published listing is on the worklist; after twice that it leaves the public pages by
itself (`publishing.public_listings` asks `visible_since`) until someone confirms it.
"""
import datetime as dt
from dataclasses import dataclass

from flask import current_app, has_app_context

from app.models import Client, Listing
from app.records import access
from app.web.i18n import tanggal, translate

DEFAULT_DAYS = 90


def confirm_days() -> int:
    """Return the number of days a confirmation lasts (at least 1)."""
    days = current_app.config.get("CONFIRM_DAYS", DEFAULT_DAYS) if has_app_context() \
        else DEFAULT_DAYS
    return max(int(days or DEFAULT_DAYS), 1)


def stale_before(today: dt.date | None = None) -> dt.date:
    """Return the date before which a confirmation is too old: the worklist's cut."""
    return (today or dt.date.today()) - dt.timedelta(days=confirm_days())


def visible_since(today: dt.date | None = None) -> dt.date:
    """Return the oldest confirmation date the public pages still accept (today − 2N)."""
    return (today or dt.date.today()) - dt.timedelta(days=2 * confirm_days())


def needs_confirmation(user, today: dt.date | None = None):
    """Published listings of the user's unit (all for a superadmin) to confirm: first those
    the public reported as a wrong number several times, then the oldest confirmations."""
    from app.records.problem_reports import wrong_number_listings  # it builds on publishing
    reported = Listing.id.in_(wrong_number_listings())
    query = (Listing.select(Listing, Client).join(Client)
             .where(Listing.is_published == True,  # noqa: E712
                    Listing.deleted_at.is_null(), Client.deleted_at.is_null(),
                    (Listing.last_confirmed_at < stale_before(today)) | reported))
    return access.scoped(query, user, Listing.unit).order_by(
        reported.desc(), Listing.last_confirmed_at, Listing.id)


@dataclass
class Note:
    text: str
    hidden: bool  # True: the public no longer sees the listing because of it


def freshness_note(listing, today: dt.date | None = None) -> Note | None:
    """Say why a listing is (or soon will be) off the public pages for an old confirmation."""
    if listing.deleted_at or not listing.last_confirmed_at:
        return None
    since = tanggal(listing.last_confirmed_at)
    if listing.last_confirmed_at < visible_since(today):
        if listing.is_published:
            return Note(translate("Tidak tampil: kontak belum dikonfirmasi sejak %(date)s. "
                                  "Setelah nomornya dicek, tekan Konfirmasi.", date=since), True)
        return Note(translate("Kontak belum dikonfirmasi sejak %(date)s: konfirmasi dulu agar "
                              "jasa tampil setelah diterbitkan.", date=since), True)
    if listing.is_published and listing.last_confirmed_at < stale_before(today):
        return Note(translate("Perlu konfirmasi: kontak terakhir dicek %(date)s.", date=since),
                    False)
    return None
