"""Fill an instance with realistic demo listings, so page weights can be measured.

    RAJA_KEMAS_INSTANCE=/tmp/pw/inst python bench/seed_demo.py --count 40 --password demo-password-123

Creates (if missing) a superadmin `admin` with the given password, then published
listings in Bahasa Indonesia across categories and kecamatan, through the same domain
function the admin screen uses (`listings.save_listing`), so every rule applies: consent,
adult client, no full legal name in public text. About two thirds are tailoring
(`jahit`, `penjahit`, `menjahit`): with --count 40 at least 25 match `?q=jahit`, enough
for a full 20-result search fragment.

With --photo-share (default 0.5) that share of the listings gets a camera-like photo
(bench/synthetic_photos.py; landscape and portrait, 1600x1200 px, ~300 KB), uploaded
through the same function, so the stored thumbnails are what a phone photo would give.

Re-running is safe: demo clients are marked by register numbers `DEMO-NNN/2026` and only
the missing ones are added. Nothing here runs in the app or in tests.
"""
import argparse
import datetime as dt
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from app.db import database  # noqa: E402
from app.models import Category, Client, Region, Unit, User  # noqa: E402
from app.records import listings as domain  # noqa: E402
from app.security.accounts import create_user  # noqa: E402
from bench.synthetic_photos import synthetic_photo  # noqa: E402

REGISTER_PREFIX = "DEMO-"

# (category slug, title, description). Descriptions vary in length on purpose: the public
# card truncates at 100 characters, the detail page shows them whole.
JAHIT = [
    ("menjahit", "Penjahit Pakaian Pria & Wanita",
     "Menjahit baju, kemeja dan celana sesuai ukuran. Permak celana jeans, pasang "
     "resleting, potong dan kecilkan baju. Bisa ditunggu untuk permak ringan."),
    ("menjahit", "Jahit Baju Bodo & Kebaya",
     "Menerima jahitan baju bodo, kebaya dan gamis untuk pesta pernikahan dan acara adat."),
    ("menjahit", "Permak Jeans & Jahit Celana",
     "Potong celana, kecilkan pinggang, ganti resleting, tambal sobek. Selesai sehari."),
    ("menjahit", "Jahit Seragam Sekolah",
     "Seragam SD, SMP, SMA dan pramuka. Menerima pesanan sekolah dalam jumlah banyak "
     "menjelang tahun ajaran baru; bahan bisa dari kami atau dari pelanggan."),
    ("menjahit", "Penjahit Gorden & Sprei",
     "Jahit gorden, vitrase, sprei, sarung bantal dan taplak meja. Ukur ke rumah gratis."),
    ("menjahit", "Menjahit Sarung Mandar jadi Kemeja",
     "Sarung sutra Mandar dijahit menjadi kemeja, rok atau selendang, rapi dan pas badan."),
    ("menjahit", "Jahit Tas Kain & Dompet",
     "Tas belanja kain, tas sekolah, dompet dan pouch dari kain perca atau sarung tenun."),
    ("menjahit", "Penjahit Baju Muslim & Gamis",
     "Gamis, koko, mukena dan jilbab. Menerima pesanan untuk Ramadan dan Lebaran."),
    ("menjahit", "Jahit Jas & Kemeja Kantor",
     "Jas, blazer dan kemeja kerja dengan ukuran badan. Dua kali fitting."),
    ("menjahit", "Jasa Jahit Kebaya Pengantin",
     "Kebaya akad dan resepsi, payet tangan, bisa sewa atau jahit baru. Konsultasi dulu "
     "soal model dan bahan, harga menyesuaikan tingkat kerumitan payet."),
    ("menjahit", "Penjahit Keliling, Permak Kilat",
     "Datang ke rumah dengan mesin jahit portabel: permak, pasang kancing, obras."),
    ("menjahit", "Jahit Jok Motor & Sarung Kursi",
     "Ganti kulit jok motor, jahit sarung kursi dan sofa, bahan kulit sintetis."),
    ("menjahit", "Jahit Bordir Nama & Logo",
     "Bordir nama di seragam, logo kelompok, badge pramuka dan bet sekolah."),
    ("menjahit", "Penjahit Seragam Kantor & Batik",
     "Seragam dinas, kemeja batik kantor dan seragam kelompok arisan."),
    ("menjahit", "Jahit Mukena & Sajadah",
     "Mukena katun dan rayon, sajadah tipis. Pesanan satuan atau untuk hantaran."),
    ("menjahit", "Obras & Jahit Kain Perca",
     "Obras tepi kain, jahit keset dan selimut dari kain perca warna-warni."),
    ("menjahit", "Penjahit Baju Anak",
     "Baju anak, rok, dress dan setelan lebaran untuk anak-anak. Bahan adem."),
    ("menjahit", "Jahit Celana Kain & Rok Kerja",
     "Celana kain, rok span dan rok plisket untuk kerja. Bisa contoh dari baju lama."),
]
OTHERS = [
    ("las", "Las Teralis & Kanopi",
     "Pagar besi, teralis jendela, kanopi baja ringan dan rangka tandon air."),
    ("las", "Bengkel Las Pintu Besi",
     "Pintu besi, pagar lipat, tangga besi dan perbaikan gerobak. Survei lokasi dulu."),
    ("bengkel-motor", "Bengkel Motor & Ganti Oli",
     "Servis ringan, tune up, ganti oli, kampas rem dan rantai. Motor matic dan bebek."),
    ("bengkel-motor", "Tambal Ban Tubeless",
     "Tambal ban tubeless dan ban dalam, isi angin, pasang ban baru. Buka sampai malam."),
    ("kue", "Kue Tradisional Mandar",
     "Jepa, buras, kue cucur dan kue lapis untuk acara keluarga. Pesan sehari sebelumnya."),
    ("kue", "Bolu & Kue Ulang Tahun",
     "Bolu pandan, bolu gulung dan kue ulang tahun dengan hiasan sederhana."),
    ("pangkas-rambut", "Cukur Rambut Pria",
     "Potong rambut pria dan anak, cukur kumis dan jenggot. Model bisa request."),
    ("pangkas-rambut", "Pangkas Rambut Keliling",
     "Tukang cukur datang ke rumah untuk orang tua dan anak-anak."),
    ("katering", "Katering Nasi Kotak Hajatan",
     "Nasi kotak, prasmanan dan snack untuk hajatan, rapat dan syukuran. Minimal 20 kotak."),
    ("katering", "Nasi Kuning & Lauk Pesanan",
     "Nasi kuning, ikan bakar, ayam goreng dan sambal untuk acara kantor atau keluarga."),
    ("tukang-kayu", "Lemari & Kusen Kayu",
     "Lemari, meja, kusen pintu dan jendela dari kayu lokal. Bisa perbaiki mebel lama."),
    ("laundry", "Laundry Kiloan & Setrika",
     "Cuci kering setrika per kilo, antar jemput di sekitar kecamatan."),
    ("servis-elektronik", "Servis HP & Ganti LCD",
     "Ganti LCD, baterai dan konektor cas. Servis HP Android, bisa ditunggu."),
    ("kerajinan", "Tenun Sarung Sutra Mandar",
     "Sarung sutra Mandar (lipa saqbe) tenun tangan, motif tradisional, pesanan khusus."),
]

