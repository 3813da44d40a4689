"""Admin route for the worklist of contacts to confirm again, and its row note."""
import datetime as dt

from flask_login import current_user

from app.admin import bp
from app.records import freshness as domain
from app.records.phones import display_phone, whatsapp_url
from app.web.forms import EmptyForm
from app.web.pagination import paged
from app.web.rendering import render


@bp.app_template_global("freshness_note")
def freshness_note(listing):
    """Return why a listing is off (or soon off) the public pages, for admin rows and forms."""
    return domain.freshness_note(listing)


@bp.route("/perlu-konfirmasi")
def freshness_index():
    listed = paged(domain.needs_confirmation(current_user))
    return render("admin/freshness.html", "results", **listed,
                  days=domain.confirm_days(), today=dt.date.today(), form=EmptyForm(),
                  display_phone=display_phone, whatsapp_url=whatsapp_url)
