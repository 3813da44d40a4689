"""The public directory: filters, search results, one listing."""
import dataclasses
from dataclasses import dataclass, field

from app.db import database, is_sqlite
from app.directory import ranking, search, vocabulary
from app.directory.publishing import PublicListing, public_cards, public_listings, to_public
from app.directory.search import MAX_QUERY_CHARS, filter_and_rank
from app.models import Category, Listing, OpenSlot, Region, Unit
from app.records import hours


@dataclass
class SearchFilters:
    q: str = ""
    category: str = ""  # category slug
    kabupaten: str = ""
    kecamatan: str = ""  # region code
    page: int = 1
    unit: str = ""  # unit slug
    exact: bool = False  # search the words as typed: no corrections, no words left out
    open_now: bool = False  # *Buka sekarang*: open at this minute, in WITA

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
                      unit=(args.get("unit") or "")[:60], exact=args.get("persis") == "1",
                      open_now=args.get("buka") == "1")
        values.update(fixed)
        return cls(**values)

    def args(self, **changes) -> dict:
        """Query-string arguments for a link to these filters (with changes)."""
        current = {"q": self.q, "kategori": self.category, "kabupaten": self.kabupaten,
                   "kecamatan": self.kecamatan, "hal": self.page, "unit": self.unit,
                   "persis": "1" if self.exact else "", "buka": "1" if self.open_now else ""}
        current.update(changes)
        return {k: v for k, v in current.items() if v and not (k == "hal" and v == 1)}


@dataclass
class ResultPage:
    items: list[PublicListing]
    total: int  # exact, or (COUNT_CAP in whole pages) + 1 when `more`
    page: int
    pages: int
    filters: SearchFilters = field(repr=False, default=None)
    more: bool = False  # more than COUNT_CAP matches: "lebih dari 200 jasa"
    searched: vocabulary.Interpretation | None = None  # the words searched, if not as typed
    help: vocabulary.ZeroResultHelp | None = None  # on an empty result: where to go next


COUNT_CAP = 200  # counted no further: ten pages of twenty is as far as anyone reads
SMALL = 600  # candidate sets up to this size are ranked whole, larger ones walked
NEWEST = (Listing.updated_at.desc(), Listing.id.desc())
WALK_INDEX = "listing_updated_at"


def _visible(filters: SearchFilters, today=None, channels=()):
    """The public query (every privacy rule: publishing.py) narrowed by the form's filters."""
    query = public_listings(today, channels=channels)
    if filters.unit:
        query = query.where(Listing.unit.in_(Unit.select(Unit.id).where(Unit.slug == filters.unit)))
    if filters.category:
        query = query.where(Category.slug == filters.category)
    if filters.kecamatan:
        query = query.where(Region.code == filters.kecamatan)
    elif filters.kabupaten:
        query = query.where(Region.kabupaten == filters.kabupaten)
    if filters.open_now:
        query = query.where(Listing.id.in_(open_now()))
    return query


def open_now():
    """Ids of the listings open at this minute in WITA (their OpenSlot rows, split at
    midnight, so a night that runs into the next day is found on both days)."""
    day, minute = hours.now_in_wita()
    return OpenSlot.select(OpenSlot.listing).where(
        (OpenSlot.weekday == day) & (OpenSlot.opens <= minute) & (OpenSlot.closes > minute))


def matching_listings(filters: SearchFilters, today=None, channels=()):
    """Public listings matching the form's filters and words (as typed), title matches
    first, then newest; find_public shows the same listings ranked by relevance."""
    return filter_and_rank(_visible(filters, today, channels), Listing, filters.q)


def _filter_tags(filters: SearchFilters) -> list[str]:
    """The search index's words for the form's filters (search.filter_terms)."""
    def id_of(model, *where):
        found = model.select(model.id).where(*where).first()
        return found.id if found else 0  # no such slug: a word no listing carries
    return search.filter_terms(
        unit_id=id_of(Unit, Unit.slug == filters.unit) if filters.unit else None,
        category_id=(id_of(Category, Category.slug == filters.category)
                     if filters.category else None),
        region_id=(id_of(Region, Region.code == filters.kecamatan)
                   if filters.kecamatan else None),
        kabupaten=filters.kabupaten if filters.kabupaten and not filters.kecamatan else None)


def _count_to(query, limit: int) -> int:
    """How many rows `query` has, counting no further than `limit`."""
    return query.select(Listing.id).order_by().limit(limit).count()


