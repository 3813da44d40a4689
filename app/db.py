"""The Peewee database: chosen by DATABASE_URL, connected per request; write transactions
that wait for each other instead of failing."""
import json
import random
import sqlite3
import time
from contextlib import contextmanager
from functools import wraps
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from flask import request
from peewee import SQL, DatabaseProxy, Model, PostgresqlDatabase, SqliteDatabase, fn
from playhouse.db_url import connect
from playhouse.pool import PooledSqliteDatabase

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",  # WAL + normal is durable across application crashes
    "cache_size": -512,  # KiB per connection: pooled, one per server thread stays open
}
# Every SQLite transaction takes the write lock at BEGIN, where busy_timeout lets it wait.
# A deferred one that reads first cannot wait when it later writes (WAL): it fails at once.
SQLITE_LOCK_TYPE = "IMMEDIATE"
# How long a write transaction keeps trying when the database says "try again" (the lock
# stayed taken longer than busy_timeout, e.g. during a big import; or on PostgreSQL a
# deadlock or serialization failure), before the caller tells the admin it is busy.
WRITE_RETRY_SECONDS = 60
RETRY_PAUSES = (0.05, 1.0)  # first and longest pause between tries, in seconds
SQLITE_BUSY_CODES = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
POSTGRES_RETRY_CODES = ("40001", "40P01")  # serialization_failure, deadlock_detected
POSTGRES_SCHEMES = ("postgres", "postgresql")
# Each waitress thread holds at most one connection; a busy process waits up to
# `timeout` seconds for a free one rather than failing the request.
POOL_DEFAULTS = {"max_connections": 20, "stale_timeout": 300, "timeout": 10}
# A pooled connection serves one thread at a time, but not always the thread that opened it.
SQLITE_POOL = {"max_connections": 32, "stale_timeout": 300, "timeout": 10,
               "check_same_thread": False}


class SqlitePool(PooledSqliteDatabase):
    """SQLite with a pool of open connections. (Migrations tell the backends apart by
    the class name: it starts with "Sqlite".)"""


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


def is_postgres_url(url: str) -> bool:
    """Tell whether a DATABASE_URL points at PostgreSQL (pooled or not)."""
    return urlsplit(url).scheme.split("+")[0] in POSTGRES_SCHEMES


def make_database(url: str):
    """Create an unconnected database object for a URL, without binding the proxy.

    Both get a connection pool, since every request connects and closes: `sqlite://`
    (with its pragmas; not `:memory:`) and `postgresql://` (`postgresql+pool://` and
    `sqlite+pool://` are accepted too).
    """
    parts = urlsplit(url)
    if parts.scheme == "sqlite" and not parts.query and parts.path not in ("", "/", "/:memory:"):
        # Pooled too: a fresh SQLite connection reads the schema again and starts with an
        # empty page cache, ~1 ms of CPU and a slower first query in every request.
        return SqlitePool(parts.path[1:], pragmas=SQLITE_PRAGMAS, **SQLITE_POOL)
    if parts.scheme.startswith("sqlite"):
        return connect(url, pragmas=SQLITE_PRAGMAS, lock_type=SQLITE_LOCK_TYPE)
    if parts.scheme in POSTGRES_SCHEMES:
        url = urlunsplit(parts._replace(scheme=parts.scheme + "+pool"))
        given = {key for key, _ in parse_qsl(parts.query)}
        return connect(url, **{k: v for k, v in POOL_DEFAULTS.items() if k not in given})
    return connect(url)


def open_database(url: str):
    """Create the database object for a URL and bind the proxy to it."""
    db = make_database(url)
    database.initialize(db)
    return db


def release_database() -> None:
    """Close every pooled connection of the bound database (tests, shutdown)."""
    obj = database.obj
    if obj is None:
        return
    if not obj.is_closed():
        obj.close()
    if hasattr(obj, "close_all"):
        obj.close_all()


@contextmanager
def bound_to(db):
    """Point the app's models at `db` for a while (a migration, the move to PostgreSQL)."""
    previous = database.obj
    database.initialize(db)
    try:
        yield db
    finally:
        if previous is not None:
            database.initialize(previous)


def is_sqlite() -> bool:
    """Tell whether the bound database is SQLite."""
    return isinstance(database.obj, SqliteDatabase)


def is_postgres() -> bool:
    """Tell whether the bound database is PostgreSQL."""
    return isinstance(database.obj, PostgresqlDatabase)


# --- SQL that peewee writes once ----------------------------------------------------------

_prepared = {}  # key -> (database, SQL, [(slot name or None, fixed value)])
MAX_PREPARED = 1024  # shapes of query x days: far fewer in practice


