"""Fixtures after flaskr: an app on a temporary SQLite file, a client, a CLI runner, login."""
import datetime as dt
import io
import secrets
import shutil

import databases
import pytest

# One Chromium per session for every browser test (defined here, it is shared by all modules).
from browser_support import _close_pages_after_each_module, browser, chromium  # noqa: F401
from PIL import Image

from app import create_app
from app.db import database, release_database
from app.models import Category, Region, Unit
from app.operations import migrate
from app.records import listings as domain
from app.security.accounts import create_user

PASSWORD = "kata-sandi-rahasia"
# What the `app` fixture runs with. A cheap password hash (accounts.TEST_HASH_SETTING,
# honoured only with TESTING on): scrypt costs ~0.2 s per user, and each test makes two.
TEST_SETTINGS = {
    "TESTING": True,
    "SECRET_KEY": "test",
    "WTF_CSRF_ENABLED": False,
    "TEST_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
}


def pytest_collection_modifyitems(config, items):
    """On a PostgreSQL run, skip browser tests (the SQLite run covers them) and tests
    marked `sqlite_only` (features that exist on SQLite only, e.g. file backups)."""
    reason = f"runs on SQLite only ({databases.ENV} points at PostgreSQL)"
    for item in items:
        if item.path.stem.endswith("browser"):
            item.add_marker(pytest.mark.browser)
        if databases.testing_postgres() and (item.get_closest_marker("browser")
                                             or item.get_closest_marker("sqlite_only")):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session", autouse=True)
