"""How a change reads to a person: field labels, readable values, diffs, WITA times."""
import datetime as dt
import json
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime
from flask import g
from peewee import DateField, DateTimeField

from app.models import (
    CONTACT_RELATIONS,
    ROLES,
    Category,
    Client,
    Consent,
    Listing,
    Region,
    Unit,
    User,
)
from app.records import hours_entry
from app.records.consent import METHODS
from app.records.phones import display_phone
from app.web.i18n import N_, current_language, tanggal, translate

try:
    WITA = ZoneInfo("Asia/Makassar")
except ZoneInfoNotFoundError:  # Windows without the tzdata package; WITA has no DST
    WITA = dt.timezone(dt.timedelta(hours=8), "WITA")

LABELS = {
    "title": N_("Nama jasa"), "category_id": N_("Kategori"), "description": N_("Keterangan"),
    "region_id": N_("Kecamatan"), "service_area": N_("Wilayah layanan"),
    "price_hint": N_("Kisaran harga"), "working_hours": N_("Jam kerja"),
    "hours": N_("Jam buka (terbaca sistem)"),
    "display_name": N_("Nama yang tampil"), "contact_name": N_("Nama kontak"),
    "contact_relation": N_("Kontak"), "publish_until": N_("Tayang sampai"),
    "featured": N_("Tampil di layar kios"), "phone": N_("Telepon / WhatsApp"),
    "photo": N_("Foto"), "is_published": N_("Terbit"), "publish": N_("Terbit"),
    "last_confirmed_at": N_("Kontak dikonfirmasi"), "full_name": N_("Nama lengkap klien"),
    "register_number": N_("Nomor register"), "birth_date": N_("Tanggal lahir"),
    "supervising_officer": N_("Pembimbing Kemasyarakatan"),
    "supervision_end_date": N_("Akhir masa bimbingan"),
    "internal_notes": N_("Catatan internal"), "given_on": N_("Tanggal persetujuan"),
    "officer_name": N_("Petugas yang mencatat"),
    "form_reference": N_("Nomor formulir persetujuan"), "scope_name": N_("Nama boleh tampil"),
    "scope_photo": N_("Foto boleh tampil"), "scope_phone": N_("Telepon boleh tampil"),
    "valid_until": N_("Persetujuan berlaku sampai"), "username": N_("Nama pengguna"),
    "role": N_("Peran"), "kiosk_interval": N_("Jeda layar kios (detik)"),
    "method": N_("Cara persetujuan"), "scope_area": N_("Wilayah boleh tampil"),
    "scope_location": N_("Lokasi usaha boleh tampil"), "latitude": N_("Lintang (lokasi usaha)"),
    "longitude": N_("Bujur (lokasi usaha)"), "location": N_("Lokasi usaha"),
    "channel_website": N_("Boleh di situs web"), "channel_kiosk": N_("Boleh di layar kios"),
    "channel_share": N_("Boleh di pratinjau tautan"),
    "channel_flyer": N_("Boleh di selebaran"), "channel_search": N_("Boleh di mesin pencari"),
    "family_consent_name": N_("Anggota keluarga yang setuju"),
    "family_consent_on": N_("Tanggal persetujuan keluarga"),
    "family_consent_reference": N_("Nomor formulir persetujuan keluarga"),
    "is_enabled": N_("Akun aktif"), "enabled": N_("Aktif"),
    "must_change_password": N_("Wajib ganti sandi"),
    "require_2fa": N_("Wajib verifikasi dua langkah"), "archive": N_("Arsip"),
    "size": N_("Ukuran (bita)"), "rows": N_("Jumlah baris"), "unit": N_("Unit"),
    "name": N_("Nama"), "slug": N_("Nama di alamat web"), "address": N_("Alamat kantor"),
    "email": N_("Email"), "kabupaten_served": N_("Kabupaten wilayah kerja"),
    "logo": N_("Logo"), "file": N_("Berkas"), "format": N_("Format"),
    "q": N_("Kata pencarian"), "status": N_("Status"), "fields": N_("Kolom"),
    "left": N_("Sisa kode pemulihan"), "alasan": N_("Alasan"), "erased": N_("Data dihapus"),
    "forced": N_("Diwajibkan"), "other_sessions_ended": N_("Sesi lain diakhiri"),
    "withdrawn_at": N_("Ditarik pada"), "listing_ids": N_("ID jasa"),
    "consent_ids": N_("ID persetujuan"), "listings_unpublished": N_("Jasa berhenti tayang"),
    "photo_files_deleted": N_("Berkas foto dihapus"),
    "audit_events_redacted": N_("Catatan audit dikosongkan"), "created_at": N_("Dibuat"),
    "pengguna": N_("Pengguna"), "tindakan": N_("Tindakan"), "entitas": N_("Jenis data"),
    "id": N_("ID data"), "dari": N_("Dari tanggal"), "sampai": N_("Sampai tanggal"),
    "text_version": N_("Versi teks persetujuan"),
    "restored_version": N_("Versi yang dipulihkan"),
    "restored_event": N_("Nomor catatan audit versi itu"),
}

