"""Who may see which records: staff see their own office's, a superadmin every office's.

The one place that knows this rule: views and domain functions scope their queries and
look-ups through it and never compare roles themselves.
"""
from app.models import Client, Listing


def is_superadmin(user) -> bool:
    """True for the role that manages accounts, units and every office's records."""
    return user.role == "superadmin"


def scoped(query, user, unit_field):
    """Narrow `query` to the rows of `user`'s office (`unit_field`: e.g. Listing.unit)."""
    return query if is_superadmin(user) else query.where(unit_field == user.unit_id)


def may_see(record, user) -> bool:
    """True if `record` (anything with a unit) belongs to an office `user` may see."""
    return record is not None and (is_superadmin(user) or record.unit_id == user.unit_id)


def listing_for(listing_id: int, user) -> Listing | None:
    """Return the listing if `user` may see it, else None."""
    listing = Listing.get_or_none(Listing.id == listing_id)
    return listing if may_see(listing, user) else None


def client_for(client_id: int, user) -> Client | None:
    """Return the client if `user` may see it, else None."""
    client = Client.get_or_none(Client.id == client_id)
    return client if may_see(client, user) else None
