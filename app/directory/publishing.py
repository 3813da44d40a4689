"""Who may be seen by the public, where, and the public view of a listing.

Public pages receive `PublicListing` objects, never models: a template cannot
reach the client record because the object does not carry it. The client's newest
consent version decides what (scope) may be shown and where (channels).
"""
import datetime as dt
import re
from collections import namedtuple
from dataclasses import dataclass

from flask import url_for
from peewee import JOIN, DateField, DateTimeField, fn

from app.db import id_in, ids_value, run_prepared
from app.models import Category, Client, Consent, Listing, Region
from app.records import hours_entry
from app.records.consent import CHANNELS, SCOPES
from app.records.freshness import visible_since
from app.records.hours import APPOINTMENT, Hours, is_open
from app.records.location import Place, place_of
from app.records.phones import display_phone, tel_url, whatsapp_url
from app.web.i18n import translate

ADULT_AGE = 18


class Problem(str):
    """A reason not to publish, naming the entry-form field that fixes it (None: no field)."""

    def __new__(cls, text: str, field: str | None = None):
        problem = super().__new__(cls, text)
        problem.field = field
        return problem


class PublishError(ValueError):
    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = problems


def adult_cutoff(today: dt.date) -> dt.date:
    """The latest birth date of someone who is 18 or older on `today`."""
    try:
        return today.replace(year=today.year - ADULT_AGE)
    except ValueError:  # 29 February
        return today.replace(year=today.year - ADULT_AGE, day=28)


def current_consent_id():
    """Select the id of the newest consent of the outer query's client: the one in force."""
    newest = Consent.alias()
    return newest.select(fn.MAX(newest.id)).where(newest.client == Client.id)


def public_listings(today: dt.date | None = None, channels=()):
    """Listings the public may see today on the website, and on each of `channels` too.

    Every rule of DESIGN.md is checked in this one query. The kecamatan is joined only
    when the consent shows the area, so a kecamatan filter cannot reveal it either.
    """
    today = today or dt.date.today()
    wanted = [getattr(Consent, f"channel_{c}") == True  # noqa: E712
              for c in dict.fromkeys(("website", *channels)) if c in CHANNELS]
    return (Listing.select(Listing, Category, Region)
            .join(Client, on=(Listing.client == Client.id))
            .join(Consent, on=((Consent.client == Client.id)
                               & (Consent.id == current_consent_id())))
            .switch(Listing).join(Category)
            .switch(Listing).join(Region, JOIN.LEFT_OUTER,
                                  on=((Listing.region == Region.id)
                                      & (Consent.scope_area == True)))  # noqa: E712
            .where(Listing.is_published == True,  # noqa: E712
                   Listing.deleted_at.is_null(), Client.deleted_at.is_null(),
                   Client.erased_at.is_null(),
                   Listing.publish_until.is_null() | (Listing.publish_until >= today),
                   Client.supervision_end_date.is_null() | (Client.supervision_end_date >= today),
                   Client.birth_date.is_null(False), Client.birth_date <= adult_cutoff(today),
                   Listing.last_confirmed_at >= visible_since(today),  # stale contact: off
                   Consent.withdrawn_at.is_null(), Consent.given_on <= today,
                   Consent.valid_until.is_null() | (Consent.valid_until >= today),
                   *wanted))


def rules_key(today: dt.date) -> tuple:
    """What public_listings(today) depends on besides the database and the channels: part
    of the key of SQL written once (db.prepared)."""
    return today, visible_since(today)


def family_consent_missing(listing: Listing) -> bool:
    """True if a family member is the contact but their own consent is not recorded."""
    return listing.contact_relation == "keluarga" and not (
        (listing.family_consent_name or "").strip() and listing.family_consent_on
        and (listing.family_consent_reference or "").strip())


def publish_problems(listing: Listing, today: dt.date | None = None) -> list[Problem]:
    """Return why this listing may not be published, in the requester's language (Indonesian
    outside a request; empty = it may). Each names the entry-form field that fixes it."""
    today = today or dt.date.today()
    client = listing.client
    problems = []

    def refuse(field, text):
        problems.append(Problem(text, field))

    if listing.deleted_at or client.deleted_at:
        refuse(None, translate("Jasa ini ada di tempat sampah. Pulihkan dulu."))
    if client.birth_date is None:
        refuse("client_birth_date", translate(
            "Tanggal lahir klien wajib diisi sebelum jasa diterbitkan."))
    elif client.birth_date > adult_cutoff(today):
        refuse("client_birth_date", translate(
            "Klien belum berusia 18 tahun: jasa anak tidak boleh diterbitkan "
            "(UU 11/2012 tentang Sistem Peradilan Pidana Anak)."))
    if client.supervision_end_date and client.supervision_end_date < today:
        refuse("client_supervision_end_date", translate("Masa bimbingan klien sudah berakhir."))
    if client.erased_at:
        refuse(None, translate("Data pribadi klien ini sudah dihapus atas permintaannya: "
                               "jasanya tidak dapat diterbitkan lagi."))
    consent = client.active_consent(today)
    if consent is None:
        refuse("consent_given_on", translate(
            "Belum ada persetujuan klien yang berlaku. Catat persetujuan dulu."))
    else:
        if not consent.channel_website:
            refuse("consent_channel_website", translate(
                "Persetujuan klien tidak mencakup situs web, jadi jasa ini tidak dapat "
                "diterbitkan."))
        if listing.contact_relation == "klien" and not consent.scope_phone:
            refuse("consent_scope_phone", translate(
                "Persetujuan klien tidak mencakup nomor teleponnya."))
    if family_consent_missing(listing):
        refuse("family_consent_name", translate(
            "Kontak jasa ini anggota keluarga klien: catat dulu persetujuan anggota keluarga "
            "itu sendiri (nama, tanggal, nomor formulir) untuk menampilkan nomor teleponnya."))
    if listing.publish_until and listing.publish_until < today:
        refuse("publish_until", translate("Masa tayang sudah lewat. Ubah tanggal akhir tayang."))
    return problems


