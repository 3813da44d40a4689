"""The factory: settings, migrations on first start, reference data."""
from app import create_app
from app.db import database
from app.models import Category, Region, Unit
from app.operations.migrate import migration_status


def test_config_overrides(app):
    assert app.config["TESTING"] is True
    assert app.config["OFFICE_NAME"] == "Bapas Kelas II Polewali"


def test_first_start_migrates_and_seeds(app):
    with app.app_context(), database.connection_context():
        assert all(m.applied for m in migration_status())
        assert Category.select().count() >= 20
        assert Category.get(Category.slug == "pangkas-rambut").name == "Pangkas Rambut"
        assert Region.select().count() == 69
        assert Region.get(Region.code == "76.04.03").kecamatan == "Wonomulyo"
        assert Unit.select().count() == 1


def test_office_name_is_a_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("RAJA_KEMAS_OFFICE_NAME", "Bapas Uji Coba")
    app = create_app({"INSTANCE_PATH": str(tmp_path),
                      "DATABASE_URL": "sqlite:///" + (tmp_path / "x.db").as_posix()})
    with app.app_context(), database.connection_context():
        assert Unit.select().first().name == "Bapas Uji Coba"
    assert "Bapas Uji Coba" in app.test_client().get("/").text


def test_secret_key_generated_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    config = {"INSTANCE_PATH": str(tmp_path),
              "DATABASE_URL": "sqlite:///" + (tmp_path / "x.db").as_posix()}
    first = create_app(config).config["SECRET_KEY"]
    assert len(first) >= 32
    assert create_app(dict(config)).config["SECRET_KEY"] == first


def test_restart_keeps_data_and_user_edits(app, tmp_path):
    """A second start applies nothing new and does not re-seed edited categories."""
    with app.app_context(), database.connection_context():
        Category.update(name="Pangkas Rambut Pria").where(Category.slug == "pangkas-rambut").execute()
    again = create_app({"INSTANCE_PATH": str(tmp_path / "instance"),
                        "DATABASE_URL": app.config["DATABASE_URL"]})
    with again.app_context(), database.connection_context():
        assert Category.get(Category.slug == "pangkas-rambut").name == "Pangkas Rambut Pria"
