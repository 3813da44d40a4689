"""Open-data API blueprint at /api/v1: read-only JSON (HSDS-shaped) and CSV, CORS for GET.

Every answer is JSON (errors too, with an Indonesian `error`), readable from any origin,
cached for a minute, and sets no cookie. Nothing here reads a session or a login.
"""
import hashlib
import json
import re

from flask import Blueprint, current_app, request, url_for
from werkzeug.exceptions import HTTPException

from app.api.openapi import openapi_document
from app.extensions import csrf
from app.opendata import hsds as opendata
from app.opendata.csv_feed import services_csv
from app.records.units import all_units, has_many_units
from app.web.errors import texts
from app.web.headers import NUL_MESSAGE
from app.web.public_address import absolute_url, base_url

bp = Blueprint("api", __name__)

CACHE = "public, max-age=60"
ALLOWED = "GET, HEAD, OPTIONS"
HEADER_NAMES = re.compile(r"[A-Za-z0-9\-]+(?:\s*,\s*[A-Za-z0-9\-]+)*")
WRITES = ["POST", "PUT", "PATCH", "DELETE"]
MAX_ID = 2**63 - 1  # larger ids cannot exist, and would overflow the database


def _json(data, status: int = 200):
    """Answer with compact UTF-8 JSON."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return current_app.response_class(body, status=status, mimetype="application/json")


def _error(message: str, status: int = 400, headers=None):
    """Answer with {"error": message}."""
    response = _json({"error": str(message)}, status)
    response.headers.update(headers or {})
    return response


def _host() -> str:
    """Return the site's public address, for absolute URLs (never a forged Host)."""
    return base_url()


def _page_request():
    """Return the request's filters and paging, or raise OpenDataError."""
    return opendata.parse_request(request.args)


@bp.errorhandler(opendata.OpenDataError)
def _bad_request(exc):
    """Answer bad parameters with a 400 and the Indonesian message."""
    return _error(str(exc))


@bp.route("/")
def info():
    """Describe this API and its relation to HSDS."""
    cfg = current_app.config
    return _json({"version": opendata.HSDS_VERSION,
                  "openapi_url": absolute_url(url_for("api.openapi")),
                  "description": f"Data terbuka {cfg['APP_NAME']}: jasa klien pemasyarakatan "
                                 f"{cfg['OFFICE_NAME']}.",
                  "publisher": {"name": cfg["OFFICE_NAME"], "email": cfg["OFFICE_EMAIL"] or None,
                                "website": absolute_url(url_for("public.home"))}})


@bp.route("/openapi.json")
def openapi():
    """Send the OpenAPI 3.1 description of this API."""
    server = absolute_url(url_for("api.info")).rstrip("/")
    return _json(openapi_document(server, current_app.config["APP_NAME"]))


@bp.route("/services")
def services():
    """List the open-data services, filtered and paged."""
    return _json(opendata.service_page(_page_request(), _host()))


@bp.route("/services.csv")
def services_as_csv():
    """Send every open-data service matching the filters as a CSV file."""
    body = services_csv(_page_request().filters, _host())
    return current_app.response_class(body, mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="raja-kemas-jasa.csv"'})


@bp.route("/services/<int:listing_id>")
def service(listing_id):
    """Show one open-data service; a 404 for anything else."""
    found = opendata.one_service(listing_id, _host()) if listing_id <= MAX_ID else None
    return _json(found) if found else _error(opendata.NOT_FOUND, 404)


@bp.route("/taxonomy_terms")
def taxonomy_terms():
    """List the categories as HSDS taxonomy terms."""
    return _json(opendata.list_page(opendata.taxonomy_terms(), _page_request()))


@bp.route("/regions")
def regions():
    """List kabupaten and kecamatan with their codes."""
    return _json(opendata.list_page(opendata.regions(), _page_request()))


@bp.route("/organizations")
def organizations():
    """List the Bapas units as HSDS organizations."""
    many, parent = has_many_units(), current_app.config["PARENT_ORGANISATION"]
    found = [opendata.organization(
        unit, absolute_url(url_for("public.home", **({"unit_slug": unit.slug} if many else {}))),
        parent) for unit in all_units()]
    return _json(opendata.list_page(found, _page_request()))


@bp.route("/", methods=WRITES, defaults={"rest": ""})
@bp.route("/<path:rest>", methods=["GET", *WRITES])
def unknown(rest):
    """Answer an unknown API path with 404, a write to a known one with 405, in JSON."""
    try:
        endpoint, _ = current_app.create_url_adapter(request).match(request.path, "GET")
    except HTTPException:  # no GET route there at all (or only a redirect)
        endpoint = None
    if endpoint and endpoint != "api.unknown":
        return _error("API ini hanya untuk dibaca: gunakan GET.", 405, {"Allow": ALLOWED})
    return _error("Alamat API tidak dikenal. Lihat /api/v1/openapi.json.", 404)


csrf.exempt(unknown)  # it only ever answers 404 or 405; nothing is written


@bp.after_request
def _api_headers(response):
    """Make every answer JSON (errors too), open to any origin, cached for a minute."""
    if response.status_code >= 400 and response.mimetype != "application/json":
        nul = any("\x00" in k or "\x00" in v for k, v in request.args.items(multi=True))
        message = NUL_MESSAGE if nul else texts(response.status_code)[1]
        response.set_data(json.dumps({"error": str(message)}, ensure_ascii=False,
                                     separators=(",", ":")))
        response.mimetype = "application/json"
    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.method == "OPTIONS":
        response.headers["Allow"] = ALLOWED  # not the catch-all's methods
        response.headers["Access-Control-Allow-Methods"] = ALLOWED
        wanted = request.headers.get("Access-Control-Request-Headers", "")[:500]
        if HEADER_NAMES.fullmatch(wanted.strip()):
            response.headers["Access-Control-Allow-Headers"] = wanted.strip()
        response.headers["Access-Control-Max-Age"] = "86400"
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        response.headers["Cache-Control"] = CACHE
        if not response.is_streamed and "ETag" not in response.headers:
            digest = hashlib.blake2b(response.get_data(), digest_size=12).hexdigest()
            response.set_etag(digest, weak=True)
            response = response.make_conditional(request)
    elif response.status_code >= 400:
        response.headers["Cache-Control"] = "no-store"
    return response
