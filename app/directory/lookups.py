"""Small tables every public page reads (categories, regions, units), kept per process.

They change a few times a year but were read on every request. A copy is kept for each
database and reused while the public data version (app/page_cache.py: bumped by
triggers on any write to these tables, whichever process writes) stays the same, so an
admin's change shows on the next request. Reading the version is one tiny query a
request, made once even when the page cache has read it already.
"""
import threading
import weakref
from dataclasses import dataclass

from flask import g, has_request_context, request

from app.db import database
from app.models import Category, Region, Unit
from app.web.page_cache import ENVIRON_VERSION, public_data_version


@dataclass(frozen=True)
class Lookups:
    version: int
    categories: tuple  # Category rows, as the public lists them
    category_by_slug: dict
    regions: dict  # kabupaten -> [Region], by name: the filter form's choices
    units: tuple  # Unit rows, by name
    unit_by_slug: dict


_kept = weakref.WeakKeyDictionary()  # database object -> Lookups
_lock = threading.Lock()


def current_version() -> int:
    """The public data version, read once per request (the page cache may have read it)."""
    if not has_request_context():
        return public_data_version()
    if "public_data_version" not in g:
        known = request.environ.get(ENVIRON_VERSION)
        g.public_data_version = known if known is not None else public_data_version()
    return g.public_data_version


def _load(version: int) -> Lookups:
    categories = tuple(Category.select().order_by(Category.sort_order, Category.name))
    regions = {}
    for region in Region.select().order_by(Region.kabupaten, Region.kecamatan):
        regions.setdefault(region.kabupaten, []).append(region)
    units = tuple(Unit.select().order_by(Unit.name, Unit.id))
    return Lookups(version, categories, {c.slug: c for c in categories}, regions, units,
                   {u.slug: u for u in units})


def lookups() -> Lookups:
    """The tables for the current public data version (loaded again after any change)."""
    version = current_version()
    db = database.obj
    kept = _kept.get(db)
    if kept is None or kept.version != version:
        kept = _load(version)
        with _lock:
            _kept[db] = kept
    return kept
