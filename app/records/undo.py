"""Undo of a one-click listing action (unpublish, move to the bin) for a few minutes.

An undo is no back door: re-publishing runs the normal publish checks, and every step is
in the audit log through the functions it calls (listing.publish, listing.restore).
"""
import datetime as dt

from app.directory.publishing import PublishError
from app.models import Listing, now
from app.records.listings import restore_listing, set_published
from app.web.i18n import translate

UNDO_MINUTES = 5
ACTIONS = ("tayang", "hapus")  # undo of: unpublish, delete


class UndoExpired(ValueError):
    """The action is too old to undo, or the listing changed since."""


def _recent(moment: dt.datetime | None) -> bool:
    return moment is not None and moment >= now() - dt.timedelta(minutes=UNDO_MINUTES)


def undo(listing: Listing, action: str, user) -> list[str]:
    """Undo `action` on `listing`; return why it could not be published again, if so.

    Raises UndoExpired when the undo window has passed or the listing is no longer in the
    state the action left it in; PublishError when re-publishing is refused."""
    if action == "tayang":
        if listing.is_published or listing.deleted_at or not _recent(listing.updated_at):
            raise UndoExpired(_expired())
        set_published(listing, True, user)
        return []
    if action == "hapus":
        if not _recent(listing.deleted_at):
            raise UndoExpired(_expired())
        was_published = listing.is_published  # the bin hides a listing, keeps its flag
        restore_listing(listing, user)
        if was_published:
            try:
                set_published(listing, True, user)
            except PublishError as exc:
                return list(exc.problems)  # back as a draft, and the officer is told why
        return []
    raise ValueError(action)


def _expired() -> str:
    return translate("Sudah lewat %(minutes)s menit, jadi tidak bisa diurungkan lagi. "
                     "Gunakan tombol Terbitkan atau Pulihkan.", minutes=UNDO_MINUTES)
