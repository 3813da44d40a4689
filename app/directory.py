"""The public directory: filters, search results, one listing."""
from dataclasses import dataclass, field

from .models import Category, Listing, Region, Unit
from .publishing import PublicListing, public_listings, to_public
from .search import MAX_QUERY_CHARS, filter_and_rank


@dataclass
class SearchFilters:
    q: str = ""
    category: str = ""  # category slug
    kabupaten: str = ""
    kecamatan: str = ""  # region code
    page: int = 1
    unit: str = ""  # unit slug

    @classmethod
    def from_args(cls, args, **fixed):
        """Read filters from a query string; anything malformed is simply ignored."""
        try:
            page = max(int(args.get("hal", 1)), 1)
        except (TypeError, ValueError):
            page = 1
        values = dict(q=(args.get("q") or "")[:MAX_QUERY_CHARS].strip(),
                      category=(args.get("kategori") or "")[:80],
                      kabupaten=(args.get("kabupaten") or "")[:80],
                      kecamatan=(args.get("kecamatan") or "")[:20], page=min(page, 1000),
                      unit=(args.get("unit") or "")[:60])
        values.update(fixed)
        return cls(**values)

    def args(self, **changes) -> dict:
        """Query-string arguments for a link to these filters (with changes)."""
        current = {"q": self.q, "kategori": self.category, "kabupaten": self.kabupaten,
                   "kecamatan": self.kecamatan, "hal": self.page, "unit": self.unit}
        current.update(changes)
        return {k: v for k, v in current.items() if v and not (k == "hal" and v == 1)}


@dataclass
class ResultPage:
    items: list[PublicListing]
    total: int
    page: int
    pages: int
    filters: SearchFilters = field(repr=False, default=None)


def matching_listings(filters: SearchFilters, today=None, channels=()):
    """Public listings matching the form's filters and words, ranked as the site shows them."""
    query = public_listings(today, channels=channels)
    if filters.unit:
        query = query.where(Listing.unit.in_(Unit.select(Unit.id).where(Unit.slug == filters.unit)))
    if filters.category:
        query = query.where(Category.slug == filters.category)
    if filters.kecamatan:
        query = query.where(Region.code == filters.kecamatan)
    elif filters.kabupaten:
        query = query.where(Region.kabupaten == filters.kabupaten)
    return filter_and_rank(query, Listing, filters.q)


def find_public(filters: SearchFilters, per_page: int) -> ResultPage:
    query = matching_listings(filters)
    total = query.count()
    pages = max((total + per_page - 1) // per_page, 1)
    items = to_public(query.paginate(min(filters.page, pages), per_page))
    return ResultPage(items, total, min(filters.page, pages), pages, filters)


def public_listing(listing_id: int) -> PublicListing | None:
    found = to_public(public_listings().where(Listing.id == listing_id))
    return found[0] if found else None


def region_choices() -> dict[str, list[Region]]:
    """Kecamatan grouped by kabupaten, for the filter form."""
    groups = {}
    for region in Region.select().order_by(Region.kabupaten, Region.kecamatan):
        groups.setdefault(region.kabupaten, []).append(region)
    return groups
