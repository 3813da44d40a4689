"""How a change reads to a person: field labels, readable values, diffs, WITA times."""
import datetime as dt
import json
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime
from flask import g

from ..models import CONTACT_RELATIONS, ROLES, Category, Region
from ..phones import display_phone
from ..rendering import indonesian_date

try:
    WITA = ZoneInfo("Asia/Makassar")
except ZoneInfoNotFoundError:  # Windows without the tzdata package; WITA has no DST
    WITA = dt.timezone(dt.timedelta(hours=8), "WITA")

LABELS = {
    "title": "Nama jasa", "category_id": "Kategori", "description": "Keterangan",
    "region_id": "Kecamatan", "service_area": "Wilayah layanan", "price_hint": "Kisaran harga",
    "working_hours": "Jam kerja", "display_name": "Nama yang tampil",
    "contact_name": "Nama kontak", "contact_relation": "Kontak",
    "publish_until": "Tayang sampai", "featured": "Tampil di layar kios",
    "phone": "Telepon / WhatsApp", "photo": "Foto", "is_published": "Terbit",
    "publish": "Terbit", "last_confirmed_at": "Kontak dikonfirmasi",
    "full_name": "Nama lengkap klien", "register_number": "Nomor register",
    "birth_date": "Tanggal lahir", "supervising_officer": "Pembimbing Kemasyarakatan",
    "supervision_end_date": "Akhir masa bimbingan", "internal_notes": "Catatan internal",
    "given_on": "Tanggal persetujuan", "officer_name": "Petugas yang mencatat",
    "form_reference": "Nomor formulir persetujuan", "scope_name": "Nama boleh tampil",
    "scope_photo": "Foto boleh tampil", "scope_phone": "Telepon boleh tampil",
    "valid_until": "Persetujuan berlaku sampai", "username": "Nama pengguna", "role": "Peran",
    "kiosk_interval": "Jeda layar kios (detik)", "method": "Cara persetujuan",
    "scope_area": "Wilayah boleh tampil", "channel_website": "Boleh di situs web",
    "channel_kiosk": "Boleh di layar kios", "channel_share": "Boleh di pratinjau tautan",
    "channel_flyer": "Boleh di selebaran", "channel_search": "Boleh di mesin pencari",
    "family_consent_name": "Anggota keluarga yang setuju",
    "family_consent_on": "Tanggal persetujuan keluarga",
    "family_consent_reference": "Nomor formulir persetujuan keluarga",
    "is_enabled": "Akun aktif", "enabled": "Aktif", "must_change_password": "Wajib ganti sandi",
    "require_2fa": "Wajib verifikasi dua langkah", "archive": "Arsip", "size": "Ukuran (bita)",
    "rows": "Jumlah baris", "unit": "Unit",
}

ACTIONS = {
    "listing.create": "Jasa dibuat", "listing.update": "Jasa diubah",
    "listing.publish": "Jasa diterbitkan", "listing.unpublish": "Jasa tidak ditayangkan",
    "listing.confirm": "Kontak dikonfirmasi", "listing.delete": "Jasa dibuang ke sampah",
    "listing.restore": "Jasa dipulihkan", "listing.feature": "Jasa masuk layar kios",
    "listing.unfeature": "Jasa keluar dari layar kios", "consent.create": "Persetujuan dicatat",
    "user.create": "Akun dibuat", "login": "Masuk", "logout": "Keluar",
    "login.failed": "Gagal masuk", "login.throttled": "Masuk ditahan (terlalu banyak gagal)",
    "unit.kiosk_interval": "Jeda layar kios diubah", "audit.export": "Log audit diekspor",
    "backup.create": "Cadangan dibuat", "backup.download": "Cadangan diunduh",
    "backup.restore": "Cadangan dipulihkan", "user.update": "Akun diubah",
    "user.enable": "Akun diaktifkan", "user.disable": "Akun dinonaktifkan",
    "password.reset": "Kata sandi direset", "password.change": "Kata sandi diganti",
    "password.check_failed": "Kata sandi lama salah", "session.expired": "Sesi berakhir",
    "client.view": "Data klien dibuka", "client.export": "Data klien diekspor",
    "client.erase": "Data klien dihapus", "consent.withdraw": "Persetujuan ditarik",
    "2fa.enable": "Verifikasi dua langkah diaktifkan",
    "2fa.disable": "Verifikasi dua langkah dimatikan",
    "2fa.reset": "Verifikasi dua langkah direset", "2fa.recovery_codes": "Kode pemulihan dibuat",
    "2fa.recovery_used": "Kode pemulihan dipakai", "login.2fa_failed": "Kode dua langkah salah",
    "setting.update": "Pengaturan diubah",
}

