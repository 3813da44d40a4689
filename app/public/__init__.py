"""Public blueprint: the directory anyone can read, with or without JavaScript."""
from flask import Blueprint, abort, current_app, redirect, request, send_from_directory, url_for

from ..directory import SearchFilters, find_public, public_listing, region_choices
from ..models import Category, Listing
from ..publishing import public_listings
from ..rendering import render

bp = Blueprint("public", __name__)


@bp.route("/")
def home():
    filters = SearchFilters.from_args(request.args)
    page = find_public(filters, current_app.config["PAGE_SIZE"])
    return render("public/home.html", "results", filters=filters, page=page,
                  categories=Category.select().order_by(Category.sort_order, Category.name),
                  regions=region_choices())


@bp.route("/jasa/<int:listing_id>")
@bp.route("/jasa/<int:listing_id>-<slug>")
def listing_detail(listing_id, slug=None):
    listing = public_listing(listing_id)
    if listing is None:
        abort(404)
    if request.path != listing.url:
        return redirect(listing.url, 301)
    return render("public/detail.html", listing=listing)


@bp.route("/kategori/<slug>")
def category(slug):
    found = Category.get_or_none(Category.slug == slug)
    if found is None:
        abort(404)
    filters = SearchFilters.from_args(request.args, category=slug)
    page = find_public(filters, current_app.config["PAGE_SIZE"])
    return render("public/category.html", "results", category=found, filters=filters,
                  page=page, regions=region_choices())


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
from . import kiosk  # noqa: E402,F401  (routes register on bp)
from . import sharing  # noqa: E402,F401
