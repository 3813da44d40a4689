"""Who may be seen by the public, and the public view of a listing.

Public pages receive `PublicListing` objects, never models: a template cannot
reach the client record because the object does not carry it.
"""
import datetime as dt
from dataclasses import dataclass

from flask import url_for
from peewee import JOIN, fn

from .models import Category, Client, Consent, Listing, Region
from .phones import display_phone, tel_url, whatsapp_url

ADULT_AGE = 18


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


def active_consent_query(today: dt.date):
    return Consent.select(Consent.id).where(
        Consent.client == Client.id, Consent.withdrawn_at.is_null(), Consent.given_on <= today,
        Consent.valid_until.is_null() | (Consent.valid_until >= today))


def public_listings(today: dt.date | None = None):
    """Listings the public may see today: every rule of DESIGN.md, checked in the query."""
    today = today or dt.date.today()
    return (Listing.select(Listing, Category, Region)
            .join(Client, on=(Listing.client == Client.id))
            .switch(Listing).join(Category)
            .switch(Listing).join(Region, JOIN.LEFT_OUTER)
            .where(Listing.is_published == True,  # noqa: E712
                   Listing.deleted_at.is_null(), Client.deleted_at.is_null(),
                   Listing.publish_until.is_null() | (Listing.publish_until >= today),
                   Client.supervision_end_date.is_null() | (Client.supervision_end_date >= today),
                   Client.birth_date.is_null(False), Client.birth_date <= adult_cutoff(today),
                   fn.EXISTS(active_consent_query(today))))


def publish_problems(listing: Listing, today: dt.date | None = None) -> list[str]:
    """Return why this listing may not be published, in Indonesian (empty = it may)."""
    today = today or dt.date.today()
    client = listing.client
    problems = []
    if listing.deleted_at or client.deleted_at:
        problems.append("Jasa ini ada di tempat sampah. Pulihkan dulu.")
    if client.birth_date is None:
        problems.append("Tanggal lahir klien wajib diisi sebelum jasa diterbitkan.")
    elif client.birth_date > adult_cutoff(today):
        problems.append("Klien belum berusia 18 tahun: jasa anak tidak boleh diterbitkan "
                        "(UU 11/2012 tentang Sistem Peradilan Pidana Anak).")
    if client.supervision_end_date and client.supervision_end_date < today:
        problems.append("Masa bimbingan klien sudah berakhir.")
    consent = client.active_consent(today)
    if consent is None:
        problems.append("Belum ada persetujuan klien yang berlaku. Catat persetujuan dulu.")
    elif listing.contact_relation == "klien" and not consent.scope_phone:
        problems.append("Persetujuan klien tidak mencakup nomor teleponnya.")
    if listing.publish_until and listing.publish_until < today:
        problems.append("Masa tayang sudah lewat. Ubah tanggal akhir tayang.")
    return problems


@dataclass
class PublicListing:
    """Only what the client agreed to publish."""
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
    thumb_url: str
    thumb_width: int | None
    thumb_height: int | None
    photo_url: str
    photo_width: int | None
    photo_height: int | None
    last_confirmed_at: dt.date
    updated_at: dt.datetime


def consents_by_client(client_ids, today):
    """Newest active consent of each client, in one query."""
    found = {}
    rows = (Consent.select().where(Consent.client.in_(list(client_ids)),
                                   Consent.withdrawn_at.is_null(), Consent.given_on <= today,
                                   Consent.valid_until.is_null() | (Consent.valid_until >= today))
            .order_by(Consent.id))
    for consent in rows:
        found[consent.client_id] = consent
    return found


def to_public(listings, today: dt.date | None = None) -> list[PublicListing]:
    """Turn public Listing rows into PublicListing views, applying the consent's scope."""
    today = today or dt.date.today()
    listings = list(listings)
    consents = consents_by_client({x.client_id for x in listings}, today)
    views = []
    for x in listings:
        consent = consents.get(x.client_id)
        if consent is None:
            continue
        phone_ok = bool(x.phone) and (x.contact_relation != "klien" or consent.scope_phone)
        photo_ok = bool(x.photo) and consent.scope_photo
        greeting = f"Halo, saya melihat jasa \"{x.title}\" di Raja Kemas. Apakah masih tersedia?"
        region = x.region if x.region_id else None
        views.append(PublicListing(
            id=x.id,
            url=url_for("public.listing_detail", listing_id=x.id, slug=x.slug),
            title=x.title, category_name=x.category.name, category_slug=x.category.slug,
            description=x.description,
            region_label=f"{region.kecamatan}, {region.kabupaten}" if region else "",
            service_area=x.service_area, price_hint=x.price_hint,
            working_hours=x.working_hours,
            display_name=x.display_name if consent.scope_name else "",
            contact_name=x.contact_name if x.contact_relation != "klien" or consent.scope_name else "",
            phone_display=display_phone(x.phone) if phone_ok else "",
            tel_url=tel_url(x.phone) if phone_ok else "",
            whatsapp_url=whatsapp_url(x.phone, greeting) if phone_ok and x.phone_is_mobile else "",
            thumb_url=url_for("public.photo", name=x.photo_thumb) if photo_ok else "",
            thumb_width=x.thumb_width, thumb_height=x.thumb_height,
            photo_url=url_for("public.photo", name=x.photo) if photo_ok else "",
            photo_width=x.photo_width, photo_height=x.photo_height,
            last_confirmed_at=x.last_confirmed_at, updated_at=x.updated_at))
    return views