ENTITIES = {"listing": "Jasa", "consent": "Persetujuan", "user": "Akun", "unit": "Unit",
            "client": "Klien", "audit": "Log audit", "backup": "Cadangan",
            "setting": "Pengaturan"}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
LONG_TEXT = 200


def wita(value) -> str:
    """Format a stored (server-local, naive) time as Indonesian date and time in WITA."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    aware = value.astimezone()  # a naive time is the server's local time
    return format_datetime(aware, "d MMM y, HH.mm", tzinfo=WITA, locale="id") + " WITA"


def field_label(name: str) -> str:
    """Return the Indonesian label of a field, with or without its client_/consent_ prefix."""
    bare = re.sub(r"^(client|consent)_", "", name)
    return LABELS.get(name) or LABELS.get(bare) or name


def _lookup(model, key):
    cache = g.setdefault("_changes_names", {})
    if (model, key) not in cache:
        row = model.get_or_none(model.id == key)
        cache[model, key] = (row.name if model is Category else row.label) if row else f"#{key}"
    return cache[model, key]


def readable(name: str, value, shorten: bool = False) -> str:
    """Return a stored or submitted value as a person reads it."""
    if value is None or value == "" or (name.endswith("_id") and value == 0):
        return "—"
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if name == "category_id":
        return _lookup(Category, value)
    if name == "region_id":
        return _lookup(Region, value)
    if name == "contact_relation":
        return CONTACT_RELATIONS.get(value, value)
    if name == "role":
        return ROLES.get(value, value)
    if name == "phone" and str(value).startswith("+"):
        return display_phone(value)
    if isinstance(value, dt.datetime) or (isinstance(value, str) and _ISO_TIME.match(value)):
        return wita(value)
    if isinstance(value, dt.date):
        return indonesian_date(value)
    if isinstance(value, str) and _ISO_DATE.match(value):
        return indonesian_date(dt.date.fromisoformat(value))
    text = str(value)
    return text[:LONG_TEXT] + "…" if shorten and len(text) > LONG_TEXT else text


def _load(raw: str) -> dict:
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {"?": raw}
    return data if isinstance(data, dict) else {"?": data}


def diff(before: str, after: str, shorten: bool = True) -> list[tuple[str, str | None, str]]:
    """Return (label, old, new) for each field an audit event changed; old is None when new."""
    old, new = _load(before), _load(after)
    rows = []
    for name in list(new) + [k for k in old if k not in new]:
        if name in old and name in new and old[name] == new[name]:
            continue
        if name not in old and new.get(name) in (None, "", False):
            continue  # a created record: show only what was filled in
        rows.append((field_label(name),
                     readable(name, old[name], shorten) if name in old else None,
                     readable(name, new.get(name), shorten)))
    return rows


def diff_text(before: str, after: str) -> str:
    """Return the diff as one line of text, for the CSV export."""
    return "; ".join(f"{label}: {old} → {new}" if old is not None else f"{label}: {new}"
                     for label, old, new in diff(before, after, shorten=False))


def action_label(action: str) -> str:
    return ACTIONS.get(action, action)


def entity_label(entity: str) -> str:
    return ENTITIES.get(entity, entity)


def conflict_panel(form, exc, photo_dropped: bool = False) -> dict:
    """Return what the conflict panel shows: who saved, when, and stored vs submitted values."""
    rows = []
    for name in exc.changed:
        label = str(form[name].label.text) if name in form else field_label(name)
        mine = form[name].data if name in form else None
        rows.append((label, readable(name, exc.saved.get(name)), readable(name, mine)))
    return {"by": exc.by or "admin lain", "at": wita(exc.at), "rows": rows,
            "photo_dropped": photo_dropped}
