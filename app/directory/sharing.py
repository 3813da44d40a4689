"""Sharing a listing outside the site: share cards, QR codes, sitemap entries.

Everything here works from `PublicListing` views and plain values, never from models,
so nothing internal can end up on a card, a flyer or in the sitemap. segno and Pillow
are imported on first use: most requests draw neither a QR code nor a card.
"""
import datetime as dt
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from flask import url_for
from markupsafe import Markup

from app.directory.publishing import PublicListing, public_listings, to_public
from app.models import Category, Listing
from app.web.i18n import translate
from app.web.public_address import absolute_url

CARD_SIZE = (1200, 630)
BRAND, BRAND_LIGHT, INK, MUTED, BG = "#0b5a7a", "#e3eff5", "#1c2430", "#5a6472", "#ffffff"
DESCRIPTION_LIMIT = 150

# Tried in order: Debian's DejaVu, then by name (Pillow searches the system font folders,
# which finds Arial on a Windows office PC), then Pillow's own scalable default.
BOLD_FONTS = ["/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "DejaVuSans-Bold.ttf",
              "arialbd.ttf"]
REGULAR_FONTS = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVuSans.ttf",
                 "arial.ttf"]


def qr_svg(url: str, scale: int = 4) -> Markup:
    """Return an inline SVG QR code for `url`, sized `scale` pixels per module."""
    import segno
    qr = segno.make(url, error="m")
    # omitsize gives a viewBox, so CSS may resize it; width/height keep the natural size.
    svg = qr.svg_inline(scale=scale, dark="#000", light="#fff", omitsize=True)
    width, height = qr.symbol_size(scale=scale)
    return Markup(svg.replace("<svg ", f'<svg width="{width}" height="{height}" role="img" '
                                       'aria-label="Kode QR" ', 1))


def _about(listing: PublicListing, with_name: bool) -> str:
    """Say what, by whom and where from the public view only (its consent already blanked
    the name or the area it does not allow), in the current language."""
    parts = {"category": listing.category_name,
             "name": listing.display_name if with_name else "",
             "area": listing.region_label or listing.service_area}
    if parts["name"] and parts["area"]:
        text = translate("Jasa %(category)s oleh %(name)s di %(area)s.", **parts)
    elif parts["name"]:
        text = translate("Jasa %(category)s oleh %(name)s.", **parts)
    elif parts["area"]:
        text = translate("Jasa %(category)s di %(area)s.", **parts)
    else:
        text = translate("Jasa %(category)s.", **parts)
    if listing.tel_url:
        text += " " + translate("Hubungi langsung lewat WhatsApp atau telepon.")
    return text


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut.rsplit(" ", 1)[0]  # end on a whole word when one is near
    return cut.rstrip(" ,.;:-–") + "…"


def short_description(listing: PublicListing, limit: int = DESCRIPTION_LIMIT) -> str:
    """Return a one-paragraph description of at most `limit` characters, for previews."""
    text = " ".join(listing.description.split()) or _about(listing, with_name=False)
    return _shorten(text, limit)


def meta_description(listing: PublicListing, limit: int = DESCRIPTION_LIMIT) -> str:
    """The page's <meta name="description">: the description, else what, who and where."""
    text = " ".join(listing.description.split()) or _about(listing, with_name=True)
    return _shorten(text, limit)


# --- share card -------------------------------------------------------------------------

def _font(candidates: list[str], size: int):
    """Load the first font found at `size`, else Pillow's built-in one."""
    from PIL import ImageFont
    for name in candidates:
        if name.startswith("/") and not Path(name).exists():
            continue
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1 has only the small bitmap font
        return ImageFont.load_default()


def _wrap(draw, text: str, font, width: int) -> list[str]:
    """Break `text` into lines no wider than `width`, splitting overlong words too."""
    lines, line = [], ""
    for word in text.split():
        while draw.textlength(word, font=font) > width:  # a word wider than the card
            cut = len(word)
            while cut > 1 and draw.textlength(word[:cut], font=font) > width:
                cut -= 1
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _clip(draw, text: str, font, width: int) -> str:
    """Shorten `text` to fit `width`, ending on a whole word and … where one is near."""
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        shorter = text.rsplit(" ", 1)[0]
        # Drop a whole word unless that would throw away most of the line.
        text = shorter if " " in text and len(shorter) > len(text) // 2 else text[:-1]
    return text.rstrip(" ,.;:-–&") + "…"


def _fit_title(draw, title: str, width: int, max_lines: int = 3):
    """Pick the largest title size that fits in `max_lines`; clip with … if none does."""
    for size in (84, 76, 68, 60, 54):
        font = _font(BOLD_FONTS, size)
        lines = _wrap(draw, title, font, width)
        if len(lines) <= max_lines:
            return font, size, lines
    rest = " ".join(lines[max_lines - 1:])
    return font, size, lines[:max_lines - 1] + [_clip(draw, rest, font, width)]


def _pin(draw, x: int, y: int, size: int, colour: str) -> None:
    """Draw a small map pin (fonts may lack an emoji for it)."""
    r = size // 2
    draw.ellipse((x, y, x + size, y + size), fill=colour)
    draw.polygon([(x + 3, y + r + 6), (x + size - 3, y + r + 6), (x + r, y + size + r)],
                 fill=colour)
    draw.ellipse((x + r - 6, y + r - 6, x + r + 6, y + r + 6), fill=BG)