NICKNAMES = [
    ("Pak Rudi", "Rudi Hartono"), ("Bu Sari", "Sari Wulandari"), ("Kak Ani", "Ani Rahmawati"),
    ("Daeng Ical", "Faisal Rahman"), ("Pak Anto", "Suyanto Wibowo"), ("Bu Ima", "Halimah Tusadiah"),
    ("Mas Joko", "Joko Santoso"), ("Pak Syam", "Muhammad Syamsul Alam"),
    ("Bu Nurul", "Nurul Hidayah"), ("Kak Uni", "Juniarti Saleh"), ("Om Yusuf", "Yusuf Mappaona"),
    ("Pak Amir", "Amiruddin Latif"), ("Bu Ratna", "Ratna Sulistyawati"),
    ("Kak Tika", "Kartika Dewi Lestari"), ("Pak Udin", "Syarifuddin Baso"),
    ("Bu Mia", "Jumiati Nurdin"), ("Daeng Sikki", "Asikin Pawelloi"), ("Pak Arif", "Arif Budiman"),
    ("Bu Hasna", "Hasnawati Idris"), ("Mas Eko", "Eko Prasetyo"), ("Pak Rahmat", "Rahmat Hidayat"),
    ("Bu Dewi", "Dewi Kusumawati"), ("Kak Lina", "Herlina Tamrin"), ("Pak Hamka", "Hamka Sultan"),
]
PRICES = ["mulai Rp25.000", "Rp15.000 per potong", "mulai Rp50.000", "nego", "",
          "Rp7.000/kg", "mulai Rp150.000", "harga sesuai model"]
HOURS = ["Senin–Sabtu 08.00–17.00", "Setiap hari 07.00–21.00", "Senin–Jumat 09.00–16.00",
         "Pesan lewat WhatsApp", "Setiap hari kecuali Jumat siang"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=40, help="published listings (default 40)")
    parser.add_argument("--password", default="demo-password-123",
                        help="password for the `admin` superadmin if it is created")
    parser.add_argument("--username", default="admin")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same data)")
    parser.add_argument("--photo-share", type=float, default=0.5,
                        help="share of listings with a photo, 0..1 (default 0.5)")
    return parser.parse_args(argv)


