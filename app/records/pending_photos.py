"""A photo chosen on the entry form, kept while the form comes back with an error.

Like app/pending_imports.py: the upload is checked and re-encoded at once
(app/photos.py), so what waits is already a clean JPEG without metadata. It lives in the
instance folder, outside the uploads the public routes serve, under an unguessable token
the form carries in a hidden field; only the admin who uploaded it can load or preview
it, and it is removed once saved, replaced or removed, or after `TTL`.
"""
import datetime as dt
import json
import re
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import current_app

from app.records.photos import StoredPhoto, copy_photo, delete_photo_files, store_photo

TTL = dt.timedelta(days=1)
TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


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


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "pending_photos"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _record(token: str) -> Path | None:
    return _folder() / f"{token}.json" if TOKEN.fullmatch(token or "") else None


def _expired(path: Path) -> bool:
    return dt.datetime.now().timestamp() - path.stat().st_mtime > TTL.total_seconds()


def purge_expired() -> None:
    """Delete photos that were chosen but never saved, a day on."""
    for path in _folder().iterdir():
        try:
            if _expired(path):
                path.unlink()
        except OSError:
            pass  # another request removed it first


def keep(user, data: bytes) -> PendingPhoto:
    """Check and re-encode an upload, keep it for `user`. Raises PhotoError."""
    purge_expired()
    cfg = current_app.config
    stored = store_photo(data, _folder(), cfg["MAX_UPLOAD_MB"] * 1024 * 1024,
                         cfg["MAX_IMAGE_PIXELS"])
    token = secrets.token_urlsafe(24)
    _record(token).write_text(json.dumps({"user": user.id, **asdict(stored)}),
                              encoding="utf-8")
    return PendingPhoto(token, stored, _folder())


def load(user, token: str) -> PendingPhoto | None:
    """The photo `user` kept under `token`, or None if absent, expired or someone else's."""
    path = _record(token)
    if path is None or not path.exists() or _expired(path):
        return None
    record = json.loads(path.read_text(encoding="utf-8"))
    if record.pop("user", None) != user.id:
        return None
    stored = StoredPhoto(**record)
    if not (_folder() / stored.name).exists():
        return None
    return PendingPhoto(token, stored, _folder())


def discard(user, token: str) -> None:
    """Forget `user`'s pending photo (saved, replaced or removed); others' are left alone."""
    kept = load(user, token)
    if kept is not None:
        delete_photo_files(kept.folder, kept.stored.name, kept.stored.thumb)
        _record(token).unlink(missing_ok=True)
