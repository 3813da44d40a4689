"""The public directory: filters, search results, one listing."""
import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from peewee import SQL, fn

from app.db import is_sqlite, run_prepared
from app.directory import ranking, search, vocabulary
from app.directory.lookups import lookups
from app.directory.publishing import (
    PublicListing,
    public_cards,
    public_listings,
    rules_key,
    to_public,
)
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


def _filter_values(filters: SearchFilters) -> dict:
    """The values of the form's filters, by the names _visible's slots use."""
    day, minute = hours.now_in_wita() if filters.open_now else (None, None)
    return {"unit": filters.unit, "category": filters.category, "kabupaten": filters.kabupaten,
            "kecamatan": filters.kecamatan, "day": day, "minute": minute}


def _visible(filters: SearchFilters, today=None, channels=(), value=None):
    """The public query (every privacy rule: publishing.py) narrowed by the form's filters;
    `value(name)` gives each filter's value (by default the filters' own; db.prepared's
    slots when the SQL is written once)."""
    value = value or _filter_values(filters).get
    query = public_listings(today, channels=channels)
    if filters.unit:
        query = query.where(Listing.unit.in_(
            Unit.select(Unit.id).where(Unit.slug == value("unit"))))
    if filters.category:
        query = query.where(Category.slug == value("category"))
    if filters.kecamatan:
        query = query.where(Region.code == value("kecamatan"))
    elif filters.kabupaten:
        query = query.where(Region.kabupaten == value("kabupaten"))
    if filters.open_now:
        query = query.where(Listing.id.in_(OpenSlot.select(OpenSlot.listing).where(
            (OpenSlot.weekday == value("day")) & (OpenSlot.opens <= value("minute"))
            & (OpenSlot.closes > value("minute")))))
    return query


def matching_listings(filters: SearchFilters, today=None, channels=()):
    """Public listings matching the form's filters and words (as typed), title matches
    first, then newest; find_public shows the same listings ranked by relevance.
    (OpenSlot rows are split at midnight, so *Buka sekarang* finds a night that runs into
    the next day on both days.)"""
    return filter_and_rank(_visible(filters, today, channels), Listing, filters.q)


def _filter_tags(filters: SearchFilters) -> list[str]:
    """The search index's words for the form's filters (search.filter_terms)."""
    tables = lookups()

    def id_of(found):
        return found.id if found else 0  # no such slug: a word no listing carries
    region = None
    if filters.kecamatan:
        region = next((r for regions in tables.regions.values() for r in regions
                       if r.code == filters.kecamatan), None)
    return search.filter_terms(
        unit_id=id_of(tables.unit_by_slug.get(filters.unit)) if filters.unit else None,
        category_id=(id_of(tables.category_by_slug.get(filters.category))
                     if filters.category else None),
        region_id=id_of(region) if filters.kecamatan else None,
        kabupaten=filters.kabupaten if filters.kabupaten and not filters.kecamatan else None)


