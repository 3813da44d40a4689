"""The audit log: every change, with who, when, before and after."""
import datetime as dt
import json
from decimal import Decimal

from flask import g, has_app_context, has_request_context, request
from flask_login import current_user

from app.models import AuditEvent


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):  # coordinates: the same number reads the same on both databases
        return format(value.normalize(), "f")
    return value


def snapshot(record, fields) -> dict:
    """Return the named field values of a record as JSON-friendly data."""
    return {name: _plain(getattr(record, name)) for name in fields}


def record(action: str, entity: str = "", entity_id=None, before=None, after=None,
           user=None, username: str = "") -> AuditEvent:
    """Write one audit event; the caller runs it in the same transaction as the change."""
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user._get_current_object()
    if user is None and has_app_context():  # a command run as a user (cli `import --as`)
        user = g.get("acting_user")
    address = request.remote_addr or "" if has_request_context() else ""
    return AuditEvent.create(
        user=user, username=username or (user.username if user else ""),
        action=action, entity=entity, entity_id=entity_id,
        before=json.dumps(before, ensure_ascii=False) if before else "",
        after=json.dumps(after, ensure_ascii=False) if after else "",
        address=address)
