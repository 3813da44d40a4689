"""The Peewee database: chosen by DATABASE_URL, connected per request."""
from flask import request
from peewee import DatabaseProxy, Model, SqliteDatabase
from playhouse.db_url import connect

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",  # WAL + normal is durable across application crashes
}


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


def open_database(url: str):
    """Create the database object for a URL and bind the proxy to it."""
    if url.startswith("sqlite"):
        db = connect(url, pragmas=SQLITE_PRAGMAS)
    else:
        db = connect(url)
    database.initialize(db)
    return db


def is_sqlite() -> bool:
    return isinstance(database.obj, SqliteDatabase)


def init_app(app):
    """Open a connection on first use in a request and close it on teardown."""
    open_database(app.config["DATABASE_URL"])

    @app.before_request
    def _connect():
        # Remember whether this request opened the connection, so it closes only its own.
        request.environ["raja_kemas.db_opened"] = database.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if request.environ.get("raja_kemas.db_opened") and not database.is_closed():
            database.close()
