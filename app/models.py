"""The entities: units, users, clients, consents, listings, categories, regions, audit.

Names are English; what people read is Indonesian.
"""
import datetime as dt

from flask_login import UserMixin
from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from app.db import BaseModel
from app.web.i18n import N_


def now():
    return dt.datetime.now().replace(microsecond=0)


class Unit(BaseModel):
    """A Bapas office."""
    name = CharField()
    slug = CharField(unique=True)
    address = TextField(default="")
    phone = CharField(default="")
    email = CharField(default="")
    kabupaten_served = TextField(default="")  # comma-separated kabupaten names
    created_at = DateTimeField(default=now)
    kiosk_interval = IntegerField(default=12)  # seconds per kiosk slide
    logo = CharField(null=True)  # stored file names (app/photos.py), random
    logo_thumb = CharField(null=True)
    logo_width = IntegerField(null=True)  # of the thumbnail
    logo_height = IntegerField(null=True)
    version = IntegerField(default=1)  # two superadmins editing: the second gets a conflict

    @property
    def kabupaten_list(self):
        return [k.strip() for k in self.kabupaten_served.split(",") if k.strip()]

    def logo_size(self, height: int) -> tuple[int, int]:
        """Return the logo's width and height when shown `height` pixels high."""
        if not (self.logo_width and self.logo_height):
            return height, height
        return max(round(self.logo_width * height / self.logo_height), 1), height


ROLES = {  # labels translated where shown
    "superadmin": N_("Superadmin"),
    "admin": N_("Admin"),
    "viewer": N_("Peninjau"),
}


class User(UserMixin, BaseModel):
    unit = ForeignKeyField(Unit, backref="users")
    username = CharField(unique=True)
    full_name = CharField(default="")
    password_hash = CharField()
    role = CharField(default="admin")
    is_enabled = BooleanField(default=True)
    created_at = DateTimeField(default=now)
    last_login_at = DateTimeField(null=True)
    must_change_password = BooleanField(default=False)  # set by a superadmin reset
    password_changed_at = DateTimeField(null=True)
    totp_secret = TextField(null=True)  # encrypted (app/twofactor.py); pending until enabled
    totp_enabled_at = DateTimeField(null=True)
    totp_last_step = IntegerField(null=True)  # last accepted time step: a code works once

    @property
    def is_active(self):
        return self.is_enabled

    @property
    def can_edit(self):
        return self.role in ("superadmin", "admin")

    @property
    def role_label(self):
        return ROLES.get(self.role, self.role)


class Category(BaseModel):
    slug = CharField(unique=True)
    name = CharField()
    keywords = TextField(default="")  # synonyms separated by |
    keywords_en = TextField(default="")  # English words for the trade, separated by |
    sort_order = IntegerField(default=0)

    @property
    def keyword_list(self):
        return [k.strip() for k in self.keywords.split("|") if k.strip()]


class Region(BaseModel):
    """A kecamatan with its kabupaten, keyed by the Ministry of Home Affairs code."""
    code = CharField(unique=True)
    province = CharField()
    kabupaten = CharField(index=True)
    kecamatan = CharField()
    aliases = TextField(default="")

    @property
    def label(self):
        return f"{self.kecamatan}, {self.kabupaten}"


class Client(BaseModel):
    """Klien pemasyarakatan. Internal only: nothing here is ever public."""
    unit = ForeignKeyField(Unit, backref="clients")
    full_name = CharField()
    register_number = CharField(default="")
    birth_date = DateField(null=True)
    supervising_officer = CharField(default="")
    supervision_end_date = DateField(null=True)
    internal_notes = TextField(default="")
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)
    deleted_at = DateTimeField(null=True)
    version = IntegerField(default=1)
    erased_at = DateTimeField(null=True)  # personal data erased on request (app/clients.py)

    def age_on(self, day):
        if not self.birth_date:
            return None
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    def active_consent(self, day=None):
        """Return the consent in force on `day` (the newest version, if valid), or None."""
        day = day or dt.date.today()
        latest = self.consents.order_by(Consent.id.desc()).first() if self.id else None
        return latest if latest is not None and latest.is_valid_on(day) else None


class Consent(BaseModel):
    """The client's recorded agreement to publish; a new row for each version."""
    client = ForeignKeyField(Client, backref="consents", on_delete="CASCADE")
    given_on = DateField()
    officer_name = CharField()
    recorded_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    form_reference = CharField(default="")
    scope_name = BooleanField(default=True)
    scope_photo = BooleanField(default=False)
    scope_phone = BooleanField(default=True)
    valid_until = DateField(null=True)
    withdrawn_at = DateTimeField(null=True)
    created_at = DateTimeField(default=now)
    # Issue 4: how it was given, which text, and where it may appear (app/consent.py).
    method = CharField(default="formulir")  # formulir (signed form) or rekaman (recorded)
    text_version = CharField(default="")  # RAJA_KEMAS_CONSENT_TEXT_VERSION when recorded
    scope_area = BooleanField(default=True)  # service area and kecamatan
    channel_website = BooleanField(default=True)
    channel_kiosk = BooleanField(default=True)
    channel_share = BooleanField(default=True)
    channel_flyer = BooleanField(default=True)
    channel_search = BooleanField(default=True)
    # Issue 13.3: the business's place on a map; versions before it never covered it.
    scope_location = BooleanField(default=False)

    def is_valid_on(self, day) -> bool:
        """True if not withdrawn and `day` lies within the consent's period."""
        return (self.withdrawn_at is None and self.given_on <= day
                and (self.valid_until is None or self.valid_until >= day))


