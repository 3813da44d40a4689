"""Generate N realistic listings in Bahasa Indonesia, fast, for measuring search at scale.

    RAJA_KEMAS_INSTANCE=/tmp/big/inst python bench/generate.py --count 100000

Writes straight through the models in bulk (`insert_many` in transactions of a few
thousand rows), then indexes every new listing with `app.directory.search.index_listing`, the
function the admin screen uses, so the index holds exactly what the app would write.
100,000 listings take a few minutes on two cores.

What is made, per listing (rough shares, all reproducible with --seed):
- a client (about 1.3 listings each) of the office's unit, adult, under supervision, with
  a consent recorded in the last two years; a few are withdrawn, expired, or of clients
  whose supervision ended, and 1% are under 18: those listings are never public;
- a title and a description assembled from trade vocabulary of the listing's category
  (all 25 categories of app/data/kategori.csv, weighted as in a real directory: more
  tailors, mechanics, cooks and builders than masseurs), a kecamatan (half in Polewali
  Mandar), a price hint, working hours, a WhatsApp number;
- 90% published; confirmed by the officer within the last 90 days; updated over the last
  two years (that order is what the public list shows).
No photos (they change nothing in search; bench/seed_demo.py makes some for page weight).

The instance folder is created and migrated if needed; existing rows are kept and new ids
follow them. With --password, a superadmin `bench` is created for admin-screen checks.
"""
import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from app.db import database, is_sqlite  # noqa: E402
from app.directory import search  # noqa: E402
from app.models import Category, Client, Consent, Listing, Region, Unit, User  # noqa: E402
from app.records.listings import slugify  # noqa: E402

BATCH = 400  # rows per INSERT: under SQLite's 32,766 bound variables for ~40 columns
COMMIT_EVERY = 5_000

