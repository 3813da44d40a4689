"""Public blueprint: the directory anyone can read, with or without JavaScript."""
from flask import Blueprint, abort, current_app, redirect, request, send_from_directory, url_for

from app.directory import stats
from app.directory.browse import SearchFilters, find_public, public_listing
from app.directory.publishing import public_listings
from app.lookups import lookups
from app.models import Listing
from app.web.rendering import render

bp = Blueprint("public", __name__)


@bp.route("/")
@bp.route("/u/<unit_slug>/")
def home():
    """The national directory (with a unit filter), or one office's at /u/<slug>/."""
    from app.public.units import current_unit, unit_page_context
    unit = current_unit()
    filters = SearchFilters.from_args(request.args, **({"unit": unit.slug} if unit else {}))
    page = find_public(filters, current_app.config["PAGE_SIZE"])
    tables = lookups()
    return render("public/home.html", "results", filters=filters, page=page,
                  categories=tables.categories, regions=tables.regions,
                  **unit_page_context(unit))


@bp.route("/jasa/<int:listing_id>")
@bp.route("/jasa/<int:listing_id>-<slug>")
def listing_detail(listing_id, slug=None):
    listing = public_listing(listing_id)
    if listing is None:
        abort(404)
    if request.path != listing.url:
        return redirect(listing.url, 301)
    stats.count_request(request, listing.id, "view")  # before any 304: a revalidation is a view
    from app.public.units import listing_office  # the footer names the listing's own office
    return render("public/detail.html", listing=listing, **listing_office(listing.id))


@bp.route("/kategori/<slug>")
def category(slug):
    tables = lookups()
    found = tables.category_by_slug.get(slug)
    if found is None:
        abort(404)
    filters = SearchFilters.from_args(request.args, category=slug)
    page = find_public(filters, current_app.config["PAGE_SIZE"])
    return render("public/category.html", "results", category=found, filters=filters,
                  page=page, regions=tables.regions)


@bp.route("/foto/<name>")
def photo(name):
    """Serve a photo only while its listing is public and the client allows photos."""
    listing = public_listings().where(
        (Listing.photo == name) | (Listing.photo_thumb == name)).first()
    if listing is None or not public_listing(listing.id).photo_url:
        abort(404)
    response = send_from_directory(current_app.config["UPLOAD_DIR"], name)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
from app.public import (
    contact,  # noqa: E402,F401
    kiosk,  # noqa: E402,F401  (routes register on bp)
    pages,  # noqa: E402,F401
    sharing,  # noqa: E402,F401
    units,  # noqa: E402,F401  (/u/<unit-slug>/...)
)
