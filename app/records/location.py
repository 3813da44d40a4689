"""Where a fixed-place business is (issue 13.3): read from the map link or coordinates an
officer pastes, checked to lie in Sulawesi Barat, and the links that open it in a map app.

Everything works offline: a link is read, never followed, so a short link (maps.app.goo.gl)
cannot be read and is refused with a way out.
"""
import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import parse_qs, quote, urlsplit

from app.web.i18n import translate

MAX_CHARS = 500
PLACES = Decimal("0.000001")  # six decimals: about 10 cm, more than a phone's GPS knows
# Sulawesi Barat's bounding box, as the province gives its extent (0°12'–3°38' S,
# 118°43'–119°54' E), with a margin of a few km. A box, not the border: places just over
# it pass (Palu too, in its north-east corner); Makassar, Pare-Pare or Jakarta do not.
# (app/data/wilayah.csv has no coordinates to do better offline.)
LATITUDES = (-3.7, -0.15)
LONGITUDES = (118.65, 120.0)

NUMBER = r"[-+]?\d{1,3}(?:\.\d+)?"
PAIR = re.compile(rf"\s*({NUMBER})\s*[,;\s]\s*({NUMBER})\s*")
SHORT_LINK_HOSTS = ("goo.gl", "g.co", "maps.app.goo.gl", "app.goo.gl")  # redirects only
GEO_URI = re.compile(rf"geo:({NUMBER}),({NUMBER})", re.IGNORECASE)
GOOGLE_PIN = re.compile(rf"!3d({NUMBER})!4d({NUMBER})")  # the place a Google link points at
GOOGLE_VIEW = re.compile(rf"@({NUMBER}),({NUMBER})(?:,|$|/|\?)")  # the map's centre
OSM_VIEW = re.compile(rf"map=\d{{1,2}}(?:\.\d+)?/({NUMBER})/({NUMBER})")
DEGREE_SIGNS = re.compile(r"[°º˚′″'\"]")
EXAMPLE = "-3.4123, 119.3456"


class LocationError(ValueError):
    """A location that cannot be stored; the message says why, in the requester's language."""


@dataclass(frozen=True)
class Place:
    """A point in Sulawesi Barat, to six decimals."""
    latitude: Decimal
    longitude: Decimal

    @classmethod
    def of(cls, latitude, longitude) -> "Place":
        return cls(_six(latitude), _six(longitude))

    def _parts(self) -> tuple[str, str]:
        return _plain(self.latitude), _plain(self.longitude)

    def text(self) -> str:
        """The coordinates as the entry screen and the spreadsheets show them."""
        lat, lng = self._parts()
        return f"{lat}, {lng}"

    __str__ = text

    def geo_url(self, label: str) -> str:
        """A geo: link a phone opens in its map app, with a pin named `label`."""
        lat, lng = self._parts()
        return f"geo:{lat},{lng}?q={lat},{lng}({quote(label, safe='')})"

    def map_url(self) -> str:
        """The same place on openstreetmap.org, for a browser without a map app."""
        lat, lng = self._parts()
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lng}#map=17/{lat}/{lng}"


def _six(value) -> Decimal:
    return Decimal(str(value)).quantize(PLACES, rounding=ROUND_HALF_UP)


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def place_of(listing) -> Place | None:
    """The listing's stored place, or None."""
    if listing.latitude is None or listing.longitude is None:
        return None
    return Place.of(listing.latitude, listing.longitude)


def _from_link(text: str) -> tuple[str, str] | None:
    """Coordinates in a Google Maps, OpenStreetMap or geo: link, or None."""
    found = GEO_URI.match(text)
    if found:
        return found.groups()
    parts = _split(text)
    if parts is None:
        return None
    query = parse_qs(parts.query)
    if "mlat" in query and "mlon" in query:  # OpenStreetMap's marker
        return query["mlat"][0], query["mlon"][0]
    found = GOOGLE_PIN.search(text)
    if found:
        return found.groups()
    for key in ("q", "query", "ll", "destination"):  # Google: ?q=lat,lng / ?query=lat,lng
        pair = PAIR.fullmatch(query.get(key, [""])[0])
        if pair:
            return pair.groups()
    found = GOOGLE_VIEW.search(parts.path) or OSM_VIEW.search(parts.fragment or parts.query)
    return found.groups() if found else None


def _from_degrees(text: str) -> tuple[float, float] | None:
    """Degrees, minutes and seconds such as 3°24'44"S 119°20'44"E, read by geopy."""
    from geopy.point import Point  # loaded on use: only the entry screen needs it

    try:
        point = Point(text)
    except (ValueError, TypeError):
        return None
    return point.latitude, point.longitude


def _read(text: str) -> tuple[float, float] | None:
    pair = PAIR.fullmatch(text)
    if pair:
        return float(pair.group(1)), float(pair.group(2))
    if text.lower().startswith(("http", "www.", "geo:", "maps.", "openstreetmap", "osm.org")):
        found = _from_link(text)
        return (float(found[0]), float(found[1])) if found else None
    if DEGREE_SIGNS.search(text):
        return _from_degrees(text)
    return None


def parse(text: str) -> Place | None:
    """Read a map link or coordinates; None when empty. Raise LocationError otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    if len(text) > MAX_CHARS:
        raise LocationError(translate("Terlalu panjang: paling banyak %(count)s huruf.",
                                      count=MAX_CHARS))
    if _is_short_link(text):
        raise LocationError(translate(
            "Tautan pendek Google Maps tidak dapat dibaca tanpa membukanya. Buka tautan itu "
            "di browser, lalu salin alamat panjangnya (berisi angka koordinat), atau tulis "
            "koordinatnya, misalnya %(example)s.", example=EXAMPLE))
    found = _read(text)
    if found is None or not all(math.isfinite(x) for x in found):
        raise LocationError(translate(
            "Lokasi tidak dikenali. Tempel tautan Google Maps atau OpenStreetMap, atau tulis "
            "koordinat, misalnya %(example)s.", example=EXAMPLE))
    latitude, longitude = found
    if not _inside(latitude, longitude):
        if _inside(longitude, latitude):
            raise LocationError(translate(
                "Lintang dan bujur tertukar: tulis lintang dulu, lalu bujur, misalnya "
                "%(example)s.", example=EXAMPLE))
        if _inside(-latitude, longitude):
            raise LocationError(translate(
                "Sulawesi Barat ada di selatan khatulistiwa: lintangnya diawali tanda minus, "
                "misalnya %(example)s.", example=EXAMPLE))
        raise LocationError(translate(
            "Lokasi ini di luar Sulawesi Barat. Periksa lagi tautan atau koordinatnya "
            "(lintang dulu, lalu bujur, misalnya %(example)s).", example=EXAMPLE))
    return Place.of(latitude, longitude)


def _split(text: str):
    """The parts of a link (with or without https://), or None when it is not one."""
    try:
        return urlsplit(text if "//" in text else "https://" + text)
    except ValueError:  # e.g. an unclosed [ in the host
        return None


def _is_short_link(text: str) -> bool:
    parts = _split(text)
    host = ((parts.hostname if parts else "") or "").lower()
    return host.removeprefix("www.") in SHORT_LINK_HOSTS


def _inside(latitude: float, longitude: float) -> bool:
    return (LATITUDES[0] <= latitude <= LATITUDES[1]
            and LONGITUDES[0] <= longitude <= LONGITUDES[1])
