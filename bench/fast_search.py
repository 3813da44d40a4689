"""A proposed `find_public` for big directories (SQLite), kept in bench/ until adopted.

    RAJA_KEMAS_INSTANCE=/tmp/big/inst python bench/fast_search.py --check

The app's `directory.find_public` asks SQLite for the exact number of visible matches and
for all of them in rank order, so every visibility rule (client, newest consent, dates)
is evaluated for every match: 8,800 rows for `jahit`, 81,000 for the home page, at about
10 us each. This version returns the same page, in the same order, from the same
`publishing.public_listings()` query (no privacy rule is restated here), but does only
the work the page needs:

1. Counting stops at COUNT_CAP + 1 visible matches: the page then says "more than
   COUNT_CAP" and offers COUNT_CAP / page-size pages. Below the cap the count is exact.
2. The FTS index tells cheaply how many listings match (LIMIT-ed probe). Small match
   sets (<= SMALL) are ranked whole, as now. Large ones are read in rank order by walking
   the `listing.updated_at` index (`INDEXED BY`), stopping after the page: SQLite's
   planner, without ANALYZE statistics, otherwise picks the useless `is_published`
   index and sorts every match.
3. Title matches first, then the others (the app's ranking) as two walks instead of a
   sort on `id IN (title matches)`.
4. The page's 20 listings are then loaded with `public_listings()` (visibility checked
   again) and turned into public views by the app's own `to_public`.

`--check` compares page 1 and 2 of every query of bench/load.py's mix with the app's
`find_public`: same listings in the same order; totals equal below the cap.
"""
import argparse
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import search  # noqa: E402
from app.db import database, is_sqlite  # noqa: E402
from app.directory import ResultPage, SearchFilters  # noqa: E402
from app.models import Category, Listing, Region, Unit  # noqa: E402
from app.publishing import public_listings, to_public  # noqa: E402

COUNT_CAP = 200  # "lebih dari 200 jasa": ten pages of twenty
SMALL = 600  # FTS matches up to this many: rank them all at once
NEWEST = (Listing.updated_at.desc(), Listing.id.desc())
WALK_INDEX = "listing_updated_at"


def _visible(filters: SearchFilters):
    """The app's public query with the form's filters (as directory.find_public)."""
    query = public_listings()
    if filters.unit:
        query = query.where(Listing.unit.in_(Unit.select(Unit.id).where(Unit.slug == filters.unit)))
    if filters.category:
        query = query.where(Category.slug == filters.category)
    if filters.kecamatan:
        query = query.where(Region.code == filters.kecamatan)
    elif filters.kabupaten:
        query = query.where(Region.kabupaten == filters.kabupaten)
    return query


def _fts_size(expr: str, limit: int) -> int:
    """How many listings the FTS expression matches, counting no further than `limit`."""
    row = database.execute_sql(
        "SELECT count(*) FROM (SELECT rowid FROM listing_fts WHERE listing_fts MATCH ? "
        "LIMIT ?)", (expr, limit)).fetchone()
    return row[0]


def _ids(query, limit: int, offset: int = 0, walk: bool = False) -> list[int]:
    """Listing ids of `query` in rank order; `walk` reads them along the updated_at index."""
    q = query.select(Listing.id).order_by(*NEWEST).limit(limit).offset(offset)
    sql, params = q.sql()
    if walk and is_sqlite():
        sql = sql.replace('FROM "listing" AS "t1"',
                          f'FROM "listing" AS "t1" INDEXED BY "{WALK_INDEX}"', 1)
    return [row[0] for row in database.execute_sql(sql, params)]


def _capped_count(query) -> int:
    sql, params = query.select(Listing.id).order_by().limit(COUNT_CAP + 1).sql()
    return database.execute_sql(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]


def find_public_fast(filters: SearchFilters, per_page: int) -> ResultPage:
    base = _visible(filters)
    expr = search.match_expression(filters.q) if is_sqlite() else None
    if filters.q and expr is None and not is_sqlite():
        raise NotImplementedError("prototype: SQLite only")
    if expr is None:
        groups = [(base, SMALL + 1)]  # no words: one group, newest first, walked
        everything = base
    else:
        title_expr = "title : (" + expr + ")"
        matching = search._backend().matching(filters.q)
        title = search._backend().matching(filters.q, title_only=True)
        groups = [(base.where(Listing.id.in_(title)), _fts_size(title_expr, SMALL + 1)),
                  (base.where(Listing.id.in_(matching) & Listing.id.not_in(title)),
                   _fts_size(expr, SMALL + 1))]
        everything = base.where(Listing.id.in_(matching))
    # Small groups are ranked whole (exact); large ones walked and counted to the cap.
    exact = [_ids(q, SMALL + 1) if size <= SMALL else None for q, size in groups]
    if all(e is not None for e in exact):
        total, more = sum(len(e) for e in exact), False
    else:
        counted = _capped_count(everything)  # one count of all matches, to the cap
        total, more = counted, counted > COUNT_CAP
    shown = min(total, COUNT_CAP) if more else total
    pages = max(math.ceil(shown / per_page), 1)
    page = min(filters.page, pages)
    start, stop = (page - 1) * per_page, page * per_page
    ids = []
    seen = 0  # how many listings the groups before this one rank
    for (query, _), whole in zip(groups, exact):
        lo, hi = max(start - seen, 0), stop - seen
        if hi <= 0 or len(ids) >= per_page:
            break
        if whole is not None:
            ids += whole[lo:hi]
            seen += len(whole)
            continue
        got = _ids(query, hi - lo, lo, walk=True)
        ids += got
        if len(got) == hi - lo:
            break  # the page is full
        seen += _capped_count(query)  # the group ended before the page did: exact (< cap)
    rows = {x.id: x for x in to_public(public_listings().where(Listing.id.in_(ids)))} if ids else {}
    items = [rows[i] for i in ids if i in rows]
    result = ResultPage(items, total, page, pages, filters)
    result.more = more
    return result


def main(argv=None) -> int:
    from app import create_app
    from app.directory import find_public
    from bench.load import MIX  # the same queries as the latency benchmark

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="compare with the app's find_public")
    ap.add_argument("--rounds", type=int, default=5, help="timing rounds over the mix")
    args = ap.parse_args(argv)
    app = create_app()
    per_page = app.config["PAGE_SIZE"]
    mix = MIX + [("home", "", {})]
    with app.test_request_context(), database.connection_context():
        if args.check:
            bad = 0
            for kind, q, f in mix:
                for page in (1, 2):
                    flt = SearchFilters.from_args({"q": q, "hal": page, **f})
                    old, new = find_public(flt, per_page), find_public_fast(flt, per_page)
                    same = [x.id for x in old.items] == [x.id for x in new.items]
                    totals = (old.total == new.total) if not new.more else old.total > COUNT_CAP
                    if not (same and totals):
                        bad += 1
                        print(f"DIFF {kind} q={q!r} {f} page {page}: totals {old.total} vs "
                              f"{new.total}{'+' if new.more else ''}; same items: {same}")
            print(f"check: {len(mix) * 2 - bad} of {len(mix) * 2} pages identical")
        times = {}
        for _ in range(args.rounds):
            for kind, q, f in mix:
                flt = SearchFilters.from_args({"q": q, **f})
                start = time.perf_counter()
                find_public_fast(flt, per_page)
                times.setdefault("home" if kind == "home" else "search",
                                 []).append((time.perf_counter() - start) * 1000)
    from bench.load import summary
    for name, values in times.items():
        print(f"find_public_fast {name:<7} {len(values):>4} calls, ms p50/p95/p99/max: "
              f"{summary(values)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
