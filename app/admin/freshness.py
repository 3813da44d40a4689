"""Admin route for the worklist of contacts to confirm again, and its row note."""
import datetime as dt

from flask import current_app, request
from flask_login import current_user

from app.admin import bp
from app.admin.listings import EmptyForm
from app.records import freshness as domain
from app.records.phones import display_phone, whatsapp_url
from app.web.rendering import render


@bp.app_template_global("freshness_note")
def freshness_note(listing):
    """Return why a listing is off (or soon off) the public pages, for admin rows and forms."""
    return domain.freshness_note(listing)


@bp.route("/perlu-konfirmasi")
def freshness_index():
    page = max(request.args.get("hal", 1, type=int) or 1, 1)
    query = domain.needs_confirmation(current_user)
    per_page = current_app.config["PAGE_SIZE"]
    total = query.count()
    return render("admin/freshness.html", "results", rows=list(query.paginate(page, per_page)),
                  total=total, page=page, pages=max((total + per_page - 1) // per_page, 1),
                  days=domain.confirm_days(), today=dt.date.today(), form=EmptyForm(),
                  display_phone=display_phone, whatsapp_url=whatsapp_url)
