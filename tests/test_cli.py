"""The raja-kemas commands."""
from app.db import database
from app.models import SetupToken, User


def test_create_admin(app, runner):
    result = runner.invoke(args=["create-admin", "--username", "Budi", "--role", "admin",
                                 "--password", "panjang-sekali-123"])
    assert result.exit_code == 0, result.output
    assert "dibuat" in result.output
    with database.connection_context():
        assert User.get(User.username == "budi").role == "admin"


def test_create_admin_refuses_short_password(app, runner):
    result = runner.invoke(args=["create-admin", "--username", "budi", "--password", "pendek"])
    assert result.exit_code != 0
    assert "minimal 8 karakter" in result.output
    with database.connection_context():
        assert not User.select().where(User.username == "budi").exists()


def test_create_admin_refuses_duplicate(app, runner):
    result = runner.invoke(args=["create-admin", "--username", "admin",
                                 "--password", "panjang-sekali-123"])
    assert result.exit_code != 0
    assert "sudah dipakai" in result.output


def test_create_admin_rejects_unknown_role(app, runner):
    result = runner.invoke(args=["create-admin", "--username", "x", "--role", "raja",
                                 "--password", "panjang-sekali-123"])
    assert result.exit_code != 0


def test_setup_link_only_without_admin(app, runner):
    result = runner.invoke(args=["setup-link"])
    assert result.exit_code != 0
    assert "Sudah ada admin" in result.output


def test_setup_link_printed_when_no_admin(tmp_path):
    from app import create_app
    fresh = create_app({"INSTANCE_PATH": str(tmp_path),
                        "DATABASE_URL": "sqlite:///" + (tmp_path / "f.db").as_posix()})
    result = fresh.test_cli_runner().invoke(args=["setup-link", "--port", "9000"])
    assert result.exit_code == 0
    assert "http://127.0.0.1:9000/siapkan/" in result.output
    with fresh.app_context(), database.connection_context():
        assert SetupToken.select().count() == 1


def test_init_and_migrate(app, runner):
    result = runner.invoke(args=["init"])
    assert "0001_initial" in result.output and result.exit_code == 0
    result = runner.invoke(args=["migrate"])
    assert "sudah terbaru" in result.output


def test_reindex(app, runner, make_listing):
    make_listing()
    result = runner.invoke(args=["reindex"])
    assert "1 jasa" in result.output


def _indexed_ids():
    from app.db import is_sqlite
    sql = ("SELECT rowid FROM listing_fts" if is_sqlite()
           else "SELECT listing_id FROM listing_search")
    return {row[0] for row in database.execute_sql(sql).fetchall()}


def test_reindex_rebuilds_from_scratch(app, runner, make_listing, client):
    from app.db import is_sqlite
    from app.directory import search
    from app.models import Listing
    from app.records.listings import delete_listing
    kept = make_listing()
    draft = make_listing(title="Kue Basah Enak", client_register_number="PB-124/2025",
                         publish=False)
    binned = make_listing(title="Las Pagar Besi", client_register_number="PB-125/2025")
    with app.test_request_context(), database.connection_context():
        delete_listing(Listing.get_by_id(binned.id), User.get(User.username == "admin"))
        if is_sqlite():  # PostgreSQL's index table refers to listing ids: none can be stale
            search._backend().write(99999, ("hantu", "hantu", "hantu", ""))
        assert binned.id in _indexed_ids()
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0 and "2 jasa" in result.output
    with database.connection_context():
        assert _indexed_ids() == {kept.id, draft.id}  # drafts too, as on save
    assert "Penjahit Pakaian" in client.get("/?q=jahit").text
    assert "Penjahit Pakaian" in client.get("/?q=menjahit").text
