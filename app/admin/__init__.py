"""Admin blueprint: everything behind the login."""
from functools import wraps

from flask import Blueprint, abort, request
from flask_login import current_user, login_required

from ..models import Listing
from ..rendering import render

bp = Blueprint("admin", __name__)


@bp.before_request
@login_required
def _require_login():
    """Every admin page needs a signed-in user; admin pages are never cached."""


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def editor_required(view):
    """Refuse viewers on the server, whatever the page showed them."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.can_edit:
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def superadmin_required(view):
    """Refuse everyone but superadmins on the server, whatever the page showed them."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user.role != "superadmin":
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def listing_for_user(listing_id: int) -> Listing:
    """Return a listing of the user's unit (any unit for a superadmin), else 404."""
    listing = Listing.get_or_none(Listing.id == listing_id)
    if listing is None or (current_user.role != "superadmin"
                           and listing.unit_id != current_user.unit_id):
        abort(404)
    return listing


@bp.route("/")
def dashboard():
    from ..freshness import needs_confirmation
    from ..listings import admin_listings
    mine = admin_listings(current_user)
    counts = {
        "terbit": mine.where(Listing.is_published == True).count(),  # noqa: E712
        "draf": mine.where(Listing.is_published == False).count(),  # noqa: E712
        "sampah": admin_listings(current_user, status="sampah").count(),
        "konfirmasi": needs_confirmation(current_user).count(),
    }
    recent = list(mine.limit(5))
    from .reports import impact_context
    return render("admin/dashboard.html", counts=counts, recent=recent,
                  args=request.args, **impact_context(current_user, request.args))


from . import listings  # noqa: E402,F401  (routes register on bp)
from . import kiosk  # noqa: E402,F401
from . import audit_log, backups  # noqa: E402,F401
from . import users  # noqa: E402,F401
from . import reports  # noqa: E402,F401
from . import clients  # noqa: E402,F401
from . import units  # noqa: E402,F401  (superadmin: /admin/unit)
from . import transfers  # noqa: E402,F401  (import and export)
from . import freshness  # noqa: E402,F401  (contacts to confirm)
