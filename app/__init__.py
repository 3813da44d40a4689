"""Raja Kemas: the application factory."""
from pathlib import Path

from flask import Flask
from flask_compress import Compress
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx

from .config import STATIC_DIR, TEMPLATE_DIR, instance_path, load_settings

login_manager = LoginManager()
csrf = CSRFProtect()
compress = Compress()
htmx = Htmx()


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings, database (migrated and seeded), extensions, blueprints."""
    config = dict(config or {})
    folder = Path(config.pop("INSTANCE_PATH", None) or instance_path())
    app = Flask(__name__, instance_path=str(folder), template_folder=str(TEMPLATE_DIR),
                static_folder=str(STATIC_DIR))
    app.config.update(load_settings(folder))
    app.config.update(config)
    app.config.setdefault("COMPRESS_MIMETYPES", [
        "text/html", "text/css", "application/javascript", "text/javascript",
        "application/json", "image/svg+xml", "application/xml", "text/plain"])
    app.config.setdefault("COMPRESS_MIN_SIZE", 300)
    # flask-compress's default br/zstd levels come out larger than gzip on our pages.
    app.config.setdefault("COMPRESS_BR_LEVEL", 6)
    app.config.setdefault("COMPRESS_ZSTD_LEVEL", 9)

    from . import db, errors, rendering
    db.init_app(app)
    _prepare_database(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Silakan masuk terlebih dahulu."
    login_manager.login_message_category = "info"
    csrf.init_app(app)
    compress.init_app(app)
    htmx.init_app(app)
    rendering.init_app(app)
    errors.init_app(app)

    from .admin import bp as admin_bp
    from .auth import bp as auth_bp
    from .public import bp as public_bp
    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")

    from .cli import register
    register(app)
    return app


def _prepare_database(app):
    """Apply pending migrations and load reference data: the first start needs nothing else."""
    from .db import database
    from .migrate import migrate_database
    from .seed import seed_all
    with app.app_context(), database.connection_context():
        migrate_database()
        seed_all()


@login_manager.user_loader
def _load_user(user_id):
    from .models import User
    return User.get_or_none(User.id == int(user_id))
