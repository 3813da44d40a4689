"""Page-or-fragment rendering and template helpers."""
from flask import current_app, render_template, request, url_for
from jinja2_fragments.flask import render_block

from app.web.caching import content_hash
from app.web.i18n import setting_text


def is_fragment_request() -> bool:
    """True for an htmx request that wants part of a page (a boosted one wants it all)."""
    htmx = request.htmx
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(template: str, block: str | None = None, **context):
    """Render the whole page, or just `block` for an htmx request."""
    if block and is_fragment_request():
        return render_block(template, block, **context)
    return render_template(template, **context)


def _file_hash(path: str) -> str:
    # Keyed by the file's mtime and size (caching.py): an edited file gets a new hash
    # without a restart, and only the current hash gets the year-long cache.
    return content_hash(path)


def asset_url(filename: str) -> str:
    """Static URL with a content hash, so a changed file is fetched again."""
    path = current_app.static_folder + "/" + filename
    return url_for("static", filename=filename, v=_file_hash(path))


def page_links(*args, **kwargs):
    """The page links of a paged list (templates/_pagination.html): a global, so a
    fragment rendered from one block (render_block) has it too."""
    macro = current_app.jinja_env.get_template("_pagination.html").module.page_links
    return macro(*args, **kwargs)


def init_app(app):
    app.jinja_env.globals["asset_url"] = asset_url
    app.jinja_env.globals["page_links"] = page_links
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _settings():
        cfg = app.config
        return {"office_name": cfg["OFFICE_NAME"], "app_name": cfg["APP_NAME"],
                "app_tagline": setting_text(cfg, "APP_TAGLINE"),
                "office_phone": cfg["OFFICE_PHONE"], "office_address": cfg["OFFICE_ADDRESS"],
                "parent_organisation": setting_text(cfg, "PARENT_ORGANISATION")}

    @app.after_request
    def _headers(response):
        response.vary.add("HX-Request")
        # Cache-Control of static files (year-long only for asset_url's `?v=` hash): caching.py
        return response