def prepared(key, build) -> tuple[str, list]:
    """The SQL of the query `build(slot)` returns, written by peewee once per database and
    `key`, with its parameters as (slot name, None) or (None, fixed value).

    Peewee takes longer to write a public search's SQL (joins, consent rules) than SQLite
    takes to run it. `slot(name)` stands in the query for a value given at each run
    (run_prepared); everything else the SQL depends on, the date included, belongs in `key`.
    """
    db = database.obj
    found = _prepared.get(key)
    if found is None or found[0] is not db:
        names = {}

        def slot(name: str) -> str:
            marker = f"\x00slot:{name}\x00"  # text no one types, kept as it is by peewee
            names[marker] = name
            return marker
        sql, params = build(slot).sql()
        template = [(names[p], None) if isinstance(p, str) and p in names else (None, p)
                    for p in params]
        if len(_prepared) >= MAX_PREPARED:
            _prepared.clear()
        found = _prepared[key] = (db, sql, template)
    return found[1], found[2]


def run_prepared(key, build, values: dict, edit=None):
    """Run the prepared query (prepared) with `values` for its slots; `edit` may change the
    SQL text first (an index hint, say)."""
    sql, template = prepared(key, build)
    params = [values[name] if name else value for name, value in template]
    return database.execute_sql(edit(sql) if edit else sql, params)


def id_in(field, ids_param):
    """`field IN (the ids)` with the ids as one parameter (ids_value), so the SQL stays the
    same whatever their number: a JSON array on SQLite, an array on PostgreSQL."""
    if is_sqlite():
        return field.in_(SQL("(SELECT value FROM json_each(?))", [ids_param]))
    return field == fn.ANY(ids_param)


def ids_value(ids) -> str | list:
    """The parameter id_in expects for a list of ids."""
    ids = [int(i) for i in ids]
    return json.dumps(ids) if is_sqlite() else ids


class DatabaseBusy(Exception):
    """The database stayed busy for WRITE_RETRY_SECONDS: nothing was written."""


def is_busy_error(exc: BaseException) -> bool:
    """Tell whether an error means "the same transaction may succeed if run again"."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if getattr(exc, "pgcode", None) in POSTGRES_RETRY_CODES:
            return True
        if isinstance(exc, sqlite3.OperationalError) and (
                (getattr(exc, "sqlite_errorcode", 0) & 0xFF) in SQLITE_BUSY_CODES
                or "database is locked" in str(exc)):
            return True
        # peewee wraps the driver's error: the original is its first argument and context.
        first = exc.args[0] if exc.args else None
        exc = first if isinstance(first, BaseException) else exc.__context__
    return False


def write_transaction(func):
    """Run `func` as one write transaction; run it again while the database is busy.

    Inside a caller's transaction it is a savepoint and the caller's transaction is the
    one retried. `func` must be safe to run again: it reads what it needs inside the
    transaction. Raises DatabaseBusy after WRITE_RETRY_SECONDS.
    """
    @wraps(func)
    def run(*args, **kwargs):
        if database.in_transaction():
            with database.atomic():
                return func(*args, **kwargs)
        deadline = time.monotonic() + WRITE_RETRY_SECONDS
        pause, longest = RETRY_PAUSES
        while True:
            try:
                with database.atomic():
                    return func(*args, **kwargs)
            except Exception as exc:
                if not is_busy_error(exc):
                    raise
                if time.monotonic() + pause > deadline:
                    raise DatabaseBusy() from exc
            # Jittered, growing pauses so that waiting writers do not retry in step.
            time.sleep(pause * random.uniform(0.5, 1.5))
            pause = min(pause * 2, longest)
    return run


def locked(query):
    """Lock the selected rows until the transaction ends (PostgreSQL's FOR UPDATE).

    SQLite has no row locks and needs none: its transactions take the write lock at BEGIN.
    """
    return query.for_update() if is_postgres() else query


def compare_and_set_version(model, row_id, version) -> bool:
    """Bump a row's `version` only if it still is `version`: one statement, so two
    simultaneous saves cannot both pass. False if someone saved in between (or `version`
    is not a number). On PostgreSQL the row stays locked until the transaction ends."""
    try:
        expected = int(version)
    except (TypeError, ValueError):
        return False
    return (model.update(version=model.version + 1)
            .where((model.id == row_id) & (model.version == expected)).execute()) == 1


def refresh_statistics() -> None:
    """Let SQLite's planner know the data (ANALYZE, sampled: ~0.1 s at 100,000 listings).

    Without statistics it takes `listing.is_published` (true for most rows) for a
    selective index. PostgreSQL's autovacuum keeps its own statistics.
    """
    if is_sqlite():
        database.execute_sql("PRAGMA analysis_limit = 1000")
        database.execute_sql("ANALYZE")


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