@dataclass
class PublicListing:
    """Only what the client agreed to publish, and where it may be shown."""
    id: int
    url: str
    title: str
    category_name: str
    category_slug: str
    description: str
    region_label: str
    service_area: str
    price_hint: str
    working_hours: str
    display_name: str
    contact_name: str
    phone_display: str
    tel_url: str
    whatsapp_url: str
    whatsapp_link: str  # the counted redirect to whatsapp_url (app/public/contact.py)
    phone_link: str  # the counted redirect to tel_url
    thumb_url: str
    thumb_width: int | None
    thumb_height: int | None
    photo_url: str
    photo_width: int | None
    photo_height: int | None
    last_confirmed_at: dt.date
    updated_at: dt.datetime
    channels: frozenset = frozenset()  # keys of consent.CHANNELS; "website" always
    location: Place | None = None  # the business's place, with Consent.scope_location
    hours: str = ""  # records/hours.Hours as JSON; "" = only `working_hours` as written

    @property
    def hours_lines(self) -> list[str]:
        """The hours as lines in the reader's language; none if not understood."""
        return hours_entry.lines(self.hours)

    def open_now(self) -> bool | None:
        """Open at this minute (WITA)? None when unknown or by appointment. Asked per
        request: only pages the page cache never keeps may show it."""
        known = Hours.from_json(self.hours) if self.hours else None
        return None if known is None or known.mode == APPOINTMENT else is_open(known)


def consents_by_client(client_ids, today):
    """Return the newest consent version of each client, if in force today, in one query."""
    newest = (Consent.select(fn.MAX(Consent.id))
              .where(Consent.client.in_(list(client_ids))).group_by(Consent.client))
    return {c.client_id: c for c in Consent.select().where(Consent.id.in_(newest))
            if c.is_valid_on(today)}


class _Links:
    """The public URLs of many listings, made with url_for once per kind, not once per card.

    url_for costs ~15 µs; a page of 20 cards needs 60 of them. A URL is made from a
    pattern with markers when the value needs no quoting, else by url_for itself.
    """
    SAFE = re.compile(r"^[A-Za-z0-9._~-]+$")
    ID, TEXT = 987654321, "zzmarkerzz"

    def __init__(self):
        self.detail = url_for("public.listing_detail", listing_id=self.ID, slug=self.TEXT)
        self.photo_pattern = url_for("public.photo", name=self.TEXT)
        self.whatsapp_pattern = url_for("public.contact_whatsapp", listing_id=self.ID)
        self.phone_pattern = url_for("public.contact_phone", listing_id=self.ID)

    def whatsapp(self, listing_id: int) -> str:
        return self.whatsapp_pattern.replace(str(self.ID), str(listing_id), 1)

    def phone(self, listing_id: int) -> str:
        return self.phone_pattern.replace(str(self.ID), str(listing_id), 1)

    def listing(self, listing_id: int, slug: str) -> str:
        if not self.SAFE.match(slug or ""):
            return url_for("public.listing_detail", listing_id=listing_id, slug=slug)
        return self.detail.replace(str(self.ID), str(listing_id), 1).replace(self.TEXT, slug, 1)

    def photo(self, name: str) -> str:
        if not self.SAFE.match(name):
            return url_for("public.photo", name=name)
        return self.photo_pattern.replace(self.TEXT, name, 1)