# The same field name means something else on another kind of record.
ENTITY_LABELS = {
    "user": {"method": N_("Cara masuk"), "full_name": N_("Nama lengkap")},
    "unit": {"name": N_("Nama unit"), "phone": N_("Telepon")},
}

ACTIONS = {
    "listing.create": N_("Jasa dibuat"), "listing.update": N_("Jasa diubah"),
    "listing.publish": N_("Jasa diterbitkan"),
    "listing.unpublish": N_("Jasa tidak ditayangkan"),
    "listing.confirm": N_("Kontak dikonfirmasi"),
    "listing.delete": N_("Jasa dibuang ke sampah"), "listing.restore": N_("Jasa dipulihkan"),
    "listing.feature": N_("Jasa masuk layar kios"),
    "listing.unfeature": N_("Jasa keluar dari layar kios"),
    "consent.create": N_("Persetujuan dicatat"), "user.create": N_("Akun dibuat"),
    "login": N_("Masuk"), "logout": N_("Keluar"), "login.failed": N_("Gagal masuk"),
    "login.throttled": N_("Masuk ditahan (terlalu banyak gagal)"),
    "unit.kiosk_interval": N_("Jeda layar kios diubah"),
    "audit.export": N_("Log audit diekspor"), "backup.create": N_("Cadangan dibuat"),
    "backup.download": N_("Cadangan diunduh"), "backup.restore": N_("Cadangan dipulihkan"),
    "user.update": N_("Akun diubah"), "user.enable": N_("Akun diaktifkan"),
    "user.disable": N_("Akun dinonaktifkan"), "password.reset": N_("Kata sandi direset"),
    "password.change": N_("Kata sandi diganti"),
    "password.check_failed": N_("Kata sandi lama salah"),
    "session.expired": N_("Sesi berakhir"), "client.view": N_("Data klien dibuka"),
    "client.export": N_("Data klien diekspor"), "client.erase": N_("Data klien dihapus"),
    "consent.withdraw": N_("Persetujuan ditarik"),
    "2fa.enable": N_("Verifikasi dua langkah diaktifkan"),
    "2fa.disable": N_("Verifikasi dua langkah dimatikan"),
    "2fa.reset": N_("Verifikasi dua langkah direset"),
    "2fa.recovery_codes": N_("Kode pemulihan dibuat"),
    "2fa.recovery_used": N_("Kode pemulihan dipakai"),
    "login.2fa_failed": N_("Kode dua langkah salah"),
    "setting.update": N_("Pengaturan diubah"), "unit.create": N_("Unit dibuat"),
    "unit.update": N_("Unit diubah"), "import": N_("Impor"), "export": N_("Ekspor"),
    "listing.restore_version": N_("Versi jasa dipulihkan"),
}

ENTITIES = {
    "listing": N_("Jasa"), "consent": N_("Persetujuan"), "user": N_("Akun"),
    "unit": N_("Unit"), "client": N_("Klien"), "audit": N_("Log audit"),
    "backup": N_("Cadangan"), "setting": N_("Pengaturan"), "jasa": N_("Jasa"),
    "klien": N_("Klien"),
}

# The model whose field classes declare the type of an audited value: by the event's kind
# of record, or by the client_/consent_ prefix of the listing form's field names.
MODELS = {"listing": Listing, "client": Client, "consent": Consent, "unit": Unit, "user": User}
# Audited values that are no field of the event's model, with the type they are written as.
OTHER_TYPES = {("client", "withdrawn_at"): DateTimeField, ("backup", "created_at"): DateTimeField,
               ("audit", "dari"): DateField, ("audit", "sampai"): DateField}
LONG_TEXT = 200


def wita(value) -> str:
    """Format a stored (server-local, naive) time as date and time in WITA, in the
    current language (Indonesian outside a request)."""
    if not value:
        return ""
    try:
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        aware = value.astimezone()  # a naive time is the server's local time
    except (ValueError, OverflowError):  # not a time after all: show it as written
        return str(value)
    return format_datetime(aware, "d MMM y, HH.mm", tzinfo=WITA,
                           locale=current_language()) + " WITA"


