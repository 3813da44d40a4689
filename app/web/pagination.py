"""One page of a list, chosen by the `?hal=` query argument."""
from flask import current_app, request

MAX_PAGE = 10**6  # a typed page number beyond this would overflow the query's OFFSET


def paged(query, per_page: int | None = None) -> dict:
    """Return `rows`, `total`, `page` and `pages` of `query` for a list template."""
    per_page = per_page or current_app.config["PAGE_SIZE"]
    page = min(max(request.args.get("hal", 1, type=int) or 1, 1), MAX_PAGE)
    total = query.count()
    return {"rows": list(query.paginate(page, per_page)), "total": total, "page": page,
            "pages": max(-(-total // per_page), 1)}
