"""Raja Kemas: the application factory."""
from pathlib import Path

from flask import Flask

from app.config import STATIC_DIR, TEMPLATE_DIR, instance_path, load_settings
from app.extensions import compress, csrf, htmx, login_manager


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings, database (migrated and seeded), extensions, blueprints."""
    config = dict(config or {})
    folder = Path(config.pop("INSTANCE_PATH", None) or instance_path())
    app = Flask(__name__, instance_path=str(folder), template_folder=str(TEMPLATE_DIR),
                static_folder=str(STATIC_DIR))
    app.config.update(load_settings(folder))
    app.config.update(config)
    from app.web import public_address
    public_address.init_app(app, config)  # PUBLIC_URL, TRUSTED_HOSTS
    app.config.setdefault("COMPRESS_MIMETYPES", [
        "text/html", "text/css", "application/javascript", "text/javascript",
        "application/json", "application/manifest+json", "image/svg+xml", "application/xml", "text/plain"])
    app.config.setdefault("COMPRESS_MIN_SIZE", 300)
    # flask-compress's default br/zstd levels come out larger than gzip on our pages.
    app.config.setdefault("COMPRESS_BR_LEVEL", 6)
    app.config.setdefault("COMPRESS_ZSTD_LEVEL", 9)
    # Chrome offers both over https; brotli 6 beats zstd 9 on our pages by ~5%.
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "zstd", "gzip", "deflate"])

    from app import db
    from app.web import errors, rendering
    db.init_app(app)
    _prepare_database(app)

    login_manager.init_app(app)
    from app.security import sessions
    sessions.init_app(app, login_manager)  # login page and message, cookie flags, session check
    csrf.init_app(app)
    compress.init_app(app)
    from app.web import caching
    caching.init_app(app)  # after compress: its hooks then run first, on the plain body
    htmx.init_app(app)
    rendering.init_app(app)
    from app.web import i18n
    i18n.init_app(app)  # Flask-Babel: language, WITA, tanggal/rupiah filters (after rendering)
    errors.init_app(app)
    from app.web import headers as security
    security.init_app(app)  # CSP and other headers; ProxyFix
    from app.web import page_cache
    page_cache.init_app(app)  # outermost: a cached public page skips Flask entirely

    from app.admin import bp as admin_bp
    from app.auth import bp as auth_bp
    from app.public import bp as public_bp
    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    from app.api import bp as api_bp
    app.register_blueprint(api_bp, url_prefix="/api/v1")  # open data, read-only

    from app.cli import register
    register(app)
    return app


def _prepare_database(app):
    """Apply pending migrations and load reference data: the first start needs nothing else."""
    from app.db import database, refresh_statistics
    from app.operations.migrate import migrate_database, startup_lock
    from app.operations.seed import seed_all
    # startup_lock: processes starting together on one PostgreSQL take turns.
    with app.app_context(), database.connection_context(), startup_lock():
        migrate_database()
        seed_all()
        refresh_statistics()


@login_manager.user_loader
def _load_user(user_id):
    from app.security.sessions import load_user
    return load_user(user_id)  # None unless this cookie's server-side session is alive