# category slug: (weight, titles, description phrases)
TRADES = {
    "menjahit": (12, ["Penjahit Pakaian", "Jahit Baju & Permak", "Permak Jeans", "Jahit Kebaya",
                      "Konveksi Seragam", "Bordir Komputer", "Jahit Gorden & Sprei",
                      "Penjahit Baju Bodo", "Obras & Vermak", "Jahit Gamis & Mukena"],
                 ["Menjahit baju, kemeja dan celana sesuai ukuran.",
                  "Permak celana jeans, pasang resleting, kecilkan baju.",
                  "Menerima jahitan seragam sekolah dan kantor dalam jumlah banyak.",
                  "Jahit kebaya dan baju bodo untuk pesta pernikahan.",
                  "Bordir nama, logo kelompok dan bet sekolah.",
                  "Sarung sutra Mandar dijahit jadi kemeja atau rok.",
                  "Bahan bisa dari kami atau dari pelanggan."]),
    "bengkel-motor": (10, ["Bengkel Motor", "Servis Motor Panggilan", "Tambal Ban Tubeless",
                           "Ganti Oli & Tune Up", "Bengkel Motor Matic", "Press Ban & Velg"],
                      ["Servis ringan, tune up, ganti oli, kampas rem dan rantai.",
                       "Tambal ban tubeless dan ban dalam, isi angin nitrogen.",
                       "Motor matic dan bebek, onderdil asli dan KW.",
                       "Bisa panggil ke rumah untuk motor mogok.",
                       "Ganti aki, busi dan lampu, cek kelistrikan motor."]),
    "bengkel-mobil": (3, ["Bengkel Mobil", "Montir Mobil Panggilan", "Spooring & Balancing",
                          "Servis AC Mobil"],
                      ["Servis mobil bensin dan diesel, tune up dan ganti oli.",
                       "Montir datang ke lokasi untuk mobil mogok.",
                       "Spooring, balancing dan ganti kaki-kaki mobil.",
                       "Isi freon dan servis AC mobil."]),
    "las": (6, ["Las Teralis & Kanopi", "Bengkel Las Listrik", "Pagar Besi & Pintu Harmonika",
                "Las Rangka Baja Ringan", "Las Gerobak & Etalase"],
            ["Pagar besi, teralis jendela, kanopi baja ringan.",
             "Pintu besi, pagar lipat, tangga putar dan rangka tandon.",
             "Perbaikan gerobak, etalase dan rak besi.",
             "Survei lokasi dan ukur dulu, gratis.",
             "Pengelasan listrik dan karbit, bisa di lokasi."]),
    "tukang-bangunan": (8, ["Tukang Batu & Renovasi", "Pasang Keramik", "Tukang Cat Rumah",
                            "Renovasi Atap Bocor", "Tukang Bangunan Harian", "Cor & Plester"],
                        ["Bangun rumah, renovasi dapur dan kamar mandi.",
                         "Pasang keramik lantai dan dinding, rapi dan rata.",
                         "Cat rumah, pagar dan plafon, bahan dari pelanggan.",
                         "Perbaikan atap bocor, ganti seng dan genteng.",
                         "Bisa borongan atau harian, tim 2 sampai 5 orang."]),
    "bahan-bangunan": (2, ["Cetak Batako", "Paving Block & Conblock", "Buis Beton"],
                       ["Batako press dan paving block, bisa antar ke lokasi.",
                        "Cetak buis beton untuk sumur dan saluran air.",
                        "Pesanan partai besar untuk proyek."]),
    "tukang-kayu": (5, ["Lemari & Kusen Kayu", "Mebel Kayu Jati", "Tukang Kayu Panggilan",
                        "Pintu & Jendela Kayu"],
                    ["Lemari, meja, kursi dan kusen dari kayu lokal.",
                     "Perbaiki mebel lama, ganti engsel dan pelitur ulang.",
                     "Pintu panel dan jendela nako sesuai ukuran.",
                     "Ukiran sederhana untuk hiasan rumah."]),
    "servis-elektronik": (6, ["Servis HP & Ganti LCD", "Servis TV & Kulkas",
                              "Servis Mesin Cuci", "Servis AC & Isi Freon",
                              "Reparasi Elektronik"],
                          ["Ganti LCD, baterai dan konektor cas HP Android.",
                           "Servis TV tabung dan LED, kulkas dan dispenser.",
                           "Mesin cuci tidak berputar, kipas angin, magic com.",
                           "Cuci AC, isi freon dan pasang AC baru.",
                           "Bisa ditunggu untuk kerusakan ringan."]),
    "listrik": (3, ["Instalasi Listrik Rumah", "Teknisi Listrik Panggilan", "Pasang Meteran"],
                ["Instalasi listrik rumah baru dan tambah daya.",
                 "Perbaiki korsleting, ganti kabel dan stop kontak.",
                 "Pasang lampu taman dan lampu jalan."]),
    "katering": (7, ["Katering Nasi Kotak", "Masakan Hajatan", "Prasmanan & Syukuran",
                     "Nasi Kuning Pesanan", "Lauk Harian Rantangan"],
                 ["Nasi kotak, prasmanan dan snack untuk hajatan dan rapat.",
                  "Ikan bakar, ayam goreng, sambal dan sayur.",
                  "Menerima pesanan syukuran, aqiqah dan arisan.",
                  "Minimal pesan 20 kotak, antar gratis sekitar kecamatan."]),
    "kue": (6, ["Kue Tradisional Mandar", "Bolu & Kue Ulang Tahun", "Kue Kering Lebaran",
                "Roti & Donat", "Jajanan Pasar"],
            ["Jepa, buras, kue cucur dan kue lapis untuk acara keluarga.",
             "Bolu pandan, bolu gulung dan kue ulang tahun.",
             "Kue kering nastar dan kastengel menjelang lebaran.",
             "Pesan sehari sebelumnya, bisa antar."]),
    "warung": (4, ["Warung Makan", "Warkop & Gorengan", "Es Kelapa Muda", "Kedai Bakso"],
               ["Nasi campur, ikan bakar dan sayur bening setiap hari.",
                "Kopi, teh, gorengan dan pisang epe.",
                "Buka dari pagi sampai malam."]),
    "laundry": (3, ["Laundry Kiloan", "Setrika & Cuci Karpet", "Binatu Antar Jemput"],
                ["Cuci kering setrika per kilo, selesai dua hari.",
                 "Cuci karpet, bed cover dan gorden.",
                 "Antar jemput di sekitar kecamatan."]),
    "cuci-kendaraan": (2, ["Cuci Motor & Mobil", "Doorsmeer Steam"],
                       ["Cuci motor steam dan salon motor.", "Cuci mobil hidrolik, bersih sampai kolong."]),
    "pangkas-rambut": (4, ["Pangkas Rambut Pria", "Tukang Cukur Keliling", "Barbershop"],
                       ["Potong rambut pria dan anak, cukur kumis dan jenggot.",
                        "Datang ke rumah untuk orang tua dan anak-anak.",
                        "Model rambut kekinian, bisa request."]),
    "salon-rias": (3, ["Rias Pengantin", "Salon & Creambath", "Henna & Make Up"],
                   ["Rias pengantin adat Mandar dan modern.",
                    "Creambath, potong rambut wanita dan smoothing.",
                    "Henna tangan untuk pesta dan lamaran."]),
    "pertanian": (4, ["Buruh Tani Harian", "Bibit Kakao & Kelapa", "Sayur Hidroponik",
                      "Jamur Tiram"],
                  ["Tanam, semprot dan panen padi, jagung dan kakao.",
                   "Jual bibit kakao sambung samping dan kelapa dalam.",
                   "Sayur hidroponik segar, pesan lewat WhatsApp.",
                   "Jamur tiram segar setiap hari."]),
    "peternakan": (3, ["Ayam Kampung & Telur", "Ternak Kambing", "Telur Asin Itik"],
                   ["Jual ayam kampung, telur ayam dan telur asin.",
                    "Kambing untuk aqiqah dan kurban.", "Pakan ternak dan bibit itik."]),
    "perikanan": (4, ["Ikan Segar Nelayan", "Budidaya Lele & Nila", "Ikan Asin & Rumput Laut"],
                  ["Ikan segar hasil tangkapan pagi, antar ke rumah.",
                   "Bibit lele dan nila, ikan konsumsi dari kolam sendiri.",
                   "Ikan asin, ikan kering dan rumput laut."]),
    "kerajinan": (3, ["Tenun Sarung Sutra Mandar", "Anyaman Bambu & Rotan", "Souvenir Kaligrafi"],
                  ["Sarung sutra Mandar tenun tangan, motif tradisional.",
                   "Tudung saji, bosara dan keranjang anyaman.",
                   "Kaligrafi dan souvenir untuk oleh-oleh."]),
    "sablon-percetakan": (2, ["Sablon Kaos", "Cetak Spanduk & Undangan"],
                          ["Sablon kaos satuan dan partai.", "Cetak spanduk, banner, stiker dan undangan."]),
    "ojek-angkutan": (4, ["Ojek & Antar Jemput", "Angkut Barang Pickup", "Bentor Langganan"],
                      ["Antar jemput anak sekolah dan pegawai.",
                       "Angkut barang pindahan dengan pickup.", "Kurir paket dalam kota."]),
    "kebersihan": (2, ["Potong Rumput & Taman", "Sedot WC", "Bersih Rumah"],
                   ["Potong rumput, rapikan taman, tebang pohon.",
                    "Sedot WC dan saluran mampet.", "Bersih rumah dan kantor harian."]),
    "pijat": (1, ["Pijat Urut Tradisional", "Bekam & Refleksi"],
              ["Pijat urut untuk pegal dan keseleo.", "Bekam dan refleksi kaki, bisa panggil."]),
    "jual-beli": (3, ["Kios Pulsa & Token", "Toko Kelontong", "Barang Bekas"],
                  ["Pulsa, paket data dan token listrik.", "Sembako dan kebutuhan harian.",
                   "Jual beli barang bekas layak pakai."]),
}
CLOSINGS = ["Hubungi lewat WhatsApp.", "Bisa antar jemput.", "Harga bersahabat.",
            "Bergaransi.", "Buka setiap hari.", "Melayani panggilan.", "", ""]
