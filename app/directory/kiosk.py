"""What the office's waiting-room screen shows next.

The rotation is worked out again on every request from the public query, so a
newly published listing joins within one interval and an unpublished one never
comes back. Listings published after the newest one the screen already knows
jump the queue, so a new service is on screen at the next change.
"""
import datetime as dt
from dataclasses import dataclass

from app.directory.publishing import PublicListing, public_listings, to_public
from app.models import Listing, Unit

UPCOMING = 4
MIN_INTERVAL, MAX_INTERVAL = 5, 120


@dataclass
class Slide:
    current: PublicListing | None
    upcoming: list[PublicListing]
    position: int  # 1-based place of `current` in the rotation
    total: int
    next_index: int
    newest: str  # published_at of the newest listing in the rotation, ISO
    featured_only: bool


def rotation_query(unit: Unit):
    """Featured listings of the unit if any are public, otherwise all, newest first."""
    base = public_listings(channels=("kiosk",)).where(Listing.unit == unit)  # kiosk consent
    featured = base.where(Listing.featured == True)  # noqa: E712
    chosen = featured if featured.exists() else base
    return chosen.order_by(Listing.published_at.desc(), Listing.id.desc()), chosen is featured


def _parse_stamp(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def next_slide(unit: Unit, index: int = 0, since: str = "") -> Slide:
    """The slide at `index` of the rotation (wrapping); newly published ones first."""
    query, featured_only = rotation_query(unit)
    rows = list(query.select(Listing.id, Listing.published_at))
    if not rows:
        return Slide(None, [], 0, 0, 0, "", featured_only)
    stamps = [r.published_at for r in rows if r.published_at]
    newest = max(stamps) if stamps else None
    known = _parse_stamp(since)
    if known and newest and newest > known:
        index = 0  # newest first: the others published since follow in order
    index = index % len(rows) if index > 0 else 0
    wanted = [rows[(index + k) % len(rows)].id for k in range(min(UPCOMING + 1, len(rows)))]
    views = {v.id: v for v in to_public(query.where(Listing.id.in_(wanted)))}
    ordered = [views[i] for i in wanted if i in views]
    return Slide(current=ordered[0] if ordered else None, upcoming=ordered[1:],
                 position=index + 1, total=len(rows), next_index=index + 1,
                 newest=newest.isoformat() if newest else "", featured_only=featured_only)


def clamp_interval(seconds: int) -> int:
    return max(MIN_INTERVAL, min(MAX_INTERVAL, seconds))


def set_interval(unit: Unit, seconds: int, user) -> Unit:
    """Change how long the unit's kiosk shows each listing."""
    from app.db import write_transaction
    from app.records import audit

    @write_transaction
    def write():
        before = {"kiosk_interval": Unit.get_by_id(unit.id).kiosk_interval}
        unit.kiosk_interval = clamp_interval(seconds)
        unit.save(only=[Unit.kiosk_interval])
        audit.record("unit.kiosk_interval", "unit", unit.id, before=before,
                     after={"kiosk_interval": unit.kiosk_interval}, user=user)
    write()
    return unit
