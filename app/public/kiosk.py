"""The kiosk: a screen nobody touches, rotating through the published services."""
import datetime as dt
from zoneinfo import ZoneInfo

from flask import g, render_template, request, url_for
from jinja2_fragments.flask import render_block

from app.directory.kiosk import next_slide
from app.directory.sharing import qr_svg
from app.operations.seed import ensure_default_unit
from app.public import bp
from app.web.public_address import absolute_url

WITA = ZoneInfo("Asia/Makassar")
TEMPLATE = "public/kiosk.html"


def _context() -> dict:
    unit = g.get("unit") or ensure_default_unit()  # /u/<slug>/kiosk, else the default unit
    index = request.args.get("i", 0, type=int) or 0
    slide = next_slide(unit, index, request.args.get("sejak", "")[:40])
    return {"slide": slide, "unit": unit, "interval": unit.kiosk_interval,
            "now": dt.datetime.now(WITA),
            # The footer's QR: the office's own home on /u/<slug>/kiosk, else the directory.
            "home_url": absolute_url(url_for("public.home")), "qr_svg": qr_svg}


@bp.route("/kiosk")
@bp.route("/u/<unit_slug>/kiosk")
def kiosk():
    return render_template(TEMPLATE, **_context())


@bp.route("/kiosk/panel")
@bp.route("/u/<unit_slug>/kiosk/panel")
def kiosk_panel():
    """The next slide only: what the screen fetches every interval."""
    response = render_block(TEMPLATE, "panel", **_context())
    return response, 200, {"Cache-Control": "no-store"}