def _view(x, scope: dict, category_name: str, category_slug: str, region_label: str,
          links: _Links, hours: str = "") -> PublicListing:
    """The public view of listing fields `x` (a Listing or a card row) under a consent's
    `scope` (scope_* and channel_* flags): what the client agreed to show, nothing else."""
    contact_ok = not family_consent_missing(x)  # a family member's own consent
    phone_ok = (bool(x.phone) and contact_ok
                and (x.contact_relation != "klien" or scope["scope_phone"]))
    photo_ok = bool(x.photo) and scope["scope_photo"]
    greeting = f"Halo, saya melihat jasa \"{x.title}\" di Raja Kemas. Apakah masih tersedia?"
    has_whatsapp = phone_ok and bool(x.phone_is_mobile)
    return PublicListing(
        id=x.id, url=links.listing(x.id, x.slug),
        title=x.title, category_name=category_name, category_slug=category_slug,
        description=x.description,
        region_label=region_label if scope["scope_area"] else "",
        service_area=x.service_area if scope["scope_area"] else "",
        price_hint=x.price_hint, working_hours=x.working_hours,
        display_name=x.display_name if scope["scope_name"] else "",
        contact_name=(x.contact_name if contact_ok
                      and (x.contact_relation != "klien" or scope["scope_name"]) else ""),
        phone_display=display_phone(x.phone) if phone_ok else "",
        tel_url=tel_url(x.phone) if phone_ok else "",
        whatsapp_url=whatsapp_url(x.phone, greeting) if has_whatsapp else "",
        whatsapp_link=links.whatsapp(x.id) if has_whatsapp else "",
        phone_link=links.phone(x.id) if phone_ok else "",
        thumb_url=links.photo(x.photo_thumb) if photo_ok and x.photo_thumb else "",
        thumb_width=x.thumb_width, thumb_height=x.thumb_height,
        photo_url=links.photo(x.photo) if photo_ok else "",
        photo_width=x.photo_width, photo_height=x.photo_height,
        last_confirmed_at=x.last_confirmed_at, updated_at=x.updated_at,
        channels=frozenset(key for key in CHANNELS if scope[f"channel_{key}"]),
        location=place_of(x) if scope["scope_location"] else None,
        hours=hours)


SCOPE_FIELDS = [f"scope_{key}" for key in SCOPES] + [f"channel_{key}" for key in CHANNELS]


def to_public(listings, today: dt.date | None = None) -> list[PublicListing]:
    """Turn public Listing rows into PublicListing views, applying the consent's scope."""
    today = today or dt.date.today()
    listings = list(listings)
    consents = consents_by_client({x.client_id for x in listings}, today)
    links, views = _Links(), []
    for x in listings:
        consent = consents.get(x.client_id)
        if consent is None or not consent.channel_website:
            continue
        region = x.region if x.region_id else None
        views.append(_view(x, {f: getattr(consent, f) for f in SCOPE_FIELDS},
                           x.category.name, x.category.slug,
                           f"{region.kecamatan}, {region.kabupaten}" if region else "", links,
                           hours=x.hours))  # result cards (public_cards) never show hours
    return views


# --- the cards of a result page: one query, plain rows -----------------------------------

CARD_COLUMNS = (Listing.id, Listing.slug, Listing.title, Listing.description,
                Listing.service_area, Listing.price_hint, Listing.working_hours,
                Listing.display_name, Listing.contact_name, Listing.contact_relation,
                Listing.family_consent_name, Listing.family_consent_on,
                Listing.family_consent_reference, Listing.phone, Listing.phone_is_mobile,
                Listing.photo, Listing.photo_thumb, Listing.photo_width, Listing.photo_height,
                Listing.thumb_width, Listing.thumb_height, Listing.last_confirmed_at,
                Listing.updated_at, Listing.latitude, Listing.longitude, Category.name,
                Category.slug, Region.kecamatan, Region.kabupaten, *(getattr(Consent, f) for f in SCOPE_FIELDS))
CardRow = namedtuple("CardRow", [
    "id", "slug", "title", "description", "service_area", "price_hint", "working_hours",
    "display_name", "contact_name", "contact_relation", "family_consent_name",
    "family_consent_on", "family_consent_reference", "phone", "phone_is_mobile", "photo",
    "photo_thumb", "photo_width", "photo_height", "thumb_width", "thumb_height",
    "last_confirmed_at", "updated_at", "latitude", "longitude", "category_name",
    "category_slug", "kecamatan", "kabupaten", *SCOPE_FIELDS])
# Dates come back from SQLite as text: converted as peewee would.
_CONVERTERS = [column.python_value if isinstance(column, (DateField, DateTimeField)) else None
               for column in CARD_COLUMNS]


def public_cards(ids, today: dt.date | None = None) -> list[PublicListing]:
    """The public views of the listings `ids` that public_listings() allows today, in the
    order of `ids`: one query for the page's rows, no model objects."""
    ids = [int(i) for i in ids]
    if not ids:
        return []
    today = today or dt.date.today()

    def build(slot):  # written by peewee once a day (db.prepared)
        return public_listings(today).where(id_in(Listing.id, slot("ids"))).select(*CARD_COLUMNS)
    rows = {}
    for raw in run_prepared(("cards", *rules_key(today)), build, {"ids": ids_value(ids)}):
        row = CardRow._make(convert(value) if convert and value is not None else value
                            for convert, value in zip(_CONVERTERS, raw))
        rows[row.id] = row
    links, views = _Links(), []
    for listing_id in ids:
        row = rows.get(listing_id)
        if row is not None:
            region = f"{row.kecamatan}, {row.kabupaten}" if row.kecamatan else ""
            views.append(_view(row, row._asdict(), row.category_name, row.category_slug,
                               region, links))
    return views
