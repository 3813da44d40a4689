"""Admin blueprint: everything behind the login."""
from functools import wraps

from flask import Blueprint, abort, request
from flask_login import current_user, login_required

from app.models import Listing
from app.records import access
from app.web.rendering import render

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


bp.add_app_template_global(access.is_superadmin, "is_superadmin")


def superadmin_required(view):
    """Refuse everyone but superadmins on the server, whatever the page showed them."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not access.is_superadmin(current_user):
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def listing_for_user(listing_id: int) -> Listing:
    """Return a listing of the user's unit (any unit for a superadmin), else 404."""
    listing = access.listing_for(listing_id, current_user)
    if listing is None:
        abort(404)
    return listing


@bp.route("/")
def dashboard():
    from app.records.freshness import needs_confirmation
    from app.records.listings import admin_listings
    from app.records.problem_reports import open_reports
    mine = admin_listings(current_user)
    counts = {
        "terbit": mine.where(Listing.is_published == True).count(),  # noqa: E712
        "draf": mine.where(Listing.is_published == False).count(),  # noqa: E712
        "sampah": admin_listings(current_user, status="sampah").count(),
        "konfirmasi": needs_confirmation(current_user).count(),
        "laporan": open_reports(current_user).count(),
    }
    recent = list(mine.limit(5))
    from app.admin.reports import impact_context
    return render("admin/dashboard.html", counts=counts, recent=recent,
                  args=request.args, **impact_context(current_user, request.args))


from app.admin import (  # noqa: E402,F401
    audit_log,
    backups,
    clients,  # noqa: E402,F401
    freshness,  # noqa: E402,F401  (contacts to confirm)
    history,  # noqa: E402,F401  (a listing's versions and restoring one)
    kiosk,  # noqa: E402,F401
    listings,  # noqa: E402,F401  (routes register on bp)
    problem_reports,  # noqa: E402,F401  (reports from the public)
    reports,  # noqa: E402,F401
    transfers,  # noqa: E402,F401  (import and export)
    units,  # noqa: E402,F401  (superadmin: /admin/unit)
    users,  # noqa: E402,F401
)