@lru_cache(maxsize=128)
def _card_png(title: str, category: str, region: str, app_name: str, office: str) -> bytes:
    # Keyed on the very text drawn: an edited listing gets a new card, an unchanged one
    # is not drawn again.
    from PIL import Image, ImageDraw
    width, height = CARD_SIZE
    margin = 72
    image = Image.new("RGB", CARD_SIZE, BG)
    draw = ImageDraw.Draw(image)

    draw.rectangle((0, 0, width, 112), fill=BRAND)
    name_font = _font(BOLD_FONTS, 46)
    draw.text((margin, 56), app_name, font=name_font, fill="#ffffff", anchor="lm")
    office_font = _font(REGULAR_FONTS, 30)
    office_x = margin + draw.textlength(app_name, font=name_font) + 24
    office = _clip(draw, office, office_font, width - margin - office_x)
    draw.text((office_x, 58), office, font=office_font, fill="#cfe3ec", anchor="lm")

    pill_font = _font(BOLD_FONTS, 30)
    category = _clip(draw, category, pill_font, width - 2 * margin - 44)
    pill_w = draw.textlength(category, font=pill_font) + 44
    draw.rounded_rectangle((margin, 152, margin + pill_w, 204), radius=26, fill=BRAND_LIGHT)
    draw.text((margin + 22, 178), category, font=pill_font, fill=BRAND, anchor="lm")

    font, size, lines = _fit_title(draw, title, width - 2 * margin)
    y = 236
    for line in lines:
        draw.text((margin, y), line, font=font, fill=INK)
        y += int(size * 1.18)

    if region:
        region_font = _font(REGULAR_FONTS, 34)
        _pin(draw, margin, y + 20, 26, BRAND)
        region = _clip(draw, region, region_font, width - 2 * margin - 42)
        draw.text((margin + 42, y + 14), region, font=region_font, fill=MUTED)

    draw.rectangle((0, height - 84, width, height), fill=BRAND_LIGHT)
    draw.rectangle((0, height - 84, 14, height), fill=BRAND)
    foot_font = _font(REGULAR_FONTS, 30)
    draw.text((margin, height - 42), "Hubungi langsung lewat WhatsApp atau telepon",
              font=foot_font, fill=BRAND, anchor="lm")

    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def share_card_png(listing: PublicListing, app_name: str, office_name: str) -> bytes:
    """Return a 1200×630 PNG share card showing only the listing's public text."""
    return _card_png(listing.title, listing.category_name, listing.region_label,
                     app_name, office_name)


# --- sitemap ----------------------------------------------------------------------------

@dataclass
class SitemapEntry:
    path: str
    lastmod: dt.date | None = None


def category_listings(category: Category) -> list[PublicListing]:
    """Return the public listings of one category that may go on a flyer, by title."""
    return to_public(public_listings(channels=("flyer",)).where(Category.id == category.id)
                     .order_by(Listing.title))


def sitemap_entries() -> list[SitemapEntry]:
    """List the home page, each category with public listings, and every public listing."""
    listings = to_public(public_listings(channels=("search",)).order_by(Listing.id))
    newest: dict[str, dt.date] = {}
    for item in listings:
        day = item.updated_at.date()
        newest[item.category_slug] = max(newest.get(item.category_slug, day), day)
    home = SitemapEntry(url_for("public.home"), max(newest.values(), default=None))
    # Only categories with something to show: an empty page is no use to a search engine.
    categories = [SitemapEntry(url_for("public.category", slug=c.slug), newest[c.slug])
                  for c in Category.select().order_by(Category.sort_order, Category.name)
                  if c.slug in newest]
    return [home, *categories,
            *(SitemapEntry(item.url, item.updated_at.date()) for item in listings)]


def sitemap_xml(entries: list[SitemapEntry]) -> str:
    """Render entries as a sitemaps.org <urlset> with absolute URLs."""
    rows = []
    for entry in entries:
        lastmod = f"<lastmod>{entry.lastmod.isoformat()}</lastmod>" if entry.lastmod else ""
        rows.append(f"<url><loc>{escape(absolute_url(entry.path))}</loc>{lastmod}</url>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "\n".join(rows) + "\n</urlset>\n")


ROBOTS_DISALLOW = ["/admin/", "/masuk", "/siapkan/"]


def robots_txt() -> str:
    """Return robots.txt: everything public allowed, admin and login pages kept out."""
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {path}" for path in ROBOTS_DISALLOW]
    lines += ["", f"Sitemap: {absolute_url(url_for('public.sitemap'))}", ""]
    return "\n".join(lines)


# --- installable web app ----------------------------------------------------------------

def web_manifest(app_name: str, office_name: str) -> dict:
    """Return the Web App Manifest that lets Android install the public directory."""
    def icon(size: int, purpose: str) -> dict:
        return {"src": url_for("static", filename=f"img/icon-{size}.png"),
                "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}
    return {
        "name": f"{app_name} — {office_name}",
        "short_name": app_name,
        "description": f"Jasa dan karya klien {office_name}: cari, lalu hubungi lewat "
                       "WhatsApp atau telepon.",
        "lang": "id",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f6f7f9",
        "theme_color": BRAND,
        # The icons are full-bleed with the mark inside the safe zone, so the same files
        # serve as maskable icons.
        "icons": [icon(192, "any"), icon(512, "any"), icon(192, "maskable"),
                  icon(512, "maskable"),
                  {"src": url_for("static", filename="img/icon.svg"), "sizes": "any",
                   "type": "image/svg+xml", "purpose": "any"}],
    }
