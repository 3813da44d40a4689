"""Open data: the public listings shaped after Open Referral HSDS 3.0, as JSON and CSV.

Everything here is built from `PublicListing` views (app/publishing.py), never from a
Listing or Client row, plus public reference data: categories, regions and units. A
listing is open data only while its consent allows the website *and* the "search"
channel: other directories copy this feed and show it elsewhere, as a search engine
would, so it needs the consent that lets the listing out of this site.
"""
import datetime as dt
import math
import re
from dataclasses import dataclass

from app.directory.browse import SearchFilters, matching_listings
from app.directory.publishing import PublicListing, to_public
from app.directory.search import MAX_QUERY_CHARS
from app.models import Category, Listing, Region, Unit
from app.records.hours import Hours, hsds_schedules
from app.records.phones import PhoneError, parse_phone

OPEN_DATA_CHANNELS = ("search",)  # public_listings adds "website" itself
TAXONOMY = "raja-kemas-kategori"
HSDS_VERSION = "3.0"
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000
WHOLE = re.compile(r"[0-9]{1,7}")

PAGE_ERROR = "Parameter page harus bilangan bulat 1 atau lebih, misalnya page=2."
PER_PAGE_ERROR = f"Parameter per_page harus bilangan bulat 1 sampai {MAX_PER_PAGE}."
QUERY_ERROR = f"Kata pencarian (q) terlalu panjang: paling banyak {MAX_QUERY_CHARS} karakter."
UNKNOWN = {
    "category": "Kategori tidak dikenal. Lihat daftar kategori di /api/v1/taxonomy_terms.",
    "kabupaten": "Kabupaten tidak dikenal. Lihat daftar wilayah di /api/v1/regions.",
    "kecamatan": "Kode kecamatan tidak dikenal. Lihat daftar wilayah di /api/v1/regions.",
    "unit": "Unit tidak dikenal. Lihat daftar unit di /api/v1/organizations.",
}
NOT_FOUND = "Jasa tidak ditemukan, atau tidak dibuka sebagai data terbuka."


class OpenDataError(ValueError):
    """A request the API refuses; the message says why, in Indonesian."""


@dataclass
class PageRequest:
    filters: SearchFilters
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE


def _number(args, name: str, default: int, high: int, message: str) -> int:
    """Read a whole number from 1 to `high`; raise OpenDataError otherwise."""
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    if not WHOLE.fullmatch(raw) or not 1 <= int(raw) <= high:
        raise OpenDataError(message)
    return int(raw)


def _known(name: str, value: str, exists) -> str:
    """Return `value` if empty or known (exists(value) is true); raise OpenDataError."""
    if value and (len(value) > 120 or not exists(value)):
        raise OpenDataError(UNKNOWN[name])
    return value


def parse_request(args) -> PageRequest:
    """Read filters and paging from a query string; raise OpenDataError on bad input."""
    text = args.get("q") or args.get("search") or ""  # `search` is HSDS's name for it
    if len(text) > MAX_QUERY_CHARS:
        raise OpenDataError(QUERY_ERROR)
    filters = SearchFilters(
        q=text.strip(),
        category=_known("category", args.get("category") or "",
                        lambda v: Category.select().where(Category.slug == v).exists()),
        kabupaten=_known("kabupaten", args.get("kabupaten") or "",
                         lambda v: Region.select().where(Region.kabupaten == v).exists()),
        kecamatan=_known("kecamatan", args.get("kecamatan") or "",
                         lambda v: Region.select().where(Region.code == v).exists()),
        unit=_known("unit", args.get("unit") or "",
                    lambda v: Unit.select().where(Unit.slug == v).exists()))
    return PageRequest(filters, _number(args, "page", 1, MAX_PAGE, PAGE_ERROR),
                       _number(args, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE, PER_PAGE_ERROR))


def open_listings(filters: SearchFilters, today: dt.date | None = None):
    """Select open-data listings matching `filters`, ranked as on the site."""
    return matching_listings(filters, today, channels=OPEN_DATA_CHANNELS)


def page_envelope(total: int, page: int, per_page: int, contents: list) -> dict:
    """Wrap one page of items the way HSDS's paginated responses do."""
    pages = math.ceil(total / per_page)
    return {"total_items": total, "total_pages": pages, "page_number": page,
            "size": len(contents), "first_page": page == 1, "last_page": page >= pages,
            "empty": not contents, "contents": contents}


def list_page(items: list, request: PageRequest) -> dict:
    """Return one page of an in-memory list of items."""
    start = (request.page - 1) * request.per_page
    return page_envelope(len(items), request.page, request.per_page,
                         items[start:start + request.per_page])


class References:
    """Public reference data for a batch of listings: categories, units, kecamatan codes."""

    def __init__(self, items: list[PublicListing]):
        ids = [x.id for x in items]
        self.categories = {c.slug: c for c in Category.select()}
        self.units = {u.id: u for u in Unit.select()}
        # Only the owning office of each listing: a public fact (/u/<unit>/ shows it).
        self.unit_of = dict(Listing.select(Listing.id, Listing.unit)
                            .where(Listing.id.in_(ids)).tuples()) if ids else {}
        names = {x.region_label.split(", ")[0] for x in items if x.region_label}
        self.codes = {r.label: r.code for r in
                      Region.select().where(Region.kecamatan.in_(names))} if names else {}


def taxonomy_term(category: Category) -> dict:
    """Describe a category as an HSDS taxonomy term."""
    return {"id": str(category.id), "code": category.slug, "name": category.name,
            "description": ", ".join(category.keyword_list) or category.name,
            "taxonomy": TAXONOMY, "language": "id"}