def _startup_lock_of_this_session():
    """Test apps on PostgreSQL each have a schema of their own, so they need not queue for
    the startup lock behind other test runs on the same database (other xdist workers,
    other checkouts): this session takes a lock key of its own. The lock itself is tested
    across real processes in test_two_processes.py."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(migrate, "STARTUP_LOCK_KEY", secrets.randbits(31))
        yield


@pytest.fixture(scope="session")
def postgres_schemas():
    """Throwaway schemas on the test PostgreSQL server; skips where there is none."""
    url = databases.postgres_server_url()
    problem = databases.postgres_problem(url)
    if problem:
        pytest.skip(problem)
    schemas = databases.Schemas(url)
    yield schemas
    schemas.close()


@pytest.fixture
def postgres_url(postgres_schemas):
    """A URL of an empty PostgreSQL schema of its own, dropped after the test."""
    name, url = postgres_schemas.create()
    yield url
    release_database()
    postgres_schemas.drop(name)


def _first_start(folder, url):
    """Start the app once on an empty database: it migrates and seeds it, as in production."""
    create_app({"INSTANCE_PATH": str(folder / "instance"), "DATABASE_URL": url, **TEST_SETTINGS})
    release_database()


@pytest.fixture(scope="session")
def database_template(request, tmp_path_factory):
    """A database migrated and seeded once per session (per xdist worker), for the tests to
    copy: SQLite, the file; PostgreSQL, the SQL the first start ran (see tests/databases.py)."""
    folder = tmp_path_factory.mktemp("template")
    if databases.testing_postgres():
        schemas = request.getfixturevalue("postgres_schemas")
        name, url = schemas.create()
        try:
            with databases.recorded_statements() as statements:
                _first_start(folder, url)
        finally:
            schemas.drop(name)
        # The startup lock serialises app processes sharing one schema; a copy needs none.
        return schemas.script(s for s in statements if "pg_advisory_xact_lock" not in s[0])
    path = folder / "template.db"
    _first_start(folder, databases.sqlite_url(path))
    # Closing the last connection moves SQLite's write-ahead log into the file.
    assert not path.with_name(path.name + "-wal").exists(), "template.db still has a WAL"
    return path


@pytest.fixture
def postgres_copy(postgres_schemas, database_template):
    """A URL of a PostgreSQL schema of its own, migrated and seeded, dropped after the test."""
    name, url = postgres_schemas.create(database_template)
    yield url
    release_database()
    postgres_schemas.drop(name)


@pytest.fixture
def database_url(request, tmp_path, database_template):
    """The test's database, migrated and seeded: a copy of the session's template SQLite
    file, or a PostgreSQL schema of its own (see tests/databases.py)."""
    if databases.testing_postgres():
        return request.getfixturevalue("postgres_copy")
    path = tmp_path / "test.db"
    shutil.copyfile(database_template, path)
    return databases.sqlite_url(path)


@pytest.fixture
def app(tmp_path, database_url):
    app = create_app({
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": database_url,
        **TEST_SETTINGS,
    })
    with app.app_context(), database.connection_context():
        unit = Unit.select().first()
        create_user(unit, "admin", PASSWORD, "superadmin", "Andi Petugas")
        create_user(unit, "viewer", PASSWORD, "viewer", "Vina")
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    """An app context with an open connection, for calling domain functions directly."""
    with app.test_request_context(), database.connection_context():
        yield


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, username="admin", password=PASSWORD):
        return self._client.post("/masuk", data={"username": username, "password": password})

    def logout(self):
        return self._client.post("/keluar")


@pytest.fixture
def auth(client):
    return AuthActions(client)


def jpeg_bytes(size=(800, 600), exif=None, color=(200, 80, 40), fmt="JPEG"):
    buffer = io.BytesIO()
    image = Image.new("RGB", size, color)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def listing_data(**overrides):
    """Form-shaped data for a complete, publishable listing."""
    category = Category.get(Category.slug == "menjahit")
    region = Region.get(Region.kecamatan == "Wonomulyo")
    data = {
        "client_full_name": "Rudi Hartono Saputra",
        "client_register_number": "PB-123/2025",
        "client_birth_date": dt.date(1990, 5, 17),
        "client_supervising_officer": "Andi Petugas",
        "client_supervision_end_date": dt.date.today() + dt.timedelta(days=365),
        "client_internal_notes": "RAHASIA-CATATAN-INTERNAL",
        "consent_given_on": dt.date.today(),
        "consent_officer_name": "Andi Petugas",
        "consent_form_reference": "F-01/2026",
        "consent_scope_name": True,
        "consent_scope_photo": True,
        "consent_scope_phone": True,
        "consent_valid_until": None,
        "consent_method": "formulir",
        "consent_scope_area": True,
        "consent_channel_website": True,
        "consent_channel_kiosk": True,
        "consent_channel_share": True,
        "consent_channel_flyer": True,
        "consent_channel_search": True,
        "family_consent_name": "",
        "family_consent_on": None,
        "family_consent_reference": "",
        "title": "Penjahit Pakaian",
        "category_id": category.id,
        "description": "Menjahit baju, permak celana, seragam sekolah.",
        "region_id": region.id,
        "service_area": "Wonomulyo dan sekitarnya",
        "price_hint": "mulai Rp25.000",
        "working_hours": "Senin–Sabtu 08.00–17.00",
        "display_name": "Pak Rudi",
        "contact_relation": "klien",
        "contact_name": "Pak Rudi",
        "phone": "0812-3456-7890",
        "publish_until": None,
        "featured": False,
        "publish": True,
        "remove_photo": False,
        "version": "",
    }
    data.update(overrides)
    return data


def form_payload(**overrides) -> dict:
    """Return listing_data() as a browser would post it."""
    payload = {}
    for key, value in listing_data(**overrides).items():
        if isinstance(value, bool):
            if value:
                payload[key] = "y"
        elif value is None:
            payload[key] = ""
        elif isinstance(value, dt.date):
            payload[key] = value.isoformat()
        else:
            payload[key] = str(value)
    return payload


@pytest.fixture
def make_listing(app):
    """Create a listing through the domain function, as the admin would."""
    from app.models import User

    def make(photo=None, **overrides):
        # A context of its own: a shared one would leak `g` (and the login) into requests.
        with app.test_request_context(), database.connection_context():
            user = User.get(User.username == "admin")
            return domain.save_listing(None, None, listing_data(**overrides), user, photo)
    return make