QUALIFIERS = ["", "", "", " Murah", " Panggilan", " Cepat", " Rapi", " Bergaransi"]
FIRST = ["Rudi", "Sari", "Ani", "Faisal", "Suyanto", "Halimah", "Joko", "Syamsul", "Nurul",
         "Juniarti", "Yusuf", "Amiruddin", "Ratna", "Kartika", "Syarifuddin", "Jumiati",
         "Asikin", "Arif", "Hasnawati", "Eko", "Rahmat", "Dewi", "Herlina", "Hamka", "Irwan",
         "Musdalifah", "Baharuddin", "Sitti", "Andi", "Mardiana", "Ridwan", "Hasan"]
LAST = ["Hartono", "Wulandari", "Rahman", "Wibowo", "Santoso", "Alam", "Hidayah", "Saleh",
        "Mappaona", "Latif", "Sultan", "Nurdin", "Pawelloi", "Budiman", "Idris", "Tamrin",
        "Baso", "Said", "Djafar", "Mandar", "Lestari", "Kadir", "Syam", "Pananrangi"]
CALL = ["Pak", "Bu", "Kak", "Daeng", "Mas", "Om"]
PRICES = ["mulai Rp25.000", "Rp15.000 per potong", "mulai Rp50.000", "nego", "",
          "Rp7.000/kg", "mulai Rp150.000", "harga sesuai model", "Rp100.000 per hari"]
