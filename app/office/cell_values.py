"""Reading one cell of an import row: dates, yes/no, category, kecamatan, contact.

Also the keys that tell two rows are one client, or one listing, and the lookups of
what the unit already holds, read once per import.
"""
import datetime as dt
import re

from app.directory import search
from app.models import CONTACT_RELATIONS, Category, Client, Listing, Region
from app.records import location
from app.records.consent import METHODS
from app.web.i18n import translate

DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d")
YES = {"ya", "y", "iya", "yes", "1", "true", "benar"}
NO = {"tidak", "tdk", "t", "no", "n", "0", "false", "salah"}


def norm(text: str) -> str:
    """Compare names the forgiving way: case, accents and punctuation ignored."""
    return " ".join(search.words(text))


def parse_date(text: str) -> dt.date | None:
    """Read DD-MM-YYYY, YYYY-MM-DD (with - / or .) or an Excel day number."""
    if not text:
        return None
    if re.fullmatch(r"\d{5}", text):
        from openpyxl.utils.datetime import from_excel  # loaded on use: keeps the server small
        return from_excel(int(text)).date()
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(translate("Tanggal “%(value)s” tidak dikenali. Tulis DD-MM-YYYY, misalnya "
                               "17-05-1990.", value=text))


def parse_bool(text: str) -> bool | None:
    """Read ya/tidak (and the usual variants); None when empty, for the default."""
    value = text.strip().lower()
    if not value:
        return None
    if value in YES or value in NO:
        return value in YES
    raise ValueError(translate("Isi “ya” atau “tidak”, bukan “%(value)s”.", value=text))


class Lookups:
    """Categories, kecamatan and what the unit already holds, read once per import."""

    def __init__(self, user):
        self.categories = {}
        for c in Category.select():
            self.categories[norm(c.slug)] = self.categories[norm(c.name)] = c.id
        self.regions = {}
        for r in Region.select():
            names = [r.code, r.kecamatan, f"{r.kecamatan} {r.kabupaten}"] + r.aliases.split("|")
            for name in filter(None, map(norm, names)):
                self.regions.setdefault(name, set()).add(r.id)
        self.clients = {}
        for c in Client.select().where(Client.unit == user.unit_id, Client.deleted_at.is_null()):
            self.clients[client_key(c.register_number, c.full_name, c.birth_date)] = c
        self.listings = set()
        for title, phone, register in (Listing.select(Listing.title, Listing.phone,
                                                      Client.register_number).join(Client)
                                       .where(Listing.unit == user.unit_id,
                                              Listing.deleted_at.is_null()).tuples()):
            self.listings.update(listing_keys(register, phone, title))

    def category(self, text: str):
        if not text:
            return None
        if norm(text) not in self.categories:
            raise ValueError(translate("Kategori “%(value)s” tidak dikenal. Lihat lembar "
                                       "Kategori di templat.", value=text))
        return self.categories[norm(text)]

    def region(self, text: str):
        key = re.sub(r"^(kecamatan|kec) ", "", norm(text))
        if not key:
            return None
        found = self.regions.get(key) or set()
        if len(found) > 1:
            raise ValueError(translate("Kecamatan “%(value)s” ada di lebih dari satu kabupaten: "
                                       "tulis kodenya.", value=text))
        if not found:
            raise ValueError(translate("Kecamatan “%(value)s” tidak dikenal. Lihat lembar "
                                       "Kecamatan di templat.", value=text))
        return next(iter(found))


def client_key(register: str, full_name: str, birth) -> tuple:
    """Rows with the same register number (else name and birth date) are one client."""
    if norm(register):
        return ("register", norm(register))
    return ("name", norm(full_name), str(birth or ""))


def listing_keys(register: str, phone: str, title: str) -> list[tuple]:
    """Same register number and title, or same phone and title, is the same listing."""
    keys = [("register", norm(register), norm(title))] if norm(register) else []
    return keys + ([("phone", phone, norm(title))] if phone else [])


def relation(text: str) -> str:
    value = norm(text)
    for key, label in CONTACT_RELATIONS.items():
        if value in (key, norm(label)):
            return key
    if not value:
        return "klien"
    raise ValueError(translate("Isi klien, keluarga atau petugas."))


def place(text: str) -> str:
    """Read a map link or coordinates (records/location.py); the save reads it again."""
    found = location.parse(text)  # LocationError is a ValueError: the row's problem
    return found.text() if found else ""


def method(text: str) -> str | None:
    """Read how consent was given: formulir or rekaman (None when empty, for the default)."""
    value = norm(text)
    for key, label in METHODS.items():
        if value in (key, norm(label)):
            return key
    if not value:
        return None
    raise ValueError(translate("Isi formulir atau rekaman."))
