"""`raja-kemas move-to-postgres`: an office's SQLite data, every row of it, into PostgreSQL."""
import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PASSWORD, jpeg_bytes, listing_data

from app import create_app
from app.cli import move_to_postgres_command
from app.db import database, make_database, release_database
from app.directory import stats
from app.models import AuditEvent, Category, Consent, Listing, Unit, User
from app.operations.migrate import HISTORY_TABLE, runner
from app.operations.transfer import REBUILT_PREFIXES, model_classes
from app.records import listings as domain
from app.security import accounts


def make_app(folder: Path, url: str):
    return create_app({"INSTANCE_PATH": str(folder), "DATABASE_URL": url, "TESTING": True,
                       "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False})


@pytest.fixture
def office(tmp_path):
    """An office's SQLite database with two units, photos, consents, audit events and stats."""
    url = "sqlite:///" + (tmp_path / "kantor.db").as_posix()
    app = make_app(tmp_path / "instance", url)
    with app.test_request_context(), database.connection_context():
        unit = Unit.select().first()
        boss = accounts.create_user(unit, "admin", PASSWORD, "superadmin", "Andi Petugas")
        other = Unit.create(name="Bapas Mamuju", slug="bapas-mamuju", kabupaten_served="Mamuju")
        officer = accounts.create_user(other, "petugas", PASSWORD, "admin", "Petugas Mamuju")
        first = domain.save_listing(None, None, listing_data(), boss, jpeg_bytes())
        domain.save_listing(None, None, listing_data(
            title="Bengkel Las Pagar", category_id=Category.get(Category.slug == "las").id,
            description="Las pagar dan teralis.",
            client_full_name="Budi Santoso Wibowo", display_name="Pak Budi"),
            officer, jpeg_bytes(color=(10, 90, 200)))
        draft = domain.save_listing(None, None, listing_data(
            title="Kue Basah Bu Sari", publish=False, client_full_name="Sari Wulandari Putri",
            display_name="Bu Sari"), boss)
        domain.delete_listing(draft, boss)
        domain.set_published(first, False, boss)
        domain.set_published(first, True, boss)
        Consent.update(withdrawn_at=dt.datetime(2026, 1, 2, 3, 4, 5)).where(
            Consent.client == draft.client_id).execute()
        accounts.authenticate("admin", "salah-sandi", "10.0.0.7")
        stats.record(first.id, "view")
        stats.record(first.id, "whatsapp")
        accounts.new_setup_token()
    release_database()
    return app, url


def rows(model, db):
    """Every row of a model's table from one database, as Python values, by id."""
    fields = model._meta.sorted_fields
    return list(model.select(*fields).order_by(model._meta.primary_key).tuples().execute(db))


def move(source, target):
    return CliRunner().invoke(move_to_postgres_command, ["--from", source, "--to", target])


def test_move_copies_every_row_photo_and_audit_event(office, postgres_url, tmp_path):
    app, source_url = office
    result = move(source_url, postgres_url)
    assert result.exit_code == 0, result.output
    assert "Selesai" in result.output

    src, dst = make_database(source_url), make_database(postgres_url)
    tables = {m._meta.table_name for m in model_classes()}
    with src.connection_context():
        source_tables = {t for t in src.get_tables() if not t.startswith(REBUILT_PREFIXES)}
    assert source_tables <= tables | {HISTORY_TABLE}, "a table of the office was not moved"
    with src.connection_context(), dst.connection_context():
        for model in model_classes():
            assert rows(model, src) == rows(model, dst), model._meta.table_name
        history = [runner(db).History for db in (src, dst)]
        assert [(h.name, h.applied) for h in history[0].select().order_by(history[0].id)] == \
            [(h.name, h.applied) for h in history[1].select().order_by(history[1].id)]
        moved = rows(Listing, dst)
        assert len(moved) == 3 and rows(AuditEvent, dst) and rows(Consent, dst)
        actions = {a.action for a in AuditEvent.select().execute(dst)}
        assert {"listing.create", "listing.publish", "listing.delete", "login.failed",
                "consent.create"} <= actions
        photos = [(x.photo, x.photo_thumb) for x in Listing.select().execute(dst) if x.photo]
        assert len(photos) == 2
    dst.close_all()
    uploads = Path(app.config["UPLOAD_DIR"])
    assert all((uploads / name).is_file() for pair in photos for name in pair)

    # The national deployment now runs on it: search, photos and new ids all work.
    national = make_app(tmp_path / "instance", postgres_url)
    web = national.test_client()
    page = web.get("/?q=jahit").text
    assert "Penjahit Pakaian" in page and "Bengkel Las Pagar" not in page
    assert "Bengkel Las Pagar" in web.get("/u/bapas-mamuju/?q=las").text
    home = web.get("/").text  # cards show the photo's sizes, named after the photo
    shown = next(p for p, _ in photos if Path(p).stem in home)
    assert web.get(f"/foto/{shown}").status_code == 200
    with national.test_request_context(), database.connection_context():
        boss = User.get(User.username == "admin")
        highest = Listing.select().order_by(Listing.id.desc()).first().id
        fresh = domain.save_listing(None, None, listing_data(
            title="Servis Pompa Air", client_full_name="Joko Prasetyo Utomo",
            display_name="Pak Joko"), boss)
        assert fresh.id == highest + 1
    assert "Servis Pompa Air" in web.get("/?q=pompa").text


def test_move_refuses_a_target_with_data_and_changes_nothing(office, postgres_url):
    _, source_url = office
    assert move(source_url, postgres_url).exit_code == 0
    dst = make_database(postgres_url)
    with dst.connection_context():
        before = {m._meta.table_name: len(rows(m, dst)) for m in model_classes()}
    again = move(source_url, postgres_url)
    assert again.exit_code != 0
    assert "sudah berisi data" in again.output and "tidak ada yang diubah" in again.output
    with dst.connection_context():
        assert {m._meta.table_name: len(rows(m, dst)) for m in model_classes()} == before
    dst.close_all()


def test_a_failed_move_leaves_the_target_empty(office, postgres_url):
    """PostgreSQL checks what SQLite let through; the half-done move is rolled back whole."""
    _, source_url = office
    src = make_database(source_url)
    with src.connection_context():
        src.execute_sql("UPDATE audit_event SET username = ? WHERE id = "
                        "(SELECT MAX(id) FROM audit_event)", ("x" * 300,))
    result = move(source_url, postgres_url)
    assert result.exit_code != 0 and "dibatalkan" in result.output
    dst = make_database(postgres_url)
    with dst.connection_context():
        assert dst.get_tables() == []
    dst.close_all()


@pytest.mark.parametrize("source, target, message", [
    ("sqlite:///tidak/ada.db", "postgresql://postgres@127.0.0.1/test", "tidak ditemukan"),
    ("{db}", "sqlite:///lain.db", "Tujuan harus PostgreSQL"),
    ("mysql://x/y", "postgresql://postgres@127.0.0.1/test", "Sumber harus database SQLite"),
])
def test_move_explains_bad_arguments(office, source, target, message):
    _, source_url = office
    result = move(source.format(db=source_url), target)
    assert result.exit_code != 0 and message in result.output
