"""Counted contact buttons: a short redirect to WhatsApp or the phone that adds one tap.

The target always comes from the public listing, never from the request, so these
URLs cannot be used to send anyone elsewhere; a listing that is not public is a 404.
"""
from flask import abort, redirect, request

from app.directory import stats
from app.directory.browse import public_listing
from app.public import bp


def _counted_redirect(listing_id: int, target: str, kind: str):
    """Redirect to the listing's WhatsApp or tel: link, counting the tap."""
    listing = public_listing(listing_id)
    url = getattr(listing, target, "") if listing else ""
    if not url:
        abort(404)
    stats.count_request(request, listing.id, kind)
    response = redirect(url, 302)
    # Never cached, so every tap reaches us; never indexed.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.route("/jasa/<int:listing_id>/wa")
def contact_whatsapp(listing_id):
    """Open a WhatsApp chat with the listing's contact, greeting prefilled."""
    return _counted_redirect(listing_id, "whatsapp_url", "whatsapp")


@bp.route("/jasa/<int:listing_id>/telepon")
def contact_phone(listing_id):
    """Call the listing's contact."""
    return _counted_redirect(listing_id, "tel_url", "phone")
