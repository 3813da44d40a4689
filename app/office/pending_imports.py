"""Uploaded rows kept between the preview and the import, in the instance folder.

Not in the session cookie (too big, and it would carry client data to the browser): a
JSON file named by a random token, readable only by the user who uploaded it, and
removed once imported or after `TTL`.
"""
import datetime as dt
import json
import re
import secrets
from pathlib import Path

from flask import current_app

from app.office.columns import BY_KEY
from app.office.importing import Preview, Row, header_keys

TTL = dt.timedelta(hours=2)
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(token: str) -> Path | None:
    return _folder() / f"{token}.json" if TOKEN.fullmatch(token or "") else None


def _expired(path: Path) -> bool:
    age = dt.datetime.now().timestamp() - path.stat().st_mtime
    return age > TTL.total_seconds()


def purge_expired() -> None:
    """Delete the leftovers of previews nobody imported."""
    for path in _folder().glob("*.json"):
        try:
            if _expired(path):
                path.unlink()
        except OSError:
            pass  # another request removed it first


def store(user, payload: dict) -> str:
    """Keep `payload` for `user`; return the token that names it."""
    purge_expired()
    token = secrets.token_urlsafe(24)
    body = json.dumps({"user": user.id, **payload}, ensure_ascii=False)
    _path(token).write_text(body, encoding="utf-8")
    return token


def load(user, token: str) -> dict | None:
    """Return what `user` stored under `token`, or None if absent, expired or not theirs."""
    path = _path(token)
    if path is None or not path.exists() or _expired(path):
        return None
    payload = json.loads(path.read_text(encoding="utf-8"))
    return payload if payload.get("user") == user.id else None


def discard(token: str) -> None:
    """Forget an upload once it is imported."""
    path = _path(token)
    if path is not None:
        path.unlink(missing_ok=True)


def report(preview: Preview) -> dict:
    """Return the preview's findings as JSON-friendly data, to show again later."""
    return {"file_problems": preview.file_problems, "ignored": preview.ignored,
            "rows": [[r.number, r.problems, r.note] for r in preview.rows]}


def preview_of(payload: dict) -> Preview:
    """Rebuild a preview for display from a stored upload: its rows and findings."""
    headers, raw_rows, filename, found = (payload["headers"], payload["rows"], payload["file"],
                                          payload["found"])
    keys = header_keys(headers)
    values = {number: {k: v for k, v in zip(keys, cells) if k in BY_KEY}
              for number, cells in raw_rows}
    rows = [Row(number=n, values=values.get(n, {}), problems=p, note=note)
            for n, p, note in found["rows"]]
    return Preview(file=filename, rows=rows, file_problems=found["file_problems"],
                   ignored=found["ignored"])
