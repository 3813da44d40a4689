"""Uploaded rows kept between the preview and the import (web/pending.py): readable
only by the user who uploaded them, removed once imported or after two hours."""
import datetime as dt

from app.office.columns import BY_KEY
from app.office.importing import Preview, Row, header_keys
from app.web.pending import PendingStore

STORE = PendingStore("imports", dt.timedelta(hours=2))


def store(user, payload: dict) -> str:
    """Keep `payload` for `user`; return the token that names it."""
    return STORE.put(user, payload)


def load(user, token: str) -> dict | None:
    """Return what `user` stored under `token`, or None if absent, expired or not theirs."""
    return STORE.get(user, token)


def discard(token: str) -> None:
    """Forget an upload once it is imported."""
    STORE.forget(token)


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