def _ranked_ids(query, limit: int, offset: int = 0, walk: bool = False) -> list[int]:
    """Ids of `query` in its order; `walk`: newest first along the updated_at index,
    stopping when `limit` are found.

    Without the hint SQLite would rather fetch every match and sort them: right for a
    few hundred, 100 times slower for tens of thousands. PostgreSQL's planner decides
    well by itself from its statistics.
    """
    query = query.select(Listing.id)
    if walk:
        query = query.order_by(*NEWEST)
    sql, params = query.limit(limit).offset(offset).sql()
    if walk and is_sqlite():
        sql = sql.replace('FROM "listing" AS "t1"',
                          f'FROM "listing" AS "t1" INDEXED BY "{WALK_INDEX}"', 1)
    return [row[0] for row in database.execute_sql(sql, params)]


def _rank_groups(filters: SearchFilters):
    """The visible matches as disjoint groups in rank order, each with whether it is
    small enough to rank whole by relevance (app/directory/ranking.py; else it is walked newest
    first).

    The search index alone (words and filter terms) tells cheaply how big each group can
    be. Up to SMALL matches are one group. More: the listings whose title matches, then
    the others (walked: with that many matches the words are too common to rank by).
    """
    visible = _visible(filters)
    q = filters.q if search.query_words(filters.q) else ""  # only punctuation: no words
    tags = _filter_tags(filters)
    if not q and not tags:
        return [(visible, False)]  # the whole directory, newest first
    everything = visible.where(Listing.id.in_(search.matching(q, tags=tags)))

    def small(title_only=False):
        return search.count_matching(q, title_only, tags, SMALL + 1) <= SMALL
    if small():
        return [(everything, True)]
    if not q:
        return [(everything, False)]
    # A title match matches the whole expression too: the title group needs one list.
    title = Listing.id.in_(search.matching(q, True, tags))
    return [(visible.where(title).order_by(*NEWEST), small(title_only=True)),
            (everything.where(~title), False)]


def find_public(filters: SearchFilters, per_page: int) -> ResultPage:
    """One page of public listings, ranked by relevance (app/directory/ranking.py).

    A word that finds nothing is corrected or left out first (app/directory/vocabulary.py),
    unless the filters ask for the words exactly as typed; when the words together still
    find nothing, the least telling ones are left out until something is found ("tv
    rusak" finds the TV repairers). The page says which words were searched.
    """
    searched = None
    if filters.q and not filters.exact and search.query_words(filters.q):
        searched = vocabulary.interpret(filters.q)
        if searched.changed:
            filters = dataclasses.replace(filters, q=searched.q)
    ids, total, page, pages, more = _one_page(filters, per_page)
    if not total and searched is not None:
        for words, left_out in vocabulary.relaxations(search.query_words(filters.q)):
            found = _one_page(dataclasses.replace(filters, q=" ".join(words)), per_page)
            if found[1]:
                ids, total, page, pages, more = found
                searched = dataclasses.replace(searched, q=" ".join(words),
                                               dropped=searched.dropped + left_out)
                break
    shown = searched if searched and searched.changed else None
    help_ = vocabulary.zero_result_help(filters.q) if not total and filters.q else None
    # The page's rows in one query, through every rule of public_listings again.
    return ResultPage(public_cards(ids), total, page, pages,
                      dataclasses.replace(filters, q=shown.typed) if shown else filters, more,
                      shown, help_)


def _one_page(filters: SearchFilters, per_page: int):
    """The ids of one page of matches in rank order, with the count, the page number, the
    number of pages and whether there are more than COUNT_CAP.

    Does only the work the page needs, so it stays fast with 100,000 listings: counts
    stop after COUNT_CAP, and large groups are read in rank order until the page is full.
    """
    groups = _rank_groups(filters)
    upto = filters.page * per_page  # the page shown is never later than the one asked for
    whole = [ranking.rank(_ranked_ids(query, SMALL + 1), filters.q, upto) if small else None
             for query, small in groups]
    cap = -(-COUNT_CAP // per_page) * per_page  # whole pages: the last one is full too
    total, sizes = 0, []  # counted group by group, and no further than cap + 1
    for (query, _), ranked in zip(groups, whole):
        sizes.append(len(ranked) if ranked is not None else _count_to(query, cap + 1 - total))
        total += sizes[-1]
        if total > cap:
            total = cap + 1
            break
    more = total > cap
    pages = max((min(total, cap) + per_page - 1) // per_page, 1)
    page = min(filters.page, pages)
    start, stop = (page - 1) * per_page, page * per_page
    ids, before = [], 0  # `before`: how many listings the earlier groups hold
    for (query, _), ranked, size in zip(groups, whole, sizes):
        first, last = max(start - before, 0), min(stop - before, size)
        if first < last:  # this group holds part of the page
            ids += ranked[first:last] if ranked is not None else _ranked_ids(
                query, last - first, first, walk=True)
        before += size
    return ids, total, page, pages, more


def public_listing(listing_id: int) -> PublicListing | None:
    found = to_public(public_listings().where(Listing.id == listing_id))
    return found[0] if found else None

