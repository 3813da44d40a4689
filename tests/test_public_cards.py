"""Result pages at speed: the page's cards come from one query through every rule of
public_listings, and the small tables (categories, regions, units) are kept per process
until an admin (or anyone) changes them. Both databases."""
import datetime as dt
import logging
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.db import database, release_database
from app.directory.publishing import public_cards
from app.models import Category, Client, Consent, Listing, Region, Unit

TITLE = "Penjahit Pakaian"


@pytest.fixture
def uncached(app, tmp_path, database_url):
    """A visitor on an app whose public page cache is off: every request is rendered."""
    release_database()  # the fixture app's connections: one pool at a time
    fresh = create_app({"INSTANCE_PATH": str(tmp_path / "instance"),
                        "DATABASE_URL": database_url, "TESTING": True, "SECRET_KEY": "test",
                        "PUBLIC_PAGE_CACHE_BYTES": 0})
    return fresh.test_client()


@pytest.fixture
def sql_log():
    """The SQL statements the app sends, in order."""
    statements = []

    class Keep(logging.Handler):
        def emit(self, record):
            statements.append(str(record.msg[0]) if isinstance(record.msg, tuple)
                              else record.getMessage())
    logger, handler = logging.getLogger("peewee"), Keep()
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield statements
    logger.removeHandler(handler)
    logger.setLevel(level)


def _write(app, model_query):
    with app.app_context(), database.connection_context():
        return model_query()


def test_a_renamed_category_shows_on_the_next_request(app, uncached, make_listing):
    make_listing()
    assert "Menjahit &amp; Permak" in uncached.get("/").text
    _write(app, lambda: Category.update(name="Jahit Menjahit", slug="jahit-menjahit")
           .where(Category.slug == "menjahit").execute())
    page = uncached.get("/").text
    assert "Jahit Menjahit" in page and "Menjahit &amp; Permak" not in page
    assert 'href="/kategori/jahit-menjahit"' in page
    assert uncached.get("/kategori/jahit-menjahit").status_code == 200
    assert uncached.get("/kategori/menjahit").status_code == 404


def test_a_new_kecamatan_and_a_second_office_show_on_the_next_request(app, uncached):
    page = uncached.get("/").text
    assert "Kecamatan Baru" not in page and "Semua Bapas" not in page
    _write(app, lambda: Region.create(code="76.99.01", province="Sulawesi Barat",
                                      kabupaten="Polewali Mandar", kecamatan="Kecamatan Baru"))
    _write(app, lambda: Unit.create(name="Bapas Kelas II Mamuju", slug="bapas-mamuju"))
    page = uncached.get("/").text
    assert '<option value="76.99.01">Kecamatan Baru</option>' in page
    assert "Semua Bapas" in page and "Bapas Kelas II Mamuju" in page
    assert uncached.get("/u/bapas-mamuju/").status_code == 200


def test_small_tables_are_read_once_per_change_not_per_request(app, uncached, make_listing,
                                                               sql_log):
    make_listing()
    uncached.get("/")
    sql_log.clear()
    page = uncached.get("/?q=jahit")
    assert page.status_code == 200 and TITLE in page.text
    lookups = [s for s in sql_log if any(f'FROM "{table}" AS "t1" ORDER BY' in s
                                         for table in ("category", "region", "unit"))]
    assert lookups == []


def test_the_cards_of_a_page_are_one_query_however_many(app, uncached, make_listing, sql_log):
    make_listing()
    uncached.get("/")
    sql_log.clear()
    uncached.get("/")
    one_card = len(sql_log)
    for n in range(5):
        make_listing(client_full_name=f"Klien Nomor {n} Saputra",
                     client_register_number=f"PB-{n}/2026", title=f"Penjahit Kebaya {n}")
    uncached.get("/")  # the data changed: the small tables are read again, once
    sql_log.clear()
    page = uncached.get("/").text
    assert page.count('<li class="card">') == 6
    assert len(sql_log) == one_card


@pytest.mark.parametrize("change", [
    "consent withdrawn", "consent expired", "supervision ended", "client deleted",
    "unpublished", "publication ended", "website not consented"])
def test_cards_follow_every_rule_of_public_listings(app, make_listing, change):
    """A listing ranked a moment ago is not shown if it stopped being public since."""
    listing = make_listing()
    today = dt.date.today()
    with app.test_request_context(), database.connection_context():
        assert [c.title for c in public_cards([listing.id])] == [TITLE]
        consent = Consent.update
        client = Client.update
        {"consent withdrawn": lambda: consent(withdrawn_at=dt.datetime.now()),
         "consent expired": lambda: consent(valid_until=today - dt.timedelta(days=1)),
         "website not consented": lambda: consent(channel_website=False),
         "supervision ended": lambda: client(supervision_end_date=today - dt.timedelta(days=1)),
         "client deleted": lambda: client(deleted_at=dt.datetime.now()),
         "unpublished": lambda: Listing.update(is_published=False),
         "publication ended": lambda: Listing.update(publish_until=today - dt.timedelta(days=1)),
         }[change]().execute()
        assert public_cards([listing.id]) == []


def test_cards_show_only_what_the_consent_allows(app, make_listing):
    shown = make_listing()
    hidden = make_listing(client_full_name="Sari Wulandari Alam",
                          client_register_number="PB-9/2026", title="Jahit Kebaya Sari",
                          display_name="Bu Sari", contact_relation="petugas",
                          contact_name="Andi Petugas", consent_scope_name=False,
                          consent_scope_area=False, consent_channel_kiosk=False)
    with app.test_request_context(), database.connection_context():
        cards = public_cards([hidden.id, shown.id, 999999])
    assert [c.id for c in cards] == [hidden.id, shown.id]  # in the order asked, none extra
    private, public = cards
    assert (private.display_name, private.region_label, private.service_area) == ("",) * 3
    assert private.contact_name == "Andi Petugas"  # the officer: not the client's name
    assert private.channels == {"website", "share", "flyer", "search"}
    assert public.display_name == "Pak Rudi" and public.region_label.startswith("Wonomulyo")
    assert public.service_area == "Wonomulyo dan sekitarnya"
    assert public.whatsapp_link == f"/jasa/{shown.id}/wa"
    assert public.url == f"/jasa/{shown.id}-penjahit-pakaian"
    assert public.channels == {"website", "kiosk", "share", "flyer", "search"}


def test_the_page_cache_says_whether_it_answered_from_memory(app, make_listing):
    make_listing()
    visitor = app.test_client()
    assert visitor.get("/?q=jahit").headers["X-Cache"] == "MISS"
    assert visitor.get("/?q=jahit").headers["X-Cache"] == "HIT"


def test_a_served_app_answers_from_every_thread(app, make_listing):
    """Database connections are pooled: one that a thread opened serves the others."""
    make_listing()
    server = make_server("127.0.0.1", 0, app, threaded=True)  # a thread per request
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()

    def fetch(n):  # another page each time: every request is rendered, not kept
        url = f"http://127.0.0.1:{server.port}/?q=jahit&hal={n}"
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, TITLE in answer.read().decode()
    try:
        with ThreadPoolExecutor(4) as visitors:
            results = list(visitors.map(fetch, range(1, 25)))
    finally:
        server.shutdown()
        serving.join(timeout=10)
    assert results == [(200, True)] * 24
