"""Apply the schema migrations in migrations/ (peewee's own runner)."""
from playhouse.migrations import Runner

from .config import MIGRATIONS_DIR
from .db import database


def migrate_database(target=None) -> list[str]:
    """Apply pending migrations; return the names applied."""
    runner = Runner(database.obj, str(MIGRATIONS_DIR))
    return runner.up(target)


def migration_status():
    runner = Runner(database.obj, str(MIGRATIONS_DIR))
    return runner.status()
