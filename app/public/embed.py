"""/sematkan: the directory's search and results without the site's header and footer,
for an <iframe> on the office's or the regional office's own website."""
from flask import current_app, make_response, request

from app.directory.browse import SearchFilters, find_public
from app.directory.lookups import lookups
from app.public import bp
from app.web.headers import allow_framing, embed_origins
from app.web.rendering import render


@bp.route("/sematkan")
def embed():
    filters = SearchFilters.from_args(request.args)
    page = find_public(filters, current_app.config["PAGE_SIZE"])
    tables = lookups()
    response = make_response(render(
        "public/embed.html", "results", filters=filters, page=page, link_target="_blank",
        categories=tables.categories, regions=tables.regions))
    return allow_framing(response, embed_origins(current_app.config["EMBED_ORIGINS"]))
