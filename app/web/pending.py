"""What one user leaves between two requests (an import's rows before the import, a photo
chosen on a form that came back with an error): files in a folder of the instance, and a
JSON record named by an unguessable token that only that user can read, removed once
used or after a time to live. Never in the session cookie: too big, and it would carry
client data to the browser."""
import datetime as dt
import json
import re
import secrets
from pathlib import Path

from flask import current_app

TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


class PendingStore:
    def __init__(self, subfolder: str, ttl: dt.timedelta):
        self.subfolder, self.ttl = subfolder, ttl

    def folder(self) -> Path:
        folder = Path(current_app.instance_path) / self.subfolder
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _record(self, token: str) -> Path | None:
        return self.folder() / f"{token}.json" if TOKEN.fullmatch(token or "") else None

    def _expired(self, path: Path) -> bool:
        return dt.datetime.now().timestamp() - path.stat().st_mtime > self.ttl.total_seconds()

    def purge_expired(self) -> None:
        """Delete every file of the folder older than the time to live."""
        for path in self.folder().iterdir():
            try:
                if self._expired(path):
                    path.unlink()
            except OSError:
                pass  # another request removed it first

    def put(self, user, record: dict) -> str:
        """Keep `record` for `user`; return the token that names it."""
        self.purge_expired()
        token = secrets.token_urlsafe(24)
        self._record(token).write_text(json.dumps({"user": user.id, **record},
                                                  ensure_ascii=False), encoding="utf-8")
        return token

    def get(self, user, token: str) -> dict | None:
        """What `user` kept under `token`, or None if absent, expired or someone else's."""
        path = self._record(token)
        if path is None or not path.exists() or self._expired(path):
            return None
        record = json.loads(path.read_text(encoding="utf-8"))
        return record if record.pop("user", None) == user.id else None

    def forget(self, token: str) -> None:
        path = self._record(token)
        if path is not None:
            path.unlink(missing_ok=True)
