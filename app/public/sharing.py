"""Sharing routes: share cards, printable flyers, sitemap, robots.txt, installable app."""
import datetime as dt
import hashlib
import html
import json
import re
from pathlib import Path

from flask import Response, abort, current_app, render_template, request, url_for
from playhouse.flask_utils import get_object_or_404

from app.directory.browse import public_listing
from app.directory.publishing import public_listings
from app.directory.sharing import (
    SitemapEntry,
    category_listings,
    meta_description,
    qr_svg,
    robots_txt,
    share_card_png,
    short_description,
    sitemap_entries,
    sitemap_xml,
    web_manifest,
)
from app.models import Category, Listing, Unit
from app.public import bp
from app.public.units import listing_office, listing_units, office_context
from app.web.public_address import absolute_url

# The kiosk and the flyers draw QR codes in templates.
bp.add_app_template_global(qr_svg, "qr_svg")
bp.add_app_template_global(absolute_url, "absolute_url")
bp.add_app_template_global(short_description, "short_description")
bp.add_app_template_global(meta_description, "meta_description")

PAPER_SIZES = ("a4", "a5")


def _visible(listing_id: int, channel: str):
    """Return the public view of a listing, or answer 404 (drafts, hidden, deleted, or
    a channel the client's consent leaves out)."""
    listing = public_listing(listing_id)
    if listing is None or channel not in listing.channels:
        abort(404)
    return listing


@bp.after_request
def _noindex_without_consent(response):
    """Tell search engines to skip a listing whose consent leaves them out."""
    if request.endpoint == "public.listing_detail" and response.status_code == 200:
        listing_id = (request.view_args or {}).get("listing_id")
        allowed = public_listings(channels=("search",)).where(Listing.id == listing_id)
        if not allowed.exists():
            response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/jasa/<int:listing_id>/kartu.png")
def share_card(listing_id):
    """Send the listing's generated link-preview picture."""
    listing = _visible(listing_id, "share")
    office = listing_office(listing.id).get("office_name", current_app.config["OFFICE_NAME"])
    png = share_card_png(listing, current_app.config["APP_NAME"], office)
    return Response(png, mimetype="image/png",
                    headers={"Cache-Control": "public, max-age=3600"})


@bp.route("/jasa/<int:listing_id>/selebaran")
def flyer(listing_id):
    """Show one listing as a printable A4 (or ?ukuran=a5) flyer."""
    listing = _visible(listing_id, "flyer")
    paper = request.args.get("ukuran", "a4").lower()
    return render_template("public/flyer.html", listing=listing,
                           paper=paper if paper in PAPER_SIZES else "a4",
                           listing_link=absolute_url(listing.url),
                           **listing_office(listing.id))  # the listing's own office


@bp.route("/kategori/<slug>/selebaran")
def category_flyer(slug):
    """Show every public listing of a category on printable A4 pages."""
    category = get_object_or_404(Category, Category.slug == slug)
    listings = category_listings(category)
    units = listing_units(item.id for item in listings)
    # A listing without a public phone is ordered through its own office.
    offices = {item.id: office_context(units.get(item.id)) for item in listings}
    return render_template("public/flyer_sheet.html", category=category, listings=listings,
                           offices=offices, paper="a4", today=dt.date.today())


@bp.route("/sitemap.xml")
def sitemap():
    """List the public pages for search engines."""
    entries = sitemap_entries()
    return Response(sitemap_xml([*entries[:1], *_unit_homes(), *entries[1:]]),
                    mimetype="application/xml")


def _unit_homes() -> list[SitemapEntry]:
    """Each office's home page (/u/<slug>/), for units with a listing in the sitemap."""
    newest: dict[int, dt.date] = {}
    rows = public_listings(channels=("search",)).select(Listing.unit, Listing.updated_at)
    for unit_id, updated_at in rows.tuples():
        newest[unit_id] = max(newest.get(unit_id, updated_at.date()), updated_at.date())
    units = Unit.select().where(Unit.id.in_(list(newest))).order_by(Unit.name, Unit.id)
    return [SitemapEntry(url_for("public.home", unit_slug=u.slug), newest[u.id])
            for u in units] if newest else []


@bp.route("/robots.txt")
def robots():
    """Tell crawlers what to skip and where the sitemap is."""
    return Response(robots_txt(), mimetype="text/plain",
                    headers={"Cache-Control": "public, max-age=86400"})


@bp.route("/manifest.webmanifest")
def manifest():
    """Describe the installable app to Android."""
    body = json.dumps(web_manifest(current_app.config["APP_NAME"],
                                   current_app.config["OFFICE_NAME"]), ensure_ascii=False)
    return Response(body, mimetype="application/manifest+json",
                    headers={"Cache-Control": "public, max-age=86400"})


@bp.route("/offline")
def offline():
    """Show what the service worker answers when there is no signal."""
    return render_template("public/offline.html")


def _precache_urls() -> list[str]:
    """List the offline page and every static file it links, with their content hashes."""
    page = render_template("public/offline.html")
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    return ["/offline", *dict.fromkeys(html.unescape(a) for a in assets)]


@bp.route("/sw.js")
def service_worker():
    """Serve static/sw.js at the root scope, with this build's precache list filled in."""
    text = (Path(current_app.static_folder) / "sw.js").read_text(encoding="utf-8")
    urls = _precache_urls()
    # A new asset hash changes the script's bytes, which makes browsers install it again.
    version = hashlib.sha256(json.dumps(urls).encode()).hexdigest()[:10]
    text = text.replace("const VERSION = 'dev';", f"const VERSION = '{version}';", 1)
    text = text.replace("const PRECACHE = ['/offline'];",
                        f"const PRECACHE = {json.dumps(urls)};", 1)
    return Response(text, mimetype="application/javascript", headers={
        "Service-Worker-Allowed": "/", "Cache-Control": "no-cache"})