def demo_plan(count: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """Return `count` (category, title, description), about two thirds tailoring."""
    n_jahit = min(count, max(25, round(count * 0.65)))
    plan = [JAHIT[i % len(JAHIT)] for i in range(n_jahit)]
    plan += [OTHERS[i % len(OTHERS)] for i in range(count - n_jahit)]
    rng.shuffle(plan)
    return plan


def listing_data(i: int, entry, rng: random.Random, categories, regions) -> dict:
    """Form-shaped data as in tests/conftest.py::listing_data, varied per listing."""
    slug, title, description = entry
    nickname, full_name = NICKNAMES[i % len(NICKNAMES)]
    region = regions[rng.randrange(len(regions))]
    today = dt.date.today()
    birth = dt.date(rng.randint(1965, 2000), rng.randint(1, 12), rng.randint(1, 28))
    family = rng.random() < 0.2
    return {
        "client_full_name": full_name,
        "client_register_number": f"{REGISTER_PREFIX}{i + 1:03d}/2026",
        "client_birth_date": birth,
        "client_supervising_officer": "Petugas Demo",
        "client_supervision_end_date": today + dt.timedelta(days=rng.randint(120, 900)),
        "client_internal_notes": "Data contoh untuk pengukuran, bukan klien sungguhan.",
        "consent_given_on": today - dt.timedelta(days=rng.randint(0, 60)),
        "consent_officer_name": "Petugas Demo",
        "consent_form_reference": f"F-{i + 1:02d}/2026",
        "consent_scope_name": True,
        "consent_scope_photo": True,
        "consent_scope_phone": True,
        "consent_valid_until": None,
        "title": title,
        "category_id": categories[slug].id,
        "description": description,
        "region_id": region.id,
        "service_area": f"{region.kecamatan} dan sekitarnya",
        "price_hint": rng.choice(PRICES),
        "working_hours": rng.choice(HOURS),
        "display_name": nickname,
        "contact_relation": "keluarga" if family else "klien",
        "contact_name": ("Keluarga " + nickname.split()[-1]) if family else nickname,
        # A family member as the contact gives their own consent to show their number.
        "family_consent_name": ("Keluarga " + nickname.split()[-1]) if family else "",
        "family_consent_on": today - dt.timedelta(days=rng.randint(0, 30)) if family else None,
        "family_consent_reference": f"FK-{i + 1:02d}/2026" if family else "",
        "phone": "0812" + "".join(str(rng.randrange(10)) for _ in range(8)),
        "publish_until": None,
        "featured": rng.random() < 0.1,
        "publish": True,
        "remove_photo": False,
        "version": "",
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    rng = random.Random(args.seed)
    photo_rng = random.Random(args.seed + 1)  # own stream: photos do not change the data
    app = create_app()
    with app.test_request_context(), database.connection_context():
        user = User.get_or_none(User.username == args.username)
        if user is None:
            user = create_user(Unit.select().first(), args.username, args.password,
                               "superadmin", "Admin Demo")
            print(f"created superadmin {args.username!r}")
        categories = {c.slug: c for c in Category.select()}
        regions = list(Region.select().order_by(Region.code))
        # Mostly Polewali Mandar, where the office is; some neighbours.
        home = [r for r in regions if r.kabupaten == "Polewali Mandar"]
        regions = home * 3 + [r for r in regions if r.kabupaten != "Polewali Mandar"]
        existing = {c.register_number for c in
                    Client.select().where(Client.register_number.startswith(REGISTER_PREFIX))}
        created = photos = 0
        for i, entry in enumerate(demo_plan(args.count, rng)):
            data = listing_data(i, entry, rng, categories, regions)  # always draw: stable data
            if data["client_register_number"] in existing:
                continue
            photo = None
            if photo_rng.random() < args.photo_share:
                size = (1600, 1200) if photo_rng.random() < 0.5 else (1200, 1600)
                photo = synthetic_photo(photo_rng, size)
                photos += 1
            domain.save_listing(None, None, data, user, photo)
            created += 1

        from app.directory.browse import SearchFilters, find_public
        total = find_public(SearchFilters(), 1).total
        jahit = find_public(SearchFilters(q="jahit"), 1).total
    print(f"instance: {app.instance_path}")
    print(f"created {created} listings ({photos} with a photo); {total} public in all, "
          f"{jahit} match 'jahit'")
    return 0


if __name__ == "__main__":
    sys.exit(main())
