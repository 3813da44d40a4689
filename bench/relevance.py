"""Search quality on a judged set: success@3 per kind of query, and overall.

    python bench/relevance.py [--data DIR]

DIR (default: the repository's ../shared/data/relevance/) holds `listings.csv` (the
import template's columns) and `queries.csv` (query, expected_any_of with titles
separated by |, kind). The listings are loaded with `raja-kemas import` into a fresh
temporary instance (SQLite); a query succeeds when any expected title is among the
first three results of the public search (directory.find_public). Beside it: plain FTS5
bm25 over the same index and the same visibility rules, without corrections.
"""
import argparse
import csv
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def plain_bm25(query: str) -> list[str]:
    """Titles by FTS5's own bm25 (title weighted 10, body 1), public listings only."""
    from app.db import database
    from app.directory.publishing import public_listings
    from app.directory.search import match_expression
    expr = match_expression(query)
    if expr is None:
        return []
    public = {x.id: x.title for x in public_listings()}
    rows = database.execute_sql("SELECT rowid FROM listing_fts WHERE listing_fts MATCH ? "
                                "ORDER BY bm25(listing_fts, 10.0, 1.0)", [expr])
    return [public[i] for (i,) in rows if i in public]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "relevance")
    args = parser.parse_args()
    listings, queries = args.data / "listings.csv", args.data / "queries.csv"
    for path in (listings, queries):
        if not path.is_file():
            parser.error(f"not found: {path}")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["RAJA_KEMAS_INSTANCE"] = tmp
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.db'}"
        os.environ["RAJA_KEMAS_PUBLIC_PAGE_CACHE_BYTES"] = "0"
        from app import create_app
        from app.db import database
        from app.directory.browse import SearchFilters, find_public
        from app.operations.seed import ensure_default_unit
        from app.security.accounts import create_user
        app = create_app()
        with app.app_context(), database.connection_context():
            create_user(ensure_default_unit(), "bench", "Relevansi-uji-2026!", "superadmin",
                        "Petugas Uji")
        result = app.test_cli_runner().invoke(args=["import", str(listings), "--as", "bench"])
        print(result.output.strip())
        if result.exit_code:
            return 1
        kinds = defaultdict(lambda: [0, 0, 0])  # kind -> [queries, ours, bm25]
        misses = []
        with app.test_request_context(), database.connection_context():
            with open(queries, encoding="utf-8", newline="") as fh:
                for row in csv.DictReader(fh):
                    expected = set(row["expected_any_of"].split("|"))
                    ours = [x.title for x in find_public(SearchFilters(q=row["query"]), 20).items]
                    counts = kinds[row["kind"]]
                    counts[0] += 1
                    counts[1] += bool(expected & set(ours[:3]))
                    counts[2] += bool(expected & set(plain_bm25(row["query"])[:3]))
                    if not expected & set(ours[:3]):
                        misses.append(f"  {row['query']!r}: {ours[:3]}")
    print(f"{'kind':<14}{'queries':>8}{'search':>8}{'bm25':>8}")
    for kind, (n, ours, bm25) in sorted(kinds.items()):
        print(f"{kind:<14}{n:>8}{ours:>8}{bm25:>8}")
    total = [sum(c[i] for c in kinds.values()) for i in range(3)]
    print(f"{'overall':<14}{total[0]:>8}{total[1]:>8}{total[2]:>8}   (success@3)")
    if misses:
        print("misses:", *misses, sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