def _instant(moment: dt.datetime) -> str:
    """Write a stored local time as RFC 3339 with the server's UTC offset."""
    return moment.astimezone().isoformat()


def _service_at_location(item: PublicListing) -> list[dict]:
    """The business's place as an HSDS physical location, when its consent shows it."""
    if item.location is None:
        return []
    sid = str(item.id)
    return [{"id": f"{sid}-di-lokasi", "service_id": sid,
             "location": {"id": f"{sid}-lokasi", "location_type": "physical",
                          "name": item.display_name or item.title,
                          "latitude": float(item.location.latitude),
                          "longitude": float(item.location.longitude)}}]


def service(item: PublicListing, refs: References, host: str) -> dict:
    """Describe one public listing as an HSDS service (only what its consent shows)."""
    sid = str(item.id)
    unit = refs.units[refs.unit_of[item.id]]
    category = refs.categories.get(item.category_slug)
    term = taxonomy_term(category) if category else {
        "id": item.category_slug, "code": item.category_slug, "name": item.category_name,
        "description": item.category_name, "taxonomy": TAXONOMY, "language": "id"}
    mobile = bool(item.whatsapp_url)
    return {
        "id": sid, "name": item.title, "description": item.description,
        "url": host.rstrip("/") + item.url, "status": "active",
        "organization": {"id": str(unit.id), "name": unit.name},
        "phones": [{"id": f"{sid}-telepon", "service_id": sid,
                    "number": item.tel_url.removeprefix("tel:"),
                    "type": "cell" if mobile else "voice",
                    "description": "Telepon dan WhatsApp" if mobile else "Telepon"}
                   ] if item.tel_url else [],
        "service_areas": [{"id": f"{sid}-wilayah", "service_id": sid,
                           "name": item.region_label or item.service_area,
                           "description": item.service_area,
                           "extent": item.region_label or None,
                           "extent_type": "text" if item.region_label else None,
                           "x_kecamatan_code": refs.codes.get(item.region_label)}
                          ] if item.region_label or item.service_area else [],
        "service_at_locations": _service_at_location(item),
        "attributes": [{"id": f"{sid}-kategori", "link_id": sid, "link_entity": "service",
                        "link_type": "category", "taxonomy_term_id": term["id"],
                        "label": term["name"], "taxonomy_term": term}],
        "schedules": _schedules(item, sid),
        "cost_options": [{"id": f"{sid}-biaya", "service_id": sid,
                          "amount_description": item.price_hint}] if item.price_hint else [],
        "contacts": [{"id": f"{sid}-kontak", "service_id": sid,
                      "name": item.contact_name}] if item.contact_name else [],
        "last_modified": _instant(item.updated_at),
        "x_last_confirmed": item.last_confirmed_at.isoformat(),
    }


def _schedules(item: PublicListing, sid: str) -> list[dict]:
    """HSDS `schedules`: weekly ranges (WITA) when the hours are known, else the text."""
    known = Hours.from_json(item.hours) if item.hours else None
    ranges = hsds_schedules(known)
    if not ranges:
        return [{"id": f"{sid}-jadwal", "service_id": sid,
                 "description": item.working_hours}] if item.working_hours else []
    return [{"id": f"{sid}-jadwal-{i}", "service_id": sid,
             "description": item.working_hours, **r} for i, r in enumerate(ranges, 1)]


def services(items: list[PublicListing], host: str) -> list[dict]:
    """Describe public listings as HSDS services."""
    refs = References(items)
    return [service(x, refs, host) for x in items]


def service_page(request: PageRequest, host: str) -> dict:
    """Return one HSDS page of the open-data services matching the request."""
    query = open_listings(request.filters)
    total = query.count()
    items = []
    if (request.page - 1) * request.per_page < total:  # past the end: no query at all
        items = to_public(query.paginate(request.page, request.per_page))
    return page_envelope(total, request.page, request.per_page, services(items, host))


def one_service(listing_id: int, host: str) -> dict | None:
    """Return one open-data service, or None when it is not open data."""
    items = to_public(open_listings(SearchFilters()).where(Listing.id == listing_id))
    return services(items, host)[0] if items else None


def taxonomy_terms() -> list[dict]:
    """Return every category as an HSDS taxonomy term, in the site's order."""
    return [taxonomy_term(c) for c in Category.select().order_by(Category.sort_order,
                                                                  Category.name)]


def regions() -> list[dict]:
    """Return every kecamatan with its kabupaten and code, for the filters."""
    return [{"code": r.code, "name": r.kecamatan, "kabupaten": r.kabupaten,
             "province": r.province, "label": r.label}
            for r in Region.select().order_by(Region.kabupaten, Region.kecamatan)]


def _office_phone(text: str) -> str:
    """Return an office phone in E.164 when it parses, else as written."""
    try:
        return parse_phone(text).e164
    except PhoneError:
        return text.strip()


def organization(unit: Unit, website: str, parent: str) -> dict:
    """Describe a Bapas unit as an HSDS organization."""
    uid = str(unit.id)
    return {"id": uid, "name": unit.name,
            "description": f"{unit.name}, {parent}" if parent else unit.name,
            "email": unit.email or None, "website": website,
            "phones": [{"id": f"{uid}-telepon", "organization_id": uid,
                        "number": _office_phone(unit.phone), "type": "voice"}
                       ] if unit.phone.strip() else [],
            "addresses": [{"id": f"{uid}-alamat", "organization_id": uid,
                           "address_1": unit.address, "country": "ID",
                           "address_type": "physical"}] if unit.address.strip() else []}