HOURS = ["Senin–Sabtu 08.00–17.00", "Setiap hari 07.00–21.00", "Senin–Jumat 09.00–16.00",
         "Pesan lewat WhatsApp", "Setiap hari kecuali Jumat siang", ""]


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="The instance folder is RAJA_KEMAS_INSTANCE (default ./instance).")
    ap.add_argument("--count", type=int, default=100_000, help="listings to add (default 100000)")
    ap.add_argument("--seed", type=int, default=5, help="random seed (same seed, same data)")
    ap.add_argument("--password", help="create a superadmin `bench` with this password")
    return ap.parse_args(argv)


def _weighted_categories(categories: dict) -> list:
    out = []
    for slug, (weight, _, _) in TRADES.items():
        if slug in categories:
            out += [categories[slug]] * weight
    return out


def _phone(rng) -> str:
    return "+628" + rng.choice("1235") + "".join(str(rng.randrange(10)) for _ in range(9))


def make_rows(n: int, first_client: int, first_listing: int, unit, categories, regions, rng,
              today: dt.date):
    """Return (client rows, consent rows, listing rows) as dicts for insert_many."""
    now = dt.datetime.combine(today, dt.time(12))
    pool = _weighted_categories(categories)
    clients, consents, listings = [], [], []
    client_id = first_client - 1
    for i in range(n):
        if not clients or rng.random() < 0.77:  # about 1.3 listings per client
            client_id += 1
            first, last = rng.choice(FIRST), rng.choice(LAST)
            minor = rng.random() < 0.01
            birth = (today - dt.timedelta(days=rng.randint(14 * 365, 17 * 365)) if minor
                     else dt.date(rng.randint(1962, 2004), rng.randint(1, 12), rng.randint(1, 28)))
            ended = rng.random() < 0.03
            clients.append(dict(
                id=client_id, unit=unit.id, full_name=f"{first} {last} {rng.choice(LAST)}",
                register_number=f"GEN-{client_id}/{rng.randint(2019, 2026)}",
                birth_date=birth, supervising_officer=f"Petugas {rng.choice(FIRST)}",
                supervision_end_date=today + dt.timedelta(
                    days=-rng.randint(1, 300) if ended else rng.randint(30, 1200)),
                internal_notes="Data bangkitan untuk pengukuran.",
                created_at=now - dt.timedelta(days=rng.randint(0, 730)), updated_at=now))
            r = rng.random()
            consents.append(dict(
                client=client_id, given_on=today - dt.timedelta(days=rng.randint(0, 720)),
                officer_name=f"Petugas {rng.choice(FIRST)}", form_reference=f"F-{client_id}",
                scope_name=rng.random() < 0.9, scope_photo=rng.random() < 0.7,
                scope_phone=rng.random() < 0.95,
                valid_until=today - dt.timedelta(days=5) if r < 0.02 else None,
                withdrawn_at=now - dt.timedelta(days=3) if 0.02 <= r < 0.04 else None,
                created_at=now - dt.timedelta(days=rng.randint(0, 720))))
            nickname = f"{rng.choice(CALL)} {first}"
        category = rng.choice(pool)
        _, titles, phrases = TRADES[category.slug]
        region = rng.choice(regions)
        title = rng.choice(titles) + rng.choice(QUALIFIERS)
        if rng.random() < 0.25:
            title += f" {region.kecamatan}"
        description = " ".join(p for p in rng.sample(phrases, k=min(len(phrases), rng.randint(1, 3)))
                               + [rng.choice(CLOSINGS)] if p)
        family = rng.random() < 0.15
        updated = now - dt.timedelta(minutes=rng.randint(0, 730 * 24 * 60))
        listing_id = first_listing + i
        listings.append(dict(
            id=listing_id, unit=unit.id, client=client_id, category=category.id,
            region=region.id, title=title, slug=slugify(title), description=description,
            service_area=f"{region.kecamatan} dan sekitarnya", price_hint=rng.choice(PRICES),
            working_hours=rng.choice(HOURS), display_name=nickname,
            contact_relation="keluarga" if family else "klien",
            contact_name=f"Keluarga {nickname.split()[-1]}" if family else nickname,
            family_consent_name=f"Keluarga {nickname.split()[-1]}" if family else "",
            family_consent_on=today - dt.timedelta(days=rng.randint(0, 300)) if family else None,
            family_consent_reference=f"FK-{listing_id}" if family else "",
            phone=_phone(rng), phone_is_mobile=True,
            is_published=rng.random() < 0.9, published_at=updated,
            publish_until=today - dt.timedelta(days=1) if rng.random() < 0.02 else None,
            featured=rng.random() < 0.02,
            last_confirmed_at=today - dt.timedelta(days=rng.randint(0, 90)),
            created_at=updated - dt.timedelta(days=rng.randint(0, 200)), updated_at=updated))
    return clients, consents, listings


