"""Apply the schema migrations in migrations/ (peewee's own runner)."""
from contextlib import contextmanager

from playhouse.migrations import Runner

from app.config import MIGRATIONS_DIR
from app.db import database, is_postgres

HISTORY_TABLE = "schema_migration"  # playhouse.migrations.Runner's default
# Any fixed number: every process of the deployment takes the same advisory lock.
STARTUP_LOCK_KEY = 0x52414A41  # "RAJA"


def runner(db=None) -> Runner:
    """Return the migration runner for a database (the bound one by default)."""
    return Runner(db or database.obj, str(MIGRATIONS_DIR), table_name=HISTORY_TABLE)


def migrate_database() -> list[str]:
    """Apply pending migrations; return the names applied.

    A migration that changes what the search index holds says `REINDEX = True` instead
    of indexing itself: the index is rebuilt once, after the last migration, with the
    current models (inside an old migration they would ask for columns not yet made).
    """
    run = runner()
    pending = {m.name: m for m in run.status() if m.path and not m.applied}
    applied = run.up()
    if any(getattr(pending[name].load(), "REINDEX", False) for name in applied):
        from app.directory.search import rebuild_all
        rebuild_all()
    return applied


def has_column(db, table: str, column: str) -> bool:
    """Whether `table` has `column` in the schema in use (PostgreSQL: the search_path's)."""
    return any(c.name == column for c in db.get_columns(table))


def migration_status():
    """Return every migration with when it was applied (None = pending)."""
    return runner().status()


@contextmanager
def startup_lock():
    """Let one process at a time migrate and seed a shared PostgreSQL database.

    Several app processes starting together would otherwise race to create the
    same tables and seed rows. The lock is a transaction-level advisory lock, so
    it is released whatever happens. SQLite needs none: one office, one process.
    """
    if not is_postgres():
        yield
        return
    with database.atomic():
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (STARTUP_LOCK_KEY,))
        yield