def field_label(name: str, entity: str | None = None) -> str:
    """Return the label of a field, with or without its client_/consent_ prefix, in the
    current language (the audit log stores field names; they are translated when shown)."""
    bare = re.sub(r"^(client|consent)_", "", name)
    label = ENTITY_LABELS.get(entity, {}).get(name) or LABELS.get(name) or LABELS.get(bare)
    return translate(label) if label else name


def _lookup(model, key):
    cache = g.setdefault("_changes_names", {})
    if (model, key) not in cache:
        row = model.get_or_none(model.id == key)
        cache[model, key] = (row.name if model is Category else row.label) if row else f"#{key}"
    return cache[model, key]


def declared_type(name: str, entity: str | None = None):
    """Return the peewee field class an audited value was stored from, or None (free text).

    A value's type comes from its field's declaration, never from its shape: a title or an
    officer's name typed as `2024-02-30` is text."""
    if (entity, name) in OTHER_TYPES:
        return OTHER_TYPES[entity, name]
    prefix, _, bare = name.partition("_")
    model, field = MODELS.get(entity), name
    if prefix in ("client", "consent") and (model is None or model is Listing):
        model, field = MODELS[prefix], bare
    model_field = model._meta.fields.get(field) if model is not None else None
    return type(model_field) if model_field is not None else None


def _as_date(value):
    try:
        return tanggal(dt.date.fromisoformat(value))
    except (TypeError, ValueError):  # stored by an older version or by hand: show as written
        return str(value)


def readable(name: str, value, shorten: bool = False, entity: str | None = None) -> str:
    """Return a stored or submitted value as a person reads it, formatted by the declared
    type of its field on `entity`'s model (a listing's by default)."""
    if value is None or value == "" or (name.endswith("_id") and value == 0):
        return "—"
    kind = declared_type(name, entity or "listing")
    if isinstance(value, bool):
        return translate("Ya") if value else translate("Tidak")
    if name == "category_id":
        return _lookup(Category, value)
    if name == "region_id":
        return _lookup(Region, value)
    if name == "contact_relation":
        return translate(CONTACT_RELATIONS[value]) if value in CONTACT_RELATIONS else str(value)
    if name == "role":
        return translate(ROLES[value]) if value in ROLES else str(value)
    if name in ("method", "consent_method") and value in METHODS:
        return translate(METHODS[value])
    if name == "hours" and (entity or "listing") == "listing":
        return hours_entry.readable(value)
    if name == "phone" and str(value).startswith("+"):
        return display_phone(value)
    if isinstance(value, dt.datetime) or (kind is DateTimeField and isinstance(value, str)):
        return wita(value)
    if isinstance(value, dt.date):
        return tanggal(value)
    if kind is DateField and isinstance(value, str):
        return _as_date(value)
    text = str(value)
    return text[:LONG_TEXT] + "…" if shorten and len(text) > LONG_TEXT else text


def _load(raw: str) -> dict:
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {"?": raw}
    return data if isinstance(data, dict) else {"?": data}


def diff(before: str, after: str, shorten: bool = True,
         entity: str | None = None) -> list[tuple[str, str | None, str]]:
    """Return (label, old, new) for each field an audit event changed; old is None when new.
    `entity` (the event's kind of record) picks the label of a name used on several kinds."""
    old, new = _load(before), _load(after)
    rows = []
    for name in list(new) + [k for k in old if k not in new]:
        if name in old and name in new and old[name] == new[name]:
            continue
        if name not in old and new.get(name) in (None, "", False):
            continue  # a created record: show only what was filled in
        rows.append((field_label(name, entity),
                     readable(name, old[name], shorten, entity) if name in old else None,
                     readable(name, new.get(name), shorten, entity)))
    return rows


def diff_text(before: str, after: str, entity: str | None = None) -> str:
    """Return the diff as one line of text, for the CSV export."""
    return "; ".join(f"{label}: {old} → {new}" if old is not None else f"{label}: {new}"
                     for label, old, new in diff(before, after, shorten=False, entity=entity))


def action_label(action: str) -> str:
    """The action in words, in the current language; the log stores its code."""
    return translate(ACTIONS[action]) if action in ACTIONS else action


def entity_label(entity: str) -> str:
    """The kind of record in words, in the current language; the log stores its code."""
    return translate(ENTITIES[entity]) if entity in ENTITIES else entity


def conflict_panel(form, exc, photo_waiting: bool = False) -> dict:
    """Return what the conflict panel shows: who saved, when, and stored vs submitted values."""
    rows = []
    for name in exc.changed:
        label = str(form[name].label.text) if name in form else field_label(name)
        mine = form[name].data if name in form else None
        rows.append((label, readable(name, exc.saved.get(name)), readable(name, mine)))
    return {"by": exc.by or translate("admin lain"), "at": wita(exc.at), "rows": rows,
            "photo_waiting": photo_waiting}
