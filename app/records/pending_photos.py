"""A photo chosen on the entry form, kept while the form comes back with an error.

Kept by app/web/pending.py. The upload is checked and re-encoded at once (records/photos),
so what waits is already a clean JPEG without metadata. It lives in the instance folder, outside the uploads the public routes serve, under an unguessable token
the form carries in a hidden field; only the admin who uploaded it can load or preview
it, and it is removed once saved, replaced or removed, or after a day.
"""
import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import current_app

from app.records.photos import StoredPhoto, copy_photo, delete_photo_files, store_photo
from app.web.pending import PendingStore

STORE = PendingStore("pending_photos", dt.timedelta(days=1))


@dataclass
class PendingPhoto:
    token: str
    stored: StoredPhoto
    folder: Path

    @property
    def thumb_path(self) -> Path:
        return self.folder / self.stored.thumb

    def place_in(self, folder: Path) -> StoredPhoto:
        """Copy the photo into `folder` under a new name; it stays pending until discarded."""
        return copy_photo(self.folder, self.stored, folder)


def keep(user, data: bytes) -> PendingPhoto:
    """Check and re-encode an upload, keep it for `user`. Raises PhotoError."""
    STORE.purge_expired()
    cfg = current_app.config
    stored = store_photo(data, STORE.folder(), cfg["MAX_UPLOAD_MB"] * 1024 * 1024,
                         cfg["MAX_IMAGE_PIXELS"])
    return PendingPhoto(STORE.put(user, asdict(stored)), stored, STORE.folder())


def load(user, token: str) -> PendingPhoto | None:
    """The photo `user` kept under `token`, or None if absent, expired or someone else's."""
    record = STORE.get(user, token)
    if record is None:
        return None
    stored = StoredPhoto(**record)
    if not (STORE.folder() / stored.name).exists():
        return None
    return PendingPhoto(token, stored, STORE.folder())


def discard(user, token: str) -> None:
    """Forget `user`'s pending photo (saved, replaced or removed); others' are left alone."""
    kept = load(user, token)
    if kept is not None:
        delete_photo_files(kept.folder, kept.stored.name, kept.stored.thumb)
        STORE.forget(token)
