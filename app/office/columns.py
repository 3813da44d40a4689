"""The columns of the import template and of the exports, and who may see which.

One list serves both ways, so an export by an admin is a filled-in import template.
Each column maps onto a field of the entry form (`save_listing`'s data keys).
"""
from dataclasses import dataclass

from app.records.consent import DEFAULTS as CONSENT_DEFAULTS
from app.web.i18n import N_, translate

DEFAULTS = {"consent_" + k: v for k, v in CONSENT_DEFAULTS.items()}
# The consent's yes/no parts, column by column: (column key, consent field, what it allows).
CONSENT_SWITCHES = [
    ("izin_nama", "scope_name", N_("Nama panggilan boleh tampil")),
    ("izin_foto", "scope_photo", N_("Foto boleh tampil")),
    ("izin_telepon", "scope_phone", N_("Nomor telepon klien boleh tampil")),
    ("izin_wilayah", "scope_area", N_("Wilayah layanan dan kecamatan boleh tampil")),
    ("izin_lokasi", "scope_location", N_("Lokasi usaha boleh tampil (tombol petunjuk arah)")),
    ("izin_situs", "channel_website", N_("Boleh tampil di situs web")),
    ("izin_kios", "channel_kiosk", N_("Boleh tampil di layar kios")),
    ("izin_pratinjau_tautan", "channel_share", N_("Boleh tampil di pratinjau tautan (WhatsApp)")),
    ("izin_selebaran", "channel_flyer", N_("Boleh tampil di selebaran cetak")),
    ("izin_mesin_pencari", "channel_search", N_("Boleh ditemukan mesin pencari")),
]


@dataclass(frozen=True)
class Column:
    key: str  # the header in the file (Indonesian in every language: the file format)
    field: str  # save_listing's data key (or a Listing attribute)
    kind: str  # text, date, bool, category, region, relation, method, phone, location
    help: str  # marked for the catalogue; read it translated with help_text()
    example: str = ""
    required: bool = False
    internal: bool = True  # internal = never exported for a viewer
    width: int = 16
    what: str = ""  # a consent switch's label, put into `help` as %(what)s

    def help_text(self) -> str:
        """The help of the template's Petunjuk sheet, in the requester's language."""
        if self.what:
            return translate(self.help, what=translate(self.what))
        return translate(self.help)


