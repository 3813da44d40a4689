"""Search results come in the same order on SQLite (FTS5) and PostgreSQL (tsvector)."""
import datetime as dt

from conftest import PASSWORD, listing_data

from app import create_app
from app.db import database
from app.directory.browse import SearchFilters, find_public
from app.models import Category, Listing, Unit
from app.records import listings as domain
from app.security.accounts import create_user

OLD = dt.datetime(2024, 1, 1)


def titles(text):
    return [x.title for x in find_public(SearchFilters(q=text), 50).items]


def category(slug):
    return Category.get(Category.slug == slug).id


RANKED = [  # (title, description, category, days old)
    ("Penjahit Pakaian Bu Ani", "Menjahit baju dan celana.", "menjahit", 5),
    ("Jahit Kebaya dan Baju Bodo", "Kebaya pengantin.", "menjahit", 9),
    ("Permak Jeans Kilat", "Potong celana, jahit resleting.", "menjahit", 1),
    ("Konveksi Seragam", "Seragam sekolah, bordir nama.", "menjahit", 1),
    ("Tenun Sarung Sutra Mandar", "Sarung sutra (lipa saqbe).", "kerajinan", 7),
    ("Anyaman Bambu", "Bakul dan tikar anyaman.", "kerajinan", 2),
    ("Bengkel Motor Jaya", "Servis motor, ganti oli.", "bengkel-motor", 3),
    ("Servis Motor Matic", "Motor matic panggilan.", "bengkel-motor", 3),
]
QUERIES = ["jahit", "penjahit", "celana", "jaht", "lipa saqbe", "motor", "bengk", "tailor",
           "servis", "baju", "sarung mandar"]


def _ranking_on(url, tmp_path):
    """The same listings on a fresh database at `url`; every query's result titles."""
    app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": url, "TESTING": True,
                      "SECRET_KEY": "test"})
    with app.test_request_context(), database.connection_context():
        user = create_user(Unit.select().first(), "admin", PASSWORD, "superadmin", "Andi")
        for n, (title, description, slug, age) in enumerate(RANKED):
            listing = domain.save_listing(None, None, listing_data(
                title=title, description=description, category_id=category(slug),
                client_full_name=f"Klien Uji Nomor {n}", display_name=f"Klien {n}",
                client_register_number=f"PB-{n:03d}/2025", contact_name=f"Klien {n}",
                phone=f"0812-3456-{n:04d}"), user, None)
            Listing.update(updated_at=OLD - dt.timedelta(days=age)).where(
                Listing.id == listing.id).execute()
        return {q: titles(q) for q in QUERIES}


def test_same_order_on_sqlite_and_postgresql(tmp_path, postgres_url):
    on_postgres = _ranking_on(postgres_url, tmp_path / "pg")
    on_sqlite = _ranking_on("sqlite:///" + (tmp_path / "s.db").as_posix(), tmp_path / "s")
    assert on_sqlite == on_postgres
    assert on_sqlite["jahit"][0] == "Jahit Kebaya dan Baju Bodo"
    assert all(on_sqlite.values())