class _Search:
    """The SQL of one search's groups (_rank_groups): the visible listings, narrowed to the
    index's matches ("matches"), to those whose title matches ("title"), or to the others
    ("rest"); "all" is every visible listing.

    Peewee writes each shape of it once a day (db.prepared): the words, the filter values,
    limits and offsets are parameters.
    """
    def __init__(self, filters: SearchFilters, today: dt.date):
        self.filters, self.today = filters, today
        self.q = filters.q if search.query_words(filters.q) else ""  # only punctuation: none
        self.tags = _filter_tags(filters)
        self.values = _filter_values(filters)
        self.match = {}  # "any"/"title" -> (the subquery's SQL, its number of parameters)
        for name, title_only in (("any", False), ("title", True)):
            found = search.matching_sql(self.q, title_only, self.tags)
            if found and (self.q or not title_only):
                self.match[name] = (found[0], len(found[1]))
                self.values.update({f"{name}{n}": p for n, p in enumerate(found[1])})
        self.shape = (rules_key(today), tuple(bool(getattr(filters, f)) for f in
                                   ("unit", "category", "kecamatan", "kabupaten", "open_now")),
                      tuple(sorted(self.match.items())))

    def _query(self, group: str, slot):
        query = _visible(self.filters, self.today, value=slot)
        if group == "all":
            return query

        def subquery(name):
            sql, count = self.match[name]
            return SQL(sql, [slot(f"{name}{n}") for n in range(count)])
        if group == "title":  # a title match matches the whole expression too
            return query.where(Listing.id.in_(subquery("title")))
        query = query.where(Listing.id.in_(subquery("any")))
        if group == "rest":
            return query.where(Listing.id.not_in(subquery("title")))
        return query

    def walk(self, group: str, limit: int, offset: int = 0) -> list[int]:
        """Ids of a large group newest first, along the updated_at index, stopping when
        `limit` are found.

        Without the hint SQLite would rather fetch every match and sort them: right for a
        few hundred, 100 times slower for tens of thousands. PostgreSQL's planner decides
        well by itself from its statistics.
        """
        def build(slot):
            return self._query(group, slot).select(Listing.id).order_by(*NEWEST).limit(
                slot("limit")).offset(slot("offset"))

        def hint(sql):
            return sql.replace('FROM "listing" AS "t1"',
                               f'FROM "listing" AS "t1" INDEXED BY "{WALK_INDEX}"', 1)
        values = {**self.values, "limit": limit, "offset": offset}
        return [row[0] for row in run_prepared(("walk", group, *self.shape), build, values,
                                               hint if is_sqlite() else None)]

    def newest(self, group: str, limit: int) -> list[int]:
        """Ids of up to `limit` listings of a small group, newest first: sorted here, as
        SQLite might otherwise walk the whole updated_at index to find a few hundred."""
        def build(slot):
            return self._query(group, slot).select(Listing.id, Listing.updated_at).limit(
                slot("limit"))
        rows = run_prepared(("newest", group, *self.shape), build,
                            {**self.values, "limit": limit}).fetchall()
        # updated_at: ISO text on SQLite, which sorts as the time does; a datetime elsewhere
        return [i for i, _ in sorted(rows, key=lambda row: (row[1], row[0]), reverse=True)]

    def count(self, group: str, limit: int) -> int:
        """How many listings the group has, counting no further than `limit`."""
        def build(slot):
            inner = self._query(group, slot).select(SQL("1")).limit(slot("limit"))
            return Listing.select(fn.COUNT(SQL("1"))).from_(inner.alias("found"))
        return run_prepared(("count", group, *self.shape), build,
                            {**self.values, "limit": limit}).fetchone()[0]


def _rank_groups(found: _Search) -> list[tuple[str, bool]]:
    """The visible matches as disjoint groups in rank order, each with whether it is
    small enough to rank whole by relevance (app/directory/ranking.py; else it is walked
    newest first).

    The search index alone (words and filter terms) tells cheaply how big each group can
    be. Up to SMALL matches are one group. More: the listings whose title matches, then
    the others (walked: with that many matches the words are too common to rank by).
    """
    if "any" not in found.match:
        return [("all", False)]  # the whole directory, newest first

    def small(title_only=False):
        return search.count_matching(found.q, title_only, found.tags, SMALL + 1) <= SMALL
    if small():
        return [("matches", True)]
    if not found.q:
        return [("matches", False)]
    return [("title", small(title_only=True)), ("rest", False)]


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
    found = _Search(filters, dt.date.today())
    groups = _rank_groups(found)
    upto = filters.page * per_page  # the page shown is never later than the one asked for
    whole = [ranking.rank(found.newest(group, SMALL + 1), filters.q, upto) if small else None
             for group, small in groups]
    cap = -(-COUNT_CAP // per_page) * per_page  # whole pages: the last one is full too
    total, sizes = 0, []  # counted group by group, and no further than cap + 1
    for (group, _), ranked in zip(groups, whole):
        sizes.append(len(ranked) if ranked is not None else found.count(group, cap + 1 - total))
        total += sizes[-1]
        if total > cap:
            total = cap + 1
            break
    more = total > cap
    pages = max((min(total, cap) + per_page - 1) // per_page, 1)
    page = min(filters.page, pages)
    start, stop = (page - 1) * per_page, page * per_page
    ids, before = [], 0  # `before`: how many listings the earlier groups hold
    for (group, _), ranked, size in zip(groups, whole, sizes):
        first, last = max(start - before, 0), min(stop - before, size)
        if first < last:  # this group holds part of the page
            ids += ranked[first:last] if ranked is not None else found.walk(
                group, last - first, first)
        before += size
    return ids, total, page, pages, more


def public_listing(listing_id: int) -> PublicListing | None:
    found = to_public(public_listings().where(Listing.id == listing_id))
    return found[0] if found else None