LISTING_COLUMNS = [
    Column("nama_jasa", "title", "text", N_("Nama jasa yang tampil di situs, maks. 80 huruf. "
           "Jangan tulis nama lengkap klien."), "Penjahit Pakaian", True, False, 28),
    Column("kategori", "category_id", "category", N_("Nama atau kode kategori (lihat lembar "
           "Kategori)."), "Menjahit & Permak", True, False, 22),
    Column("keterangan", "description", "text", N_("Apa yang dikerjakan, pengalaman, cara pesan. "
           "Maks. 1000 huruf."), "Menjahit baju, permak celana.", False, False, 36),
    Column("kecamatan", "region_id", "region", N_("Nama atau kode kecamatan (lihat lembar "
           "Kecamatan)."), "Wonomulyo", False, False, 18),
    Column("wilayah_layanan", "service_area", "text", N_("Daerah yang dilayani."),
           "Wonomulyo dan sekitarnya", False, False, 24),
    # internal: the place may be the client's home; a viewer's export leaves it out
    Column("lokasi", "location", "location", N_("Lokasi usaha dengan tempat tetap (boleh "
           "kosong): tautan Google Maps atau OpenStreetMap, atau koordinat. Tampil hanya bila "
           "izin_lokasi = ya."), "-3.4123, 119.3456", False, True, 22),
    Column("kisaran_harga", "price_hint", "text", N_("Perkiraan harga."), "mulai Rp25.000",
           False, False),
    Column("jam_kerja", "working_hours", "text", N_("Hari dan jam kerja."),
           "Senin–Sabtu 08.00–17.00", False, False, 22),
    Column("nama_tampil", "display_name", "text", N_("Nama panggilan yang disetujui klien."),
           "Pak Rudi", False, False),
    Column("kontak", "contact_relation", "relation", N_("Siapa yang dihubungi: klien, keluarga "
           "atau petugas. Kosong = klien."), "klien", False, True, 10),
    Column("nama_kontak", "contact_name", "text", N_("Nama orang yang dihubungi."), "Pak Rudi",
           False, False),
    Column("telepon", "phone", "phone", N_("Nomor HP/WhatsApp atau telepon, seperti biasa "
           "ditulis."), "0812-3456-7890", True, False),
    Column("nama_lengkap_klien", "client_full_name", "text", N_("Nama lengkap klien (internal, "
           "tidak pernah tampil)."), "Rudi Hartono", True, True, 24),
    Column("nomor_register", "client_register_number", "text", N_("Nomor register klien "
           "(internal). Baris dengan nomor yang sama = klien yang sama."), "PB-123/2025"),
    Column("tanggal_lahir", "client_birth_date", "date", N_("Tanggal lahir, DD-MM-YYYY. Wajib: "
           "klien di bawah 18 tahun tidak boleh diterbitkan."), "17-05-1990", True, True, 14),
    Column("pembimbing", "client_supervising_officer", "text", N_("Pembimbing Kemasyarakatan."),
           "Andi Petugas", False, True, 20),
    Column("akhir_bimbingan", "client_supervision_end_date", "date", N_("Akhir masa bimbingan, "
           "DD-MM-YYYY."), "31-12-2026", False, True, 14),
    Column("catatan_internal", "client_internal_notes", "text", N_("Catatan internal petugas."),
           "", False, True, 24),
    Column("tanggal_persetujuan", "consent_given_on", "date", N_("Tanggal klien menandatangani "
           "persetujuan, DD-MM-YYYY. Wajib bila terbitkan = ya."), "02-01-2026", False, True, 14),
    Column("petugas_persetujuan", "consent_officer_name", "text", N_("Petugas yang mencatat "
           "persetujuan. Kosong = nama Anda."), "Andi Petugas", False, True, 20),
    Column("nomor_formulir", "consent_form_reference", "text", N_("Nomor formulir persetujuan."),
           "F-01/2026"),
    Column("cara_persetujuan", "consent_method", "method", N_("formulir (bertanda tangan) atau "
           "rekaman. Kosong = formulir."), "formulir", False, True, 12),
    *[Column(key, "consent_" + field, "bool",
             N_("%(what)s: ya/tidak. Kosong = ya.") if DEFAULTS.get("consent_" + field, True)
             else N_("%(what)s: ya/tidak. Kosong = tidak."),
             "ya", False, True, 10, what=label) for key, field, label in CONSENT_SWITCHES],
    Column("persetujuan_berlaku_sampai", "consent_valid_until", "date", N_("Akhir berlakunya "
           "persetujuan, DD-MM-YYYY (boleh kosong)."), "", False, True, 14),
    Column("persetujuan_keluarga_nama", "family_consent_name", "text", N_("Bila kontaknya "
           "keluarga: nama anggota keluarga yang memberi persetujuan."), "", False, True, 20),
    Column("persetujuan_keluarga_tanggal", "family_consent_on", "date", N_("Tanggal persetujuan "
           "anggota keluarga itu, DD-MM-YYYY."), "", False, True, 14),
    Column("persetujuan_keluarga_nomor", "family_consent_reference", "text", N_("Nomor formulir "
           "persetujuan anggota keluarga itu."), "", False, True, 16),
    Column("tayang_sampai", "publish_until", "date", N_("Jasa berhenti tayang setelah tanggal "
           "ini, DD-MM-YYYY (boleh kosong)."), "", False, True, 14),
    Column("terbitkan", "publish", "bool", N_("ya = langsung terbit (perlu persetujuan dan klien "
           "dewasa), tidak = draf. Kosong = tidak."), "ya", False, False, 10),
    Column("terakhir_dikonfirmasi", "last_confirmed_at", "date", N_("Tanggal kontak terakhir "
           "dicek, DD-MM-YYYY. Kosong = hari ini."), "", False, False, 14),
]

CLIENT_COLUMNS = [c for c in LISTING_COLUMNS if c.field.startswith(("client_", "consent_"))] + [
    Column("jumlah_jasa", "listings", "text",
           N_("Jumlah jasa klien (tanpa yang di tempat sampah).")),
    Column("jumlah_terbit", "published", "text", N_("Jumlah jasa klien yang terbit.")),
]

BY_KEY = {c.key: c for c in LISTING_COLUMNS}
BY_FIELD = {c.field: c for c in LISTING_COLUMNS}
REQUIRED = [c.key for c in LISTING_COLUMNS if c.required]


def visible_columns(role: str, kind: str = "jasa") -> list[Column]:
    """Return the columns `role` may export: a viewer gets public columns only."""
    columns = LISTING_COLUMNS if kind == "jasa" else CLIENT_COLUMNS
    if role in ("admin", "superadmin"):
        return list(columns)
    return [c for c in columns if not c.internal]
