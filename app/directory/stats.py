"""Impact counts: public views and contact taps per listing per day, and their sums.

Only aggregate numbers are stored: no address, user agent, cookie or time of day.
Requests that are not a person looking are left out: HEAD, prefetch/prerender
(`Purpose`, `Sec-Purpose`, `X-Moz`, `X-Purpose`), an empty user agent, and user
agents of bots, link-preview fetchers and scripts (BOT_AGENTS). HeadlessChrome is
treated as a bot: people do not browse with it, scrapers and preview renderers do;
our own browser tests do not need counts, and one that does can set an ordinary
`user_agent` on its Playwright context.
"""
import datetime as dt
import logging
import re
from dataclasses import dataclass

from peewee import JOIN, DatabaseError, fn

from app.directory.publishing import public_listings
from app.models import Category, DailyStat, Listing, Region, Unit
from app.web.i18n import N_, translate

log = logging.getLogger(__name__)

# Days are counted in the office's time (WITA, UTC+8, no daylight saving), whatever the
# server's clock is set to; a fixed offset needs no tz database (Windows has none).
WITA = dt.timezone(dt.timedelta(hours=8), "WITA")

BOT_AGENTS = re.compile(
    r"(?<!cu)bot"  # Googlebot, bingbot, TelegramBot, Twitterbot... but not CUBOT phones
    r"|crawl|spider|slurp|facebookexternalhit|facebookcatalog"
    r"|^WhatsApp/"  # WhatsApp's link-preview fetcher (the app opens links in a browser)
    r"|preview|lighthouse|headlesschrome|phantomjs"
    r"|curl|wget|python-requests|python-urllib|httpx|aiohttp|go-http-client|java/",
    re.IGNORECASE)

NO_REGION = N_("Tanpa kecamatan")  # translated where a row is made

KINDS = {"view": DailyStat.views, "whatsapp": DailyStat.whatsapp_taps,
         "phone": DailyStat.phone_taps}


def today() -> dt.date:
    """Return today's date in WITA."""
    return dt.datetime.now(WITA).date()


def is_bot(user_agent: str | None) -> bool:
    """Tell whether a user agent belongs to a bot, fetcher or script (or is missing)."""
    agent = (user_agent or "").strip()
    return not agent or bool(BOT_AGENTS.search(agent))


def is_countable(request) -> bool:
    """Tell whether a request is a person's real GET, worth counting."""
    if request.method != "GET":
        return False
    headers = request.headers
    purpose = " ".join(headers.get(h, "") for h in
                       ("Purpose", "Sec-Purpose", "X-Moz", "X-Purpose")).lower()
    if "prefetch" in purpose or "preview" in purpose or "prerender" in purpose:
        return False
    return not is_bot(headers.get("User-Agent"))


def record(listing_id: int, kind: str, day: dt.date | None = None) -> bool:
    """Add one to a listing's count for the day in a single atomic upsert; False if it failed.

    INSERT ... ON CONFLICT (listing_id, day) DO UPDATE SET n = n + 1 works the same on
    SQLite and PostgreSQL and never loses a count to a concurrent request.
    """
    column = KINDS[kind]
    try:
        (DailyStat.insert(listing=listing_id, day=day or today(), **{column.name: 1})
         .on_conflict(conflict_target=[DailyStat.listing, DailyStat.day],
                      update={column: column + 1})
         .execute())
    except DatabaseError:  # a count is not worth a failed page: log and go on
        log.warning("Tidak dapat mencatat statistik %s untuk jasa %s", kind, listing_id,
                    exc_info=True)
        return False
    return True


def count_request(request, listing_id: int, kind: str) -> bool:
    """Record one `kind` for the listing if the request is countable."""
    return is_countable(request) and record(listing_id, kind)


@dataclass
class Totals:
    views: int = 0
    whatsapp: int = 0
    phone: int = 0

    @property
    def contacts(self) -> int:
        return self.whatsapp + self.phone

    def add(self, other: "Totals") -> None:
        self.views += other.views
        self.whatsapp += other.whatsapp
        self.phone += other.phone


@dataclass
class Row:
    """One line of a breakdown: a label (a listing, category or kecamatan) and its counts."""
    label: str
    totals: Totals
    parts: tuple = ()  # more columns, e.g. a listing's category and kecamatan
    key: object = None

    @property
    def detail(self) -> str:
        return " · ".join(p for p in self.parts if p)


def fold_rest(rows: list[Row], limit: int) -> list[Row]:
    """Keep the first `limit - 1` rows and add up the others in one "Lainnya" row."""
    if len(rows) <= limit:
        return rows
    rest = Row(translate("Lainnya (%(count)s)", count=len(rows) - limit + 1), Totals())
    for row in rows[limit - 1:]:
        rest.totals.add(row.totals)
    return rows[:limit - 1] + [rest]


