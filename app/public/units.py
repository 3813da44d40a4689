"""One office's public pages: `/u/<unit-slug>/...` resolves the unit, and its logo.

A route with a `<unit_slug>` rule sits on the same endpoint as its national
twin (`/` and `/u/<slug>/`, `/kiosk` and `/u/<slug>/kiosk`). The slug is taken
out of the URL values into `g.unit` before the view runs, and `url_for` puts it
back for those endpoints while a unit page renders, so links and forms on a
unit's page stay on that unit without the templates knowing.
"""
from flask import abort, current_app, g, send_from_directory
from flask_babel import gettext

from app.directory.lookups import lookups
from app.models import Listing, Unit
from app.public import bp


@bp.url_value_preprocessor
def _pull_unit(endpoint, values):
    """Resolve `unit_slug` from the URL into g.unit; an unknown office is a 404."""
    if values and "unit_slug" in values:
        unit = lookups().unit_by_slug.get(values.pop("unit_slug"))
        if unit is None:
            abort(404)
        g.unit = unit


@bp.url_defaults
def _keep_unit(endpoint, values):
    """On a unit's page, let url_for keep that unit for endpoints that take one."""
    unit = g.get("unit")
    if unit is not None and "unit_slug" not in values and \
            current_app.url_map.is_endpoint_expecting(endpoint, "unit_slug"):
        values["unit_slug"] = unit.slug


def current_unit():
    """Return the unit whose public page this is, or None on national pages."""
    return g.get("unit")


def unit_page_context(unit) -> dict:
    """Template values for a directory page: the unit and its contact, or the unit filter."""
    if unit is None:
        units = lookups().units
        return {"unit": None, "units": list(units) if len(units) > 1 else []}
    return {"unit": unit, "units": [], **office_context(unit)}


def office_context(unit) -> dict:
    """Template values naming `unit` as the office (layout header and footer, flyers).

    They override the office settings of the context processor (app/rendering.py).
    A unit without an address or phone of its own falls back to those settings when
    they describe the same office; another office's contact is never shown instead.
    """
    if unit is None:
        return {}
    same_office = unit.name == current_app.config["OFFICE_NAME"]
    # The deployment's tagline may name another office (it is the office's to write).
    values = {} if same_office else {
        "office_name": unit.name,
        "app_tagline": gettext("Jasa dan karya klien pemasyarakatan %(office)s", office=unit.name)}
    if unit.address or unit.phone:
        values.update(office_name=unit.name, office_address=unit.address,
                      office_phone=unit.phone)
    elif not same_office:
        values.update(office_address="", office_phone="")
    return values


def listing_units(listing_ids) -> dict:
    """Return {listing id: Unit} for these listings (only the units' public fields are used)."""
    ids = list(listing_ids)
    if not ids:
        return {}
    rows = (Listing.select(Listing.id, Unit).join(Unit, on=(Listing.unit == Unit.id))
            .where(Listing.id.in_(ids)))
    return {row.id: row.unit for row in rows}


def listing_office(listing_id: int) -> dict:
    """Office values for a public listing's own pages: the office it belongs to."""
    return office_context(listing_units([listing_id]).get(listing_id))


@bp.route("/u/<unit_slug>/logo.jpg")
def unit_logo():
    """Serve the office's logo (the thumbnail kept by app/photos.py)."""
    unit = current_unit()
    if not unit.logo_thumb:
        abort(404)
    response = send_from_directory(current_app.config["UPLOAD_DIR"], unit.logo_thumb)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