def _insert(model, rows):
    for start in range(0, len(rows), BATCH):
        model.insert_many(rows[start:start + BATCH]).execute()


def main(argv=None) -> int:
    args = parse_args(argv)
    rng = random.Random(args.seed)
    app = create_app()
    started = time.perf_counter()
    today = dt.date.today()
    with app.app_context(), database.connection_context():
        unit = Unit.select().order_by(Unit.id).first()
        if args.password and not User.select().where(User.username == "bench").exists():
            from app.security.accounts import create_user
            create_user(unit, "bench", args.password, "superadmin", "Bench")
        categories = {c.slug: c for c in Category.select()}
        region_list = list(Region.select().order_by(Region.code))
        home = [r for r in region_list if r.kabupaten == "Polewali Mandar"]
        regions = home * 4 + [r for r in region_list if r.kabupaten != "Polewali Mandar"]
        region_by_id = {r.id: r for r in region_list}
        category_by_id = {c.id: c for c in categories.values()}
        first_client = (Client.select(Client.id).order_by(Client.id.desc()).scalar() or 0) + 1
        first_listing = (Listing.select(Listing.id).order_by(Listing.id.desc()).scalar() or 0) + 1

        made = 0
        while made < args.count:
            n = min(COMMIT_EVERY, args.count - made)
            clients, consents, listings = make_rows(
                n, first_client, first_listing + made, unit, categories, regions, rng, today)
            with database.atomic():
                _insert(Client, clients)
                _insert(Consent, consents)
                _insert(Listing, listings)
            first_client += len(clients)
            made += n
            print(f"\rrows: {made:,} listings", end="", flush=True)
        rows_done = time.perf_counter()
        print(f" in {rows_done - started:.0f} s")

        # Index through the app's own function, on model objects built from the rows (no
        # query per listing: category and region are attached from memory).
        def new_listings():
            query = (Listing.select().where(Listing.id >= first_listing)
                     .order_by(Listing.id).dicts().iterator())
            for row in query:
                listing = Listing(**{k: v for k, v in row.items()
                                     if k not in ("category", "region")})
                listing.category = category_by_id[row["category"]]
                if row["region"]:
                    listing.region = region_by_id[row["region"]]
                yield listing
        indexed = search.reindex(new_listings())
        print(f"indexed {indexed:,} listings in {time.perf_counter() - rows_done:.0f} s")
        if is_sqlite():
            database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # fold the WAL in
        total = Listing.select().count()
    print(f"instance: {app.instance_path}; {total:,} listings in all; "
          f"{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