def _sums():
    return (fn.COALESCE(fn.SUM(DailyStat.views), 0).alias("v"),
            fn.COALESCE(fn.SUM(DailyStat.whatsapp_taps), 0).alias("w"),
            fn.COALESCE(fn.SUM(DailyStat.phone_taps), 0).alias("p"))


def _scoped(query, start: dt.date, end: dt.date, unit: Unit | None):
    query = query.where(DailyStat.day.between(start, end))
    return query.where(Listing.unit == unit) if unit is not None else query


def _totals(row) -> Totals:
    return Totals(int(row.v or 0), int(row.w or 0), int(row.p or 0))


def totals(start: dt.date, end: dt.date, unit: Unit | None = None) -> Totals:
    """Sum the counts of the unit (None: all units) from `start` to `end`, both included."""
    query = _scoped(DailyStat.select(*_sums()).join(Listing), start, end, unit)
    return _totals(query.objects().get())


def per_day(start: dt.date, end: dt.date, unit: Unit | None = None) -> list[tuple]:
    """Return (day, Totals) for every day from `start` to `end`, zeros included."""
    query = _scoped(DailyStat.select(DailyStat.day, *_sums()).join(Listing), start, end, unit)
    found = {r.day: _totals(r) for r in query.group_by(DailyStat.day).objects()}
    days = (end - start).days + 1
    return [(d, found.get(d, Totals())) for d in
            (start + dt.timedelta(days=k) for k in range(max(days, 0)))]


def month_start(day: dt.date, back: int = 0) -> dt.date:
    """Return the first day of the month `back` months before `day`'s month."""
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(first: dt.date) -> dt.date:
    """Return the last day of the month starting on `first`."""
    return month_start(first, -1) - dt.timedelta(days=1)


def per_month(last: dt.date, months: int = 12, unit: Unit | None = None) -> list[tuple]:
    """Return (first day of month, Totals) for the `months` months ending with `last`'s."""
    first = month_start(last, months - 1)
    sums = {month_start(last, k): Totals() for k in reversed(range(months))}
    # Grouped by day in SQL and folded here: month functions differ between databases.
    for day, day_totals in per_day(first, month_end(month_start(last)), unit):
        sums[month_start(day)].add(day_totals)
    return list(sums.items())


def _breakdown(fields, group, start, end, unit, label, parts=lambda r: (), limit=None):
    query = (DailyStat.select(*fields, *_sums()).join(Listing)
             .switch(Listing).join(Category)
             .switch(Listing).join(Region, JOIN.LEFT_OUTER))
    query = _scoped(query, start, end, unit).group_by(*group)
    rows = [Row(label(r), _totals(r), parts(r), r.key) for r in query.objects()]
    rows = [r for r in rows if r.totals.views or r.totals.contacts]
    rows.sort(key=lambda r: (-r.totals.contacts, -r.totals.views, r.label))
    return rows[:limit] if limit else rows


def by_listing(start, end, unit=None, limit=None) -> list[Row]:
    """Break the counts down by listing, most contacted first."""
    return _breakdown(
        (Listing.id.alias("key"), Listing.title, Category.name.alias("category"),
         Region.kecamatan),
        (Listing.id, Listing.title, Category.name, Region.kecamatan), start, end, unit,
        label=lambda r: r.title,
        parts=lambda r: (r.category, r.kecamatan or translate(NO_REGION)), limit=limit)


def by_category(start, end, unit=None) -> list[Row]:
    """Break the counts down by category, most contacted first."""
    return _breakdown((Category.id.alias("key"), Category.name), (Category.id, Category.name),
                      start, end, unit, label=lambda r: r.name)


def by_kecamatan(start, end, unit=None) -> list[Row]:
    """Break the counts down by the listings' kecamatan, most contacted first."""
    return _breakdown((Region.id.alias("key"), Region.kecamatan, Region.kabupaten),
                      (Region.id, Region.kecamatan, Region.kabupaten), start, end, unit,
                      label=lambda r: r.kecamatan or translate(NO_REGION),
                      parts=lambda r: (r.kabupaten or "",))


def public_now(unit: Unit | None = None):
    """Return the query of the unit's listings the public can see today."""
    query = public_listings()
    return query.where(Listing.unit == unit) if unit is not None else query


def published_count(unit: Unit | None = None) -> int:
    """Count the unit's listings the public can see today."""
    return public_now(unit).count()


def clients_served(unit: Unit | None = None) -> int:
    """Count distinct clients with at least one listing the public can see today."""
    return public_now(unit).select(fn.COUNT(fn.DISTINCT(Listing.client))).scalar() or 0
