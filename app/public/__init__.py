"""Public blueprint: the directory anyone can read, with or without JavaScript."""
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, request, send_from_directory

from app.directory import stats
from app.directory.browse import SearchFilters, find_public, public_listing
from app.directory.lookups import lookups
from app.directory.publishing import public_listings
from app.directory.structured_data import listing_jsonld
from app.models import Listing
from app.records import photo_sizes
from app.web.public_address import absolute_url
from app.web.rendering import render

bp = Blueprint("public", __name__)
bp.add_app_template_global(photo_sizes.srcset, "photo_srcset")
bp.add_app_template_global(photo_sizes.variant_url, "photo_variant")


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
    jsonld = listing_jsonld(listing, absolute_url(listing.url),
                            absolute_url(listing.photo_url) if listing.photo_url else "")
    return render("public/detail.html", listing=listing, jsonld=jsonld,
                  **listing_office(listing.id))


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


def _public_photo_owner(name: str):
    """The listing whose photo or thumbnail is `name`, if it may show its photo now."""
    listing = public_listings().where(
        (Listing.photo == name) | (Listing.photo_thumb == name)).first()
    return listing if listing and public_listing(listing.id).photo_url else None


@bp.route("/foto/<name>")
def photo(name):
    """Serve a photo (or one of its srcset sizes) only while its listing is public and the
    client allows photos; made on first request for photos saved before sizes existed.

    `no-cache` with an ETag: browsers and shared caches keep the file but ask every time,
    so an unpublished photo is gone on the next view (a 404), while an unchanged one costs
    a 304 with no body.
    """
    path = Path(current_app.config["UPLOAD_DIR"]) / name
    if _public_photo_owner(name) is None:  # not a stored file name: one of a photo's sizes?
        variant = photo_sizes.parse_variant(name)
        listing = _public_photo_owner(variant[0]) if variant else None
        if listing is None or listing.photo != variant[0]:
            abort(404)
        path = photo_sizes.make_variant(path.parent, *variant)
        if path is None or path.name != name:
            abort(404)
    response = send_from_directory(path.parent, path.name)
    response.headers["Cache-Control"] = "no-cache"
    return response


from app.public import (
    contact,  # noqa: E402,F401
    embed,  # noqa: E402,F401  (/sematkan, for other sites' iframes)
    kiosk,  # noqa: E402,F401  (routes register on bp)
    pages,  # noqa: E402,F401
    report,  # noqa: E402,F401  (Laporkan masalah)
    sharing,  # noqa: E402,F401
    units,  # noqa: E402,F401  (/u/<unit-slug>/...)
)