CONTACT_RELATIONS = {
    "klien": N_("Klien sendiri"),
    "keluarga": N_("Anggota keluarga"),
    "petugas": N_("Petugas Bapas"),
}


class Listing(BaseModel):
    """A service a client offers: the public part of the record."""
    unit = ForeignKeyField(Unit, backref="listings")
    client = ForeignKeyField(Client, backref="listings")
    category = ForeignKeyField(Category, backref="listings")
    region = ForeignKeyField(Region, null=True, backref="listings")
    title = CharField()
    slug = CharField()
    description = TextField(default="")
    service_area = CharField(default="")
    price_hint = CharField(default="")
    working_hours = CharField(default="")  # as written; shown when `hours` is empty
    hours = TextField(default="")  # records/hours.Hours as JSON; "" = not understood yet
    display_name = CharField(default="")
    contact_name = CharField(default="")
    contact_relation = CharField(default="klien")
    # A family member as contact must consent to their own phone being published.
    family_consent_name = CharField(default="")
    family_consent_on = DateField(null=True)
    family_consent_reference = CharField(default="")
    phone = CharField(default="")  # E.164, e.g. +6281234567890
    phone_is_mobile = BooleanField(default=False)
    # Where a fixed-place business is (records/location.py), shown with Consent.scope_location.
    latitude = DecimalField(max_digits=9, decimal_places=6, auto_round=True, null=True)
    longitude = DecimalField(max_digits=9, decimal_places=6, auto_round=True, null=True)
    photo = CharField(null=True)  # stored file names, random
    photo_thumb = CharField(null=True)
    photo_width = IntegerField(null=True)
    photo_height = IntegerField(null=True)
    thumb_width = IntegerField(null=True)
    thumb_height = IntegerField(null=True)
    is_published = BooleanField(default=False, index=True)
    published_at = DateTimeField(null=True)
    publish_until = DateField(null=True)
    featured = BooleanField(default=False)
    last_confirmed_at = DateField(default=dt.date.today)
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now, index=True)
    updated_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    deleted_at = DateTimeField(null=True)
    version = IntegerField(default=1)


class AuditEvent(BaseModel):
    """Who changed what, when, from where. Written, never edited."""
    created_at = DateTimeField(default=now, index=True)
    user = ForeignKeyField(User, null=True, on_delete="SET NULL")
    username = CharField(default="")
    action = CharField()
    entity = CharField(default="")
    entity_id = IntegerField(null=True)
    before = TextField(default="")  # JSON
    after = TextField(default="")  # JSON
    address = CharField(default="")


class LoginFailure(BaseModel):
    """One failed login, keyed by account and by address, for throttling."""
    key = CharField(index=True)  # "user:<name>" or "ip:<address>"
    created_at = DateTimeField(default=now, index=True)


class SetupToken(BaseModel):
    """A one-time link that lets the first superadmin choose a password."""
    token_hash = CharField(unique=True)
    created_at = DateTimeField(default=now)
    used_at = DateTimeField(null=True)


class DailyStat(BaseModel):
    """Aggregate counts per listing per day; no visitor data."""
    listing = ForeignKeyField(Listing, backref="stats", on_delete="CASCADE")
    day = DateField()
    views = IntegerField(default=0)
    whatsapp_taps = IntegerField(default=0)
    phone_taps = IntegerField(default=0)

    class Meta:
        indexes = ((("listing", "day"), True),)


class OpenSlot(BaseModel):
    """One weekday's opening range of a listing, split at midnight (records/hours.slots):
    what the public *Buka sekarang* filter looks up."""
    listing = ForeignKeyField(Listing, backref="open_slots", on_delete="CASCADE")
    weekday = IntegerField()  # 0 = Monday
    opens = IntegerField()  # minutes from midnight, WITA
    closes = IntegerField()  # up to 1440

    class Meta:
        indexes = ((("weekday", "opens", "closes"), False),)


class ProblemReport(BaseModel):
    """A visitor's report that a listing is wrong. Moderated by the listing's office; never
    shown on a public page, export or API."""
    listing = ForeignKeyField(Listing, backref="problem_reports", on_delete="CASCADE")
    reason = CharField()  # records/problem_reports.REASONS
    note = TextField(default="")
    reporter_contact = CharField(default="")  # optional; cleared when the report is resolved
    created_at = DateTimeField(default=now, index=True)
    resolved_at = DateTimeField(null=True, index=True)
    resolution = CharField(default="")  # records/problem_reports.RESOLUTIONS
    resolved_by = ForeignKeyField(User, null=True, on_delete="SET NULL")


class PublicFormUse(BaseModel):
    """One use of a public form by an address (as a keyed hash), for a per-address limit
    that holds across processes. Rows older than a day are removed."""
    key = CharField(index=True)
    created_at = DateTimeField(default=now, index=True)


class UserSession(BaseModel):
    """One signed-in browser; the cookie holds only a random id whose hash is stored here."""
    token_hash = CharField(unique=True)
    user = ForeignKeyField(User, backref="sessions", on_delete="CASCADE")
    created_at = DateTimeField(default=now)
    last_seen_at = DateTimeField(default=now)
    address = CharField(default="")


class RecoveryCode(BaseModel):
    """A one-time 2FA recovery code, stored only as a salted hash."""
    user = ForeignKeyField(User, backref="recovery_codes", on_delete="CASCADE")
    code_hash = CharField()
    used_at = DateTimeField(null=True)
    created_at = DateTimeField(default=now)


class AppSetting(BaseModel):
    """A setting a superadmin changes in the app, e.g. require_2fa."""
    key = CharField(unique=True)
    value = TextField(default="")

